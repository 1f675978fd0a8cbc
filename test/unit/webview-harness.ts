/**
 * Test harness for the sidebar: the real SidebarController with fake deps built on the real scanner,
 * model inventory, advisor and estimator over examples/, and the real webview bundle in headless
 * Chromium under the same CSP the provider sets, with VS Code's theme variables for Light, Dark and
 * High Contrast. Profile results and trajectories are TEST FIXTURES (see charts-fixtures.ts).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { advisorInputForJob } from '../../src/core/job';
import { buildInventory, inventoryForRef } from '../../src/core/models';
import type { ModelInventory } from '../../src/core/models/types';
import { scanFiles } from '../../src/core/scan';
import type { ScanJob } from '../../src/core/scan/results';
import type { ScanFile } from '../../src/core/scan/types';
import { TRACE_PROBLEM_SPECS } from '../../src/core/profile/trace-problems';
import { parseHostMessage, type GpuBudgetView, type HostMessage, type SnippetView, type ThemeKind, type ViewAction } from '../../src/webview-protocol';
import { SidebarController, type HostPort } from '../../src/extension/sidebar/controller';
import type { ProfileProgress, SavedProfileFile, SidebarDeps, TraceCall } from '../../src/extension/sidebar/deps';
import { sidebarHtml } from '../../src/extension/sidebar/html';
import { fixtureProfile } from './charts-fixtures';

/** The repository root: up from the compiled test (out/test/unit) to the folder holding webview/build.js, else the cwd. */
function findRepo(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'webview', 'build.js')) && fs.existsSync(path.join(dir, 'examples'))) return dir;
  }
  return process.cwd();
}

export const REPO = findRepo();
export const EXAMPLES = path.join(REPO, 'examples');
export const GiB = 2 ** 30;

