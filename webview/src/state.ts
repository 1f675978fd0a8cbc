/**
 * The view's state: everything needed to redraw the sidebar at once when it is shown again
 * (stored with the webview API's setState; no retainContextWhenHidden), and the pure transitions
 * for what the host notifies. Profile results are refreshed from the saved files on every show.
 * Pure: no DOM, unit-tested under Node.
 */
import {
  EstimateTogglesSchema, GpuBudgetSchema, JobEvaluationSchema, JobSummarySchema, MemoryViewSchema, OptimizerId, ProfileRunViewSchema,
  ProfilesSchema, THEME_KINDS, TraceSchema, type JobEvaluationView, type JobSummary,
} from '../../src/webview-protocol';
import { MAX_TRACE_STEPS, TRACE_PROBLEMS } from '../../src/core/profile/trace-problems';
import { checkValue, firstProblem, type Declared } from '../../src/core/schema/check';
import { OneOf, OrNull, Type } from '../../src/core/schema/declare';

export const STATE_VERSION = 1;

export const TABS = ['advice', 'memory', 'profile', 'paths'] as const;
export type Tab = (typeof TABS)[number];

const RunStateSchema = ProfileRunViewSchema;
export type RunState = Declared<typeof RunStateSchema>;

const TraceSettingsSchema = Type.Object({
  problem: OneOf(TRACE_PROBLEMS),
  optimizers: Type.Array(OptimizerId, { maxItems: 64 }),
  steps: Type.Integer({ minimum: 1, maximum: MAX_TRACE_STEPS }),
  lr: OrNull(Type.Number({ exclusiveMinimum: 0 })),
});
export type TraceSettings = Declared<typeof TraceSettingsSchema>;

/** Optimizers ticked for the next profile run; empty = the profiler's default sweep. */
const ProfileOptimizersSchema = Type.Array(OptimizerId, { maxItems: 64 });

/** The view's state, declared once: its type, and the check of a state saved by an earlier instance. */
const ViewStateSchema = Type.Object({
  version: Type.Literal(STATE_VERSION),
  locale: Type.String({ maxLength: 32 }),
  theme: OneOf(THEME_KINDS),
  jobs: Type.Array(JobSummarySchema, { maxItems: 5000 }),
  scanning: Type.Boolean(),
  /** Jobs have been received at least once (before that, show "working", not "no jobs"). */
  jobsKnown: Type.Boolean(),
  activeJobId: OrNull(Type.String()),
  selectedJobId: OrNull(Type.String()),
  /** Switch to the active editor's job when it changes. */
  followEditor: Type.Boolean(),
  budget: OrNull(GpuBudgetSchema),
  tab: OneOf(TABS),
  evaluation: OrNull(JobEvaluationSchema),
  /** The latest (possibly re-estimated) memory view of the selected job. */
  memory: OrNull(MemoryViewSchema),
  toggles: OrNull(EstimateTogglesSchema),
  showAllBars: Type.Boolean(),
  profiles: OrNull(ProfilesSchema),
  selectedProfileId: OrNull(Type.String()),
  run: OrNull(RunStateSchema),
  profileOptimizers: ProfileOptimizersSchema,
  /** Outcome line of the last finished run. */
  runOutcome: OrNull(Type.Object({ kind: OneOf(['cancelled', 'failed', 'completed'] as const), message: OrNull(Type.String()) })),
  trace: OrNull(TraceSchema),
  traceSettings: OrNull(TraceSettingsSchema),
  /** The last error shown to the user (one line). */
  error: OrNull(Type.String()),
});
export type ViewState = Declared<typeof ViewStateSchema>;

export function initialState(locale: string): ViewState {
  return {
    version: STATE_VERSION,
    locale,
    theme: 'dark',
    jobs: [],
    scanning: false,
    jobsKnown: false,
    activeJobId: null,
    selectedJobId: null,
    followEditor: true,
    budget: null,
    tab: 'advice',
    evaluation: null,
    memory: null,
    toggles: null,
    showAllBars: false,
    profiles: null,
    selectedProfileId: null,
    run: null,
    profileOptimizers: [],
    runOutcome: null,
    trace: null,
    traceSettings: null,
    error: null,
  };
}

/**
 * A state saved by an earlier instance of this view, or null when there is none, it is from another
 * version, or it does not match the declaration (a damaged or older state is dropped, never drawn).
 * Fields a state from before they existed lacks take their initial value; a damaged list of ticked
 * optimizers gives none (the default sweep).
 */
export function restoreState(saved: unknown, locale: string): ViewState | null {
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return null;
  const s = saved as Record<string, unknown>;
  if (s['version'] !== STATE_VERSION) return null;
  // A run shown as in progress is confirmed or cleared by the host's profileStatus after `ready`.
  const merged = { ...initialState(locale), ...s, locale, error: null };
  if (firstProblem(ProfileOptimizersSchema, merged.profileOptimizers)) merged.profileOptimizers = [];
  const checked = checkValue(ViewStateSchema, merged);
  return checked.ok ? checked.value : null;
}

/** The job to show after the job list changed: the current one if it still exists, else the active editor's, else the first. */
export function chooseJob(state: ViewState, jobs: readonly JobSummary[], activeJobId: string | null): string | null {
  const ids = new Set(jobs.map((j) => j.id));
  if (state.followEditor && activeJobId !== null && ids.has(activeJobId)) return activeJobId;
  if (state.selectedJobId !== null && ids.has(state.selectedJobId)) return state.selectedJobId;
  if (activeJobId !== null && ids.has(activeJobId)) return activeJobId;
  return jobs[0]?.id ?? null;
}

/** Clears what belonged to the previously selected job. */
export function selectJob(state: ViewState, jobId: string | null): ViewState {
  if (jobId === state.selectedJobId) return state;
  return {
    ...state,
    selectedJobId: jobId,
    evaluation: null,
    memory: null,
    toggles: null,
    profiles: null,
    selectedProfileId: null,
    profileOptimizers: [],
    runOutcome: null,
    trace: null,
    traceSettings: null,
    error: null,
  };
}

/** Default trajectory settings for a job: its top three ranked optimizers plus the current one, Rosenbrock, 500 steps. */
export function defaultTraceSettings(evaluation: JobEvaluationView | null): TraceSettings {
  const ranked = evaluation?.recommendation.ranked ?? [];
  const picks = ranked.slice(0, 3).map((r) => r.optimizer);
  const current = ranked.find((r) => r.current)?.optimizer;
  const optimizers = current && !picks.includes(current) ? [...picks, current] : picks;
  return { problem: 'rosenbrock', optimizers: optimizers.length ? optimizers : ['adamw', 'sgd-momentum'], steps: 500, lr: null };
}

/** Parses a whole number typed into a field; null when it is not one within [min, max]. */
export function parseWholeNumber(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

/** Parses a positive decimal (1e-3, 0.0003); null when it is not one. */
export function parsePositive(text: string): number | null {
  const t = text.trim();
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) && n > 0 ? n : null;
}
