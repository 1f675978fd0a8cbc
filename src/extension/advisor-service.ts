/**
 * Evaluates the jobs of each scanned folder (model, advisor, current optimizer's memory) with the
 * GPU budget in use, keeps the results, and turns them into hints for the providers. Evaluations are
 * cached by their inputs, so a rescan that leaves a job unchanged costs nothing. A folder's jobs are
 * evaluated in time slices that yield to the extension host's event loop (README: Reliability), and a
 * newer evaluation of the folder replaces one still running. Before that, the jobs' large model configs
 * and safetensors indexes are read in the scan worker (kept by folder, path and text), so no model file
 * is parsed on the main loop.
 */
import * as vscode from 'vscode';
import type { Priority } from '../core/advisor/types';
import { checkSavedProfiles } from '../core/advisor/saved-profile';
import { evaluateJob, type FileAccess, type JobEvaluation } from '../core/evaluate';
import { resolveModelSource, safetensorsIndexPath, type ModelFileRead } from '../core/model-source';
import type { ScanJob } from '../core/scan/results';
import { InputError } from '../core/types';
import { readSavedProfileFiles, type SavedProfileFile } from './saved-profiles';
import { jobRecordCounter } from '../platform/dataset-records';
import { jobFolderLister } from '../platform/dataset-folder';
import { detectGpus, summarizeGpus, type DetectedGpus } from '../platform/gpu';
import type { Config } from './config';
import { analyse, filterDiagnostics, type DiagnosticHint, type FolderHints, type JobOutcome } from './hints/analysis';
import { resolveBudget, type GpuBudget } from './hints/budget';
import { compileGlob } from '../core/glob';
import type { Log } from './log';
import type { ExtensionModelLookup, ModelChoice } from './model-lookup';
import type { FolderScan, WorkspaceIndex } from './workspace-index';
import { countImagesSync, DEFAULT_IMAGE_LIMITS, EDITOR_IMAGE_COUNT_MS, EDITOR_IMAGE_ENTRIES } from '../platform/image-folder';

export interface JobEntry {
  readonly folder: vscode.WorkspaceFolder;
  readonly job: ScanJob;
  /** `<folder uri>#<job id>`: unique over a multi-root workspace. */
  readonly key: string;
  readonly outcome: JobOutcome;
}

interface FolderResult {
  readonly scan: FolderScan;
  readonly entries: readonly JobEntry[];
  readonly hints: FolderHints;
}

/** Main-loop work between two yields while evaluating a folder's jobs. */
const EVALUATION_SLICE_MS = 8;

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function jobKey(folder: vscode.WorkspaceFolder, jobId: string): string {
  return `${folder.uri.toString()}#${jobId}`;
}

function modelFileKey(scan: FolderScan, rel: string): string {
  return `${scan.folder.uri.toString()}#${rel}`;
}

/** The largest dataset file the editor counts (read synchronously on the extension host; the CLI reads up to 256 MiB). */
const EDITOR_DATASET_BYTES = 32 * 2 ** 20;

