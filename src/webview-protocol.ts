/**
 * The one message protocol between the extension host (src/extension/sidebar) and the sidebar
 * webview (webview/). Three kinds of message:
 * - commands: view -> host, fire and forget (`ready`, `copySnippet`, `runAction`, `cancelProfile`, ...);
 * - requests: view -> host with a numeric `id`, answered by exactly one response with the same id and
 *   type (`ok: true` with a payload, or `ok: false` with an error message);
 * - notifications: host -> view, unsolicited (`environment`, `jobs`, `activeJob`, `profileProgress`, ...).
 * Both sides check every incoming message with `parseViewMessage` / `parseHostMessage`; a malformed
 * message is rejected with a one-line reason (logged and reported), never acted on, and a message
 * that passes arrives as a copy holding only the declared fields.
 *
 * Every payload is declared once, as a TypeBox schema (ARCHITECTURE.md "Data shapes"): the schema is
 * the runtime check (src/core/schema/check.ts, TypeBox's interpreted `Value` functions, as the
 * webview's CSP allows no eval) and the TypeScript types below are derived from it.
 *
 * The view only renders: the estimator, the advisor, the profiler and file edits run in the host.
 * Pure TypeScript: no DOM, no 'vscode', no Node APIs (it is bundled into the webview too).
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { checkValue, firstProblem, problemMessage, type Declared, type Parsed, type PathSegment, type Problem } from './core/schema/check';
import { HyperValueSchema, Named, OneOf, OrNull, Type } from './core/schema/declare';
import { ProfileResultDocumentSchema } from './core/profile/profile-types';
import { profileDocumentProblem } from './core/profile/profile-validate';
import { MAX_TRACE_STEPS, TRACE_PROBLEMS } from './core/profile/trace-problems';
import { visibleText } from './core/display-text';
import { PASTE_FORMATS } from './core/fixes/paste-formats';
import { SNIPPET_KINDS } from './core/fixes/snippet-kinds';
import { TIERS, WARMUP_UNITS } from './core/advisor/types';
import { OFFLOAD_TARGETS, ZERO_STAGES, type MemoryBytes } from './core/memory/types';
import { LOAD_DTYPES, PRECISIONS, type HyperValue } from './core/types';

export const PROTOCOL_VERSION = 1;

// ---- Constants the view offers as choices -----------------------------------------------------------

export const ADAPTERS = ['none', 'lora', 'qlora'] as const;
export type Adapter = (typeof ADAPTERS)[number];

/** The memory toggles (the estimator's limits, src/core/memory/defaults.ts LIMITS). */
export const TOGGLE_LIMITS = { maxBatchSize: 1e6, maxSeqLen: 1e7, maxGpus: 1e6, maxLoraRank: 1e5 } as const;

export const SNIPPET_LANGUAGES = ['python', 'json', 'yaml', 'shell'] as const;
export const THEME_KINDS = ['light', 'dark', 'high-contrast', 'high-contrast-light'] as const;
export type ThemeKind = (typeof THEME_KINDS)[number];
/** What the empty states' buttons do (run in the host as VS Code commands). */
export const VIEW_ACTIONS = ['scanWorkspace', 'setGpuBudget', 'showLog', 'openFolder', 'installGpuBackend', 'pickModelConfig'] as const;
export type ViewAction = (typeof VIEW_ACTIONS)[number];
export const PROFILE_OUTCOMES = ['completed', 'cancelled', 'failed'] as const;
export const APPLY_OUTCOMES = ['applied', 'cancelled', 'unavailable'] as const;

// ---- Field kinds ------------------------------------------------------------------------------------

/** Job and file ids travel back to the host unchanged, so they are never clipped (a path is at most 4,096 bytes on Linux). */
const Id = Type.String({ minLength: 1, maxLength: 32_768 });
/**
 * Longest label shown; a longer one (a config string of any length) is clipped, never a reason to
 * drop the message. Labels are one line of text: control and bidi characters in them (from file
 * names and config strings) are shown as `\u{…}` (src/core/display-text.ts).
 */
