/**
 * The fused optimizers, by catalog id: each the class of its tfjs-op optimizer (../optimizers) with
 * the per-parameter update replaced by kernels of kernel-spec.ts running in place on the backend's
 * storage (WebAssembly SIMD on the wasm backend's heap, the JavaScript loop of the same spec on the cpu
 * backend), built by fusedOptimizerClass (fused-core.ts) from a definition: here AdamW (and Adam),
 * Lion, plain SGD (L2 decay and maximize included), SGD with momentum (heavy ball and Nesterov) and 8-bit AdamW (plain and paged; the block-wise
 * adamw_8bit kernel); in fused-elementwise.ts AMSGrad, Adagrad, RMSprop and schedule-free AdamW; in
 * fused-reductions.ts LAMB, NovoGrad, Adam-mini, Adafactor and CAME; in fused-ademamix-mars.ts AdEMAMix and
 * MARS-AdamW; in fused-nadamw-signum-lars.ts NAdamW, Signum and LARS. Whenever the fast path does not
 * apply (another backend, a tensor shared with another, options a kernel does not cover: Adam's L2
 * decay, AMSGrad, maximize), the step falls back to the tfjs ops of the parent class. The sweep and
 * `trace` take their optimizer from the registry below. Child side.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { AdamOptimizer } from '../optimizers/adam';
import { AdamWOptimizer } from '../optimizers/adamw';
import type { OptimizerOptions, ProfilerOptimizer } from '../optimizers/base';
import { LionOptimizer } from '../optimizers/lion';
import { SgdOptimizer } from '../optimizers/sgd';
import { SgdMomentumOptimizer } from '../optimizers/sgd-momentum';
import { NesterovOptimizer } from '../optimizers/nesterov';
import { AdamW8bitOptimizer } from '../optimizers/adamw-8bit';
import { BLOCK_SIZE, codesTensor, dynamicMap } from '../optimizers/blockwise-8bit';
import { PagedAdamW8bitOptimizer } from '../optimizers/paged-adamw-8bit';
import { canFuse, fusedOptimizerClass, num, pair, runFused, type FusedDefinition, type FusedOptimizer, type StepContext } from './fused-core';
import { FUSED_ADAFACTOR, FUSED_ADAM_MINI, FUSED_CAME, FUSED_LAMB, FUSED_NOVOGRAD } from './fused-reductions';
import { FUSED_ADAGRAD, FUSED_AMSGRAD, FUSED_RMSPROP, FUSED_SCHEDULE_FREE_ADAMW } from './fused-elementwise';
import { FUSED_ADEMAMIX, FUSED_MARS_ADAMW } from './fused-ademamix-mars';
import { FUSED_LARS, FUSED_NADAMW, FUSED_SIGNUM } from './fused-nadamw-signum-lars';
import { jsBlockKernel } from './js-kernels';
import { ADAMW_8BIT_KERNEL, adamw8bitScalars, blockwiseScratchFloats, sgdName } from './kernel-spec';
import { quantTable } from './quant-table';
import { exclusivelyOwned, kernelPath, storageView, wasmByteOffset, wasmConstant, wasmKernels, type KernelPath } from './storage';

export { canFuse, runFused, type FusedStats } from './fused-core';

/** Adam-family update through the adamw kernel (decoupled decay, or no decay); null when it does not cover the options. */
function adamStep(decoupled: boolean): FusedDefinition<ProfilerOptimizer>['step'] {
  return (ctx, _opt, p, grad, step) => {
    const h = ctx.resolved;
    if (h['amsgrad'] === true || h['maximize'] === true) return null;
    const lr = num(h, 'lr');
    const wd = num(h, 'weight_decay');
    if (wd !== 0 && !decoupled) return null;
    const [b1, b2] = pair(h, 'betas');
    const m = ctx.slot('exp_avg', () => tf.zerosLike(p));
    const v = ctx.slot('exp_avg_sq', () => tf.zerosLike(p));
    const scalars = [wd !== 0 ? 1 - lr * wd : 1, b1, 1 - b1, b2, 1 - b2, Math.sqrt(1 - b2 ** step), num(h, 'eps'), lr / (1 - b1 ** step)];
    return runFused('adamw', [p, grad, m, v], [p, m, v], scalars);
  };
}

const FUSED_ADAMW: FusedDefinition<AdamWOptimizer> = { className: 'OptimizerAdvisor.FusedAdamW', base: AdamWOptimizer, step: adamStep(true) };
const FUSED_ADAM: FusedDefinition<AdamOptimizer> = { className: 'OptimizerAdvisor.FusedAdam', base: AdamOptimizer, step: adamStep(false) };