export function readExamples(): ScanFile[] {
  const files: ScanFile[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.push({ path: path.relative(EXAMPLES, p).split(path.sep).join('/'), text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(EXAMPLES);
  return files;
}

export function inventoryFor(job: ScanJob): ModelInventory {
  if (!job.model) throw new Error(`fixture job ${job.id} has no model`);
  if (job.model.kind === 'hub-id') return inventoryForRef(job.model.id);
  if (job.model.kind === 'local-path') throw new Error(`fixture job ${job.id} names a model outside the examples`);
  return buildInventory(JSON.parse(fs.readFileSync(path.join(EXAMPLES, job.model.path), 'utf8')), job.model.path);
}

/** A minimal event emitter with the vscode.Event shape. */
export class Emitter<T> {
  private listeners: ((e: T) => unknown)[] = [];
  readonly event = (listener: (e: T) => unknown): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

/** Test snippets: the real generator belongs to the extension's recommend command. */
function fixtureSnippets(optimizer: string, lr: number | null): SnippetView[] {
  return [
    { framework: 'pytorch', label: 'PyTorch', language: 'python', code: `# fixture snippet\noptimizer = make_optimizer('${optimizer}', lr=${lr ?? 'None'})` },
    { framework: 'hf-trainer', label: 'HF Trainer', language: 'python', code: `# fixture snippet\nTrainingArguments(optim='${optimizer}', learning_rate=${lr ?? 'None'})` },
  ];
}

/** Fixture trajectory: plain gradient descent with momentum (central differences), NOT the profiler's optimizers. */
export function fixtureTrace(call: TraceCall): { points: [number, number][]; backend: { name: string } } {
  const spec = TRACE_PROBLEM_SPECS[call.problem];
  const lr = call.lr ?? 1e-3;
  // Different momenta per optimizer so the fixture paths do not lie on top of each other.
  const momentum = [0.5, 0.7, 0.8, 0.9][[...call.optimizer].reduce((h, c) => h + c.charCodeAt(0), 0) % 4]!;
  let [x, y] = spec.start;
  let vx = 0;
  let vy = 0;
  const h = 1e-6;
  const points: [number, number][] = [[x, y]];
  for (let i = 0; i < call.steps; i++) {
    const gx = (spec.value(x + h, y) - spec.value(x - h, y)) / (2 * h);
    const gy = (spec.value(x, y + h) - spec.value(x, y - h)) / (2 * h);
    vx = momentum * vx + gx;
    vy = momentum * vy + gy;
    x -= lr * vx;
    y -= lr * vy;
    points.push([x, y]);
  }
  return { points, backend: { name: 'fixture' } };
}

export interface FakeDeps extends SidebarDeps {
  readonly jobsChanged: Emitter<unknown>;
  readonly activeChanged: Emitter<string | null>;
  readonly budgetChanged: Emitter<unknown>;
  readonly logs: string[];
  readonly applied: string[];
  budget: GpuBudgetView | null;
  active: string | null;
  profileFiles: SavedProfileFile[];
  /** Set by runProfile: call to move the fake sweep along. */
  profileControl: { progress(p: ProfileProgress): void; finish(): void } | null;
  /** The optimizers each runProfile call asked for (null = the default sweep). */
  readonly profileRequests: (readonly string[] | null)[];
}

export function fakeDeps(): FakeDeps {
  const scan = scanFiles(readExamples());
  const logs: string[] = [];
  const deps: FakeDeps = {
    jobsChanged: new Emitter<unknown>(),
    activeChanged: new Emitter<string | null>(),
    budgetChanged: new Emitter<unknown>(),
    logs,
    applied: [],
    budget: { bytesPerGpu: 24 * GiB, gpus: 1, label: 'Setting: RTX 4090 24 GB', source: 'setting' },
    active: 'llama2-7b-sft/training_args.json',
    profileFiles: [
      { id: 'profile-2025-01-01.json', savedAt: '2025-01-01T00:00:00.000Z', json: fixtureProfile() },
      { id: 'profile-broken.json', savedAt: '2024-12-31T00:00:00.000Z', json: { schemaVersion: 1, results: 'truncated' } },
    ],
    profileControl: null,
    profileRequests: [],
    listJobs: async () => scan.jobs,
    isScanning: () => false,
    get onDidChangeJobs() {
      return deps.jobsChanged.event;
    },
    activeJobId: () => deps.active,
    get onDidChangeActiveJob() {
      return deps.activeChanged.event;
    },
    gpuBudget: () => deps.budget,
    get onDidChangeBudget() {
      return deps.budgetChanged.event;
    },
    advisorInput: async (jobId) => {
      const job = scan.jobs.find((j) => j.id === jobId);
      if (!job) throw new Error(`no job ${jobId}`);
      return advisorInputForJob(job, inventoryFor(job), { gpuMemoryBytes: deps.budget?.bytesPerGpu ?? null, priority: 'quality' });
    },
    snippets: (id, h) => fixtureSnippets(id, h.lr),
    planFix: async (jobId, optimizer) => ({
      description: `${jobId}: optimizer -> ${optimizer}`,
      apply: async () => {
        deps.applied.push(`${jobId}:${optimizer}`);
        return true;
      },
    }),
    runProfile: (_jobId, options) =>
      new Promise((resolve) => {
        deps.profileRequests.push(options.optimizers === null ? null : [...options.optimizers]);
        const finish = (): void => {
          deps.profileControl = null;
          resolve(options.signal.aborted ? { outcome: 'cancelled' } : { outcome: 'completed' });
        };
        deps.profileControl = { progress: (p) => options.onProgress(p), finish };
        options.signal.addEventListener('abort', finish);
      }),
    loadSavedProfiles: async () => deps.profileFiles,
    runTrace: async (call) => fixtureTrace(call),
    log: {
      info: (m) => logs.push(`info: ${m}`),
      warn: (m) => logs.push(`warn: ${m}`),
      error: (m) => logs.push(`error: ${m}`),
    },
  };
  return deps;
}

/** A HostPort that records every message (checked with the view's own validator) and every action. */
export interface RecordingPort extends HostPort {
  readonly sent: HostMessage[];
  readonly actions: ViewAction[];
  readonly copied: string[];
  confirmAnswer: boolean;
  forward: ((m: HostMessage) => void) | null;
}

export function recordingPort(locale = 'en', theme: ThemeKind = 'dark'): RecordingPort {
  const port: RecordingPort = {
    sent: [],
    actions: [],
    copied: [],
    confirmAnswer: true,
    forward: null,
    post: (m) => {
      const checked = parseHostMessage(JSON.parse(JSON.stringify(m)));
      if (!checked.ok) throw new Error(`host sent a message the view would reject: ${checked.error}`);
      port.sent.push(m);
      port.forward?.(m);
    },
    confirmApply: async () => port.confirmAnswer,
    copy: async (label, text) => {
      port.copied.push(`${label}:${text}`);
    },
    runAction: async (a) => {
      port.actions.push(a);
    },
    environment: () => ({ locale, theme }),
  };
  return port;
}

// ---- Browser ----------------------------------------------------------------------------------------

/** VS Code's default colours (src/vs/platform/theme/common/colors/*.ts) for the variables the view uses. */
export const THEMES: Readonly<Record<'light' | 'dark' | 'high-contrast', { bodyClass: string; vars: Readonly<Record<string, string>> }>> = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      'foreground': '#616161', 'descriptionForeground': '#717171', 'errorForeground': '#a1260d', 'focusBorder': '#0090f1',
      'editor-background': '#ffffff', 'editor-foreground': '#333333', 'sideBar-background': '#f3f3f3',
      'widget-border': '#c8c8c8', 'textLink-foreground': '#006ab1', 'textLink-activeForeground': '#006ab1',
      'textCodeBlock-background': '#dcdcdc66', 'badge-background': '#c4c4c4', 'badge-foreground': '#333333',
      'button-background': '#007acc', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0062a3',
      'button-secondaryBackground': '#5f6a79', 'button-secondaryForeground': '#ffffff', 'button-secondaryHoverBackground': '#4c5561',
      'dropdown-background': '#ffffff', 'dropdown-foreground': '#616161', 'dropdown-border': '#cecece', 'dropdown-listBackground': '#ffffff',
      'input-background': '#ffffff', 'input-foreground': '#616161', 'input-placeholderForeground': '#767676',
      'checkbox-background': '#ffffff', 'checkbox-border': '#919191', 'checkbox-foreground': '#616161',
      'list-activeSelectionBackground': '#0060c0', 'list-activeSelectionForeground': '#ffffff', 'list-hoverBackground': '#e8e8e8',
      'panelTitle-activeForeground': '#424242', 'panelTitle-inactiveForeground': '#424242bf', 'panelTitle-activeBorder': '#424242',
      'panel-background': '#ffffff', 'progressBar-background': '#0e70c0', 'scrollbarSlider-background': '#64646466',
      'charts-foreground': '#616161', 'charts-lines': '#61616180', 'charts-red': '#e51400', 'charts-blue': '#1a85ff',
      'charts-yellow': '#bf8803', 'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90',
      'testing-iconPassed': '#388a34',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      'foreground': '#cccccc', 'descriptionForeground': '#ccccccb3', 'errorForeground': '#f48771', 'focusBorder': '#007fd4',
      'editor-background': '#1e1e1e', 'editor-foreground': '#bbbbbb', 'sideBar-background': '#252526',
      'widget-border': '#454545', 'textLink-foreground': '#3794ff', 'textLink-activeForeground': '#3794ff',
      'textCodeBlock-background': '#0a0a0a66', 'badge-background': '#4d4d4d', 'badge-foreground': '#ffffff',
      'button-background': '#0e639c', 'button-foreground': '#ffffff', 'button-hoverBackground': '#1177bb',
      'button-secondaryBackground': '#3a3d41', 'button-secondaryForeground': '#ffffff', 'button-secondaryHoverBackground': '#45494e',
      'dropdown-background': '#3c3c3c', 'dropdown-foreground': '#f0f0f0', 'dropdown-border': '#3c3c3c', 'dropdown-listBackground': '#3c3c3c',
      'input-background': '#3c3c3c', 'input-foreground': '#cccccc', 'input-placeholderForeground': '#a6a6a6',
      'checkbox-background': '#3c3c3c', 'checkbox-border': '#6b6b6b', 'checkbox-foreground': '#f0f0f0',
      'list-activeSelectionBackground': '#04395e', 'list-activeSelectionForeground': '#ffffff', 'list-hoverBackground': '#2a2d2e',
      'panelTitle-activeForeground': '#e7e7e7', 'panelTitle-inactiveForeground': '#e7e7e799', 'panelTitle-activeBorder': '#e7e7e7',
      'panel-background': '#1e1e1e', 'progressBar-background': '#0e70c0', 'scrollbarSlider-background': '#79797966',
      'charts-foreground': '#cccccc', 'charts-lines': '#cccccc80', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff',
      'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
      'testing-iconPassed': '#73c991',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      'foreground': '#ffffff', 'descriptionForeground': '#ffffffb3', 'errorForeground': '#f48771', 'focusBorder': '#f38518',
      'contrastBorder': '#6fc3df', 'contrastActiveBorder': '#f38518',
      'editor-background': '#000000', 'editor-foreground': '#ffffff', 'sideBar-background': '#000000',
      'widget-border': '#6fc3df', 'textLink-foreground': '#21a6ff', 'textLink-activeForeground': '#21a6ff',
      'textCodeBlock-background': '#000000', 'badge-background': '#000000', 'badge-foreground': '#ffffff',
      'button-background': '#000000', 'button-foreground': '#ffffff', 'button-border': '#6fc3df', 'button-hoverBackground': '#000000',
      'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff', 'button-secondaryHoverBackground': '#000000',
      'dropdown-background': '#000000', 'dropdown-foreground': '#ffffff', 'dropdown-border': '#6fc3df', 'dropdown-listBackground': '#000000',
      'input-background': '#000000', 'input-foreground': '#ffffff', 'input-border': '#6fc3df', 'input-placeholderForeground': '#ffffffb3',
      'checkbox-background': '#000000', 'checkbox-border': '#6fc3df', 'checkbox-foreground': '#ffffff',
      'list-activeSelectionBackground': '#000000', 'list-activeSelectionForeground': '#ffffff', 'list-hoverBackground': '#000000',
      'panelTitle-activeForeground': '#ffffff', 'panelTitle-inactiveForeground': '#ffffff', 'panelTitle-activeBorder': '#6fc3df',
      'panel-background': '#000000', 'progressBar-background': '#6fc3df', 'scrollbarSlider-background': '#6fc3df99',
      'charts-foreground': '#ffffff', 'charts-lines': '#ffffff80', 'charts-red': '#f48771', 'charts-blue': '#3794ff',
      'charts-yellow': '#ffd370', 'charts-orange': '#ab5a00', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
      'testing-iconPassed': '#73c991',
    },
  },
};

export type ThemeName = keyof typeof THEMES;

const COMMON_VARS: Readonly<Record<string, string>> = {
  'font-family': 'system-ui, "Segoe UI", Ubuntu, "Noto Sans CJK SC", sans-serif',
  'font-size': '13px',
  'font-weight': 'normal',
  'editor-font-family': '"DejaVu Sans Mono", monospace',
  'editor-font-size': '12px',
};

let bundleDir: string | null = null;

/** Builds the webview bundle once per test process into a temp dir. */
export async function buildBundle(): Promise<string> {
  if (bundleDir) return bundleDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-webview-'));
  const build = require(path.join(REPO, 'webview', 'build.js')) as { buildWebview(o: { outdir: string }): Promise<unknown> };
  await build.buildWebview({ outdir: dir });
  bundleDir = dir;
  return dir;
}

export interface Session {
  readonly page: Page;
  readonly deps: FakeDeps;
  readonly port: RecordingPort;
  readonly controller: SidebarController;
  readonly violations: string[];
  readonly pageErrors: string[];
  /** States the view saved with setState. */
  readonly savedStates: unknown[];
  close(): Promise<void>;
}

let browser: Browser | null = null;

export async function launch(): Promise<Browser> {
  if (!browser) {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
  }
  return browser;
}

export async function closeBrowser(): Promise<void> {
  if (browser) await browser.close();
  browser = null;
}

export interface SessionOptions {
  readonly theme: ThemeName;
  readonly locale?: string;
  readonly width?: number;
  /** State a previous instance saved (getState returns it). */
  readonly savedState?: unknown;
  /** Do not connect the host (to see what the view draws from its saved state alone). */
  readonly offline?: boolean;
  readonly deps?: FakeDeps;
}

/** Serves the bundle, opens the sidebar page and wires it to a real controller over fake deps. */
export async function openSidebar(opts: SessionOptions): Promise<Session> {
  const dir = await buildBundle();
  const server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, name);
    if (name === '' || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = name.endsWith('.js') ? 'text/javascript' : name.endsWith('.css') ? 'text/css' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const locale = opts.locale ?? 'en';
  const html = sidebarHtml({
    scriptUri: `${origin}/main.js`,
    styleUri: `${origin}/main.css`,
    cspSource: origin,
    nonce: 'dGVzdG5vbmNlMTIzNDU2Nzg5MA==',
    locale,
    title: 'Optimizer Advisor',
  });

  const b = await launch();
  const context = await b.newContext({ viewport: { width: opts.width ?? 340, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const violations: string[] = [];
  const pageErrors: string[] = [];
  const savedStates: unknown[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });

  const deps = opts.deps ?? fakeDeps();
  const port = recordingPort(locale, opts.theme === 'light' ? 'light' : opts.theme === 'dark' ? 'dark' : 'high-contrast');
  const controller = new SidebarController(deps, port);
  const online = opts.offline !== true;
  port.forward = (m) => {
    if (online) void page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(m)} }))`).catch(() => undefined);
  };
  await page.exposeFunction('__oaHostReceive', (m: unknown) => (online ? controller.handle(m) : undefined));
  await page.exposeFunction('__oaSetState', (s: unknown) => savedStates.push(s));
  await page.exposeFunction('__oaViolation', (v: string) => violations.push(v));

  const theme = THEMES[opts.theme];
  const vars = { ...COMMON_VARS, ...theme.vars };
  // Runs in the page before its scripts (browser code as text: this file compiles without DOM types).
  // What VS Code does for a webview: theme variables on <html>, the theme kind as a <body> class.
  await page.addInitScript(`(() => {
    let state = ${JSON.stringify(opts.savedState ?? null)};
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => { window.__oaHostReceive(JSON.parse(JSON.stringify(m))); },
      getState: () => state,
      setState: (s) => { state = s; window.__oaSetState(s); },
    });
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__oaViolation(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
    });
    const vars = ${JSON.stringify(vars)};
    const bodyClass = ${JSON.stringify(theme.bodyClass)};
    const apply = () => {
      if (!document.documentElement) return false;
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty('--vscode-' + k, v);
      return true;
    };
    new MutationObserver((_, obs) => {
      if (document.documentElement && !document.documentElement.style.getPropertyValue('--vscode-foreground')) apply();
      if (document.body) { document.body.classList.add(bodyClass); obs.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  })();`);
  await page.route(`${origin}/sidebar.html`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(`${origin}/sidebar.html`);

  return {
    page,
    deps,
    port,
    controller,
    violations,
    pageErrors,
    savedStates,
    close: async () => {
      controller.dispose();
      await context.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The view's visible text (for assertions). */
export async function visibleText(page: Page): Promise<string> {
  return page.evaluate<string>(`document.getElementById('root')?.innerText ?? ''`);
}
