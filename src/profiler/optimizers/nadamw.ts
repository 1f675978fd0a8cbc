/**
 * NAdamW as timm's NAdamW (a port of the AlgoPerf baseline; Choi et al. 2019, Table 1): decoupled decay
 * p <- p*(1 - lr*wd); m <- b1*m + (1-b1)*g; v <- b2*v + (1-b2)*g^2; the Nesterov numerator
 * n = b1*m + (1-b1)*g (the only difference from AdamW); p <- p - lr/(1-b1^t) * n / (sqrt(v)/sqrt(1-b2^t) + eps).
 * Source: huggingface/pytorch-image-models timm/optim/nadamw.py (_single_tensor_nadamw); defaults lr 1e-3,
 * betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2.
 *
 * With `momentum_decay` set (torch.optim.NAdam's 4e-3), Dozat's original instead, as torch.optim.NAdam
 * (PyTorch 1.13 _single_tensor_nadam): mu_t = b1*(1 - 0.5*0.96^(t*psi)), mu_product = prod mu_1..t (a
 * function of t, so no state here), denom = sqrt(v/(1-b2^t)) + eps,
 * p <- p - lr*(1-mu_t)/(1-mu_product) * g/denom - lr*mu_{t+1}/(1-mu_product*mu_{t+1}) * m/denom; the decay
 * is decoupled unless decoupled_weight_decay is false (torch's default: L2 added to the gradient).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader, MAX_DECAY } from './hyper';

export const NADAMW_DEFAULTS: Hyperparameters = {
  lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, maximize: false, momentum_decay: null, decoupled_weight_decay: true,
};

export class NAdamWOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.NAdamW';
  readonly id = 'nadamw' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly maximize: boolean;
  /** torch.optim.NAdam's momentum schedule (null: the AlgoPerf form). */
  private readonly momentumDecay: number | null;
  private readonly decoupled: boolean;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('nadamw', hyper, NADAMW_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, MAX_DECAY),
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
      maximize: r.bool('maximize'),
      momentum_decay: r.numOrNull('momentum_decay', 0),
      decoupled_weight_decay: r.bool('decoupled_weight_decay'),
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
    this.momentumDecay = values.momentum_decay;
    this.decoupled = values.decoupled_weight_decay;
  }

  /** Dozat's momentum at step t: b1*(1 - 0.5*0.96^(t*psi)). */
  private mu(t: number, psi: number): number {
    return this.beta1 * (1 - 0.5 * 0.96 ** (t * psi));
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const { g, m, v } = this.adamMoments(name, p, grad, {
      lr: this.lr, beta1: this.beta1, beta2: this.beta2, weightDecay: this.weightDecay, decoupled: this.decoupled, maximize: this.maximize,
    });
    if (this.momentumDecay !== null) {
      const psi = this.momentumDecay;
      let product = 1;
      for (let t = 1; t <= step; t++) product *= this.mu(t, psi);
      const mu = this.mu(step, psi);
      const next = this.mu(step + 1, psi);
      const denom = tf.add(tf.sqrt(tf.div(v, 1 - this.beta2 ** step)), this.eps);
      const fromGrad = tf.mul(tf.div(g, denom), (this.lr * (1 - mu)) / (1 - product));
      const fromMoment = tf.mul(tf.div(m, denom), (this.lr * next) / (1 - product * next));
      p.assign(tf.sub(tf.sub(p, fromGrad), fromMoment));
      return;
    }
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
    url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/nadamw.py',
    locator: 'timm/optim/nadamw.py, _single_tensor_nadamw',
  },
  defaults: NADAMW_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new NAdamWOptimizer(hyper, options),
};
