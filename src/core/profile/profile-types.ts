/**
 * The profile result document (`optimizer-advisor profile --json`, and the files the extension saves in
 * its workspace storage), as the README's "Profiling on your machine" describes it: `backend`, `machine`, `results[]` (one per
 * optimizer) with `optimizer`, `stepTimeMs`, `relativeStepCost`, `measuredStateBytes`,
 * `estimatedStateBytes`, `runs[]` ({`lr`, `seed`, `lossCurve`, `finalLoss`, `diverged`}), `bestLr`,
 * `lossCurve`, `finalLoss`, `stepsToTarget`, `diverged`; `paretoFront` (optimizer ids);
 * `copyBandwidthGBps`; plus `schemaVersion`; optionally `realShapes` (the step cost at the real job's tensor shapes,
 * README "Step cost at the real shapes"; absent in documents written before it). Fields beyond that list are the ones
 * the charts need to label what they show (the real job's estimated peak, the recommended lr, the curve stride; the
 * Pareto charts' `evidenceQuality`, published outcomes vs AdamW) and are documented one by one.
 *
 * Declared once, as TypeBox schemas (ARCHITECTURE.md "Data shapes"): each schema gives the TypeScript
 * type (`Declared<>`), the runtime check (profile-validate.ts, src/core/schema/check.ts) and the JSON
 * Schema (scripts/schemas.ts writes schemas/profile.schema.json). The length and count limits keep a
 * damaged or hostile saved file from growing the sidebar without bound.
 *
 * JSON cannot hold NaN or Infinity: a loss that was not finite is written as `null`.
 */
import type { Declared } from '../schema/check';
import { Named, OneOf, OrNull, Type } from '../schema/declare';

export const PROFILE_SCHEMA_VERSION = 1;

/** Backends in the order the profiler tries them (README: Profiling on your machine). */
export const PROFILE_BACKENDS = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type ProfileBackendName = (typeof PROFILE_BACKENDS)[number];

/** Robustness probes (`profile --robustness`): gradients scaled x1e3 / x1e-6, NaN/Inf injected, sparse. */
export const ROBUSTNESS_PROBES = ['explosion', 'vanishing', 'nan-inf', 'sparse'] as const;
export type RobustnessProbe = (typeof ROBUSTNESS_PROBES)[number];

/**
 * Largest profile file read (`recommend --profile`, the sidebar's saved results and the hover): loss curves of
 * every run make it the largest file the tool reads.
 */
export const MAX_PROFILE_BYTES = 256 * 1024 * 1024;

/** Longest loss curve accepted (points). */
const MAX_CURVE = 1_000_000;

const text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });
const nonNegative = (description?: string) => Type.Number({ minimum: 0, ...(description ? { description } : {}) });
const positive = (description?: string) => Type.Number({ exclusiveMinimum: 0, ...(description ? { description } : {}) });
const lossPoint = OrNull(Type.Number());
const curve = (description: string) => Type.Array(lossPoint, { maxItems: MAX_CURVE, description });

const BackendName = OneOf(PROFILE_BACKENDS);

export const ProfileBackendSchema = Type.Object({
  name: OneOf(PROFILE_BACKENDS, { description: 'The backend that ran the sweep.' }),
  tfBackend: Type.Optional(text(100, "TensorFlow.js's own name for it (`tensorflow`, `wasm`, `cpu`), when known.")),
  reasons: Type.Array(Type.Object({ backend: BackendName, why: text(2000) }), { maxItems: 16, description: 'Why each backend tried before this one did not run.' }),
});
export type ProfileBackend = Declared<typeof ProfileBackendSchema>;

