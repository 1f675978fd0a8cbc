/**
 * Schedule-Free AdamW (Defazio et al., 2024, "The Road Less Scheduled"), as facebookresearch/schedule_free
 * `AdamWScheduleFree`. The parameters hold y (where gradients are taken); z is the base sequence and the
 * evaluation point is x = (y - (1-b1) z)/b1. Per step k (from 0):
 *   lr_k = lr * warmup(k) * sqrt(1 - b2^(k+1));  lr_max = max(lr_max, lr_k);
 *   weight = (k+1)^r * lr_max^weight_lr_power;  c = weight / (weight_sum += weight);
 *   v <- b2*v + (1-b2)*g^2;  u = g/(sqrt(v) + eps) + wd*y;
 *   y <- lerp(y, z, c) + lr_k*(b1*(1-c) - 1)*u;  z <- z - lr_k*u.
 * `toEvalMode()`/`toTrainMode()` swap the parameters to x and back, as the reference's eval()/train().
 * Source: facebookresearch/schedule_free schedulefree/adamw_schedulefree.py.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type NamedGradient, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader, MAX_DECAY } from './hyper';
import { lerp } from './ops';

export const SCHEDULE_FREE_ADAMW_DEFAULTS: Hyperparameters = {
  lr: 0.0025, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, warmup_steps: 0, r: 0.0, weight_lr_power: 2.0,
};

export class ScheduleFreeAdamWOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.ScheduleFreeAdamW';
  readonly id = 'schedule-free-adamw' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly warmupSteps: number;
  private readonly r: number;
  private readonly weightLrPower: number;
  private k = 0;
  private lrMax = -1;
  private weightSum = 0;
  private trainMode = true;
  /** Scalars of the current step, set by prepareStep. */
  protected current = { lr: 0, ckp1: 0 };

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const rd = new HyperReader('schedule-free-adamw', hyper, SCHEDULE_FREE_ADAMW_DEFAULTS);
    const values = {
      lr: rd.num('lr', 0),
      betas: rd.pair('betas', 0, MAX_DECAY),
      eps: rd.num('eps', 0),
      weight_decay: rd.num('weight_decay', 0),
      warmup_steps: rd.int('warmup_steps', 0),
      r: rd.num('r', 0),
      weight_lr_power: rd.num('weight_lr_power', 0),
    };
    rd.finish();
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
    this.warmupSteps = values.warmup_steps;
    this.r = values.r;
    this.weightLrPower = values.weight_lr_power;
  }

  protected override prepareStep(_grads: readonly NamedGradient[]): void {
    if (!this.trainMode) throw new Error('schedule-free-adamw: step called in eval mode (call toTrainMode() first)');
    const k = this.k;
    const sched = k < this.warmupSteps ? (k + 1) / this.warmupSteps : 1.0;
    const lr = this.lr * sched * Math.sqrt(1 - this.beta2 ** (k + 1));
    this.lrMax = Math.max(lr, this.lrMax);
    const weight = (k + 1) ** this.r * this.lrMax ** this.weightLrPower;
    this.weightSum += weight;
    const ckp1 = this.weightSum === 0 ? 0 : weight / this.weightSum;
    this.current = { lr, ckp1 };
  }

  /** The current step's lr and interpolation weight ckp1 (set by prepareStep), for a fused update. */
  get stepScalars(): { readonly lr: number; readonly ckp1: number } {
    return this.current;
  }

  protected override finishStep(): void {
    this.k += 1;
  }

  protected updateParameter(name: string, y: tf.Variable, grad: tf.Tensor): void {
    const { lr, ckp1 } = this.current;
    const z = this.slot(name, 'z', () => tf.clone(y));
    const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(y));
    v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.mul(grad, grad), 1 - this.beta2)));
    let u = tf.div(grad, tf.add(tf.sqrt(v), this.eps));
    if (this.weightDecay !== 0) u = tf.add(u, tf.mul(y, this.weightDecay));
    const yNext = tf.add(lerp(y, z, ckp1), tf.mul(u, lr * (this.beta1 * (1 - ckp1) - 1)));
    y.assign(yNext);
    z.assign(tf.sub(z, tf.mul(u, lr)));
  }

  /** Sets every parameter with state to x (the reference's `eval()`). */
  toEvalMode(params: readonly tf.Variable[]): void {
    if (!this.trainMode) return;
    this.swap(params, 1 - 1 / this.beta1);
    this.trainMode = false;
  }

  /** Sets every parameter with state back to y (the reference's `train()`). */
  toTrainMode(params: readonly tf.Variable[]): void {
    if (this.trainMode) return;
    this.swap(params, 1 - this.beta1);
    this.trainMode = true;
  }

  private swap(params: readonly tf.Variable[], weight: number): void {
    for (const p of params) {
      if (!this.hasSlot(p.name, 'z')) continue;
      const z = this.slot(p.name, 'z', () => tf.clone(p));
      tf.tidy(() => {
        p.assign(lerp(p, z, weight));
      });
    }
  }

  protected override groupScalars(): Record<string, number> {
    return { k: this.k, lr_max: this.lrMax, weight_sum: this.weightSum };
  }

  protected override loadGroupScalars(values: Record<string, number>): void {
    this.k = values['k'] ?? 0;
    this.lrMax = values['lr_max'] ?? -1;
    this.weightSum = values['weight_sum'] ?? 0;
  }
}
tf.serialization.registerClass(ScheduleFreeAdamWOptimizer);

export const SCHEDULE_FREE_ADAMW: ProfilerOptimizerDefinition = {
  id: 'schedule-free-adamw',
  reference: {
    title: 'facebookresearch/schedule_free AdamWScheduleFree',
    url: 'https://github.com/facebookresearch/schedule_free/blob/2185380ce6f03effac52386b2d0495340ccd678a/schedulefree/adamw_schedulefree.py',
    locator: 'schedulefree/adamw_schedulefree.py',
  },
  defaults: SCHEDULE_FREE_ADAMW_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new ScheduleFreeAdamWOptimizer(hyper, options),
};
