/**
 * The sidebar in headless Chromium: the real webview bundle under the provider's CSP, wired to the
 * real SidebarController over fake deps (real scanner/advisor/estimator on examples/). Screenshots
 * for Light, Dark and High Contrast go to artifacts/ (git-ignored); look at them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatBytes } from '../../src/core/units';
import { estimateMemory, resolveEstimateInput } from '../../src/core/memory';
import { resolveOptimizer } from '../../src/core/optimizers';
import { advisorInputForJob } from '../../src/core/job';
import { recommend } from '../../src/core/advisor';
import { applyEdits, isFix, optimizerFix, pasteChanges } from '../../src/core/fixes';
import { scanFiles } from '../../src/core/scan';
import type { OptimizerId } from '../../src/core/optimizers/types';
import type { HyperparameterAdvice, StrategyPlan } from '../../src/core/advisor/types';
import { fixtureProfile } from './charts-fixtures';
import { closeBrowser, fakeDeps, GiB, inventoryFor, openSidebar, readExamples, REPO, visibleText, type Session, type ThemeName } from './webview-harness';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO, 'artifacts');
const LLAMA = 'llama2-7b-sft/training_args.json';

before(() => {
  // Debian's chromium renders the real bundle; .ci/run installs it. Without it these tests fail, never skip.
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is not installed (apt-get install chromium; .ci/run does it)`);
});

after(() => closeBrowser());

/** The 7B job as the fake host evaluates it: the scanner's job, its inventory, a 24 GiB budget. */
async function llamaJob(deps: Session['deps']) {
  const job = (await deps.listJobs()).find((j) => j.id === LLAMA)!;
  return { job, input: advisorInputForJob(job, inventoryFor(job), { gpuMemoryBytes: 24 * GiB, priority: 'quality' }) };
}

async function show(s: Session, tab: 'advice' | 'memory' | 'profile' | 'paths'): Promise<void> {
  await s.page.click(`#tab-${tab}`);
  await s.page.waitForFunction(`document.querySelector('#tab-${tab}')?.getAttribute('aria-selected') === 'true'`);
}