export const MAX_LABEL_CHARS = 4096;
const Label = Type.Transform(Type.String())
  .Decode((s) => visibleText(s, MAX_LABEL_CHARS))
  .Encode((s) => s);
const LongText = Type.String({ maxLength: 200_000 });
const Bytes = Type.Number({ minimum: 0 });
const Count = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum });
const NullableLabel = OrNull(Label);
const NullableBool = OrNull(Type.Boolean());
const Texts = (maxItems = 1000) => Type.Array(LongText, { maxItems });
export const OptimizerId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$', errorMessage: { pattern: "'{value}' is not an optimizer id" } });
const OptimizerIds = Type.Array(OptimizerId, { maxItems: 64 });

// ---- Shared view models -----------------------------------------------------------------------------

export const JobSummarySchema = Type.Object({
  /** The scanner's job id (stable across scans). */
  id: Id,
  /** What the picker shows, e.g. "examples/llama-lora (meta-llama/Llama-2-7b-hf)". */
  label: Label,
  folder: Label,
  files: Type.Array(Label, { maxItems: 10_000 }),
  /** Model reference (hub id or config path), when the job names one. */
  model: NullableLabel,
  /** Optimizer as the files spell it, when they name one. */
  optimizer: NullableLabel,
  /**
   * Why the job's model could not be resolved ("needs a model config"), null when it could: the view
   * shows it as guidance with a "pick a model config" action, not as an error.
   */
  needsModel: Type.Optional(NullableLabel),
});
export type JobSummary = Declared<typeof JobSummarySchema>;

export const GpuBudgetSchema = Type.Object({
  bytesPerGpu: Type.Number({ exclusiveMinimum: 0 }),
  gpus: Count(1, TOGGLE_LIMITS.maxGpus),
  /** e.g. "NVIDIA RTX 4090 (24 GiB)" or "Setting: A100 80 GB". */
  label: Label,
  /** Where it came from: nvidia-smi, rocm-smi, apple, setting. */
  source: Label,
});
export type GpuBudgetView = Declared<typeof GpuBudgetSchema>;

export const EstimateTogglesSchema = Type.Object({
  precision: OneOf(PRECISIONS),
  /** Per-GPU micro-batch. */
  batchSize: Count(1, TOGGLE_LIMITS.maxBatchSize),
  /** Sequence length; null for models without one (CNNs). */
  seqLen: OrNull(Count(1, TOGGLE_LIMITS.maxSeqLen)),
  gradientCheckpointing: Type.Boolean(),
  /** The dtype the model is loaded in; null when not stated (the estimator then assumes one and says so). */
  loadDtype: OrNull(OneOf(LOAD_DTYPES)),
  adapter: OneOf(ADAPTERS),
  /** LoRA rank (used when adapter is lora or qlora). */
  loraRank: Count(1, TOGGLE_LIMITS.maxLoraRank),
  zeroStage: OneOf(ZERO_STAGES),
  /** ZeRO CPU offload (needs ZeRO; parameters need stage 3). */
  offload: OneOf(OFFLOAD_TARGETS),
  gpus: Count(1, TOGGLE_LIMITS.maxGpus),
});
export type EstimateToggles = Declared<typeof EstimateTogglesSchema>;

/** The estimator's per-GPU breakdown (src/core/memory/types.ts MemoryBytes, field for field). */
const MemoryBytesSchema = Type.Object({
  weights: Bytes, gradients: Bytes, optimizerState: Bytes, masterWeights: Bytes, optimizerTemporaries: Bytes, activations: Bytes,
  overhead: Bytes, cudaContext: Bytes, allocatorReserve: Bytes, cublasWorkspace: Bytes, pagedOptimizerState: Bytes,
  peakAllocated: Bytes, peakReserved: Bytes, peak: Bytes,
});

const MemoryBarSchema = Type.Object({
  optimizer: OptimizerId,
  /** Display name from the catalog, e.g. "AdamW". */
  name: Label,
  /** The estimator's per-GPU breakdown, null when it cannot model this optimizer for the job. */
  bytes: OrNull(MemoryBytesSchema),
  fits: NullableBool,
  error: NullableLabel,
});
export type MemoryBarView = Declared<typeof MemoryBarSchema>;

