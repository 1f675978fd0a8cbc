/**
 * AdEMAMix (Pagliardini, Ablin, Grangier 2024, arXiv 2409.03137, Algorithm 1), as apple/ml-ademamix
 * pytorch/ademamix.py:
 *   m1 <- b1*m1 + (1-b1)*g  (m1 = g when b1 is 0: no fast EMA state);  m2 <- b3*m2 + (1-b3)*g;
 *   v <- b2*v + (1-b2)*g^2;  u <- (m1/(1-b1^t) + alpha*m2) / (sqrt(v)/sqrt(1-b2^t) + eps) + wd*p;  p <- p - lr*u
 * with alpha and b3 warmed up over alpha_warmup / beta3_warmup steps (linear_warmup_scheduler from 0,
 * linear_hl_warmup_scheduler from b1, at the step being taken) when those are set.
 * Defaults of the reference: lr 1e-3, betas (0.9, 0.999, 0.9999), alpha 2, eps 1e-8, weight_decay 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Citation, Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader, MAX_DECAY } from './hyper';

export const ADEMAMIX_REFERENCE: Citation = {
  title: 'apple/ml-ademamix (AdEMAMix, Pagliardini et al. 2024)',
  url: 'https://github.com/apple/ml-ademamix/blob/c3d73c09f1287e5c33b95189bb0aa7de0a5a7667/pytorch/ademamix.py',
  locator: 'pytorch/ademamix.py, AdEMAMix.step, linear_warmup_scheduler, linear_hl_warmup_scheduler',
};

export const ADEMAMIX_DEFAULTS: Hyperparameters = { lr: 1e-3, betas: [0.9, 0.999, 0.9999], alpha: 2.0, beta3_warmup: null, alpha_warmup: null, eps: 1e-8, weight_decay: 0 };

/** linear_warmup_scheduler: alpha from `start` to `end` linearly over `warmup` steps. */
export function alphaAt(step: number, end: number, start: number, warmup: number | null): number {
  if (warmup === null || step >= warmup) return end;
  const a = step / warmup;
  return (1 - a) * start + a * end;
}

/**
 * linear_hl_warmup_scheduler: beta3 from `start` to `end` with the half-life t = ln(0.5)/ln(beta + 1e-8) - 1
 * interpolated linearly over `warmup` steps, then beta = 0.5^(1/(t + 1)).
 */
export function beta3At(step: number, end: number, start: number, warmup: number | null): number {
  if (warmup === null || step >= warmup) return end;
  const f = (beta: number) => Math.log(0.5) / Math.log(beta + 1e-8) - 1;
  const a = step / warmup;
  return 0.5 ** (1 / ((1 - a) * f(start) + a * f(end) + 1));
}

export class AdEMAMixOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.AdEMAMix';
  readonly id = 'ademamix' as const;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly beta3: number;
  readonly alpha: number;
  private readonly beta3Warmup: number | null;
  private readonly alphaWarmup: number | null;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('ademamix', hyper, ADEMAMIX_DEFAULTS);
    const betas = r.numbers('betas', 3, 0, MAX_DECAY);
    const beta3Warmup = r.numOrNull('beta3_warmup', 1);
    const alphaWarmup = r.numOrNull('alpha_warmup', 1);
    const values = {
      lr: r.num('lr', 0),
      betas,
      alpha: r.num('alpha', 0),
      beta3_warmup: beta3Warmup,
      alpha_warmup: alphaWarmup,
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
    };
    r.finish();
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2, this.beta3] = betas as [number, number, number];
    this.alpha = values.alpha;
    this.beta3Warmup = beta3Warmup;
    this.alphaWarmup = alphaWarmup;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
  }

  /** alpha and beta3 of step `step` (1-based), after the schedulers. */
  coefficients(step: number): { alpha: number; beta3: number } {
    return { alpha: alphaAt(step, this.alpha, 0, this.alphaWarmup), beta3: beta3At(step, this.beta3, this.beta1, this.beta3Warmup) };
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const { alpha, beta3 } = this.coefficients(step);
    let fast: tf.Tensor = grad;
    if (this.beta1 !== 0) {
      const m1 = this.slot(name, 'exp_avg_fast', () => tf.zerosLike(p));
      m1.assign(tf.add(tf.mul(m1, this.beta1), tf.mul(grad, 1 - this.beta1)));
      fast = m1;
    }
    const m2 = this.slot(name, 'exp_avg_slow', () => tf.zerosLike(p));
    const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(p));
    m2.assign(tf.add(tf.mul(m2, beta3), tf.mul(grad, 1 - beta3)));
    v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.mul(grad, grad), 1 - this.beta2)));
    const bc1 = 1 - this.beta1 ** step;
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** step);
    const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), this.eps);
    let update = tf.div(tf.add(tf.div(fast, bc1), tf.mul(m2, alpha)), denom);
    if (this.weightDecay !== 0) update = tf.add(update, tf.mul(p, this.weightDecay));
    p.assign(tf.sub(p, tf.mul(update, this.lr)));
  }
}
tf.serialization.registerClass(AdEMAMixOptimizer);

export const ADEMAMIX: ProfilerOptimizerDefinition = {
  id: 'ademamix',
  reference: ADEMAMIX_REFERENCE,
  defaults: ADEMAMIX_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new AdEMAMixOptimizer(hyper, options),
};
