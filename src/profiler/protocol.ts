/**
 * Messages between the parent (run-child.ts, pure Node) and the profiler child (child.ts, tfjs).
 * The parent writes one JSON request line on the child's stdin (or passes it as argv[2]) and may later
 * write {"type":"start"} (to a child asked to wait for it) and {"type":"cancel"}; the child answers with
 * JSON lines on stdout.
 *
 * Every message, and every measurement record a child streams in one, is declared once, as a TypeBox schema
 * (ARCHITECTURE.md "Data shapes"): the types below derive from the schemas (the child builds its records as
 * them), and `parseChildRequest`, `parseChildMessage`, `partialDataProblem` and `isCancel` check incoming
 * JSON against them (src/core/schema/check.ts).
 */
import { InputError } from '../core/types';
import { checkValue, firstProblem, problemMessage, type Declared } from '../core/schema/check';
import { HyperValueSchema, Named, OneOf, OrNull, Type } from '../core/schema/declare';
import { PROFILE_BACKENDS, REAL_SHAPES_METHODS, ROBUSTNESS_PROBES, SpreadSchema } from '../core/profile/profile-types';
import { TRACE_PROBLEMS } from '../core/profile/trace-problems';
import { ProxySpecSchema } from './sweep/proxy';

const BackendNameSchema = OneOf(PROFILE_BACKENDS);

const Strings = Type.Array(Type.String());
const PositiveNumber = Type.Number({ exclusiveMinimum: 0 });
const Hyper = Named(HyperValueSchema, 200);

const BackendRequestSchema = Type.Object({
  extraModuleDirs: Type.Optional(Strings),
  wasmDirs: Type.Optional(Strings),
  allow: Type.Optional(Type.Array(BackendNameSchema)),
  requiredKernels: Type.Optional(Strings),
});
export type BackendRequest = Declared<typeof BackendRequestSchema>;

const TraceRequestSchema = Type.Object({
  kind: Type.Literal('trace'),
  optimizer: Type.String(),
  problem: OneOf(TRACE_PROBLEMS),
  steps: Type.Integer({ minimum: 0 }),
  /** Learning rate; overrides `hyper.lr`. */
  lr: Type.Optional(PositiveNumber),
  /** Other hyperparameters; the rest take the reference defaults. */
  hyper: Type.Optional(Hyper),
  start: Type.Optional(Type.Tuple([Type.Number(), Type.Number()])),
  backend: Type.Optional(BackendRequestSchema),
});
export type TraceRequest = Declared<typeof TraceRequestSchema>;

/** One optimizer of a sweep request: its learning rates and its other hyperparameters. */
const SweepOptimizerRequestSchema = Type.Object({
  id: Type.String(),
  lrs: Type.Array(PositiveNumber, { minItems: 1 }),
  /** Hyperparameters other than lr (profiler keys). */
  hyper: Hyper,
  /** AdaHessian/Sophia: Hessian-vector products by double backprop or finite differences. */
  hvp: Type.Optional(OneOf(['autodiff', 'finite-difference'])),
  /** The optimizer's recommended lr: the robustness probes' and the timing phase's (default: the middle of `lrs`). */
  recommendedLr: Type.Optional(PositiveNumber),
});
export type SweepOptimizerRequest = Declared<typeof SweepOptimizerRequestSchema>;