export const MemoryViewSchema = Type.Object({
  jobId: Id,
  /** The settings these bars were estimated with. */
  toggles: EstimateTogglesSchema,
  budgetBytes: OrNull(Bytes),
  bars: Type.Array(MemoryBarSchema, { maxItems: 200 }),
  /** The estimator's notes on its assumptions. */
  notes: Texts(200),
});
export type MemoryView = Declared<typeof MemoryViewSchema>;

const SnippetSchema = Type.Object({
  framework: OneOf(SNIPPET_KINDS),
  /** Button label, e.g. "PyTorch". */
  label: Label,
  language: OneOf(SNIPPET_LANGUAGES),
  code: LongText,
});
export type SnippetView = Declared<typeof SnippetSchema>;

/**
 * The change to paste in one format (core/fixes/paste.ts `PasteChange`, what `recommend --json` gives as `change`),
 * with the package that provides the optimizer in that format and, where a source records it, its first version.
 */
const PasteChangeSchema = Type.Object({
  format: OneOf(PASTE_FORMATS),
  /** The format's name, e.g. "HF Trainer" (a product name, the same in every language). */
  label: Label,
  language: OneOf(SNIPPET_LANGUAGES),
  code: LongText,
  /** pip names, e.g. "transformers, galore-torch". */
  package: Label,
  /** The first version of the first package with the optimizer; null when no source records it. */
  minVersion: NullableLabel,
  /** Where the package and version come from (a URL or the place in the package). */
  source: LongText,
});
export type PasteChangeView = Declared<typeof PasteChangeSchema>;

const SourceSchema = Type.Object({ title: Label, url: NullableLabel });
export type SourceView = Declared<typeof SourceSchema>;

/** One step of the rule path, in plain words, with the sources it rests on. */
const ReasonSchema = Type.Object({ rule: Label, text: LongText, sources: Type.Array(SourceSchema, { maxItems: 50 }) });
export type ReasonView = Declared<typeof ReasonSchema>;

const HyperparametersSchema = Type.Object({
  lr: OrNull(Type.Number({ minimum: 0 })),
  betas: OrNull(Type.Array(Type.Number(), { maxItems: 8 })),
  eps: OrNull(Type.Union([Type.Number(), Type.Array(Type.Number(), { maxItems: 8 })])),
  weightDecay: Type.Number({ minimum: 0 }),
  /** Warmup length in steps, as a ratio of training, or in epochs; null for none. */
  warmup: OrNull(Type.Object({ unit: OneOf(WARMUP_UNITS), value: Type.Number({ minimum: 0 }) })),
  /** Schedule kind (constant, linear, cosine, step, relative-step) and its parametrisation in words. */
  schedule: Type.Object({ kind: Label, detail: LongText }),
  extra: Named(HyperValueSchema, 100),
});
export type HyperparametersView = Declared<typeof HyperparametersSchema>;

/**
 * One published measurement the ranking weighed for an optimizer (core MeasuredRowView): the row in one
 * checkable line, where it is in the source, and the source's own words.
 */
const MeasuredEvidenceSchema = Type.Object({
  /** "Dettmers et al. 2022 (8-bit optimizers)". */
  cite: Label,
  url: NullableLabel,
  /** The source's setting, e.g. "GLUE fine-tuning". */
  setting: Label,
  /** Where in the source, e.g. "Table 2". */
  locator: Label,
  /** Source, setting and numbers in one line (core describeRow). */
  text: LongText,
  /** The source's own words. */
  excerpt: LongText,
  selfReported: Type.Boolean(),
  /** Similarity of the row's setting to the job (0–1). */
  similarity: Type.Number({ minimum: 0, maximum: 1 }),
});
export type MeasuredEvidenceView = Declared<typeof MeasuredEvidenceSchema>;

