/**
 * One training run of the sweep (child side): a proxy initialised from the seed, one optimizer at one
 * learning rate, a fixed number of steps on the seed's batch stream, with every step's loss and
 * timing; then the loss on a fixed evaluation set (the same batches for every run of the sweep).
 *
 * Divergence: the run stops at the first step whose training loss is not finite or exceeds
 * DIVERGENCE_FACTOR x the first step's loss; its final loss is then null.
 * Timing: `stepMs` is the wall time of a whole training step (forward, backward, update, reading the
 * loss); `updateMs` the optimizer update alone (optimizers that need the loss run their update inside
 * `minimize`, so only the whole step is timed for them). The backends run synchronously, so wall
 * time is compute time. Engine bytes are sampled when the gradients exist and after the update.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { createFusedOptimizer, type FusedStats } from '../kernels/fused-optimizers';
import { createOptimizer, profilerOptimizer, type HeldStateTensor, type ProfilerOptimizer } from '../optimizers';
import { DIVERGENCE_FACTOR, TIMING_WARMUP_STEPS } from './constants';
import type { Corpus } from './corpus';
import { buildProxyModel, disposeBatch, type ProxyModel } from './model';
import type { HvpMethod } from './plan';
import type { ProxySpec } from './proxy';
import { deriveSeed } from './random';


/** Gradient transformation of a robustness probe: called with the step and the gradients, returns new ones. */
export type GradientProbe = (step: number, grads: tf.NamedTensorMap) => tf.NamedTensorMap;

export interface TrainRunOptions {
  readonly spec: ProxySpec;
  readonly corpus?: Corpus;
  readonly optimizer: string;
  readonly lr: number;
  readonly hyper: Hyperparameters;
  readonly seed: number;
  readonly steps: number;
  /** Use the fused kernel when the optimizer has one and the backend allows it. */
  readonly fused: boolean;
  readonly hvp?: HvpMethod;
  readonly evaluationBatches?: number;
  /** Robustness: transforms the gradients (first-order optimizers), or scales the loss (second-order ones). */
  readonly probe?: { readonly gradients?: GradientProbe; readonly lossScale?: number };
  /** Checked before every step; true stops the run (cancellation). */
  readonly shouldStop?: () => boolean;
  /** Steps left out of stepMs/updateMs at the start (default TIMING_WARMUP_STEPS). */
  readonly warmupSteps?: number;
  /** Compute the loss on the evaluation set after training (default true; the timing phase skips it). */
  readonly evaluate?: boolean;
}

export type KernelUsed = 'wasm-simd' | 'js-loop' | 'tfjs-ops';

export interface RunRecord {
  readonly optimizer: string;
  readonly lr: number;
  readonly seed: number;
  /** Training loss at every step (null where not finite); shorter than `steps` when the run stopped. */
  readonly lossCurve: Array<number | null>;
  /** Mean loss on the evaluation set after training; null when the run diverged. */
  readonly finalLoss: number | null;
  readonly diverged: boolean;
  /** The step at which divergence was detected. */
  readonly divergedAtStep?: number;
  readonly initialLoss: number | null;
  /** Step wall times after the warm-up steps, ms (empty when they were measured beside other work: sweep.ts). */
  readonly stepMs: number[];
  /** Update wall times after the warm-up steps, ms (empty for optimizers that need the loss). */
  readonly updateMs: number[];
  /**
   * Bytes of every tensor the optimizer held after training, measured from the engine: what
   * optimizer.dispose() released (its per-parameter state plus anything else it allocated, such as
   * 8-bit AdamW's quantile maps).
   */
  readonly measuredStateBytes: number;
  /** The per-parameter state tensors it lists (ProfilerOptimizer.stateTensors()). */
  readonly stateTensors: HeldStateTensor[];
  /** Largest tf.memory().numBytes sampled during the run. */
  readonly peakEngineBytes: number;
  readonly kernel: KernelUsed;
  /** AdaHessian/Sophia: how the Hessian-vector products were computed, and why a fallback happened. */
  readonly hessian?: { readonly method: string; readonly fallbackReason?: string };
  /** The run was stopped by cancellation before its last step. */
  readonly stopped: boolean;
}

function isFinite(x: number): boolean {
  return Number.isFinite(x);
}

function makeOptimizer(o: TrainRunOptions, model: ProxyModel): { optimizer: ProfilerOptimizer; fused: FusedStats | null } {
  const hyper: Hyperparameters = { ...o.hyper, lr: o.lr };
  const options = {
    seed: deriveSeed(o.seed, 3),
    ...(o.hvp ? { hvp: o.hvp } : {}),
    roleOf: (name: string) => model.roleOf(name),
  };
  if (o.fused) {
    const fused = createFusedOptimizer(o.optimizer, hyper, options);
    if (fused) return { optimizer: fused, fused: fused.fusedStats };
  }
  return { optimizer: createOptimizer(o.optimizer, hyper, options), fused: null };
}


