/**
 * MARS-AdamW (Yuan et al. 2024, arXiv 2411.10438), approximate form, as AGI-Arena/MARS
 * MARS/optimizers/mars.py (update_fn with mars_type "mars-adamw", is_approx True). For a 2-D tensor (every
 * tensor with optimize_1d):
 *   c <- (g - g_prev)*(gamma*b1/(1-b1)) + g;  c <- c/||c|| when ||c|| > 1;
 *   m <- b1*m + (1-b1)*c;  v <- b2*v + (1-b2)*c^2 (vmax <- max(vmax, v) with amsgrad);
 *   denom <- (sqrt(v)*(1/sqrt(1-b2^t)) + eps)*(1-b1^t);  p <- p + (-lr)*(p*wd + m/denom)
 * and for the others plain AdamW on g with betas_1d, weight_decay_1d and the step -lr*(lr_1d/lr);
 * g_prev (last_grad) starts at zero and becomes g after every update. Defaults of the reference: lr 3e-3,
 * betas (0.95, 0.99), eps 1e-8, weight_decay 0, gamma 0.025, lr_1d 3e-3, betas_1d (0.9, 0.95),
 * weight_decay_1d 0.1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError, type Citation, type Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader, MAX_DECAY } from './hyper';

export const MARS_REFERENCE: Citation = {
  title: 'AGI-Arena/MARS (MARS-AdamW, Yuan et al. 2024)',
  url: 'https://github.com/AGI-Arena/MARS/blob/4831e28eba863a4e69d7e9474ff8e73bc1b410fe/MARS/optimizers/mars.py',
  locator: 'MARS/optimizers/mars.py, update_fn and MARS.step',
};

export const MARS_DEFAULTS: Hyperparameters = {
  lr: 3e-3, betas: [0.95, 0.99], eps: 1e-8, weight_decay: 0, amsgrad: false, gamma: 0.025, is_approx: true, mars_type: 'mars-adamw',
  optimize_1d: false, lr_1d: 3e-3, betas_1d: [0.9, 0.95], weight_decay_1d: 0.1,
};

/** The scalars of one MARS-AdamW update of one tensor, as update_fn computes them (float64, as Python). */
export interface MarsScalars {
  /** Whether the tensor takes the MARS update (2-D, or optimize_1d) rather than plain AdamW. */
  readonly mars: boolean;
  /** gamma*(b1/(1-b1)) on the MARS path; 0 on the AdamW path (c = g). */
  readonly k: number;
  readonly b1: number;
  readonly b2: number;
  readonly invBc2Sqrt: number;
  readonly bc1: number;
  readonly eps: number;
  readonly wd: number;
  /** The multiplier of (p*wd + m/denom): -lr, or -lr*(lr_1d/lr) on the AdamW path. */
  readonly negLr: number;
}

export class MarsAdamWOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.MarsAdamW';
  readonly id = 'mars-adamw' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  readonly amsgrad: boolean;
  private readonly gamma: number;
  private readonly optimize1d: boolean;
  private readonly lr1dFactor: number;
  private readonly betas1d: readonly [number, number];
  private readonly weightDecay1d: number;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('mars-adamw', hyper, MARS_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, MAX_DECAY),
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
      amsgrad: r.bool('amsgrad'),
      gamma: r.num('gamma'),
      optimize_1d: r.bool('optimize_1d'),
      lr_1d: r.num('lr_1d', 0),
      betas_1d: r.pair('betas_1d', 0, MAX_DECAY),
      weight_decay_1d: r.num('weight_decay_1d', 0),
    };
    // MARS-exact needs a second gradient per step (previous parameters, current batch); the other
    // mars_types are other optimizers (Lion's sign, Shampoo's Newton-Schulz) sharing the state layout.
    r.fixed('is_approx', true);
    r.fixed('mars_type', 'mars-adamw');
    r.finish();
    if (values.lr === 0) throw new InputError('mars-adamw: lr must be greater than 0 (the reference divides lr_1d by it)');
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
    this.amsgrad = values.amsgrad;
    this.gamma = values.gamma;
    this.optimize1d = values.optimize_1d;
    this.lr1dFactor = values.lr_1d / values.lr;
    this.betas1d = values.betas_1d;
    this.weightDecay1d = values.weight_decay_1d;
  }

  /** The update's scalars for a tensor of this shape at step `step` (1-based). */
  scalarsFor(shape: readonly number[], step: number): MarsScalars {
    const mars = this.optimize1d || shape.length === 2;
    const [b1, b2] = mars ? [this.beta1, this.beta2] : this.betas1d;
    return {
      mars,
      k: mars ? this.gamma * (b1 / (1 - b1)) : 0,
      b1,
      b2,
      invBc2Sqrt: 1 / Math.sqrt(1 - b2 ** step),
      bc1: 1 - b1 ** step,
      eps: this.eps,
      // weight_decay_1d applies on the AdamW path (the reference passes weight_decay there only with optimize_1d).
      wd: mars ? this.weightDecay : this.weightDecay1d,
      negLr: mars ? -this.lr : -this.lr * this.lr1dFactor,
    };
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const s = this.scalarsFor(p.shape, step);
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    const last = this.slot(name, 'last_grad', () => tf.zerosLike(p));
    const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(p));
    let c: tf.Tensor = grad;
    if (s.mars) {
      c = tf.add(tf.mul(tf.sub(grad, last), s.k), grad);
      const norm = tf.norm(c);
      if (norm.dataSync()[0]! > 1) c = tf.div(c, norm);
    }
    m.assign(tf.add(tf.mul(m, s.b1), tf.mul(c, 1 - s.b1)));
    v.assign(tf.add(tf.mul(v, s.b2), tf.mul(tf.mul(c, c), 1 - s.b2)));
    let second: tf.Tensor = v;
    if (this.amsgrad) {
      const vmax = this.slot(name, 'max_exp_avg_sq', () => tf.zerosLike(p));
      vmax.assign(tf.maximum(vmax, v));
      second = vmax;
    }
    const denom = tf.mul(tf.add(tf.mul(tf.sqrt(second), s.invBc2Sqrt), s.eps), s.bc1);
    let direction = tf.div(m, denom);
    if (s.wd !== 0) direction = tf.add(tf.mul(p, s.wd), direction);
    p.assign(tf.add(p, tf.mul(direction, s.negLr)));
    last.assign(grad);
  }
}
tf.serialization.registerClass(MarsAdamWOptimizer);

export const MARS_ADAMW: ProfilerOptimizerDefinition = {
  id: 'mars-adamw',
  reference: MARS_REFERENCE,
  defaults: MARS_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new MarsAdamWOptimizer(hyper, options),
};
