/**
 * BERT-style encoder shared by bert and roberta (and XLM-RoBERTa): embeddings, encoder layers, pooler
 * and masked-LM heads, named as transformers' modeling_bert.py / modeling_roberta.py.
 */
import type { TensorRole } from '../../types';
import type { ConfigFields } from '../fields';
import { plainMlpKind } from './decoder';
import { LIMITS } from '../limits';
import type { TensorList } from '../tensors';
import type { ArchitectureShape, JsonObject, MlpKind } from '../types';

export interface EncoderDims {
  readonly vocab: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly positions: number;
  readonly typeVocab: number;
  /** 'relative_key' / 'relative_key_query' add a distance embedding to every self-attention. */
  readonly positionType: string;
  readonly crossAttention: boolean;
  readonly tieWordEmbeddings: boolean;
  readonly mlpKind: MlpKind;
  readonly dropout: boolean;
  readonly act: string;
}

/**
 * Reads a BertConfig/RobertaConfig. Class defaults: max_position_embeddings=512, type_vocab_size=2,
 * hidden_act="gelu", hidden_dropout_prob = attention_probs_dropout_prob = 0.1,
 * position_embedding_type="absolute", tie_word_embeddings=True (PretrainedConfig).
 */
export function readEncoderDims(f: ConfigFields): EncoderDims {
  const hidden = f.requiredInt('hidden_size', LIMITS.hidden);
  const heads = f.requiredInt('num_attention_heads', LIMITS.heads);
  f.requireDivides('num_attention_heads', heads, 'hidden_size', hidden);
  const act = f.string('hidden_act', 'gelu');
  return {
    vocab: f.requiredInt('vocab_size', LIMITS.vocab),
    hidden,
    layers: f.requiredInt('num_hidden_layers', LIMITS.layers),
    heads,
    intermediate: f.requiredInt('intermediate_size', LIMITS.intermediate),
    positions: f.optionalInt('max_position_embeddings', LIMITS.positions, 512),
    typeVocab: f.optionalInt('type_vocab_size', LIMITS.typeVocab, 2),
    positionType: f.string('position_embedding_type', 'absolute'),
    crossAttention: f.bool('add_cross_attention', false),
    tieWordEmbeddings: f.bool('tie_word_embeddings', true),
    mlpKind: plainMlpKind(act),
    dropout: ['hidden_dropout_prob', 'attention_probs_dropout_prob'].some((n) => f.probability(n, 0.1) > 0),
    act,
  };
}

/** `embeddings.*`; returns the full name of the word embeddings (the MLM decoder ties to it). */
export function addEncoderEmbeddings(t: TensorList, d: EncoderDims): string {
  const e = t.at('embeddings');
  const word = e.embedding('word_embeddings', d.vocab, d.hidden);
  e.embedding('position_embeddings', d.positions, d.hidden, 'position-embedding');
  e.embedding('token_type_embeddings', d.typeVocab, d.hidden, 'position-embedding');
  e.norm('LayerNorm', d.hidden, true);
  return word;
}

function addAttention(t: TensorList, d: EncoderDims, relative: boolean): void {
  const self = t.at('self');
  self.linear('query', d.hidden, d.hidden, true);
  self.linear('key', d.hidden, d.hidden, true);
  self.linear('value', d.hidden, d.hidden, true);
  if (relative) {
    self.embedding('distance_embedding', 2 * d.positions - 1, d.hidden / d.heads, 'position-embedding');
  }
  t.linear('output.dense', d.hidden, d.hidden, true);
  t.norm('output.LayerNorm', d.hidden, true);
}

/** `encoder.layer.N.*` */
export function addEncoderLayers(t: TensorList, d: EncoderDims): void {
  const relative = d.positionType === 'relative_key' || d.positionType === 'relative_key_query';
  for (let i = 0; i < d.layers; i++) {
    const layer = t.at(`encoder.layer.${i}`);
    addAttention(layer.at('attention'), d, relative);
    if (d.crossAttention) addAttention(layer.at('crossattention'), d, false);
    layer.linear('intermediate.dense', d.hidden, d.intermediate, true);
    layer.linear('output.dense', d.intermediate, d.hidden, true);
    layer.norm('output.LayerNorm', d.hidden, true);
  }
}

/** `pooler.dense` [hidden, hidden] + bias. */
export function addPooler(t: TensorList, hidden: number): void {
  t.linear('pooler.dense', hidden, hidden, true);
}

/**
 * Masked-LM prediction head: own `bias` [vocab], a transform (dense + LayerNorm), and `decoder`
 * whose weight is tied to the word embeddings (when tie_word_embeddings) and whose bias IS the head's
 * `bias` (transformers sets `decoder.bias = bias`), so both decoder tensors are listed as tied.
 */
export function addMlmHead(
  t: TensorList,
  d: EncoderDims,
  wordEmbeddings: string,
  names: { readonly dense: string; readonly norm: string },
): void {
  const bias = t.add('bias', [d.vocab], 'bias');
  t.linear(names.dense, d.hidden, d.hidden, true);
  t.norm(names.norm, d.hidden, true);
  if (d.tieWordEmbeddings) t.add('decoder.weight', [d.vocab, d.hidden], 'lm-head', wordEmbeddings);
  else t.add('decoder.weight', [d.vocab, d.hidden], 'lm-head');
  t.add('decoder.bias', [d.vocab], 'bias', bias);
}

/** A classifier Linear [labels, hidden] + bias (role 'lm-head' for the weight). */
export function addClassifier(t: TensorList, scope: string, hidden: number, labels: number): void {
  const role: TensorRole = 'lm-head';
  t.linear(scope, hidden, labels, true, role);
}

export function encoderShape(d: EncoderDims, logitsVocab: number, numLabels: number): ArchitectureShape {
  return layerNormStackShape('encoder', d, logitsVocab, numLabels);
}

/** One text stack with LayerNorm and full multi-head attention (BERT-style encoders, GPT-2-style decoders). */
export function layerNormStackShape(
  role: 'encoder' | 'decoder',
  d: Pick<EncoderDims, 'layers' | 'hidden' | 'heads' | 'intermediate' | 'mlpKind' | 'dropout'>,
  logitsVocab: number,
  numLabels: number,
): ArchitectureShape {
  return {
    kind: 'transformer',
    stacks: [
      {
        role,
        layers: d.layers,
        hidden: d.hidden,
        heads: d.heads,
        kvHeads: d.heads,
        headDim: d.hidden / d.heads,
        intermediate: d.intermediate,
        mlp: d.mlpKind,
        sequence: 'text',
        dropout: d.dropout,
        norm: 'layernorm',
      },
    ],
    logitsVocab,
    numLabels,
    embedHidden: d.hidden,
  };
}

export function encoderEcho(modelType: string, d: EncoderDims, extra: JsonObject): JsonObject {
  return {
    model_type: modelType,
    vocab_size: d.vocab,
    hidden_size: d.hidden,
    num_hidden_layers: d.layers,
    num_attention_heads: d.heads,
    intermediate_size: d.intermediate,
    max_position_embeddings: d.positions,
    type_vocab_size: d.typeVocab,
    position_embedding_type: d.positionType,
    add_cross_attention: d.crossAttention,
    tie_word_embeddings: d.tieWordEmbeddings,
    hidden_act: d.act,
    ...extra,
  };
}
