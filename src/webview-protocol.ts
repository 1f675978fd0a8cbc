/**
 * The one message protocol between the extension host (src/extension/sidebar) and the sidebar
 * webview (webview/). Three kinds of message:
 * - commands: view -> host, fire and forget (`ready`, `copySnippet`, `runAction`, `cancelProfile`, ...);
 * - requests: view -> host with a numeric `id`, answered by exactly one response with the same id and
 *   type (`ok: true` with a payload, or `ok: false` with an error message);
 * - notifications: host -> view, unsolicited (`environment`, `jobs`, `activeJob`, `profileProgress`, ...).
 * Both sides check every incoming message with `parseViewMessage` / `parseHostMessage`; a malformed
 * message is rejected with a one-line reason (logged and reported), never acted on.
 *
 * The view only renders: the estimator, the advisor, the profiler and file edits run in the host.
 * Pure TypeScript: no DOM, no 'vscode', no Node APIs (it is bundled into the webview too).
 */
import {
  at, parseWith, readArray, readBoolean, readField, readHyperValue, readNullable, readNumber, readObject, readOneOf,
  readRecord, readString, ShapeError, type Parsed,
} from './core/parse/json-check';
import { ProfileResultDocumentSchema, type ProfileResultDocument } from './core/profile/profile-types';
import { profileDocumentProblem } from './core/profile/profile-validate';
import { checkValue } from './core/schema/check';
import { visibleText } from './core/display-text';
import type { MemoryBytes } from './core/memory/types';
import type { HyperValue, Precision } from './core/types';

export const PROTOCOL_VERSION = 1;

// ---- Shared view models ------------------------------------------------------------------------------

export interface JobSummary {
  /** The scanner's job id (stable across scans). */
  readonly id: string;
  /** What the picker shows, e.g. "examples/llama-lora (meta-llama/Llama-2-7b-hf)". */
  readonly label: string;
  readonly folder: string;
  readonly files: readonly string[];
  /** Model reference (hub id or config path), when the job names one. */
  readonly model: string | null;
  /** Optimizer as the files spell it, when they name one. */
  readonly optimizer: string | null;
  /**
   * Why the job's model could not be resolved ("needs a model config"), null when it could: the view
   * shows it as guidance with a "pick a model config" action, not as an error.
   */
  readonly needsModel?: string | null;
}

export interface GpuBudgetView {
  readonly bytesPerGpu: number;
  readonly gpus: number;
  /** e.g. "NVIDIA RTX 4090 (24 GiB)" or "Setting: A100 80 GB". */
  readonly label: string;
  /** Where it came from: nvidia-smi, rocm-smi, apple, setting. */
  readonly source: string;
}

export const PRECISIONS: readonly Precision[] = ['fp32', 'fp16-mixed', 'bf16-mixed', 'bf16', 'fp16'];
export const ADAPTERS = ['none', 'lora', 'qlora'] as const;
export type Adapter = (typeof ADAPTERS)[number];
export const ZERO_STAGES = [0, 1, 2, 3] as const;
/** ZeRO CPU offload, as `estimate --offload` takes it. */
export const OFFLOADS = ['none', 'optimizer', 'params'] as const;
export type OffloadToggle = (typeof OFFLOADS)[number];
/** How the base weights are loaded (`from_pretrained` torch_dtype/dtype); null = the job does not say. */
export const LOAD_DTYPES = ['fp32', 'bf16', 'fp16', 'auto'] as const;
export type LoadDtypeToggle = (typeof LOAD_DTYPES)[number];
export type ZeroStage = (typeof ZERO_STAGES)[number];

/** The memory toggles (the estimator's limits, src/core/memory/defaults.ts LIMITS). */
export const TOGGLE_LIMITS = { maxBatchSize: 1e6, maxSeqLen: 1e7, maxGpus: 1e6, maxLoraRank: 1e5 } as const;

export interface EstimateToggles {
  readonly precision: Precision;
  /** Per-GPU micro-batch. */
  readonly batchSize: number;
  /** Sequence length; null for models without one (CNNs). */
  readonly seqLen: number | null;
  readonly gradientCheckpointing: boolean;
  /** The dtype the model is loaded in; null when not stated (the estimator then assumes one and says so). */
  readonly loadDtype: LoadDtypeToggle | null;
  readonly adapter: Adapter;
  /** LoRA rank (used when adapter is lora or qlora). */
  readonly loraRank: number;
  readonly zeroStage: ZeroStage;
  /** ZeRO CPU offload (needs ZeRO; parameters need stage 3). */
  readonly offload: OffloadToggle;
  readonly gpus: number;
}