async function shoot(s: Session, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await s.page.waitForTimeout(150); // let the components finish their first paint
  await s.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Every chart is role="img" labelled by its own title and description, with a data table beside it. */
async function checkChartsAccessible(s: Session): Promise<number> {
  return s.page.evaluate<number>(`(() => {
    const charts = [...document.querySelectorAll('svg.oa-chart')];
    for (const svg of charts) {
      if (svg.getAttribute('role') !== 'img') throw new Error('chart without role=img');
      const ids = (svg.getAttribute('aria-labelledby') || '').split(' ');
      if (ids.length !== 2 || !ids.every((id) => svg.querySelector('#' + CSS.escape(id))?.textContent)) throw new Error('chart not labelled: ' + ids);
      const figure = svg.closest('figure');
      if (!figure || !figure.querySelector('details table caption')) throw new Error('chart without a data table');
    }
    return charts.length;
  })()`);
}

for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
  test(`sidebar in ${theme}: every view draws under the CSP, charts are accessible, screenshots kept`, { timeout: 180_000 }, async () => {
    const s = await openSidebar({ theme });
    try {
      await s.page.waitForSelector('.oa-card', { timeout: 60_000 });
      assert.match(await visibleText(s.page), /Ranked optimizers/);
      // Answer first: the top pick's block ends within the first screen; every citation but the answer's one source is in a closed disclosure.
      const layout = await s.page.evaluate<{
        answerBottom: number; viewport: number; openLinks: number; answerLinks: number; closedCards: number; cards: number;
        steps: number; stepChanges: number; needs: string; formats: string[]; formatsOpen: boolean;
      }>(`(() => {
        const answer = document.querySelector('section.oa-answer');
        const formats = answer.querySelector('details.oa-paste-formats');
        const links = [...document.querySelectorAll('#root a[href]')].filter((a) => !a.closest('section.oa-answer'));
        return {
          answerBottom: answer ? answer.getBoundingClientRect().bottom : Infinity,
          viewport: window.innerHeight,
          openLinks: links.filter((a) => { for (let d = a.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) if (!d.open) return false; return true; }).length,
          answerLinks: answer ? answer.querySelectorAll('a[href]').length : 0,
          closedCards: document.querySelectorAll('details.oa-card:not([open])').length,
          cards: document.querySelectorAll('details.oa-card').length,
          steps: answer.querySelectorAll('.oa-answer-steps > li').length,
          stepChanges: answer.querySelectorAll('.oa-answer-steps > li > .oa-plan-changes').length,
          needs: (answer.querySelector('.oa-paste > .oa-paste-needs') || { textContent: '' }).textContent,
          formats: formats ? [...formats.querySelectorAll('.oa-paste-format')].map((f) => f.getAttribute('data-format')) : [],
          formatsOpen: formats ? formats.open : false,
        };
      })()`);
      assert.ok(layout.answerBottom <= layout.viewport, `the answer ends at ${layout.answerBottom}px, below the ${layout.viewport}px screen`);
      assert.equal(layout.openLinks, 0, 'citations outside the answer are collapsed');
      assert.equal(layout.answerLinks, 1, 'the answer cites one source');
      assert.ok(layout.cards > 0 && layout.closedCards === layout.cards, `${layout.closedCards} of ${layout.cards} detail cards closed`);
      // Nothing fits the 7B job in 24 GiB: the answer leads with the pick's plan, each step with what it changes;
      // the paste names its packages, and the other formats wait, closed, below it.
      const { input } = await llamaJob(s.deps);
      const result = recommend(input);
      const top = result.recommendations[0]!;
      assert.equal(top.fits, false);
      assert.equal(layout.steps, top.fitPlan?.steps.length);
      assert.equal(layout.stepChanges, layout.steps);
      const changes = pasteChanges(top.optimizer, top.hyperparameters, 'hf-trainer');
      assert.match(layout.needs, new RegExp(`^Needs ${changes[0]!.package}`));
      assert.deepEqual(layout.formats, changes.slice(1).map((c) => c.format));
      assert.equal(layout.formatsOpen, false);
      await shoot(s, `sidebar-${theme}-advice`);

      await show(s, 'memory');
      await s.page.waitForSelector('svg.oa-chart-memory');
      assert.equal(await checkChartsAccessible(s), 1);
      await shoot(s, `sidebar-${theme}-memory`);

      await show(s, 'profile');
      await s.page.waitForSelector('svg.oa-chart-pareto');
      assert.equal(await checkChartsAccessible(s), 3);
      assert.match(await visibleText(s.page), /Measured with wasm on Fixture CPU/);
      assert.match(await visibleText(s.page), /1 saved result\(s\) could not be read: profile-broken\.json/);
      await shoot(s, `sidebar-${theme}-profile`);

      await show(s, 'paths');
      await s.page.getByText('Draw paths').click();
      await s.page.waitForSelector('svg.oa-chart-trajectories', { timeout: 30_000 });
      assert.equal(await checkChartsAccessible(s), 1);
      await shoot(s, `sidebar-${theme}-paths`);

      assert.deepEqual(s.violations, [], 'no CSP violations');
      assert.deepEqual(s.pageErrors, [], 'no page errors');
    } finally {
      await s.close();
    }
  });
}

test('a memory toggle shows the estimator’s numbers for the new settings', { timeout: 120_000 }, async () => {
  const s = await openSidebar({ theme: 'dark' });
  try {
    await s.page.waitForSelector('.oa-card', { timeout: 60_000 });
    await show(s, 'memory');
    await s.page.waitForSelector('svg.oa-chart-memory');
    const job = (await s.deps.listJobs()).find((j) => j.id === LLAMA)!;
    const input = advisorInputForJob(job, inventoryFor(job), { gpuMemoryBytes: 24 * GiB, priority: 'quality' });
    const peak = (batchSize: number): string => formatBytes(estimateMemory(resolveEstimateInput({
      model: input.model, optimizer: resolveOptimizer('adamw_torch', { betas: [0.9, 0.999], eps: 1e-8 })!,
      hyperparameters: { betas: [0.9, 0.999], eps: 1e-8 }, batchSize, gradAccum: 8, seqLen: 2048, precision: 'bf16-mixed', gpuMemoryBytes: 24 * GiB,
    })).bytes.peak);
    const adamwPeakShown = `(() => [...document.querySelectorAll('figure table tbody tr')]
      .filter((tr) => tr.querySelector('th')?.textContent === 'AdamW').map((tr) => tr.lastElementChild.previousElementSibling.textContent)[0])()`;
    assert.equal(await s.page.evaluate<string>(adamwPeakShown), peak(4));
    const field = s.page.locator('vscode-text-field', { hasText: 'Micro-batch per GPU' }).locator('input');
    await field.fill('1');
    await field.press('Enter');
    await s.page.waitForFunction(`${adamwPeakShown} === ${JSON.stringify(peak(1))}`, undefined, { timeout: 20_000 });
    // A value out of range is refused in the view and never sent.
    const sent = s.port.sent.length;
    await field.fill('0');
    await field.press('Enter');
    await s.page.getByText('Enter a whole number from 1 to 1000000.').waitFor();
    assert.equal(s.port.sent.length, sent);
    assert.deepEqual(s.violations, []);
  } finally {
    await s.close();
  }
});

