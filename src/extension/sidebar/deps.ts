/**
 * What the sidebar needs from the rest of the extension. The sidebar owns the view, the message
 * protocol and the mapping of core results to what the view shows; everything that touches the
 * workspace, settings, the scanner cache, quick fixes or the profiler comes in through these deps.
 * No 'vscode' import here: vscode.Event, LogOutputChannel and AbortSignal-based calls fit these
 * shapes structurally, and tests pass plain objects.
 */
import type { AdvisorInput, HyperparameterAdvice, StrategyPlan } from '../../core/advisor/types';
import type { JobFacts } from '../../core/job-facts';
import type { SavedProfileFile } from '../saved-profiles';
import type { OptimizerId } from '../../core/optimizers/types';
import type { ScanJob } from '../../core/scan/results';
import type { TraceProblem } from '../../core/profile/trace-problems';
import type { GpuBudgetView, SnippetView } from '../../webview-protocol';

/** vscode.Event<T> fits this shape. */
export type EventLike<T> = (listener: (e: T) => unknown) => { dispose(): unknown };

/** vscode.LogOutputChannel fits this shape. */
export interface SidebarLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A quick-fix edit prepared for one job and optimizer (the same edit the editor's code action makes). */
export interface FixPlan {
  /** One line for the confirmation dialog, e.g. "train.py:12: torch.optim.AdamW -> bnb.optim.AdamW8bit, lr 2e-4". */
  readonly description: string;
  /** Applies the edit as one undoable WorkspaceEdit; false when it could not be applied. */
  apply(): Promise<boolean>;
}

export interface ProfileProgress {
  readonly done: number;
  readonly total: number;
  readonly message?: string;
}

export interface ProfileRunOptions {
  /** Optimizers to sweep; null = the profiler's default sweep plus the advisor's top picks. */
  readonly optimizers: readonly OptimizerId[] | null;
  /** Aborted when the user presses Cancel (the child must stop within a second). */
  readonly signal: AbortSignal;
  readonly onProgress: (progress: ProfileProgress) => void;
}

export interface ProfileRunOutcome {
  readonly outcome: 'completed' | 'cancelled' | 'failed';
  readonly message?: string;
}

/** A saved profile result file as read from the extension's workspace storage (../saved-profiles.ts). */
export type { SavedProfileFile };

export interface TraceCall {
  readonly optimizer: OptimizerId;
  readonly problem: TraceProblem;
  readonly steps: number;
  /** Learning rate; undefined = the reference default. */
  readonly lr?: number;
}

/** The profiler's TraceResult (src/profiler/trace.ts) fits this shape. */
export interface TraceOutcome {
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly divergedAtStep?: number;
  readonly backend: { readonly name: string };
}

export interface SidebarDeps {
  /** Jobs of the last scan. */
  listJobs(): Promise<readonly ScanJob[]>;
  /** Why a job's model could not be resolved ("needs a model config"), null when it was. */
  modelNeeded?(jobId: string): string | null;
  /** True while a scan is running (the view says "Scanning…" instead of "No jobs"). */
  isScanning(): boolean;
  /** Fires when a scan finishes (or starts). */
  readonly onDidChangeJobs: EventLike<unknown>;
  /** The job the active editor's file belongs to, or null. */
  activeJobId(): string | null;
  readonly onDidChangeActiveJob: EventLike<string | null>;
  /** The GPU budget in use (detection or the optimizerAdvisor.gpu setting), null when unknown. */
  gpuBudget(): GpuBudgetView | null;
  readonly onDidChangeBudget: EventLike<unknown>;
  /**
   * Everything the advisor needs for the job: the model inventory read from the workspace, the job's
   * settings, the GPU budget applied (core/job.ts advisorInputForJob does this). Throws InputError
   * with a clear message when the job cannot be evaluated (no model, unknown optimizer, ...).
   */
  advisorInput(jobId: string): Promise<AdvisorInput>;
  /** The job's facts with their sources (core evaluateJob's `facts`); null when the job was not evaluated. */
  jobFacts?(jobId: string): JobFacts | null;
  /** Copyable snippets for the optimizer with the advised hyperparameters (the same generator as the Recommend command). */
  snippets(optimizer: OptimizerId, hyperparameters: HyperparameterAdvice): readonly SnippetView[];
  /**
   * The quick fix that switches the job to `optimizer` (null when its files have nothing to rewrite).
   * With the recommendation's plan when nothing fits (its settings are written, as the paste shows them).
   * The sidebar shows the description in a modal confirmation and calls apply() only after "Apply".
   */
  planFix(jobId: string, optimizer: OptimizerId, hyperparameters: HyperparameterAdvice, plan: StrategyPlan | null): Promise<FixPlan | null>;
  /** Runs a sweep; results are saved to workspace storage as they arrive (the view reloads them from there). */
  runProfile(jobId: string, options: ProfileRunOptions): Promise<ProfileRunOutcome>;
  /** The job's saved profile results, newest first. */
  loadSavedProfiles(jobId: string): Promise<readonly SavedProfileFile[]>;
  /** The model the job resolves to (`JobModel.source`, what a saved profile names as its job's model); null when not evaluated. */
  jobModelSource?(jobId: string): string | null;
  /** One optimizer's path on a test function (profiler child process). */
  runTrace(call: TraceCall, signal: AbortSignal): Promise<TraceOutcome>;
  readonly log: SidebarLog;
}