export interface MemoryBarView {
  readonly optimizer: string;
  /** Display name from the catalog, e.g. "AdamW". */
  readonly name: string;
  /** The estimator's per-GPU breakdown, null when it cannot model this optimizer for the job. */
  readonly bytes: MemoryBytes | null;
  readonly fits: boolean | null;
  readonly error: string | null;
}

export interface MemoryView {
  readonly jobId: string;
  /** The settings these bars were estimated with. */
  readonly toggles: EstimateToggles;
  readonly budgetBytes: number | null;
  readonly bars: readonly MemoryBarView[];
  /** The estimator's notes on its assumptions. */
  readonly notes: readonly string[];
}

export const SNIPPET_FRAMEWORKS = ['pytorch', 'hf-trainer', 'deepspeed', 'optax'] as const;
export type SnippetFramework = (typeof SNIPPET_FRAMEWORKS)[number];
export const SNIPPET_LANGUAGES = ['python', 'json', 'yaml'] as const;

export interface SnippetView {
  readonly framework: SnippetFramework;
  /** Button label, e.g. "PyTorch". */
  readonly label: string;
  readonly language: (typeof SNIPPET_LANGUAGES)[number];
  readonly code: string;
}

export interface SourceView {
  readonly title: string;
  readonly url: string | null;
}

/** One step of the rule path, in plain words, with the sources it rests on. */
export interface ReasonView {
  readonly rule: string;
  readonly text: string;
  readonly sources: readonly SourceView[];
}

export const WARMUP_UNITS = ['steps', 'ratio', 'epochs'] as const;

export interface HyperparametersView {
  readonly lr: number | null;
  readonly betas: readonly number[] | null;
  readonly eps: number | readonly number[] | null;
  readonly weightDecay: number;
  /** Warmup length in steps, as a ratio of training, or in epochs; null for none. */
  readonly warmup: { readonly unit: (typeof WARMUP_UNITS)[number]; readonly value: number } | null;
  /** Schedule kind (constant, linear, cosine, step, relative-step) and its parametrisation in words. */
  readonly schedule: { readonly kind: string; readonly detail: string };
  readonly extra: Readonly<Record<string, HyperValue>>;
}

export const TIERS = ['ok', 'does-not-fit', 'not-recommended'] as const;

export interface RankedOptimizerView {
  readonly optimizer: string;
  readonly name: string;
  readonly rank: number;
  readonly tier: (typeof TIERS)[number];
  readonly fits: boolean | null;
  readonly peakBytes: number | null;
  readonly score: number;
  /** This is the optimizer the job uses now. */
  readonly current: boolean;
  readonly reasons: readonly ReasonView[];
  readonly hyperparameters: HyperparametersView;
  /** The hyperparameters that are the job's own (its current optimizer keeps them); empty for other optimizers. */
  readonly own: readonly string[];
  /** Where a cited rule disagrees with the job's own value: the field and the suggestion in words. */
  readonly suggestions: readonly { readonly field: string; readonly text: string }[];
  readonly snippets: readonly SnippetView[];
}

export interface StrategyPlanView {
  readonly steps: readonly { readonly id: string; readonly text: string; readonly peakBytes: number }[];
  readonly peakBytes: number;
  readonly fits: boolean | null;
}

export interface RecommendationView {
  readonly jobId: string;
  readonly model: { readonly label: string; readonly family: string; readonly params: number; readonly trainableParams: number };
  readonly budget: GpuBudgetView | null;
  readonly ranked: readonly RankedOptimizerView[];
  /** Memory strategies combined until the job fits (null when not needed or unknown). */
  readonly plan: StrategyPlanView | null;
  readonly notes: readonly string[];
  readonly assumptions: readonly string[];
  /** Each fact the advice uses with its source (core/job-facts.ts), in JOB_FACT_NAMES order. */
  readonly facts: readonly FactView[];
  /** The job's files can be rewritten by the quick fix (an optimizer setting was found). */
  readonly canApply: boolean;
}

