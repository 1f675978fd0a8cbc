/**
 * AdEMAMix and MARS-AdamW with their updates fused (kernels ademamixSpec, MARS_NORM_KERNEL and
 * marsApplySpec of kernel-spec.ts), as definitions for fusedOptimizerClass (fused-core.ts); the parent's
 * tfjs ops run when the fast path does not apply (another backend, shared storage, MARS's amsgrad).
 * AdEMAMix is element-wise: one pass, the tfjs ops' float32 operations in the same order, bit-identical
 * to the unfused step. MARS-AdamW clips its corrected gradient by the tensor's norm: a first pass returns
 * sum(c*c) (added in another order than tfjs's reduction), the norm is taken here in float32 as tf.norm
 * takes it, and a second pass applies the update, so a clipped tensor agrees with the tfjs-op optimizer
 * to float32 rounding; an unclipped one (and every tensor on the AdamW path) bit for bit. Child side.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdEMAMixOptimizer } from '../optimizers/ademamix';
import { MarsAdamWOptimizer } from '../optimizers/mars-adamw';
import { bindTensors, runFused, type FusedDefinition } from './fused-core';

const F = Math.fround;

export const FUSED_ADEMAMIX: FusedDefinition<AdEMAMixOptimizer> = {
  className: 'OptimizerAdvisor.FusedAdEMAMix',
  base: AdEMAMixOptimizer,
  step: (ctx, opt, p, grad, step) => {
    const { alpha, beta3 } = opt.coefficients(step);
    const fast = opt.beta1 !== 0;
    const decay = opt.weightDecay !== 0;
    // Slots in the parent's order (exp_avg_fast, exp_avg_slow, exp_avg_sq), so the state lists match.
    const m1 = fast ? [ctx.slot('exp_avg_fast', () => tf.zerosLike(p))] : [];
    const m2 = ctx.slot('exp_avg_slow', () => tf.zerosLike(p));
    const v = ctx.slot('exp_avg_sq', () => tf.zerosLike(p));
    const scalars = [
      ...(fast ? [opt.beta1, 1 - opt.beta1] : []), beta3, 1 - beta3, opt.beta2, 1 - opt.beta2, Math.sqrt(1 - opt.beta2 ** step), opt.eps,
      1 - opt.beta1 ** step, alpha, ...(decay ? [opt.weightDecay] : []), opt.lr,
    ];
    const name = `ademamix${fast ? '' : '_nofast'}${decay ? '_wd' : ''}`;
    return runFused(name, [p, grad, ...m1, m2, v], [p, ...m1, m2, v], scalars);
  },
};

export const FUSED_MARS_ADAMW: FusedDefinition<MarsAdamWOptimizer> = {
  className: 'OptimizerAdvisor.FusedMarsAdamW',
  base: MarsAdamWOptimizer,
  step: (ctx, opt, p, grad, step) => {
    if (opt.amsgrad) return null;
    const s = opt.scalarsFor(p.shape, step);
    const m = ctx.slot('exp_avg', () => tf.zerosLike(p));
    const last = ctx.slot('last_grad', () => tf.zerosLike(p));
    const v = ctx.slot('exp_avg_sq', () => tf.zerosLike(p));
    const bound = p.size === grad.size ? bindTensors([p, grad, last, m, v], [p, last, m, v]) : null;
    if (!bound) return null;
    const n = p.size;
    const all = [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0]] as const;
    const decay = s.wd !== 0;
    const tail = [s.b1, 1 - s.b1, s.b2, 1 - s.b2, s.invBc2Sqrt, s.eps, s.bc1, ...(decay ? [s.wd] : []), s.negLr];
    if (s.mars) {
      // tf.norm: the float32 square root of the float32 sum of squares.
      const norm = F(Math.sqrt(F(bound.run('mars_norm', [[1, 0], [2, 0]], n, [s.k])[0]!)));
      bound.run(`mars_apply_mars${decay ? '_wd' : ''}`, all, n, [s.k, norm > 1 ? norm : 1, ...tail]);
    } else {
      bound.run(`mars_apply_adamw${decay ? '_wd' : ''}`, all, n, tail);
    }
    return bound.path;
  },
};
