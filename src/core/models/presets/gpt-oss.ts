/**
 * OpenAI gpt-oss-20b and gpt-oss-120b (model_type gpt_oss). The Hub's config.json could not be read here, so every
 * field below is taken from these public sources (none is guessed; fields they do not state are left to
 * GptOssConfig's defaults):
 *  - NVIDIA Megatron Bridge's gpt-oss page (GPT_OSS_BRIDGE): for each size the layers (24 / 36), the routed experts
 *    per layer with top-4 routing (32 / 128), hidden size 2880, expert FFN hidden size 2880, 64 query heads,
 *    8 key-value groups, KV channels (head_dim) 64, vocabulary 201,088, a 128-token sliding window;
 *  - OpenAI's model card (GPT_OSS_MODEL_CARD, arXiv 2508.10925, §2 and Table 1): the same layers, experts, top-4,
 *    2880 residual width, 64 query heads of dimension 64, 8 key-value heads, 131,072-token context, 201,088-token
 *    tokenizer; its parameter table (MLP 19.12B / 114.71B, attention 0.64B / 0.96B, embed + unembed 1.16B for both,
 *    totals 20.91B / 116.83B) — 1.16B is the embedding and an untied unembedding of 201,088 × 2880 each, as
 *    GptOssConfig's tie_word_embeddings=False default builds them;
 *  - transformers' GptOssConfig (configuration_gpt_oss.py at 828a27fd): its defaults are the 120b's dimensions.
 * Unsloth's mirrors unsloth/gpt-oss-20b and unsloth/gpt-oss-120b name these as upstream (models/unsloth.ts).
 */
import type { Citation } from '../../types';
import type { ModelPreset } from '../types';

export const GPT_OSS_BRIDGE: Citation = {
  title: 'NVIDIA NeMo Megatron Bridge documentation, "GPT OSS" (Model Architecture: GPT OSS 20B, GPT OSS 120B)',
  url: 'https://docs.nvidia.com/nemo/megatron-bridge/nightly/models/llm/gpt-oss.html',
  locator: 'Model Architecture; Key Features (sliding window of 128 tokens)',
};

export const GPT_OSS_MODEL_CARD: Citation = {
  title: 'OpenAI, "gpt-oss-120b & gpt-oss-20b Model Card" (arXiv 2508.10925)',
  url: 'https://arxiv.org/abs/2508.10925',
  locator: '§2.1 architecture; Table 1: total parameters 116.83B (120b), 20.91B (20b)',
};

/** The fields both sizes share, each stated by GPT_OSS_BRIDGE and GPT_OSS_MODEL_CARD. */
const SHARED = {
  architectures: ['GptOssForCausalLM'],
  model_type: 'gpt_oss',
  vocab_size: 201088,
  hidden_size: 2880,
  intermediate_size: 2880,
  num_attention_heads: 64,
  num_key_value_heads: 8,
  head_dim: 64,
  num_experts_per_tok: 4,
  sliding_window: 128,
  max_position_embeddings: 131072,
  tie_word_embeddings: false,
} as const;

const source = (size: string): Citation => ({
  title: `openai/gpt-oss-${size}: ${GPT_OSS_BRIDGE.title}; ${GPT_OSS_MODEL_CARD.title}`,
  url: GPT_OSS_BRIDGE.url,
  locator: `GPT OSS ${size.toUpperCase()} section; model card ${GPT_OSS_MODEL_CARD.url} ${GPT_OSS_MODEL_CARD.locator}`,
});

export const GPT_OSS_PRESETS: readonly ModelPreset[] = [
  {
    hubId: 'openai/gpt-oss-20b',
    aliases: ['gpt-oss-20b'],
    config: { ...SHARED, architectures: [...SHARED.architectures], num_hidden_layers: 24, num_local_experts: 32 },
    source: source('20b'),
  },
  {
    hubId: 'openai/gpt-oss-120b',
    aliases: ['gpt-oss-120b'],
    config: { ...SHARED, architectures: [...SHARED.architectures], num_hidden_layers: 36, num_local_experts: 128 },
    source: source('120b'),
  },
];
