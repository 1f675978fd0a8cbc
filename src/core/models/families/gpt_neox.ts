/**
 * GPT-NeoX (Pythia, GPT-NeoX-20B): fused `attention.query_key_value` [3 * hidden, hidden], LayerNorms
 * with bias, MLP `dense_h_to_4h` / `dense_4h_to_h` with bias, untied `embed_out`. GPTNeoXConfig
 * defaults: attention_bias=True, tie_word_embeddings=False, hidden_act="gelu",
 * attention_dropout = hidden_dropout = 0.0. Rotary embeddings hold no parameters.
 */
import { addLayerNormDecoderHead, layerNormDecoderShape, type LayerNormDecoderHeads } from '../builders/layernorm-decoder';
import { ConfigFields } from '../fields';
import { LIMITS } from '../limits';
import { TensorList } from '../tensors';
import type { JsonObject, ModelFamily } from '../types';

const ARCHS = [
  'GPTNeoXModel',
  'GPTNeoXForCausalLM',
  'GPTNeoXForSequenceClassification',
  'GPTNeoXForTokenClassification',
];
const HEADS: LayerNormDecoderHeads = {
  causalLm: 'GPTNeoXForCausalLM',
  sequenceClassification: 'GPTNeoXForSequenceClassification',
  tokenClassification: 'GPTNeoXForTokenClassification',
  lmHeadName: 'embed_out',
};

export const gptNeox: ModelFamily = {
  modelTypes: ['gpt_neox'],
  architectures: ARCHS,
  source: {
    title: 'transformers GPTNeoXModel / GPTNeoXForCausalLM',
    url: 'https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/gpt_neox/modeling_gpt_neox.py',
    locator: 'GPTNeoXAttention, GPTNeoXMLP, GPTNeoXLayer; configuration_gpt_neox.py defaults',
  },
  build(config: JsonObject, architecture: string) {
    const f = new ConfigFields(config, 'a gpt_neox model');
    const hidden = f.requiredInt('hidden_size', LIMITS.hidden);
    const layers = f.requiredInt('num_hidden_layers', LIMITS.layers);
    const heads = f.requiredInt('num_attention_heads', LIMITS.heads);
    const inter = f.requiredInt('intermediate_size', LIMITS.intermediate);
    const vocab = f.requiredInt('vocab_size', LIMITS.vocab);
    const attnBias = f.bool('attention_bias', true);
    const tie = f.bool('tie_word_embeddings', false);
    const act = f.string('hidden_act', 'gelu');
    const dropout = ['attention_dropout', 'hidden_dropout'].some((n) => f.probability(n, 0) > 0);
    f.requireDivides('num_attention_heads', heads, 'hidden_size', hidden);

    const root = TensorList.create();
    const body = architecture === 'GPTNeoXModel' ? root : root.at('gpt_neox');
    const embedIn = body.embedding('embed_in', vocab, hidden);
    for (let i = 0; i < layers; i++) {
      const layer = body.at(`layers.${i}`);
      layer.norm('input_layernorm', hidden, true);
      layer.norm('post_attention_layernorm', hidden, true);
      layer.linear('attention.query_key_value', hidden, 3 * hidden, attnBias);
      layer.linear('attention.dense', hidden, hidden, attnBias);
      layer.linear('mlp.dense_h_to_4h', hidden, inter, true);
      layer.linear('mlp.dense_4h_to_h', inter, hidden, true);
    }
    body.norm('final_layer_norm', hidden, true);

    const dims = { layers, hidden, heads, intermediate: inter, vocab, act, dropout };
    const numLabels = addLayerNormDecoderHead(root, f, architecture, HEADS, dims, tie, embedIn);

    return {
      family: 'gpt_neox',
      architecture,
      tensors: root.tensors(),
      shape: layerNormDecoderShape(dims, architecture === HEADS.causalLm ? vocab : 0, numLabels),
      warnings: [],
      config: {
        model_type: 'gpt_neox',
        vocab_size: vocab,
        hidden_size: hidden,
        num_hidden_layers: layers,
        num_attention_heads: heads,
        intermediate_size: inter,
        attention_bias: attnBias,
        tie_word_embeddings: tie,
        hidden_act: act,
        ...(numLabels ? { num_labels: numLabels } : {}),
      },
    };
  },
};