export interface FactView {
  /** The fact's name (JOB_FACT_NAMES). */
  readonly name: string;
  readonly label: string;
  readonly value: string;
  /** Where it comes from: `path:line:column`, `launcher ...`, `assumed: reason`, ... */
  readonly source: string;
  /** Not read from the job's files. */
  readonly assumed: boolean;
}

export interface JobEvaluationView {
  readonly recommendation: RecommendationView;
  readonly memory: MemoryView;
}

export interface SavedProfileView {
  /** File name in the extension's workspace storage. */
  readonly id: string;
  /** ISO 8601 time the file was written. */
  readonly savedAt: string;
  readonly document: ProfileResultDocument;
}

export interface ProfilesView {
  readonly jobId: string;
  /** Newest first. */
  readonly profiles: readonly SavedProfileView[];
  /** Saved files that could not be read, with the reason. */
  readonly unreadable: readonly { readonly id: string; readonly error: string }[];
}

export const TRACE_PROBLEMS = ['rosenbrock', 'beale', 'saddle'] as const;
export type TraceProblemName = (typeof TRACE_PROBLEMS)[number];
/** The profiler's largest `trace --steps`. */
export const MAX_TRACE_STEPS = 100_000;

export interface TraceLineView {
  readonly optimizer: string;
  readonly name: string;
  readonly lr: number | null;
  readonly points: readonly (readonly [number, number])[];
  readonly divergedAtStep: number | null;
  /** Why this optimizer has no path (the others still draw). */
  readonly error: string | null;
}

export interface TraceView {
  readonly problem: TraceProblemName;
  readonly steps: number;
  /** Backend the paths were computed on. */
  readonly backend: string | null;
  readonly lines: readonly TraceLineView[];
}

export const THEME_KINDS = ['light', 'dark', 'high-contrast', 'high-contrast-light'] as const;
export type ThemeKind = (typeof THEME_KINDS)[number];

/** What the empty states' buttons do (run in the host as VS Code commands). */
export const VIEW_ACTIONS = ['scanWorkspace', 'setGpuBudget', 'showLog', 'openFolder', 'installGpuBackend', 'pickModelConfig'] as const;
export type ViewAction = (typeof VIEW_ACTIONS)[number];

export const PROFILE_OUTCOMES = ['completed', 'cancelled', 'failed'] as const;

export interface ProfileRunView {
  readonly runId: string;
  readonly jobId: string;
  readonly done: number;
  readonly total: number;
  readonly message: string | null;
}
export const APPLY_OUTCOMES = ['applied', 'cancelled', 'unavailable'] as const;

// ---- Message maps -----------------------------------------------------------------------------------

export interface RequestMap {
  /** Pick a job: its recommendation and memory bars with the job's own settings. */
  readonly selectJob: { readonly params: { readonly jobId: string }; readonly result: JobEvaluationView };
  /** Re-estimate the memory bars with changed toggles (estimator in the host). */
  readonly reestimate: { readonly params: { readonly jobId: string; readonly toggles: EstimateToggles }; readonly result: MemoryView };
  /** Rewrite the job's optimizer with the quick fix, after the user confirms in the host. */
  readonly applyToConfig: {
    readonly params: { readonly jobId: string; readonly optimizer: string };
    readonly result: { readonly outcome: (typeof APPLY_OUTCOMES)[number]; readonly message: string | null };
  };
  /** Saved profile results for the job (read from the extension's workspace storage). */
  readonly loadProfiles: { readonly params: { readonly jobId: string }; readonly result: ProfilesView };
  /** Start a sweep; progress and the end come as notifications with the returned runId. */
  readonly runProfile: {
    readonly params: { readonly jobId: string; readonly optimizers: readonly string[] | null };
    readonly result: { readonly runId: string };
  };
  /** Trajectories of optimizers on a 2-D test function. */
  readonly trace: {
    readonly params: { readonly problem: TraceProblemName; readonly optimizers: readonly string[]; readonly steps: number; readonly lr: number | null };
    readonly result: TraceView;
  };
}

export interface CommandMap {
  /** The view has loaded and listens; the host answers with environment, jobs and budget. */
  readonly ready: { readonly protocol: number };
  readonly copySnippet: { readonly label: string; readonly text: string };
  readonly runAction: { readonly action: ViewAction };
  readonly cancelProfile: { readonly runId: string };
  /** The view rejected a message or failed; the host logs it. */
  readonly reportProblem: { readonly message: string };
}