export class AdvisorService implements vscode.Disposable {
  private readonly results = new Map<string, FolderResult>();
  private readonly cache = new Map<string, JobOutcome>();
  private detected: DetectedGpus | null = null;
  private detection: Promise<void> | null = null;
  private currentBudget: GpuBudget;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when hints may have changed (a scan, a budget or a setting). */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /** The evaluation running for each folder (by folder URI); a newer one replaces it. */
  private readonly evaluations = new Map<string, { readonly run: number; readonly done: Promise<void> }>();
  private evaluationRun = 0;
  /** Large model files read in the scan worker, by `<folder uri>#<path>`: the text read and what it gave. */
  private readonly modelFiles = new Map<string, { readonly kind: 'config' | 'index'; readonly text: string; readonly read: ModelFileRead }>();

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly config: Config,
    private readonly log: Log,
    readonly models: ExtensionModelLookup,
    /** Workspace storage, where the sidebar saves profile results (saved-profiles.ts); undefined without a folder. */
    private readonly storageUri?: vscode.Uri,
  ) {
    this.currentBudget = resolveBudget(config.gpu, null, vscode.l10n.t);
    this.disposables.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reevaluate()),
      index.onDidScan((scan) => this.evaluateFolder(scan)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('optimizerAdvisor.detectGpus')) void this.detectGpus(true);
        else if (e.affectsConfiguration('optimizerAdvisor.gpu') || e.affectsConfiguration('optimizerAdvisor.gpuMemory') || e.affectsConfiguration('optimizerAdvisor.gpuCount') || e.affectsConfiguration('optimizerAdvisor.priority')) {
          this.refreshBudget();
        } else if (e.affectsConfiguration('optimizerAdvisor')) {
          this.emitter.fire();
        }
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  get budget(): GpuBudget {
    return this.currentBudget;
  }

  /** Detects GPUs once (again with `force`), then re-evaluates everything with the resulting budget. */
  detectGpus(force = false): Promise<void> {
    if (this.detection !== null && !force) return this.detection;
    if (!this.config.detectGpus) {
      this.detected = null;
      this.refreshBudget();
      this.detection = Promise.resolve();
      return this.detection;
    }
    this.detection = (async () => {
      const started = Date.now();
      const result = await detectGpus();
      this.detected = result === null ? null : summarizeGpus(result);
      if (this.detected === null) this.log.info(`GPU detection: no nvidia-smi, rocm-smi or Apple silicon found (${Date.now() - started} ms)`);
      else this.log.info(`GPU detection (${this.detected.source}): ${this.detected.count} device(s), smallest ${this.detected.memoryBytes} bytes: ${this.detected.names.join(', ')}`);
      this.refreshBudget();
    })();
    return this.detection;
  }

  get detectedGpus(): DetectedGpus | null {
    return this.detected;
  }

  private refreshBudget(): void {
    this.currentBudget = resolveBudget(this.config.gpu, this.detected, vscode.l10n.t);
    if (this.currentBudget.problem !== null) this.log.warn(this.currentBudget.problem);
    for (const scan of this.index.scans()) this.evaluateFolder(scan);
    this.emitter.fire();
  }

  /** Evaluates every folder again (a model became available, a choice or the trust changed). */
  reevaluate(): void {
    for (const scan of this.index.scans()) this.evaluateFolder(scan);
  }

  /** All jobs with their outcomes, every folder. */
  entries(): JobEntry[] {
    return [...this.results.values()].flatMap((r) => r.entries);
  }

  entry(key: string): JobEntry | undefined {
    return this.entries().find((e) => e.key === key);
  }

  /** Finds a job by key, or by id (optionally within a folder named `folder`). */
  findJob(ref: { key?: string; jobId?: string; folder?: string }): JobEntry | undefined {
    if (ref.key !== undefined) return this.entry(ref.key);
    return this.entries().find((e) => e.job.id === ref.jobId && (ref.folder === undefined || e.folder.name === ref.folder));
  }

  hintsFor(folder: vscode.WorkspaceFolder): FolderHints | undefined {
    return this.results.get(folder.uri.toString())?.hints;
  }

  /** Diagnostics of a folder after the silencing settings. */
  diagnosticsFor(folder: vscode.WorkspaceFolder): DiagnosticHint[] {
    const hints = this.hintsFor(folder);
    if (!hints) return [];
    const excluded = this.config.diagnosticsExclude(folder).map(compileGlob);
    return filterDiagnostics(hints.diagnostics, {
      enabled: this.config.diagnosticsEnabled,
      disabledRules: this.config.disabledRules,
      excluded: (path) => excluded.some((m) => m.matches(path)),
    });
  }

  /** Evaluation options for a job under the current budget and settings. */
  evaluateOptions(job: ScanJob): { gpuMemoryBytes: number | null; gpus?: number; priority: Priority } {
    const b = this.currentBudget;
    const gpus = b.countOverride ?? (job.settings.gpus === undefined ? b.countDefault ?? undefined : undefined);
    return { gpuMemoryBytes: b.memoryBytes, priority: this.config.priority, ...(gpus !== undefined ? { gpus } : {}) };
  }

  /**
   * Evaluates one job (cached by its inputs). Never throws for user-caused problems. `saved`: the job's saved
   * profile results, newest first, read beforehand under the stability priority (readSavedProfiles).
   */
  evaluate(scan: FolderScan, job: ScanJob, saved: readonly SavedProfileFile[] = []): JobOutcome {
    const options = this.evaluateOptions(job);
    const modelText = job.model?.kind === 'config-file' ? this.index.text(scan.folder, job.model.path) ?? null : null;
    const savedKey = saved.map((f) => [f.id, f.savedAt]);
    const key = JSON.stringify([scan.folder.uri.toString(), job, options, modelText, this.models.generation, vscode.workspace.isTrusted, savedKey]);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    let outcome: JobOutcome;
    try {
      // One reader and one lister for this job's datasets: each file and listing within the editor's caps, all together too.
      const counter = scan.folder.uri.scheme === 'file' ? jobRecordCounter(scan.folder.uri.fsPath, EDITOR_DATASET_BYTES) : undefined;
      const lister = scan.folder.uri.scheme === 'file' ? jobFolderLister(scan.folder.uri.fsPath, EDITOR_DATASET_BYTES) : undefined;
      const files: FileAccess = {
        readText: (rel) => {
          const text = this.index.text(scan.folder, rel);
          if (text === undefined || text === '') throw new InputError('the model config is not in the index (excluded, too large or unreadable)', rel);
          return text;
        },
        readModelFile: (request) => {
          const kept = this.modelFiles.get(modelFileKey(scan, request.path));
          return kept !== undefined && kept.kind === request.kind && kept.text === request.text ? kept.read : undefined;
        },
        // A dataset file the job trains on: counted on the host's main loop, so with a smaller cap than the CLI's.
        countRecords: (rel, format) => (counter !== undefined ? counter(rel, format) : null),
        // A dataset folder: its files listed with the same caps, the text files of its split read up to the same cap.
        listFolder: (rel) => (lister !== undefined ? lister(rel) : null),
        // An Ultralytics job's training images: counted on the main loop, so with fewer entries and less time than the CLI.
        countImages: (rel) => (scan.folder.uri.scheme === 'file' ? countImagesSync(scan.folder.uri.fsPath, rel, { ...DEFAULT_IMAGE_LIMITS, maxEntries: EDITOR_IMAGE_ENTRIES, budgetMs: EDITOR_IMAGE_COUNT_MS }) : null),
      };
      const resolution = resolveModelSource(job, files, this.models.lookupFor(scan.folder.uri.fsPath));
      const choice = resolution.status === 'needs-config' ? this.models.choice(jobKey(scan.folder, job.id)) : undefined;
      if (resolution.status === 'needs-config' && choice === undefined) {
        outcome = {
          kind: 'needs-config',
          message: resolution.reason,
          ...(resolution.id !== undefined ? { modelId: resolution.id } : {}),
          ...(resolution.at ? { path: resolution.at.path, line: resolution.at.line, column: resolution.at.column } : {}),
        };
      } else {
        const model = resolution.status === 'resolved' ? resolution.model : this.models.modelOf(choice as ModelChoice);
        const savedProfiles = options.priority === 'stability' ? { savedProfiles: checkSavedProfiles(saved) } : {};
        const evaluation: JobEvaluation = evaluateJob(job, files, { ...options, model, unknownOptimizer: 'ignore', ...savedProfiles });
        outcome = { kind: 'evaluated', evaluation };
      }
    } catch (e) {
      if (!(e instanceof InputError)) {
        this.log.error(`evaluating ${job.id} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        outcome = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
      } else {
        outcome = { kind: 'failed', message: e.message, ...(e.file !== undefined ? { path: e.file } : {}), ...(e.line !== undefined ? { line: e.line } : {}), ...(e.column !== undefined ? { column: e.column } : {}) };
      }
    }
    if (this.cache.size > 500) this.cache.clear();
    this.cache.set(key, outcome);
    return outcome;
  }

  private evaluateFolder(scan: FolderScan): void {
    const key = scan.folder.uri.toString();
    const run = ++this.evaluationRun;
    const done = this.evaluateFolderSliced(scan, key, run)
      .catch((e: unknown) => this.log.error(`evaluating ${scan.folder.name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`))
      .finally(() => {
        if (this.evaluations.get(key)?.run === run) this.evaluations.delete(key);
      });
    this.evaluations.set(key, { run, done });
  }

  private async evaluateFolderSliced(scan: FolderScan, key: string, run: number): Promise<void> {
    const started = Date.now();
    this.models.request(scan.report.jobs, scan.folder.uri.fsPath);
    await this.readLargeModelFiles(scan);
    const saved = await this.readSavedProfiles(scan);
    if (this.evaluations.get(key)?.run !== run) return; // a newer evaluation of this folder took over
    const entries: JobEntry[] = [];
    const outcomes = new Map<string, JobOutcome>();
    let slice = performance.now();
    for (const job of scan.report.jobs) {
      if (performance.now() - slice >= EVALUATION_SLICE_MS) {
        await yieldToLoop();
        slice = performance.now();
        if (this.evaluations.get(key)?.run !== run) return; // a newer evaluation of this folder took over
      }
      const outcome = this.evaluate(scan, job, saved.get(job.id));
      outcomes.set(job.id, outcome);
      entries.push({ folder: scan.folder, job, key: jobKey(scan.folder, job.id), outcome });
    }
    const hints = analyse({ report: scan.report, outcomes, budget: this.currentBudget, t: vscode.l10n.t });
    this.results.set(key, { scan, entries, hints });
    this.log.debug(`evaluated ${entries.length} job(s) of ${scan.folder.name} in ${Date.now() - started} ms`);
    this.emitter.fire();
  }

  /**
   * Under the stability priority, each job's saved profile results (newest first), so that the hover's ranking
   * uses their robustness probes as the sidebar does (README, "How the advice is derived"). Other priorities read
   * nothing. A file that cannot be read is
   * skipped (the sidebar lists it as unreadable).
   */
  private async readSavedProfiles(scan: FolderScan): Promise<Map<string, SavedProfileFile[]>> {
    const out = new Map<string, SavedProfileFile[]>();
    if (this.config.priority !== 'stability') return out;
    for (const job of scan.report.jobs) {
      try {
        out.set(job.id, await readSavedProfileFiles(this.storageUri, job.id));
      } catch (e) {
        this.log.warn(`reading the saved profiles of ${job.id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return out;
  }

  /**
   * Reads the jobs' workspace model configs and safetensors indexes over the pool's worker threshold in the
   * scan worker, so that `evaluate` finds them read (README: Reliability). A file the worker gives up on
   * (time budget, out of memory) is kept as an error with that reason, not parsed on the main loop instead.
   */
  private async readLargeModelFiles(scan: FolderScan): Promise<void> {
    const wanted = new Map<string, 'config' | 'index'>();
    for (const job of scan.report.jobs) {
      if (job.model?.kind !== 'config-file') continue;
      wanted.set(job.model.path, 'config');
      const indexPath = safetensorsIndexPath(job.model.path);
      if (!wanted.has(indexPath)) wanted.set(indexPath, 'index');
    }
    const threshold = this.index.workerThreshold;
    await Promise.all(
      [...wanted].map(async ([rel, kind]) => {
        const text = this.index.text(scan.folder, rel);
        const key = modelFileKey(scan, rel);
        const kept = this.modelFiles.get(key);
        if (text === undefined || text.length <= threshold || (kept?.kind === kind && kept.text === text)) return;
        const outcome = await this.index.readModelFile(`model-file:${key}`, { kind, name: rel, path: rel, text });
        if (outcome.kind === 'cancelled') return;
        if (this.modelFiles.size > 100) this.modelFiles.clear();
        this.modelFiles.set(key, { kind, text, read: outcome.kind === 'read' ? outcome.read : { kind: 'error', message: outcome.message, file: rel } });
      }),
    );
  }

  /** Waits for the index, the GPU detection and the evaluations they started, so hints reflect the workspace as it is now. */
  async ready(): Promise<void> {
    for (;;) {
      await Promise.all([this.index.ready(), this.detectGpus()]);
      if (this.evaluations.size === 0) return;
      await Promise.all([...this.evaluations.values()].map((e) => e.done));
    }
  }
}
