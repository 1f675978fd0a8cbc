// The Optimizer Advisor view in a real VS Code (code-server 4.100.3 in headless Chromium, see
// workbench.ts), driven like a user drives it, on a copy of the repository's examples/ workspace:
//
// - the view opens from the activity bar and lists the example jobs; the Llama-2 SFT job is picked;
// - its recommendation card shows what `optimizer-advisor recommend <workspace> --gpu-memory 24GiB
//   --json` says for the same job: the order, every fit and peak, the top pick's lr and weight decay,
//   the plan that makes it fit, each step with what it changes in the job (text as formatted by the CLI's
//   own formatters, src/core/units); the answer's change to paste is the CLI's `change` for the job, the
//   job's own format first with its packages, the other formats (opened on demand) each the CLI's text;
// - ticking "Gradient checkpointing" changes the bars (read from the chart's data table) to what
//   `optimizer-advisor estimate` prints for the job's settings with --gradient-checkpointing, component
//   by component, and Reset brings back the recommend command's peaks;
// - a profile run of two optimizers (AdamW is added as the reference) with the settings
//   optimizerAdvisor.profile.steps / .budgetSeconds set small streams progress, then draws the Pareto
//   chart (a point per optimizer, the front ringed) labelled with the backend and this machine; a
//   second run is cancelled mid-way, the view says so and the partial result stays in workspace storage;
// - screenshots of the recommendation, memory and profile parts in Light, Dark and High Contrast are
//   kept as artifacts/vscode-sidebar-<theme>-<part>.png (on failure, artifacts/vscode-sidebar-failure.png).
//
// Run: node --test out/test/vscode/sidebar-ui.js   (part of `npm run test:ui`)
// Needs `bash scripts/code-server/setup.sh` and `node esbuild.js` (dist/cli.js, dist/extension.js) first.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame, Locator, Page } from 'playwright-core';
import { advisedStateSettings } from '../../src/core/advisor/hyperparameters';
import { getOptimizer, resolveOptimizer } from '../../src/core/optimizers';
import { isOptimizerId } from '../../src/core/optimizers/registry';
import { formatBytes, formatCount } from '../../src/core/units';
import { findRepoRoot } from './paths';
import {
  checkPrerequisites,
  openWorkbench,
  runFromCommandPalette,
  userSettingsFile,
  type ConsoleLine,
  type WorkbenchSession,
} from './workbench';

const EXTENSION_ID = 'optimizer-advisor.optimizer-advisor';
const STEP_TIMEOUT_MS = 60_000;
/** The job the test looks at (examples/llama2-7b-sft): full fine-tuning of Llama-2-7B, far over 24 GiB. */
const JOB = 'llama2-7b-sft/training_args.json';
/** The GPU budget, given to the extension (custom size) and to the CLI (--gpu-memory) in the same words. */
const GPU_MEMORY = '24GiB';
/** A profile this small takes some 20 s on two busy cores (the sweep's default is 80 steps in 120 s). */
const PROFILE_STEPS = 10;
const PROFILE_BUDGET_SECONDS = 90;
const THEMES = [
  { id: 'light', name: 'Default Light Modern', bodyClass: 'vscode-light', workbenchClass: 'vs' },
  { id: 'dark', name: 'Default Dark Modern', bodyClass: 'vscode-dark', workbenchClass: 'vs-dark' },
  { id: 'hc', name: 'Default High Contrast', bodyClass: 'vscode-high-contrast', workbenchClass: 'hc-black' },
] as const;

const repoRoot = findRepoRoot(__dirname);
const artifacts = path.join(repoRoot, 'artifacts');
const cliPath = path.join(repoRoot, 'dist', 'cli.js');
const baseSettings: Record<string, unknown> = {
  'optimizerAdvisor.gpu': 'custom',
  'optimizerAdvisor.gpuMemory': GPU_MEMORY,
  'optimizerAdvisor.detectGpus': false,
  'optimizerAdvisor.profile.steps': PROFILE_STEPS,
  'optimizerAdvisor.profile.budgetSeconds': PROFILE_BUDGET_SECONDS,
  'workbench.colorTheme': THEMES[0].name,
};

let scratch: string | undefined;
let folder = '';
let session: WorkbenchSession | undefined;
let page: Page | undefined;
const consoleLines: ConsoleLine[] = [];

// ---- the CLI, run as a user would run it ------------------------------------------------------------

