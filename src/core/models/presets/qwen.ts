/**
 * Qwen2.5 and Qwen3 checkpoints: config.json fields as published on the hub.
 *
 * Qwen2.5-1.5B(-Instruct) and Qwen2.5-3B(-Instruct): the size fields (vocab_size, num_hidden_layers,
 * num_attention_heads, num_key_value_heads, hidden_size, intermediate_size, max_position_embeddings,
 * tie_word_embeddings, rms_norm_eps, rope_theta) as torchtune's builders state them for those hub ids
 * (TORCHTUNE_QWEN2_5: qwen2_5_1_5b_base / qwen2_5_1_5b_instruct / qwen2_5_3b, "from
 * https://huggingface.co/Qwen/..."); the other fields are the Qwen2.5 ones of COMMON.
 *
 * Qwen3 0.6B / 4B / 8B / 14B: the size fields as torchtune's builders state them for those hub ids
 * (TORCHTUNE_QWEN3: qwen3_0_6b_instruct, qwen3_4b_base, qwen3_4b_instruct, qwen3_8b_instruct,
 * qwen3_14b_base / qwen3_14b_instruct), attention_bias=false (q/k/v_proj_bias=False there), torch_dtype bfloat16 as the hub's
 * config.json of Qwen/Qwen3-0.6B and Qwen/Qwen3-8B read (copies: TensorStack/TextEncoder Qwen-3-06B/config.json,
 * thejaminator "Copy config.json from Qwen/Qwen3-8B"). Their totals equal Keras Hub's published parameter
 * counts (test/unit/models-qwen3.test.ts).
 */
import type { Citation } from '../../types';
import type { ModelPreset } from '../types';
import { hubConfig } from './cite';

const TORCHTUNE_QWEN2_5: Citation = {
  title: 'torchtune Qwen2.5 model builders (size fields of the hub checkpoints)',
  url: 'https://github.com/pytorch/torchtune/blob/bd2a0fc7c31430972728494fa01aaeeb0ebf1ba1/torchtune/models/qwen2_5/_model_builders.py',
  locator: 'qwen2_5_1_5b_base, qwen2_5_1_5b_instruct, qwen2_5_3b',
};

const TORCHTUNE_QWEN3: Citation = {
  title: 'torchtune Qwen3 model builders (size fields of the hub checkpoints)',
  url: 'https://github.com/pytorch/torchtune/blob/bd2a0fc7c31430972728494fa01aaeeb0ebf1ba1/torchtune/models/qwen3/_model_builders.py',
  locator: 'qwen3_0_6b_instruct, qwen3_4b_base, qwen3_4b_instruct, qwen3_8b_instruct, qwen3_14b_base / qwen3_14b_instruct',
};

const COMMON = {
  architectures: ['Qwen2ForCausalLM'],
  model_type: 'qwen2',
  attention_dropout: 0.0,
  hidden_act: 'silu',
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  use_sliding_window: false,
  torch_dtype: 'bfloat16',
} as const;

/**
 * Qwen3-4B-Instruct-2507: Qwen3-4B's sizes with 262,144 positions and RoPE base 5,000,000, as the 2507 release's
 * config.json reads in a public copy (the same copy test/corpus/llamafactory-qwen3-* bundles in its fake cache).
 */
const QWEN3_4B_2507_CONFIG: Citation = {
  title: 'Qwen/Qwen3-4B-Instruct-2507 config.json (public copy)',
  url: 'https://huggingface.co/jaman21/Qwen3-4B-Instruct/blob/main/config.json',
  locator: 'config.json: hidden_size 2560, intermediate_size 9728, 36 layers, 32 / 8 heads, head_dim 128, max_position_embeddings 262144, rope_theta 5000000, tie_word_embeddings true',
};

const QWEN3_COMMON = {
  architectures: ['Qwen3ForCausalLM'],
  model_type: 'qwen3',
  attention_bias: false,
  attention_dropout: 0.0,
  head_dim: 128,
  hidden_act: 'silu',
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  vocab_size: 151936,
  num_key_value_heads: 8,
  torch_dtype: 'bfloat16',
} as const;

