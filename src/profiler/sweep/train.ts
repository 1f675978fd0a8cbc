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
import { createOptimizer, profilerOptimizer, type ProfilerOptimizer } from '../optimizers';
import type { KernelUsed, RunRecord } from '../protocol';
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
  /** Before every variable's name (ProxyModelOptions.variablePrefix): runs alive at the same time need their own. */
  readonly variablePrefix?: string;
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


/**
 * A training run advanced one step at a time: trainRun runs one to its end; the timing phase
 * (child-sweep.ts) takes turns between several. The same operations in the same order either way.
 */
export class SteppedRun {
  readonly options: TrainRunOptions;
  readonly lossCurve: Array<number | null> = [];
  readonly stepMs: number[] = [];
  readonly updateMs: number[] = [];
  initialLoss: number | null = null;
  diverged = false;
  divergedAtStep: number | undefined;
  /** Steps taken. */
  steps = 0;
  private readonly def: ReturnType<typeof profilerOptimizer>;
  private readonly model: ProxyModel;
  private readonly optimizer: ProfilerOptimizer;
  private readonly fused: FusedStats | null;
  private readonly vars: tf.Variable[];
  private readonly lossScale: number;
  private readonly warmupSteps: number;
  private peak: number;
  private optimizerDisposed = false;
  private disposed = false;

  constructor(o: TrainRunOptions) {
    this.options = o;
    this.def = profilerOptimizer(o.optimizer);
    this.model = buildProxyModel({
      spec: o.spec,
      initSeed: deriveSeed(o.seed, 1),
      dataSeed: deriveSeed(o.seed, 2),
      ...(o.corpus ? { corpus: o.corpus } : {}),
      twice: this.def.needsLoss && o.hvp === 'autodiff',
      ...(o.evaluationBatches !== undefined ? { evaluationBatches: o.evaluationBatches } : {}),
      ...(o.variablePrefix !== undefined ? { variablePrefix: o.variablePrefix } : {}),
    });
    try {
      const made = makeOptimizer(o, this.model);
      this.optimizer = made.optimizer;
      this.fused = made.fused;
    } catch (e) {
      this.model.dispose();
      throw e;
    }
    this.vars = [...this.model.variables];
    this.peak = tf.memory().numBytes;
    this.lossScale = o.probe?.lossScale ?? 1;
    this.warmupSteps = o.warmupSteps ?? TIMING_WARMUP_STEPS;
  }

  /** Whether another step is due: not all steps taken and not diverged. */
  get running(): boolean {
    return !this.diverged && this.steps < this.options.steps;
  }

  /** Takes the next step: forward, backward, update, the loss read back; timed after the warm-up steps. */
  step(): void {
    const { def, model, optimizer, vars, lossScale } = this;
    const o = this.options;
    const step = ++this.steps;
    const batch = model.nextBatch();
    let lossValue: number;
    const t0 = performance.now();
    let update = NaN;
    if (def.needsLoss) {
      const cost = optimizer.minimize(() => (lossScale === 1 ? batch.loss() : tf.tidy(() => tf.mul(batch.loss(), lossScale) as tf.Scalar)), true, vars);
      this.peak = Math.max(this.peak, tf.memory().numBytes);
      lossValue = cost ? cost.dataSync()[0]! / lossScale : NaN;
      cost?.dispose();
    } else {
      const { value, grads } = tf.variableGrads(() => batch.loss(), vars);
      this.peak = Math.max(this.peak, tf.memory().numBytes);
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
    this.peak = Math.max(this.peak, tf.memory().numBytes);
    disposeBatch(batch);
    if (step > this.warmupSteps) {
      this.stepMs.push(elapsed);
      if (!Number.isNaN(update)) this.updateMs.push(update);
    }
    if (step === 1) this.initialLoss = isFinite(lossValue) ? lossValue : null;
    this.lossCurve.push(isFinite(lossValue) ? lossValue : null);
    if (!isFinite(lossValue) || (this.initialLoss !== null && lossValue > DIVERGENCE_FACTOR * this.initialLoss)) {
      this.diverged = true;
      this.divergedAtStep = step;
    }
  }

  /** The run's record: the evaluation loss (unless it diverged, was stopped or `evaluate` is false), the state held; then frees it all. */
  finish(stopped: boolean): RunRecord {
    const { model, optimizer, fused } = this;
    const o = this.options;
    try {
      let finalLoss: number | null = null;
      if (!this.diverged && !stopped && o.evaluate !== false) {
        const batches = model.evaluationBatches();
        const values = batches.map((b) => tf.tidy(() => b.loss().dataSync()[0]!));
        batches.forEach(disposeBatch);
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        if (isFinite(mean) && (this.initialLoss === null || mean <= DIVERGENCE_FACTOR * this.initialLoss)) finalLoss = mean;
        else {
          this.diverged = true;
          this.divergedAtStep = o.steps;
        }
      }
      const stateTensors = optimizer.stateTensors();
      const held = tf.memory().numBytes;
      optimizer.dispose();
      this.optimizerDisposed = true;
      const measuredStateBytes = held - tf.memory().numBytes;
      const hessian = (optimizer as { lastHessian?: { method: string; fallbackReason?: string } | null }).lastHessian ?? undefined;
      const kernel: KernelUsed = fused && fused.fused > 0 && fused.path ? fused.path : 'tfjs-ops';
      return {
        optimizer: o.optimizer,
        lr: o.lr,
        seed: o.seed,
        lossCurve: this.lossCurve,
        finalLoss,
        diverged: this.diverged,
        ...(this.divergedAtStep !== undefined ? { divergedAtStep: this.divergedAtStep } : {}),
        initialLoss: this.initialLoss,
        stepMs: this.stepMs,
        updateMs: this.updateMs,
        measuredStateBytes,
        stateTensors,
        peakEngineBytes: this.peak,
        kernel,
        ...(hessian ? { hessian: { method: hessian.method, ...(hessian.fallbackReason ? { fallbackReason: hessian.fallbackReason } : {}) } } : {}),
        stopped,
      };
    } finally {
      this.dispose();
    }
  }

  /** Frees the optimizer and the model (idempotent). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.optimizerDisposed) this.optimizer.dispose();
    this.model.dispose();
  }
}

/** Runs one training run; yields to the event loop between steps so that a cancel message is seen. */
export async function trainRun(o: TrainRunOptions): Promise<RunRecord> {
  const run = new SteppedRun(o);
  try {
    let stopped = false;
    while (run.running) {
      if (o.shouldStop?.()) {
        stopped = true;
        break;
      }
      run.step();
      if (!run.running) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return run.finish(stopped);
  } finally {
    run.dispose();
  }
}
