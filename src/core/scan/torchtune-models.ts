/**
 * torchtune model builders whose architecture is identical to one of the bundled presets (same
 * vocabulary, layers, heads, KV heads, hidden and MLP sizes, tied or untied output), so a
 * torchtune config's `model._component_` can be estimated from that preset. Sizes checked against
 * each builder in pytorch/torchtune and the preset's published config.json. `lora_<name>` and
 * `qlora_<name>` build the same model with LoRA adapters (QLoRA: NF4 base weights).
 */
import type { Citation } from '../types';

/** The pytorch/torchtune commit the builders were read at. */
const TORCHTUNE_COMMIT = '0991f97ef13735ea6d458db22137a2796f8fbf92';

function builders(file: string, names: string): Citation {
  return {
    title: `torchtune ${names}`,
    url: `https://github.com/pytorch/torchtune/blob/${TORCHTUNE_COMMIT}/torchtune/models/${file}/_model_builders.py`,
    locator: 'vocab_size, num_layers, num_heads, num_kv_heads, embed_dim, intermediate_dim (tie_word_embeddings)',
  };
}

export interface TorchtuneModel {
  readonly hubId: string;
  readonly source: Citation;
}

const LLAMA2 = builders('llama2', 'llama2_7b / llama2_13b');
const LLAMA3 = builders('llama3', 'llama3_8b');
const LLAMA3_1 = builders('llama3_1', 'llama3_1_8b / llama3_1_70b');
const LLAMA3_2 = builders('llama3_2', 'llama3_2_1b / llama3_2_3b (TiedLinear output)');
const MISTRAL = builders('mistral', 'mistral_7b');
const QWEN2_5 = builders('qwen2_5', 'qwen2_5_0_5b (tied) / qwen2_5_7b_base / qwen2_5_7b_instruct');
// gemma_2b: vocab 256000, 18 layers, 8 heads of 256, 1 KV head, embed 2048, MLP 16384; gemma_7b: 28 layers,
// 16 heads of 256, 16 KV heads, embed 3072, MLP 24576 (tied output, as google/gemma-2b / gemma-7b config.json).
const GEMMA = builders('gemma', 'gemma_2b / gemma_7b');

/** Builder name (without lora_/qlora_) -> the preset with the same architecture. */
export const TORCHTUNE_MODELS: Readonly<Record<string, TorchtuneModel>> = {
  // llama2_7b leaves intermediate_dim to scale_hidden_dim_for_mlp(4096) = 11008, as in the hub config.
  llama2_7b: { hubId: 'meta-llama/Llama-2-7b-hf', source: LLAMA2 },
  llama2_13b: { hubId: 'meta-llama/Llama-2-13b-hf', source: LLAMA2 },
  llama3_8b: { hubId: 'meta-llama/Meta-Llama-3-8B', source: LLAMA3 },
  llama3_1_8b: { hubId: 'meta-llama/Llama-3.1-8B', source: LLAMA3_1 },
  llama3_1_70b: { hubId: 'meta-llama/Llama-3.1-70B', source: LLAMA3_1 },
  llama3_2_1b: { hubId: 'meta-llama/Llama-3.2-1B', source: LLAMA3_2 },
  llama3_2_3b: { hubId: 'meta-llama/Llama-3.2-3B', source: LLAMA3_2 },
  mistral_7b: { hubId: 'mistralai/Mistral-7B-v0.1', source: MISTRAL },
  qwen2_5_0_5b: { hubId: 'Qwen/Qwen2.5-0.5B', source: QWEN2_5 },
  qwen2_5_7b_base: { hubId: 'Qwen/Qwen2.5-7B', source: QWEN2_5 },
  qwen2_5_7b_instruct: { hubId: 'Qwen/Qwen2.5-7B-Instruct', source: QWEN2_5 },
  gemma_2b: { hubId: 'google/gemma-2b', source: GEMMA },
  gemma_7b: { hubId: 'google/gemma-7b', source: GEMMA },
};

/** torchtune's attention LoRA module names -> the Hugging Face module names the presets use. */
export const TORCHTUNE_LORA_MODULES: Readonly<Record<string, string>> = {
  q_proj: 'q_proj',
  k_proj: 'k_proj',
  v_proj: 'v_proj',
  output_proj: 'o_proj',
};
/** `apply_lora_to_mlp`: the SwiGLU MLP's three projections (FeedForward gate_proj/up_proj/down_proj). */
export const TORCHTUNE_MLP_MODULES: readonly string[] = ['gate_proj', 'up_proj', 'down_proj'];
/** `apply_lora_to_output`: the output projection (lm_head). */
export const TORCHTUNE_OUTPUT_MODULE = 'lm_head';

export const TORCHTUNE_LORA_SOURCE: Citation = {
  title: 'torchtune lora_llama3_2 component builder',
  url: `https://github.com/pytorch/torchtune/blob/${TORCHTUNE_COMMIT}/torchtune/models/llama3_2/_component_builders.py`,
  locator: 'lora_attn_modules from {"q_proj", "k_proj", "v_proj", "output_proj"}; apply_lora_to_mlp adapts gate_proj/down_proj/up_proj; quantize_base stores every layer Linear as NF4 (FrozenNF4Linear); lora_rank default 8',
};

/** `lora_rank` default of the lora_* builders. */
export const TORCHTUNE_LORA_RANK_DEFAULT = 8;

/** The recipe `dtype` -> precision: torchtune casts the model to it (no fp32 master weights). */
export const TORCHTUNE_DTYPE_SOURCE: Citation = {
  title: 'torchtune: Memory optimisation overview',
  url: 'https://pytorch.org/torchtune/stable/tutorials/memory_optimizations.html',
  locator: 'Model Precision: "dtype: bf16" trains in bfloat16 (weights, gradients, optimizer states), fp32 with "dtype: fp32"',
};