export interface NotificationMap {
  readonly environment: { readonly locale: string; readonly theme: ThemeKind };
  readonly jobs: { readonly jobs: readonly JobSummary[]; readonly activeJobId: string | null; readonly scanning: boolean };
  /** The active editor moved to a file of this job (or out of every job). */
  readonly activeJob: { readonly jobId: string | null };
  readonly budget: { readonly budget: GpuBudgetView | null };
  readonly profileProgress: ProfileRunView;
  /** Runs in progress (sent when the view becomes ready: a re-shown view picks up a run it did not see start). */
  readonly profileStatus: { readonly runs: readonly ProfileRunView[] };
  readonly profileFinished: {
    readonly runId: string;
    readonly jobId: string;
    readonly outcome: (typeof PROFILE_OUTCOMES)[number];
    readonly message: string | null;
  };
  /** The host rejected a message from the view, or an operation failed. */
  readonly problem: { readonly message: string };
}

export type RequestType = keyof RequestMap;
export type CommandType = keyof CommandMap;
export type NotificationType = keyof NotificationMap;
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

// ---- Readers ----------------------------------------------------------------------------------------

type Reader<T> = (v: unknown, path: string) => T;
type Fields = Readonly<Record<string, unknown>>;

/** Job and file ids travel back to the host unchanged, so they are never clipped (a path is at most 4,096 bytes on Linux). */
const id: Reader<string> = (v, p) => readString(v, p, { max: 32_768, nonEmpty: true });
/**
 * Longest label shown; a longer one (a config string of any length) is clipped, never a reason to
 * drop the message. Labels are one line of text: control and bidi characters in them (from file
 * names and config strings) are shown as `\u{…}` (src/core/display-text.ts).
 */
export const MAX_LABEL_CHARS = 4096;
const label: Reader<string> = (v, p) => visibleText(readString(v, p, { max: Number.MAX_SAFE_INTEGER }), MAX_LABEL_CHARS);
const longText: Reader<string> = (v, p) => readString(v, p, { max: 200_000 });
const bytes: Reader<number> = (v, p) => readNumber(v, p, { min: 0 });
const count = (min: number, max: number): Reader<number> => (v, p) => readNumber(v, p, { integer: true, min, max });
const nullableString: Reader<string | null> = (v, p) => readNullable(v, p, label);
const nullableBool: Reader<boolean | null> = (v, p) => readNullable(v, p, readBoolean);
const strings = (max = 1000): Reader<string[]> => (v, p) => readArray(v, p, longText, max);
const optimizerId: Reader<string> = (v, p) => {
  const s = readString(v, p, { max: 64, nonEmpty: true });
  if (!/^[a-z0-9][a-z0-9-]*$/.test(s)) throw new ShapeError(p, `'${s}' is not an optimizer id`);
  return s;
};

/** Reads an object with exactly the listed fields' readers (other keys are ignored, never copied). */
function record<T>(read: (o: Fields, path: string) => T): Reader<T> {
  return (v, path) => read(readObject(v, path), path);
}

const readJob: Reader<JobSummary> = record((o, p) => ({
  id: readField(o, 'id', p, id),
  label: readField(o, 'label', p, label),
  folder: readField(o, 'folder', p, label),
  files: readField(o, 'files', p, (v, q) => readArray(v, q, label, 10_000)),
  model: readField(o, 'model', p, nullableString),
  optimizer: readField(o, 'optimizer', p, nullableString),
  ...(o['needsModel'] === undefined ? {} : { needsModel: readField(o, 'needsModel', p, nullableString) }),
}));

const readBudget: Reader<GpuBudgetView> = record((o, p) => ({
  bytesPerGpu: readField(o, 'bytesPerGpu', p, (v, q) => readNumber(v, q, { above: 0 })),
  gpus: readField(o, 'gpus', p, count(1, TOGGLE_LIMITS.maxGpus)),
  label: readField(o, 'label', p, label),
  source: readField(o, 'source', p, label),
}));