const FUSED_LION: FusedDefinition<LionOptimizer> = {
  className: 'OptimizerAdvisor.FusedLion',
  base: LionOptimizer,
  step: (ctx, _opt, p, grad) => {
    const h = ctx.resolved;
    const lr = num(h, 'lr');
    const wd = num(h, 'weight_decay');
    const [b1, b2] = pair(h, 'betas');
    const m = ctx.slot('exp_avg', () => tf.zerosLike(p));
    return runFused('lion', [p, grad, m], [p, m], [wd !== 0 ? 1 - lr * wd : 1, lr, b1, 1 - b1, b2, 1 - b2]);
  },
};

/**
 * SGD momentum (heavy ball or Nesterov) through the sgd_momentum kernel. The buffer is created only
 * once the kernel is known to run on p and the gradient (a fresh buffer has its own storage), so the
 * parent's first step (buf = clone(d)) is never confused with a zero buffer.
 */
function sgdStep(ctx: StepContext, p: tf.Variable, grad: tf.Tensor): KernelPath | null {
  const h = ctx.resolved;
  if (h['maximize'] === true) return null;
  const momentum = num(h, 'momentum');
  if (momentum === 0 || !canFuse([p, grad], [p])) return null;
  const first = !ctx.hasSlot('momentum_buffer');
  const nesterov = h['nesterov'] === true;
  const scalars = [num(h, 'weight_decay'), first ? 0 : momentum, first ? 1 : 1 - num(h, 'dampening'), nesterov ? 1 : 0, nesterov ? momentum : 1, num(h, 'lr')];
  const path = runFused('sgd_momentum', [p, grad, ctx.slot('momentum_buffer', () => tf.zerosLike(p))], [p], scalars);
  if (!path) throw new Error('fused SGD: the kernel did not run on tensors it accepted');
  return path;
}

/**
 * Plain SGD (momentum 0) through the sgd kernel variant of its options (L2 decay, maximize), no state;
 * SGD given a momentum takes sgdStep.
 */
const FUSED_SGD: FusedDefinition<SgdOptimizer> = {
  className: 'OptimizerAdvisor.FusedSGD',
  base: SgdOptimizer,
  step: (ctx, _opt, p, grad) => {
    const h = ctx.resolved;
    if (num(h, 'momentum') !== 0) return sgdStep(ctx, p, grad);
    const wd = num(h, 'weight_decay');
    return runFused(sgdName(wd !== 0, h['maximize'] === true), [p, grad], [p], [...(wd !== 0 ? [wd] : []), num(h, 'lr')]);
  },
};

const FUSED_SGD_MOMENTUM: FusedDefinition<SgdMomentumOptimizer> = {
  className: 'OptimizerAdvisor.FusedSGDMomentum',
  base: SgdMomentumOptimizer,
  step: (ctx, _opt, p, grad) => sgdStep(ctx, p, grad),
};
const FUSED_NESTEROV: FusedDefinition<NesterovOptimizer> = {
  className: 'OptimizerAdvisor.FusedNesterov',
  base: NesterovOptimizer,
  step: (ctx, _opt, p, grad) => sgdStep(ctx, p, grad),
};

const SIGNED_MAP = dynamicMap(true);
const UNSIGNED_MAP = dynamicMap(false);

/**
 * 8-bit AdamW: bitsandbytes' fp32 path (the adamw_bnb32 kernel) below min_8bit_size elements, else the
 * block-wise adamw_8bit kernel on the parameter, the gradient and the codes and absmax states in place
 * (the maps, their quantisation tables and the scratch area are kernel constants of the heap).
 */
function adamw8bitStep(ctx: StepContext, p: tf.Variable, grad: tf.Tensor, step: number): KernelPath | null {
  const h = ctx.resolved;
  const [b1, b2] = pair(h, 'betas');
  const scalars = adamw8bitScalars({ lr: num(h, 'lr'), beta1: b1, beta2: b2, eps: num(h, 'eps'), weightDecay: num(h, 'weight_decay'), step });
  if (p.size < num(h, 'min_8bit_size')) {
    const s1 = ctx.slot('state1', () => tf.zerosLike(p));
    const s2 = ctx.slot('state2', () => tf.zerosLike(p));
    return runFused('adamw_bnb32', [p, grad, s1, s2], [p, s1, s2], scalars);
  }
  if (!canFuse([p, grad], [p])) return null;
  const n = p.size;
  const blocks = Math.ceil(n / BLOCK_SIZE);
  const state1 = ctx.slot('state1', () => codesTensor(new Uint8Array(n), p.shape));
  const state2 = ctx.slot('state2', () => codesTensor(new Uint8Array(n), p.shape));
  const absmax1 = ctx.slot('absmax1', () => tf.zeros([blocks]));
  const absmax2 = ctx.slot('absmax2', () => tf.zeros([blocks]));
  if (![state1, state2, absmax1, absmax2].every(exclusivelyOwned)) throw new Error('fused 8-bit AdamW: its state tensors share storage');
  const signedTable = quantTable(SIGNED_MAP);
  const unsignedTable = quantTable(UNSIGNED_MAP);
  const simd = wasmKernels();
  if (simd) {
    const constants = [SIGNED_MAP, signedTable, UNSIGNED_MAP, unsignedTable, SCRATCH].map(wasmConstant);
    const offsets = [p, grad, state1, absmax1, state2, absmax2].map(wasmByteOffset);
    if (constants.every((c) => c !== null) && offsets.every((o) => o !== null)) {
      const [mapS, tableS, mapU, tableU, scratch] = constants as number[];
      const [po, go, c1, a1, c2, a2] = offsets as number[];
      const kernel = simd.kernels.get(ADAMW_8BIT_KERNEL.name);
      if (!kernel) throw new Error(`no kernel named ${ADAMW_8BIT_KERNEL.name}`);
      kernel(po!, go!, c1!, a1!, mapS!, tableS!, c2!, a2!, mapU!, tableU!, scratch!, n, ...scalars);
      return 'wasm-simd';
    }
  }
  // The JavaScript loop of the same spec on the storage (views taken after every allocation above:
  // a growing wasm heap detaches older views).
  const views = [p, grad, state1, state2, absmax1, absmax2].map(storageView);
  if (views.some((v) => v === null)) throw new Error('fused 8-bit AdamW: no storage view for a tensor it accepted');
  const [pv, gv, cv1, cv2, av1, av2] = views as [Float32Array, Float32Array, Uint8Array, Uint8Array, Float32Array, Float32Array];
  jsBlockKernel(ADAMW_8BIT_KERNEL.name)(
    [pv, gv],
    [{ codes: cv1, absmax: av1, map: SIGNED_MAP, table: signedTable }, { codes: cv2, absmax: av2, map: UNSIGNED_MAP, table: unsignedTable }],
    n,
    scalars,
  );
  return 'js-loop';
}