/** Train the proxy with each optimizer (src/profiler/sweep): see sweep/child-sweep.ts. */
const SweepRequestSchema = Type.Object({
  kind: Type.Literal('sweep'),
  spec: ProxySpecSchema,
  /** Folder holding the training text (text proxies). */
  dataDir: Type.Optional(Type.String()),
  optimizers: Type.Array(SweepOptimizerRequestSchema, { minItems: 1 }),
  seeds: Type.Array(Type.Integer()),
  steps: Type.Integer({ minimum: 1 }),
  /** Use the fused kernels where they exist (default true). */
  fused: Type.Optional(Type.Boolean()),
  evaluationBatches: Type.Optional(Type.Integer({ minimum: 1 })),
  robustness: Type.Optional(Type.Boolean()),
  /** Measure copy bandwidth and each optimizer's effective bandwidth first. */
  bandwidth: Type.Optional(Type.Object({ elements: Type.Integer({ minimum: 1 }), reps: Type.Optional(Type.Integer({ minimum: 1 })) })),
  /**
   * Time each optimizer's step while nothing else of the sweep runs: one run each at its recommended lr
   * and the first seed (no evaluation), `warmupSteps` left out, then `steps` timed in turns
   * (child-sweep.ts); streamed as 'step-time' partials (sweep.ts: the step times of a sweep whose training
   * runs share the machine).
   */
  timing: Type.Optional(Type.Object({ warmupSteps: Type.Integer({ minimum: 0 }), steps: Type.Integer({ minimum: 1 }) })),
  /** Train (default true); false with `bandwidth` or `timing` measures only those. */
  train: Type.Optional(Type.Boolean()),
  /**
   * Start up (backend, modules), send {"type":"ready"} and measure nothing until the parent writes
   * {"type":"start"} on stdin: children start up while no other one measures (sweep.ts). The start line
   * may narrow the request (StartSchema).
   */
  waitForStart: Type.Optional(Type.Boolean()),
  backend: Type.Optional(BackendRequestSchema),
});
export type SweepRequest = Declared<typeof SweepRequestSchema>;

const TENSOR_ROLES = ['embedding', 'position-embedding', 'lm-head', 'matrix', 'conv', 'norm', 'bias', 'router', 'other'] as const;

/**
 * Time each optimizer's step on the real job's tensor kinds (src/profiler/sweep/real-shapes.ts): slices
 * of up to `sliceElements` elements, or scaled shapes of the matrix-preconditioned optimizers.
 */
const RealShapesRequestSchema = Type.Object({
  kind: Type.Literal('real-shapes'),
  optimizers: Type.Array(Type.Object({ id: Type.String(), hyper: Hyper }), { minItems: 1 }),
  /** The model's trainable tensor kinds (src/profiler/sweep/real-shapes-plan.ts tensorKinds). */
  kinds: Type.Array(
    Type.Object({
      name: Type.String({ maxLength: 2000 }),
      shape: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 8 }),
      role: OneOf(TENSOR_ROLES),
      count: Type.Integer({ minimum: 1 }),
    }),
    { minItems: 1, maxItems: 10_000 },
  ),
  /** Wall-clock budget of the whole phase in the child, ms. */
  budgetMs: PositiveNumber,
  sliceElements: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Timed steps per measurement after the warm-up (default 5, fewer when a step is slow). */
  reps: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  backend: Type.Optional(BackendRequestSchema),
});
export type RealShapesRequest = Declared<typeof RealShapesRequestSchema>;

/** Every request the child understands. */
export type ChildRequest = TraceRequest | SweepRequest | RealShapesRequest;

const REQUESTS = { 'trace': TraceRequestSchema, 'sweep': SweepRequestSchema, 'real-shapes': RealShapesRequestSchema } as const;

/**
 * The request the child was given, checked against its declaration; InputError naming the kind and the
 * first problem (`sweep: optimizers[0].lrs[1]: must be greater than 0, got -1`) otherwise.
 */
export function parseChildRequest(value: unknown): ChildRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError('the profiler request is not a JSON object');
  const kind = (value as { kind?: unknown }).kind;
  if (kind !== 'trace' && kind !== 'sweep' && kind !== 'real-shapes') throw new InputError(`unknown profiler request kind ${JSON.stringify(kind)}`);
  const checked = checkValue(REQUESTS[kind], value, undefined, 'request');
  if (!checked.ok) throw new InputError(`${kind}: ${checked.error}`);
  return checked.value as ChildRequest;
}

const BackendMessageSchema = Type.Object({
  type: Type.Literal('backend'),
  name: BackendNameSchema,
  tfBackend: Type.String(),
  reasons: Type.Array(Type.Object({ backend: BackendNameSchema, why: Type.String() })),
  location: Type.Optional(Type.String()),
  wasmSimd: Type.Optional(Type.Boolean()),
  wasmThreads: Type.Optional(Type.Boolean()),
  gradients: Type.String(),
});
export type BackendMessage = Declared<typeof BackendMessageSchema>;