export const readToggles: Reader<EstimateToggles> = record((o, p) => ({
  precision: readField(o, 'precision', p, (v, q) => readOneOf(v, q, PRECISIONS)),
  batchSize: readField(o, 'batchSize', p, count(1, TOGGLE_LIMITS.maxBatchSize)),
  seqLen: readField(o, 'seqLen', p, (v, q) => readNullable(v, q, count(1, TOGGLE_LIMITS.maxSeqLen))),
  gradientCheckpointing: readField(o, 'gradientCheckpointing', p, readBoolean),
  loadDtype: readField(o, 'loadDtype', p, (v, q) => readNullable(v, q, (x, r) => readOneOf(x, r, LOAD_DTYPES))),
  adapter: readField(o, 'adapter', p, (v, q) => readOneOf(v, q, ADAPTERS)),
  loraRank: readField(o, 'loraRank', p, count(1, TOGGLE_LIMITS.maxLoraRank)),
  zeroStage: readField(o, 'zeroStage', p, (v, q) => readOneOf(v, q, ZERO_STAGES)),
  offload: readField(o, 'offload', p, (v, q) => readOneOf(v, q, OFFLOADS)),
  gpus: readField(o, 'gpus', p, count(1, TOGGLE_LIMITS.maxGpus)),
}));

const MEMORY_FIELDS = [
  'weights', 'gradients', 'optimizerState', 'masterWeights', 'optimizerTemporaries', 'activations', 'overhead', 'cudaContext',
  'allocatorReserve', 'cublasWorkspace', 'pagedOptimizerState', 'peakAllocated', 'peakReserved', 'peak',
] as const satisfies readonly (keyof MemoryBytes)[];

const readMemoryBytes: Reader<MemoryBytes> = record((o, p) => {
  const out: Record<string, number> = {};
  for (const k of MEMORY_FIELDS) out[k] = readField(o, k, p, bytes);
  return out as unknown as MemoryBytes;
});

const readMemoryView: Reader<MemoryView> = record((o, p) => ({
  jobId: readField(o, 'jobId', p, id),
  toggles: readField(o, 'toggles', p, readToggles),
  budgetBytes: readField(o, 'budgetBytes', p, (v, q) => readNullable(v, q, bytes)),
  bars: readField(o, 'bars', p, (v, q) =>
    readArray(v, q, record((b, r) => ({
      optimizer: readField(b, 'optimizer', r, optimizerId),
      name: readField(b, 'name', r, label),
      bytes: readField(b, 'bytes', r, (x, s) => readNullable(x, s, readMemoryBytes)),
      fits: readField(b, 'fits', r, nullableBool),
      error: readField(b, 'error', r, nullableString),
    })), 200),
  ),
  notes: readField(o, 'notes', p, strings(200)),
}));

const readSnippet: Reader<SnippetView> = record((o, p) => ({
  framework: readField(o, 'framework', p, (v, q) => readOneOf(v, q, SNIPPET_FRAMEWORKS)),
  label: readField(o, 'label', p, label),
  language: readField(o, 'language', p, (v, q) => readOneOf(v, q, SNIPPET_LANGUAGES)),
  code: readField(o, 'code', p, longText),
}));

const readHyper: Reader<HyperparametersView> = record((o, p) => ({
  lr: readField(o, 'lr', p, (v, q) => readNullable(v, q, (x, s) => readNumber(x, s, { min: 0 }))),
  betas: readField(o, 'betas', p, (v, q) => readNullable(v, q, (x, s) => readArray(x, s, (y, t) => readNumber(y, t), 8))),
  eps: readField(o, 'eps', p, (v, q) =>
    readNullable(v, q, (x, s) => (Array.isArray(x) ? readArray(x, s, (y, t) => readNumber(y, t), 8) : readNumber(x, s)))),
  weightDecay: readField(o, 'weightDecay', p, (v, q) => readNumber(v, q, { min: 0 })),
  warmup: readField(o, 'warmup', p, (v, q) =>
    readNullable(v, q, record((w, r) => ({
      unit: readField(w, 'unit', r, (x, s) => readOneOf(x, s, WARMUP_UNITS)),
      value: readField(w, 'value', r, (x, s) => readNumber(x, s, { min: 0 })),
    })))),
  schedule: readField(o, 'schedule', p, record((w, r) => ({ kind: readField(w, 'kind', r, label), detail: readField(w, 'detail', r, longText) }))),
  extra: readField(o, 'extra', p, (v, q) => readRecord(v, q, readHyperValue, 100)),
}));

