/**
 * GPT-2. Its attention and MLP use Conv1D, whose weight is stored transposed ([in, out]); the LM head
 * is always tied to `transformer.wte` unless tie_word_embeddings is false. GPT2Config defaults:
 * n_positions=1024, n_inner=None (4 * n_embd), activation_function="gelu_new", resid/embd/attn_pdrop=0.1.
 */
import { addLayerNormDecoderHead, layerNormDecoderShape, type LayerNormDecoderHeads } from '../builders/layernorm-decoder';
import { ConfigFields } from '../fields';
import { LIMITS } from '../limits';
import { TensorList } from '../tensors';
import type { JsonObject, ModelFamily } from '../types';

const ARCHS = ['GPT2Model', 'GPT2LMHeadModel', 'GPT2ForSequenceClassification', 'GPT2ForTokenClassification'];
const HEADS: LayerNormDecoderHeads = {
  causalLm: 'GPT2LMHeadModel',
  sequenceClassification: 'GPT2ForSequenceClassification',
  tokenClassification: 'GPT2ForTokenClassification',
  lmHeadName: 'lm_head',
};

export const gpt2: ModelFamily = {
  modelTypes: ['gpt2'],
  architectures: ARCHS,
  source: {
    title: 'transformers GPT2Model / GPT2LMHeadModel',
    url: 'https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/gpt2/modeling_gpt2.py',
    locator: 'GPT2Attention, GPT2MLP, GPT2Block, Conv1D (pytorch_utils.py); configuration_gpt2.py defaults',
  },
  build(config: JsonObject, architecture: string) {
    const f = new ConfigFields(config, 'a gpt2 model');
    const hidden = f.requiredInt(['n_embd', 'hidden_size'], LIMITS.hidden);
    const layers = f.requiredInt(['n_layer', 'num_hidden_layers'], LIMITS.layers);
    const heads = f.requiredInt(['n_head', 'num_attention_heads'], LIMITS.heads);
    const vocab = f.requiredInt('vocab_size', LIMITS.vocab);
    const positions = f.optionalInt(['n_positions', 'max_position_embeddings'], LIMITS.positions, 1024);
    const inner = f.optionalInt('n_inner', LIMITS.intermediate, 4 * hidden);
    const act = f.string('activation_function', 'gelu_new');
    const cross = f.bool('add_cross_attention', false);
    const tie = f.bool('tie_word_embeddings', true);
    const dropout = ['resid_pdrop', 'embd_pdrop', 'attn_pdrop'].some((n) => f.probability(n, 0.1) > 0);
    f.requireDivides('n_head', heads, 'n_embd', hidden);

    const root = TensorList.create();
    const body = architecture === 'GPT2Model' ? root : root.at('transformer');
    const wte = body.embedding('wte', vocab, hidden);
    body.embedding('wpe', positions, hidden, 'position-embedding');
    for (let i = 0; i < layers; i++) {
      const h = body.at(`h.${i}`);
      h.norm('ln_1', hidden, true);
      h.conv1d('attn.c_attn', hidden, 3 * hidden);
      h.conv1d('attn.c_proj', hidden, hidden);
      h.norm('ln_2', hidden, true);
      if (cross) {
        h.conv1d('crossattention.c_attn', hidden, 2 * hidden);
        h.conv1d('crossattention.q_attn', hidden, hidden);
        h.conv1d('crossattention.c_proj', hidden, hidden);
        h.norm('ln_cross_attn', hidden, true);
      }
      h.conv1d('mlp.c_fc', hidden, inner);
      h.conv1d('mlp.c_proj', inner, hidden);
    }
    body.norm('ln_f', hidden, true);

    const dims = { layers, hidden, heads, intermediate: inner, vocab, act, dropout };
    const numLabels = addLayerNormDecoderHead(root, f, architecture, HEADS, dims, tie, wte);

    return {
      family: 'gpt2',
      architecture,
      tensors: root.tensors(),
      shape: layerNormDecoderShape(dims, architecture === HEADS.causalLm ? vocab : 0, numLabels),
      warnings: [],
      config: {
        model_type: 'gpt2',
        vocab_size: vocab,
        n_embd: hidden,
        n_layer: layers,
        n_head: heads,
        n_positions: positions,
        n_inner: inner,
        activation_function: act,
        add_cross_attention: cross,
        tie_word_embeddings: tie,
        ...(numLabels ? { num_labels: numLabels } : {}),
      },
    };
  },
};
