/**
 * The profile result document (src/charts/profile-types.ts, schemas/profile.schema.json) assembled
 * from the plan and whatever the children have measured so far (parent side, pure). Called after
 * every streamed measurement, so the document on disk always holds everything measured, with
 * `complete: false` until the sweep ends normally.
 *
 * Summaries (per optimizer):
 *  - stepTimeMs: median wall time of a whole training step over every timed step of every run, or, when
 *    the training runs shared the machine (two training children, sweep.ts), over the steps of the timing
 *    phase, measured while nothing else of the sweep ran (stepTiming says which, with the spread);
 *    relativeStepCost: stepTimeMs / AdamW's (AdamW is added to the sweep as the reference when absent);
 *  - measuredStateBytes: bytes of the state tensors the optimizer held after training (measured),
 *    estimatedStateBytes: the estimator's per-tensor figure for the proxy's shapes (modelled);
 *  - bestLr: the lr with the lowest median final loss over seeds (a diverged run counts as +Infinity);
 *    lossCurve: the point-wise median over seeds at bestLr; finalLoss: the median final loss there;
 *  - targetLoss (document): TARGET_FACTOR x the best final loss of the sweep; stepsToTarget: the first
 *    step at which the TARGET_WINDOW-step trailing mean of the optimizer's median curve reaches it;
 *  - diverged: every run of the optimizer diverged;
 *  - evidenceQuality: the quality axis of the Pareto charts, from published measurements (src/core/advisor/quality.ts);
 *  - paretoFront: over (estimated peak memory of the REAL job, step time, quality vs AdamW), src/core/profile/pareto.ts.
 * realShapes (document, optional; absent in documents written before it and when the phase did not run):
 * each optimizer's step cost on the real job's tensor shapes (real-shapes-phase.ts).
 */
import type { MemoryComponentBytes } from '../../core/memory/components';
import { paretoFrontOf } from '../../core/profile/pareto';
import {
  PROFILE_SCHEMA_VERSION, type ProfileBackend, type ProfileBackendName, type ProfileMachine, type ProfileOptimizerResult,
  type ProfileResultDocument, type ProfileRun, type RealShapesSection, type RobustnessResult,
} from '../../core/profile/profile-types';
import { median, medianWithDivergence } from '../../core/profile/median';
import type { BackendMessage, CopyBandwidth, KernelUsed, OptimizerBandwidth, RobustnessRecord, RunRecord, StepTimeRecord } from '../protocol';
import type { PlannedOptimizer } from './plan';
import { DIVERGENCE_FACTOR, injectionStep, TIMING_WARMUP_STEPS } from './constants';

export const TARGET_FACTOR = 1.1;

/**
 * Optimizers whose reference implementation holds state the tfjs implementation legitimately does not
 * store, so measuredStateBytes differs from estimatedStateBytes by a known amount.
 */
export const STATE_LAYOUT_NOTES: Readonly<Record<string, string>> = {};
export const TARGET_WINDOW = 5;

/** Where each kind of figure comes from: measured on this machine, or modelled by the engine. */
export const FIGURE_SOURCES = {
  measured: [
    'stepTimeMs', 'relativeStepCost', 'samplesPerSecond', 'optimizerStepMs', 'measuredStateBytes', 'peakEngineBytes',
    'runs', 'lossCurve', 'finalLoss', 'bestLr', 'stepsToTarget', 'diverged', 'robustness', 'copyBandwidthGBps',
    'effectiveBandwidthGBps', 'bandwidthFraction', 'realShapes.results[].stepMs', 'realShapes.results[].stateBytesMeasured',
  ],
  modelled: [
    'estimatedStateBytes', 'estimatedPeakBytes', 'estimatedMemory', 'paretoFront (its memory axis)', 'realShapes.results[].stateBytesEstimated',
    'realShapes.results[].shareOfTrainingStep (its forward/backward time is an assumption: realShapes.forwardBackward)',
  ],
  published: ['evidenceQuality', 'paretoFront (its quality axis)'],
  note:
    'Measured figures come from training the proxy on this machine; modelled figures come from the memory estimator for the real job ' +
    '(estimatedPeakBytes, estimatedMemory) or for the proxy\'s shapes (estimatedStateBytes); published figures come from the evidence base of head-to-head ' +
    'measurements (evidenceQuality). The Pareto front combines them: its memory axis is modelled, its step-time axis measured (at the real tensor shapes ' +
    'where realShapes holds the optimizer, else on the proxy), its quality axis published; the proxy\'s final loss is shown beside it as a secondary signal.',
} as const;