function cli(args: readonly string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cliPath, ...args], { cwd: folder, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      // recommend exits 3 when some other job of the folder could not be evaluated; the JSON is complete.
      if (error && error.code !== 3) return reject(new Error(`optimizer-advisor ${args.join(' ')}: ${stderr || error.message}`));
      try {
        resolve(JSON.parse(stdout) as unknown);
      } catch (e) {
        reject(new Error(`optimizer-advisor ${args.join(' ')} printed no JSON: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
}

interface CliRecommendation {
  optimizer: string;
  rank: number;
  fits: boolean | null;
  peakBytes: number | null;
  /** The measured basis: the nearest rows the ranking weighed, with their sources. */
  measured: { sentence: string; nearest: { text: string; cite: string; url: string; locator: string }[] };
  hyperparameters: {
    lr: number | null;
    weightDecay: number;
    betas: number[] | null;
    eps: number | number[] | null;
    warmup: { unit: string; value: number } | null;
  };
  /** The change to paste in each format, the job's own first (the top three that are not the job's own optimizer). */
  change?: { format: string; language: string; code: string; package: string; minVersion: string | null; source: string }[];
}
interface CliJob {
  source: string;
  model: { source: { kind: string; location: string }; params: number; trainableParams: number };
  facts: { seqLen: { value: number }; gpus: { value: number }; precision: { value: string }; zeroStage: { value: number } };
  recommendations: CliRecommendation[];
  strategyBase: { optimizer: string } | null;
  strategyPlan: { steps: { id: string; text: string; changes: string; peakBytes: number }[]; peakBytes: number; fits: boolean | null } | null;
}
interface CliScanJob {
  id: string;
  settings: { optimizer?: string; perDeviceBatchSize?: number; gradAccum?: number };
}
interface CliEstimate {
  bytes: Record<string, number>;
  fits: boolean | null;
}

let fromCli: { recommended: CliJob[]; scanned: CliScanJob[] } | undefined;

/** `recommend` and `scan` over the workspace (run once): the job the test looks at, and every job found. */
async function cliJob(): Promise<{ job: CliJob; scan: CliScanJob; allJobs: readonly CliScanJob[] }> {
  if (!fromCli) {
    const [rec, scan] = (await Promise.all([
      cli(['recommend', '.', '--gpu-memory', GPU_MEMORY, '--json']),
      cli(['scan', '.', '--json']),
    ])) as [{ jobs: CliJob[] }, { jobs: CliScanJob[] }];
    fromCli = { recommended: rec.jobs, scanned: scan.jobs };
  }
  const job = fromCli.recommended.find((j) => j.source === JOB);
  const scan = fromCli.scanned.find((j) => j.id === JOB);
  assert.ok(job, `optimizer-advisor recommend has no job ${JOB}`);
  assert.ok(scan, `optimizer-advisor scan has no job ${JOB}`);
  return { job, scan, allJobs: fromCli.scanned };
}

function nameOf(id: string): string {
  assert.ok(isOptimizerId(id), `the CLI names an optimizer the catalog does not have: ${id}`);
  return getOptimizer(id).name;
}

function fitText(fits: boolean | null): string {
  return fits === null ? 'fit unknown' : fits ? 'fits' : 'does not fit';
}

// ---- the workbench and the view ---------------------------------------------------------------------

/**
 * Switches the colour theme through the user settings, as a user can: "Preferences: Open User Settings
 * (JSON)", replace the text with the settings plus workbench.colorTheme, save, close. (VS Code applies
 * what it saves itself at once; the theme picker needs the marketplace, which this machine cannot reach,
 * before it lists the installed themes.) Waits for the workbench to wear the theme.
 */
async function setColorTheme(current: Page, theme: (typeof THEMES)[number]): Promise<void> {
  assert.ok(scratch);
  const settings = { ...(JSON.parse(fs.readFileSync(userSettingsFile(scratch), 'utf8')) as Record<string, unknown>), 'workbench.colorTheme': theme.name };
  const file = userSettingsFile(scratch);
  await runFromCommandPalette(current, 'Preferences: Open User Settings (JSON)', STEP_TIMEOUT_MS);
  await focusEditor(current, file);
  await current.keyboard.press('ControlOrMeta+A');
  await current.keyboard.press('Delete');
  // One line, inserted as one piece of text: no auto-closing brackets or indentation interfere.
  await current.keyboard.insertText(JSON.stringify(settings));
  // Saved: the file on disk holds what was typed (read once the save has finished writing it; when the theme is the
  // current one already, the workbench's class below says nothing about the save).
  const sameSettings = (t: string): boolean => {
    try {
      assert.deepEqual(JSON.parse(t), settings);
      return true;
    } catch {
      return false;
    }
  };
  const text = await saveAndRead(current, file, sameSettings, 'the settings file to hold what was typed');
  assert.deepEqual(JSON.parse(text), settings, `the settings file holds what was typed: ${text}`);
  await current.locator(`.monaco-workbench.${theme.workbenchClass}`).waitFor({ timeout: STEP_TIMEOUT_MS });
  await closeEditor(current, file);
}

/**
 * Evaluates `body` (JavaScript, the body of a function returning a JSON value) in the view's page. Page
 * code is written as text: this program is compiled without the DOM library.
 */
function inView<T>(frame: Frame, body: string): Promise<T> {
  return frame.evaluate<T>(`(() => { ${body} })()`);
}

/**
 * Waits until `body` (as for inView) returns a truthy value. Polls from here: the view's CSP forbids
 * the eval that Playwright's waitForFunction needs for a predicate given as text.
 */
async function waitInView(frame: Frame, body: string, what: string, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await inView<boolean>(frame, body))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await frame.page().waitForTimeout(100);
  }
}

/** Page code: the memory chart's peaks, one per bar, read from its data table. */
const MEMORY_PEAKS_JS = `
  const figure = [...document.querySelectorAll('figure.oa-figure')].find((f) => f.querySelector('svg.oa-chart-memory'));
  const peaks = [...(figure ? figure.querySelectorAll('tbody tr') : [])].map((tr) => (tr.children[tr.children.length - 2].textContent || '').trim());`;

/** The frame holding the view's page (the inner of the two iframes VS Code nests every webview in). */
async function viewFrame(current: Page, timeoutMs = STEP_TIMEOUT_MS): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of current.frames()) {
      const host = frame.parentFrame();
      if (frame.isDetached() || host === null || !host.url().includes(`extensionId=${EXTENSION_ID}`)) continue;
      if ((await frame.locator('#root').count().catch(() => 0)) > 0) return frame;
    }
    await current.waitForTimeout(200);
  }
  throw new Error(`no webview of ${EXTENSION_ID} with a #root element appeared within ${timeoutMs / 1000} s`);
}

/**
 * Clicks a control of the view until `done` says the click took effect, as a user clicks again when nothing happened.
 * The view rebuilds its whole markup on every message from the extension (a scan reporting, profile progress): a
 * click whose press and release straddle a rebuild reaches no control and is lost. `done` must check what the click
 * shows at once (a box ticked, a button disabled), or an action that is harmless to repeat, so that a click that did
 * register is never repeated by mistake; it is polled for `retryAfterMs` before the next click.
 */
async function clickUntil(frame: Frame, click: () => Promise<unknown>, done: () => Promise<boolean>, what: string, retryAfterMs = 5_000): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    await click();
    const settle = Date.now() + retryAfterMs;
    while (Date.now() < settle) {
      if (await done()) return;
      await frame.page().waitForTimeout(100);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${STEP_TIMEOUT_MS / 1000} s waiting for ${what}`);
  }
}

/** Clicks a <vscode-checkbox> of the view until it shows `checked` (see clickUntil). */
async function setCheckbox(frame: Frame, box: Locator, checked: boolean, what: string): Promise<void> {
  const want = String(checked);
  await clickUntil(frame, () => box.click({ timeout: STEP_TIMEOUT_MS }), async () => (await box.getAttribute('aria-checked').catch(() => null)) === want, what);
}

async function showTab(frame: Frame, tab: 'advice' | 'memory' | 'profile'): Promise<void> {
  const selected = frame.locator(`vscode-panel-tab#tab-${tab}[aria-selected="true"]`);
  await clickUntil(frame, () => frame.locator(`vscode-panel-tab#tab-${tab}`).click({ timeout: STEP_TIMEOUT_MS }), () => selected.isVisible(), `the ${tab} tab to be selected`);
}

/**
 * Picks an entry of one of the view's dropdowns (the toolkit's <vscode-dropdown>) by its label's start, as a user does:
 * open the list, click the entry. The view may redraw while the list is open (the workspace scan reporting a job
 * late), which closes the list and detaches its entries; then the list is opened again, a few times at most.
 */
async function pickFromDropdown(frame: Frame, label: string, optionStart: string): Promise<void> {
  const dropdown = frame.locator(`vscode-dropdown[aria-label="${label}"]`);
  const option = dropdown.locator('vscode-option').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(optionStart)}`) }).first();
  const attempts = 4;
  for (let attempt = 1; ; attempt++) {
    try {
      if ((await dropdown.getAttribute('aria-expanded', { timeout: STEP_TIMEOUT_MS })) !== 'true') await dropdown.click({ timeout: STEP_TIMEOUT_MS });
      await option.click({ timeout: STEP_TIMEOUT_MS / 6 });
      return;
    } catch (error) {
      if (attempt === attempts) throw error;
    }
  }
}

/** Rows of a chart's data table (header row first), read from the markup whatever the disclosure's state. */
async function chartTable(frame: Frame, chartClass: string): Promise<string[][]> {
  return inView<string[][]>(frame, `
    const figure = [...document.querySelectorAll('figure.oa-figure')].find((f) => f.querySelector('svg.${chartClass}'));
    const table = figure && figure.querySelector('table');
    if (!table) return [];
    return [...table.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent || '').trim()));`);
}

async function screenshot(current: Page, name: string): Promise<void> {
  // Let scrolling and the toolkit's transitions settle so the picture shows the final state.
  await current.waitForTimeout(300);
  const file = path.join(artifacts, `${name}.png`);
  await current.locator('.part.sidebar').screenshot({ path: file });
  console.log(`screenshot: ${path.relative(repoRoot, file)}`);
}

async function failureShot(): Promise<void> {
  await page?.screenshot({ path: path.join(artifacts, 'vscode-sidebar-failure.png') }).catch(() => undefined);
  const errors = consoleLines.filter((l) => l.type === 'error' || l.type === 'pageerror').map((l) => l.text);
  if (errors.length > 0) console.error(`workbench console errors (last 20):\n${errors.slice(-20).join('\n')}`);
}

/** Runs a step of the scenario; on failure keeps a screenshot of the whole window and the console errors. */
async function step<T>(body: (current: Page) => Promise<T>): Promise<T> {
  assert.ok(page, 'the workbench did not open');
  try {
    return await body(page);
  } catch (error) {
    await failureShot();
    // A dialog left open (a failure while VS Code asked before Apply) is modal and would fail the tests after this one.
    const dialog = page.locator('.monaco-dialog-box');
    if (await dialog.isVisible().catch(() => false)) {
      await dialog.locator('.dialog-buttons .monaco-button').first().focus().catch(() => undefined);
      await page.keyboard.press('Escape').catch(() => undefined);
    }
    throw error;
  }
}

before(async () => {
  checkPrerequisites(repoRoot);
  assert.ok(fs.existsSync(cliPath), `${cliPath} is missing: run \`node esbuild.js\``);
  fs.mkdirSync(artifacts, { recursive: true });
  session = await openWorkbench({
    repoRoot,
    name: 'optimizer-advisor-sidebar-ui',
    workspace: path.join(repoRoot, 'examples'),
    settings: baseSettings,
    // Tall enough for a chart and its controls in one picture.
    viewport: { width: 1400, height: 1100 },
    onConsole: (line) => consoleLines.push(line),
    timeoutMs: STEP_TIMEOUT_MS,
  });
  ({ scratch, folder, page } = session);
}, { timeout: 3 * STEP_TIMEOUT_MS });

after(async () => {
  await session?.close();
});

test('the Optimizer Advisor view opens from the activity bar, lists the example jobs and shows the chosen one', { timeout: 2 * STEP_TIMEOUT_MS }, () => step(async (current) => {
  await current.locator('.activitybar .action-item a[aria-label^="Optimizer Advisor"]').first().click({ timeout: STEP_TIMEOUT_MS });
  const frame = await viewFrame(current);
  const jobPicker = frame.locator('vscode-dropdown[aria-label="Training job"]');
  await jobPicker.waitFor({ timeout: STEP_TIMEOUT_MS });
  const { allJobs } = await cliJob();
  // Every job the CLI's scan finds, each named by its folder (one job per example folder). The view lists jobs as the
  // workspace scan reports them: wait for the list to be as long as the CLI's before reading it (the check follows).
  await waitInView(frame, `return document.querySelectorAll('vscode-dropdown[aria-label="Training job"] vscode-option').length >= ${allJobs.length};`,
    `the picker to list ${allJobs.length} jobs`).catch(() => undefined);
  const listed = (await jobPicker.locator('vscode-option').allTextContents()).map((t) => t.trim());
  assert.equal(listed.length, allJobs.length, `the picker lists: ${listed.join(' | ')}`);
  for (const j of allJobs) assert.ok(listed.some((l) => l.startsWith(`${path.posix.dirname(j.id)} (`)), `the picker does not list ${j.id}: ${listed.join(' | ')}`);
  await pickFromDropdown(frame, 'Training job', path.posix.dirname(JOB));
  await frame.locator('.oa-model-line').filter({ hasText: 'meta-llama/Llama-2-7b-hf' }).waitFor({ timeout: STEP_TIMEOUT_MS });
}));