const RankedOptimizerSchema = Type.Object({
  optimizer: OptimizerId,
  name: Label,
  rank: Count(1, 1000),
  tier: OneOf(TIERS),
  fits: NullableBool,
  peakBytes: OrNull(Bytes),
  score: Type.Number(),
  /** This is the optimizer the job uses now. */
  current: Type.Boolean(),
  reasons: Type.Array(ReasonSchema, { maxItems: 200 }),
  hyperparameters: HyperparametersSchema,
  /** The hyperparameters that are the job's own (its current optimizer keeps them); empty for other optimizers. */
  own: Texts(20),
  /** Where a cited rule disagrees with the job's own value: the field and the suggestion in words. */
  suggestions: Type.Array(Type.Object({ field: Label, text: LongText }), { maxItems: 20 }),
  snippets: Type.Array(SnippetSchema, { maxItems: 16 }),
  /** The change to paste in every format that can express the optimizer (one per format), the job's own format first; empty when none can. */
  paste: Type.Array(PasteChangeSchema, { maxItems: PASTE_FORMATS.length }),
  /** The measured rows the ranking attached to this optimizer, nearest to the job first (empty: none comparable). */
  evidence: Type.Array(MeasuredEvidenceSchema, { maxItems: 20 }),
});
export type RankedOptimizerView = Declared<typeof RankedOptimizerSchema>;

const StrategyPlanSchema = Type.Object({
  /** The optimizer the plan was computed for (the advisor's strategy base). */
  optimizer: OptimizerId,
  /** Each strategy: what to change (with its settings), what that changes in the job besides memory, the peak after it. */
  steps: Type.Array(Type.Object({ id: Label, text: LongText, changes: LongText, peakBytes: Bytes }), { maxItems: 50 }),
  peakBytes: Bytes,
  fits: NullableBool,
});
export type StrategyPlanView = Declared<typeof StrategyPlanSchema>;

const FactSchema = Type.Object({
  /** The fact's name (JOB_FACT_NAMES). */
  name: Label,
  label: Label,
  value: LongText,
  /** Where it comes from: `path:line:column`, `launcher ...`, `assumed: reason`, ... */
  source: LongText,
  /** Not read from the job's files. */
  assumed: Type.Boolean(),
});
export type FactView = Declared<typeof FactSchema>;

const RecommendationSchema = Type.Object({
  jobId: Id,
  model: Type.Object({ label: Label, family: Label, params: Bytes, trainableParams: Bytes }),
  budget: OrNull(GpuBudgetSchema),
  ranked: Type.Array(RankedOptimizerSchema, { maxItems: 200 }),
  /** Memory strategies combined until the job fits (null when not needed or unknown). */
  plan: OrNull(StrategyPlanSchema),
  notes: Texts(200),
  assumptions: Texts(200),
  /** Each fact the advice uses with its source (core/job-facts.ts), in JOB_FACT_NAMES order. */
  facts: Type.Array(FactSchema, { maxItems: 50 }),
  /** The job's files can be rewritten by the quick fix (an optimizer setting was found). */
  canApply: Type.Boolean(),
});
export type RecommendationView = Declared<typeof RecommendationSchema>;

export const JobEvaluationSchema = Type.Object({ recommendation: RecommendationSchema, memory: MemoryViewSchema });
export type JobEvaluationView = Declared<typeof JobEvaluationSchema>;

const SavedProfileSchema = Type.Object({
  /** File name in the extension's workspace storage. */
  id: Id,
  /** ISO 8601 time the file was written. */
  savedAt: Label,
  document: ProfileResultDocumentSchema,
});
export type SavedProfileView = Declared<typeof SavedProfileSchema>;

export const ProfilesSchema = Type.Object({
  jobId: Id,
  /** Newest first. */
  profiles: Type.Array(SavedProfileSchema, { maxItems: 100 }),
  /** Saved files that could not be read, with the reason. */
  unreadable: Type.Array(Type.Object({ id: Id, error: Label }), { maxItems: 100 }),
});
export type ProfilesView = Declared<typeof ProfilesSchema>;