export const QWEN_PRESETS: readonly ModelPreset[] = [
  {
    hubId: 'Qwen/Qwen2.5-0.5B',
    aliases: ['qwen2.5-0.5b', 'Qwen/Qwen2.5-0.5B-Instruct'],
    config: {
      ...COMMON,
      hidden_size: 896,
      intermediate_size: 4864,
      max_position_embeddings: 32768,
      max_window_layers: 24,
      num_attention_heads: 14,
      num_hidden_layers: 24,
      num_key_value_heads: 2,
      sliding_window: 32768,
      tie_word_embeddings: true,
      vocab_size: 151936,
    },
    source: hubConfig('Qwen/Qwen2.5-0.5B'),
  },
  {
    hubId: 'Qwen/Qwen2.5-7B',
    aliases: ['qwen2.5-7b', 'Qwen/Qwen2.5-7B-Instruct'],
    config: {
      ...COMMON,
      hidden_size: 3584,
      intermediate_size: 18944,
      max_position_embeddings: 131072,
      max_window_layers: 28,
      num_attention_heads: 28,
      num_hidden_layers: 28,
      num_key_value_heads: 4,
      sliding_window: 131072,
      tie_word_embeddings: false,
      vocab_size: 152064,
    },
    source: hubConfig('Qwen/Qwen2.5-7B'),
  },
  {
    hubId: 'Qwen/Qwen2.5-1.5B',
    aliases: ['qwen2.5-1.5b'],
    config: {
      ...COMMON,
      hidden_size: 1536,
      intermediate_size: 8960,
      max_position_embeddings: 131072,
      num_attention_heads: 12,
      num_hidden_layers: 28,
      num_key_value_heads: 2,
      tie_word_embeddings: true,
      vocab_size: 151936,
    },
    source: TORCHTUNE_QWEN2_5,
  },
  {
    hubId: 'Qwen/Qwen2.5-1.5B-Instruct',
    aliases: ['qwen2.5-1.5b-instruct'],
    config: {
      ...COMMON,
      hidden_size: 1536,
      intermediate_size: 8960,
      max_position_embeddings: 32768,
      num_attention_heads: 12,
      num_hidden_layers: 28,
      num_key_value_heads: 2,
      tie_word_embeddings: true,
      vocab_size: 151936,
    },
    source: TORCHTUNE_QWEN2_5,
  },
  {
    // torchtune: one builder "(base or instruct)" for the 3B.
    hubId: 'Qwen/Qwen2.5-3B',
    aliases: ['qwen2.5-3b', 'Qwen/Qwen2.5-3B-Instruct'],
    config: {
      ...COMMON,
      hidden_size: 2048,
      intermediate_size: 11008,
      max_position_embeddings: 32768,
      num_attention_heads: 16,
      num_hidden_layers: 36,
      num_key_value_heads: 2,
      tie_word_embeddings: true,
      vocab_size: 151936,
    },
    source: TORCHTUNE_QWEN2_5,
  },
  {
    hubId: 'Qwen/Qwen3-0.6B',
    aliases: ['qwen3-0.6b'],
    config: { ...QWEN3_COMMON, hidden_size: 1024, intermediate_size: 3072, max_position_embeddings: 40960, num_attention_heads: 16, num_hidden_layers: 28, tie_word_embeddings: true },
    source: TORCHTUNE_QWEN3,
  },
  {
    hubId: 'Qwen/Qwen3-4B',
    aliases: ['qwen3-4b'],
    config: { ...QWEN3_COMMON, hidden_size: 2560, intermediate_size: 9728, max_position_embeddings: 40960, num_attention_heads: 32, num_hidden_layers: 36, tie_word_embeddings: true },
    source: TORCHTUNE_QWEN3,
  },
  {
    hubId: 'Qwen/Qwen3-4B-Base',
    aliases: ['qwen3-4b-base'],
    config: { ...QWEN3_COMMON, hidden_size: 2560, intermediate_size: 9728, max_position_embeddings: 32768, num_attention_heads: 32, num_hidden_layers: 36, tie_word_embeddings: true },
    source: TORCHTUNE_QWEN3,
  },
  {
    hubId: 'Qwen/Qwen3-4B-Instruct-2507',
    aliases: ['qwen3-4b-instruct-2507'],
    config: { ...QWEN3_COMMON, hidden_size: 2560, intermediate_size: 9728, max_position_embeddings: 262144, num_attention_heads: 32, num_hidden_layers: 36, rope_theta: 5000000.0, tie_word_embeddings: true },
    source: QWEN3_4B_2507_CONFIG,
  },
  {
    hubId: 'Qwen/Qwen3-8B',
    aliases: ['qwen3-8b'],
    config: { ...QWEN3_COMMON, hidden_size: 4096, intermediate_size: 12288, max_position_embeddings: 40960, num_attention_heads: 32, num_hidden_layers: 36, tie_word_embeddings: false },
    source: TORCHTUNE_QWEN3,
  },
  {
    // torchtune's 14B builders agree on every size field but not on the id and context (qwen3_14b_base cites
    // Qwen/Qwen3-14B with 32768, qwen3_14b_instruct "Qwen3-14B-Instruct" with 40960): max_position_embeddings is
    // left out (it does not change the inventory).
    hubId: 'Qwen/Qwen3-14B',
    aliases: ['qwen3-14b'],
    config: { ...QWEN3_COMMON, hidden_size: 5120, intermediate_size: 17408, num_attention_heads: 40, num_hidden_layers: 40, tie_word_embeddings: false },
    source: TORCHTUNE_QWEN3,
  },
];
