import { decoderFamily } from '../builders/decoderFamily';
import { isJsonObject } from '../fields';

/**
 * OpenAI gpt-oss (sparse MoE), as transformers builds it (modeling_gpt_oss.py and configuration_gpt_oss.py at the
 * pinned commits below). Each layer: `self_attn` with its own `sinks` [num_attention_heads] and q/k/v/o_proj all with
 * biases (GptOssConfig sets `attention_bias = True` whatever the config says); `mlp.router` (weight
 * [num_local_experts, hidden] and bias [num_local_experts]); `mlp.experts` holding every expert in four stacked
 * tensors: gate_up_proj [E, hidden, 2·intermediate] (+ bias [E, 2·intermediate]) and down_proj [E, intermediate,
 * hidden] (+ bias [E, hidden]); the two RMSNorms. GptOssConfig defaults: head_dim 64, num_experts_per_tok 4,
 * tie_word_embeddings False, hidden_act silu (the experts' clamped SwiGLU, alpha 1.702, limit 7.0, is written in
 * GptOssExperts.forward, not chosen by hidden_act). The Hub checkpoints store the experts' four matrices in MXFP4
 * (`*_blocks` / `*_scales`); the inventory lists the tensors transformers holds after loading, whose storage dtype
 * is the estimator's precision assumption, not the checkpoint's (README: Models).
 */
export const gptOss = decoderFamily({
  key: 'gpt_oss',
  classPrefix: 'GptOss',
  modelTypes: ['gpt_oss'],
  source: {
    title: 'transformers GptOssModel / GptOssForCausalLM / GptOssForSequenceClassification; GptOssConfig',
    url: 'https://github.com/huggingface/transformers/blob/6edf5b311854175ff83c59179b3360beca1ceffc/src/transformers/models/gpt_oss/modeling_gpt_oss.py',
    locator:
      'GptOssAttention, GptOssTopKRouter, GptOssExperts, GptOssDecoderLayer; configuration_gpt_oss.py at ' +
      '828a27fd326e49d4a1c4b08210bfd32c107facc9 (defaults, attention_bias = True)',
  },
  defaults: { tieWordEmbeddings: false, hiddenAct: 'silu', headDim: 64, expertsPerToken: 4 },
  dropoutFields: ['attention_dropout'],
  moe: true,
  warnings: (config) => {
    const q = config.quantization_config;
    const method = isJsonObject(q) ? q.quant_method : undefined;
    return method === 'mxfp4'
      ? [
          "config.json's quantization_config says mxfp4: the checkpoint stores the experts' gate_up_proj / down_proj " +
            "in MXFP4 (4.25 bits per parameter, OpenAI's model card); assumed: every tensor, experts included, is held " +
            "at the run's precision, not at that 4-bit storage",
        ]
      : [];
  },
  layout: () => ({ attention: 'separate', qkvBias: true, oBias: true, mlp: 'moe-stacked', mlpBias: true, attentionSinks: true }),
});
