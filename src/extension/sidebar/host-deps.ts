/**
 * The sidebar's `SidebarDeps` (src/extension/sidebar/deps.ts) built from the extension's own services:
 * jobs and evaluations from the AdvisorService (the same `core/evaluate` results the hovers, code
 * lenses and commands show), the GPU budget in use, snippets from `core/fixes/snippets` (the Recommend
 * command's generator), fixes from `core/fixes` (the quick fix's edit), traces and sweeps from the
 * profiler child process. Loaded only when the view is first shown (src/extension/sidebar/register.ts), and
 * the profiler parts only when a trace or a profile runs, so activation stays free of them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HyperparameterAdvice, StrategyPlan } from '../../core/advisor/types';
import { isFix, optimizerFix } from '../../core/fixes';
import { snippetsFor } from '../../core/fixes/snippets';
import type { OptimizerId } from '../../core/optimizers/types';
import { InputError } from '../../core/types';
import type { GpuBudgetView } from '../../webview-protocol';
import type { BackendRequest } from '../../profiler/protocol';
import { SAVE_INTERVAL_MS } from '../../profiler/sweep/constants';
import type { SweepDocument } from '../../profiler/sweep/document';
import type { AdvisorService, JobEntry } from '../advisor-service';
import { profilerModuleDirs } from '../gpu-backend/location';
import { profilesDir, readSavedProfileFiles } from '../saved-profiles';
import { Config } from '../config';
import { jobAnchor } from '../hints/analysis';
import type { Log } from '../log';
import { fileUri, relativeTo, toTextEdit } from '../providers/convert';
import type { FixPlan, ProfileRunOptions, ProfileRunOutcome, SavedProfileFile, SidebarDeps, TraceCall, TraceOutcome } from './deps';
import { toSnippetViews } from './evaluate';

/** What the deps are built from. */
export interface SidebarServices {
  readonly service: AdvisorService;
  readonly log: Log;
  /** Root of the installed extension (dist/ holds the profiler bundles). */
  readonly extensionPath: string;
  /** Workspace storage (saved profile results); undefined without a workspace. */
  readonly storageUri: vscode.Uri | undefined;
  /** Global storage: "Install GPU Backend" puts @tensorflow/tfjs-node-gpu there (src/extension/gpu-backend). */
  readonly globalStorageUri?: vscode.Uri;
}

const TRUST_MESSAGE = 'this runs code on your machine: trust the workspace first (Workspaces: Manage Workspace Trust)';

/** The profiler's parent-side sweep, loaded from its own bundle (dist/profiler-sweep.js) when a profile runs. */
type SweepModule = typeof import('../../profiler/sweep/sweep');

/** The sidebar's view of the budget in use; null when the memory of a GPU is unknown. */
export function budgetView(service: AdvisorService): GpuBudgetView | null {
  const b = service.budget;
  if (b.memoryBytes === null) return null;
  const detected = b.source === 'detected' ? service.detectedGpus : null;
  return {
    bytesPerGpu: b.memoryBytes,
    gpus: b.countOverride ?? b.countDefault ?? 1,
    // The view prints the size itself ("Budget: 24.0 GiB per GPU × 1 (<label>)"): the label only names the GPU.
    label: b.label,
    source: detected !== null ? detected.source : 'setting',
  };
}

/**
 * Runs done and planned, from the document as it grows (each optimizer: one run per lr multiplier and
 * seed). The document lists an optimizer once its first run is in, so `plannedOptimizers` (the
 * requested list plus the AdamW reference the sweep adds) gives the total up front; without it
 * (the profiler's default list) the total grows as optimizers start.
 */
export function sweepProgress(doc: SweepDocument, plannedOptimizers: number | null): { done: number; total: number } {
  const perOptimizer = doc.lrMultipliers.length * doc.seeds.length;
  return {
    done: doc.results.reduce((n, r) => n + r.runs.length, 0),
    total: Math.max(doc.results.length, plannedOptimizers ?? 0) * perOptimizer,
  };
}

export class ExtensionSidebarDeps implements SidebarDeps, vscode.Disposable {
  private readonly jobsChanged = new vscode.EventEmitter<void>();
  private readonly activeChanged = new vscode.EventEmitter<string | null>();
  private readonly disposables: vscode.Disposable[] = [this.jobsChanged, this.activeChanged];
  private indexed = false;
  private lastActive: string | null = null;
  readonly onDidChangeJobs = this.jobsChanged.event;
  readonly onDidChangeActiveJob = this.activeChanged.event;
  readonly onDidChangeBudget: vscode.Event<void>;
  readonly log: Log;

