/**
 * The sidebar app: state (saved with setState so a hidden view comes back at once), the protocol
 * client, and rendering. It only renders; estimates, advice, profiles and edits come from the host.
 */
import type { TraceProblem } from '../../src/core/profile/trace-problems';
import { recognisedFormatList } from '../../src/core/scan/formats';
import { PROTOCOL_VERSION, type EstimateToggles, type HostNotification, type ViewAction } from '../../src/webview-protocol';
import { h, replaceChildren } from './dom';
import { translator, type Translator } from './i18n';
import { RequestFailed, Rpc } from './rpc';
import {
  chooseJob, defaultTraceSettings, initialState, restoreState, selectJob as selectJobState, TABS, type Tab, type ViewState,
} from './state';
import { button, checkbox, dropdown, spinner, tabs } from './ui';
import { adviceView } from './views/advice';
import { emptyState, type Actions, type Busy, type ViewContext } from './views/context';
import { memoryPanel } from './views/memory';
import { pathsPanel } from './views/paths';
import { profilePanel } from './views/profile';
import { errorMessage } from '../../src/core/error-message';

/** The part of the webview API the app uses (acquireVsCodeApi()). */
export interface WebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const NO_BUSY: Busy = { evaluating: false, reestimating: false, tracing: false, applying: null, applyOutcome: null, memoryError: null };