const TraceLineSchema = Type.Object({
  optimizer: OptimizerId,
  name: Label,
  lr: OrNull(Type.Number({ exclusiveMinimum: 0 })),
  points: Type.Array(Type.Tuple([Type.Number(), Type.Number()]), { maxItems: MAX_TRACE_STEPS + 1 }),
  divergedAtStep: OrNull(Count(0, MAX_TRACE_STEPS)),
  /** Why this optimizer has no path (the others still draw). */
  error: NullableLabel,
});
export type TraceLineView = Declared<typeof TraceLineSchema>;

export const TraceSchema = Type.Object({
  problem: OneOf(TRACE_PROBLEMS),
  steps: Count(1, MAX_TRACE_STEPS),
  /** Backend the paths were computed on. */
  backend: NullableLabel,
  lines: Type.Array(TraceLineSchema, { maxItems: 50 }),
});
export type TraceView = Declared<typeof TraceSchema>;

export const ProfileRunViewSchema = Type.Object({ runId: Id, jobId: Id, done: Count(0, 1e9), total: Count(0, 1e9), message: NullableLabel });
export type ProfileRunView = Declared<typeof ProfileRunViewSchema>;

// ---- Message maps -----------------------------------------------------------------------------------

const REQUESTS = {
  /** Pick a job: its recommendation and memory bars with the job's own settings. */
  selectJob: { params: Type.Object({ jobId: Id }), result: JobEvaluationSchema },
  /** Re-estimate the memory bars with changed toggles (estimator in the host). */
  reestimate: { params: Type.Object({ jobId: Id, toggles: EstimateTogglesSchema }), result: MemoryViewSchema },
  /** Rewrite the job's optimizer with the quick fix, after the user confirms in the host. */
  applyToConfig: {
    params: Type.Object({ jobId: Id, optimizer: OptimizerId }),
    result: Type.Object({ outcome: OneOf(APPLY_OUTCOMES), message: NullableLabel }),
  },
  /** Saved profile results for the job (read from the extension's workspace storage). */
  loadProfiles: { params: Type.Object({ jobId: Id }), result: ProfilesSchema },
  /** Start a sweep; progress and the end come as notifications with the returned runId. */
  runProfile: { params: Type.Object({ jobId: Id, optimizers: OrNull(OptimizerIds) }), result: Type.Object({ runId: Id }) },
  /** Trajectories of optimizers on a 2-D test function. */
  trace: {
    params: Type.Object({
      problem: OneOf(TRACE_PROBLEMS),
      optimizers: Type.Array(OptimizerId, { minItems: 1, maxItems: 64, errorMessage: { minItems: 'must name at least one optimizer' } }),
      steps: Count(1, MAX_TRACE_STEPS),
      lr: OrNull(Type.Number({ exclusiveMinimum: 0 })),
    }),
    result: TraceSchema,
  },
} satisfies Record<string, { params: TObject; result: TObject }>;

const COMMANDS = {
  /** The view has loaded and listens; the host answers with environment, jobs and budget. */
  ready: Type.Object({ protocol: Count(1, 1000) }),
  copySnippet: Type.Object({ label: Label, text: LongText }),
  runAction: Type.Object({ action: OneOf(VIEW_ACTIONS) }),
  cancelProfile: Type.Object({ runId: Id }),
  /** The view rejected a message or failed; the host logs it. */
  reportProblem: Type.Object({ message: Type.String({ maxLength: 2000 }) }),
} satisfies Record<string, TObject>;

const NOTIFICATIONS = {
  environment: Type.Object({ locale: Type.String({ minLength: 1, maxLength: 32 }), theme: OneOf(THEME_KINDS) }),
  jobs: Type.Object({ jobs: Type.Array(JobSummarySchema, { maxItems: 5000 }), activeJobId: OrNull(Id), scanning: Type.Boolean() }),
  /** The active editor moved to a file of this job (or out of every job). */
  activeJob: Type.Object({ jobId: OrNull(Id) }),
  budget: Type.Object({ budget: OrNull(GpuBudgetSchema) }),
  profileProgress: ProfileRunViewSchema,
  /** Runs in progress (sent when the view becomes ready: a re-shown view picks up a run it did not see start). */
  profileStatus: Type.Object({ runs: Type.Array(ProfileRunViewSchema, { maxItems: 100 }) }),
  profileFinished: Type.Object({ runId: Id, jobId: Id, outcome: OneOf(PROFILE_OUTCOMES), message: NullableLabel }),
  /** The host rejected a message from the view, or an operation failed. */
  problem: Type.Object({ message: Type.String({ maxLength: 2000 }) }),
} satisfies Record<string, TObject>;

