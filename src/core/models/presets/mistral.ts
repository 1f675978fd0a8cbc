/**
 * Mistral 7B (v0.1, v0.3) and Mixtral 8x7B: config.json fields as published on the hub. Mistral-7B-v0.3 is
 * v0.2 with the vocabulary extended to 32768 (its model card); its fields are read from Unsloth's re-upload
 * unsloth/mistral-7b-v0.3 at a pinned commit (MISTRAL_V03_CONFIG, `_name_or_path: mistralai/Mistral-7B-v0.3`).
 * Mistral-7B-Instruct-v0.3 is "an instruct fine-tuned version of the Mistral-7B-v0.3" (its model card,
 * https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.3), hence an alias.
 */
import type { Citation } from '../../types';
import type { ModelPreset } from '../types';
import { hubConfig } from './cite';

const MISTRAL_V03_CONFIG: Citation = {
  title: 'unsloth/mistral-7b-v0.3 config.json (re-upload of mistralai/Mistral-7B-v0.3)',
  url: 'https://huggingface.co/unsloth/mistral-7b-v0.3/blob/058e6597d74073e59a1c087ef221d0a7b6bb3889/config.json',
  locator: 'config.json ("_name_or_path": "mistralai/Mistral-7B-v0.3"); model card of mistralai/Mistral-7B-Instruct-v0.3: "Extended vocabulary to 32768"',
};

export const MISTRAL_PRESETS: readonly ModelPreset[] = [
  {
    hubId: 'mistralai/Mistral-7B-v0.1',
    aliases: ['mistral-7b', 'mistral-7b-v0.1', 'mistralai/Mistral-7B-Instruct-v0.1'],
    config: {
      architectures: ['MistralForCausalLM'],
      model_type: 'mistral',
      hidden_act: 'silu',
      hidden_size: 4096,
      intermediate_size: 14336,
      max_position_embeddings: 32768,
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 8,
      rms_norm_eps: 1e-5,
      rope_theta: 10000.0,
      sliding_window: 4096,
      tie_word_embeddings: false,
      torch_dtype: 'bfloat16',
      vocab_size: 32000,
    },
    source: hubConfig('mistralai/Mistral-7B-v0.1'),
  },
  {
    hubId: 'mistralai/Mixtral-8x7B-v0.1',
    aliases: ['mixtral-8x7b', 'mistralai/Mixtral-8x7B-Instruct-v0.1'],
    config: {
      architectures: ['MixtralForCausalLM'],
      model_type: 'mixtral',
      attention_dropout: 0.0,
      hidden_act: 'silu',
      hidden_size: 4096,
      intermediate_size: 14336,
      max_position_embeddings: 32768,
      num_attention_heads: 32,
      num_experts_per_tok: 2,
      num_hidden_layers: 32,
      num_key_value_heads: 8,
      num_local_experts: 8,
      output_router_logits: false,
      rms_norm_eps: 1e-5,
      rope_theta: 1000000.0,
      router_aux_loss_coef: 0.02,
      sliding_window: null,
      tie_word_embeddings: false,
      torch_dtype: 'bfloat16',
      vocab_size: 32000,
    },
    source: hubConfig('mistralai/Mixtral-8x7B-v0.1'),
  },
  {
    hubId: 'mistralai/Mistral-7B-v0.3',
    aliases: ['mistral-7b-v0.3', 'mistralai/Mistral-7B-Instruct-v0.3', 'mistral-7b-instruct-v0.3'],
    config: {
      architectures: ['MistralForCausalLM'],
      model_type: 'mistral',
      attention_dropout: 0.0,
      hidden_act: 'silu',
      hidden_size: 4096,
      intermediate_size: 14336,
      max_position_embeddings: 32768,
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 8,
      rms_norm_eps: 1e-5,
      rope_theta: 1000000.0,
      sliding_window: null,
      tie_word_embeddings: false,
      torch_dtype: 'bfloat16',
      vocab_size: 32768,
    },
    source: MISTRAL_V03_CONFIG,
  },
];