const readRanked: Reader<RankedOptimizerView> = record((o, p) => ({
  optimizer: readField(o, 'optimizer', p, optimizerId),
  name: readField(o, 'name', p, label),
  rank: readField(o, 'rank', p, count(1, 1000)),
  tier: readField(o, 'tier', p, (v, q) => readOneOf(v, q, TIERS)),
  fits: readField(o, 'fits', p, nullableBool),
  peakBytes: readField(o, 'peakBytes', p, (v, q) => readNullable(v, q, bytes)),
  score: readField(o, 'score', p, (v, q) => readNumber(v, q)),
  current: readField(o, 'current', p, readBoolean),
  reasons: readField(o, 'reasons', p, (v, q) =>
    readArray(v, q, record((r, s) => ({
      rule: readField(r, 'rule', s, label),
      text: readField(r, 'text', s, longText),
      sources: readField(r, 'sources', s, (x, t) =>
        readArray(x, t, record((u, w) => ({ title: readField(u, 'title', w, label), url: readField(u, 'url', w, nullableString) })), 50)),
    })), 200)),
  hyperparameters: readField(o, 'hyperparameters', p, readHyper),
  own: readField(o, 'own', p, strings(20)),
  suggestions: readField(o, 'suggestions', p, (v, q) =>
    readArray(v, q, record((x, r) => ({ field: readField(x, 'field', r, label), text: readField(x, 'text', r, longText) })), 20)),
  snippets: readField(o, 'snippets', p, (v, q) => readArray(v, q, readSnippet, 16)),
}));

const readRecommendation: Reader<RecommendationView> = record((o, p) => ({
  jobId: readField(o, 'jobId', p, id),
  model: readField(o, 'model', p, record((m, q) => ({
    label: readField(m, 'label', q, label),
    family: readField(m, 'family', q, label),
    params: readField(m, 'params', q, bytes),
    trainableParams: readField(m, 'trainableParams', q, bytes),
  }))),
  budget: readField(o, 'budget', p, (v, q) => readNullable(v, q, readBudget)),
  ranked: readField(o, 'ranked', p, (v, q) => readArray(v, q, readRanked, 200)),
  plan: readField(o, 'plan', p, (v, q) =>
    readNullable(v, q, record((pl, r) => ({
      steps: readField(pl, 'steps', r, (x, s) =>
        readArray(x, s, record((st, t) => ({
          id: readField(st, 'id', t, label),
          text: readField(st, 'text', t, longText),
          peakBytes: readField(st, 'peakBytes', t, bytes),
        })), 50)),
      peakBytes: readField(pl, 'peakBytes', r, bytes),
      fits: readField(pl, 'fits', r, nullableBool),
    })))),
  notes: readField(o, 'notes', p, strings(200)),
  assumptions: readField(o, 'assumptions', p, strings(200)),
  facts: readField(o, 'facts', p, (v, q) =>
    readArray(v, q, record((f, r) => ({
      name: readField(f, 'name', r, label),
      label: readField(f, 'label', r, label),
      value: readField(f, 'value', r, longText),
      source: readField(f, 'source', r, longText),
      assumed: readField(f, 'assumed', r, readBoolean),
    })), 50)),
  canApply: readField(o, 'canApply', p, readBoolean),
}));

const readProfileDocument: Reader<ProfileResultDocument> = (v, p) => {
  const r = checkValue(ProfileResultDocumentSchema, v, (doc) => profileDocumentProblem(doc));
  if (r.ok) return r.value;
  const [where, ...problem] = r.error.split(': ');
  throw new ShapeError(where === 'message' ? p : `${p}.${where!}`.replace('.[', '['), problem.join(': '));
};

const readProfiles: Reader<ProfilesView> = record((o, p) => ({
  jobId: readField(o, 'jobId', p, id),
  profiles: readField(o, 'profiles', p, (v, q) =>
    readArray(v, q, record((s, r) => ({
      id: readField(s, 'id', r, id),
      savedAt: readField(s, 'savedAt', r, label),
      document: readField(s, 'document', r, readProfileDocument),
    })), 100)),
  unreadable: readField(o, 'unreadable', p, (v, q) =>
    readArray(v, q, record((u, r) => ({ id: readField(u, 'id', r, id), error: readField(u, 'error', r, label) })), 100)),
}));

const readPoint: Reader<readonly [number, number]> = (v, p) => {
  const xs = readArray(v, p, (x, q) => readNumber(x, q), 2);
  if (xs.length !== 2) throw new ShapeError(p, `expected a point [x, y], got ${xs.length} numbers`);
  return [xs[0]!, xs[1]!];
};