/** The machine the sweep was measured on (every chart is labelled with it). */
export const ProfileMachineSchema = Type.Object({
  platform: text(100, '`os.platform()`, e.g. `linux`.'),
  arch: text(100, '`os.arch()`, e.g. `x64`.'),
  cpuModel: text(300, '`os.cpus()[0].model`.'),
  cpuCount: Type.Integer({ minimum: 1, description: 'Logical CPUs.' }),
  memoryBytes: nonNegative('`os.totalmem()`.'),
  node: text(100, '`process.version`.'),
  gpu: Type.Optional(OrNull(text(200), { description: 'GPU the backend used (tfjs-node-gpu only), else null or absent.' })),
});
export type ProfileMachine = Declared<typeof ProfileMachineSchema>;

/** One training run of the sweep: one optimizer, one learning rate, one seed. */
export const ProfileRunSchema = Type.Object({
  lr: positive(),
  seed: Type.Integer(),
  lossCurve: curve('Loss every `curveStride` steps (null where it was not finite).'),
  finalLoss: OrNull(Type.Number(), { description: 'Last loss, null when the run diverged.' }),
  diverged: Type.Boolean(),
});
export type ProfileRun = Declared<typeof ProfileRunSchema>;

export const RobustnessResultSchema = Type.Object({
  probe: OneOf(ROBUSTNESS_PROBES),
  diverged: Type.Boolean({ description: 'The run stopped producing finite losses.' }),
  finalLoss: lossPoint,
  behaviour: text(500, 'What the optimizer did, in one line (e.g. "update clipped, loss recovered within 5 steps").'),
});
export type RobustnessResult = Declared<typeof RobustnessResultSchema>;

/** Everything measured (and, where labelled, modelled) for one optimizer. */
export const ProfileOptimizerResultSchema = Type.Object({
  optimizer: Type.String({ minLength: 1, maxLength: 100, description: 'Catalog id.' }),
  stepTimeMs: nonNegative('Measured: median wall time of one training step (forward, backward, update) on the proxy.'),
  relativeStepCost: nonNegative("Measured: stepTimeMs / AdamW's stepTimeMs on the same proxy and backend."),
  measuredStateBytes: nonNegative('Measured: bytes of every tensor the optimizer held (released by dispose()).'),
  estimatedStateBytes: nonNegative("Modelled: the estimator's per-tensor optimizer state for the proxy's shapes (must equal the measured figure)."),
  samplesPerSecond: Type.Optional(nonNegative('Measured: proxy batch / stepTimeMs.')),
  peakEngineBytes: Type.Optional(nonNegative('Measured: largest tf.memory().numBytes sampled during the runs.')),
  effectiveBandwidthGBps: Type.Optional(nonNegative('Measured: bytes one update must move / update time, GB/s.')),
  estimatedPeakBytes: OrNull(nonNegative(), {
    description: "Modelled: the estimator's peak per GPU for the REAL job with this optimizer; null when it cannot model it. The Pareto chart's memory axis.",
  }),
  recommendedLr: Type.Optional(positive("The advisor's learning rate for this optimizer; the sweep tries it x1/3, x1 and x3.")),
  runs: Type.Array(ProfileRunSchema, { maxItems: 10_000 }),
  bestLr: OrNull(positive(), { description: 'The lr with the lowest median final loss over seeds; null when every lr diverged.' }),
  lossCurve: curve('Median curve over seeds at bestLr.'),
  finalLoss: OrNull(Type.Number(), { description: 'Median final loss over seeds at bestLr; null when it diverged.' }),
  stepsToTarget: OrNull(Type.Integer({ minimum: 0 }), { description: "Steps until the loss first reached the sweep's target loss; null when it never did." }),
  diverged: Type.Boolean({ description: 'Every run at every lr diverged.' }),
  robustness: Type.Optional(Type.Array(RobustnessResultSchema, { maxItems: 16 })),
});
export type ProfileOptimizerResult = Declared<typeof ProfileOptimizerResultSchema>;

/**
 * A time's spread over the timed steps, ms (for a whole model: the parts' medians, minima and maxima added): the
 * document's real-shapes step cost, the profiler child's record of each tensor kind (src/profiler/protocol.ts) and the
 * maths that builds them (src/profiler/sweep/real-shapes-plan.ts).
 */
