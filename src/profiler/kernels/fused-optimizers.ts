/**
 * AdamW (and Adam), Lion, SGD with momentum (heavy ball and Nesterov) and 8-bit AdamW (plain and
 * paged) with their per-parameter update fused into one pass over memory: the same classes as ../optimizers (same hyperparameters,
 * same state tensors, names and shapes, so stateBytes() is unchanged), whose updateParameter runs a
 * kernel of kernel-spec.ts in place on the backend's storage: WebAssembly SIMD on the wasm backend's
 * heap, a JavaScript loop on the cpu backend (8-bit AdamW: a JavaScript loop on either backend's
 * storage, see adamw-8bit-kernel.ts). Whenever the fast path does not apply (another backend,
 * a tensor shared with another, options the kernel does not cover: Adam's L2 decay, AMSGrad,
 * maximize), the step falls back to the tfjs ops of the parent class. The registry below also holds
 * the fused AMSGrad, Adagrad, RMSprop and schedule-free AdamW (fused-elementwise.ts) and LAMB, NovoGrad,
 * Adam-mini, Adafactor and CAME (fused-reductions.ts); the sweep and `trace` take their optimizer from
 * it. Child side.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { AdamOptimizer } from '../optimizers/adam';
import { AdamWOptimizer } from '../optimizers/adamw';
import type { OptimizerOptions, ProfilerOptimizer } from '../optimizers/base';
import { LionOptimizer } from '../optimizers/lion';
import { SgdMomentumOptimizer } from '../optimizers/sgd-momentum';
import { NesterovOptimizer } from '../optimizers/nesterov';
import { AdamW8bitOptimizer } from '../optimizers/adamw-8bit';
import { BLOCK_SIZE, codesTensor, dynamicMap } from '../optimizers/blockwise-8bit';
import { PagedAdamW8bitOptimizer } from '../optimizers/paged-adamw-8bit';
import { adamw8bitStep } from './adamw-8bit-kernel';
import { canFuse, num, pair, runFused, type FusedStats } from './fused-core';
import { FusedAdafactorOptimizer, FusedAdamMiniOptimizer, FusedCameOptimizer, FusedLambOptimizer, FusedNovoGradOptimizer } from './fused-reductions';
import { FusedAdagradOptimizer, FusedAmsGradOptimizer, FusedRmspropOptimizer, FusedScheduleFreeAdamWOptimizer } from './fused-elementwise';
import { exclusivelyOwned, kernelPath, storageView } from './storage';

export { canFuse, runFused, type FusedStats } from './fused-core';

/** Adam-family update through the adamw kernel (decoupled decay, or no decay). */
function adamKernelScalars(h: Readonly<Record<string, unknown>>, step: number, decoupled: boolean): number[] | null {
  if (h['amsgrad'] === true || h['maximize'] === true) return null;
  const lr = num(h, 'lr');
  const wd = num(h, 'weight_decay');
  if (wd !== 0 && !decoupled) return null;
  const [b1, b2] = pair(h, 'betas');
  return [wd !== 0 ? 1 - lr * wd : 1, b1, 1 - b1, b2, 1 - b2, Math.sqrt(1 - b2 ** step), num(h, 'eps'), lr / (1 - b1 ** step)];
}

/**
 * One fused Adam/AdamW step for parameter `name` when the hyperparameters allow it; false means the caller
 * falls back to the tfjs-op update (and the fallback is counted).
 */
function fusedAdamStep(
  stats: FusedStats,
  resolved: Parameters<typeof adamKernelScalars>[0],
  moment: (key: 'exp_avg' | 'exp_avg_sq') => tf.Variable,
  p: tf.Variable,
  grad: tf.Tensor,
  step: number,
  decoupled: boolean,
): boolean {
  const scalars = adamKernelScalars(resolved, step, decoupled);
  if (scalars) {
    const m = moment('exp_avg');
    const v = moment('exp_avg_sq');
    const path = runFused('adamw', [p, grad, m, v], [p, m, v], scalars);
    if (path) {
      stats.fused++;
      stats.path = path;
      return true;
    }
  }
  stats.fallback++;
  return false;
}

export class FusedAdamWOptimizer extends AdamWOptimizer {
  static override className = 'OptimizerAdvisor.FusedAdamW';
  readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
  protected override updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const moment = (key: 'exp_avg' | 'exp_avg_sq') => this.slot(name, key, () => tf.zerosLike(p));
    if (!fusedAdamStep(this.fusedStats, this.resolved, moment, p, grad, step, true)) super.updateParameter(name, p, grad, step);
  }
}
tf.serialization.registerClass(FusedAdamWOptimizer);

export class FusedAdamOptimizer extends AdamOptimizer {
  static override className = 'OptimizerAdvisor.FusedAdam';
  readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
  protected override updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const moment = (key: 'exp_avg' | 'exp_avg_sq') => this.slot(name, key, () => tf.zerosLike(p));
    if (!fusedAdamStep(this.fusedStats, this.resolved, moment, p, grad, step, false)) super.updateParameter(name, p, grad, step);
  }
}
tf.serialization.registerClass(FusedAdamOptimizer);