const CHILD_MESSAGES = {
  backend: BackendMessageSchema,
  progress: Type.Object({ type: Type.Literal('progress'), done: Type.Number(), total: Type.Number() }),
  result: Type.Object({ type: Type.Literal('result'), result: Type.Unknown() }),
  /** A measurement streamed while the request runs (sweep: 'run', 'copy-bandwidth', 'optimizer-bandwidth', 'step-time', 'robustness'; real-shapes: 'real-shapes'). */
  partial: Type.Object({ type: Type.Literal('partial'), kind: Type.String(), data: Type.Unknown() }),
  error: Type.Object({ type: Type.Literal('error'), message: Type.String(), inputError: Type.Boolean() }),
  cancelled: Type.Object({ type: Type.Literal('cancelled') }),
  /** A request with `waitForStart` is loaded and waits for the parent's start line. */
  ready: Type.Object({ type: Type.Literal('ready') }),
} as const;
type ChildMessages = typeof CHILD_MESSAGES;
export type ChildMessage = { [K in keyof ChildMessages]: Declared<ChildMessages[K]> }[keyof ChildMessages];

/**
 * The measurements a child streams ('partial' messages), declared once: the child builds its records as
 * these types (sweep/train.ts, sweep/child-sweep.ts, kernels/bandwidth.ts, sweep/real-shapes.ts) and the
 * parent checks each record it receives against the same schemas before it reads it. A child of another
 * build, or one that goes wrong, must not take the parent's document down with a record it cannot read:
 * sweep.ts and real-shapes-phase.ts leave such a record out, with a note (partialDataProblem, leftOutNote).
 * Numbers arrive through JSON, so NaN and Infinity arrive as null.
 */
const LossCurve = Type.Array(OrNull(Type.Number()));
const Timings = Type.Array(Type.Number());

/** The update implementation that ran: a fused kernel (kernels/storage.ts KernelPath) or TensorFlow.js ops. */
export const KERNELS_USED = ['wasm-simd', 'js-loop', 'tfjs-ops'] as const;
export type KernelUsed = (typeof KERNELS_USED)[number];
const KernelUsedSchema = OneOf(KERNELS_USED);

/**
 * One state tensor an optimizer holds, measured from the tensor itself (optimizers/base.ts stateTensors).
 * `dtype` is the estimator's name of the type (src/core/types DType); the parent only passes it on.
 */
const HeldStateTensorSchema = Type.Object({
  /** Name of the parameter variable the state belongs to. */
  param: Type.String(),
  /** State name as the reference implementation calls it. */
  name: Type.String(),
  shape: Type.Array(Type.Number()),
  dtype: Type.String(),
  bytes: Type.Number(),
});
export type HeldStateTensor = Declared<typeof HeldStateTensorSchema>;

/** One training run of the sweep (sweep/train.ts). */
const RunRecordSchema = Type.Object({
  optimizer: Type.String(),
  lr: Type.Number(),
  seed: Type.Number(),
  /** Training loss at every step (null where not finite); shorter than `steps` when the run stopped. */
  lossCurve: LossCurve,
  /** Mean loss on the evaluation set after training; null when the run diverged. */
  finalLoss: OrNull(Type.Number()),
  diverged: Type.Boolean(),
  /** The step at which divergence was detected. */
  divergedAtStep: Type.Optional(Type.Number()),
  initialLoss: OrNull(Type.Number()),
  /** Step wall times after the warm-up steps, ms (empty when they were measured beside other work: sweep.ts). */
  stepMs: Timings,
  /** Update wall times after the warm-up steps, ms (empty for optimizers that need the loss). */
  updateMs: Timings,
  /**
   * Bytes of every tensor the optimizer held after training, measured from the engine: what
   * optimizer.dispose() released (its per-parameter state plus anything else it allocated, such as
   * 8-bit AdamW's quantile maps).
   */
  measuredStateBytes: Type.Number(),
  /** The per-parameter state tensors it lists (ProfilerOptimizer.stateTensors()); empty after an optimizer's first run. */
  stateTensors: Type.Array(HeldStateTensorSchema),
  /** Largest tf.memory().numBytes sampled during the run. */
  peakEngineBytes: Type.Number(),
  kernel: KernelUsedSchema,
  /** AdaHessian/Sophia: how the Hessian-vector products were computed, and why a fallback happened. */
  hessian: Type.Optional(Type.Object({ method: Type.String(), fallbackReason: Type.Optional(Type.String()) })),
  /** The run was stopped by cancellation before its last step. */
  stopped: Type.Boolean(),
});
export type RunRecord = Declared<typeof RunRecordSchema>;