  constructor(private readonly services: SidebarServices) {
    this.log = services.log;
    this.onDidChangeBudget = services.service.onDidChange;
    this.lastActive = this.activeJobId();
    const changed = () => {
      this.jobsChanged.fire();
      this.updateActive();
    };
    this.disposables.push(
      services.service.onDidChange(changed),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateActive()),
    );
    services.service.ready().then(
      () => {
        this.indexed = true;
        changed();
      },
      (e: unknown) => {
        this.indexed = true;
        this.log.error(`sidebar: indexing failed: ${e instanceof Error ? e.message : String(e)}`);
        changed();
      },
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private updateActive(): void {
    const now = this.activeJobId();
    if (now === this.lastActive) return;
    this.lastActive = now;
    this.activeChanged.fire(now);
  }

  /** The job by id (the first folder's when ids repeat across a multi-root workspace). */
  private entry(jobId: string): JobEntry {
    const entry = this.services.service.findJob({ jobId });
    if (entry === undefined) throw new InputError(`no job ${jobId} in this workspace (run "Scan Workspace")`);
    return entry;
  }

  async listJobs() {
    return this.services.service.entries().map((e) => e.job);
  }

  isScanning(): boolean {
    return !this.indexed;
  }

  activeJobId(): string | null {
    const uri = vscode.window.activeTextEditor?.document.uri;
    if (uri === undefined) return null;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder === undefined) return null;
    const rel = relativeTo(folder, uri);
    if (rel === null) return null;
    const entry = this.services.service.entries().find((e) => e.folder.uri.toString() === folder.uri.toString() && e.job.files.includes(rel));
    return entry?.job.id ?? null;
  }

  gpuBudget(): GpuBudgetView | null {
    return budgetView(this.services.service);
  }

  modelNeeded(jobId: string): string | null {
    const entry = this.services.service.entries().find((e) => e.job.id === jobId);
    return entry?.outcome.kind === 'needs-config' ? entry.outcome.message : null;
  }

  async advisorInput(jobId: string) {
    await this.services.service.ready();
    const entry = this.entry(jobId);
    if (entry.outcome.kind === 'failed' || entry.outcome.kind === 'needs-config') {
      const o = entry.outcome;
      const message = o.kind === 'needs-config' ? `needs a model config: ${o.message}` : o.message;
      throw new InputError(message, o.path, o.line, o.column);
    }
    return entry.outcome.evaluation.input;
  }

  jobFacts(jobId: string) {
    const entry = this.services.service.entries().find((e) => e.job.id === jobId);
    return entry?.outcome.kind === 'evaluated' ? entry.outcome.evaluation.facts : null;
  }

  jobModelSource(jobId: string) {
    const entry = this.services.service.entries().find((e) => e.job.id === jobId);
    return entry?.outcome.kind === 'evaluated' ? entry.outcome.evaluation.model.source : null;
  }

  snippets(optimizer: OptimizerId, hyperparameters: HyperparameterAdvice) {
    return toSnippetViews(snippetsFor(optimizer, hyperparameters));
  }

  async planFix(jobId: string, optimizer: OptimizerId, hyperparameters: HyperparameterAdvice, plan: StrategyPlan | null): Promise<FixPlan | null> {
    const entry = this.entry(jobId);
    const anchor = jobAnchor(entry.job);
    const uri = fileUri(entry.folder, anchor.path);
    const doc = await vscode.workspace.openTextDocument(uri);
    const version = doc.version;
    const fix = optimizerFix({ path: anchor.path, text: doc.getText(), job: entry.job, target: optimizer, hyperparameters, plan });
    if (!isFix(fix)) {
      this.log.info(`sidebar: no fix for ${jobId} -> ${optimizer}: ${fix.unavailable}`);
      return null;
    }
    const from = entry.job.settings.optimizer;
    const values = Object.entries(fix.written).map(([k, v]) => `${k} ${v}`);
    const removed = fix.removed.length > 0 ? `; removes ${fix.removed.join(', ')}` : '';
    const description = `${anchor.path}:${anchor.range.line}: ${from !== undefined ? `${from} -> ` : ''}${fix.spelling}${values.length > 0 ? `, ${values.join(', ')}` : ''}${removed}`;
    return {
      description,
      apply: async () => {
        // The edit's ranges belong to the text it was planned on: refuse when the file changed since.
        const now = await vscode.workspace.openTextDocument(uri);
        if (now.version !== version) {
          this.log.warn(`sidebar: ${anchor.path} changed after the fix was planned; not applied`);
          return false;
        }
        const edit = new vscode.WorkspaceEdit();
        edit.set(uri, fix.edits.map(toTextEdit));
        const ok = await vscode.workspace.applyEdit(edit);
        if (ok) await vscode.window.showTextDocument(now);
        return ok;
      },
    };
  }

  private requireTrust(): void {
    if (!vscode.workspace.isTrusted) throw new InputError(TRUST_MESSAGE);
  }

  /** The installed GPU backend as an extra module directory of the profiler child, when there is one. */
  private backendRequest(): BackendRequest {
    const { dirs, note } = profilerModuleDirs(this.services.globalStorageUri?.fsPath);
    if (note !== null) this.log.warn(`sidebar: ${note}`);
    return dirs.length > 0 ? { extraModuleDirs: dirs } : {};
  }

  private profilesDir(jobId: string): vscode.Uri | null {
    return profilesDir(this.services.storageUri, jobId);
  }

