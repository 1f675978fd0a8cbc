/**
 * The layer rules of eslint.config.mjs (design.md, "Layers": dependencies point downwards only) catch a
 * deliberately wrong import in each layer, and pass the same file with a right one; an eslint-disable
 * without a reason on its line fails too. Runs ESLint's API on in-memory text placed at a real path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: ROOT });

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  assert.ok(result, `no lint result for ${file}`);
  return result.messages.map((m) => m.ruleId ?? `(fatal) ${m.message}`);
}

const WRONG: ReadonlyArray<readonly [file: string, code: string]> = [
  ['src/core/memory/wrong.ts', "import * as fs from 'node:fs';\nexport const n = fs.constants.F_OK;\n"],
  ['src/core/memory/wrong.ts', "import * as vscode from 'vscode';\nexport const n = vscode.version;\n"],
  ['src/core/memory/wrong.ts', "import { runCli } from '../../cli/main';\nexport const f = runCli;\n"],
  ['src/core/memory/wrong.ts', "import { formatNumber } from '../../charts/axes';\nexport const f = formatNumber;\n"],
  ['src/charts/wrong.ts', "import { runSweep } from '../profiler/sweep/sweep';\nexport const f = runSweep;\n"],
  ['src/profiler/wrong.ts', "import { formatNumber } from '../charts/axes';\nexport const f = formatNumber;\n"],
  ['src/extension/wrong.ts', "import { walkFolder } from '../cli/walk';\nexport const f = walkFolder;\n"],
  ['src/cli/wrong.ts', "import { Config } from '../extension/config';\nexport const c = Config;\n"],
  ['src/webview-protocol.ts', "import { runSweep } from './profiler/sweep/sweep';\nexport const f = runSweep;\n"],
  ['webview/src/wrong.ts', "import * as fs from 'node:fs';\nexport const n = fs.constants.F_OK;\n"],
  ['webview/src/wrong.ts', "import { runTrace } from '../../src/profiler/trace';\nexport const f = runTrace;\n"],
  // One process supervisor: only src/platform/process.ts starts processes.
  ['src/profiler/wrong.ts', "import { spawn } from 'node:child_process';\nexport const f = spawn;\n"],
  ['src/extension/gpu-backend/wrong.ts', "import { execFile } from 'child_process';\nexport const f = execFile;\n"],
  ['src/platform/wrong.ts', "import { spawnSync } from 'node:child_process';\nexport const f = spawnSync;\n"],
];

for (const [file, code] of WRONG) {
  test(`layers: ${file} importing ${/from '([^']+)'/.exec(code)?.[1] ?? '?'} fails the lint`, async () => {
    assert.ok((await ruleIds(file, code)).includes('no-restricted-imports'));
  });
}

test('layers: imports that point downwards pass', async () => {
  const right: ReadonlyArray<readonly [string, string]> = [
    ['src/charts/right.ts', "import { formatBytes } from '../core/units';\nexport const f = formatBytes;\n"],
    ['src/profiler/right.ts', "import { formatBytes } from '../core/units';\nimport * as fs from 'node:fs';\nexport const f = [formatBytes, fs];\n"],
    ['src/extension/right.ts', "import { runSweep } from '../profiler/sweep/sweep';\nexport const f = runSweep;\n"],
    ['src/platform/process.ts', "import { spawn } from 'node:child_process';\nexport const f = spawn;\n"],
    ['webview/src/right.ts', "import { PROTOCOL_VERSION } from '../../src/webview-protocol';\nexport const v = PROTOCOL_VERSION;\n"],
  ];
  for (const [file, code] of right) assert.deepEqual(await ruleIds(file, code), [], file);
});

test('an eslint-disable comment without a reason fails; with "-- reason" it passes', async () => {
  const bare = "// eslint-disable-next-line no-console\nconsole.log('x');\nexport {};\n";
  assert.ok((await ruleIds('src/cli/bare.ts', bare)).includes('@eslint-community/eslint-comments/require-description'));
  const described = "// eslint-disable-next-line no-restricted-imports -- shown on purpose in this test\nimport { Config } from '../extension/config';\nexport const c = Config;\n";
  assert.deepEqual(await ruleIds('src/cli/described.ts', described), []);
});