export type RequestType = keyof typeof REQUESTS;
export type CommandType = keyof typeof COMMANDS;
export type NotificationType = keyof typeof NOTIFICATIONS;
export type RequestMap = {
  readonly [K in RequestType]: { readonly params: Declared<(typeof REQUESTS)[K]['params']>; readonly result: Declared<(typeof REQUESTS)[K]['result']> };
};
export type CommandMap = { readonly [K in CommandType]: Declared<(typeof COMMANDS)[K]> };
export type NotificationMap = { readonly [K in NotificationType]: Declared<(typeof NOTIFICATIONS)[K]> };
export type RequestParams<K extends RequestType> = RequestMap[K]['params'];
export type RequestResult<K extends RequestType> = RequestMap[K]['result'];

export type ViewRequest = { [K in RequestType]: { readonly kind: 'request'; readonly id: number; readonly type: K; readonly payload: RequestParams<K> } }[RequestType];
export type ViewCommand = { [K in CommandType]: { readonly kind: 'command'; readonly type: K; readonly payload: CommandMap[K] } }[CommandType];
export type ViewMessage = ViewRequest | ViewCommand;

export type HostResponse = {
  [K in RequestType]:
    | { readonly kind: 'response'; readonly id: number; readonly type: K; readonly ok: true; readonly payload: RequestResult<K> }
    | { readonly kind: 'response'; readonly id: number; readonly type: K; readonly ok: false; readonly error: string };
}[RequestType];
export type HostNotification = { [K in NotificationType]: { readonly kind: 'notification'; readonly type: K; readonly payload: NotificationMap[K] } }[NotificationType];
export type HostMessage = HostResponse | HostNotification;

/** The view models are the same shapes the engine's types describe (a drift is a type error here). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const SAME_SHAPES: [Same<MemoryBarView['bytes'], MemoryBytes | null>, Same<HyperparametersView['extra'][string], HyperValue>] = [true, true];
void SAME_SHAPES;

// ---- Constructors (typed, so senders cannot build a malformed message by accident) ------------------

export function makeRequest<K extends RequestType>(id: number, type: K, payload: RequestParams<K>): ViewRequest {
  return { kind: 'request', id, type, payload } as ViewRequest;
}
export function makeCommand<K extends CommandType>(type: K, payload: CommandMap[K]): ViewCommand {
  return { kind: 'command', type, payload } as ViewCommand;
}
export function makeNotification<K extends NotificationType>(type: K, payload: NotificationMap[K]): HostNotification {
  return { kind: 'notification', type, payload } as HostNotification;
}
export function makeResponse<K extends RequestType>(id: number, type: K, payload: RequestResult<K>): HostResponse {
  return { kind: 'response', id, type, ok: true, payload } as HostResponse;
}
export function makeErrorResponse(id: number, type: RequestType, error: string): HostResponse {
  return { kind: 'response', id, type, ok: false, error };
}

// ---- Checks -----------------------------------------------------------------------------------------

const RequestId = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const ViewEnvelope = Type.Object({ kind: OneOf(['request', 'command'] as const), type: Type.String({ maxLength: 64 }) });
const HostEnvelope = Type.Object({ kind: OneOf(['response', 'notification'] as const), type: Type.String({ maxLength: 64 }) });
const ResponseEnvelope = Type.Object({ id: RequestId, ok: Type.Boolean() });

const envelope = <K extends string, T extends TSchema>(kind: K, type: string, payload: T) =>
  Type.Object({ kind: Type.Literal(kind), type: Type.Literal(type), payload });
const withId = <K extends string, T extends TSchema>(kind: K, type: string, payload: T) =>
  Type.Object({ kind: Type.Literal(kind), id: RequestId, type: Type.Literal(type), payload });

function table<T extends Record<string, unknown>, S extends TSchema>(map: T, build: (type: string, entry: T[keyof T]) => S): Readonly<Record<string, S>> {
  return Object.fromEntries(Object.entries(map).map(([type, entry]) => [type, build(type, entry as T[keyof T])]));
}

const REQUEST_MESSAGES = table(REQUESTS, (type, e) => withId('request', type, e.params));
const COMMAND_MESSAGES = table(COMMANDS, (type, payload) => envelope('command', type, payload));
const RESPONSE_MESSAGES = table(REQUESTS, (type, e) => Type.Object({ kind: Type.Literal('response'), id: RequestId, type: Type.Literal(type), ok: Type.Literal(true), payload: e.result }));
const ERROR_RESPONSE = Type.Object({ kind: Type.Literal('response'), id: RequestId, type: Type.String(), ok: Type.Literal(false), error: Type.String({ maxLength: 4000 }) });
const NOTIFICATION_MESSAGES = table(NOTIFICATIONS, (type, payload) => envelope('notification', type, payload));

function has(map: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

const failed = (p: Problem): { ok: false; error: string } => ({ ok: false, error: problemMessage(p) });

/** A run's progress never passes its total. */
function runProblem(run: ProfileRunView, path: readonly PathSegment[]): Problem | null {
  return run.done > run.total ? { path: [...path, 'done'], problem: `${run.done} is more than the total ${run.total}` } : null;
}

