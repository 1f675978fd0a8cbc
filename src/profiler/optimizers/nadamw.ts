/**
 * NAdamW as timm's NAdamW (a port of the AlgoPerf baseline; Choi et al. 2019, Table 1): decoupled decay
 * p <- p*(1 - lr*wd); m <- b1*m + (1-b1)*g; v <- b2*v + (1-b2)*g^2; the Nesterov numerator
 * n = b1*m + (1-b1)*g (the only difference from AdamW); p <- p - lr/(1-b1^t) * n / (sqrt(v)/sqrt(1-b2^t) + eps).
 * Source: huggingface/pytorch-image-models timm/optim/nadamw.py (_single_tensor_nadamw); defaults lr 1e-3,
 * betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader } from './hyper';

export const NADAMW_DEFAULTS: Hyperparameters = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, maximize: false };

export class NAdamWOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.NAdamW';
  readonly id = 'nadamw' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly maximize: boolean;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('nadamw', hyper, NADAMW_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, 0.999999999),
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
      maximize: r.bool('maximize'),
    };
    r.fixed('caution', false);
    r.fixed('corrected_weight_decay', false);
    r.finish();
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
    this.maximize = values.maximize;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const g = this.maximize ? tf.neg(grad) : grad;
    if (this.weightDecay !== 0) p.assign(tf.mul(p, 1 - this.lr * this.weightDecay));
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(p));
    m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
    v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.mul(g, g), 1 - this.beta2)));
    const nesterov = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
    const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - this.beta2 ** step)), this.eps);
    p.assign(tf.sub(p, tf.mul(tf.div(nesterov, denom), this.lr / (1 - this.beta1 ** step))));
  }
}
tf.serialization.registerClass(NAdamWOptimizer);

export const NADAMW: ProfilerOptimizerDefinition = {
  id: 'nadamw',
  reference: {
    title: 'timm NAdamW (the AlgoPerf NAdamW baseline)',
    url: 'https://github.com/huggingface/pytorch-image-models/blob/main/timm/optim/nadamw.py',
    locator: 'timm/optim/nadamw.py, _single_tensor_nadamw',
  },
  defaults: NADAMW_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new NAdamWOptimizer(hyper, options),
};