  async runTrace(call: TraceCall, signal: AbortSignal): Promise<TraceOutcome> {
    this.requireTrust();
    const { runTrace } = await import('../../profiler/trace');
    return runTrace({
      optimizer: call.optimizer,
      problem: call.problem,
      steps: call.steps,
      ...(call.lr !== undefined ? { lr: call.lr } : {}),
      signal,
      childScript: path.join(this.services.extensionPath, 'dist', 'profiler-child.js'),
      backend: this.backendRequest(),
    });
  }

  async runProfile(jobId: string, options: ProfileRunOptions): Promise<ProfileRunOutcome> {
    this.requireTrust();
    const dir = this.profilesDir(jobId);
    if (dir === null) throw new InputError('saving profile results needs an open folder or workspace');
    const entry = this.entry(jobId);
    const input = await this.advisorInput(jobId);
    const model = entry.outcome.kind === 'evaluated' ? entry.outcome.evaluation.model.source : jobId;
    const dist = path.join(this.services.extensionPath, 'dist');
    // optimizerAdvisor.profile.budgetSeconds / .steps, read when the run starts; their defaults are the
    // CLI's for `profile` without --robustness (PROFILE_DEFAULTS in ../config), so both give the same result.
    const settings = new Config().profile;
    const budgetMs = settings.budgetSeconds * 1000;
    // A runtime path: the sweep (and TensorFlow.js behind its types) stays out of dist/extension.js.
    const sweepBundle = path.join(dist, 'profiler-sweep.js');
    const sweep = require(sweepBundle) as SweepModule;

    await vscode.workspace.fs.createDirectory(dir);
    const file = vscode.Uri.joinPath(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    let lastSave = 0;
    let latest: SweepDocument | null = null;
    let writing: Promise<void> = Promise.resolve();
    const write = (doc: SweepDocument) => {
      const bytes = new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`);
      const tmp = vscode.Uri.joinPath(dir, `.${path.basename(file.path)}.tmp`);
      writing = writing
        .then(async () => {
          await vscode.workspace.fs.writeFile(tmp, bytes);
          await vscode.workspace.fs.rename(tmp, file, { overwrite: true });
        })
        .catch((e: unknown) => this.log.error(`sidebar: cannot save the profile result: ${e instanceof Error ? e.message : String(e)}`));
    };
    let message: string | undefined;
    // runSweep adds AdamW as the reference of relative step cost when the list lacks it.
    const planned = options.optimizers === null ? null : new Set<string>([...options.optimizers, 'adamw']).size;
    // The step cost at the real shapes: its own budget, the share of a step assumed at the optimizerAdvisor.gpu preset's throughput.
    const gpuSetting = new Config().gpu.gpu;
    let throughput: ReturnType<SweepModule['throughputAssumption']> | null = null;
    try {
      throughput = sweep.throughputAssumption(gpuSetting === 'auto' || gpuSetting === '' ? undefined : gpuSetting, null, 'optimizerAdvisor.gpu');
    } catch {
      throughput = null;
    }
    // The setting is the whole profile's budget: the phase takes at most a quarter of it, the sweep the rest.
    const realShapesMs = Math.min(sweep.DEFAULT_REAL_SHAPES_BUDGET_MS, budgetMs / 4);
    const result = await sweep.runSweep({
      job: { id: jobId, model },
      advisorInput: input,
      budgetMs: budgetMs - realShapesMs,
      realShapes: { budgetMs: realShapesMs, throughput },
      steps: settings.steps,
      signal: options.signal,
      ...(options.optimizers !== null ? { optimizers: options.optimizers } : {}),
      dataDir: path.join(this.services.extensionPath, 'data'),
      childScript: path.join(dist, 'profiler-child.js'),
      backend: this.backendRequest(),
      onUpdate: (doc) => {
        latest = doc;
        options.onProgress({ ...sweepProgress(doc, planned), ...(message !== undefined ? { message } : {}) });
        const now = Date.now();
        if (now - lastSave < SAVE_INTERVAL_MS) return;
        lastSave = now;
        write(doc);
      },
      onProgress: (line) => {
        message = line;
        this.log.info(`profile ${jobId}: ${line}`);
        if (latest !== null) options.onProgress({ ...sweepProgress(latest, planned), message: line });
      },
    });
    write(result.document);
    await writing;
    // The hover's ranking reads the saved results under the stability priority (AdvisorService.readSavedProfiles).
    if (new Config().priority === 'stability') this.services.service.reevaluate();
    const doc = result.document;
    const detail = doc.outcomeDetail !== undefined ? ` (${doc.outcomeDetail})` : '';
    switch (doc.outcome) {
      case 'completed':
        return { outcome: 'completed' };
      case 'cancelled':
      case 'running':
        return { outcome: 'cancelled', message: `stopped; what was measured until then is saved${detail}` };
      case 'budget-exceeded':
        return { outcome: 'completed', message: `the ${settings.budgetSeconds} s budget ran out (setting optimizerAdvisor.profile.budgetSeconds); the partial result is saved${detail}` };
      default:
        return { outcome: 'failed', message: `the sweep ${doc.outcome}${detail}; what was measured until then is saved` };
    }
  }

  loadSavedProfiles(jobId: string): Promise<readonly SavedProfileFile[]> {
    return readSavedProfileFiles(this.services.storageUri, jobId);
  }
}
