/**
 * `optimizer-advisor profile` (parent side, pure Node, never imports tfjs): plans the sweep for a job,
 * runs it in profiler children and assembles the result document as measurements stream in.
 *
 * Phases: (0) with `realShapes`, one child times each optimizer's step on the real job's tensor shapes
 * (real-shapes-phase.ts, its own budget); (1) one child measures copy bandwidth and each optimizer's
 * effective bandwidth alone on the machine (section 5); (2) the training runs, in one child that also
 * times their steps, or — on the single-threaded CPU backends (wasm, cpu) of a machine with two or more
 * logical CPUs, unless `workers: 1` — first a timing phase in a child of its own (each optimizer's step
 * timed while nothing else of the sweep runs: the step-time figures) and then `workers` training children
 * at once, each with its own share of the optimizers (all runs of an optimizer in one child), whose
 * step times are not used. Runs are seeded and the backends deterministic, so every loss curve and final
 * loss is the same in either layout. All children start up together before anything is measured; the
 * layout is chosen when they report their backend (runChildren). Every child honours cancellation
 * within a second and the shared wall-clock deadline; a child that crashes takes none of the other
 * measurements with it. The caller gets `onUpdate(document)` after every measurement, so it can save
 * the document as it grows.
 */
import * as os from 'node:os';
import type { AdvisorInput } from '../../core/advisor/types';
import { candidateEstimateInput } from '../../core/advisor';
import { evidenceQualityFor } from '../../core/advisor/quality';
import { medianWithDivergence } from '../../core/profile/median';
import type { ProfileBackendName } from '../../core/profile/profile-types';
import { estimateMemory } from '../../core/memory';
import { isOptimizerId } from '../../core/optimizers/registry';
import { InputError } from '../../core/types';
import { MEMORY_COMPONENTS, type MemoryComponentBytes } from '../../core/memory/components';
import { BANDWIDTH_ELEMENTS, TIMING_PHASE } from './constants';
import {
  leftOutNote, partialDataProblem, type BackendRequest, type ChildMessage, type CopyBandwidth, type OptimizerBandwidth, type RobustnessRecord,
  type RunRecord, type StartMessage, type StepTimeRecord, type SweepRequest,
} from '../protocol';
import { runChild, type ChildRunResult } from '../run-child';
import { CORPUS_FILES, findDataDir, loadCorpus } from './corpus';
import { buildDocument, type SweepDocument, type SweepState } from './document';
import { LR_MULTIPLIERS, planSweep, type PlannedOptimizer, type SweepPlan } from './plan';
import { realShapesJob, runRealShapesPhase, type ThroughputAssumption } from './real-shapes-phase';
import { DEFAULT_REAL_SHAPES_BUDGET_MS } from './real-shapes-plan';

// The sidebar loads this bundle at run time: what it needs of the real-shapes phase comes through here.
export { throughputAssumption } from './real-shapes-phase';
export { DEFAULT_REAL_SHAPES_BUDGET_MS };

export interface RunSweepOptions {
  /** The job, for labels: its id (file) and model source. */
  readonly job: { readonly id: string; readonly model: string };
  /** The real job as the advisor takes it (top picks, estimates). */
  readonly advisorInput: AdvisorInput;
  readonly optimizers?: readonly string[];
  readonly steps?: number;
  readonly seeds?: readonly number[];
  readonly robustness?: boolean;
  /** Wall-clock budget of the whole sweep. */
  readonly budgetMs: number;
  readonly signal?: AbortSignal;
  /**
   * Training children run at once on the wasm and cpu backends (default: defaultWorkers, 2 when the machine
   * has two or more logical CPUs and is not busy, else 1). With more than one, the step times come from a timing phase run alone
   * before training; 1, or any other backend, trains in one child that times its own runs.
   */
  readonly workers?: number;
  /** Floats per tensor of the bandwidth measurements (default 2^23); null skips section 5. */
  readonly bandwidthElements?: number | null;
  readonly evaluationBatches?: number;
  /** Fused kernels where they exist (default true). */
  readonly fused?: boolean;
  /** Folder holding the training text (default: found beside the program). */
  readonly dataDir?: string;
  readonly childScript?: string;
  readonly backend?: BackendRequest;
  /** Environment of the children (tests). */
  readonly env?: NodeJS.ProcessEnv;
  readonly onUpdate?: (document: SweepDocument) => void;
  readonly onProgress?: (line: string) => void;
  /**
   * The step cost at the real job's shapes (README: Profiling on your machine, "Step cost at the real
   * shapes"), run first with its own budget (budgetMs then counts from its end); absent skips it.
   */
  readonly realShapes?: { readonly budgetMs: number; readonly throughput: ThroughputAssumption | null; readonly sliceElements?: number; readonly reps?: number };
}

