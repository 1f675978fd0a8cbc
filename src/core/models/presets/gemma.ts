/**
 * Gemma (v1) checkpoints: config.json fields as published on the hub. The published files do not
 * contain tie_word_embeddings (it equals the default, True), so it is left out here too.
 * Aliases include the Keras Hub preset names of the same networks (keras-team/keras-hub
 * keras_hub/src/models/gemma/gemma_presets.py: gemma_2b_en, gemma_instruct_2b_en, gemma_1.1_instruct_2b_en
 * and their 7b counterparts, each with the parameter count of the matching checkpoint).
 */
import type { ModelPreset } from '../types';
import { hubConfig } from './cite';

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
];