export const SpreadSchema = Type.Object({ median: nonNegative(), min: nonNegative(), max: nonNegative() });
export type Spread = Declared<typeof SpreadSchema>;

/**
 * How a step cost at the real shapes was obtained (README: Profiling on your machine, "Step cost at the real shapes"),
 * from the most direct to the least: a sum is as weak as its weakest part (real-shapes-plan.ts weakestMethod).
 */
export const REAL_SHAPES_METHODS = ['whole', 'sampled', 'extrapolated'] as const;

/** One optimizer's step cost on the real job's tensor shapes. */
export const RealShapesResultSchema = Type.Object({
  optimizer: Type.String({ minLength: 1, maxLength: 100, description: 'Catalog id.' }),
  stepMs: OrNull(SpreadSchema, {
    description: "Measured on this machine: the optimizer's update of every trainable tensor of the real model, ms (median, min, max); null when it could not be measured in the phase's budget (see notMeasured).",
  }),
  method: OrNull(OneOf(REAL_SHAPES_METHODS), {
    description: "'whole': every tensor kind timed at its real size; 'sampled': slices timed and scaled linearly; 'extrapolated': matrix work timed at smaller sizes and extrapolated (the weakest part decides).",
  }),
  stateBytesMeasured: OrNull(nonNegative(), { description: 'Measured: bytes the optimizer allocated (tf.memory() deltas), scaled to the whole model like the time.' }),
  stateBytesEstimated: OrNull(nonNegative(), { description: "Modelled: the memory estimator's optimizer state for the same model (all trainable tensors, before any ZeRO partitioning)." }),
  shareOfTrainingStep: OrNull(Type.Number({ minimum: 0, maximum: 1 }), { description: 'stepMs.median / (stepMs.median + forward/backward time of the assumption); null without a throughput figure.' }),
  shareAssumption: text(1000, 'The assumption behind shareOfTrainingStep.'),
  detail: Type.Array(text(2000), { maxItems: 500, description: 'What was timed for each tensor kind, and how it was scaled or extrapolated.' }),
  notMeasured: Type.Optional(text(4000, 'Why stepMs is null or incomplete.')),
});
export type RealShapesResult = Declared<typeof RealShapesResultSchema>;
export type RealShapesMethod = (typeof REAL_SHAPES_METHODS)[number];

/** The real-shapes phase of a profile (absent in documents written before it existed). */
export const RealShapesSectionSchema = Type.Object({
  outcome: OneOf(['running', 'completed', 'budget-exceeded', 'cancelled', 'crashed', 'failed'] as const),
  budgetSeconds: nonNegative('The phase\'s wall-clock budget.'),
  wallSeconds: Type.Optional(nonNegative()),
  sliceElements: Type.Integer({ minimum: 1, description: 'Largest slice of one tensor that was timed.' }),
  trainableParams: nonNegative('Elements of the tensors the optimizer steps (the core\'s per-tensor inventory).'),
  tensorKinds: Type.Integer({ minimum: 0, description: 'Kinds of trainable tensors (same name up to the layer index, shape and role).' }),
  forwardBackward: Type.Object({
    ms: OrNull(nonNegative(), { description: 'Assumed forward + backward time of one optimizer step\'s tokens, ms; null without a throughput figure.' }),
    tokensPerStep: nonNegative('Per GPU: micro-batch x gradient accumulation x sequence length.'),
    params: nonNegative('N: all parameters of the model.'),
    tflops: OrNull(positive(), { description: 'Peak dense 16-bit tensor throughput of the GPU assumed, TFLOPS.' }),
    gpu: OrNull(text(300)),
    assumption: text(1000),
  }),
  results: Type.Array(RealShapesResultSchema, { maxItems: 200 }),
  notes: Type.Array(text(2000), { maxItems: 100 }),
});
export type RealShapesSection = Declared<typeof RealShapesSectionSchema>;