export interface SweepResult {
  readonly document: SweepDocument;
  readonly plan: SweepPlan;
  /** One outcome per child (bandwidth first when it ran). */
  readonly children: readonly ChildRunResult[];
}

/** The machine the sweep measures on. */
export function machineInfo(): SweepDocument['machine'] {
  const cpus = os.cpus();
  return {
    platform: os.platform(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model?.trim() || 'unknown',
    cpuCount: Math.max(1, cpus.length),
    memoryBytes: os.totalmem(),
    node: process.version,
    gpu: null,
  };
}

/** The estimator's breakdown for the real job with this optimizer (modelled); null when it cannot model it. */
export function realJobMemory(input: AdvisorInput, id: string): MemoryComponentBytes | null {
  if (!isOptimizerId(id)) return null;
  try {
    // The advisor's own input for this candidate (the job's current optimizer keeps the user's hyperparameters).
    const e = estimateMemory(candidateEstimateInput(input, id));
    const out: Record<string, number> = { peak: e.bytes.peak };
    for (const c of MEMORY_COMPONENTS) out[c] = e.bytes[c];
    return out as unknown as MemoryComponentBytes;
  } catch (err) {
    if (err instanceof InputError) return null;
    throw err;
  }
}

/**
 * Splits optimizers over workers, all runs of one optimizer in one worker, balancing the expected cost
 * (largest first, each to the least loaded worker): its runs x its measured step time when `stepMs` knows
 * every optimizer's, else its runs (x4 for those that need the loss: Hessian-vector products).
 */
export function assignWorkers(optimizers: readonly PlannedOptimizer[], workers: number, stepMs?: (id: string) => number | null): PlannedOptimizer[][] {
  const groups: PlannedOptimizer[][] = Array.from({ length: Math.max(1, workers) }, () => []);
  const load = groups.map(() => 0);
  const measured = stepMs !== undefined && optimizers.every((o) => (stepMs(o.id) ?? 0) > 0);
  const cost = (o: PlannedOptimizer) => o.lrs.length * (measured ? stepMs!(o.id)! : o.needsLoss ? 4 : 1);
  for (const o of [...optimizers].sort((a, b) => cost(b) - cost(a))) {
    const i = load.indexOf(Math.min(...load));
    groups[i]!.push(o);
    load[i]! += cost(o);
  }
  // The sweep's order inside each group, AdamW first: it is the reference of every relative step cost,
  // so a sweep stopped early still has it.
  const first = (o: PlannedOptimizer) => (o.id === 'adamw' ? 0 : 1);
  return groups
    .filter((g) => g.length > 0)
    .map((g) => optimizers.filter((o) => g.includes(o)).sort((a, b) => first(a) - first(b)));
}

function requestFor(plan: SweepPlan, optimizers: readonly PlannedOptimizer[], opts: RunSweepOptions, dataDir: string | undefined, extra: Partial<SweepRequest>): SweepRequest {
  const spec = plan.proxy.spec;
  // Every proxy trains on any backend: embeddings are one-hot x matMul and convolutions im2col x matMul.
  const backend: BackendRequest = { ...(opts.backend ?? {}) };
  return {
    kind: 'sweep',
    spec,
    ...(dataDir ? { dataDir } : {}),
    optimizers: optimizers.map((o) => ({ id: o.id, lrs: o.lrs, hyper: o.hyper, ...(o.hvp ? { hvp: o.hvp } : {}), recommendedLr: o.recommendedLr })),
    seeds: plan.seeds,
    steps: plan.steps,
    fused: opts.fused ?? true,
    ...(opts.evaluationBatches !== undefined ? { evaluationBatches: opts.evaluationBatches } : {}),
    ...(opts.robustness ? { robustness: true } : {}),
    ...(Object.keys(backend).length ? { backend } : {}),
    ...extra,
  };
}

const OUTCOME_ORDER: ReadonlyArray<SweepDocument['outcome']> = ['crashed', 'failed', 'budget-exceeded', 'cancelled'];

/** The sweep's plan with AdamW in it: relative step cost is measured against AdamW, so it is added as the reference when the list lacks it. */
function planWithReference(opts: RunSweepOptions, alphabetSize: number): { plan: SweepPlan; referenceAdded: boolean } {
  const basePlan = planSweep({
    advisorInput: opts.advisorInput,
    alphabetSize,
    ...(opts.optimizers ? { optimizers: opts.optimizers } : {}),
    ...(opts.steps !== undefined ? { steps: opts.steps } : {}),
    ...(opts.seeds ? { seeds: opts.seeds } : {}),
  });
  const referenceAdded = !basePlan.optimizers.some((o) => o.id === 'adamw');
  const withReference = !referenceAdded
    ? basePlan
    : planSweep({
        advisorInput: opts.advisorInput, alphabetSize, optimizers: [...basePlan.optimizers.map((o) => o.id), 'adamw'],
        steps: basePlan.steps, seeds: basePlan.seeds,
      });
  const plan: SweepPlan = {
    ...withReference,
    optimizers: withReference.optimizers.map((o) => ({ ...o, source: basePlan.optimizers.find((b) => b.id === o.id)?.source ?? o.source })),
  };
  return { plan, referenceAdded };
}

/** The document's state before any measurement: the plan, the machine, and the notes that explain the sweep. */
function initialState(opts: RunSweepOptions, plan: SweepPlan, referenceAdded: boolean, started: number): SweepState {
  return {
    job: opts.job,
    proxy: { description: plan.proxy.description, params: plan.paramCount, notes: plan.proxy.notes, batch: plan.proxy.spec.batch },
    optimizers: plan.optimizers.map((o) => ({
      ...o,
      source: referenceAdded && o.id === 'adamw' ? ('reference' as const) : o.source,
      estimatedMemory: realJobMemory(opts.advisorInput, o.id),
    })),
    steps: plan.steps,
    seeds: plan.seeds,
    lrMultipliers: [...LR_MULTIPLIERS],
    machine: machineInfo(),
    createdAt: new Date(started).toISOString(),
    backend: null,
    runs: [],
    robustness: [],
    copyBandwidth: null,
    bandwidth: new Map(),
    stepTimes: new Map(),
    // The Pareto charts' quality axis: published outcomes vs AdamW for the real job (no measurement here).
    evidenceQuality: evidenceQualityFor(plan.advisor.facts, plan.optimizers.map((o) => o.id)),
    realShapes: null,
    notes: [
      ...plan.proxy.notes,
      'Learning rates: each optimizer\'s recommended lr is the advisor\'s for the proxy trained from scratch (see lrBasis); the sweep tries it x1/3, x1 and x3 at a constant lr.',
      'finalLoss is the mean loss on a fixed evaluation set (the same batches for every run) after training; lossCurve is the training loss per step.',
      ...(referenceAdded ? ['AdamW was added to the sweep as the reference of relativeStepCost.'] : []),
      ...(opts.advisorInput.estimateBase.lora
        ? ['The real job trains LoRA adapters; the proxy trains all of its weights, so it compares the optimizers\' updates, not LoRA itself (the memory figures are the real job\'s, LoRA included).']
        : []),
      ...plan.optimizers.filter((o) => o.hvp).map((o) => `${o.id}: Hessian-vector products by ${o.hvp === 'autodiff' ? 'double backprop (twice-differentiable activations and cross-entropy)' : 'central finite differences of gradients'} on this proxy.`),
    ],
  };
}

/** Records each measurement a child streams into the state, with a progress line, and publishes the document. */
function recordMeasurements(state: SweepState, update: () => void, progress: (line: string) => void): (m: ChildMessage) => void {
  return (m) => {
    if (m.type === 'backend' && !state.backend) {
      state.backend = m;
      progress(`backend: ${m.name}`);
    }
    if (m.type !== 'partial') return;
    const problem = partialDataProblem(m.kind, m.data);
    if (problem !== null) {
      // A record the document cannot be built from (a child of another build, or one gone wrong): left out, said.
      const note = leftOutNote(m.kind, problem);
      state.notes.push(note);
      progress(note);
      update();
      return;
    }
    switch (m.kind) {
      case 'run': {
        const r = m.data as RunRecord;
        state.runs.push(r);
        progress(`${r.optimizer} lr ${Number(r.lr.toPrecision(3))} seed ${r.seed}: ${r.diverged ? `diverged at step ${r.divergedAtStep}` : `final loss ${r.finalLoss?.toFixed(4)}`}`);
        break;
      }
      case 'robustness':
        state.robustness.push(m.data as RobustnessRecord);
        break;
      case 'step-time': {
        const t = m.data as StepTimeRecord;
        state.stepTimes?.set(t.optimizer, t);
        const median = medianWithDivergence(t.stepMs);
        progress(`step time ${t.optimizer}: ${median === null ? 'not measured' : `${median.toFixed(2)} ms`} (median of ${t.stepMs.length} steps timed alone, lr ${Number(t.lr.toPrecision(3))}${t.diverged ? ', diverged' : ''})`);
        break;
      }
      case 'copy-bandwidth':
        state.copyBandwidth = m.data as CopyBandwidth;
        progress(`copy bandwidth: ${(m.data as CopyBandwidth).GBps.toFixed(1)} GB/s`);
        break;
      case 'optimizer-bandwidth': {
        const b = m.data as OptimizerBandwidth;
        state.bandwidth.set(b.optimizer, b);
        progress(`${b.optimizer}: ${b.GBps.toFixed(1)} GB/s effective (${(100 * b.fractionOfCopy).toFixed(0)}% of copy, ${b.kernel})`);
        break;
      }
      default:
        return;
    }
    update();
  };
}

/** Backends whose training runs may share the machine: single-threaded, deterministic CPU backends. */
const SHARING_BACKENDS: ReadonlySet<ProfileBackendName> = new Set<ProfileBackendName>(['wasm', 'cpu']);

/**
 * Training children by default: two when the machine has two or more logical CPUs and the second is free enough,
 * i.e. the 1-minute load average is at most 1.5 x the CPUs (on this project's 2-core machine two children were
 * faster up to a load of about 3 — 52.1 against 59.7 s — and slower at 3.6–4.5, 74 against 66 s: README, "Time.");
 * else one, with the reason. Windows reports a load of 0.
 */
export function defaultWorkers(cpus: number = os.availableParallelism(), load: number = os.loadavg()[0] ?? 0): { workers: number; why: string | null } {
  if (cpus < 2) return { workers: 1, why: null };
  if (load > 1.5 * cpus) return { workers: 1, why: `one training child: the machine is busy (1-minute load average ${load.toFixed(1)} over 1.5 x its ${cpus} CPUs), where two children at once are slower than one` };
  return { workers: 2, why: null };
}

/** A run's record without its step times (measured beside another training child). */
function withoutTimings(m: ChildMessage): ChildMessage {
  if (m.type !== 'partial' || m.kind !== 'run') return m;
  return { ...m, data: { ...(m.data as RunRecord), stepMs: [], updateMs: [] } };
}

/** A promise and the function that settles it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

/**
 * Phase 1 (bandwidth, when asked) and phase 2 (training) within the deadline. Every child starts up at
 * once (Node, TensorFlow.js and its backend: seconds on a busy machine) and measures only while no other
 * child does anything: the bandwidth child waits until all the others are ready, and each next one
 * starts when the one before has ended. With `workers` > 1 there is a timing child between the bandwidth
 * child and training, and the training children each get the whole plan and learn from their start line
 * what to train: once a child has reported its backend, a CPU backend shares the training (the timing
 * child times every optimizer's step first; `workers` groups balanced by those step times); any other
 * keeps it in the first training child, which times its own runs (the timing child and the other
 * training children are stopped at once). The timing phase runs in a child of its own because the
 * bandwidth measurements leave a process's steps slower (its WebAssembly heap grown to about 1 GB and
 * fragmented: AdamW 7.7 -> 9.8 ms, Muon 15.5 -> 23.4 ms, SOAP 19.3 -> 31.1 ms per step on the
 * llama2-7b-sft proxy in one measurement).
 */
async function runChildren(opts: RunSweepOptions, plan: SweepPlan, state: SweepState, dataDir: string | undefined, deadline: number, onMessage: (m: ChildMessage) => void, progress: (line: string) => void): Promise<ChildRunResult[]> {
  const children: ChildRunResult[] = [];
  if (opts.signal?.aborted || Date.now() >= deadline) return children;
  const elements = opts.bandwidthElements === undefined ? BANDWIDTH_ELEMENTS : opts.bandwidthElements;
  const bandwidth = elements !== null;
  const byDefault = opts.workers === undefined ? defaultWorkers() : null;
  // Why a busy machine keeps one training child: said once a child has reported a backend that would have shared it.
  let busy = byDefault?.why ?? null;
  const workers = Math.max(1, Math.min(opts.workers ?? byDefault?.workers ?? 1, plan.optimizers.length));
  const timing = workers > 1;
  const groups = assignWorkers(plan.optimizers, workers);
  // null until a child has reported its backend; one training child ('serial') or `workers` at once ('shared').
  type Layout = 'serial' | 'shared' | null;
  let layout = (workers === 1 ? 'serial' : null) as Layout;
  const trainingStoppers = groups.map(() => new AbortController());
  const timingStopper = new AbortController();
  /** Training children the sweep stopped itself (the runs do not share the machine): not outcomes of the sweep. */
  const surplus = new Set<number>();
  const decide = (m: ChildMessage) => {
    if (m.type !== 'backend') return;
    if (busy !== null && SHARING_BACKENDS.has(m.name)) {
      state.notes.push(`${busy.charAt(0).toUpperCase()}${busy.slice(1)}; --workers 2 to force two.`);
      progress(busy);
    }
    busy = null;
    if (layout !== null) return;
    layout = SHARING_BACKENDS.has(m.name) ? 'shared' : 'serial';
    if (layout === 'shared') {
      state.notes.push(
        `Step times: measured in a timing phase while nothing else of the sweep ran (per optimizer ${TIMING_PHASE.warmupSteps} warm-up and ` +
          `${TIMING_PHASE.steps} timed steps of one run at its recommended lr and seed ${plan.seeds[0]}, the optimizers' timed steps taking turns); ` +
          `the training runs then ran in ${groups.length} children at once and their step times are not used.`,
      );
      return;
    }
    // One child trains everything and times its own runs: the others stop before measuring anything.
    timingStopper.abort();
    for (let i = 1; i < groups.length; i++) {
      surplus.add(i);
      trainingStoppers[i]!.abort();
    }
  };
  const stopAll = () => [timingStopper, ...trainingStoppers].forEach((c) => c.abort());
  opts.signal?.addEventListener('abort', stopAll, { once: true });

  /** Starts a child; `ready` settles when it waits for its start line, or when it ended without (it holds nobody up). */
  const launch = (o: { request: SweepRequest; start?: Promise<Omit<StartMessage, 'type'> | void>; budgetMs: number; signal?: AbortSignal; receive: (m: ChildMessage) => void }) => {
    const ready = signal();
    const run = runChild({
      ...(opts.childScript ? { childScript: opts.childScript } : {}),
      ...(opts.env ? { env: opts.env } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      onMessage: (m) => {
        if (m.type === 'ready') ready.fire();
        decide(m);
        o.receive(m);
      },
      request: o.request,
      ...(o.start ? { start: o.start } : {}),
      budgetMs: o.budgetMs,
    });
    void run.then(ready.fire);
    return { run, ready: ready.promise };
  };

  const bandwidthEnded = signal();
  const timingEnded = signal();
  // Serial without bandwidth: one training child that starts at once.
  const gated = bandwidth || timing;
  // What each training child trains, once the measuring children have ended: shared, balanced by the step times just measured.
  const shares = (timing ? timingEnded.promise : bandwidthEnded.promise).then((): string[][] => {
    if (layout !== 'shared') return groups.map((_, i) => (i === 0 ? assignWorkers(plan.optimizers, 1)[0]!.map((o) => o.id) : []));
    const balanced = assignWorkers(plan.optimizers, groups.length, (id) => medianWithDivergence(state.stepTimes?.get(id)?.stepMs ?? [])).map((g) => g.map((o) => o.id));
    progress(`training: ${balanced.length} children at once (${balanced.map((g) => g.join(', ')).join(' | ')})`);
    return balanced;
  });
  const training = groups.map((group, i) =>
    launch({
      // With one child, its request is its share; otherwise the start line says what to train (one child
      // trains everything, AdamW first, when the runs do not share the machine).
      request: requestFor(plan, workers === 1 ? group : plan.optimizers, opts, dataDir, gated ? { waitForStart: true } : {}),
      ...(gated ? { start: workers === 1 ? shares.then(() => ({})) : shares.then((s) => ({ optimizers: s[i] ?? [] })) } : {}),
      budgetMs: Math.max(1, deadline - Date.now()),
      signal: trainingStoppers[i]!.signal,
      receive: (m) => onMessage(layout === 'shared' ? withoutTimings(m) : m),
    }),
  );
  const timer = timing
    ? launch({
        request: requestFor(plan, plan.optimizers, opts, dataDir, { timing: { ...TIMING_PHASE }, train: false, waitForStart: true }),
        start: (bandwidth ? bandwidthEnded.promise : Promise.all(training.map((t) => t.ready))).then(() => ({ timing: layout === 'shared' })),
        // Its budget runs from its start-up, through the bandwidth child's share.
        budgetMs: Math.max(1000, Math.min(deadline - Date.now(), opts.budgetMs * (bandwidth ? 0.6 : 0.3))),
        signal: timingStopper.signal,
        receive: onMessage,
      })
    : null;
  if (bandwidth) {
    const b = await launch({
      request: requestFor(plan, plan.optimizers, opts, dataDir, { bandwidth: { elements }, train: false, waitForStart: true }),
      start: Promise.all([...training.map((t) => t.ready), ...(timer ? [timer.ready] : [])]).then(() => undefined),
      budgetMs: Math.max(1000, Math.min(deadline - Date.now(), opts.budgetMs * 0.3)),
      ...(opts.signal ? { signal: opts.signal } : {}),
      receive: onMessage,
    }).run;
    bandwidthEnded.fire();
    children.push(b);
    if (b.outcome !== 'completed' && b.outcome !== 'cancelled') state.notes.push(`Bandwidth measurement ${b.outcome}: ${b.detail}`);
  }
  if (timer) {
    const t = await timer.run;
    timingEnded.fire();
    // Stopped by the sweep itself when the runs do not share the machine: not an outcome of the sweep.
    if (layout !== 'serial') children.push(t);
    if (layout === 'shared' && t.outcome !== 'completed' && t.outcome !== 'cancelled') state.notes.push(`Step-time measurements ${t.outcome}: ${t.detail}`);
  }
  const ended = await Promise.all(training.map((t) => t.run));
  opts.signal?.removeEventListener('abort', stopAll);
  children.push(...ended.filter((_, i) => !surplus.has(i)));
  if (layout === 'shared') {
    const untimed = plan.optimizers.filter((o) => state.runs.some((r) => r.optimizer === o.id) && !state.stepTimes?.has(o.id)).map((o) => o.id);
    if (untimed.length > 0) state.notes.push(`No step time for ${untimed.join(', ')}: the timing phase ended before it reached them (their training runs shared the machine, so their own timings are not used).`);
  }
  return children;
}

/** The sweep's outcome from its children's, and the failing children's details. Throws InputError when a child rejected the input. */
function sweepOutcome(children: readonly ChildRunResult[], aborted: boolean, pastDeadline: boolean): { outcome: SweepDocument['outcome']; detail: string } {
  // A child that stopped on its own SIGINT (Ctrl-C reaches the whole process group) reports 'cancelled' before it exits.
  const cancelledItself = (c: ChildRunResult) => c.messages.some((m) => m.type === 'cancelled');
  const outcomes: string[] = children.map((c) => (c.outcome === 'crashed' && cancelledItself(c) ? 'cancelled' : c.outcome));
  let outcome: SweepDocument['outcome'] = 'completed';
  for (const o of OUTCOME_ORDER) {
    if (outcomes.includes(o)) {
      outcome = o;
      break;
    }
  }
  if (outcomes.includes('spawn-failed')) outcome = 'crashed';
  if (aborted) outcome = 'cancelled';
  if (outcome === 'completed' && pastDeadline && children.length === 0) outcome = 'budget-exceeded';
  const failing = children.filter((c) => c.outcome !== 'completed');
  if (failing.some((c) => c.outcome === 'failed' && c.error?.inputError)) throw new InputError(failing.find((c) => c.error?.inputError)!.error!.message);
  return { outcome, detail: failing.map((c) => `${c.outcome}: ${c.detail}`).join('; ') };
}

/** Plans and runs the sweep. Throws InputError for bad input; never throws for a child's failure. */
export async function runSweep(opts: RunSweepOptions): Promise<SweepResult> {
  const started = Date.now();
  // The real-shapes phase has its own budget: the sweep's starts when it ends.
  let sweepStarted = started;
  let deadline = started + opts.budgetMs;
  const dataDir = findDataDir(opts.dataDir ? [opts.dataDir] : []);
  const textTask = opts.advisorInput.model.shape.kind === 'transformer';
  if (textTask && !dataDir) throw new InputError(`the profiler's training text (${CORPUS_FILES.join(', ')}) was not found; it ships in the package's data/ folder`);
  const alphabet = dataDir ? loadCorpus(dataDir).alphabet.length : 1;
  const { plan, referenceAdded } = planWithReference(opts, alphabet);
  const state = initialState(opts, plan, referenceAdded, started);
  const update = (outcome: SweepDocument['outcome'] = 'running', extra: { detail?: string; wallSeconds?: number } = {}) => {
    const doc = buildDocument(state, outcome, extra);
    try {
      opts.onUpdate?.(doc);
    } catch {
      // A listener's failure must not stop the sweep.
    }
    return doc;
  };
  const progress = (line: string) => {
    try {
      opts.onProgress?.(line);
    } catch {
      // ignore
    }
  };
  update();
  if (opts.realShapes && !opts.signal?.aborted) {
    const rs = opts.realShapes;
    const { child, leftOut } = await runRealShapesPhase({
      job: realShapesJob(opts.advisorInput, plan.optimizers.map((o) => o.id)),
      budgetMs: Math.max(1000, rs.budgetMs),
      throughput: rs.throughput,
      ...(rs.sliceElements !== undefined ? { sliceElements: rs.sliceElements } : {}),
      ...(rs.reps !== undefined ? { reps: rs.reps } : {}),
      ...(opts.childScript ? { childScript: opts.childScript } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.backend ? { backend: opts.backend } : {}),
      onUpdate: (section) => {
        state.realShapes = section;
        update();
      },
      onProgress: progress,
    });
    state.notes.push(...leftOut);
    if (child.outcome !== 'completed' && child.outcome !== 'cancelled') state.notes.push(`Step cost at the real shapes ${child.outcome}: ${child.detail}`);
    sweepStarted = Date.now();
    deadline = sweepStarted + opts.budgetMs;
  }
  const children = await runChildren(opts, plan, state, dataDir ?? undefined, deadline, recordMeasurements(state, () => update(), progress), progress);
  const { outcome, detail } = sweepOutcome(children, opts.signal?.aborted === true, Date.now() >= deadline);
  const document = update(outcome, { ...(detail ? { detail } : {}), wallSeconds: (Date.now() - sweepStarted) / 1000 });
  return { document, plan, children };
}