test('the recommendation card shows the CLI\'s ranking for the job: order, fits, peaks, hyperparameters and plan', { timeout: STEP_TIMEOUT_MS }, () => step(async (current) => {
  const frame = await viewFrame(current);
  const { job } = await cliJob();
  await frame.locator('.oa-cards .oa-card').first().waitFor({ timeout: STEP_TIMEOUT_MS });
  const seen = await inView<{
    budget: string; model: string; cards: { rank: string; name: string; fit: string; peak: string }[];
    hyper: Record<string, string>; plan: [string, string][]; planResult: string | null;
  }>(frame, `
    const text = (el) => (el && el.textContent || '').trim();
    const firstCard = document.querySelector('details.oa-card');
    return {
      budget: text(document.querySelector('.oa-budget-line')),
      model: text(document.querySelector('.oa-model-line')),
      cards: [...document.querySelectorAll('details.oa-card > summary .oa-summary-line')].map((line) => ({
        rank: text(line.querySelector('.oa-rank')),
        name: text(line.querySelector('strong')),
        fit: text(line.querySelector('.oa-badge')),
        peak: text(line.querySelector(':scope > .oa-muted')),
      })),
      hyper: Object.fromEntries([...(firstCard ? firstCard.querySelectorAll('.oa-kv tr') : [])].map((tr) => [text(tr.querySelector('th')), text(tr.querySelector('td'))])),
      plan: [...document.querySelectorAll('.oa-answer-steps > li, .oa-plan-steps > li')].map((li) => [text(li.querySelector('.oa-plan-text')), text(li.querySelector('.oa-plan-changes'))]),
      planResult: document.querySelector('.oa-plan') ? text(document.querySelector('.oa-plan > p')) : null,
    };`);
  // The size once, then what it is (the extension's words for a custom size).
  assert.equal(seen.budget, `Budget: ${formatBytes(24 * 2 ** 30)} per GPU × 1 (custom size ${formatBytes(24 * 2 ** 30)})`);
  assert.equal(seen.model, `${job.model.source.location} · ${formatCount(job.model.params)} parameters, ${formatCount(job.model.trainableParams)} trainable`);
  // Every ranked optimizer, in the CLI's order, with the CLI's fit and peak.
  const expected = job.recommendations.map((r) => ({
    rank: `${r.rank}.`,
    name: nameOf(r.optimizer),
    fit: fitText(r.fits),
    peak: r.peakBytes === null ? 'not estimated' : `peak ${formatBytes(r.peakBytes)} per GPU`,
  }));
  assert.deepEqual(seen.cards, expected);
  // The top pick's learning rate and weight decay (the view shows 4 significant digits).
  const top = job.recommendations[0]!.hyperparameters;
  const close = (text: string | undefined, value: number): boolean => text !== undefined && Math.abs(Number(text) - value) <= Math.abs(value) * 5e-4;
  if (top.lr !== null) assert.ok(close(seen.hyper['Learning rate'], top.lr), `lr on screen ${seen.hyper['Learning rate']}, CLI ${top.lr}`);
  assert.ok(close(seen.hyper['Weight decay'], top.weightDecay), `weight decay on screen ${seen.hyper['Weight decay']}, CLI ${top.weightDecay}`);
  const list = (text: string | undefined, values: number | number[] | null): boolean => {
    const want = values === null ? [] : typeof values === 'number' ? [values] : values;
    const got = text === undefined || text === 'none' ? [] : text.split(',').map((x) => x.trim());
    return got.length === want.length && got.every((g, i) => close(g, want[i]!));
  };
  assert.ok(list(seen.hyper['Betas'], top.betas), `betas on screen ${seen.hyper['Betas']}, CLI ${JSON.stringify(top.betas)}`);
  assert.ok(list(seen.hyper['Epsilon'], top.eps), `eps on screen ${seen.hyper['Epsilon']}, CLI ${JSON.stringify(top.eps)}`);
  if (top.warmup?.unit === 'ratio') {
    const m = /^([\d.]+)% of training$/.exec(seen.hyper['Warmup'] ?? '');
    assert.ok(m && close(m[1], top.warmup.value * 100), `warmup on screen ${seen.hyper['Warmup']}, CLI ${JSON.stringify(top.warmup)}`);
  }
  // The plan that makes the job fit, step by step, with the peak after each step and what the step changes in the job.
  const plan = job.strategyPlan;
  assert.ok(plan && plan.steps.length > 0, 'the CLI plans strategies for a job that does not fit');
  assert.deepEqual(seen.plan, plan.steps.map((s) => [`${s.text} → ${formatBytes(s.peakBytes)}`, `Changes: ${s.changes}`]));
  // The answer leads with the plan computed for the pick; a plan for another optimizer is listed below the ranking.
  const firstRec = job.recommendations[0]!;
  if (firstRec.fits === false && job.strategyBase?.optimizer === firstRec.optimizer) assert.equal(seen.planResult, null);
  else assert.equal(seen.planResult, `Peak after these steps: ${formatBytes(plan.peakBytes)} (${fitText(plan.fits)}).`);
  console.log(`recommendation: ${seen.cards.slice(0, 3).map((c) => `${c.rank} ${c.name} ${c.peak}`).join('; ')} … (${seen.cards.length} ranked)`);
}));

// ---- the answer first ---------------------------------------------------------------------------------

/**
 * The first screen the answer must fit on without scrolling: a 1280×800 window (a common laptop screen;
 * the view then is the side bar's height minus the workbench's title, status bar and view header), at
 * the side bar's default width (the test never resizes it).
 */
const FIRST_SCREEN = { width: 1280, height: 800 } as const;
/** What the answer calls the advisor's memory strategies (README "The VS Code extension"). */
const STRATEGY_WORDS: Readonly<Record<string, string>> = {
  'gradient-checkpointing': 'gradient checkpointing', '8bit-states': '8-bit optimizer states', 'paged-states': 'paged optimizer states',
  galore: 'GaLore', lora: 'LoRA', qlora: 'QLoRA', 'zero-1': 'ZeRO stage 1', 'zero-2': 'ZeRO stage 2', 'zero-3': 'ZeRO stage 3',
  'cpu-offload': 'CPU offload', 'smaller-micro-batch': 'a smaller micro-batch', 'freeze-layers': 'training the head only',
};

/**
 * Waits for the workbench to have laid the view out at the window's size (after setViewportSize VS Code lays out on
 * the resize event and moves the view's iframe after it): the page is the window's size, the view's frame lies inside
 * the side bar, the view's own viewport is its frame's height, and two readings 200 ms apart agree.
 */
async function waitForViewLayout(current: Page, frame: Frame): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last = '';
  let seen = '(nothing)';
  for (;;) {
    const viewport = current.viewportSize();
    const bar = await current.locator('.part.sidebar').boundingBox();
    const box = await (await frame.frameElement()).boundingBox();
    const inner = await inView<number>(frame, 'return window.innerHeight;');
    seen = JSON.stringify({ viewport, bar, box, inner });
    const settled = viewport !== null && bar !== null && box !== null
      && Math.round(await current.evaluate<number>('window.innerHeight')) === viewport.height
      && bar.y + bar.height <= viewport.height + 1 && box.y >= bar.y - 1 && box.y + box.height <= bar.y + bar.height + 1
      && Math.abs(box.height - inner) <= 1;
    if (settled && seen === last) return;
    last = settled ? seen : '';
    if (Date.now() > deadline) throw new Error(`timed out after ${STEP_TIMEOUT_MS / 1000} s waiting for the view to be laid out at the window's size: ${seen}`);
    await current.waitForTimeout(200);
  }
}

