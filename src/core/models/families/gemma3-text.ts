import { decoderFamily } from '../builders/decoderFamily';

/**
 * Gemma 3 text models (model_type gemma3_text: Gemma3TextModel, Gemma3ForCausalLM): Gemma 2's layer with the
 * per-head RMSNorms of the queries and keys (`self_attn.q_norm` / `self_attn.k_norm` [head_dim]). Gemma3ForCausalLM
 * holds `model` (a Gemma3TextModel) and an `lm_head` tied to embed_tokens by default. The multimodal Gemma3Model /
 * Gemma3ForConditionalGeneration (model_type gemma3, with a SigLIP vision tower) are not this family.
 * Gemma3TextConfig defaults: head_dim=256, tie_word_embeddings=True, hidden_activation="gelu_pytorch_tanh",
 * attention_bias=False.
 */
export const gemma3Text = decoderFamily({
  key: 'gemma3_text',
  classPrefix: 'Gemma3',
  classes: [
    ['Gemma3TextModel', 'none'],
    ['Gemma3ForCausalLM', 'causal-lm'],
  ],
  modelTypes: ['gemma3_text'],
  source: {
    title: 'transformers Gemma3TextModel / Gemma3ForCausalLM',
    url: 'https://github.com/huggingface/transformers/blob/f14d0cbc824e447ef294d8cdc0f8ad4222f3dfee/src/transformers/models/gemma3/modeling_gemma3.py',
    locator:
      'Gemma3Attention (q_norm, k_norm = Gemma3RMSNorm(head_dim)), Gemma3DecoderLayer (four Gemma3RMSNorm), Gemma3MLP; ' +
      'configuration_gemma3.py Gemma3TextConfig defaults at d98ac17cc00f337eeee9a1e2380072dc8cafabd4',
  },
  defaults: { tieWordEmbeddings: true, hiddenAct: 'gelu_pytorch_tanh', headDim: 256 },
  activationFields: ['hidden_activation', 'hidden_act'],
  dropoutFields: ['attention_dropout'],
  layout: (f) => {
    const attentionBias = f.bool('attention_bias', false);
    return { attention: 'separate', qkvBias: attentionBias, oBias: attentionBias, mlp: 'gated', mlpBias: false, qkNorm: true, sandwichNorms: true };
  },
});
