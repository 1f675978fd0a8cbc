/**
 * Phi-3 mini and Phi-4: config.json fields as published on the hub. Phi-4 (microsoft/phi-4): torchtune builds it
 * with the Phi-3 builder (TORCHTUNE_PHI4: phi4_14b = phi3(...)), so it is a Phi3ForCausalLM; its size fields
 * (vocab_size 100352, 40 layers, 40 heads, 10 kv heads, hidden 5120, intermediate 17920, max_seq_len 16384,
 * norm_eps 1e-5, untied output projection) are those of that builder. Its checkpoint dtype is not stated there and
 * is left out (the load dtype is then an assumption).
 */
import type { Citation } from '../../types';
import type { ModelPreset } from '../types';
import { hubConfig } from './cite';

const TORCHTUNE_PHI4: Citation = {
  title: 'torchtune Phi-4 model builder (phi4_14b, built by the phi3 component builder)',
  url: 'https://github.com/pytorch/torchtune/blob/bd2a0fc7c31430972728494fa01aaeeb0ebf1ba1/torchtune/models/phi4/_model_builders.py',
  locator: 'phi4_14b',
};

export const PHI3_PRESETS: readonly ModelPreset[] = [
  {
    hubId: 'microsoft/Phi-3-mini-4k-instruct',
    aliases: ['phi-3-mini', 'phi-3-mini-4k', 'phi3-mini'],
    config: {
      architectures: ['Phi3ForCausalLM'],
      model_type: 'phi3',
      attention_bias: false,
      attention_dropout: 0.0,
      embd_pdrop: 0.0,
      hidden_act: 'silu',
      hidden_size: 3072,
      intermediate_size: 8192,
      max_position_embeddings: 4096,
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 32,
      original_max_position_embeddings: 4096,
      resid_pdrop: 0.0,
      rms_norm_eps: 1e-5,
      rope_scaling: null,
      rope_theta: 10000.0,
      sliding_window: 2047,
      tie_word_embeddings: false,
      torch_dtype: 'bfloat16',
      vocab_size: 32064,
    },
    source: hubConfig('microsoft/Phi-3-mini-4k-instruct'),
  },
  {
    hubId: 'microsoft/phi-4',
    aliases: ['phi-4'],
    config: {
      architectures: ['Phi3ForCausalLM'],
      model_type: 'phi3',
      attention_dropout: 0.0,
      hidden_size: 5120,
      intermediate_size: 17920,
      max_position_embeddings: 16384,
      num_attention_heads: 40,
      num_hidden_layers: 40,
      num_key_value_heads: 10,
      rms_norm_eps: 1e-5,
      tie_word_embeddings: false,
      vocab_size: 100352,
    },
    source: TORCHTUNE_PHI4,
  },
];
