/**
 * The real-shapes phase of `profile`, parent side (pure Node, never imports tfjs): README, Profiling on
 * your machine, "Step cost at the real shapes". Builds the child's request from the job (the tensors the
 * optimizer steps, from the core's per-tensor inventory through the estimator's own training tensors;
 * each optimizer's hyperparameters as the estimator takes them), runs it in a profiler child with a hard
 * time budget, and turns the streamed records into the document's `realShapes` section: per optimizer
 * the whole model's step cost with its spread, how it was obtained, the measured state bytes beside the
 * estimator's, and the share of a training step under the stated forward/backward assumption.
 */
import type { AdvisorInput } from '../../core/advisor/types';
import { candidateEstimateInput } from '../../core/advisor';
import { estimateModelStates } from '../../core/memory';
import { effectiveHyperparameters } from '../../core/memory/optimizer-state';
import { countParams } from '../../core/models';
import { getOptimizer } from '../../core/optimizers';
import type { OptimizerId } from '../../core/optimizers/types';
import type { RealShapesResult, RealShapesSection } from '../../core/profile/profile-types';
import { InputError, numel, type Hyperparameters, type HyperValue } from '../../core/types';
import { findGpuPreset, GPU_PRESETS, presetForGpuName } from '../../platform/gpu-presets';
import { leftOutNote, partialDataProblem, type BackendRequest, type ChildMessage, type RealShapesRecord, type RealShapesRequest } from '../protocol';
import { runChild, type ChildRunResult } from '../run-child';
import {
  DEFAULT_REAL_SHAPES_BUDGET_MS, forwardBackwardMs, REAL_SHAPES_SLICE_ELEMENTS, scaleSpread, shareOfTrainingStep, sumSpreads, tensorKinds, weakestMethod, type TensorKind,
} from './real-shapes-plan';

/** The GPU whose throughput the share of a training step assumes. */
export interface ThroughputAssumption {
  /** e.g. 'NVIDIA A100 (80 GB)'. */
  readonly gpu: string;
  /** Peak dense 16-bit tensor TFLOPS; null when no figure is published in the preset. */
  readonly tflops: number | null;
  /** Where the figure is published, and how the GPU was chosen (flag, detected, assumed). */
  readonly basis: string;
}

/**
 * The preset whose throughput the share of a training step assumes: the one named (`--gpu`, the
 * `optimizerAdvisor.gpu` setting), else the detected board's, else an A100 80GB, each saying which.
 * InputError for a name that is no preset (`where` names the flag or setting).
 */
export function throughputAssumption(named: string | undefined, detected: { names: readonly string[]; memoryBytes: number } | null, where: string): ThroughputAssumption {
  let preset = named === undefined ? undefined : findGpuPreset(named);
  let how: string;
  if (named !== undefined) {
    if (!preset) throw new InputError(`${where}: unknown GPU preset '${named}' (known: ${GPU_PRESETS.map((p) => p.id).join(', ')})`);
    how = where;
  } else {
    const name = detected?.names[0];
    preset = name === undefined ? undefined : presetForGpuName(name, detected?.memoryBytes ?? null);
    how = preset ? `detected: ${name}` : name === undefined ? `assumed: no GPU detected and no ${where} given` : `assumed: the detected ${name} matches no preset`;
    preset ??= findGpuPreset('a100-80gb')!;
  }
  const t = preset.tensorTflops;
  return { gpu: preset.label, tflops: t?.value ?? null, basis: t ? `${how}; ${t.source.title}: ${t.source.locator}` : how };
}

/** What the phase needs from the job, computed once. */
export interface RealShapesJob {
  readonly kinds: readonly TensorKind[];
  readonly trainableParams: number;
  readonly params: number;
  readonly tokensPerStep: number;
  /** 6*N*tokens applies to transformers only. */
  readonly transformer: boolean;
  readonly optimizers: ReadonlyArray<{ readonly id: OptimizerId; readonly hyper: Hyperparameters; readonly estimatedStateBytes: number | null; readonly estimatedDtype: string | null }>;
}

/** Only the keys the catalog (and so the profiler implementation) knows, with plain values. */
function profilerHyper(id: OptimizerId, hyper: Hyperparameters): Hyperparameters {
  const defaults = getOptimizer(id).defaults;
  const out: Record<string, HyperValue> = {};
  for (const [k, v] of Object.entries(hyper)) if (Object.prototype.hasOwnProperty.call(defaults, k)) out[k] = v;
  return out;
}