export interface SweepOptimizerExtras {
  /** Why it is in the sweep. */
  readonly source: PlannedOptimizer['source'] | 'reference';
  readonly lrBasis: string;
  readonly hyperparameters: PlannedOptimizer['hyper'];
  /** Hyperparameters scaled with the proxy, and why. */
  readonly adjustments: readonly string[];
  /** Why the measured state differs from the estimator's per-tensor figure, when it legitimately does. */
  readonly stateLayoutNote?: string;
  /** Median wall time of the optimizer update alone on the proxy, ms (null when the update runs inside minimize). */
  readonly optimizerStepMs: number | null;
  /** The update implementation that ran: a fused kernel or tfjs ops. */
  readonly kernel: KernelUsed | null;
  /** The state tensors the optimizer held on the proxy (measured). */
  readonly stateTensors: RunRecord['stateTensors'];
  /** Modelled: the estimator's per-GPU breakdown for the real job with this optimizer. */
  readonly estimatedMemory: MemoryComponentBytes | null;
  /** Section 5: bytes the step must move per parameter, the measured bandwidth and its fraction of copy bandwidth. */
  readonly bandwidth: OptimizerBandwidth | null;
  readonly bandwidthFraction?: number;
  readonly hessian?: RunRecord['hessian'];
  readonly hvp?: PlannedOptimizer['hvp'];
  /** How stepTimeMs (and optimizerStepMs) were measured, and their spread; absent before any step was timed. */
  readonly stepTiming?: StepTiming;
}

/** Where an optimizer's step time on the proxy comes from (README: Profiling on your machine, "Time."). */
export interface StepTiming {
  /**
   * 'training-runs': every timed step of every run of the sweep (one training child, nothing else running);
   * 'timed-alone': the timing phase's steps, measured while nothing else of the sweep ran (the training
   * runs shared the machine and their step times are not used).
   */
  readonly basis: 'training-runs' | 'timed-alone';
  /** Timed steps behind the median. */
  readonly steps: number;
  /** Steps left out at the start of each timed run. */
  readonly warmupSteps: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** timed-alone: the run the steps were timed on (its lr and seed). */
  readonly lr?: number;
  readonly seed?: number;
}

export type SweepOptimizerResult = ProfileOptimizerResult & SweepOptimizerExtras;

export interface SweepDocument extends ProfileResultDocument {
  readonly results: readonly SweepOptimizerResult[];
  readonly backend: ProfileBackend & { readonly location?: string; readonly wasmSimd?: boolean; readonly wasmThreads?: boolean; readonly gradients?: string };
  readonly proxy: { readonly description: string; readonly params: number; readonly notes: readonly string[]; readonly batch: number };
  readonly seeds: readonly number[];
  readonly lrMultipliers: readonly number[];
  readonly copyBandwidth: CopyBandwidth | null;
  readonly figureSources: typeof FIGURE_SOURCES;
  /** How the sweep ended (or 'running' while it runs). */
  readonly outcome: 'running' | 'completed' | 'cancelled' | 'budget-exceeded' | 'crashed' | 'failed';
  readonly outcomeDetail?: string;
  /** Wall time of the sweep (after the real-shapes phase, which reports its own in realShapes.wallSeconds). */
  readonly wallSeconds?: number;
  readonly notes: readonly string[];
}