/**
 * One optimizer's step timed alone (the timing phase, sweep/child-sweep.ts): `stepMs.length` timed steps of
 * one run without evaluation after `warmupSteps`, at the recommended lr and the first seed (the first steps
 * of that sweep run, the same operations; its variables have names of their own), or at the first other lr
 * from the smallest up whose run does not diverge during the warm-up steps.
 */
const StepTimeRecordSchema = Type.Object({
  optimizer: Type.String(),
  lr: Type.Number(),
  seed: Type.Number(),
  warmupSteps: Type.Number(),
  /** Step wall times after the warm-up steps, ms. */
  stepMs: Timings,
  /** Update wall times after the warm-up steps, ms (empty for optimizers that need the loss). */
  updateMs: Timings,
  /** The run diverged before its last timed step (stepMs is then shorter, as it is when the phase was stopped part-way). */
  diverged: Type.Boolean(),
});
export type StepTimeRecord = Declared<typeof StepTimeRecordSchema>;

/** One robustness probe of one optimizer (sweep/child-sweep.ts). */
const RobustnessRecordSchema = Type.Object({
  optimizer: Type.String(),
  probe: OneOf(ROBUSTNESS_PROBES),
  lr: Type.Number(),
  seed: Type.Number(),
  /** Why the probe does not apply to the optimizer (it was not run). */
  notApplicable: Type.Optional(Type.String()),
  lossCurve: LossCurve,
  finalLoss: OrNull(Type.Number()),
  diverged: Type.Boolean(),
  divergedAtStep: Type.Optional(Type.Number()),
});
export type RobustnessRecord = Declared<typeof RobustnessRecordSchema>;

/** The backend's copy bandwidth (kernels/bandwidth.ts). */
const CopyBandwidthSchema = Type.Object({
  GBps: Type.Number(),
  method: Type.String(),
  elements: Type.Number(),
  /** Every method tried, GB/s. */
  methods: Type.Record(Type.String(), Type.Number()),
});
export type CopyBandwidth = Declared<typeof CopyBandwidthSchema>;

/** One optimizer's effective bandwidth (kernels/bandwidth.ts). */
const OptimizerBandwidthSchema = Type.Object({
  optimizer: Type.String(),
  kernel: KernelUsedSchema,
  elements: Type.Number(),
  /** Median step time of the update alone, ms. */
  stepMs: Type.Number(),
  bytesPerParam: Type.Number(),
  GBps: Type.Number(),
  /** The copy bandwidth timed alternately with this optimizer's steps (kernels/bandwidth.ts), GB/s. */
  copyGBps: Type.Number(),
  /** GBps / copyGBps. */
  fractionOfCopy: Type.Number(),
  /** The same optimizer through tfjs ops, when the fused kernel ran (for comparison). */
  unfused: Type.Optional(Type.Object({ stepMs: Type.Number(), GBps: Type.Number(), copyGBps: Type.Number(), fractionOfCopy: Type.Number() })),
});
export type OptimizerBandwidth = Declared<typeof OptimizerBandwidthSchema>;

/** One tensor kind of one optimizer, per tensor of the kind, at its real shape (sweep/real-shapes.ts). */
const RealShapesKindRecordSchema = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Number()),
  count: Type.Number(),
  method: OneOf(REAL_SHAPES_METHODS),
  stepMs: SpreadSchema,
  stateBytes: Type.Number(),
  /** What was timed and how it was scaled, one line. */
  detail: Type.String(),
  /** Elementwise slices: per-element cost at the full slice over the half slice. */
  linearityRatio: Type.Optional(Type.Number()),
});
export type RealShapesKindRecord = Declared<typeof RealShapesKindRecordSchema>;

/** What the real-shapes child streams for one optimizer (sweep/real-shapes.ts). */
const RealShapesRecordSchema = Type.Object({
  optimizer: Type.String(),
  kinds: Type.Array(RealShapesKindRecordSchema),
  /** Kinds that could not be measured, each with the reason. */
  missing: Type.Array(Type.Object({ name: Type.String(), why: Type.String() })),
  /** The refresh interval the step was amortised over (matrix optimizers that refresh), else null. */
  refreshInterval: OrNull(Type.Number()),
  elapsedMs: Type.Number(),
});
export type RealShapesRecord = Declared<typeof RealShapesRecordSchema>;