export class FusedLionOptimizer extends LionOptimizer {
  static override className = 'OptimizerAdvisor.FusedLion';
  readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
  protected override updateParameter(name: string, p: tf.Variable, grad: tf.Tensor): void {
    const h = this.resolved;
    const lr = num(h, 'lr');
    const wd = num(h, 'weight_decay');
    const [b1, b2] = pair(h, 'betas');
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    const path = runFused('lion', [p, grad, m], [p, m], [wd !== 0 ? 1 - lr * wd : 1, lr, b1, 1 - b1, b2, 1 - b2]);
    if (path) {
      this.fusedStats.fused++;
      this.fusedStats.path = path;
      return;
    }
    this.fusedStats.fallback++;
    super.updateParameter(name, p, grad);
  }
}
tf.serialization.registerClass(FusedLionOptimizer);

/** Scalars of the sgd_momentum kernel, or null when the kernel does not cover the settings. */
function sgdKernelScalars(h: Readonly<Record<string, unknown>>, first: boolean): number[] | null {
  if (h['maximize'] === true) return null;
  const momentum = num(h, 'momentum');
  if (momentum === 0) return null;
  const nesterov = h['nesterov'] === true;
  return [num(h, 'weight_decay'), first ? 0 : momentum, first ? 1 : 1 - num(h, 'dampening'), nesterov ? 1 : 0, nesterov ? momentum : 1, num(h, 'lr')];
}

/**
 * SGD momentum through the kernel. The buffer is created only once the kernel is known to run on p and
 * the gradient (a fresh buffer has its own storage), so the parent's first step (buf = clone(d)) is
 * never confused with a zero buffer.
 */
function sgdStep(
  opt: { fusedStats: FusedStats },
  buffer: () => tf.Variable,
  p: tf.Variable,
  grad: tf.Tensor,
  scalars: number[] | null,
): boolean {
  if (!scalars || !canFuse([p, grad], [p])) return false;
  const path = runFused('sgd_momentum', [p, grad, buffer()], [p], scalars);
  if (!path) throw new Error('fused SGD: the kernel did not run on tensors it accepted');
  opt.fusedStats.fused++;
  opt.fusedStats.path = path;
  return true;
}

export class FusedSgdMomentumOptimizer extends SgdMomentumOptimizer {
  static override className = 'OptimizerAdvisor.FusedSGDMomentum';
  readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
  protected override updateParameter(name: string, p: tf.Variable, grad: tf.Tensor): void {
    const scalars = sgdKernelScalars(this.resolved, !this.hasSlot(name, 'momentum_buffer'));
    if (sgdStep(this, () => this.slot(name, 'momentum_buffer', () => tf.zerosLike(p)), p, grad, scalars)) return;
    this.fusedStats.fallback++;
    super.updateParameter(name, p, grad);
  }
}
tf.serialization.registerClass(FusedSgdMomentumOptimizer);

export class FusedNesterovOptimizer extends NesterovOptimizer {
  static override className = 'OptimizerAdvisor.FusedNesterov';
  readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
  protected override updateParameter(name: string, p: tf.Variable, grad: tf.Tensor): void {
    const scalars = sgdKernelScalars(this.resolved, !this.hasSlot(name, 'momentum_buffer'));
    if (sgdStep(this, () => this.slot(name, 'momentum_buffer', () => tf.zerosLike(p)), p, grad, scalars)) return;
    this.fusedStats.fallback++;
    super.updateParameter(name, p, grad);
  }
}
tf.serialization.registerClass(FusedNesterovOptimizer);

const SIGNED_MAP = dynamicMap(true);
const UNSIGNED_MAP = dynamicMap(false);