/** What the parent has collected so far. */
export interface SweepState {
  readonly job: { readonly id: string; readonly model: string };
  readonly proxy: { readonly description: string; readonly params: number; readonly notes: readonly string[]; readonly batch: number };
  readonly optimizers: ReadonlyArray<Omit<PlannedOptimizer, 'source'> & { readonly source: SweepOptimizerExtras['source']; readonly estimatedMemory: MemoryComponentBytes | null }>;
  readonly steps: number;
  readonly seeds: readonly number[];
  readonly lrMultipliers: readonly number[];
  readonly machine: ProfileMachine;
  readonly createdAt: string;
  backend: BackendMessage | null;
  readonly runs: RunRecord[];
  readonly robustness: RobustnessRecord[];
  copyBandwidth: CopyBandwidth | null;
  readonly bandwidth: Map<string, OptimizerBandwidth>;
  /** The timing phase's step times (absent when the training runs were timed themselves). */
  readonly stepTimes?: Map<string, StepTimeRecord>;
  /** The real-shapes phase's section as it stands (null when it did not run). */
  realShapes?: RealShapesSection | null;
  readonly notes: string[];
  /** The Pareto charts' quality axis for the real job (published evidence), when computed. */
  readonly evidenceQuality?: ProfileResultDocument['evidenceQuality'];
}

function toProfileRun(r: RunRecord): ProfileRun {
  return { lr: r.lr, seed: r.seed, lossCurve: r.lossCurve, finalLoss: r.diverged ? null : r.finalLoss, diverged: r.diverged };
}

/** Point-wise median of curves over seeds (a curve that ended counts as not finite from there). */
export function medianCurve(curves: ReadonlyArray<ReadonlyArray<number | null>>): Array<number | null> {
  const length = Math.max(0, ...curves.map((c) => c.length));
  const out: Array<number | null> = [];
  for (let i = 0; i < length; i++) out.push(medianWithDivergence(curves.map((c) => (i < c.length ? c[i]! : null))));
  return out;
}

/** The lr with the lowest median final loss over seeds; null when every lr's median is not finite. */
export function bestLearningRate(runs: readonly ProfileRun[]): { lr: number; median: number } | null {
  const byLr = new Map<number, Array<number | null>>();
  for (const r of runs) byLr.set(r.lr, [...(byLr.get(r.lr) ?? []), r.diverged ? null : r.finalLoss]);
  let best: { lr: number; median: number } | null = null;
  for (const [lr, finals] of byLr) {
    const m = medianWithDivergence(finals);
    if (m !== null && (best === null || m < best.median)) best = { lr, median: m };
  }
  return best;
}

/** First step (1-based) whose trailing mean over `window` points of the curve is at most `target`. */
export function stepsToReach(curve: ReadonlyArray<number | null>, target: number, window = TARGET_WINDOW): number | null {
  let sum = 0;
  const buf: number[] = [];
  for (let i = 0; i < curve.length; i++) {
    const v = curve[i];
    if (v === null || v === undefined || !Number.isFinite(v)) return null;
    buf.push(v);
    sum += v;
    if (buf.length > window) sum -= buf.shift()!;
    if (buf.length === window && sum / window <= target) return i + 1;
  }
  return null;
}

function percent(x: number, base: number): string {
  const d = ((x - base) / base) * 100;
  if (Math.abs(d) < 0.05) return '±0.0%';
  return `${d > 0 ? '+' : ''}${d.toFixed(1)}%`;
}

const fmt = (x: number) => String(Number(x.toPrecision(4)));