const readTrace: Reader<TraceView> = record((o, p) => ({
  problem: readField(o, 'problem', p, (v, q) => readOneOf(v, q, TRACE_PROBLEMS)),
  steps: readField(o, 'steps', p, count(1, MAX_TRACE_STEPS)),
  backend: readField(o, 'backend', p, nullableString),
  lines: readField(o, 'lines', p, (v, q) =>
    readArray(v, q, record((l, r) => ({
      optimizer: readField(l, 'optimizer', r, optimizerId),
      name: readField(l, 'name', r, label),
      lr: readField(l, 'lr', r, (x, s) => readNullable(x, s, (y, t) => readNumber(y, t, { above: 0 }))),
      points: readField(l, 'points', r, (x, s) => readArray(x, s, readPoint, MAX_TRACE_STEPS + 1)),
      divergedAtStep: readField(l, 'divergedAtStep', r, (x, s) => readNullable(x, s, count(0, MAX_TRACE_STEPS))),
      error: readField(l, 'error', r, nullableString),
    })), 50)),
}));

const readOptimizerList: Reader<string[]> = (v, p) => readArray(v, p, optimizerId, 64);

const REQUEST_PARAMS: { readonly [K in RequestType]: Reader<RequestParams<K>> } = {
  selectJob: record((o, p) => ({ jobId: readField(o, 'jobId', p, id) })),
  reestimate: record((o, p) => ({ jobId: readField(o, 'jobId', p, id), toggles: readField(o, 'toggles', p, readToggles) })),
  applyToConfig: record((o, p) => ({ jobId: readField(o, 'jobId', p, id), optimizer: readField(o, 'optimizer', p, optimizerId) })),
  loadProfiles: record((o, p) => ({ jobId: readField(o, 'jobId', p, id) })),
  runProfile: record((o, p) => ({
    jobId: readField(o, 'jobId', p, id),
    optimizers: readField(o, 'optimizers', p, (v, q) => readNullable(v, q, readOptimizerList)),
  })),
  trace: record((o, p) => {
    const optimizers = readField(o, 'optimizers', p, readOptimizerList);
    if (optimizers.length === 0) throw new ShapeError(at(p, 'optimizers'), 'must name at least one optimizer');
    return {
      problem: readField(o, 'problem', p, (v, q) => readOneOf(v, q, TRACE_PROBLEMS)),
      optimizers,
      steps: readField(o, 'steps', p, count(1, MAX_TRACE_STEPS)),
      lr: readField(o, 'lr', p, (v, q) => readNullable(v, q, (x, s) => readNumber(x, s, { above: 0 }))),
    };
  }),
};

const REQUEST_RESULTS: { readonly [K in RequestType]: Reader<RequestResult<K>> } = {
  selectJob: record((o, p) => ({ recommendation: readField(o, 'recommendation', p, readRecommendation), memory: readField(o, 'memory', p, readMemoryView) })),
  reestimate: readMemoryView,
  applyToConfig: record((o, p) => ({
    outcome: readField(o, 'outcome', p, (v, q) => readOneOf(v, q, APPLY_OUTCOMES)),
    message: readField(o, 'message', p, nullableString),
  })),
  loadProfiles: readProfiles,
  runProfile: record((o, p) => ({ runId: readField(o, 'runId', p, id) })),
  trace: readTrace,
};

const COMMANDS: { readonly [K in CommandType]: Reader<CommandMap[K]> } = {
  ready: record((o, p) => ({ protocol: readField(o, 'protocol', p, count(1, 1000)) })),
  copySnippet: record((o, p) => ({ label: readField(o, 'label', p, label), text: readField(o, 'text', p, longText) })),
  runAction: record((o, p) => ({ action: readField(o, 'action', p, (v, q) => readOneOf(v, q, VIEW_ACTIONS)) })),
  cancelProfile: record((o, p) => ({ runId: readField(o, 'runId', p, id) })),
  reportProblem: record((o, p) => ({ message: readField(o, 'message', p, (v, q) => readString(v, q, { max: 2000 })) })),
};

const readRun: Reader<ProfileRunView> = record((o, p) => {
  const total = readField(o, 'total', p, count(0, 1e9));
  const done = readField(o, 'done', p, count(0, 1e9));
  if (done > total) throw new ShapeError(at(p, 'done'), `${done} is more than the total ${total}`);
  return {
    runId: readField(o, 'runId', p, id),
    jobId: readField(o, 'jobId', p, id),
    done,
    total,
    message: readField(o, 'message', p, nullableString),
  };
});