/** The job's tensors, hyperparameters and estimator figures for each optimizer. */
export function realShapesJob(input: AdvisorInput, ids: readonly OptimizerId[]): RealShapesJob {
  const reference = candidateEstimateInput(input, ids[0] ?? 'adamw');
  const trainable = estimateModelStates(reference).tensors.trainable;
  const optimizers = ids.map((id) => {
    const estimateInput = candidateEstimateInput(input, id);
    const hyper = profilerHyper(id, effectiveHyperparameters(estimateInput.optimizer, estimateInput.hyperparameters));
    try {
      const states = estimateModelStates(estimateInput);
      return { id, hyper, estimatedStateBytes: states.totals.optimizerState, estimatedDtype: states.optimizerParamDtype as string };
    } catch (e) {
      if (e instanceof InputError) return { id, hyper, estimatedStateBytes: null, estimatedDtype: null };
      throw e;
    }
  });
  return {
    kinds: tensorKinds(trainable),
    trainableParams: trainable.reduce((s, t) => s + numel(t.shape), 0),
    params: countParams(input.model).total,
    tokensPerStep: reference.batchSize * reference.gradAccum * reference.seqLen,
    transformer: input.model.shape.kind === 'transformer',
    optimizers,
  };
}

export function realShapesRequest(job: RealShapesJob, budgetMs: number, extra: { backend?: BackendRequest; sliceElements?: number; reps?: number } = {}): RealShapesRequest {
  return {
    kind: 'real-shapes',
    optimizers: job.optimizers.map((o) => ({ id: o.id, hyper: o.hyper })),
    kinds: job.kinds.map((k) => ({ name: k.name, shape: [...k.shape], role: k.role, count: k.count })),
    budgetMs,
    ...(extra.sliceElements !== undefined ? { sliceElements: extra.sliceElements } : {}),
    ...(extra.reps !== undefined ? { reps: extra.reps } : {}),
    ...(extra.backend && Object.keys(extra.backend).length ? { backend: extra.backend } : {}),
  };
}

const fmtTokens = (n: number) => n.toLocaleString('en');

/** The forward/backward assumption: its time (null when it cannot be stated) and its wording. */
export function forwardBackwardAssumption(job: RealShapesJob, throughput: ThroughputAssumption | null): RealShapesSection['forwardBackward'] {
  const base = { tokensPerStep: job.tokensPerStep, params: job.params, tflops: throughput?.tflops ?? null, gpu: throughput?.gpu ?? null };
  if (!job.transformer) {
    return { ...base, ms: null, assumption: 'not computed: 6 x N x tokens is the cost model of transformers; this model is not one' };
  }
  if (!throughput || throughput.tflops === null) {
    return { ...base, ms: null, assumption: `not computed: no published throughput for ${throughput ? throughput.gpu : 'the GPU'} (choose one with --gpu)` };
  }
  const ms = forwardBackwardMs(job.params, job.tokensPerStep, throughput.tflops);
  return {
    ...base,
    ms,
    assumption:
      `assumption: forward + backward = 6 x N x tokens = 6 x ${fmtTokens(job.params)} x ${fmtTokens(job.tokensPerStep)} FLOPs per optimizer step at ${throughput.tflops} TFLOPS ` +
      `(${throughput.gpu}, ${throughput.basis}), i.e. ${(ms / 1000).toPrecision(3)} s at 100% of peak; real utilisation is lower, so the share is an upper bound. ` +
      'The optimizer step is measured on this machine\'s backend, not on that GPU.',
  };
}

/** One optimizer's result from its record (or its absence). */
export function realShapesResult(
  o: RealShapesJob['optimizers'][number],
  record: RealShapesRecord | undefined,
  fb: RealShapesSection['forwardBackward'],
  absent: string,
): RealShapesResult {
  const base = { optimizer: o.id, stateBytesEstimated: o.estimatedStateBytes, shareAssumption: fb.assumption };
  if (!record) return { ...base, stepMs: null, method: null, stateBytesMeasured: null, shareOfTrainingStep: null, detail: [], notMeasured: absent };
  const detail = record.kinds.map((k) => `${k.count} x ${k.name}: ${k.detail}`);
  if (record.refreshInterval !== null) detail.push(`refreshes amortised over the job's interval of ${record.refreshInterval} steps`);
  if (record.missing.length > 0 || record.kinds.length === 0) {
    const why = record.missing.map((m) => `${m.name}: ${m.why}`).join('; ') || 'no tensor kind measured';
    return { ...base, stepMs: null, method: null, stateBytesMeasured: null, shareOfTrainingStep: null, detail, notMeasured: `not measured in the budget for every tensor kind (${why})` };
  }
  const stepMs = sumSpreads(record.kinds.map((k) => scaleSpread(k.stepMs, k.count)));
  return {
    ...base,
    stepMs,
    method: weakestMethod(record.kinds.map((k) => k.method)),
    stateBytesMeasured: record.kinds.reduce((s, k) => s + k.stateBytes * k.count, 0),
    shareOfTrainingStep: fb.ms === null ? null : shareOfTrainingStep(stepMs.median, fb.ms),
    detail,
  };
}

