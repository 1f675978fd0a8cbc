/**
 * AMSGrad, Adagrad, RMSprop and schedule-free AdamW with their update fused into one pass over memory
 * (kernels amsgradSpec, adagradSpec, rmspropSpec, scheduleFreeSpec of kernel-spec.ts), as definitions
 * for fusedOptimizerClass (fused-core.ts): the kernel variant matching the options runs in place; the
 * parent's tfjs ops run when the fast path does not apply (another backend, shared storage, maximize).
 * Each kernel performs the tfjs ops' float32 operations in the same order, so the fused step is
 * bit-identical to the unfused one. Child side.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdagradOptimizer } from '../optimizers/adagrad';
import { AmsGradOptimizer } from '../optimizers/amsgrad';
import { RmspropOptimizer } from '../optimizers/rmsprop';
import { ScheduleFreeAdamWOptimizer } from '../optimizers/schedule-free-adamw';
import { num, pair, runFused, type FusedDefinition } from './fused-core';
import { rmspropName } from './kernel-spec';

export const FUSED_AMSGRAD: FusedDefinition<AmsGradOptimizer> = {
  className: 'OptimizerAdvisor.FusedAMSGrad',
  base: AmsGradOptimizer,
  step: (ctx, _opt, p, grad, step) => {
    const h = ctx.resolved;
    if (h['maximize'] === true) return null;
    const lr = num(h, 'lr');
    const wd = num(h, 'weight_decay');
    const [b1, b2] = pair(h, 'betas');
    const m = ctx.slot('exp_avg', () => tf.zerosLike(p));
    const v = ctx.slot('exp_avg_sq', () => tf.zerosLike(p));
    const vmax = ctx.slot('max_exp_avg_sq', () => tf.zerosLike(p));
    // AMSGrad is torch Adam(amsgrad=True): L2 decay folded into the gradient.
    const l2 = wd !== 0;
    const scalars = [...(l2 ? [wd] : []), 1, b1, 1 - b1, b2, 1 - b2, Math.sqrt(1 - b2 ** step), num(h, 'eps'), lr / (1 - b1 ** step)];
    return runFused(l2 ? 'amsgrad_l2' : 'amsgrad', [p, grad, m, v, vmax], [p, m, v, vmax], scalars);
  },
};

export const FUSED_ADAGRAD: FusedDefinition<AdagradOptimizer> = {
  className: 'OptimizerAdvisor.FusedAdagrad',
  base: AdagradOptimizer,
  step: (ctx, _opt, p, grad, step) => {
    const h = ctx.resolved;
    if (h['maximize'] === true) return null;
    const wd = num(h, 'weight_decay');
    const initial = num(h, 'initial_accumulator_value');
    const sum = ctx.slot('sum', () => tf.fill(p.shape, initial));
    const clr = num(h, 'lr') / (1 + (step - 1) * num(h, 'lr_decay'));
    const l2 = wd !== 0;
    return runFused(l2 ? 'adagrad_l2' : 'adagrad', [p, grad, sum], [p, sum], [...(l2 ? [wd] : []), num(h, 'eps'), clr]);
  },
};

export const FUSED_RMSPROP: FusedDefinition<RmspropOptimizer> = {
  className: 'OptimizerAdvisor.FusedRMSprop',
  base: RmspropOptimizer,
  step: (ctx, _opt, p, grad) => {
    const h = ctx.resolved;
    if (h['maximize'] === true) return null;
    const wd = num(h, 'weight_decay');
    const alpha = num(h, 'alpha');
    const mom = num(h, 'momentum');
    const variant = { l2: wd !== 0, centered: h['centered'] === true, momentum: mom > 0 };
    const sq = ctx.slot('square_avg', () => tf.zerosLike(p));
    const gavg = variant.centered ? [ctx.slot('grad_avg', () => tf.zerosLike(p))] : [];
    const buf = variant.momentum ? [ctx.slot('momentum_buffer', () => tf.zerosLike(p))] : [];
    const scalars = [...(variant.l2 ? [wd] : []), alpha, 1 - alpha, num(h, 'eps'), ...(variant.momentum ? [mom] : []), num(h, 'lr')];
    return runFused(rmspropName(variant), [p, grad, sq, ...gavg, ...buf], [p, sq, ...gavg, ...buf], scalars);
  },
};

export const FUSED_SCHEDULE_FREE_ADAMW: FusedDefinition<ScheduleFreeAdamWOptimizer> = {
  className: 'OptimizerAdvisor.FusedScheduleFreeAdamW',
  base: ScheduleFreeAdamWOptimizer,
  step: (ctx, opt, y, grad) => {
    const h = ctx.resolved;
    const { lr, ckp1 } = opt.stepScalars;
    const [b1, b2] = pair(h, 'betas');
    const wd = num(h, 'weight_decay');
    // z starts as a copy of y with its own storage (the parent's tf.clone shares y's until y is
    // reassigned, and a kernel writes both in place); y*1 is y bit for bit.
    const z = ctx.slot('z', () => tf.mul(y, 1));
    const v = ctx.slot('exp_avg_sq', () => tf.zerosLike(y));
    const kernel = `sf_adamw_${ckp1 < 0.5 ? 'low' : 'high'}${wd !== 0 ? '_wd' : ''}`;
    const scalars = [b2, 1 - b2, num(h, 'eps'), ...(wd !== 0 ? [wd] : []), ckp1, 1 - ckp1, lr * (b1 * (1 - ckp1) - 1), lr];
    return runFused(kernel, [y, z, v, grad], [y, z, v], scalars);
  },
};