/** One line on what the optimizer did under a probe (the diverged flag says whether it diverged; this says how). */
export function robustnessBehaviour(rec: RobustnessRecord, baseline: number | null, steps: number): string {
  if (rec.notApplicable) return `not probed: ${rec.notApplicable}`;
  const injected = injectionStep(steps);
  if (rec.diverged) {
    const at = rec.divergedAtStep ?? rec.lossCurve.length;
    const last = rec.lossCurve[at - 1];
    const why = last === null || last === undefined ? 'the loss became NaN or infinite' : `the loss exceeded ${DIVERGENCE_FACTOR}x its first value`;
    if (rec.probe === 'nan-inf' && at >= injected) return `the NaN/Inf injected at step ${injected} reached the parameters; from step ${at} on ${why}`;
    return `at step ${at} ${why}`;
  }
  const final = rec.finalLoss;
  if (final === null) return 'no final loss';
  const versus = baseline === null ? '' : ` vs ${fmt(baseline)} without the probe (${percent(final, baseline)})`;
  const first = rec.lossCurve[0];
  switch (rec.probe) {
    case 'nan-inf': {
      // tf.sign(NaN) is 0 where torch.sign(NaN) is NaN: a sign-based update (Lion) skips the poisoned entry here.
      const sign = rec.optimizer === 'lion' ? "; tfjs's sign(NaN) is 0 (torch's is NaN), so the poisoned entry stops moving instead of turning the parameter to NaN as with PyTorch" : '';
      return `absorbed the NaN/Inf injected at step ${injected}: final loss ${fmt(final)}${versus}${sign}`;
    }
    case 'vanishing':
      return `final loss ${fmt(final)}${versus}${typeof first === 'number' ? `; the loss moved from ${fmt(first)} to ${fmt(final)}` : ''}`;
    case 'explosion':
      return `final loss ${fmt(final)}${versus}`;
    case 'sparse':
      return `final loss ${fmt(final)}${versus} with 90% of gradient entries zeroed each step`;
  }
}

function backendOf(b: BackendMessage | null): SweepDocument['backend'] {
  if (!b) return { name: 'cpu' satisfies ProfileBackendName, reasons: [], tfBackend: 'not loaded' };
  return {
    name: b.name,
    tfBackend: b.tfBackend,
    reasons: b.reasons.map((r) => ({ backend: r.backend, why: r.why })),
    ...(b.location !== undefined ? { location: b.location } : {}),
    ...(b.wasmSimd !== undefined ? { wasmSimd: b.wasmSimd, wasmThreads: b.wasmThreads ?? false } : {}),
    gradients: b.gradients,
  };
}

