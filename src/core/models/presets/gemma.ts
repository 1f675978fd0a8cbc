/**
 * Gemma (v1) checkpoints: config.json fields as published on the hub. The published files do not
 * contain tie_word_embeddings (it equals the default, True), so it is left out here too.
 * Aliases include the Keras Hub preset names of the same networks (keras-team/keras-hub
 * keras_hub/src/models/gemma/gemma_presets.py: gemma_2b_en, gemma_instruct_2b_en, gemma_1.1_instruct_2b_en
 * and their 7b counterparts, each with the parameter count of the matching checkpoint).
 */
import type { Citation } from '../../types';
import type { ModelPreset } from '../types';
import { hubConfig } from './cite';

/**
 * Gemma 2 (2B, 9B) and Gemma 3 1B: the configurations in Google's own PyTorch implementation (GEMMA_PYTORCH_CONFIG:
 * get_config_for_2b_v2, get_config_for_9b, get_config_for_1b; vocab_size 256000 and max_position_embeddings 8192 are
 * its GemmaConfig defaults for Gemma 2; Gemma 3 1B states vocab_size 262144, max_position_embeddings 32768, sliding
 * window 512, RoPE bases 10,000 local / 1,000,000 global). Their totals equal Keras Hub's published counts of the
 * same checkpoints (test/unit/models-gemma3.test.ts). get_config_for_1b takes the dtype as an argument, so the
 * Gemma 3 1B preset names none (the load dtype is then an assumption).
 */
const GEMMA_PYTORCH_CONFIG: Citation = {
  title: 'google/gemma_pytorch gemma/config.py (Gemma 2 and Gemma 3 model configurations)',
  url: 'https://github.com/google/gemma_pytorch/blob/014acb7ac4563a5f77c76d7ff98f31b568c16508/gemma/config.py',
  locator: 'get_config_for_2b_v2, get_config_for_9b, get_config_for_1b',
};

/**
 * Gemma 3 270M: the configuration of Google DeepMind's JAX implementation (GEMMA_JAX_CONFIG: Gemma3_270M —
 * num_embed 262144, embed_dim 640, hidden_dim 2048, 4 heads of 256, 1 kv head, 18 layers, q/k norms, sliding
 * window 512, RoPE bases 10,000 / 1,000,000); it states no context length or dtype, so the preset names none.
 * Its total equals Keras Hub's published gemma3_270m / gemma3_instruct_270m count, 268,098,176.
 */
const GEMMA_JAX_CONFIG: Citation = {
  title: 'google-deepmind/gemma gemma/gm/nn/_gemma.py (Gemma3_270M)',
  url: 'https://github.com/google-deepmind/gemma/blob/9fec24caa4890f34d78f8fb75f640127b735537b/gemma/gm/nn/_gemma.py',
  locator: 'Gemma3_270M, _NUM_LAYERS_GEMMA3_270M = 18',
};

const GEMMA2_COMMON = {
  architectures: ['Gemma2ForCausalLM'],
  model_type: 'gemma2',
  attention_bias: false,
  attn_logit_softcapping: 50.0,
  final_logit_softcapping: 30.0,
  head_dim: 256,
  hidden_activation: 'gelu_pytorch_tanh',
  max_position_embeddings: 8192,
  rms_norm_eps: 1e-6,
  sliding_window: 4096,
  tie_word_embeddings: true,
  vocab_size: 256000,
  torch_dtype: 'bfloat16',
} as const;

const COMMON = {
  architectures: ['GemmaForCausalLM'],
  model_type: 'gemma',
  attention_bias: false,
  head_dim: 256,
  hidden_act: 'gelu',
  max_position_embeddings: 8192,
  rms_norm_eps: 1e-6,
  rope_scaling: null,
  rope_theta: 10000.0,
  vocab_size: 256000,
  torch_dtype: 'bfloat16',
} as const;

export const GEMMA_PRESETS: readonly ModelPreset[] = [
  {
    hubId: 'google/gemma-2b',
    aliases: ['gemma-2b', 'google/gemma-2b-it', 'gemma_2b_en', 'gemma_instruct_2b_en', 'gemma_1.1_instruct_2b_en'],
    config: { ...COMMON, hidden_size: 2048, intermediate_size: 16384, num_attention_heads: 8, num_hidden_layers: 18, num_key_value_heads: 1 },
    source: hubConfig('google/gemma-2b'),
  },
  {
    hubId: 'google/gemma-7b',
    aliases: ['gemma-7b', 'google/gemma-7b-it', 'gemma_7b_en', 'gemma_instruct_7b_en', 'gemma_1.1_instruct_7b_en'],
    config: { ...COMMON, hidden_size: 3072, intermediate_size: 24576, num_attention_heads: 16, num_hidden_layers: 28, num_key_value_heads: 16 },
    source: hubConfig('google/gemma-7b'),
  },
  {
    hubId: 'google/gemma-2-2b',
    aliases: ['gemma-2-2b', 'google/gemma-2-2b-it', 'gemma2_2b_en', 'gemma2_instruct_2b_en'],
    config: { ...GEMMA2_COMMON, hidden_size: 2304, intermediate_size: 9216, num_attention_heads: 8, num_hidden_layers: 26, num_key_value_heads: 4 },
    source: GEMMA_PYTORCH_CONFIG,
  },
  {
    hubId: 'google/gemma-2-9b',
    aliases: ['gemma-2-9b', 'google/gemma-2-9b-it', 'gemma2_9b_en'],
    config: { ...GEMMA2_COMMON, hidden_size: 3584, intermediate_size: 14336, num_attention_heads: 16, num_hidden_layers: 42, num_key_value_heads: 8 },
    source: GEMMA_PYTORCH_CONFIG,
  },
  {
    hubId: 'google/gemma-3-1b-it',
    aliases: ['gemma-3-1b-it', 'google/gemma-3-1b-pt', 'gemma3_1b', 'gemma3_instruct_1b'],
    config: {
      architectures: ['Gemma3ForCausalLM'],
      model_type: 'gemma3_text',
      attention_bias: false,
      head_dim: 256,
      hidden_activation: 'gelu_pytorch_tanh',
      hidden_size: 1152,
      intermediate_size: 6912,
      max_position_embeddings: 32768,
      num_attention_heads: 4,
      num_hidden_layers: 26,
      num_key_value_heads: 1,
      rms_norm_eps: 1e-6,
      rope_local_base_freq: 10000.0,
      rope_theta: 1000000.0,
      sliding_window: 512,
      tie_word_embeddings: true,
      vocab_size: 262144,
    },
    source: GEMMA_PYTORCH_CONFIG,
  },
  {
    hubId: 'google/gemma-3-270m',
    aliases: ['gemma-3-270m', 'google/gemma-3-270m-it', 'gemma-3-270m-it', 'gemma3_270m', 'gemma3_instruct_270m'],
    config: {
      architectures: ['Gemma3ForCausalLM'],
      model_type: 'gemma3_text',
      attention_bias: false,
      head_dim: 256,
      hidden_activation: 'gelu_pytorch_tanh',
      hidden_size: 640,
      intermediate_size: 2048,
      num_attention_heads: 4,
      num_hidden_layers: 18,
      num_key_value_heads: 1,
      rope_local_base_freq: 10000.0,
      rope_theta: 1000000.0,
      sliding_window: 512,
      tie_word_embeddings: true,
      vocab_size: 262144,
    },
    source: GEMMA_JAX_CONFIG,
  },
];
