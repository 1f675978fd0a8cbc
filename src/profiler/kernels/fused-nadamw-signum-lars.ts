/**
 * NAdamW, Signum/signSGD and LARS with their updates as kernels of kernel-spec.ts, as definitions for
 * fusedOptimizerClass (fused-core.ts). NAdamW and Signum are one elementwise pass (NADAMW_KERNEL,
 * signumSpec) performing the tfjs ops' float32 operations in the same order, so the fused step is
 * bit-identical to the unfused one. LARS takes two passes like LAMB: lars_norms returns sum(p^2) and
 * sum(g^2), the trust ratio is computed here in float32 (Math.fround) in the tfjs ops' order, and
 * lars_apply(_momentum) applies the step; the sums are added in another order than tfjs's reductions,
 * so LARS agrees with its tfjs-op optimizer to float32 rounding, not bit for bit. Whenever the fast path
 * does not apply (another backend, shared storage, NAdamW's maximize or torch NAdam's momentum schedule)
 * the parent's tfjs ops run. Child side.
 */
import * as tf from '@tensorflow/tfjs-core';
import { LarsOptimizer } from '../optimizers/lars';
import { NAdamWOptimizer } from '../optimizers/nadamw';
import { SignumOptimizer } from '../optimizers/signum';
import { bindTensors, canFuse, num, pair, runFused, type FusedDefinition } from './fused-core';
import { signumName } from './kernel-spec';

const F = Math.fround;

export const FUSED_NADAMW: FusedDefinition<NAdamWOptimizer> = {
  className: 'OptimizerAdvisor.FusedNAdamW',
  base: NAdamWOptimizer,
  step: (ctx, _opt, p, grad, step) => {
    const h = ctx.resolved;
    // torch.optim.NAdam's momentum schedule and L2 decay run on the tfjs ops.
    if (h['maximize'] === true || h['momentum_decay'] !== null || h['decoupled_weight_decay'] !== true) return null;
    const lr = num(h, 'lr');
    const wd = num(h, 'weight_decay');
    const [b1, b2] = pair(h, 'betas');
    const m = ctx.slot('exp_avg', () => tf.zerosLike(p));
    const v = ctx.slot('exp_avg_sq', () => tf.zerosLike(p));
    const scalars = [wd !== 0 ? 1 - lr * wd : 1, b1, 1 - b1, b2, 1 - b2, Math.sqrt(1 - b2 ** step), num(h, 'eps'), lr / (1 - b1 ** step)];
    return runFused('nadamw', [p, grad, m, v], [p, m, v], scalars);
  },
};

export const FUSED_SIGNUM: FusedDefinition<SignumOptimizer> = {
  className: 'OptimizerAdvisor.FusedSignum',
  base: SignumOptimizer,
  step: (ctx, _opt, p, grad) => {
    const h = ctx.resolved;
    const lr = num(h, 'lr');
    const wd = num(h, 'weight_decay');
    const l2 = num(h, 'l2');
    const mom = num(h, 'momentum');
    const momentum = mom !== 0;
    const buf = momentum ? [ctx.slot('momentum_buffer', () => tf.zerosLike(p))] : [];
    const scalars = [...(l2 !== 0 ? [l2] : []), ...(momentum ? [mom, 1 - mom] : []), wd !== 0 ? 1 - lr * wd : 1, lr];
    return runFused(signumName(momentum, l2 !== 0), [p, grad, ...buf], [p, ...buf], scalars);
  },
};

export const FUSED_LARS: FusedDefinition<LarsOptimizer> = {
  className: 'OptimizerAdvisor.FusedLars',
  base: LarsOptimizer,
  step: (ctx, opt, p, grad) => {
    const h = ctx.resolved;
    const lr = num(h, 'lr');
    const mom = num(h, 'momentum');
    const wd = opt.weightDecayOf(p.shape);
    if (!canFuse([p, grad], [p])) return null;
    const adapt = wd !== 0 || h['always_adapt'] === true;
    let trust = 1;
    if (adapt) {
      const norms = bindTensors([p, grad], []);
      if (!norms) return null;
      const [pp, gg] = norms.run('lars_norms', [[0, 0], [1, 0]], p.size, []);
      // As the tfjs ops: trust_coeff*||p|| / ((||g|| + ||p||*wd) + eps), 1 when either norm is 0.
      const wNorm = F(Math.sqrt(F(pp!)));
      const gNorm = F(Math.sqrt(F(gg!)));
      const ratio = F(F(wNorm * F(num(h, 'trust_coeff'))) / F(F(gNorm + F(wNorm * F(wd))) + F(num(h, 'eps'))));
      trust = wNorm > 0 && gNorm > 0 ? ratio : 1;
      if (h['trust_clip'] === true) trust = Math.min(F(trust / F(lr)), 1);
    }
    if (mom === 0) {
      const path = runFused('lars_apply', [p, grad], [p], [wd, trust, lr]);
      if (!path) throw new Error('fused LARS: the kernel did not run on tensors it accepted');
      return path;
    }
    // The buffer is created only once the kernel is known to run (a fresh zero buffer: a 0, b 1 makes it d).
    const first = !ctx.hasSlot('momentum_buffer');
    const buf = ctx.slot('momentum_buffer', () => tf.zerosLike(p));
    const nesterov = h['nesterov'] === true;
    const scalars = [wd, trust, first ? 0 : mom, first ? 1 : 1 - num(h, 'dampening'), nesterov ? 1 : 0, nesterov ? mom : 1, lr];
    const path = runFused('lars_apply_momentum', [p, grad, buf], [p, buf], scalars);
    if (!path) throw new Error('fused LARS: the kernel did not run on tensors it accepted');
    return path;
  },
};