/** The rules across fields a schema cannot state, per host message. */
function hostProblem(m: HostMessage): Problem | null {
  if (m.kind === 'notification' && m.type === 'profileProgress') return runProblem(m.payload, ['payload']);
  if (m.kind === 'notification' && m.type === 'profileStatus') {
    for (const [i, run] of m.payload.runs.entries()) {
      const p = runProblem(run, ['payload', 'runs', i]);
      if (p) return p;
    }
  }
  if (m.kind === 'response' && m.ok && m.type === 'loadProfiles') {
    for (const [i, saved] of m.payload.profiles.entries()) {
      const p = profileDocumentProblem(saved.document, ['payload', 'profiles', i, 'document']);
      if (p) return p;
    }
  }
  return null;
}

/** Checks a message the host received from the view. */
export function parseViewMessage(value: unknown): Parsed<ViewMessage> {
  const wrong = firstProblem(ViewEnvelope, value);
  if (wrong) return failed(wrong);
  const { kind, type } = value as { kind: 'request' | 'command'; type: string };
  const messages = kind === 'request' ? REQUEST_MESSAGES : COMMAND_MESSAGES;
  if (!has(messages, type)) return failed({ path: ['type'], problem: `unknown ${kind} '${type}'` });
  return checkValue(messages[type]!, value) as Parsed<ViewMessage>;
}

/** Checks a message the view received from the host. */
export function parseHostMessage(value: unknown): Parsed<HostMessage> {
  const wrong = firstProblem(HostEnvelope, value);
  if (wrong) return failed(wrong);
  const { kind, type } = value as { kind: 'response' | 'notification'; type: string };
  if (kind === 'notification') {
    if (!has(NOTIFICATION_MESSAGES, type)) return failed({ path: ['type'], problem: `unknown notification '${type}'` });
    return checkValue(NOTIFICATION_MESSAGES[type]!, value, (m) => hostProblem(m as HostMessage)) as Parsed<HostMessage>;
  }
  if (!has(RESPONSE_MESSAGES, type)) return failed({ path: ['type'], problem: `unknown response '${type}'` });
  const response = firstProblem(ResponseEnvelope, value);
  if (response) return failed(response);
  if (!(value as { ok: boolean }).ok) return checkValue(ERROR_RESPONSE, value) as Parsed<HostMessage>;
  return checkValue(RESPONSE_MESSAGES[type]!, value, (m) => hostProblem(m as HostMessage)) as Parsed<HostMessage>;
}
