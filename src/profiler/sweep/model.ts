/**
 * A proxy model ready to train: its tfjs variables (named and initialised as proxy.ts lists them,
 * from a seed), its training batches (deterministic per data seed) and its loss. Child side only.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorRole } from '../../core/types';
import { TextBatches, type Corpus } from './corpus';
import { BarImages } from './images';
import { CnnProxyModel } from './model-cnn';
import { TransformerProxyModel } from './model-transformer';
import { proxyParams, type ProxyParam, type ProxySpec } from './proxy';
import { deriveSeed, SweepRandom } from './random';

/** One batch: its tensors and the loss it gives for the current variables. */
export interface ProxyBatch {
  readonly tensors: readonly tf.Tensor[];
  loss(): tf.Scalar;
}

export interface ProxyModel {
  readonly params: readonly ProxyParam[];
  /** Variables in `params` order. */
  readonly variables: readonly tf.Variable[];
  /** The role of a variable (Muon orthogonalises only hidden matrices). */
  roleOf(name: string): TensorRole | undefined;
  /** The next training batch of the stream. */
  nextBatch(): ProxyBatch;
  /** A fixed evaluation set (the same for every run of a sweep). */
  evaluationBatches(): ProxyBatch[];
  dispose(): void;
}

export interface ProxyModelOptions {
  readonly spec: ProxySpec;
  /** Seed of the initial weights. */
  readonly initSeed: number;
  /** Seed of the training batch stream. */
  readonly dataSeed: number;
  /** Required for text tasks. */
  readonly corpus?: Corpus;
  /** Build the loss from ops tfjs can differentiate twice (AdaHessian, Sophia by double backprop). */
  readonly twice: boolean;
  /** Number of evaluation batches (default 4). */
  readonly evaluationBatches?: number;
  /**
   * Put before every variable's name (tfjs registers variables by name, so models alive at the same time
   * need their own names: the timing phase); roleOf takes the names with it.
   */
  readonly variablePrefix?: string;
}

/** Seed of the evaluation set: fixed, independent of every run's seeds. */
const EVALUATION_SEED = 0x5eed;

function initialValue(p: ProxyParam, seed: number): tf.Tensor {
  const size = p.shape.reduce((a, b) => a * b, 1);
  switch (p.init.kind) {
    case 'zeros':
      return tf.zeros([...p.shape]);
    case 'ones':
      return tf.ones([...p.shape]);
    case 'normal':
      return tf.tensor(new SweepRandom(seed).normals(size, p.init.std), [...p.shape]);
  }
}

export function buildProxyModel(opts: ProxyModelOptions): ProxyModel {
  const params = proxyParams(opts.spec);
  const variables = params.map((p, i) => {
    const init = initialValue(p, deriveSeed(opts.initSeed, i));
    const v = tf.variable(init, true, `${opts.variablePrefix ?? ''}${p.name}`);
    init.dispose();
    return v;
  });
  const vars = new Map(params.map((p, i) => [p.name, variables[i]!]));
  const roles = new Map(params.map((p) => [`${opts.variablePrefix ?? ''}${p.name}`, p.role]));
  const spec = opts.spec;
  let next: () => ProxyBatch;
  let evaluation: () => ProxyBatch[];
  let disposeModel: () => void;
  const evalCount = opts.evaluationBatches ?? 4;

  if (spec.kind === 'cnn') {
    const model = new CnnProxyModel(spec, vars);
    const images = (seed: number) => new BarImages(spec.imageSize, spec.classes, seed);
    const make = (source: BarImages): ProxyBatch => {
      const { pixels, labels } = source.next(spec.batch);
      const inputs = tf.tensor4d(pixels, [spec.batch, spec.imageSize, spec.imageSize, 1]);
      const labelTensor = tf.tensor1d(labels, 'int32');
      return { tensors: [inputs, labelTensor], loss: () => model.loss({ inputs, labels: labelTensor }) };
    };
    const stream = images(opts.dataSeed);
    next = () => make(stream);
    evaluation = () => {
      const source = images(EVALUATION_SEED);
      return Array.from({ length: evalCount }, () => make(source));
    };
    disposeModel = () => model.dispose();
  } else {
    const model = new TransformerProxyModel(spec, vars, opts.twice);
    if (spec.image) {
      const { size, classes } = spec.image;
      const make = (source: BarImages): ProxyBatch => {
        const { pixels, labels } = source.next(spec.batch);
        const inputs = tf.tensor4d(pixels, [spec.batch, size, size, 1]);
        const labelTensor = tf.tensor1d(labels, 'int32');
        return { tensors: [inputs, labelTensor], loss: () => model.loss({ inputs, labels: labelTensor }) };
      };
      const stream = new BarImages(size, classes, opts.dataSeed);
      next = () => make(stream);
      evaluation = () => {
        const source = new BarImages(size, classes, EVALUATION_SEED);
        return Array.from({ length: evalCount }, () => make(source));
      };
    } else {
      const corpus = opts.corpus;
      if (!corpus) throw new Error('proxy: a text task needs the corpus');
      const masked = spec.task === 'masked-lm';
      const maskId = corpus.alphabet.length;
      const make = (source: TextBatches): ProxyBatch => {
        const b = masked ? source.masked(maskId) : source.causal();
        const inputs = tf.tensor1d(b.inputs, 'int32');
        const labels = tf.tensor1d(b.targets, 'int32');
        const weights = masked ? tf.tensor1d(Float32Array.from(b.targets, (t) => (t >= 0 ? 1 : 0))) : undefined;
        const tensors = weights ? [inputs, labels, weights] : [inputs, labels];
        return { tensors, loss: () => model.loss({ inputs, labels, ...(weights ? { weights } : {}) }) };
      };
      const stream = new TextBatches(corpus, spec.batch, spec.seqLen, opts.dataSeed);
      next = () => make(stream);
      evaluation = () => {
        const source = new TextBatches(corpus, spec.batch, spec.seqLen, EVALUATION_SEED);
        return Array.from({ length: evalCount }, () => make(source));
      };
    }
    disposeModel = () => model.dispose();
  }

  return {
    params,
    variables,
    roleOf: (name) => roles.get(name),
    nextBatch: () => next(),
    evaluationBatches: () => evaluation(),
    dispose: () => {
      disposeModel();
      for (const v of variables) v.dispose();
    },
  };
}

export function disposeBatch(b: ProxyBatch): void {
  for (const t of b.tensors) t.dispose();
}
