import { decoderFamily } from '../builders/decoderFamily';

/**
 * Qwen3 (dense): the Llama layout with an RMSNorm over each head of the queries and keys
 * (`self_attn.q_norm` / `self_attn.k_norm`, one [head_dim] weight each), head_dim set explicitly,
 * `attention_bias` on q/k/v/o_proj, no MLP bias. Qwen3Config defaults: head_dim=128,
 * tie_word_embeddings=False, hidden_act="silu", attention_bias=False. Qwen3ForSequenceClassification is
 * transformers' GenericForSequenceClassification: `score` [num_labels, hidden] without bias.
 */
export const qwen3 = decoderFamily({
  key: 'qwen3',
  classPrefix: 'Qwen3',
  modelTypes: ['qwen3'],
  source: {
    title: 'transformers Qwen3Model / Qwen3ForCausalLM / Qwen3ForSequenceClassification',
    url: 'https://github.com/huggingface/transformers/blob/9ee3f431c32e9e5f6c0888f6b2b0ca3f6c289dd6/src/transformers/models/qwen3/modeling_qwen3.py',
    locator:
      'Qwen3Attention (q/k/v/o_proj bias=config.attention_bias; q_norm, k_norm = Qwen3RMSNorm(head_dim)), Qwen3MLP (bias=False); ' +
      'configuration_qwen3.py defaults at 1f3ae2b3ac7e5b32262588602ff42efb372a6232',
  },
  defaults: { tieWordEmbeddings: false, hiddenAct: 'silu', headDim: 128 },
  dropoutFields: ['attention_dropout'],
  layout: (f) => {
    const attentionBias = f.bool('attention_bias', false);
    return { attention: 'separate', qkvBias: attentionBias, oBias: attentionBias, mlp: 'gated', mlpBias: false, qkNorm: true };
  },
});
