/**
 * The host side of the sidebar protocol, without 'vscode': checks every message from the view,
 * answers requests from the deps and the core, streams profile progress, and reports malformed
 * messages (logged, and a `problem` notification) without acting on them. The provider gives it a
 * HostPort for the few things that need VS Code (posting, the confirmation dialog, the clipboard).
 */
import type { AdvisorInput } from '../../core/advisor/types';
import { checkSavedProfiles, chooseSavedProfile } from '../../core/advisor/saved-profile';
import { getOptimizer } from '../../core/optimizers';
import { isOptimizerId } from '../../core/optimizers/registry';
import type { ScanJob } from '../../core/scan/results';
import { InputError } from '../../core/types';
import {
  makeErrorResponse, makeNotification, makeResponse, parseViewMessage, PROTOCOL_VERSION,
  type CommandMap, type HostMessage, type ProfileRunView, type ProfilesView, type RequestParams, type RequestResult, type RequestType,
  type ThemeKind, type TraceLineView, type ViewAction, type ViewCommand, type ViewRequest,
} from '../../webview-protocol';
import type { SidebarDeps } from './deps';
import { applyToggles, evaluateJob, jobSummary, memoryView, type EvaluationParts } from './evaluate';
import { errorMessage } from '../../core/error-message';

/** What the controller needs from VS Code (implemented by the provider; faked in tests). */
export interface HostPort {
  post(message: HostMessage): void;
  /** Modal confirmation of a quick fix; true when the user chose to apply it. */
  confirmApply(optimizerName: string, description: string): Promise<boolean>;
  /** Writes the clipboard and says so in the status bar. */
  copy(label: string, text: string): Promise<void>;
  runAction(action: ViewAction): Promise<void>;
  environment(): { locale: string; theme: ThemeKind };
}

interface JobCache {
  readonly job: ScanJob;
  readonly input: AdvisorInput;
  readonly parts: EvaluationParts;
}

interface ActiveRun {
  readonly jobId: string;
  readonly controller: AbortController;
  /** The last progress sent (re-sent to a view that becomes ready again). */
  last: ProfileRunView;
}

/** Progress notifications at most this often (the last one always goes out). */
const PROGRESS_INTERVAL_MS = 100;

export class SidebarController {
  private readonly cache = new Map<string, JobCache>();
  private readonly runs = new Map<string, ActiveRun>();
  private readonly traces = new Set<AbortController>();
  private readonly subscriptions: { dispose(): unknown }[] = [];
  private runCounter = 0;
  private ready = false;
  private disposed = false;

  constructor(
    private readonly deps: SidebarDeps,
    private readonly port: HostPort,
  ) {
    this.subscriptions.push(
      deps.onDidChangeJobs(() => {
        this.cache.clear();
        void this.sendJobs();
      }),
      deps.onDidChangeActiveJob((jobId) => this.send(makeNotification('activeJob', { jobId }))),
      deps.onDidChangeBudget(() => {
        this.cache.clear();
        this.send(makeNotification('budget', { budget: deps.gpuBudget() }));
      }),
    );
  }

  /** Entry point for every message from the view. Never throws. */
  async handle(raw: unknown): Promise<void> {
    const parsed = parseViewMessage(raw);
    if (!parsed.ok) {
      this.deps.log.warn(`sidebar: rejected a message from the view: ${parsed.error}`);
      this.send(makeNotification('problem', { message: `rejected message: ${parsed.error}` }));
      return;
    }
    const message = parsed.value;
    try {
      if (message.kind === 'command') await this.command(message);
      else await this.request(message);
    } catch (e) {
      this.deps.log.error(`sidebar: ${message.type} failed: ${e instanceof Error && e.stack ? e.stack : errorMessage(e)}`);
    }
  }

  /** The colour theme or locale changed. */
  environmentChanged(): void {
    if (this.ready) this.send(makeNotification('environment', this.port.environment()));
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    for (const run of this.runs.values()) run.controller.abort();
    for (const t of this.traces) t.abort();
    this.runs.clear();
  }

  private send(message: HostMessage): void {
    if (!this.disposed) this.port.post(message);
  }

  private async sendJobs(): Promise<void> {
    if (!this.ready) return;
    const jobs = await this.deps.listJobs();
    this.send(makeNotification('jobs', { jobs: jobs.map((j) => jobSummary(j, this.deps.modelNeeded?.(j.id) ?? null)), activeJobId: this.deps.activeJobId(), scanning: this.deps.isScanning() }));
  }