/** The block-wise kernel's scratch area. */
const SCRATCH = new Float32Array(blockwiseScratchFloats(ADAMW_8BIT_KERNEL));

const FUSED_ADAMW_8BIT: FusedDefinition<AdamW8bitOptimizer> = {
  className: 'OptimizerAdvisor.FusedAdamW8bit',
  base: AdamW8bitOptimizer,
  step: (ctx, _opt, p, grad, step) => adamw8bitStep(ctx, p, grad, step),
};
const FUSED_PAGED_ADAMW_8BIT: FusedDefinition<PagedAdamW8bitOptimizer> = {
  className: 'OptimizerAdvisor.FusedPagedAdamW8bit',
  base: PagedAdamW8bitOptimizer,
  step: (ctx, _opt, p, grad, step) => adamw8bitStep(ctx, p, grad, step),
};

type FusedFactory = (hyper: Hyperparameters, options: OptimizerOptions) => FusedOptimizer;

/** Factory of a definition's class (built and registered once, here). */
function factory<B extends ProfilerOptimizer>(def: FusedDefinition<B>): FusedFactory {
  const Fused = fusedOptimizerClass(def);
  return (h, o) => new Fused(h, o);
}

/** Optimizers with a fused kernel, by catalog id. */
export const FUSED_OPTIMIZERS: ReadonlyMap<string, FusedFactory> = new Map<string, FusedFactory>([
  ['adamw', factory(FUSED_ADAMW)],
  ['adam', factory(FUSED_ADAM)],
  ['lion', factory(FUSED_LION)],
  ['sgd', factory(FUSED_SGD)],
  ['sgd-momentum', factory(FUSED_SGD_MOMENTUM)],
  ['nesterov', factory(FUSED_NESTEROV)],
  ['adamw-8bit', factory(FUSED_ADAMW_8BIT)],
  ['paged-adamw-8bit', factory(FUSED_PAGED_ADAMW_8BIT)],
  ['amsgrad', factory(FUSED_AMSGRAD)],
  ['adagrad', factory(FUSED_ADAGRAD)],
  ['rmsprop', factory(FUSED_RMSPROP)],
  ['schedule-free-adamw', factory(FUSED_SCHEDULE_FREE_ADAMW)],
  ['lamb', factory(FUSED_LAMB)],
  ['novograd', factory(FUSED_NOVOGRAD)],
  ['adam-mini', factory(FUSED_ADAM_MINI)],
  ['adafactor', factory(FUSED_ADAFACTOR)],
  ['came', factory(FUSED_CAME)],
  ['ademamix', factory(FUSED_ADEMAMIX)],
  ['mars-adamw', factory(FUSED_MARS_ADAMW)],
  ['nadamw', factory(FUSED_NADAMW)],
  ['signum', factory(FUSED_SIGNUM)],
  ['lars', factory(FUSED_LARS)],
]);

/** The fused variant of `id` when it has one and the active backend has a fused path; else null. */
export function createFusedOptimizer(id: string, hyper: Hyperparameters = {}, options: OptimizerOptions = {}): FusedOptimizer | null {
  const make = FUSED_OPTIMIZERS.get(id);
  if (!make || kernelPath() === null) return null;
  return make(hyper, options);
}

export function hasFusedKernel(id: string): boolean {
  return FUSED_OPTIMIZERS.has(id);
}
