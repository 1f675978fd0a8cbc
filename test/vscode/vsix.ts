// The packaged extension: `vsce package` builds a .vsix (allow-list .vscodeignore), its size and contents are
// checked, it installs into the real VS Code (code-server 4.100.3, `--install-extension`) and works there
// without the development folder: "Optimizer Advisor: Recommend Optimizer" from the command palette lists the
// fixture workspace's jobs.
//
// Run: node --test out/test/vscode/vsix.js   (needs `node esbuild.js` and `bash scripts/code-server/setup.sh`)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { copyWorkspace, defaultWorkspace, findRepoRoot } from './paths';
import {
  checkPrerequisites,
  codeServerDir,
  launchBrowser,
  makeScratchDir,
  newWorkbenchPage,
  runFromCommandPalette,
  startCodeServer,
  waitForWorkbench,
  type CodeServer,
} from './workbench';

const repoRoot = findRepoRoot(__dirname);
const scratch = makeScratchDir('optimizer-advisor-vsix-test');
const vsix = path.join(scratch, 'optimizer-advisor.vsix');
/** A .vsix larger than this has let something in that the allow-list should keep out. */
const MAX_VSIX_BYTES = 10 * 2 ** 20;
const REQUIRED = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/scan-worker.js',
  'extension/dist/cli.js',
  'extension/dist/profiler-child.js',
  'extension/dist/tfjs-gradients.js',
  'extension/dist/tfjs-backend-wasm-simd.wasm',
  'extension/dist/webview/main.js',
  'extension/l10n/bundle.l10n.zh-cn.json',
  'extension/package.nls.zh-cn.json',
];
let server: CodeServer | undefined;
let browser: Browser | undefined;

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

function vsce(args: string[]): string {
  const r = spawnSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `vsce ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

test('the .vsix holds the bundles and nothing from the development tree, and stays small', () => {
  checkPrerequisites(repoRoot);
  vsce(['package', '--no-dependencies', '--out', vsix]);
  const size = fs.statSync(vsix).size;
  assert.ok(size < MAX_VSIX_BYTES, `the .vsix is ${size} bytes`);
  const files = vsce(['ls', '--no-dependencies']).split('\n').map((l) => l.trim()).filter(Boolean);
  for (const f of REQUIRED) assert.ok(files.includes(f.replace(/^extension\//, '')), `${f} is missing from the package (${files.join(', ')})`);
  for (const f of files) {
    assert.ok(!/^(src|test|node_modules|out|bench|scripts|\.cache|artifacts|examples)\//.test(f), `${f} should not be packaged`);
    assert.ok(!f.endsWith('.map') && !f.endsWith('.ts'), `${f} should not be packaged`);
  }
  console.log(`vsix: ${(size / 2 ** 20).toFixed(2)} MiB, ${files.length} files`);
});

test('the .vsix installs into VS Code and its Recommend command works there', { timeout: 240_000 }, async () => {
  assert.ok(fs.existsSync(vsix), 'the package test did not produce a .vsix');
  const userData = path.join(scratch, 'user-data');
  const install = spawnSync(
    process.execPath,
    [path.join(codeServerDir(repoRoot), 'out', 'node', 'entry.js'), '--user-data-dir', userData, '--extensions-dir', path.join(userData, 'ext'), '--install-extension', vsix],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(install.status, 0, `--install-extension failed: ${install.stderr}`);
  assert.match(install.stdout, /successfully installed/);
  const installed = fs.readdirSync(path.join(userData, 'ext')).find((d) => d.startsWith('optimizer-advisor.optimizer-advisor-'));
  assert.ok(installed, 'the extension folder is not in the extensions dir');
  assert.ok(fs.existsSync(path.join(userData, 'ext', installed, 'dist', 'extension.js')));

  const folder = copyWorkspace(defaultWorkspace(repoRoot), path.join(scratch, 'workspace-parent'));
  server = await startCodeServer({ repoRoot, scratchDir: scratch });
  browser = await launchBrowser();
  const { page } = await newWorkbenchPage(browser);
  await page.goto(`${server.url}/?${new URLSearchParams({ folder }).toString()}`);
  await waitForWorkbench(page, folder, 60_000);
  await runFromCommandPalette(page, 'Optimizer Advisor: Recommend Optimizer', 60_000);
  const quickPick = page.locator('.quick-input-widget');
  await quickPick.locator('.monaco-list-row', { hasText: 'llama/training_args.json' }).first().waitFor({ state: 'visible', timeout: 60_000 });
  const rows = await quickPick.locator('.monaco-list-row').allInnerTexts();
  assert.ok(rows.some((r) => r.includes('llama/training_args.json')), `jobs listed by the installed extension: ${rows.join(' | ')}`);
});
