import { decoderFamily } from '../builders/decoderFamily';

/**
 * Gemma 2: the Gemma layout (GeGLU MLP, explicit head_dim) with two more RMSNorms per layer,
 * `pre_feedforward_layernorm` and `post_feedforward_layernorm` [hidden], registered after input_layernorm and
 * post_attention_layernorm. Soft-capping and sliding windows change no parameter. Gemma2Config defaults:
 * head_dim=256, tie_word_embeddings=True, hidden_activation="gelu_pytorch_tanh", attention_bias=False.
 */
export const gemma2 = decoderFamily({
  key: 'gemma2',
  classPrefix: 'Gemma2',
  modelTypes: ['gemma2'],
  source: {
    title: 'transformers Gemma2Model / Gemma2ForCausalLM / Gemma2ForSequenceClassification',
    url: 'https://github.com/huggingface/transformers/blob/9a80143ca26066ee3266749a57c7b3850d8843be/src/transformers/models/gemma2/modeling_gemma2.py',
    locator: 'Gemma2Attention (q/k/v/o_proj bias=config.attention_bias), Gemma2DecoderLayer (four Gemma2RMSNorm); Gemma2Config defaults',
  },
  defaults: { tieWordEmbeddings: true, hiddenAct: 'gelu_pytorch_tanh', headDim: 256 },
  activationFields: ['hidden_activation', 'hidden_act'],
  dropoutFields: ['attention_dropout'],
  layout: (f) => {
    const attentionBias = f.bool('attention_bias', false);
    return { attention: 'separate', qkvBias: attentionBias, oBias: attentionBias, mlp: 'gated', mlpBias: false, sandwichNorms: true };
  },
});