/** One published measurement behind an optimizer's quality figure. */
export const QualityCitationSchema = Type.Object({
  cite: text(300),
  url: text(2000),
  locator: text(500),
  task: text(500),
  z: Type.Number({ description: "The source's outcome vs AdamW (mean over its nearest runs), in its settings' spread units." }),
  runs: Type.Integer({ minimum: 0, description: "The source's nearest runs behind z." }),
  similarity: nonNegative('Similarity of the setting to the job (1 = same kind of job).'),
  selfReported: Type.Boolean(),
  versus: text(100, "What the source's outcome is relative to: adamw, or the Adam/NAdamW baseline its setting used."),
});
export type QualityCitationEntry = Declared<typeof QualityCitationSchema>;

/** The quality axis of the Pareto charts for one optimizer: published evidence, not measured on this machine. */
export const EvidenceQualitySchema = Type.Object({
  median: OrNull(Type.Number(), { description: 'Median outcome vs AdamW over the nearest published runs (+ = better; 0 = AdamW); null: no measured evidence.' }),
  basis: OneOf(['measured', 'reference', 'none'] as const),
  runs: Type.Integer({ minimum: 0, description: 'Runs (source × setting group) behind the median.' }),
  sources: Type.Integer({ minimum: 0, description: 'Sources behind the median (one value each).' }),
  nearestSimilarity: OrNull(nonNegative()),
  citations: Type.Array(QualityCitationSchema, { maxItems: 20 }),
});

export const ProfileResultDocumentSchema = Type.Object({
  schemaVersion: Type.Literal(PROFILE_SCHEMA_VERSION, { errorMessage: `this version reads schema ${PROFILE_SCHEMA_VERSION}, the file has {value}` }),
  createdAt: Type.Optional(text(64, 'ISO 8601 time the sweep started.')),
  backend: ProfileBackendSchema,
  machine: ProfileMachineSchema,
  job: Type.Optional(Type.Object({ id: text(2000), model: text(2000) }, { description: 'The job the sweep was derived from.' })),
  proxy: Type.Optional(Type.Object({ description: text(2000), params: nonNegative() }, { description: 'The proxy that was trained.' })),
  steps: Type.Optional(Type.Integer({ minimum: 1, description: 'Optimizer steps per run.' })),
  curveStride: Type.Optional(Type.Integer({ minimum: 1, description: 'Steps between two points of a loss curve (1 = every step). Default 1.' })),
  targetLoss: Type.Optional(OrNull(Type.Number(), { description: '1.1 x the best final loss of the sweep (the target of stepsToTarget).' })),
  results: Type.Array(ProfileOptimizerResultSchema, { maxItems: 200 }),
  paretoFront: Type.Array(text(100), {
    maxItems: 200,
    description: 'Optimizer ids on the Pareto front over (estimated peak memory, step time, quality vs AdamW) (src/core/profile/pareto.ts).',
  }),
  copyBandwidthGBps: OrNull(nonNegative(), { description: 'Copy bandwidth of the backend measured in the same run, GB/s (null when not measured).' }),
  complete: Type.Optional(Type.Boolean({ description: 'False when the sweep was cancelled or crashed and this holds what was measured until then.' })),
  realShapes: Type.Optional(RealShapesSectionSchema),
  evidenceQuality: Type.Optional(Type.Object({
    job: text(500, 'The job as the evidence similarity sees it.'),
    reference: text(100, 'The optimizer the outcomes are relative to (adamw).'),
    optimizers: Named(EvidenceQualitySchema, 200, { description: 'Per optimizer id.' }),
  }, { description: "The Pareto charts' quality axis: the median outcome relative to AdamW over the nearest published measurements (src/core/advisor/quality.ts)." })),
});
export type ProfileResultDocument = Declared<typeof ProfileResultDocumentSchema>;
