/**
 * LARS as timm's Lars (You et al. 2017, Algorithm 1, with NVIDIA apex LARC's clipping): where the
 * tensor's weight decay is non-zero (or always_adapt), trust = trust_coeff*||p|| / (||g|| + ||p||*wd + eps)
 * (1 when either norm is 0; with trust_clip min(trust/lr, 1)) and d = (g + p*wd)*trust, else d = g; then
 * SGD momentum: buf = clone(d) on the first step, buf = buf*momentum + d*(1-dampening) after; d = d +
 * buf*momentum (Nesterov) or buf; p <- p - lr*d. filter_bias_and_bn (timm create_optimizer_v2's option,
 * default on) puts tensors with ndim <= 1 (biases, normalisation weights) in a no-decay group, which
 * also skips their trust ratio: the exclusion SimCLR and MoCo v3 make.
 * Source: huggingface/pytorch-image-models timm/optim/lars.py (Lars.step) and timm/optim/_param_groups
 * (param_groups_weight_decay: ndim <= 1 or .bias -> weight_decay 0).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader } from './hyper';
import { l2norm } from './ops';

/** timm Lars defaults with the momentum its factory passes (0.9), and the factory's bias/norm filter. */
export const LARS_DEFAULTS: Hyperparameters = {
  lr: 1.0, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, trust_coeff: 0.001, eps: 1e-8,
  trust_clip: false, always_adapt: false, filter_bias_and_bn: true,
};

export class LarsOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.Lars';
  readonly id = 'lars' as const;
  private readonly lr: number;
  private readonly momentum: number;
  private readonly dampening: number;
  private readonly weightDecay: number;
  private readonly nesterov: boolean;
  private readonly trustCoeff: number;
  private readonly eps: number;
  private readonly trustClip: boolean;
  private readonly alwaysAdapt: boolean;
  private readonly filterBiasAndBn: boolean;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('lars', hyper, LARS_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      momentum: r.num('momentum', 0),
      dampening: r.num('dampening', 0, 1),
      weight_decay: r.num('weight_decay', 0),
      nesterov: r.bool('nesterov'),
      trust_coeff: r.num('trust_coeff', 0),
      eps: r.num('eps', 0),
      trust_clip: r.bool('trust_clip'),
      always_adapt: r.bool('always_adapt'),
      filter_bias_and_bn: r.bool('filter_bias_and_bn'),
    };
    r.finish();
    super(values, options);
    this.lr = values.lr;
    this.momentum = values.momentum;
    this.dampening = values.dampening;
    this.weightDecay = values.weight_decay;
    this.nesterov = values.nesterov;
    this.trustCoeff = values.trust_coeff;
    this.eps = values.eps;
    this.trustClip = values.trust_clip;
    this.alwaysAdapt = values.always_adapt;
    this.filterBiasAndBn = values.filter_bias_and_bn;
  }

  /** The weight decay of a tensor's group: 0 for ndim <= 1 tensors when filter_bias_and_bn is on. */
  weightDecayOf(shape: readonly number[]): number {
    return this.filterBiasAndBn && shape.length <= 1 ? 0 : this.weightDecay;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor): void {
    const wd = this.weightDecayOf(p.shape);
    let d: tf.Tensor = grad;
    if (wd !== 0 || this.alwaysAdapt) {
      const wNorm = l2norm(p);
      const gNorm = l2norm(grad);
      const ratio = tf.div(tf.mul(wNorm, this.trustCoeff), tf.add(tf.add(gNorm, tf.mul(wNorm, wd)), this.eps));
      const one = tf.onesLike(wNorm);
      let trust = tf.where(tf.greater(wNorm, 0), tf.where(tf.greater(gNorm, 0), ratio, one), one);
      if (this.trustClip) trust = tf.minimum(tf.div(trust, this.lr), 1);
      d = tf.mul(tf.add(grad, tf.mul(p, wd)), trust);
    }
    if (this.momentum !== 0) d = this.momentumDirection(name, d, this.momentum, this.dampening, this.nesterov);
    p.assign(tf.sub(p, tf.mul(d, this.lr)));
  }
}
tf.serialization.registerClass(LarsOptimizer);

export const LARS: ProfilerOptimizerDefinition = {
  id: 'lars',
  reference: {
    title: 'timm Lars (LARS, You et al. 2017; LARC clipping)',
    url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/lars.py',
    locator: 'timm/optim/lars.py, Lars.step',
  },
  defaults: LARS_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new LarsOptimizer(hyper, options),
};
