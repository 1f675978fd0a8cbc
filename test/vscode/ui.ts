// UI test through the VS Code workbench (code-server 4.100.3 in headless Chromium, see workbench.ts):
// opens the fixture workspace with the extension under development, runs "Optimizer Advisor: Recommend
// Optimizer" from the command palette, picks the Llama-2 job in the quick pick of detected jobs and
// checks the ranked answer the extension shows in the next quick pick (with a notification instead,
// the workspace has no job). Keeps a screenshot of the ranking as a test artifact:
// artifacts/ui-recommend.png (on failure, artifacts/ui-recommend-failure.png).
//
// Run: node --test out/test/vscode/ui.js   (or: node out/test/vscode/ui.js)
// Needs `bash scripts/code-server/setup.sh` and `node esbuild.js` first. Environment:
//   OPTIMIZER_ADVISOR_UI_WORKSPACE  folder to open instead of test/fixtures/vscode-ws (a copy is opened)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { defaultWorkspace, findRepoRoot } from './paths';
import { checkPrerequisites, openWorkbench, runFromCommandPalette, type ConsoleLine, type WorkbenchSession } from './workbench';

const COMMAND_TITLE = 'Optimizer Advisor: Recommend Optimizer';
const EXTENSION_DISPLAY_NAME = 'Optimizer Advisor';
const STEP_TIMEOUT_MS = 60_000;
/** The fixture job the test picks (test/fixtures/vscode-ws/llama). */
const JOB = 'llama/training_args.json';

const repoRoot = findRepoRoot(__dirname);
const artifacts = path.join(repoRoot, 'artifacts');
let session: WorkbenchSession | undefined;
let page: Page | undefined;
const consoleLines: ConsoleLine[] = [];

before(async () => {
  checkPrerequisites(repoRoot);
  fs.mkdirSync(artifacts, { recursive: true });
  const source = process.env.OPTIMIZER_ADVISOR_UI_WORKSPACE ?? defaultWorkspace(repoRoot);
  session = await openWorkbench({
    repoRoot, name: 'optimizer-advisor-ui-test', workspace: path.resolve(source), onConsole: (line) => consoleLines.push(line), timeoutMs: STEP_TIMEOUT_MS,
  });
  page = session.page;
}, { timeout: 3 * STEP_TIMEOUT_MS });

after(async () => {
  await session?.close();
});

/** What the command put on screen: the first notification toast, or a quick pick that is not the command palette. */
async function waitForAnswer(current: Page): Promise<{ kind: 'notification' | 'quickpick'; element: Locator }> {
  const toast = current.locator('.notifications-toasts .notification-toast').first();
  const quickPick = current.locator('.quick-input-widget');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await toast.isVisible()) return { kind: 'notification', element: toast };
    if (await quickPick.isVisible()) {
      const value = await quickPick.locator('.quick-input-box input').inputValue().catch(() => '');
      const rows = await quickPick.locator('.monaco-list-row').count();
      if (!value.startsWith('>') && rows > 0) return { kind: 'quickpick', element: quickPick };
    }
    await current.waitForTimeout(200);
  }
  throw new Error(`no notification or quick pick appeared within ${STEP_TIMEOUT_MS / 1000} s after running "${COMMAND_TITLE}"`);
}

test(`"${COMMAND_TITLE}" from the command palette shows the extension's answer`, { timeout: 3 * STEP_TIMEOUT_MS }, async () => {
  assert.ok(page, 'the workbench did not open');
  const current = page;
  try {
    await runFromCommandPalette(current, COMMAND_TITLE, STEP_TIMEOUT_MS);
    const answer = await waitForAnswer(current);
    // Let the toast / list finish its entrance animation so the screenshot shows it settled.
    await current.waitForTimeout(500);
    let text = (await answer.element.innerText()).trim();
    if (answer.kind === 'notification') {
      assert.equal(await answer.element.locator('.notification-list-item-icon.codicon-error').count(), 0, `the notification is an error: ${text}`);
      assert.doesNotMatch(text, /command .* not found/i);
      // The toast's accessible label names its source: "<message>, source: <extension display name>, notification".
      const label = (await answer.element.locator('.monaco-list-row').first().getAttribute('aria-label')) ?? '';
      assert.ok(label.includes(`source: ${EXTENSION_DISPLAY_NAME},`), `the notification "${text}" does not come from ${EXTENSION_DISPLAY_NAME} (its label: "${label}")`);
    } else {
      // The first quick pick lists the detected jobs: choose the Llama-2 one.
      const rows = await answer.element.locator('.monaco-list-row').allInnerTexts();
      assert.ok(rows.some((r) => r.includes(JOB)), `the job pick does not list ${JOB}: ${rows.join(' | ')}`);
      await answer.element.locator('.quick-input-box input').fill(JOB);
      // Enter picks the focused row: wait for the filter to have made it the job's (a fixed pause may leave another job focused).
      await answer.element.locator('.monaco-list-row.focused').filter({ hasText: JOB }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await current.keyboard.press('Enter');
      // The second quick pick is the ranking, titled with the job and the recommendation.
      const title = answer.element.locator('.quick-input-title');
      await title.filter({ hasText: `Optimizer Advisor: ${JOB}` }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      assert.match((await title.innerText()).trim(), new RegExp(`^Optimizer Advisor: ${JOB.replace(/[./]/g, '\\$&')} — recommended \\S+`));
      // The title and the rows are two updates of the widget: wait for the rows the check below needs before reading them.
      await answer.element.locator('.monaco-list-row').nth(4).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS }).catch(() => undefined);
      const ranking = await answer.element.locator('.monaco-list-row').allInnerTexts();
      assert.ok(ranking.length >= 5, `the ranking shows ${ranking.length} rows`);
      assert.match(ranking[0], /1\. [a-z0-9-]+/, `first row: ${ranking[0]}`);
      await current.waitForTimeout(500);
    }
    text = (await answer.element.innerText()).trim();
    await current.screenshot({ path: path.join(artifacts, 'ui-recommend.png') });
    console.log(`${answer.kind}: ${text.replace(/\s+/g, ' ')}`);
    console.log(`screenshot: ${path.relative(repoRoot, path.join(artifacts, 'ui-recommend.png'))}`);
  } catch (error) {
    await current.screenshot({ path: path.join(artifacts, 'ui-recommend-failure.png') }).catch(() => undefined);
    const errors = consoleLines.filter((line) => line.type === 'error' || line.type === 'pageerror').map((line) => line.text);
    if (errors.length > 0) console.error(`workbench console errors:\n${errors.slice(-20).join('\n')}`);
    throw error;
  }
});