  private async command(message: ViewCommand): Promise<void> {
    switch (message.type) {
      case 'ready': {
        const payload: CommandMap['ready'] = message.payload;
        if (payload.protocol !== PROTOCOL_VERSION) {
          this.deps.log.warn(`sidebar: the view speaks protocol ${payload.protocol}, the host ${PROTOCOL_VERSION}`);
        }
        this.ready = true;
        this.send(makeNotification('environment', this.port.environment()));
        this.send(makeNotification('budget', { budget: this.deps.gpuBudget() }));
        this.send(makeNotification('profileStatus', { runs: [...this.runs.values()].map((r) => r.last) }));
        await this.sendJobs();
        return;
      }
      case 'copySnippet':
        await this.port.copy(message.payload.label, message.payload.text);
        return;
      case 'runAction':
        await this.port.runAction(message.payload.action);
        return;
      case 'cancelProfile': {
        const run = this.runs.get(message.payload.runId);
        if (run) run.controller.abort();
        else this.deps.log.info(`sidebar: cancel for run ${message.payload.runId}, which is not running`);
        return;
      }
      case 'reportProblem':
        this.deps.log.warn(`sidebar view: ${message.payload.message}`);
        return;
    }
  }

  private async request(message: ViewRequest): Promise<void> {
    try {
      const result = await this.answer(message);
      this.send(makeResponse(message.id, message.type, result));
    } catch (e) {
      if (e instanceof InputError) {
        this.send(makeErrorResponse(message.id, message.type, e.format()));
        return;
      }
      this.deps.log.error(`sidebar: ${message.type} failed: ${e instanceof Error && e.stack ? e.stack : errorMessage(e)}`);
      this.send(makeErrorResponse(message.id, message.type, `internal error: ${errorMessage(e)} (see the Optimizer Advisor log)`));
    }
  }

  private answer(message: ViewRequest): Promise<RequestResult<RequestType>> {
    switch (message.type) {
      case 'selectJob':
        return this.selectJob(message.payload);
      case 'reestimate':
        return this.reestimate(message.payload);
      case 'applyToConfig':
        return this.applyToConfig(message.payload);
      case 'loadProfiles':
        return this.loadProfiles(message.payload);
      case 'runProfile':
        return this.runProfile(message.payload);
      case 'trace':
        return this.trace(message.payload);
    }
  }

  private async job(jobId: string): Promise<JobCache> {
    const cached = this.cache.get(jobId);
    if (cached) return cached;
    const job = (await this.deps.listJobs()).find((j) => j.id === jobId);
    if (!job) throw new InputError(`job '${jobId}' is no longer in the workspace; scan again`);
    const input = await this.withSavedProfile(jobId, await this.deps.advisorInput(jobId));
    const parts = evaluateJob(job, input, this.deps.gpuBudget(), (id, h) => this.deps.snippets(id, h), this.deps.jobFacts?.(jobId) ?? null);
    const entry: JobCache = { job, input, parts };
    this.cache.set(jobId, entry);
    return entry;
  }

  /**
   * Stability priority: the newest saved profile of this job (the `Saved result` list) that was measured for it,
   * else the newest readable one reported as ignored with its reason, else none (core/advisor/saved-profile.ts).
   * Other priorities do not read the saved files.
   */
  private async withSavedProfile(jobId: string, input: AdvisorInput): Promise<AdvisorInput> {
    if (input.priority !== 'stability') return input;
    const key = { id: jobId, model: this.deps.jobModelSource?.(jobId) ?? null };
    return { ...input, savedProfile: chooseSavedProfile(checkSavedProfiles(await this.deps.loadSavedProfiles(jobId)), key) };
  }

  private async selectJob(p: RequestParams<'selectJob'>): Promise<RequestResult<'selectJob'>> {
    // Selecting (or re-selecting) a job always evaluates it afresh: files may have changed.
    this.cache.delete(p.jobId);
    const { parts } = await this.job(p.jobId);
    return { recommendation: parts.recommendation, memory: parts.memory };
  }

  private async reestimate(p: RequestParams<'reestimate'>): Promise<RequestResult<'reestimate'>> {
    const entry = await this.job(p.jobId);
    const { base, notes } = applyToggles(entry.input, p.toggles);
    return memoryView(p.jobId, entry.input, base, entry.parts.order, notes);
  }

  private async applyToConfig(p: RequestParams<'applyToConfig'>): Promise<RequestResult<'applyToConfig'>> {
    if (!isOptimizerId(p.optimizer)) throw new InputError(`unknown optimizer '${p.optimizer}'`);
    const entry = await this.job(p.jobId);
    const advice = entry.parts.advice.get(p.optimizer);
    if (!advice) throw new InputError(`no recommendation for '${p.optimizer}' on this job; select the job again`);
    const plan = await this.deps.planFix(p.jobId, p.optimizer, advice, entry.parts.plans.get(p.optimizer) ?? null);
    if (!plan) return { outcome: 'unavailable', message: 'This job has no optimizer setting the quick fix can rewrite.' };
    if (!(await this.port.confirmApply(getOptimizer(p.optimizer).name, plan.description))) return { outcome: 'cancelled', message: null };
    const applied = await plan.apply();
    return applied ? { outcome: 'applied', message: plan.description } : { outcome: 'unavailable', message: 'The edit could not be applied (the file changed?).' };
  }