const NOTIFICATIONS: { readonly [K in NotificationType]: Reader<NotificationMap[K]> } = {
  environment: record((o, p) => ({
    locale: readField(o, 'locale', p, (v, q) => readString(v, q, { max: 32, nonEmpty: true })),
    theme: readField(o, 'theme', p, (v, q) => readOneOf(v, q, THEME_KINDS)),
  })),
  jobs: record((o, p) => ({
    jobs: readField(o, 'jobs', p, (v, q) => readArray(v, q, readJob, 5000)),
    activeJobId: readField(o, 'activeJobId', p, (v, q) => readNullable(v, q, id)),
    scanning: readField(o, 'scanning', p, readBoolean),
  })),
  activeJob: record((o, p) => ({ jobId: readField(o, 'jobId', p, (v, q) => readNullable(v, q, id)) })),
  budget: record((o, p) => ({ budget: readField(o, 'budget', p, (v, q) => readNullable(v, q, readBudget)) })),
  profileProgress: (v, p) => readRun(v, p),
  profileStatus: record((o, p) => ({ runs: readField(o, 'runs', p, (v, q) => readArray(v, q, readRun, 100)) })),
  profileFinished: record((o, p) => ({
    runId: readField(o, 'runId', p, id),
    jobId: readField(o, 'jobId', p, id),
    outcome: readField(o, 'outcome', p, (v, q) => readOneOf(v, q, PROFILE_OUTCOMES)),
    message: readField(o, 'message', p, nullableString),
  })),
  problem: record((o, p) => ({ message: readField(o, 'message', p, (v, q) => readString(v, q, { max: 2000 })) })),
};

function has<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(table, key);
}

const readRequestId: Reader<number> = (v, p) => readNumber(v, p, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });

function readViewMessage(v: unknown): ViewMessage {
  const o = readObject(v, '');
  const kind = readField(o, 'kind', '', (x, p) => readOneOf(x, p, ['request', 'command'] as const));
  const type = readField(o, 'type', '', (x, p) => readString(x, p, { max: 64 }));
  if (kind === 'request') {
    if (!has(REQUEST_PARAMS, type)) throw new ShapeError('type', `unknown request '${type}'`);
    const requestId = readField(o, 'id', '', readRequestId);
    const payload = readField(o, 'payload', '', REQUEST_PARAMS[type] as Reader<RequestParams<typeof type>>);
    return { kind, id: requestId, type, payload } as ViewRequest;
  }
  if (!has(COMMANDS, type)) throw new ShapeError('type', `unknown command '${type}'`);
  const payload = readField(o, 'payload', '', COMMANDS[type] as Reader<CommandMap[typeof type]>);
  return { kind, type, payload } as ViewCommand;
}

function readHostMessage(v: unknown): HostMessage {
  const o = readObject(v, '');
  const kind = readField(o, 'kind', '', (x, p) => readOneOf(x, p, ['response', 'notification'] as const));
  const type = readField(o, 'type', '', (x, p) => readString(x, p, { max: 64 }));
  if (kind === 'response') {
    if (!has(REQUEST_RESULTS, type)) throw new ShapeError('type', `unknown response '${type}'`);
    const responseId = readField(o, 'id', '', readRequestId);
    const ok = readField(o, 'ok', '', readBoolean);
    if (!ok) return { kind, id: responseId, type, ok, error: readField(o, 'error', '', (x, p) => readString(x, p, { max: 4000 })) };
    const payload = readField(o, 'payload', '', REQUEST_RESULTS[type] as Reader<RequestResult<typeof type>>);
    return { kind, id: responseId, type, ok, payload } as HostResponse;
  }
  if (!has(NOTIFICATIONS, type)) throw new ShapeError('type', `unknown notification '${type}'`);
  const payload = readField(o, 'payload', '', NOTIFICATIONS[type] as Reader<NotificationMap[typeof type]>);
  return { kind, type, payload } as HostNotification;
}

/** Checks a message the host received from the view. */
export function parseViewMessage(value: unknown): Parsed<ViewMessage> {
  return parseWith(value, readViewMessage);
}

/** Checks a message the view received from the host. */
export function parseHostMessage(value: unknown): Parsed<HostMessage> {
  return parseWith(value, readHostMessage);
}
