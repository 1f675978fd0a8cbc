/**
 * CAME (Luo et al., 2023, "CAME: Confidence-guided Adaptive Memory Efficient Optimization"), as
 * yangluo7/CAME came_pytorch/CAME.py: Adafactor's factored second moment (betas[1]) and update clipping,
 * a first moment m of the clipped update (betas[0]), and a factored "instability" r of
 * (update - m)^2 + eps2 (betas[2]); the step is lr * m scaled by rsqrt of the factored instability
 * (rank >= 2) or lr * m (vectors); weight decay p <- p - wd*lr*p.
 * The reference requires an lr (it asserts lr > 0; its default None fails).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError, type Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader } from './hyper';
import { rms } from './ops';

export const CAME_DEFAULTS: Hyperparameters = { lr: null, eps: [1e-30, 1e-16], clip_threshold: 1.0, betas: [0.9, 0.999, 0.9999], weight_decay: 0.0 };

/** rsqrt(row / mean(row)) (outer) rsqrt(col), as CAME's (and HF Adafactor's) `_approx_sq_grad`. */
function approxFactored(row: tf.Tensor, col: tf.Tensor): tf.Tensor {
  const r = tf.expandDims(tf.rsqrt(tf.div(row, tf.mean(row, -1, true))), -1);
  const c = tf.rsqrt(tf.expandDims(col, -2));
  return tf.mul(r, c);
}

export class CameOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.CAME';
  readonly id = 'came' as const;
  private readonly lr: number;
  private readonly eps1: number;
  private readonly eps2: number;
  private readonly clipThreshold: number;
  private readonly betas: readonly [number, number, number];
  private readonly weightDecay: number;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('came', hyper, CAME_DEFAULTS);
    const lr = r.numOrNull('lr', 0);
    const values = { lr, eps: r.pair('eps', 0), clip_threshold: r.num('clip_threshold', 0), betas: r.numbers('betas', 3, 0, 1), weight_decay: r.num('weight_decay', 0) };
    r.finish();
    if (lr === null || lr <= 0) throw new InputError('came: lr is required (the reference asserts lr > 0 and has no default)');
    super(values, options);
    this.lr = lr;
    [this.eps1, this.eps2] = values.eps;
    this.clipThreshold = values.clip_threshold;
    this.betas = [values.betas[0]!, values.betas[1]!, values.betas[2]!];
    this.weightDecay = values.weight_decay;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor): void {
    const [b1, b2, b3] = this.betas;
    const factored = p.rank >= 2;
    const rowShape = p.shape.slice(0, -1);
    const colShape = [...p.shape.slice(0, -2), p.shape[p.rank - 1]!];
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    const sq = tf.add(tf.mul(grad, grad), this.eps1);
    let update: tf.Tensor;
    if (factored) {
      const row = this.slot(name, 'exp_avg_sq_row', () => tf.zeros(rowShape));
      const col = this.slot(name, 'exp_avg_sq_col', () => tf.zeros(colShape));
      row.assign(tf.add(tf.mul(row, b2), tf.mul(tf.mean(sq, -1), 1 - b2)));
      col.assign(tf.add(tf.mul(col, b2), tf.mul(tf.mean(sq, -2), 1 - b2)));
      update = tf.mul(approxFactored(row, col), grad);
    } else {
      const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(p));
      v.assign(tf.add(tf.mul(v, b2), tf.mul(sq, 1 - b2)));
      update = tf.mul(tf.rsqrt(v), grad);
    }
    update = tf.div(update, tf.maximum(tf.div(rms(update), this.clipThreshold), 1));
    m.assign(tf.add(tf.mul(m, b1), tf.mul(update, 1 - b1)));
    if (factored) {
      const res = tf.add(tf.square(tf.sub(update, m)), this.eps2);
      const resRow = this.slot(name, 'exp_avg_res_row', () => tf.zeros(rowShape));
      const resCol = this.slot(name, 'exp_avg_res_col', () => tf.zeros(colShape));
      resRow.assign(tf.add(tf.mul(resRow, b3), tf.mul(tf.mean(res, -1), 1 - b3)));
      resCol.assign(tf.add(tf.mul(resCol, b3), tf.mul(tf.mean(res, -2), 1 - b3)));
      update = tf.mul(approxFactored(resRow, resCol), m);
    } else {
      update = m;
    }
    if (this.weightDecay !== 0) p.assign(tf.add(p, tf.mul(p, -this.weightDecay * this.lr)));
    p.assign(tf.sub(p, tf.mul(update, this.lr)));
  }
}
tf.serialization.registerClass(CameOptimizer);

export const CAME: ProfilerOptimizerDefinition = {
  id: 'came',
  reference: {
    title: 'yangluo7/CAME (came_pytorch/CAME.py)',
    url: 'https://github.com/yangluo7/CAME/blob/b368dc017dd31e4b5d74986981086cb0dcba6463/came_pytorch/CAME.py',
    locator: 'came_pytorch/CAME.py, CAME.step',
  },
  defaults: CAME_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new CameOptimizer(hyper, options),
};
