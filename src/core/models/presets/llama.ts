/**
 * Llama 2 / 3 / 3.1 / 3.2 / 3.3 checkpoints: config.json fields as published on the hub. Llama-3.3-70B-Instruct
 * has the Llama-3.1-70B configuration: torchtune builds it with llama3_1_70b ("The Llama3.3 model builders all call
 * the Llama3.1 models as they're identical models apart from the checkpoints", TORCHTUNE_LLAMA3_3).
 */
import type { ModelPreset } from '../types';
import type { Citation } from '../../types';
import { hubConfig } from './cite';

const TORCHTUNE_LLAMA3_3: Citation = {
  title: 'torchtune Llama 3.3 model builders (llama3_3_70b = llama3_1_70b)',
  url: 'https://github.com/pytorch/torchtune/blob/bd2a0fc7c31430972728494fa01aaeeb0ebf1ba1/torchtune/models/llama3_3/_model_builders.py',
  locator: 'llama3_3_70b = llama3_1_70b: "identical models apart from the checkpoints"',
};

const LLAMA2_COMMON = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_act: 'silu',
  max_position_embeddings: 4096,
  rms_norm_eps: 1e-5,
  rope_scaling: null,
  tie_word_embeddings: false,
  vocab_size: 32000,
  torch_dtype: 'float16',
} as const;

const LLAMA3_COMMON = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  attention_bias: false,
  attention_dropout: 0.0,
  hidden_act: 'silu',
  rms_norm_eps: 1e-5,
  rope_theta: 500000.0,
  vocab_size: 128256,
  torch_dtype: 'bfloat16',
} as const;

const LLAMA31_ROPE = { factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192, rope_type: 'llama3' };
const LLAMA32_ROPE = { factor: 32.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192, rope_type: 'llama3' };

/** meta-llama/Llama-3.1-70B's config.json fields (also Llama-3.3-70B's: TORCHTUNE_LLAMA3_3). */
const LLAMA31_70B = {
  ...LLAMA3_COMMON,
  hidden_size: 8192,
  intermediate_size: 28672,
  max_position_embeddings: 131072,
  mlp_bias: false,
  num_attention_heads: 64,
  num_hidden_layers: 80,
  num_key_value_heads: 8,
  rope_scaling: LLAMA31_ROPE,
  tie_word_embeddings: false,
} as const;

export const LLAMA_PRESETS: readonly ModelPreset[] = [
  {
    hubId: 'meta-llama/Llama-2-7b-hf',
    aliases: ['llama-2-7b', 'llama2-7b', 'meta-llama/Llama-2-7b-chat-hf'],
    config: { ...LLAMA2_COMMON, hidden_size: 4096, intermediate_size: 11008, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 32 },
    source: hubConfig('meta-llama/Llama-2-7b-hf'),
  },
  {
    hubId: 'meta-llama/Llama-2-13b-hf',
    aliases: ['llama-2-13b', 'llama2-13b', 'meta-llama/Llama-2-13b-chat-hf'],
    config: { ...LLAMA2_COMMON, hidden_size: 5120, intermediate_size: 13824, num_attention_heads: 40, num_hidden_layers: 40, num_key_value_heads: 40 },
    source: hubConfig('meta-llama/Llama-2-13b-hf'),
  },
  {
    hubId: 'meta-llama/Meta-Llama-3-8B',
    aliases: ['llama-3-8b', 'llama3-8b', 'meta-llama/Meta-Llama-3-8B-Instruct'],
    config: {
      ...LLAMA3_COMMON,
      hidden_size: 4096,
      intermediate_size: 14336,
      max_position_embeddings: 8192,
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 8,
      rope_scaling: null,
      tie_word_embeddings: false,
    },
    source: hubConfig('meta-llama/Meta-Llama-3-8B'),
  },
  {
    hubId: 'meta-llama/Llama-3.1-8B',
    aliases: ['llama-3.1-8b', 'meta-llama/Meta-Llama-3.1-8B', 'meta-llama/Llama-3.1-8B-Instruct', 'meta-llama/Meta-Llama-3.1-8B-Instruct'],
    config: {
      ...LLAMA3_COMMON,
      hidden_size: 4096,
      intermediate_size: 14336,
      max_position_embeddings: 131072,
      mlp_bias: false,
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 8,
      rope_scaling: LLAMA31_ROPE,
      tie_word_embeddings: false,
    },
    source: hubConfig('meta-llama/Llama-3.1-8B'),
  },
  {
    hubId: 'meta-llama/Llama-3.1-70B',
    aliases: ['llama-3.1-70b', 'meta-llama/Meta-Llama-3.1-70B', 'meta-llama/Llama-3.1-70B-Instruct'],
    config: LLAMA31_70B,
    source: hubConfig('meta-llama/Llama-3.1-70B'),
  },
  {
    hubId: 'meta-llama/Llama-3.3-70B-Instruct',
    aliases: ['llama-3.3-70b-instruct', 'llama-3.3-70b'],
    config: LLAMA31_70B,
    source: TORCHTUNE_LLAMA3_3,
  },
  {
    hubId: 'meta-llama/Llama-3.2-1B',
    aliases: ['llama-3.2-1b', 'meta-llama/Llama-3.2-1B-Instruct'],
    config: {
      ...LLAMA3_COMMON,
      head_dim: 64,
      hidden_size: 2048,
      intermediate_size: 8192,
      max_position_embeddings: 131072,
      mlp_bias: false,
      num_attention_heads: 32,
      num_hidden_layers: 16,
      num_key_value_heads: 8,
      rope_scaling: LLAMA32_ROPE,
      tie_word_embeddings: true,
    },
    source: hubConfig('meta-llama/Llama-3.2-1B'),
  },
  {
    hubId: 'meta-llama/Llama-3.2-3B',
    aliases: ['llama-3.2-3b', 'meta-llama/Llama-3.2-3B-Instruct'],
    config: {
      ...LLAMA3_COMMON,
      head_dim: 128,
      hidden_size: 3072,
      intermediate_size: 8192,
      max_position_embeddings: 131072,
      mlp_bias: false,
      num_attention_heads: 24,
      num_hidden_layers: 28,
      num_key_value_heads: 8,
      rope_scaling: LLAMA32_ROPE,
      tie_word_embeddings: true,
    },
    source: hubConfig('meta-llama/Llama-3.2-3B'),
  },
];