  private async loadProfiles(p: RequestParams<'loadProfiles'>): Promise<ProfilesView> {
    const files = await this.deps.loadSavedProfiles(p.jobId);
    const profiles: ProfilesView['profiles'][number][] = [];
    const unreadable: { id: string; error: string }[] = [];
    const checked = checkSavedProfiles(files);
    files.forEach((f, i) => {
      const c = checked[i]!;
      if ('document' in c) profiles.push({ id: f.id, savedAt: f.savedAt, document: c.document });
      else {
        this.deps.log.warn(`sidebar: saved profile ${f.id} is not readable: ${c.problem}`);
        unreadable.push({ id: f.id, error: c.problem });
      }
    });
    return { jobId: p.jobId, profiles, unreadable };
  }

  private async runProfile(p: RequestParams<'runProfile'>): Promise<RequestResult<'runProfile'>> {
    for (const run of this.runs.values()) {
      if (run.jobId === p.jobId) throw new InputError('a profile run is already running for this job');
    }
    const optimizers = p.optimizers === null ? null : p.optimizers.map((o) => {
      if (!isOptimizerId(o)) throw new InputError(`unknown optimizer '${o}'`);
      return o;
    });
    const runId = `run-${Date.now().toString(36)}-${++this.runCounter}`;
    const controller = new AbortController();
    const run: ActiveRun = { jobId: p.jobId, controller, last: { runId, jobId: p.jobId, done: 0, total: 0, message: null } };
    this.runs.set(runId, run);
    let sentAt = 0;
    const onProgress = (progress: { done: number; total: number; message?: string }): void => {
      const total = Math.max(0, Math.floor(progress.total));
      const done = Math.min(total, Math.max(0, Math.floor(progress.done)));
      run.last = { runId, jobId: p.jobId, done, total, message: progress.message ?? null };
      const now = Date.now();
      if (done < total && now - sentAt < PROGRESS_INTERVAL_MS) return;
      sentAt = now;
      this.send(makeNotification('profileProgress', run.last));
    };
    void (async () => {
      let outcome: 'completed' | 'cancelled' | 'failed' = 'failed';
      let message: string | null = null;
      try {
        const result = await this.deps.runProfile(p.jobId, { optimizers, signal: controller.signal, onProgress });
        outcome = controller.signal.aborted && result.outcome !== 'completed' ? 'cancelled' : result.outcome;
        message = result.message ?? null;
      } catch (e) {
        outcome = controller.signal.aborted ? 'cancelled' : 'failed';
        message = e instanceof InputError ? e.format() : errorMessage(e);
        if (!(e instanceof InputError) && !controller.signal.aborted) this.deps.log.error(`sidebar: profile run failed: ${e instanceof Error && e.stack ? e.stack : message}`);
      } finally {
        this.runs.delete(runId);
      }
      this.send(makeNotification('profileFinished', { runId, jobId: p.jobId, outcome, message }));
    })();
    return { runId };
  }

  private async trace(p: RequestParams<'trace'>): Promise<RequestResult<'trace'>> {
    const controller = new AbortController();
    this.traces.add(controller);
    const lines: TraceLineView[] = [];
    let backend: string | null = null;
    try {
      for (const o of p.optimizers) {
        if (!isOptimizerId(o)) {
          lines.push({ optimizer: o, name: o, lr: p.lr, points: [], divergedAtStep: null, error: `unknown optimizer '${o}'` });
          continue;
        }
        const name = getOptimizer(o).name;
        try {
          const call = { optimizer: o, problem: p.problem, steps: p.steps, ...(p.lr === null ? {} : { lr: p.lr }) };
          const r = await this.deps.runTrace(call, controller.signal);
          backend = r.backend.name;
          const points = r.points.filter((q) => Number.isFinite(q[0]) && Number.isFinite(q[1])).map((q): [number, number] => [q[0], q[1]]);
          lines.push({ optimizer: o, name, lr: p.lr, points, divergedAtStep: r.divergedAtStep ?? null, error: null });
        } catch (e) {
          if (controller.signal.aborted) throw e;
          lines.push({ optimizer: o, name, lr: p.lr, points: [], divergedAtStep: null, error: e instanceof InputError ? e.message : errorMessage(e) });
        }
      }
    } finally {
      this.traces.delete(controller);
    }
    return { problem: p.problem, steps: p.steps, backend, lines };
  }
}