test('"Applied: …" stays through the rescan its edit causes, and goes when the edit is undone', { timeout: 120_000 }, async () => {
  // Deps whose Apply really edits the example file (core optimizerFix) and whose rescan reads the new text.
  const deps = fakeDeps();
  const original = readExamples();
  let files = original;
  let scan = scanFiles(files);
  const jobOf = (jobId: string) => {
    const job = scan.jobs.find((j) => j.id === jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    return job;
  };
  Object.assign(deps, {
    listJobs: async () => scan.jobs,
    advisorInput: async (jobId: string) => advisorInputForJob(jobOf(jobId), inventoryFor(jobOf(jobId)), { gpuMemoryBytes: 24 * GiB, priority: 'quality' }),
    planFix: async (jobId: string, optimizer: OptimizerId, hyperparameters: HyperparameterAdvice, plan: StrategyPlan | null) => {
      const file = files.find((f) => f.path === jobId)!;
      const fix = optimizerFix({ path: file.path, text: file.text, job: jobOf(jobId), target: optimizer, hyperparameters, plan });
      if (!isFix(fix)) return null;
      return {
        description: fix.label,
        apply: async () => {
          files = files.map((f) => (f === file ? { ...f, text: applyEdits(f.text, fix.edits) } : f));
          scan = scanFiles(files);
          deps.applied.push(`${jobId}:${optimizer}`);
          return true;
        },
      };
    },
  });
  const s = await openSidebar({ theme: 'dark', deps });
  try {
    await s.page.waitForSelector('.oa-card', { timeout: 60_000 });
    const evaluations = (): number => s.port.sent.filter((m) => m.kind === 'response' && m.type === 'selectJob').length;
    /** The workspace index saw the file change: the view evaluates the job again. */
    const rescan = async (): Promise<void> => {
      const before = evaluations();
      deps.jobsChanged.fire(undefined);
      for (let i = 0; i < 400 && evaluations() === before; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(evaluations() > before, 'the job was evaluated again');
      await s.page.locator('.oa-rank-table').waitFor({ timeout: 20_000 });
    };
    await s.page.locator('section.oa-answer vscode-button', { hasText: /^\s*Apply\s*$/ }).click();
    const status = s.page.locator('section.oa-answer p.oa-status').filter({ hasText: /^Applied: / });
    await status.waitFor({ timeout: 20_000 });
    assert.equal(deps.applied.length, 1, 'the edit was made');
    await rescan();
    assert.equal(await status.count(), 1, `the outcome is still shown: ${await visibleText(s.page)}`);
    // Undone in the editor: the job's own optimizer is AdamW again, and the outcome no longer holds.
    files = original;
    scan = scanFiles(files);
    await rescan();
    await s.page.locator('section.oa-answer p.oa-status').waitFor({ state: 'detached', timeout: 20_000 });
  } finally {
    await s.close();
  }
});

test('keyboard: the job picker, the editor toggle, the tabs and the buttons are reachable with Tab', { timeout: 120_000 }, async () => {
  const s = await openSidebar({ theme: 'dark' });
  try {
    await s.page.waitForSelector('.oa-card', { timeout: 60_000 });
    const reached = new Set<string>();
    for (let i = 0; i < 14; i++) {
      await s.page.keyboard.press('Tab');
      reached.add(await s.page.evaluate<string>(`document.activeElement?.tagName.toLowerCase() ?? ''`));
    }
    for (const tag of ['vscode-dropdown', 'vscode-checkbox', 'vscode-panel-tab', 'summary', 'vscode-button']) {
      assert.ok(reached.has(tag), `${tag} not reached: ${[...reached].join(', ')}`);
    }
  } finally {
    await s.close();
  }
});

test('a hidden and re-shown view redraws from its saved state before the host answers', { timeout: 120_000 }, async () => {
  const first = await openSidebar({ theme: 'dark' });
  let saved: unknown;
  try {
    await first.page.waitForSelector('.oa-card', { timeout: 60_000 });
    await show(first, 'memory');
    await first.page.waitForSelector('svg.oa-chart-memory');
    saved = first.savedStates[first.savedStates.length - 1];
  } finally {
    await first.close();
  }
  assert.ok(saved);
  const again = await openSidebar({ theme: 'dark', savedState: saved, offline: true });
  try {
    await again.page.waitForSelector('svg.oa-chart-memory', { timeout: 10_000 });
    assert.equal(await again.page.evaluate<string | null>(`document.querySelector('#tab-memory').getAttribute('aria-selected')`), 'true');
    assert.equal(again.port.sent.length, 0, 'drawn with no message from the host');
  } finally {
    await again.close();
  }
});

test('a malformed message from the host is rejected, reported to the host and shown, never acted on', { timeout: 120_000 }, async () => {
  const s = await openSidebar({ theme: 'dark' });
  try {
    await s.page.waitForSelector('.oa-card', { timeout: 60_000 });
    await s.page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: { kind: 'notification', type: 'jobs', payload: { jobs: 'none' } } }))`);
    await s.page.getByText(/A message from the extension was malformed and was ignored/).waitFor();
    assert.ok(await s.page.locator('.oa-card').count() > 0, 'the job list was not replaced');
    await s.page.waitForTimeout(200);
    assert.ok(s.deps.logs.some((l) => /warn: sidebar view: view rejected a message: payload\.jobs: expected an array/.test(l)), s.deps.logs.join('\n'));
  } finally {
    await s.close();
  }
});

test('empty states are drawn inside the view with the action that fills them', { timeout: 120_000 }, async () => {
  const none = fakeDeps();
  none.listJobs = async () => [];
  const s = await openSidebar({ theme: 'dark', deps: none });
  try {
    await s.page.getByText('No training job found').waitFor({ timeout: 60_000 });
    await shoot(s, 'sidebar-dark-empty-no-job');
    await s.page.getByText('Scan workspace').click();
    await s.page.waitForTimeout(200);
    assert.deepEqual(s.port.actions, ['scanWorkspace']);
  } finally {
    await s.close();
  }
  const noBudget = fakeDeps();
  noBudget.budget = null;
  noBudget.profileFiles = [];
  const t = await openSidebar({ theme: 'light', deps: noBudget });
  try {
    await t.page.waitForSelector('.oa-card', { timeout: 60_000 });
    await t.page.getByText('No GPU budget').first().waitFor();
    await shoot(t, 'sidebar-light-empty-no-budget');
    await t.page.getByText('Set GPU budget').first().click();
    await show(t, 'profile');
    await t.page.getByText('No profile yet').waitFor();
    await shoot(t, 'sidebar-light-empty-no-profile');
    await t.page.waitForTimeout(200);
    assert.deepEqual(t.port.actions, ['setGpuBudget']);
  } finally {
    await t.close();
  }
});

test('a job that needs a model config is guidance with a "Pick a model config" action, not an error', { timeout: 120_000 }, async () => {
  const deps = fakeDeps();
  const reason = "model 'acme/not-anywhere' was not found: Hugging Face cache: not cached";
  deps.modelNeeded = (id) => (id === LLAMA ? reason : null);
  const s = await openSidebar({ theme: 'dark', deps });
  try {
    await s.page.getByText('This job needs a model config').waitFor({ timeout: 60_000 });
    assert.match(await visibleText(s.page), /acme\/not-anywhere/);
    assert.equal(await s.page.locator('.oa-error').count(), 0, 'no error line');
    assert.doesNotMatch(await visibleText(s.page), /Something went wrong/);
    await shoot(s, 'sidebar-dark-needs-model');
    await s.page.getByText('Pick a model config…').click();
    await s.page.waitForTimeout(200);
    assert.deepEqual(s.port.actions, ['pickModelConfig']);
  } finally {
    await s.close();
  }
});

test('profiling: Run shows live progress, Cancel stops it, results are re-read from the saved files', { timeout: 120_000 }, async () => {
  const s = await openSidebar({ theme: 'dark' });
  try {
    await s.page.waitForSelector('.oa-card', { timeout: 60_000 });
    await show(s, 'profile');
    await s.page.waitForSelector('svg.oa-chart-pareto');
    const loads = (): number => s.port.sent.filter((m) => m.kind === 'response' && m.type === 'loadProfiles').length;
    const before = loads();
    // None ticked: the default sweep; the note says so.
    await s.page.getByText('None ticked: the profiler’s default sweep plus this job’s top picks.').waitFor();
    await s.page.locator('fieldset.oa-picks vscode-checkbox').filter({ hasText: /^\s*Lion\s*$/ }).click();
    await s.page.getByText('AdamW is added as the reference of step cost.').waitFor();
    await s.page.getByText('Run profile').click();
    for (let i = 0; i < 50 && !s.deps.profileControl; i++) await s.page.waitForTimeout(50);
    assert.ok(s.deps.profileControl, 'the host started the run');
    assert.deepEqual(s.deps.profileRequests, [['lion']], 'the run profiles the ticked optimizer');
    s.deps.profileControl.progress({ done: 5, total: 20, message: 'lion lr 1e-4 seed 1' });
    await s.page.getByText('5 of 20 runs').waitFor();
    assert.equal(await s.page.evaluate<number>(`document.querySelector('progress').value`), 5);
    await shoot(s, 'sidebar-dark-profile-running');
    await s.page.getByText('Cancel').click();
    await s.page.getByText('Profile cancelled; the runs measured so far are kept.').waitFor();
    for (let i = 0; i < 50 && loads() === before; i++) await s.page.waitForTimeout(50);
    assert.equal(loads(), before + 1, 'the view re-read the saved results');
    // A finished run shows the newest saved result, and its time reads as local time, not ISO 8601.
    s.deps.profileFiles.unshift({ id: 'profile-new.json', savedAt: '2025-02-01T10:20:30.000Z', json: { ...fixtureProfile(), complete: false } });
    await s.page.getByText('Run profile').click();
    for (let i = 0; i < 50 && !s.deps.profileControl; i++) await s.page.waitForTimeout(50);
    s.deps.profileControl?.finish();
    await s.page.locator('.oa-measured .oa-badge').filter({ hasText: 'partial' }).waitFor();
    const labels = await s.page.locator('vscode-dropdown[aria-label="Saved result"] vscode-option').allTextContents();
    assert.equal(labels.length, 2);
    for (const l of labels) assert.match(l.trim(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d( \(partial\))?$/);
  } finally {
    await s.close();
  }
});

test('the view speaks Chinese when VS Code does', { timeout: 120_000 }, async () => {
  const s = await openSidebar({ theme: 'dark', locale: 'zh-cn' });
  try {
    await s.page.waitForSelector('.oa-card', { timeout: 60_000 });
    const text = await visibleText(s.page);
    // The answer block leads (top pick, the change to paste with Copy and Apply, the measured reason), then the ranking.
    for (const words of ['训练任务', '跟随当前编辑器', '建议', '显存', '首选：', '要粘贴的改动（HF Trainer）', '需要 transformers', '其他格式（', '带来的变化：', '复制', '应用', '实测依据：', '优化器排名', '详情、证据与来源']) {
      assert.ok(text.includes(words), words);
    }
    await shoot(s, 'sidebar-dark-advice-zh-cn');
    assert.equal(await s.page.evaluate<string>('document.documentElement.lang'), 'zh-CN');
  } finally {
    await s.close();
  }
});

test('a profile that could not use the GPU says why; only a missing package offers Install GPU backend', { timeout: 120_000 }, async () => {
  const withReason = (why: string) => {
    const doc = fixtureProfile();
    return { ...doc, backend: { ...doc.backend, reasons: [{ backend: 'tfjs-node-gpu' as const, why }, ...doc.backend.reasons] } };
  };
  const missing = fakeDeps();
  missing.profileFiles = [{ id: 'profile-missing.json', savedAt: '2025-01-01T00:00:00.000Z', json: withReason('not installed (looked in /storage/gpu-backend and beside the profiler)') }];
  const s = await openSidebar({ theme: 'dark', deps: missing });
  try {
    await s.page.waitForSelector('.oa-card', { timeout: 60_000 });
    await show(s, 'profile');
    await s.page.getByText('The GPU backend was not used: not installed (looked in /storage/gpu-backend').waitFor();
    await s.page.getByText('Install GPU backend').click();
    await s.page.waitForTimeout(200);
    assert.deepEqual(s.port.actions, ['installGpuBackend']);
  } finally {
    await s.close();
  }
  const noGpu = fakeDeps();
  noGpu.profileFiles = [{ id: 'profile-no-gpu.json', savedAt: '2025-01-01T00:00:00.000Z', json: withReason('no NVIDIA GPU is visible (no /proc/driver/nvidia/gpus entry, nvidia-smi lists none or is missing)') }];
  const t = await openSidebar({ theme: 'light', deps: noGpu });
  try {
    await t.page.waitForSelector('.oa-card', { timeout: 60_000 });
    await show(t, 'profile');
    await t.page.getByText('The GPU backend was not used: no NVIDIA GPU is visible').waitFor();
    assert.equal(await t.page.getByText('Install GPU backend').count(), 0, 'installing cannot help without a GPU');
  } finally {
    await t.close();
  }
});