const PARTIAL_DATA = {
  'run': RunRecordSchema,
  'step-time': StepTimeRecordSchema,
  'robustness': RobustnessRecordSchema,
  'copy-bandwidth': CopyBandwidthSchema,
  'optimizer-bandwidth': OptimizerBandwidthSchema,
  'real-shapes': RealShapesRecordSchema,
} as const;

/** Why a measurement's data cannot be read (`data.stepMs[0]: expected a finite number, got null`), or null when it can. */
export function partialDataProblem(kind: string, data: unknown): string | null {
  if (!Object.prototype.hasOwnProperty.call(PARTIAL_DATA, kind)) return `unknown measurement kind '${kind}'`;
  const problem = firstProblem(PARTIAL_DATA[kind as keyof typeof PARTIAL_DATA], data);
  return problem ? problemMessage({ path: ['data', ...problem.path], problem: problem.problem }) : null;
}

/** The note on a measurement left out for its problem (partialDataProblem). */
export function leftOutNote(kind: string, problem: string): string {
  return `Left out a profiler child's '${kind}' measurement: ${problem}.`;
}

const CancelSchema = Type.Object({ type: Type.Literal('cancel') });
/**
 * The line that lets a child that waits for it (SweepRequest.waitForStart) begin. The parent decides some
 * things only once the children have loaded their backend (sweep.ts), so the line may narrow the request:
 * `optimizers`, the ids of the request's optimizers to train, in this order (default: all of them);
 * `timing: false` skips the request's timing phase.
 */
const StartSchema = Type.Object({
  type: Type.Literal('start'),
  optimizers: Type.Optional(Strings),
  timing: Type.Optional(Type.Boolean()),
});
export type StartMessage = Declared<typeof StartSchema>;
export type ParentMessage = Declared<typeof CancelSchema> | StartMessage;
/** The plain start line (nothing narrowed). */
export const START_LINE = `${JSON.stringify({ type: 'start' })}\n`;

/** The start line with what it narrows. */
export function startLine(narrow: Omit<StartMessage, 'type'> = {}): string {
  return `${JSON.stringify({ type: 'start', ...narrow })}\n`;
}

/** The sweep request as the start message narrows it; InputError when it names an optimizer the request lacks. */
export function applyStart(request: SweepRequest, start: StartMessage): SweepRequest {
  let optimizers = request.optimizers;
  if (start.optimizers) {
    optimizers = start.optimizers.map((id) => {
      const o = request.optimizers.find((x) => x.id === id);
      if (!o) throw new InputError(`start: optimizer '${id}' is not in the sweep request`);
      return o;
    });
  }
  const { timing, ...rest } = request;
  return {
    ...rest,
    optimizers,
    ...(timing && start.timing !== false ? { timing } : {}),
    // Nothing left to train: the request's own `train` stands otherwise.
    ...(optimizers.length === 0 ? { train: false } : {}),
  };
}

function jsonObjectLine(line: string): object | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : null;
  } catch {
    return null;
  }
}

/**
 * A stdout line as a child message, or null when the line is not one (stray output, or a line whose
 * fields do not match its type's declaration). An error message without `inputError` counts as false.
 */
export function parseChildMessage(line: string): ChildMessage | null {
  const value = jsonObjectLine(line);
  if (value === null) return null;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(CHILD_MESSAGES, type)) return null;
  const message = type === 'error' && !('inputError' in value) ? { ...value, inputError: false } : value;
  const checked = checkValue(CHILD_MESSAGES[type as keyof ChildMessages], message);
  return checked.ok ? (checked.value as ChildMessage) : null;
}

/** Whether a control line on the child's stdin is the parent's cancel message. */
export function isCancel(line: string): boolean {
  const value = jsonObjectLine(line);
  return value !== null && checkValue(CancelSchema, value).ok;
}

/** The parent's start message, when a control line on the child's stdin is one; null otherwise. */
export function parseStart(line: string): StartMessage | null {
  const value = jsonObjectLine(line);
  if (value === null) return null;
  const checked = checkValue(StartSchema, value);
  return checked.ok ? (checked.value as StartMessage) : null;
}
