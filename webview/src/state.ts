/**
 * The view's state: everything needed to redraw the sidebar at once when it is shown again
 * (stored with the webview API's setState; no retainContextWhenHidden), and the pure transitions
 * for what the host notifies. Profile results are refreshed from the saved files on every show.
 * Pure: no DOM, unit-tested under Node.
 */
import type {
  EstimateToggles, GpuBudgetView, JobEvaluationView, JobSummary, MemoryView, ProfilesView, ThemeKind,
  TraceProblemName, TraceView,
} from '../../src/webview-protocol';

export const STATE_VERSION = 1;

export const TABS = ['advice', 'memory', 'profile', 'paths'] as const;
export type Tab = (typeof TABS)[number];

export interface RunState {
  readonly runId: string;
  readonly jobId: string;
  readonly done: number;
  readonly total: number;
  readonly message: string | null;
}

export interface TraceSettings {
  readonly problem: TraceProblemName;
  readonly optimizers: readonly string[];
  readonly steps: number;
  readonly lr: number | null;
}

export interface ViewState {
  readonly version: typeof STATE_VERSION;
  readonly locale: string;
  readonly theme: ThemeKind;
  readonly jobs: readonly JobSummary[];
  readonly scanning: boolean;
  /** Jobs have been received at least once (before that, show "working", not "no jobs"). */
  readonly jobsKnown: boolean;
  readonly activeJobId: string | null;
  readonly selectedJobId: string | null;
  /** Switch to the active editor's job when it changes. */
  readonly followEditor: boolean;
  readonly budget: GpuBudgetView | null;
  readonly tab: Tab;
  readonly evaluation: JobEvaluationView | null;
  /** The latest (possibly re-estimated) memory view of the selected job. */
  readonly memory: MemoryView | null;
  readonly toggles: EstimateToggles | null;
  readonly showAllBars: boolean;
  readonly profiles: ProfilesView | null;
  readonly selectedProfileId: string | null;
  readonly run: RunState | null;
  /** Optimizers ticked for the next profile run; empty = the profiler's default sweep. */
  readonly profileOptimizers: readonly string[];
  /** Outcome line of the last finished run. */
  readonly runOutcome: { readonly kind: 'cancelled' | 'failed' | 'completed'; readonly message: string | null } | null;
  readonly trace: TraceView | null;
  readonly traceSettings: TraceSettings | null;
  /** The last error shown to the user (one line). */
  readonly error: string | null;
}

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
 * A state saved by an earlier instance of this view, or null when there is none or it is from
 * another version. Its contents were checked by the protocol validators when they arrived.
 */
export function restoreState(saved: unknown, locale: string): ViewState | null {
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return null;
  const s = saved as Partial<ViewState>;
  if (s.version !== STATE_VERSION || !Array.isArray(s.jobs) || !(TABS as readonly unknown[]).includes(s.tab)) return null;
  // A run shown as in progress is confirmed or cleared by the host's profileStatus after `ready`.
  const restored = { ...initialState(locale), ...s, locale, error: null } as ViewState;
  const picks = restored.profileOptimizers as unknown;
  return Array.isArray(picks) && picks.every((x) => typeof x === 'string') ? restored : { ...restored, profileOptimizers: [] };
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
