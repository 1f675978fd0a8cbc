/**
 * What GPT-2 and GPT-NeoX (and their kind: LayerNorm decoders with a plain MLP and no GQA) share after
 * their layer stacks: the head chosen by the architecture name and the shape of the decoder stack.
 * Heads as transformers defines them: the LM head [vocab, hidden] without bias (tied to the input
 * embedding when tie_word_embeddings), `score` [num_labels, hidden] without bias for sequence
 * classification, `classifier` [num_labels, hidden] with bias for token classification.
 */
import type { ConfigFields } from '../fields';
import { LIMITS } from '../limits';
import type { TensorList } from '../tensors';
import type { ArchitectureShape } from '../types';
import { plainMlpKind } from './decoder';
import { layerNormStackShape } from './encoder';

export interface LayerNormDecoderHeads {
  /** Architecture names of the causal-LM, sequence- and token-classification models. */
  readonly causalLm: string;
  readonly sequenceClassification: string;
  readonly tokenClassification: string;
  /** Module name of the LM head (`lm_head`, `embed_out`). */
  readonly lmHeadName: string;
}

export interface LayerNormDecoderDims {
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly vocab: number;
  /** The config's activation name (hidden_act / activation_function). */
  readonly act: string;
  readonly dropout: boolean;
}

/** Adds the architecture's head to `root`; returns its number of labels (0 without a classifier). */
export function addLayerNormDecoderHead(
  root: TensorList,
  f: ConfigFields,
  architecture: string,
  names: LayerNormDecoderHeads,
  d: LayerNormDecoderDims,
  tie: boolean,
  /** Name of the input embedding the LM head ties to. */
  inputEmbedding: string,
): number {
  if (architecture === names.causalLm) {
    if (tie) root.add(`${names.lmHeadName}.weight`, [d.vocab, d.hidden], 'lm-head', inputEmbedding);
    else root.linear(names.lmHeadName, d.hidden, d.vocab, false, 'lm-head');
    return 0;
  }
  if (architecture === names.sequenceClassification || architecture === names.tokenClassification) {
    const numLabels = f.numLabels(LIMITS.labels);
    const token = architecture === names.tokenClassification;
    root.linear(token ? 'classifier' : 'score', d.hidden, numLabels, token, 'lm-head');
    return numLabels;
  }
  return 0;
}

/** The shape of a LayerNorm decoder with full multi-head attention. */
export function layerNormDecoderShape(d: LayerNormDecoderDims, logitsVocab: number, numLabels: number): ArchitectureShape {
  return layerNormStackShape('decoder', { ...d, mlpKind: plainMlpKind(d.act) }, logitsVocab, numLabels);
}