/** The document section from what has been measured so far. */
export function realShapesSection(
  job: RealShapesJob,
  records: ReadonlyMap<string, RealShapesRecord>,
  state: { outcome: RealShapesSection['outcome']; budgetMs: number; wallMs?: number; sliceElements?: number; throughput: ThroughputAssumption | null; detail?: string },
): RealShapesSection {
  const fb = forwardBackwardAssumption(job, state.throughput);
  const absent = state.outcome === 'running' ? 'not measured yet' : `not reached: the phase ${state.outcome}${state.detail ? ` (${state.detail})` : ''} before this optimizer`;
  const estimatedDtypes = [...new Set(job.optimizers.map((o) => o.estimatedDtype).filter((d): d is string => d !== null))];
  return {
    outcome: state.outcome,
    budgetSeconds: state.budgetMs / 1000,
    ...(state.wallMs !== undefined ? { wallSeconds: state.wallMs / 1000 } : {}),
    sliceElements: state.sliceElements ?? REAL_SHAPES_SLICE_ELEMENTS,
    trainableParams: job.trainableParams,
    tensorKinds: job.kinds.length,
    forwardBackward: fb,
    results: job.optimizers.map((o) => realShapesResult(o, records.get(o.id), fb, absent)),
    notes: [
      'Measured on this machine: each optimizer\'s own implementation stepping every kind of the model\'s trainable tensors (fp32 parameters and states).',
      ...(estimatedDtypes.length ? [`The estimator's state is for parameters stepped in ${estimatedDtypes.join('/')}; the measurement holds fp32 parameters.`] : []),
    ],
  };
}

export interface RealShapesPhaseOptions {
  readonly job: RealShapesJob;
  readonly budgetMs?: number;
  readonly throughput: ThroughputAssumption | null;
  readonly sliceElements?: number;
  readonly reps?: number;
  readonly childScript?: string;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  readonly backend?: BackendRequest;
  /** Called with the section after each optimizer and at the end. */
  readonly onUpdate?: (section: RealShapesSection) => void;
  readonly onProgress?: (line: string) => void;
}

const fmtMs = (x: number) => (x >= 1000 ? `${(x / 1000).toPrecision(3)} s` : `${x.toPrecision(3)} ms`);

/**
 * Runs the phase in one profiler child within its budget; never throws for the child's failure. `leftOut`: a note
 * for each record the child sent that could not be read (protocol.ts partialDataProblem), left out.
 */
export async function runRealShapesPhase(opts: RealShapesPhaseOptions): Promise<{ section: RealShapesSection; child: ChildRunResult; leftOut: string[] }> {
  const started = Date.now();
  const budgetMs = opts.budgetMs ?? DEFAULT_REAL_SHAPES_BUDGET_MS;
  const records = new Map<string, RealShapesRecord>();
  const leftOut: string[] = [];
  const common = { budgetMs, throughput: opts.throughput, ...(opts.sliceElements !== undefined ? { sliceElements: opts.sliceElements } : {}) };
  const onMessage = (m: ChildMessage) => {
    if (m.type !== 'partial' || m.kind !== 'real-shapes') return;
    const problem = partialDataProblem(m.kind, m.data);
    if (problem !== null) {
      leftOut.push(leftOutNote(m.kind, problem));
      opts.onProgress?.(leftOut[leftOut.length - 1]!);
      return;
    }
    const r = m.data as RealShapesRecord;
    records.set(r.optimizer, r);
    const section = realShapesSection(opts.job, records, { ...common, outcome: 'running' });
    const res = section.results.find((x) => x.optimizer === r.optimizer);
    opts.onProgress?.(
      res?.stepMs ? `${r.optimizer} at the real shapes: ${fmtMs(res.stepMs.median)} per step (${res.method})` : `${r.optimizer} at the real shapes: ${res?.notMeasured ?? 'not measured'}`,
    );
    opts.onUpdate?.(section);
  };
  const child = await runChild({
    request: realShapesRequest(opts.job, budgetMs, {
      ...(opts.backend ? { backend: opts.backend } : {}),
      ...(opts.sliceElements !== undefined ? { sliceElements: opts.sliceElements } : {}),
      ...(opts.reps !== undefined ? { reps: opts.reps } : {}),
    }),
    budgetMs,
    onMessage,
    ...(opts.childScript ? { childScript: opts.childScript } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  const outcome: RealShapesSection['outcome'] = child.outcome === 'spawn-failed' ? 'crashed' : child.outcome;
  const section = realShapesSection(opts.job, records, {
    ...common,
    outcome,
    wallMs: Date.now() - started,
    ...(child.outcome !== 'completed' ? { detail: child.detail } : {}),
  });
  opts.onUpdate?.(section);
  return { section, child, leftOut };
}