/** The document from the state (complete = the sweep ended normally). */
export function buildDocument(state: SweepState, outcome: SweepDocument['outcome'], extra: { detail?: string; wallSeconds?: number } = {}): SweepDocument {
  const partials = state.optimizers.map((o) => {
    const runs = state.runs.filter((r) => r.optimizer === o.id);
    const profileRuns = runs.map(toProfileRun);
    const best = bestLearningRate(profileRuns);
    const atBest = best ? profileRuns.filter((r) => r.lr === best.lr) : [];
    const curve = medianCurve(atBest.map((r) => r.lossCurve));
    const alone = state.stepTimes?.get(o.id);
    const steps = [...runs.flatMap((r) => r.stepMs), ...(alone?.stepMs ?? [])];
    const stepMs = median(steps);
    const updateMs = median([...runs.flatMap((r) => r.updateMs), ...(alone?.updateMs ?? [])]);
    const timing: StepTiming | undefined = steps.length === 0 ? undefined : {
      basis: alone ? 'timed-alone' : 'training-runs',
      steps: steps.length,
      warmupSteps: alone ? alone.warmupSteps : TIMING_WARMUP_STEPS,
      minMs: Math.min(...steps),
      maxMs: Math.max(...steps),
      ...(alone ? { lr: alone.lr, seed: alone.seed } : {}),
    };
    const withState = runs.find((r) => r.stateTensors.length > 0) ?? runs[0];
    return { o, runs, profileRuns, best, curve, stepMs, updateMs, timing, withState };
  });
  const reference = partials.find((p) => p.o.id === 'adamw')?.stepMs ?? null;
  const finals = partials.map((p) => p.best?.median ?? null).filter((v): v is number => v !== null);
  const targetLoss = finals.length ? TARGET_FACTOR * Math.min(...finals) : null;
  const copy = state.copyBandwidth;

  const results: SweepOptimizerResult[] = partials
    .filter((p) => p.runs.length > 0)
    .map((p) => {
      const o = p.o;
      const bw = state.bandwidth.get(o.id) ?? null;
      const robustness: RobustnessResult[] = state.robustness
        .filter((r) => r.optimizer === o.id)
        .map((r) => {
          const baselineRun = p.runs.find((x) => x.lr === r.lr && x.seed === r.seed);
          const baseline = baselineRun && !baselineRun.diverged ? baselineRun.finalLoss : null;
          return { probe: r.probe, diverged: r.diverged, finalLoss: r.diverged ? null : r.finalLoss, behaviour: robustnessBehaviour(r, baseline, state.steps) };
        });
      const stepTimeMs = p.stepMs ?? 0;
      const kernel = p.runs[0]?.kernel ?? null;
      const hessian = p.runs.find((r) => r.hessian)?.hessian;
      return {
        optimizer: o.id,
        stepTimeMs,
        // 0 until AdamW, the reference, has been measured (it runs first; see sweep.ts).
        relativeStepCost: reference && p.stepMs !== null ? p.stepMs / reference : 0,
        measuredStateBytes: p.withState?.measuredStateBytes ?? 0,
        estimatedStateBytes: o.estimatedStateBytes,
        ...(p.stepMs ? { samplesPerSecond: state.proxy.batch / (p.stepMs / 1000) } : {}),
        peakEngineBytes: Math.max(0, ...p.runs.map((r) => r.peakEngineBytes)),
        ...(bw ? { effectiveBandwidthGBps: bw.GBps, bandwidthFraction: bw.fractionOfCopy } : {}),
        estimatedPeakBytes: o.estimatedPeakBytes,
        recommendedLr: o.recommendedLr,
        runs: p.profileRuns,
        bestLr: p.best?.lr ?? null,
        lossCurve: p.curve,
        finalLoss: p.best?.median ?? null,
        stepsToTarget: targetLoss !== null && p.best ? stepsToReach(p.curve, targetLoss) : null,
        diverged: p.profileRuns.length > 0 && p.profileRuns.every((r) => r.diverged),
        ...(robustness.length ? { robustness } : {}),
        source: o.source,
        lrBasis: o.lrBasis,
        hyperparameters: o.hyper,
        adjustments: o.adjustments,
        ...(STATE_LAYOUT_NOTES[o.id] ? { stateLayoutNote: STATE_LAYOUT_NOTES[o.id] } : {}),
        optimizerStepMs: p.updateMs,
        kernel,
        stateTensors: p.withState?.stateTensors ?? [],
        estimatedMemory: o.estimatedMemory,
        bandwidth: bw,
        ...(hessian ? { hessian } : {}),
        ...(o.hvp ? { hvp: o.hvp } : {}),
        ...(p.timing ? { stepTiming: p.timing } : {}),
      };
    });

  const doc: SweepDocument = {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    createdAt: state.createdAt,
    backend: backendOf(state.backend),
    machine: state.machine,
    job: state.job,
    proxy: state.proxy,
    steps: state.steps,
    curveStride: 1,
    targetLoss,
    results,
    paretoFront: [],
    copyBandwidthGBps: copy ? copy.GBps : null,
    complete: outcome === 'completed',
    seeds: state.seeds,
    lrMultipliers: state.lrMultipliers,
    copyBandwidth: copy,
    figureSources: FIGURE_SOURCES,
    ...(state.realShapes ? { realShapes: state.realShapes } : {}),
    outcome,
    ...(extra.detail ? { outcomeDetail: extra.detail } : {}),
    ...(extra.wallSeconds !== undefined ? { wallSeconds: extra.wallSeconds } : {}),
    notes: state.notes,
    ...(state.evidenceQuality ? { evidenceQuality: state.evidenceQuality } : {}),
  };
  // The front over the document as assembled (memory, step time from realShapes or the proxy, quality).
  return { ...doc, paretoFront: paretoFrontOf(doc) };
}