/** Page code: the answer block as the user reads it. */
const ANSWER_JS = `
  const text = (el) => (el && el.textContent || '').replace(/\\s+/g, ' ').trim();
  const answer = document.querySelector('section.oa-answer');
  const why = answer && answer.querySelector('.oa-answer-why');
  return answer && {
    title: text(answer.querySelector('.oa-answer-title')),
    fit: text(answer.querySelector('.oa-answer-fit')),
    plan: answer.querySelector('.oa-answer-plan') ? text(answer.querySelector('.oa-answer-plan')) : null,
    steps: [...answer.querySelectorAll('.oa-answer-steps > li')].map((li) => [text(li.querySelector('.oa-plan-text')), text(li.querySelector('.oa-plan-changes'))]),
    pasteTitle: text(answer.querySelector('.oa-paste-title')),
    needs: text(answer.querySelector('.oa-paste > .oa-paste-needs')),
    code: (answer.querySelector('pre.oa-paste-code') || { textContent: '' }).textContent,
    formats: [...answer.querySelectorAll('details.oa-paste-formats .oa-paste-format')].map((f) => f.getAttribute('data-format')),
    formatsOpen: !!(answer.querySelector('details.oa-paste-formats') || {}).open,
    buttons: [...answer.querySelectorAll('vscode-button')].filter((b) => !b.closest('details')).map((b) => ({ label: text(b), disabled: b.hasAttribute('disabled') })),
    why: text(why),
    links: [...answer.querySelectorAll('a[href]')].map((a) => ({ text: text(a), href: a.getAttribute('href') })),
  };`;

interface AnswerOnScreen {
  title: string; fit: string; plan: string | null; steps: [string, string][]; pasteTitle: string; needs: string; code: string;
  formats: string[]; formatsOpen: boolean; buttons: { label: string; disabled: boolean }[]; why: string; links: { text: string; href: string }[];
}