export class App implements Actions {
  private state: ViewState;
  private busy: Busy = NO_BUSY;
  private t: Translator;
  private readonly rpc: Rpc;
  private width: number;
  /** Increments on every job selection and re-estimate so late answers for an old one are dropped. */
  private selectionToken = 0;
  private estimateToken = 0;
  /** The optimizer the last Apply wrote into the selected job, while its outcome is shown (evaluate). */
  private appliedOptimizer: string | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: WebviewApi,
    locale: string,
  ) {
    this.state = restoreState(api.getState(), locale) ?? initialState(locale);
    this.t = translator(this.state.locale);
    this.width = this.measure();
    this.rpc = new Rpc({
      post: (m) => api.postMessage(m),
      onNotification: (n) => this.notify(n),
      onProblem: (reason) => this.update({ error: this.t('rejected', { reason }) }),
    });
  }

  /** Draws the saved state at once, then asks the host for fresh data. */
  start(): void {
    window.addEventListener('message', (e: MessageEvent) => this.rpc.receive(e.data));
    const observer = new ResizeObserver(() => {
      const w = this.measure();
      if (Math.abs(w - this.width) >= 8) {
        this.width = w;
        this.render();
      }
    });
    observer.observe(this.root);
    this.render();
    this.rpc.command('ready', { protocol: PROTOCOL_VERSION });
  }

  // ---- state ----------------------------------------------------------------------------------------

  private measure(): number {
    return Math.max(240, Math.floor(this.root.clientWidth || document.body.clientWidth || 300) - 4);
  }

  private update(patch: Partial<ViewState>): void {
    this.state = { ...this.state, ...patch };
    this.api.setState(this.state);
    this.render();
  }

  private setBusy(patch: Partial<Busy>): void {
    this.busy = { ...this.busy, ...patch };
    this.render();
  }

  private notify(n: HostNotification): void {
    switch (n.type) {
      case 'environment':
        this.t = translator(n.payload.locale);
        this.update({ locale: n.payload.locale, theme: n.payload.theme });
        return;
      case 'jobs': {
        const { jobs, activeJobId, scanning } = n.payload;
        const next = chooseJob(this.state, jobs, activeJobId);
        this.state = { ...this.state, jobs, activeJobId, scanning, jobsKnown: true };
        this.choose(next, true);
        return;
      }
      case 'activeJob': {
        this.state = { ...this.state, activeJobId: n.payload.jobId };
        const id = n.payload.jobId;
        if (this.state.followEditor && id !== null && this.state.jobs.some((j) => j.id === id)) this.choose(id, false);
        else this.update({});
        return;
      }
      case 'budget': {
        const changed = JSON.stringify(n.payload.budget) !== JSON.stringify(this.state.budget);
        this.state = { ...this.state, budget: n.payload.budget };
        // Fits and the memory plan depend on the budget: evaluate again when it really changed.
        if (changed && this.state.jobsKnown) this.choose(this.state.selectedJobId, true);
        else this.update({});
        return;
      }
      case 'profileProgress': {
        const p = n.payload;
        this.update({ run: { runId: p.runId, jobId: p.jobId, done: p.done, total: p.total, message: p.message } });
        return;
      }
      case 'profileStatus': {
        // A run the view did not see start (it was hidden), or none: the saved state may be stale.
        const runs = n.payload.runs;
        const mine = runs.find((r) => r.jobId === this.state.selectedJobId) ?? runs[0] ?? null;
        this.update({ run: mine });
        return;
      }
      case 'profileFinished': {
        const p = n.payload;
        this.update({ run: null, runOutcome: { kind: p.outcome, message: p.message } });
        // Show what the run just saved (the newest file), complete or not.
        if (p.jobId === this.state.selectedJobId) void this.loadProfiles(p.jobId, true);
        return;
      }
      case 'problem':
        this.update({ error: n.payload.message });
        return;
    }
  }

  /** Selects a job (refresh = evaluate again even when it is already selected). */
  private choose(jobId: string | null, refresh: boolean): void {
    const changed = jobId !== this.state.selectedJobId;
    this.state = selectJobState(this.state, jobId);
    this.api.setState(this.state);
    if (jobId !== null && (changed || refresh || !this.state.evaluation)) {
      void this.evaluate(jobId, changed);
      void this.loadProfiles(jobId);
    } else {
      this.render();
    }
  }

  /**
   * Evaluates the job. The outcome of an Apply is cleared when another job is chosen (`otherJob`) and
   * when the evaluation no longer shows the applied optimizer as the job's own (the edit was undone or
   * overwritten); the rescan that the edit itself causes evaluates the same job again at once, and the
   * outcome stays through it (it was wiped as it appeared).
   */
  private async evaluate(jobId: string, otherJob: boolean): Promise<void> {
    const token = ++this.selectionToken;
    // A job whose model is not resolved has nothing to evaluate yet: the view shows guidance instead.
    if (this.state.jobs.find((j) => j.id === jobId)?.needsModel) {
      this.busy = { ...this.busy, evaluating: false };
      this.update({ evaluation: null, memory: null, error: null });
      return;
    }
    const keepOutcome = !otherJob && this.appliedOptimizer !== null;
    if (!keepOutcome) this.appliedOptimizer = null;
    this.setBusy({ evaluating: true, memoryError: null, ...(keepOutcome ? {} : { applyOutcome: null }) });
    try {
      const ev = await this.rpc.request('selectJob', { jobId });
      if (token !== this.selectionToken) return;
      const own = ev.recommendation.ranked.find((r) => r.current)?.optimizer ?? null;
      const stale = this.appliedOptimizer !== null && own !== this.appliedOptimizer;
      if (stale) this.appliedOptimizer = null;
      this.busy = { ...this.busy, evaluating: false, ...(stale ? { applyOutcome: null } : {}) };
      const keepTrace = this.state.traceSettings;
      this.update({ evaluation: ev, memory: ev.memory, toggles: ev.memory.toggles, error: null, traceSettings: keepTrace ?? defaultTraceSettings(ev) });
    } catch (e) {
      if (token !== this.selectionToken) return;
      this.busy = { ...this.busy, evaluating: false };
      this.update({ error: this.t('errorLine', { message: errorMessage(e) }) });
    }
  }

  /** Reads the job's saved results; keeps the one shown unless `newest` (after a run) or it is gone. */
  private async loadProfiles(jobId: string, newest = false): Promise<void> {
    try {
      const profiles = await this.rpc.request('loadProfiles', { jobId });
      if (jobId !== this.state.selectedJobId) return;
      const keep = !newest && profiles.profiles.some((p) => p.id === this.state.selectedProfileId);
      this.update({ profiles, selectedProfileId: keep ? this.state.selectedProfileId : profiles.profiles[0]?.id ?? null });
    } catch (e) {
      if (jobId === this.state.selectedJobId) this.update({ error: this.t('errorLine', { message: errorMessage(e) }) });
    }
  }

  // ---- actions (called by the views) ----------------------------------------------------------------

  selectJob(jobId: string): void {
    // Picking a job by hand stops following the editor until the user turns it back on.
    this.state = { ...this.state, followEditor: jobId === this.state.activeJobId ? this.state.followEditor : false };
    this.choose(jobId, false);
  }

  setFollowEditor(follow: boolean): void {
    this.update({ followEditor: follow });
    const active = this.state.activeJobId;
    if (follow && active !== null && this.state.jobs.some((j) => j.id === active)) this.choose(active, false);
  }

  setTab(tab: Tab): void {
    if (tab !== this.state.tab) this.update({ tab });
  }

  runAction(action: ViewAction): void {
    this.rpc.command('runAction', { action });
  }

  copySnippet(label: string, text: string): void {
    this.rpc.command('copySnippet', { label, text });
  }

  applyToConfig(optimizer: string): void {
    const jobId = this.state.selectedJobId;
    if (jobId === null) return;
    this.appliedOptimizer = null;
    this.setBusy({ applying: optimizer, applyOutcome: null });
    this.rpc.request('applyToConfig', { jobId, optimizer }).then(
      (r) => {
        if (r.outcome === 'applied') this.appliedOptimizer = optimizer;
        const text = r.outcome === 'applied' ? this.t('applied', { message: r.message ?? optimizer })
          : r.outcome === 'cancelled' ? this.t('applyCancelled') : r.message ?? this.t('applyNotPossible');
        this.setBusy({ applying: null, applyOutcome: text });
      },
      (e: unknown) => this.setBusy({ applying: null, applyOutcome: this.t('errorLine', { message: errorMessage(e) }) }),
    );
  }

  setToggles(toggles: EstimateToggles): void {
    const jobId = this.state.selectedJobId;
    if (jobId === null) return;
    const token = ++this.estimateToken;
    this.state = { ...this.state, toggles };
    this.api.setState(this.state);
    this.setBusy({ reestimating: true, memoryError: null });
    this.rpc.request('reestimate', { jobId, toggles }).then(
      (memory) => {
        if (token !== this.estimateToken || jobId !== this.state.selectedJobId) return;
        this.busy = { ...this.busy, reestimating: false };
        this.update({ memory, toggles: memory.toggles });
      },
      (e: unknown) => {
        if (token !== this.estimateToken) return;
        this.setBusy({ reestimating: false, memoryError: e instanceof RequestFailed ? e.message : this.t('errorLine', { message: errorMessage(e) }) });
      },
    );
  }

  resetToggles(): void {
    const ev = this.state.evaluation;
    if (!ev) return;
    this.estimateToken++;
    this.busy = { ...this.busy, reestimating: false, memoryError: null };
    this.update({ memory: ev.memory, toggles: ev.memory.toggles });
  }

  setShowAllBars(all: boolean): void {
    this.update({ showAllBars: all });
  }

  setProfileOptimizers(optimizers: readonly string[]): void {
    this.update({ profileOptimizers: [...optimizers] });
  }

  runProfile(): void {
    const jobId = this.state.selectedJobId;
    if (jobId === null) return;
    const chosen = this.state.profileOptimizers;
    this.update({ runOutcome: null });
    this.rpc.request('runProfile', { jobId, optimizers: chosen.length > 0 ? [...chosen] : null }).then(
      ({ runId }) => {
        if (!this.state.run || this.state.run.runId !== runId) this.update({ run: { runId, jobId, done: 0, total: 0, message: null } });
      },
      (e: unknown) => this.update({ runOutcome: { kind: 'failed', message: errorMessage(e) } }),
    );
  }

  cancelProfile(): void {
    if (this.state.run) this.rpc.command('cancelProfile', { runId: this.state.run.runId });
  }

  selectProfile(id: string): void {
    this.update({ selectedProfileId: id });
  }

  setTrace(patch: { problem?: TraceProblem; optimizers?: readonly string[]; steps?: number; lr?: number | null }): void {
    const base = this.state.traceSettings ?? defaultTraceSettings(this.state.evaluation);
    this.update({ traceSettings: { ...base, ...patch } });
  }

  drawPaths(): void {
    const settings = this.state.traceSettings ?? defaultTraceSettings(this.state.evaluation);
    const jobId = this.state.selectedJobId;
    this.setBusy({ tracing: true });
    this.rpc.request('trace', { problem: settings.problem, optimizers: settings.optimizers, steps: settings.steps, lr: settings.lr }).then(
      (trace) => {
        this.busy = { ...this.busy, tracing: false };
        if (jobId === this.state.selectedJobId) this.update({ trace, traceSettings: settings });
        else this.render();
      },
      (e: unknown) => {
        this.busy = { ...this.busy, tracing: false };
        this.update({ error: this.t('errorLine', { message: errorMessage(e) }) });
      },
    );
  }

  // ---- rendering ------------------------------------------------------------------------------------

  private context(): ViewContext {
    return { state: this.state, busy: this.busy, t: this.t, width: this.width, actions: this };
  }

  /**
   * Redraws, keeping what the user set up: keyboard focus stays on the control that had it and
   * disclosures stay open or closed (both matched by data-key), and the scroll position is kept.
   */
  private render(): void {
    const active = document.activeElement;
    const focused = active instanceof HTMLElement ? active.closest<HTMLElement>('[data-key]')?.dataset['key'] : undefined;
    const disclosures = new Map<string, boolean>();
    for (const d of this.root.querySelectorAll<HTMLDetailsElement>('details[data-key]')) disclosures.set(d.dataset['key'] ?? '', d.open);
    const scroll = window.scrollY;
    replaceChildren(this.root, ...this.view());
    document.documentElement.lang = this.t.locale === 'zh-cn' ? 'zh-CN' : 'en';
    for (const d of this.root.querySelectorAll<HTMLDetailsElement>('details[data-key]')) {
      const open = disclosures.get(d.dataset['key'] ?? '');
      if (open !== undefined) d.open = open;
    }
    if (focused) this.root.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"]`)?.focus();
    window.scrollTo(0, scroll);
  }

  private view(): HTMLElement[] {
    const ctx = this.context();
    const { t, state } = ctx;
    const out: HTMLElement[] = [];
    if (state.error) out.push(h('p', { class: 'oa-error', role: 'alert' }, state.error));
    if (!state.jobsKnown) return [...out, spinner(t('working'))];
    if (state.jobs.length === 0) {
      if (state.scanning) return [...out, spinner(t('scanning'))];
      return [...out, emptyState(t('noJobTitle'), t('noJobBody', { formats: recognisedFormatList(t.locale) }),
        button({ label: t('scanWorkspace'), onClick: () => this.runAction('scanWorkspace') }),
        button({ label: t('openFolder'), appearance: 'secondary', onClick: () => this.runAction('openFolder') }))];
    }
    out.push(this.header(ctx));
    const needs = state.jobs.find((j) => j.id === state.selectedJobId)?.needsModel;
    if (needs) {
      out.push(emptyState(t('needsModelTitle'), t('needsModelBody', { reason: needs }),
        button({ label: t('pickModelConfig'), onClick: () => this.runAction('pickModelConfig') })));
      return out;
    }
    if (this.busy.evaluating && !state.evaluation) out.push(spinner(t('working')));
    const panels = { advice: adviceView, memory: memoryPanel, profile: profilePanel, paths: pathsPanel } as const;
    const labels: Readonly<Record<Tab, string>> = { advice: t('tabAdvice'), memory: t('tabMemory'), profile: t('tabProfile'), paths: t('tabPaths') };
    out.push(tabs({
      label: t('appTitle'),
      active: state.tab,
      tabs: TABS.map((id) => ({ id, label: labels[id], panel: id === state.tab ? panels[id](ctx) : null })),
      onChange: (id) => {
        if ((TABS as readonly string[]).includes(id)) this.setTab(id as Tab);
      },
    }));
    return out;
  }

  private header(ctx: ViewContext): HTMLElement {
    const { t, state } = ctx;
    const picker = dropdown({
      label: t('jobLabel'),
      value: state.selectedJobId ?? '',
      choices: state.jobs.map((j) => ({ value: j.id, label: j.label })),
      onChange: (id) => this.selectJob(id),
    });
    const follow = checkbox({ label: t('followEditor'), checked: state.followEditor, onChange: (on) => this.setFollowEditor(on) });
    return h('header', { class: 'oa-header' }, picker, follow, state.scanning ? spinner(t('scanning')) : null);
  }
}
