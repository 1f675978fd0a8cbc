/**
 * AMSGrad, Adagrad, RMSprop and schedule-free AdamW with their update fused into one pass over memory
 * (kernels amsgradSpec, adagradSpec, rmspropSpec, scheduleFreeSpec of kernel-spec.ts): the same
 * classes as ../optimizers (same hyperparameters, state names and shapes), whose updateParameter runs
 * the kernel variant matching the options in place, and falls back to the parent's tfjs ops when the
 * fast path does not apply (another backend, shared storage, maximize). Each kernel performs the tfjs
 * ops' float32 operations in the same order, so the fused step is bit-identical to the unfused one.
 * Child side.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdagradOptimizer } from '../optimizers/adagrad';
import { AmsGradOptimizer } from '../optimizers/amsgrad';
import { RmspropOptimizer } from '../optimizers/rmsprop';
import { ScheduleFreeAdamWOptimizer } from '../optimizers/schedule-free-adamw';
import { countFused, num, pair, runFused, type FusedStats } from './fused-core';
import { rmspropName } from './kernel-spec';
import { kernelPath } from './storage';

export class FusedAmsGradOptimizer extends AmsGradOptimizer {
  static override className = 'OptimizerAdvisor.FusedAMSGrad';
  readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
  protected override updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const h = this.resolved;
    if (h['maximize'] !== true) {
      const lr = num(h, 'lr');
      const wd = num(h, 'weight_decay');
      const [b1, b2] = pair(h, 'betas');
      const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
      const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(p));
      const vmax = this.slot(name, 'max_exp_avg_sq', () => tf.zerosLike(p));
      // AMSGrad is torch Adam(amsgrad=True): L2 decay folded into the gradient.
      const l2 = wd !== 0;
      const scalars = [...(l2 ? [wd] : []), 1, b1, 1 - b1, b2, 1 - b2, Math.sqrt(1 - b2 ** step), num(h, 'eps'), lr / (1 - b1 ** step)];
      const path = runFused(l2 ? 'amsgrad_l2' : 'amsgrad', [p, grad, m, v, vmax], [p, m, v, vmax], scalars);
      if (path) return countFused(this.fusedStats, path);
    }
    this.fusedStats.fallback++;
    super.updateParameter(name, p, grad, step);
  }
}
tf.serialization.registerClass(FusedAmsGradOptimizer);

export class FusedAdagradOptimizer extends AdagradOptimizer {
  static override className = 'OptimizerAdvisor.FusedAdagrad';
  readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
  protected override updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const h = this.resolved;
    if (h['maximize'] !== true) {
      const wd = num(h, 'weight_decay');
      const initial = num(h, 'initial_accumulator_value');
      const sum = this.slot(name, 'sum', () => tf.fill(p.shape, initial));
      const clr = num(h, 'lr') / (1 + (step - 1) * num(h, 'lr_decay'));
      const l2 = wd !== 0;
      const path = runFused(l2 ? 'adagrad_l2' : 'adagrad', [p, grad, sum], [p, sum], [...(l2 ? [wd] : []), num(h, 'eps'), clr]);
      if (path) return countFused(this.fusedStats, path);
    }
    this.fusedStats.fallback++;
    super.updateParameter(name, p, grad, step);
  }
}
tf.serialization.registerClass(FusedAdagradOptimizer);

export class FusedRmspropOptimizer extends RmspropOptimizer {
  static override className = 'OptimizerAdvisor.FusedRMSprop';
  readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
  protected override updateParameter(name: string, p: tf.Variable, grad: tf.Tensor): void {
    const h = this.resolved;
    if (h['maximize'] !== true) {
      const wd = num(h, 'weight_decay');
      const alpha = num(h, 'alpha');
      const mom = num(h, 'momentum');
      const variant = { l2: wd !== 0, centered: h['centered'] === true, momentum: mom > 0 };
      const sq = this.slot(name, 'square_avg', () => tf.zerosLike(p));
      const gavg = variant.centered ? [this.slot(name, 'grad_avg', () => tf.zerosLike(p))] : [];
      const buf = variant.momentum ? [this.slot(name, 'momentum_buffer', () => tf.zerosLike(p))] : [];
      const scalars = [...(variant.l2 ? [wd] : []), alpha, 1 - alpha, num(h, 'eps'), ...(variant.momentum ? [mom] : []), num(h, 'lr')];
      const path = runFused(rmspropName(variant), [p, grad, sq, ...gavg, ...buf], [p, sq, ...gavg, ...buf], scalars);
      if (path) return countFused(this.fusedStats, path);
    }
    this.fusedStats.fallback++;
    super.updateParameter(name, p, grad);
  }
}
tf.serialization.registerClass(FusedRmspropOptimizer);

export class FusedScheduleFreeAdamWOptimizer extends ScheduleFreeAdamWOptimizer {
  static override className = 'OptimizerAdvisor.FusedScheduleFreeAdamW';
  readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
  protected override updateParameter(name: string, y: tf.Variable, grad: tf.Tensor): void {
    const h = this.resolved;
    const { lr, ckp1 } = this.current;
    const [b1, b2] = pair(h, 'betas');
    const wd = num(h, 'weight_decay');
    // z starts as a copy of y with its own storage (the parent's tf.clone shares y's until y is
    // reassigned, and a kernel writes both in place); y*1 is y bit for bit.
    const z = this.slot(name, 'z', () => tf.mul(y, 1));
    const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(y));
    const kernel = `sf_adamw_${ckp1 < 0.5 ? 'low' : 'high'}${wd !== 0 ? '_wd' : ''}`;
    const scalars = [b2, 1 - b2, num(h, 'eps'), ...(wd !== 0 ? [wd] : []), ckp1, 1 - ckp1, lr * (b1 * (1 - ckp1) - 1), lr];
    const path = runFused(kernel, [y, z, v, grad], [y, z, v], scalars);
    if (path) return countFused(this.fusedStats, path);
    this.fusedStats.fallback++;
    super.updateParameter(name, y, grad);
  }
}
tf.serialization.registerClass(FusedScheduleFreeAdamWOptimizer);
