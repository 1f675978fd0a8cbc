// Activation only where there is work, checked in a real VS Code (code-server 4.100.3 in headless Chromium,
// see workbench.ts): one server, one window per workspace. The extension host's own log
// (user-data/logs/<session>/exthost<N>/remoteexthost.log) names every activated extension and the event
// that activated it, and says "Eager extensions activated" once the startup events — `workspaceContains`
// among them — have been decided.
//
// - a plain Node project and a plain Python project (files such projects hold, including config.json,
//   .circleci/config.yml, setup.py, a config.py) do not activate the extension; running one of its commands
//   there then does (so the check reads a log that can say "activated");
// - every folder of examples/ activates it at startup through `workspaceContains`.
//
// Run: node --test out/test/vscode/activation.js   (part of `npm test`; needs scripts/setup-tests.sh and node esbuild.js)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PLAIN_PROJECTS } from '../support/plain-projects';
import { copyWorkspace, findRepoRoot } from './paths';
import {
  checkPrerequisites,
  launchBrowser,
  makeScratchDir,
  newWorkbenchPage,
  runFromCommandPalette,
  startCodeServer,
  waitForWorkbench,
  workbenchUrl,
  type CodeServer,
} from './workbench';

const EXTENSION_ID = 'optimizer-advisor.optimizer-advisor';
const STEP_TIMEOUT_MS = 60_000;

const repoRoot = findRepoRoot(__dirname);
const scratch = makeScratchDir('optimizer-advisor-activation-test');
let server: CodeServer | undefined;
let browser: Browser | undefined;

before(async () => {
  checkPrerequisites(repoRoot);
  server = await startCodeServer({ repoRoot, scratchDir: scratch });
  browser = await launchBrowser();
}, { timeout: 2 * STEP_TIMEOUT_MS });

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

function extensionHostLogs(): Set<string> {
  const logs = path.join(scratch, 'user-data', 'logs');
  const found = new Set<string>();
  if (!fs.existsSync(logs)) return found;
  for (const session of fs.readdirSync(logs)) {
    const dir = path.join(logs, session);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const host of fs.readdirSync(dir)) {
      if (/^exthost\d+$/.test(host)) found.add(path.join(dir, host, 'remoteexthost.log'));
    }
  }
  return found;
}

/** Waits for the extension host of the window opened after `before` was taken to log a line matching `pattern`. */
async function waitForLog(page: Page, before: Set<string>, pattern: RegExp, what: string): Promise<string> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let text = '';
  while (Date.now() < deadline) {
    const fresh = [...extensionHostLogs()].filter((f) => !before.has(f) && fs.existsSync(f));
    assert.ok(fresh.length <= 1, `more than one new extension host log: ${fresh.join(', ')}`);
    // Only whole lines: the log is appended to as it is read, and a line cut short would be misread.
    const read = fresh[0] === undefined ? '' : fs.readFileSync(fresh[0], 'utf8');
    text = read.slice(0, read.lastIndexOf('\n') + 1);
    if (pattern.test(text)) return text;
    await page.waitForTimeout(250);
  }
  throw new Error(`the extension host did not log ${what} within ${STEP_TIMEOUT_MS / 1000} s; its log:\n${text.split('\n').slice(-20).join('\n')}`);
}

/** The event that activated the extension, from an extension host log; null when it did not activate. */
function activationEvent(log: string): string | null {
  const line = log.split('\n').find((l) => l.includes(`_doActivateExtension ${EXTENSION_ID},`));
  if (line === undefined) return null;
  return /activationEvent: '([^']*)'/.exec(line)?.[1] ?? line;
}

/** Opens `folder` in a new window; returns its page, the log once startup activation is decided, and the "before" set. */
async function openWindow(folder: string): Promise<{ page: Page; startupLog: string; before: Set<string> }> {
  assert.ok(server && browser, 'code-server and the browser started');
  const before = extensionHostLogs();
  const { page } = await newWorkbenchPage(browser);
  await page.goto(workbenchUrl({ server, folder, extensionDevelopmentPath: repoRoot }));
  await waitForWorkbench(page, folder, STEP_TIMEOUT_MS);
  const startupLog = await waitForLog(page, before, /Eager extensions activated/, '"Eager extensions activated"');
  return { page, startupLog, before };
}

function writeProject(name: string, files: Record<string, string>): string {
  const root = path.join(scratch, 'workspaces', name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

for (const [name, files] of Object.entries(PLAIN_PROJECTS)) {
  test(`${name}: the extension does not activate; one of its commands activates it`, { timeout: 3 * STEP_TIMEOUT_MS }, async () => {
    const folder = writeProject(name, files);
    const { page, startupLog, before } = await openWindow(folder);
    try {
      assert.equal(activationEvent(startupLog), null, `activated in a ${name} project by ${activationEvent(startupLog)}`);
      await runFromCommandPalette(page, 'Optimizer Advisor: Show Log', STEP_TIMEOUT_MS);
      const log = await waitForLog(page, before, new RegExp(`_doActivateExtension ${EXTENSION_ID.replace('.', '\\.')},`), 'the extension\'s activation');
      assert.match(activationEvent(log) ?? '', /^onCommand:optimizerAdvisor\.showLog$/);
    } finally {
      await page.context().close();
    }
  });
}

const examples = path.join(repoRoot, 'examples');
for (const example of fs.readdirSync(examples).filter((d) => fs.statSync(path.join(examples, d)).isDirectory()).sort()) {
  test(`examples/${example}: the extension activates at startup by workspaceContains`, { timeout: 2 * STEP_TIMEOUT_MS }, async () => {
    const folder = copyWorkspace(path.join(examples, example), path.join(scratch, 'workspaces', 'examples'));
    const { page, startupLog } = await openWindow(folder);
    try {
      assert.match(activationEvent(startupLog) ?? '(not activated)', /^workspaceContains:/);
    } finally {
      await page.context().close();
    }
  });
}