test('the Advice tab leads with the answer on the first screen: top pick, fit and peak against the budget, the change to paste with Copy and Apply, one measured reason; citations open on demand', { timeout: 2 * STEP_TIMEOUT_MS }, () => step(async (current) => {
  await current.setViewportSize(FIRST_SCREEN);
  const frame = await viewFrame(current);
  const { job } = await cliJob();
  await showTab(frame, 'advice');
  await frame.locator('section.oa-answer').waitFor({ timeout: STEP_TIMEOUT_MS });
  await waitForViewLayout(current, frame);
  await inView(frame, 'window.scrollTo(0, 0); return null;');

  // Geometry: the whole answer block is inside the side bar as the window shows it, and inside the view's own viewport.
  const bar = await current.locator('.part.sidebar').boundingBox();
  const box = await frame.locator('section.oa-answer').boundingBox();
  assert.ok(bar && box, 'the side bar and the answer are on screen');
  const inner = await inView<{ bottom: number; height: number; scrollY: number }>(frame, `
    const r = document.querySelector('section.oa-answer').getBoundingClientRect();
    return { bottom: r.bottom, height: window.innerHeight, scrollY: window.scrollY };`);
  assert.equal(inner.scrollY, 0);
  assert.ok(box.y >= bar.y && box.y + box.height <= bar.y + bar.height,
    `the answer (y ${Math.round(box.y)}–${Math.round(box.y + box.height)}) is inside the side bar (y ${Math.round(bar.y)}–${Math.round(bar.y + bar.height)})`);
  assert.ok(inner.bottom <= inner.height, `the answer ends at ${Math.round(inner.bottom)} px of the view's ${inner.height} px`);
  console.log(`first screen ${FIRST_SCREEN.width}×${FIRST_SCREEN.height}: side bar ${Math.round(bar.width)} px wide; the answer ends ${Math.round(inner.height - inner.bottom)} px above the view's bottom (${inner.height} px)`);

  // Content: the CLI's answer for the same job.
  const top = job.recommendations[0]!;
  const budget = formatBytes(24 * 2 ** 30);
  const seen = await inView<AnswerOnScreen | null>(frame, ANSWER_JS);
  assert.ok(seen, 'the answer block');
  assert.equal(seen.title, `Top pick: ${nameOf(top.optimizer)}`);
  assert.equal(seen.fit, `${fitText(top.fits)} ${top.peakBytes === null ? 'not estimated' : `peak ${formatBytes(top.peakBytes)} of ${budget} per GPU`}`);
  const plan = job.strategyPlan;
  if (top.fits === false && plan && job.strategyBase?.optimizer === top.optimizer) {
    // Nothing fits as it is: the plan that makes the pick fit, with the peak after it.
    const steps = plan.steps.map((s) => STRATEGY_WORDS[s.id] ?? s.id).join(' + ');
    assert.equal(seen.plan, `With ${steps}: peak ${formatBytes(plan.peakBytes)} of ${budget} per GPU ${fitText(plan.fits)}`);
    // Each step with its settings (the CLI's words) and what it changes in the job.
    assert.deepEqual(seen.steps, plan.steps.map((s) => [`${s.text} → ${formatBytes(s.peakBytes)}`, `Changes: ${s.changes}`]));
  } else {
    assert.equal(seen.plan, null, 'no plan line for a pick that fits');
    assert.deepEqual(seen.steps, []);
  }
  // The change to paste is `recommend --json`'s `change` for the job: the job's own format first (a Trainer's
  // training_args.json: HF Trainer), with the packages that provide it; the other formats closed below it.
  const change = top.change;
  assert.ok(change && change.length > 0, 'recommend gives the top pick a change to paste');
  assert.equal(change[0]!.format, 'hf-trainer');
  assert.equal(seen.pasteTitle, 'Change to paste (HF Trainer)');
  assert.equal(seen.code, change[0]!.code);
  const first = change[0]!;
  assert.equal(seen.needs, first.minVersion === null ? `Needs ${first.package}` : `Needs ${first.package}; ${first.package.split(', ')[0]} ≥ ${first.minVersion}`);
  assert.deepEqual(seen.formats, change.slice(1).map((c) => c.format));
  assert.equal(seen.formatsOpen, false);
  const hfNames = getOptimizer(top.optimizer as Parameters<typeof getOptimizer>[0]).spellings.filter((x) => x.ecosystem === 'hf').map((x) => x.name);
  assert.ok(seen.code.includes('TrainingArguments(') && hfNames.some((n) => seen.code.includes(`optim="${n}"`)), `the paste names one of ${hfNames.join(', ')}:\n${seen.code}`);
  assert.deepEqual(seen.buttons, [{ label: 'Copy', disabled: false }, { label: 'Apply', disabled: false }]);
  // The one measured reason: the nearest row the ranking attached to the pick, with its source as the link.
  const nearest = top.measured.nearest[0];
  if (nearest) {
    assert.equal(seen.why, `Measured: ${nearest.text}`);
    assert.deepEqual(seen.links, [{ text: nearest.cite, href: nearest.url }]);
  } else {
    assert.equal(seen.why, `Measured: ${top.measured.sentence}`);
  }

  // Copy puts the change on the clipboard (VS Code says so in the status bar).
  await current.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  // (Copying again is harmless: a click lost to a redraw is repeated until VS Code says it copied.)
  const copied = current.locator('.part.statusbar').getByText('Copied HF Trainer snippet');
  await clickUntil(frame, () => frame.locator('section.oa-answer vscode-button').filter({ hasText: /^\s*Copy\s*$/ }).click({ timeout: STEP_TIMEOUT_MS }),
    () => copied.isVisible(), 'VS Code to say it copied the snippet', 10_000);
  const clipboard = await current.evaluate<string>('navigator.clipboard.readText()');
  assert.equal(clipboard, seen.code);
  // The other formats open on demand, each recommend's text for it; closed again before the next checks.
  const formats = frame.locator('section.oa-answer details.oa-paste-formats');
  const formatsOpen = (): Promise<boolean> => inView<boolean>(frame, `return !!document.querySelector('section.oa-answer details.oa-paste-formats[open]');`);
  await clickUntil(frame, () => formats.locator(':scope > summary').click({ timeout: STEP_TIMEOUT_MS }), formatsOpen, 'the other formats to open');
  const others = await inView<string[]>(frame, `return [...document.querySelectorAll('section.oa-answer .oa-paste-format pre.oa-paste-other')].map((p) => p.textContent);`);
  assert.deepEqual(others, change.slice(1).map((c) => c.code));
  await clickUntil(frame, () => formats.locator(':scope > summary').click({ timeout: STEP_TIMEOUT_MS }), async () => !(await formatsOpen()), 'the other formats to close');

  // Citations open on demand: every link outside the answer is in a closed disclosure, every detail card is closed.
  const hidden = await inView<{ open: number; links: number; openCards: number; cards: number }>(frame, `
    const shut = (el) => { for (let d = el.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) if (!d.open) return true; return false; };
    const links = [...document.querySelectorAll('#root a[href]')].filter((a) => !a.closest('section.oa-answer'));
    const cards = [...document.querySelectorAll('details.oa-card')];
    return { open: links.filter((a) => !shut(a)).length, links: links.length, openCards: cards.filter((d) => d.open).length, cards: cards.length };`);
  assert.ok(hidden.links > 0 && hidden.open === 0, `${hidden.open} of ${hidden.links} citation links are shown before anything is opened`);
  assert.ok(hidden.cards > 0 && hidden.openCards === 0, `${hidden.openCards} of ${hidden.cards} detail cards are open`);
  // With the keyboard: Enter on the pick's card opens its measured rows and its rule path with their citations.
  const card = frame.locator('details.oa-card').first();
  const evidence = card.locator('ol.oa-evidence');
  assert.equal(await evidence.isVisible(), false);
  await card.locator(':scope > summary').focus();
  await card.locator(':scope > summary').press('Enter');
  await evidence.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  const rows = (await evidence.locator(':scope > li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
  assert.equal(rows.length, top.measured.nearest.length);
  top.measured.nearest.forEach((n, i) => assert.ok(rows[i]!.startsWith(n.text), `evidence row ${i + 1}: ${rows[i]}`));
  assert.ok(await card.locator('.oa-reasons a[href]').first().isVisible(), 'the rule path\'s citations show once opened');
  await card.locator(':scope > summary').press('Enter');
  await evidence.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
}));

/**
 * Puts the keyboard focus in the editor of `file` (its tab active), as a user clicks into the text before typing: a key
 * pressed while the webview holds the focus goes to the webview (which keeps Undo for itself).
 */
async function focusEditor(current: Page, file: string): Promise<void> {
  await current.locator('.part.editor .tab.active').filter({ hasText: path.basename(file) }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await current.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first().click({ timeout: STEP_TIMEOUT_MS });
}

/**
 * Closes the editor of `file` once it is saved (Ctrl+W with the focus in its text; closing an editor VS Code still
 * counts as modified would open the "Do you want to save" dialog, which blocks the steps after), and waits for its tab
 * to go.
 */
async function closeEditor(current: Page, file: string): Promise<void> {
  const tab = current.locator('.part.editor .tab').filter({ hasText: path.basename(file) });
  await current.locator('.part.editor .tab.active.dirty').filter({ hasText: path.basename(file) }).waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  await focusEditor(current, file);
  await current.keyboard.press('ControlOrMeta+W');
  await tab.first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
}

/** Undoes the last edit of `file` in its editor (Ctrl+Z with the focus in the text). */
async function undoInEditor(current: Page, file: string): Promise<void> {
  await focusEditor(current, file);
  await current.keyboard.press('ControlOrMeta+Z');
}

/** Saves the editor of `file` and waits until the file on disk satisfies `done`; returns its text. */
async function saveAndRead(current: Page, file: string, done: (text: string) => boolean, what: string): Promise<string> {
  await focusEditor(current, file);
  await current.keyboard.press('ControlOrMeta+S');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const text = fs.readFileSync(file, 'utf8');
    // A save truncates the file then writes it: a text counts once a second read 50 ms later finds the same.
    if (done(text)) {
      await current.waitForTimeout(50);
      if (fs.readFileSync(file, 'utf8') === text) return text;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the file holds:\n${text}`);
    await current.waitForTimeout(100);
  }
}

/** Runs the quick fix whose title contains `title` at the given line of the active editor (Ctrl+G, Ctrl+.), retrying while the hints catch up. */
async function runQuickFix(current: Page, file: string, line: number, title: string): Promise<string> {
  const rows = current.locator('.action-widget .monaco-list-row');
  const goTo = current.locator('.quick-input-widget');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let offered: string[] = [];
  while (Date.now() < deadline) {
    // Ctrl+G with the focus in the text; the line number goes into "Go to Line" once its box is open (typed before,
    // the digits would land in the file), and Ctrl+. waits for the box to close and give the focus back to the text.
    await focusEditor(current, file);
    await current.keyboard.press('ControlOrMeta+G');
    await goTo.locator('.quick-input-box input').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await goTo.locator('.quick-input-box input').fill(`:${line}`);
    await current.keyboard.press('Enter');
    await goTo.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    await current.keyboard.press('ControlOrMeta+.');
    await rows.first().waitFor({ timeout: 3_000 }).catch(() => undefined);
    offered = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''))).map((t) => t.trim());
    const index = offered.findIndex((t) => t.includes(title));
    if (index >= 0) {
      // With the keyboard, as the menu is made for (a pointer block covers it while it opens): move to the entry, Enter.
      for (let i = 0; i < offered.length; i++) {
        const focused = await rows.evaluateAll((els) => els.findIndex((e) => e.classList.contains('focused')));
        if (focused === index) break;
        await current.keyboard.press(focused > index ? 'ArrowUp' : 'ArrowDown');
      }
      await current.keyboard.press('Enter');
      return offered[index]!;
    }
    await current.keyboard.press('Escape');
    await current.waitForTimeout(1_000);
  }
  throw new Error(`no quick fix "${title}" on line ${line} within ${STEP_TIMEOUT_MS / 1000} s; offered: ${offered.join(' | ')}`);
}

test('Apply in the answer makes the quick fix\'s edit: the same file text as "Switch to … ranked #1" in the editor', { timeout: 5 * STEP_TIMEOUT_MS }, () => step(async (current) => {
  const file = path.join(folder, JOB);
  const original = fs.readFileSync(file, 'utf8');
  try {
    await applyThenQuickFix(current, file, original);
  } catch (error) {
    // The later tests read this job: give it back as it was (its editor reverted and closed, the text on disk).
    await runFromCommandPalette(current, 'View: Revert and Close Editor', STEP_TIMEOUT_MS / 4).catch(() => undefined);
    if (fs.readFileSync(file, 'utf8') !== original) fs.writeFileSync(file, original);
    throw error;
  }
}));

/**
 * Clicks the answer's Apply button (labelled `label`) until the click shows: the button turns disabled while VS Code
 * asks, or the dialog is up (see clickUntil; a second Apply while the first waits would ask twice, so only a click that
 * showed nothing is repeated).
 */
async function clickApply(frame: Frame, dialog: Locator, label: string): Promise<void> {
  const apply = frame.locator('section.oa-answer vscode-button').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) });
  await clickUntil(frame, () => apply.click({ timeout: STEP_TIMEOUT_MS }),
    async () => (await dialog.isVisible()) || (await apply.getAttribute('disabled').catch(() => null)) !== null, `VS Code to ask before ${label}`);
}

async function applyThenQuickFix(current: Page, file: string, original: string): Promise<void> {
  const frame = await viewFrame(current);
  const { job } = await cliJob();
  const top = job.recommendations[0]!;

  // Apply, from the answer: VS Code asks first, naming the optimizer and the edit.
  const dialog = current.locator('.monaco-dialog-box');
  await clickApply(frame, dialog, 'Apply');
  await dialog.waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.ok((await dialog.innerText()).includes(`Switch this job to ${nameOf(top.optimizer)}?`), await dialog.innerText());
  await dialog.locator('.dialog-buttons .monaco-button').filter({ hasText: /^\s*Apply\s*$/ }).click();
  await frame.locator('section.oa-answer p.oa-status').filter({ hasText: /^Applied: / }).waitFor({ timeout: STEP_TIMEOUT_MS });
  const applied = await saveAndRead(current, file, (t) => t !== original, 'the applied edit to be saved');
  const was = JSON.parse(original) as Record<string, unknown>;
  const now = JSON.parse(applied) as Record<string, unknown>;
  assert.notEqual(now['optim'], was['optim'], 'the optimizer is switched');
  assert.equal(now['model_name_or_path'], was['model_name_or_path'], 'other keys untouched');

  // One undo brings the file back.
  await undoInEditor(current, file);
  await saveAndRead(current, file, (t) => t === original, 'the undone file to be saved');

  // The editor's quick fix for the pick (the does-not-fit diagnostic on the optimizer line) writes the same text.
  const optimLine = original.split('\n').findIndex((l) => l.includes('"optim"')) + 1;
  const title = await runQuickFix(current, file, optimLine, `Switch to ${String(now['optim'])} (`);
  assert.ok(title.includes(`ranked #${top.rank} by Optimizer Advisor`), title);
  const quickFixed = await saveAndRead(current, file, (t) => t !== original, 'the quick fix to be saved');
  assert.equal(applied, quickFixed, 'Apply and the quick fix write the same text');

  // Back to the job as it was, and the view shows it so again.
  await undoInEditor(current, file);
  await saveAndRead(current, file, (t) => t === original, 'the file to be restored');
  await closeEditor(current, file);
  await waitInView(frame, `
    const apply = [...document.querySelectorAll('section.oa-answer vscode-button')].find((b) => b.textContent.trim() === 'Apply');
    const currentRow = [...document.querySelectorAll('.oa-rank-table tbody tr')].find((tr) => [...tr.querySelectorAll('.oa-badge')].some((b) => b.textContent === 'current'));
    return apply && !apply.hasAttribute('disabled') && currentRow && currentRow.querySelector('th').firstChild.textContent === ${JSON.stringify(nameOf('adamw'))};`,
  'the view to show the job with AdamW again');
  console.log(`Apply and the quick fix "${title}" both wrote optim ${String(now['optim'])}`);
}

test('screenshots of the answer at the default side-bar width in Light, Dark and High Contrast', { timeout: 3 * STEP_TIMEOUT_MS }, () => step(async (current) => {
  await current.setViewportSize(FIRST_SCREEN);
  for (const theme of THEMES) {
    await setColorTheme(current, theme);
    const frame = await viewFrame(current);
    await frame.locator(`body.${theme.bodyClass}`).waitFor({ timeout: STEP_TIMEOUT_MS });
    await showTab(frame, 'advice');
    await frame.locator('section.oa-answer').waitFor({ timeout: STEP_TIMEOUT_MS });
    await inView(frame, 'window.scrollTo(0, 0); return null;');
    const inner = await inView<{ bottom: number; height: number }>(frame, `
      const r = document.querySelector('section.oa-answer').getBoundingClientRect();
      return { bottom: r.bottom, height: window.innerHeight };`);
    assert.ok(inner.bottom <= inner.height, `${theme.id}: the answer ends at ${Math.round(inner.bottom)} px of ${inner.height}`);
    await screenshot(current, `vscode-sidebar-${theme.id}-answer`);
  }
  await setColorTheme(current, THEMES[0]);
}));

test('the gradient-checkpointing toggle changes the bars to the CLI estimator\'s numbers; Reset brings the job\'s back', { timeout: 2 * STEP_TIMEOUT_MS }, () => step(async (current) => {
  const frame = await viewFrame(current);
  const { job, scan } = await cliJob();
  await showTab(frame, 'memory');
  await frame.locator('svg.oa-chart-memory').waitFor({ timeout: STEP_TIMEOUT_MS });
  const header = (await chartTable(frame, 'oa-chart-memory'))[0] ?? [];
  assert.deepEqual(header.slice(0, 1).concat(header.slice(-2)), ['Optimizer', 'Peak', 'Fits']);
  const rows = async (): Promise<string[][]> => (await chartTable(frame, 'oa-chart-memory')).slice(1);
  const peaksOf = (table: string[][]): string[] => table.map((r) => r[r.length - 2] ?? '');

  // The job's own settings: one bar per ranked optimizer (the first six), each at the recommend command's peak.
  const own = await rows();
  const shown = job.recommendations.slice(0, own.length);
  assert.ok(own.length >= 3, `the chart shows ${own.length} bars`);
  assert.deepEqual(own.map((r) => r[0]), shown.map((r) => nameOf(r.optimizer)));
  assert.deepEqual(peaksOf(own), shown.map((r) => (r.peakBytes === null ? 'none' : formatBytes(r.peakBytes))));
  // "Show all optimizers": every ranked optimizer, each at the recommend command's peak and fit.
  const showAll = frame.locator('vscode-checkbox').filter({ hasText: 'Show all optimizers' });
  await setCheckbox(frame, showAll, true, '"Show all optimizers" to be ticked');
  await waitInView(frame, `${MEMORY_PEAKS_JS} return peaks.length === ${job.recommendations.length};`, 'a bar per ranked optimizer');
  assert.deepEqual((await rows()).map((r) => [r[0], r[r.length - 2], r[r.length - 1]]), job.recommendations.map((r) => [
    nameOf(r.optimizer), r.peakBytes === null ? 'none' : formatBytes(r.peakBytes), r.fits === null ? 'unknown' : r.fits ? 'yes' : 'no',
  ]));
  await setCheckbox(frame, showAll, false, '"Show all optimizers" to be cleared');
  await waitInView(frame, `${MEMORY_PEAKS_JS} return peaks.length === ${own.length};`, 'the first bars only');

  // Tick "Gradient checkpointing" and wait for the bars to change.
  const box = frame.locator('vscode-checkbox').filter({ hasText: 'Gradient checkpointing' });
  assert.equal(await box.getAttribute('aria-checked'), 'false', 'the job trains without checkpointing');
  await setCheckbox(frame, box, true, '"Gradient checkpointing" to be ticked');
  await waitInView(frame, `${MEMORY_PEAKS_JS}
    return !document.querySelector('.oa-busy') && peaks.length > 0 && JSON.stringify(peaks) !== ${JSON.stringify(JSON.stringify(peaksOf(own)))};`,
  'the bars to change');
  const toggled = await rows();

  // The estimator's answer for the same settings, from the CLI: the job's settings as `scan` reads them,
  // with --gradient-checkpointing; the job's own optimizer by its spelling (its hyperparameters are the user's).
  const s = scan.settings;
  const flags = [
    '--batch-size', String(s.perDeviceBatchSize ?? 1), '--grad-accum', String(s.gradAccum ?? 1), '--seq-len', String(job.facts.seqLen.value),
    '--precision', job.facts.precision.value, '--zero-stage', String(job.facts.zeroStage.value), '--gpus', String(job.facts.gpus.value),
    '--gpu-memory', GPU_MEMORY, '--gradient-checkpointing', '--json',
  ];
  const isJobs = (id: string): boolean => s.optimizer !== undefined && resolveOptimizer(s.optimizer)?.id === id;
  const spelling = (id: string): string => (isJobs(id) ? s.optimizer! : id);
  // Another optimizer than the job's is estimated with the state-shaping settings the advice gives it (GaLore's
  // rank, update_proj_gap and scale from its recipe), as the recommend command does.
  const advisedArgs = (id: string): string[] => {
    const advised = isJobs(id) || !isOptimizerId(id) ? {} : advisedStateSettings(id, job.model.params);
    const pairs = Object.entries(advised).map(([k, v]) => `${k}=${String(v)}`);
    return pairs.length === 0 ? [] : ['--optim-args', pairs.join(',')];
  };
  const estimates = (await Promise.all(shown.map((r) => cli(['estimate', 'meta-llama/Llama-2-7b-hf', '--optimizer', spelling(r.optimizer), ...advisedArgs(r.optimizer), ...flags])))) as CliEstimate[];
  const components: Record<string, string> = {
    Weights: 'weights', 'Master weights': 'masterWeights', Gradients: 'gradients', 'Optimizer state': 'optimizerState',
    'Step temporaries': 'optimizerTemporaries', Activations: 'activations', Overhead: 'overhead',
  };
  const toggledHeader = (await chartTable(frame, 'oa-chart-memory'))[0] ?? [];
  for (const column of toggledHeader.slice(1, -2)) assert.ok(components[column], `unexpected column "${column}" (header: ${toggledHeader.join(' | ')})`);
  const expected = shown.map((r, i) => {
    const e = estimates[i]!;
    return [
      nameOf(r.optimizer),
      ...toggledHeader.slice(1, -2).map((column) => formatBytes(e.bytes[components[column]!] ?? NaN)),
      formatBytes(e.bytes['peak'] ?? NaN),
      e.fits === null ? 'unknown' : e.fits ? 'yes' : 'no',
    ];
  });
  assert.deepEqual(toggled, expected);
  console.log(`checkpointing: ${peaksOf(own).join(', ')} -> ${peaksOf(toggled).join(', ')}`);

  // Reset: back to the job's settings and the recommend command's peaks.
  // (Reset is harmless to repeat: clicked until the box shows the job's setting again.)
  await clickUntil(frame, () => frame.locator('vscode-button').filter({ hasText: 'Reset to the job’s settings' }).click({ timeout: STEP_TIMEOUT_MS }),
    async () => (await box.getAttribute('aria-checked').catch(() => null)) === 'false', 'Reset to clear "Gradient checkpointing"');
  await waitInView(frame, `${MEMORY_PEAKS_JS}
    return !document.querySelector('.oa-busy') && JSON.stringify(peaks) === ${JSON.stringify(JSON.stringify(peaksOf(own)))};`,
  'the job\'s own bars to come back');
  assert.equal(await frame.locator('vscode-checkbox').filter({ hasText: 'Gradient checkpointing' }).getAttribute('aria-checked'), 'false');
}));

interface SavedProfile {
  file: string;
  outcome: string;
  complete: boolean;
  backend: { name: string };
  machine: { cpuModel: string };
  results: { optimizer: string; runs: unknown[]; estimatedMemory?: { peak?: number } | null }[];
  evidenceQuality?: { optimizers: Record<string, { basis: string } | undefined> };
  realShapes?: { results: { optimizer: string; stepMs: unknown }[] };
}

/** The view's saved profile results in workspace storage, newest last. */
function savedProfiles(): SavedProfile[] {
  assert.ok(scratch);
  const root = path.join(scratch, 'user-data', 'User', 'workspaceStorage');
  const dirs: string[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const p = path.join(dir, entry.name);
      if (entry.name === encodeURIComponent(JOB) && path.basename(dir) === 'profiles' && p.includes(EXTENSION_ID)) dirs.push(p);
      else if (depth < 5) walk(p, depth + 1);
    }
  };
  if (fs.existsSync(root)) walk(root, 0);
  return dirs.flatMap((dir) => fs.readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => path.join(dir, n)))
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs)
    .map((file) => ({ file, ...(JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<SavedProfile, 'file'>) }));
}

interface ProgressSample {
  /** Distinct texts of the progress line, in the order seen. */
  readonly texts: readonly string[];
  /** A run is shown as in progress (the progress line is there). */
  readonly running: boolean;
}

/** Polls the view's progress line until `stop` says so; fails after `timeoutMs` with what it saw. */
async function watchProgress(frame: Frame, stop: (sample: ProgressSample) => boolean, timeoutMs: number): Promise<ProgressSample> {
  const texts: string[] = [];
  const deadline = Date.now() + timeoutMs;
  let running = false;
  while (Date.now() < deadline) {
    const now = await inView<{ running: boolean; text: string | null }>(frame, `
      const line = document.querySelector('.oa-progress');
      const label = line && line.querySelector(':scope > span');
      return { running: line !== null, text: label ? (label.textContent || '').trim() : null };`);
    running = now.running;
    if (now.text !== null && texts[texts.length - 1] !== now.text) texts.push(now.text);
    const sample = { texts, running };
    if (stop(sample)) return sample;
    await frame.page().waitForTimeout(100);
  }
  throw new Error(`the profile run did not reach the expected state within ${timeoutMs / 1000} s (running: ${running}); progress seen: ${texts.join(' | ')}`);
}

/**
 * Clicks "Run profile" until the run shows (its progress line or its Cancel button). The extension refuses a second
 * run of the job while one runs, so the click is repeated only after a long pause with nothing shown (a lost click).
 */
async function clickRunProfile(frame: Frame): Promise<void> {
  const started = async (): Promise<boolean> => (await frame.locator('.oa-progress').count()) > 0 || (await frame.locator('vscode-button').filter({ hasText: 'Cancel' }).count()) > 0;
  await clickUntil(frame, () => frame.locator('vscode-button').filter({ hasText: 'Run profile' }).click({ timeout: STEP_TIMEOUT_MS }), started, 'the profile run to start', 15_000);
}

/** "7 of 18 runs" -> 7 (-1 for any other text, e.g. "Profiling…" before the first count). */
function runsDone(text: string): number {
  const m = /^(\d+) of (\d+) runs$/.exec(text);
  return m ? Number(m[1]) : -1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What the profile panel shows about the selected saved result. */
async function profileOnScreen(frame: Frame) {
  return inView<{
    measured: string; note: string; points: number; stepPoints: number; front: number; frontLabels: string[]; sources: string[]; status: string | null; saved: string[];
  }>(frame, `
    const text = (el) => (el && el.textContent || '').trim();
    const pareto = document.querySelector('svg.oa-chart-pareto');
    const figure = pareto && pareto.closest('figure');
    const status = document.querySelector('p.oa-status, p.oa-error');
    return {
      measured: text(document.querySelector('.oa-measured')),
      note: text(figure && figure.querySelector(':scope > p.oa-muted')),
      // Two panels (quality vs memory, quality vs step time) draw the same points: count the memory panel's.
      points: pareto ? pareto.querySelectorAll('.oa-panel-memory circle.oa-pt').length : 0,
      stepPoints: pareto ? pareto.querySelectorAll('.oa-panel-step circle.oa-pt').length : 0,
      front: pareto ? pareto.querySelectorAll('.oa-panel-memory circle.oa-pt-front').length : 0,
      frontLabels: [...(pareto ? pareto.querySelectorAll('.oa-panel-memory .oa-labels text:not(.oa-dim)') : [])].map(text),
      sources: [...(figure ? figure.querySelectorAll('.oa-sources li') : [])].map(text),
      status: status ? text(status) : null,
      saved: [...document.querySelectorAll('vscode-dropdown[aria-label="Saved result"] vscode-option')].map(text),
    };`);
}

test('a profile of two optimizers streams progress and draws the Pareto chart labelled with backend and machine', { timeout: 3 * STEP_TIMEOUT_MS }, () => step(async (current) => {
  const frame = await viewFrame(current);
  const { job } = await cliJob();
  await showTab(frame, 'profile');
  await frame.getByText('No profile yet').waitFor({ timeout: STEP_TIMEOUT_MS });
  // The job's best-ranked optimizer the profiler implements, and Lion; AdamW joins as the reference.
  const top = job.recommendations.find((r) => isOptimizerId(r.optimizer) && r.optimizer !== 'adamw');
  assert.ok(top, 'the ranking has an optimizer the profiler implements');
  const picks = [top.optimizer, 'lion'];
  for (const id of picks) {
    const pick = frame.locator('fieldset.oa-picks vscode-checkbox').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(nameOf(id))}\\s*$`) });
    await setCheckbox(frame, pick, true, `${nameOf(id)} to be ticked`);
  }
  await frame.getByText('AdamW is added as the reference of step cost.').waitFor({ timeout: STEP_TIMEOUT_MS });
  await clickRunProfile(frame);

  // Progress streams: the line shows at least two different run counts, counting up, before the run ends.
  const progress = await watchProgress(frame, (p) => !p.running && p.texts.length > 0, PROFILE_BUDGET_SECONDS * 1000 + 30_000);
  const counts = progress.texts.map(runsDone).filter((n) => n >= 0);
  assert.ok(counts.length >= 2, `the progress line changed too little: ${progress.texts.join(' | ')}`);
  assert.ok(counts.every((n, i) => i === 0 || n >= counts[i - 1]!) && counts[counts.length - 1]! > counts[0]!, `run counts do not count up: ${progress.texts.join(' | ')}`);
  console.log(`progress: ${progress.texts.join(' | ')}`);

  // The saved result: complete, one entry per optimizer, every run measured.
  const saved = savedProfiles();
  assert.equal(saved.length, 1, `saved results: ${saved.map((x) => x.file).join(', ')}`);
  const doc = saved[0]!;
  assert.equal(doc.outcome, 'completed');
  assert.deepEqual(doc.results.map((r) => r.optimizer).sort(), [...picks, 'adamw'].sort());

  // The chart: a point per optimizer, the front ringed and labelled, the machine named.
  await frame.locator('svg.oa-chart-pareto').waitFor({ timeout: STEP_TIMEOUT_MS });
  const shown = await profileOnScreen(frame);
  assert.equal(shown.status, null, `the view reports: ${shown.status}`);
  assert.equal(shown.points, doc.results.length, 'a point per optimizer in the memory panel');
  assert.equal(shown.stepPoints, doc.results.length, 'and in the step-time panel');
  assert.ok(shown.front >= 1 && shown.frontLabels.length === shown.front, `front: ${shown.front} points, labels ${shown.frontLabels.join(', ')}`);
  // The legend says where each axis comes from: the estimator, the proxy on this machine, the published evidence.
  assert.equal(shown.sources.length, 3, `sources: ${shown.sources.join(' | ')}`);
  assert.match(shown.sources[0]!, /the memory estimator for your job \(modelled\)/);
  // Step time: at the model's real tensor shapes where the real-shapes phase measured the optimizer, else the proxy's.
  const real = (doc.realShapes?.results ?? []).filter((r) => r.stepMs !== null).map((r) => r.optimizer);
  if (real.length > 0) assert.ok(shown.sources[1]!.includes('real tensor shapes'), shown.sources[1]);
  if (doc.results.some((r) => !real.includes(r.optimizer))) assert.ok(shown.sources[1]!.includes(`params, this machine (${doc.backend.name})`), shown.sources[1]);
  assert.match(shown.sources[2]!, /published head-to-head measurements, weighed by their similarity to /);
  assert.ok(doc.evidenceQuality && doc.evidenceQuality.optimizers['adamw']?.basis === 'reference', 'the saved result holds the quality axis, AdamW as its reference');
  const cpu = os.cpus()[0]?.model.trim() ?? '';
  assert.ok(shown.measured.includes(doc.backend.name) && shown.measured.includes(cpu) && shown.measured.includes(`${os.cpus().length} CPUs`),
    `"${shown.measured}" names the backend ${doc.backend.name} and this machine (${cpu})`);
  assert.ok(shown.note.startsWith(`${doc.backend.name} · `), `the chart's own label: "${shown.note}"`);
  // Its data table: the memory of each point is the real job's estimate, the recommend command's peak; step time
  // and quality each with their source.
  const table = (await chartTable(frame, 'oa-chart-pareto')).slice(1);
  for (const row of table) assert.ok(row[3] !== '' && row[5] !== '', `${row[0]}: step-time and quality sources ${row[3]} | ${row[5]}`);
  for (const row of table) {
    const peak = job.recommendations.find((r) => r.optimizer === row[0])?.peakBytes;
    assert.ok(peak !== undefined && peak !== null, `${row[0]} is ranked with a peak`);
    assert.equal(row[1], formatBytes(peak), `${row[0]}: memory on the chart`);
  }
  assert.deepEqual(table.map((r) => r[0]).sort(), doc.results.map((r) => r.optimizer).sort());
}));

test('a second run is cancelled mid-way: the view says so and what was measured stays in workspace storage', { timeout: 2 * STEP_TIMEOUT_MS }, () => step(async (current) => {
  const frame = await viewFrame(current);
  await showTab(frame, 'profile');
  await clickRunProfile(frame);
  const midway = await watchProgress(frame, (p) => p.running && p.texts.some((t) => runsDone(t) >= 1), STEP_TIMEOUT_MS);
  // Progress redraws the view ten times a second while the run goes on, so this click is the likeliest to be lost: it is
  // repeated (cancelling twice is harmless) while the Cancel button is still there and the view has not said it stopped.
  const cancelButton = frame.locator('vscode-button').filter({ hasText: 'Cancel' });
  const stopped = frame.locator('p.oa-status').filter({ hasText: 'Profile cancelled; the runs measured so far are kept.' });
  await clickUntil(frame, () => cancelButton.click({ timeout: STEP_TIMEOUT_MS }), async () => (await stopped.isVisible()) || (await cancelButton.count()) === 0,
    'the run to stop after Cancel', 10_000);
  await stopped.waitFor({ timeout: STEP_TIMEOUT_MS });
  await frame.locator('vscode-button').filter({ hasText: 'Run profile' }).waitFor({ timeout: STEP_TIMEOUT_MS });

  const saved = savedProfiles();
  assert.equal(saved.length, 2, 'the completed result and the cancelled one');
  const cancelled = saved[1]!;
  assert.equal(cancelled.outcome, 'cancelled');
  assert.equal(cancelled.complete, false);
  const measured = cancelled.results.reduce((n, r) => n + r.runs.length, 0);
  const planned = saved[0]!.results.reduce((n, r) => n + r.runs.length, 0);
  assert.ok(measured >= 1 && measured < planned, `${measured} of ${planned} runs kept`);
  console.log(`cancelled after "${midway.texts[midway.texts.length - 1]}": ${measured} of ${planned} runs saved in ${path.basename(cancelled.file)}`);

  // The view shows the partial result (newest first) and offers both.
  await frame.locator('.oa-measured .oa-badge').filter({ hasText: 'partial' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  const shown = await profileOnScreen(frame);
  assert.equal(shown.saved.length, 2, `saved results offered: ${shown.saved.join(' | ')}`);
  assert.equal(shown.saved.filter((s) => s.endsWith('(partial)')).length, 1);
  assert.ok(shown.points >= 1, 'what was measured is drawn');
  // Back to the complete result for the screenshots.
  const complete = shown.saved.find((s) => !s.endsWith('(partial)'))!;
  await pickFromDropdown(frame, 'Saved result', complete);
  await waitInView(frame, `return document.querySelector('svg.oa-chart-pareto') !== null && !document.querySelector('.oa-measured .oa-badge');`, 'the complete result to be shown');
}));

test('screenshots of recommendation, memory and profile in Light, Dark and High Contrast', { timeout: 3 * STEP_TIMEOUT_MS }, () => step(async (current) => {
  const parts = [
    { part: 'recommendation', tab: 'advice', drawn: '.oa-rank-table' },
    { part: 'memory', tab: 'memory', drawn: 'svg.oa-chart-memory' },
    { part: 'profile', tab: 'profile', drawn: 'svg.oa-chart-pareto' },
  ] as const;
  // A tall window, so that each picture holds the whole part (ranking and plan; toggles and bars;
  // run controls and the charts) at the side bar's usual width.
  await current.setViewportSize({ width: 1400, height: 2300 });
  for (const theme of THEMES) {
    await setColorTheme(current, theme);
    let frame = await viewFrame(current);
    await frame.locator(`body.${theme.bodyClass}`).waitFor({ timeout: STEP_TIMEOUT_MS });
    for (const { part, tab, drawn } of parts) {
      frame = await viewFrame(current);
      await showTab(frame, tab);
      await frame.locator(drawn).waitFor({ timeout: STEP_TIMEOUT_MS });
      await inView(frame, 'window.scrollTo(0, 0); return null;');
      await screenshot(current, `vscode-sidebar-${theme.id}-${part}`);
    }
  }
}));

test('in Simplified Chinese (VS Code in zh-cn) the answer reads in Chinese, fits the first screen, and VS Code asks before Apply in Chinese', { timeout: 4 * STEP_TIMEOUT_MS }, async () => {
  // A second workbench, in zh-cn (the first one is closed: one code-server at a time on a small machine).
  await session?.close();
  session = undefined;
  page = undefined;
  session = await openWorkbench({
    repoRoot,
    name: 'optimizer-advisor-sidebar-ui-zh',
    workspace: path.join(repoRoot, 'examples'),
    settings: baseSettings,
    locale: 'zh-cn',
    viewport: FIRST_SCREEN,
    onConsole: (line) => consoleLines.push(line),
    timeoutMs: STEP_TIMEOUT_MS,
  });
  ({ scratch, folder, page } = session);
  await step(async (current) => {
    const { job } = await cliJob();
    const top = job.recommendations[0]!;
    await current.locator('.activitybar .action-item a[aria-label^="Optimizer Advisor"]').first().click({ timeout: STEP_TIMEOUT_MS });
    // The view's name from package.nls.zh-cn.json.
    await current.locator('.part.sidebar .composite.title').filter({ hasText: '优化器建议' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    const frame = await viewFrame(current);
    await frame.locator('vscode-dropdown[aria-label="训练任务"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    await pickFromDropdown(frame, '训练任务', path.posix.dirname(JOB));
    await frame.locator('.oa-model-line').filter({ hasText: 'meta-llama/Llama-2-7b-hf' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.equal(await inView<string>(frame, 'return document.documentElement.lang;'), 'zh-CN');
    await inView(frame, 'window.scrollTo(0, 0); return null;');

    const seen = await inView<AnswerOnScreen | null>(frame, ANSWER_JS);
    assert.ok(seen, 'the answer block');
    assert.equal(seen.title, `首选：${nameOf(top.optimizer)}`);
    assert.ok(top.peakBytes !== null && seen.fit.includes(`每块 GPU 峰值 ${formatBytes(top.peakBytes)}，预算 ${formatBytes(24 * 2 ** 30)}`), seen.fit);
    assert.equal(seen.pasteTitle, '要粘贴的改动（HF Trainer）');
    assert.deepEqual(seen.buttons.map((b) => b.label), ['复制', '应用']);
    assert.ok(seen.why.startsWith('实测依据： '), seen.why);
    const inner = await inView<{ bottom: number; height: number }>(frame, `
      const r = document.querySelector('section.oa-answer').getBoundingClientRect();
      return { bottom: r.bottom, height: window.innerHeight };`);
    assert.ok(inner.bottom <= inner.height, `the answer ends at ${Math.round(inner.bottom)} px of the view's ${inner.height} px`);
    await screenshot(current, 'vscode-sidebar-zh-cn-answer');

    // 应用 (Apply): VS Code asks in Chinese (l10n/bundle.l10n.zh-cn.json); declining leaves the file as it was.
    const file = path.join(folder, JOB);
    const original = fs.readFileSync(file, 'utf8');
    const dialog = current.locator('.monaco-dialog-box');
    await clickApply(frame, dialog, '应用');
    await dialog.waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.ok((await dialog.innerText()).includes(`将该任务改用 ${nameOf(top.optimizer)}？`), await dialog.innerText());
    // Escape goes to the window holding the keyboard focus: the dialog's, not the view's frame the click left it in.
    await dialog.locator('.dialog-buttons .monaco-button').first().focus();
    await current.keyboard.press('Escape');
    await frame.locator('section.oa-answer p.oa-status').filter({ hasText: '未应用。' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.equal(fs.readFileSync(file, 'utf8'), original);
  });
});