/** 8-bit AdamW through adamw-8bit-kernel.ts for tensors of at least min_8bit_size elements; null when it cannot run. */
function adamw8bitFused(
  opt: { fusedStats: FusedStats },
  slot: (name: string, init: () => tf.Tensor) => tf.Variable,
  h: Readonly<Record<string, unknown>>,
  p: tf.Variable,
  grad: tf.Tensor,
  step: number,
): boolean {
  if (p.size < num(h, 'min_8bit_size')) {
    // bitsandbytes' fp32 path for small tensors, through the adamw_bnb32 kernel.
    const [b1, b2] = pair(h, 'betas');
    const lr = num(h, 'lr');
    const wd = num(h, 'weight_decay');
    const c2 = Math.sqrt(1 - b2 ** step);
    const s1 = slot('state1', () => tf.zerosLike(p));
    const s2 = slot('state2', () => tf.zerosLike(p));
    const path = runFused('adamw_bnb32', [p, grad, s1, s2], [p, s1, s2], [wd > 0 ? 1 - lr * wd : 1, b1, 1 - b1, b2, 1 - b2, num(h, 'eps') * c2, (-lr * c2) / (1 - b1 ** step)]);
    if (!path) return false;
    opt.fusedStats.fused++;
    return true;
  }
  if (!canFuse([p, grad], [p])) return false;
  const n = p.size;
  const blocks = Math.ceil(n / BLOCK_SIZE);
  const state1 = slot('state1', () => codesTensor(new Uint8Array(n), p.shape));
  const state2 = slot('state2', () => codesTensor(new Uint8Array(n), p.shape));
  const absmax1 = slot('absmax1', () => tf.zeros([blocks]));
  const absmax2 = slot('absmax2', () => tf.zeros([blocks]));
  if (![state1, state2, absmax1, absmax2].every(exclusivelyOwned)) throw new Error('fused 8-bit AdamW: its state tensors share storage');
  // Views are taken after every allocation above (a growing wasm heap detaches older views).
  const views = [p, grad, state1, state2, absmax1, absmax2].map(storageView);
  if (views.some((v) => v === null)) throw new Error('fused 8-bit AdamW: no storage view for a tensor it accepted');
  const [pv, gv, c1, c2, a1, a2] = views as [Float32Array, Float32Array, Uint8Array, Uint8Array, Float32Array, Float32Array];
  const [beta1, beta2] = pair(h, 'betas');
  adamw8bitStep({ p: pv, g: gv, codes1: c1, codes2: c2, absmax1: a1, absmax2: a2 }, SIGNED_MAP, UNSIGNED_MAP, {
    beta1, beta2, eps: num(h, 'eps'), lr: num(h, 'lr'), weightDecay: num(h, 'weight_decay'), bc1: 1 - beta1 ** step, bc2: 1 - beta2 ** step,
  });
  opt.fusedStats.fused++;
  opt.fusedStats.path = 'js-loop';
  return true;
}

export class FusedAdamW8bitOptimizer extends AdamW8bitOptimizer {
  static override className = 'OptimizerAdvisor.FusedAdamW8bit';
  readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
  protected override updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    if (adamw8bitFused(this, (slotName, init) => this.slot(name, slotName, init), this.resolved, p, grad, step)) return;
    this.fusedStats.fallback++;
    super.updateParameter(name, p, grad, step);
  }
}
tf.serialization.registerClass(FusedAdamW8bitOptimizer);

export class FusedPagedAdamW8bitOptimizer extends PagedAdamW8bitOptimizer {
  static override className = 'OptimizerAdvisor.FusedPagedAdamW8bit';
  readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
  protected override updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    if (adamw8bitFused(this, (slotName, init) => this.slot(name, slotName, init), this.resolved, p, grad, step)) return;
    this.fusedStats.fallback++;
    super.updateParameter(name, p, grad, step);
  }
}
tf.serialization.registerClass(FusedPagedAdamW8bitOptimizer);

type FusedFactory = (hyper: Hyperparameters, options: OptimizerOptions) => ProfilerOptimizer & { readonly fusedStats: FusedStats };

/** Optimizers with a fused kernel, by catalog id. */
export const FUSED_OPTIMIZERS: ReadonlyMap<string, FusedFactory> = new Map<string, FusedFactory>([
  ['adamw', (h, o) => new FusedAdamWOptimizer(h, o)],
  ['adam', (h, o) => new FusedAdamOptimizer(h, o)],
  ['lion', (h, o) => new FusedLionOptimizer(h, o)],
  ['sgd-momentum', (h, o) => new FusedSgdMomentumOptimizer(h, o)],
  ['nesterov', (h, o) => new FusedNesterovOptimizer(h, o)],
  ['adamw-8bit', (h, o) => new FusedAdamW8bitOptimizer(h, o)],
  ['paged-adamw-8bit', (h, o) => new FusedPagedAdamW8bitOptimizer(h, o)],
  ['amsgrad', (h, o) => new FusedAmsGradOptimizer(h, o)],
  ['adagrad', (h, o) => new FusedAdagradOptimizer(h, o)],
  ['rmsprop', (h, o) => new FusedRmspropOptimizer(h, o)],
  ['schedule-free-adamw', (h, o) => new FusedScheduleFreeAdamWOptimizer(h, o)],
  ['lamb', (h, o) => new FusedLambOptimizer(h, o)],
  ['novograd', (h, o) => new FusedNovoGradOptimizer(h, o)],
  ['adam-mini', (h, o) => new FusedAdamMiniOptimizer(h, o)],
  ['adafactor', (h, o) => new FusedAdafactorOptimizer(h, o)],
  ['came', (h, o) => new FusedCameOptimizer(h, o)],
]);

/** The fused variant of `id` when it has one and the active backend has a fused path; else null. */
export function createFusedOptimizer(id: string, hyper: Hyperparameters = {}, options: OptimizerOptions = {}): (ProfilerOptimizer & { readonly fusedStats: FusedStats }) | null {
  const factory = FUSED_OPTIMIZERS.get(id);
  if (!factory || kernelPath() === null) return null;
  return factory(hyper, options);
}

export function hasFusedKernel(id: string): boolean {
  return FUSED_OPTIMIZERS.has(id);
}