/** Runs one training run; yields to the event loop between steps so that a cancel message is seen. */
export async function trainRun(o: TrainRunOptions): Promise<RunRecord> {
  const def = profilerOptimizer(o.optimizer);
  const model = buildProxyModel({
    spec: o.spec,
    initSeed: deriveSeed(o.seed, 1),
    dataSeed: deriveSeed(o.seed, 2),
    ...(o.corpus ? { corpus: o.corpus } : {}),
    twice: def.needsLoss && o.hvp === 'autodiff',
    ...(o.evaluationBatches !== undefined ? { evaluationBatches: o.evaluationBatches } : {}),
  });
  const { optimizer, fused } = makeOptimizer(o, model);
  const vars = [...model.variables];
  const lossCurve: Array<number | null> = [];
  const stepMs: number[] = [];
  const updateMs: number[] = [];
  let peak = tf.memory().numBytes;
  let initialLoss: number | null = null;
  let diverged = false;
  let divergedAtStep: number | undefined;
  let stopped = false;
  const lossScale = o.probe?.lossScale ?? 1;
  const warmupSteps = o.warmupSteps ?? TIMING_WARMUP_STEPS;
  let optimizerDisposed = false;
  try {
    for (let step = 1; step <= o.steps; step++) {
      if (o.shouldStop?.()) {
        stopped = true;
        break;
      }
      const batch = model.nextBatch();
      let lossValue: number;
      const t0 = performance.now();
      let update = NaN;
      if (def.needsLoss) {
        const cost = optimizer.minimize(() => (lossScale === 1 ? batch.loss() : tf.tidy(() => tf.mul(batch.loss(), lossScale) as tf.Scalar)), true, vars);
        peak = Math.max(peak, tf.memory().numBytes);
        lossValue = cost ? cost.dataSync()[0]! / lossScale : NaN;
        cost?.dispose();
      } else {
        const { value, grads } = tf.variableGrads(() => batch.loss(), vars);
        peak = Math.max(peak, tf.memory().numBytes);
        const applied = o.probe?.gradients ? o.probe.gradients(step, grads) : grads;
        const u0 = performance.now();
        optimizer.applyGradients(applied);
        update = performance.now() - u0;
        if (applied !== grads) tf.dispose(applied);
        tf.dispose(grads);
        lossValue = value.dataSync()[0]!;
        value.dispose();
      }
      const elapsed = performance.now() - t0;
      peak = Math.max(peak, tf.memory().numBytes);
      disposeBatch(batch);
      if (step > warmupSteps) {
        stepMs.push(elapsed);
        if (!Number.isNaN(update)) updateMs.push(update);
      }
      if (step === 1) initialLoss = isFinite(lossValue) ? lossValue : null;
      lossCurve.push(isFinite(lossValue) ? lossValue : null);
      if (!isFinite(lossValue) || (initialLoss !== null && lossValue > DIVERGENCE_FACTOR * initialLoss)) {
        diverged = true;
        divergedAtStep = step;
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    let finalLoss: number | null = null;
    if (!diverged && !stopped && o.evaluate !== false) {
      const batches = model.evaluationBatches();
      const values = batches.map((b) => tf.tidy(() => b.loss().dataSync()[0]!));
      batches.forEach(disposeBatch);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      if (isFinite(mean) && (initialLoss === null || mean <= DIVERGENCE_FACTOR * initialLoss)) finalLoss = mean;
      else {
        diverged = true;
        divergedAtStep = o.steps;
      }
    }
    const stateTensors = optimizer.stateTensors();
    const held = tf.memory().numBytes;
    optimizer.dispose();
    optimizerDisposed = true;
    const measuredStateBytes = held - tf.memory().numBytes;
    const hessian = (optimizer as { lastHessian?: { method: string; fallbackReason?: string } | null }).lastHessian ?? undefined;
    const kernel: KernelUsed = fused && fused.fused > 0 && fused.path ? fused.path : 'tfjs-ops';
    return {
      optimizer: o.optimizer,
      lr: o.lr,
      seed: o.seed,
      lossCurve,
      finalLoss,
      diverged,
      ...(divergedAtStep !== undefined ? { divergedAtStep } : {}),
      initialLoss,
      stepMs,
      updateMs,
      measuredStateBytes,
      stateTensors,
      peakEngineBytes: peak,
      kernel,
      ...(hessian ? { hessian: { method: hessian.method, ...(hessian.fallbackReason ? { fallbackReason: hessian.fallbackReason } : {}) } } : {}),
      stopped,
    };
  } finally {
    if (!optimizerDisposed) optimizer.dispose();
    model.dispose();
  }
}
