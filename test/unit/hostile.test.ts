/**
 * Hostile workspaces and faults (issue 19): one regression test per defect the audit found, each
 * checking the CLI contract (exit 0/2/3, one stderr line naming the file, nothing lost, no hang).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { walkWorkspace } from '../../src/cli/walk';
import { scanFiles } from '../../src/core/scan';
import { InputError } from '../../src/core/types';
import { MAX_FILE_SIZE_CEILING, parseFileSizeCap } from '../../src/core/units';


interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(cwd: string, ...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { cwd, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function tempDir(t: { after(fn: () => void): void }, prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function oneLine(r: Run, code: number, mentions: string): string {
  assert.equal(r.code, code, `exit ${r.code}, stderr ${r.err}`);
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 1, `one stderr line, got: ${r.err}`);
  assert.ok(lines[0].includes(mentions), `the message names ${mentions}: ${lines[0]}`);
  assert.doesNotMatch(r.err, /^\s+at /m, 'no stack trace');
  return lines[0];
}

test('defect 3: the file-size cap has a hard ceiling of 4 MiB (flag, setting parser and walk)', async (t) => {
  assert.equal(MAX_FILE_SIZE_CEILING, 4 * 2 ** 20);
  assert.equal(parseFileSizeCap('4MiB', '--max-file-size'), 4 * 2 ** 20);
  assert.throws(() => parseFileSizeCap('50MiB', 'optimizerAdvisor.maxFileSize'), (e: unknown) => e instanceof InputError && /over the ceiling of 4\.0 MiB/.test(e.message));
  const dir = tempDir(t, 'oa-ceiling-');
  for (const command of ['scan', 'recommend']) {
    const r = await cli(dir, command, '.', '--max-file-size', '50MiB');
    assert.equal(r.out, '');
    assert.match(oneLine(r, 2, '--max-file-size'), /over the ceiling/);
  }
  // The walk never reads past the ceiling, whatever its caller asks for.
  fs.writeFileSync(path.join(dir, 'big.py'), 'x = 1\n'.repeat(Math.ceil((MAX_FILE_SIZE_CEILING + 1) / 6)));
  const walked = await walkWorkspace(dir, { maxFileBytes: 2 ** 40 });
  assert.deepEqual(walked.files, []);
  assert.match(walked.skipped[0]?.reason ?? '', /^file too large: \d+ bytes \(the limit is 4 MiB\)$/);
});

test('defect 3: Python brackets nested past Python\'s own limit (200) are a positioned finding, not gigabytes of analysis', () => {
  const script = 'import torch\nfrom transformers import TrainingArguments\nargs = TrainingArguments(' + 'f('.repeat(300_000) + ')\n';
  const report = scanFiles([{ path: 'train.py', text: script }]);
  assert.equal(report.jobs.length, 0);
  // `TrainingArguments(` opens level 1 and the 200th `f(` level 201; the first token inside 201 levels is the 201st `f`, at column 26 + 2 * 200
  assert.deepEqual(report.findings.map((f) => [f.path, f.error]), [
    ['train.py', { message: "brackets nested deeper than 200 levels (Python's own limit)", line: 3, column: 26 + 2 * 200 }],
  ]);
  // The same in a notebook cell, positioned in the .ipynb file
  const cell = JSON.stringify({ cells: [{ cell_type: 'code', source: ['import torch\n', 'opt = torch.optim.AdamW(' + '['.repeat(250) + ')\n'] }], nbformat: 4 }, null, 1);
  const nb = scanFiles([{ path: 'n.ipynb', text: cell }]);
  assert.equal(nb.findings.length, 1);
  assert.equal(nb.findings[0].error?.message, "brackets nested deeper than 200 levels (Python's own limit)");
  assert.equal(nb.findings[0].error?.line, cell.split('\n').findIndex((l) => l.includes('AdamW')) + 1);
});
