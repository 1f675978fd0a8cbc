/**
 * Hostile workspaces and faults (README: Reliability): one regression test per defect the audit found, each
 * checking the CLI contract (exit 0/2/3, one stderr line naming the file, nothing lost, no hang).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { runCli } from '../../src/cli/main';
import { ResultFiles, writeAtomically, type WriteOps } from '../../src/cli/result-files';
import { walkWorkspace } from '../../src/cli/walk';
import { buildInventory, inventoryForRef } from '../../src/core/models';
import { scanFiles } from '../../src/core/scan';
import { jobFolderName } from '../../src/extension/profile-folder';
import { findExecutable } from '../../src/platform/which';
import { deriveProxy, MAX_PROXY_PARAMS, proxyParamCount, proxyParams } from '../../src/profiler/sweep/proxy';
import { InputError } from '../../src/core/types';
import { MAX_FILE_SIZE_CEILING, parseFileSizeCap } from '../../src/core/units';
import { buildGradientsBundle } from '../reference/tfjs-env';


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

const ROOT = path.resolve(__dirname, '..', '..', '..');

// The profiler's TensorFlow.js gradient bundle, as in cli-profile.test.ts
before(() => {
  buildGradientsBundle();
});

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

/** File operations that fail like a full disk once `budget` writes have succeeded. */
function diskFillingAfter(budget: number): WriteOps & { writes: number } {
  const ops = {
    writes: 0,
    writeFileSync(file: string, text: string): void {
      if (ops.writes >= budget) {
        fs.writeFileSync(file, text.slice(0, 10)); // a full disk leaves a truncated file behind
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      }
      ops.writes++;
      fs.writeFileSync(file, text);
    },
    renameSync: (a: string, b: string) => fs.renameSync(a, b),
    rmSync: (f: string, o: { force: boolean }) => fs.rmSync(f, o),
  };
  return ops;
}

test('defect 4: writes are atomic; a full disk leaves no temporary file and no file claiming "running"', (t) => {
  const dir = tempDir(t, 'oa-write-');
  const file = path.join(dir, 'profile.json');
  const ops = diskFillingAfter(2);
  const writer = new ResultFiles(ops);
  writer.saveProvisional(file, '{"outcome":"running","results":[1]}');
  writer.saveProvisional(file, '{"outcome":"running","results":[1,2]}');
  assert.equal(fs.readFileSync(file, 'utf8'), '{"outcome":"running","results":[1,2]}');
  writer.saveProvisional(file, '{"outcome":"running","results":[1,2,3]}'); // the disk is full now
  assert.equal(fs.readFileSync(file, 'utf8'), '{"outcome":"running","results":[1,2]}', 'a failed write never replaces the last good file');
  assert.equal(writer.saveFinal(file, '{"outcome":"completed"}'), false);
  assert.deepEqual(fs.readdirSync(dir), [], 'the stale "running" file and every temporary file are gone');
  assert.deepEqual(writer.failed(), [{ path: file, reason: 'ENOSPC' }]);
  // Work that stops before its end (the sweep threw) leaves no provisional file either.
  const other = new ResultFiles();
  other.saveProvisional(path.join(dir, 'p2.json'), '{"outcome":"running"}');
  other.abandonProvisional();
  assert.deepEqual(fs.readdirSync(dir), []);
  // A write into a path that is a folder fails at the rename: the temporary file is removed too.
  fs.mkdirSync(path.join(dir, 'taken.json', 'x'), { recursive: true });
  assert.throws(() => writeAtomically(path.join(dir, 'taken.json'), '{}'));
  assert.deepEqual(fs.readdirSync(dir), ['taken.json']);
});

test('defect 4: profile --out that cannot be written prints the document on stdout, names the path, exits 3', async (t) => {
  const dir = tempDir(t, 'oa-profile-out-');
  // profile.json is taken by a folder: every write of it fails (as on a read-only folder or an immutable file)
  fs.mkdirSync(path.join(dir, 'profile.json', 'keep'), { recursive: true });
  const r = await cli(ROOT, 'profile', 'examples/bert-sst2', '--optimizers', 'sgd-momentum', '--steps', '2', '--seeds', '1', '--bandwidth-size', '0', '--out', dir);
  const line = oneLine({ ...r, err: r.err.split('\n').filter((l) => !l.startsWith('  ')).join('\n') }, 3, path.join(dir, 'profile.json'));
  assert.match(line, /^optimizer-advisor profile: cannot write .*profile\.json \((EISDIR|ENOTEMPTY|EEXIST)\); the profile document is printed on stdout instead$/);
  const doc = JSON.parse(r.out) as { outcome: string; results: { optimizer: string }[] };
  assert.equal(doc.outcome, 'completed');
  assert.ok(doc.results.some((x) => x.optimizer === 'sgd-momentum'));
  // report.html was written; no temporary file is left
  assert.deepEqual(fs.readdirSync(dir).sort(), ['profile.json', 'report.html']);
});

test('defect 7: a batch size or accumulation over the cap names the file and position (profile: exit 2; recommend: the job is not evaluated, exit 3)', async (t) => {
  const dir = tempDir(t, 'oa-caps-');
  const cases: [string, string, string][] = [
    ['per_device_train_batch_size', '100000000', 'training_args.json:3:34: batch size must be an integer from 1 to 1000000, got 100000000'],
    ['gradient_accumulation_steps', '100000000', 'training_args.json:3:34: gradient accumulation steps must be an integer from 1 to 1000000, got 100000000'],
  ];
  for (const [key, value, message] of cases) {
    const text = `{\n  "output_dir": "o", "model_name_or_path": "gpt2", "optim": "adamw_torch",\n  "${key}": ${value}\n}\n`;
    fs.writeFileSync(path.join(dir, 'training_args.json'), text);
    const profile = await cli(dir, 'profile', '.');
    assert.equal(profile.out, '');
    assert.equal(oneLine(profile, 2, 'training_args.json'), `optimizer-advisor profile: ${message}`);
    // recommend goes on with the other jobs and always prints its result (README: Where a model comes from).
    const table = await cli(dir, 'recommend', '.');
    assert.equal(table.code, 3, table.err);
    assert.ok(table.out.includes(`Not evaluated:\n  - ${message}`), table.out);
    assert.ok(!table.out.includes('No training jobs found'), table.out);
    const json = await cli(dir, 'recommend', '.', '--json');
    assert.equal(json.code, 3, json.err);
    assert.deepEqual((JSON.parse(json.out) as { errors: { message: string }[] }).errors.map((e) => e.message), [message]);
  }
});

test('defect 8: the profiler proxy is capped at 1,000,000 parameters whatever the config (a wide MLP ratio is clamped, with a note)', () => {
  const inventory = buildInventory({ model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 64, intermediate_size: 1_048_576, num_hidden_layers: 1, num_attention_heads: 1, vocab_size: 100 }, 'wide.json');
  const proxy = deriveProxy(inventory, 80);
  const count = proxyParamCount(proxyParams(proxy.spec));
  assert.ok(count <= MAX_PROXY_PARAMS, `${count} proxy parameters`);
  assert.equal(MAX_PROXY_PARAMS, 1_000_000);
  assert.ok(proxy.spec.kind === 'transformer' && proxy.spec.intermediate === 16 * proxy.spec.hidden);
  assert.ok(proxy.notes.some((n) => /MLP ratio 16384\.000 is clamped to 16/.test(n)), proxy.notes.join('\n'));
  // an ordinary model keeps its ratio (Llama-2-7B: 11008 / 4096 = 2.6875 -> 86 at hidden 32)
  const llama = deriveProxy(inventoryForRef('meta-llama/Llama-2-7b-hf'), 80);
  assert.ok(llama.spec.kind === 'transformer' && llama.spec.intermediate === 86);
});

test('defect 9: params and estimate on an unreadable file or a FIFO exit 2 naming the file, without blocking', (t) => {
  const dir = tempDir(t, 'oa-unreadable-');
  const cliJs = path.join(ROOT, 'dist', 'cli.js');
  const run = (args: string[]): Run => {
    const r = spawnSync(process.execPath, [cliJs, ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  const fifo = path.join(dir, 'config.json');
  const made = spawnSync('mkfifo', [fifo]);
  assert.equal(made.status, 0, 'mkfifo is available');
  for (const args of [['params', 'config.json'], ['estimate', 'config.json', '--optimizer', 'adamw'], ['params', '.']]) {
    const r = run(args);
    assert.equal(r.out, '');
    assert.match(oneLine(r, 2, 'config.json'), /config\.json: cannot read the file: it is a named pipe \(FIFO\)$/);
  }
  // A file that can be opened but not read (/proc/self/mem fails every read with EIO; root ignores file modes)
  const eio = run(['params', '/proc/self/mem']);
  assert.equal(eio.out, '');
  assert.match(oneLine(eio, 2, '/proc/self/mem'), /\/proc\/self\/mem: cannot read the file \(EIO\)$/);
});

test('defect 10: a backslash in a folder name (legal on Linux and macOS) keeps scan --json valid against its schema', async (t) => {
  const dir = tempDir(t, 'oa-backslash-');
  fs.mkdirSync(path.join(dir, 'runs\\2024'));
  fs.writeFileSync(path.join(dir, 'runs\\2024', 'training_args.json'), '{"output_dir": "o", "model_name_or_path": "gpt2", "optim": "adamw_torch"}\n');
  const r = await cli(dir, 'scan', '.', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { findings: { path: string }[]; jobs: { id: string }[] };
  assert.deepEqual(doc.findings.map((f) => f.path), ['runs\\2024/training_args.json']);
  const ajv = new Ajv({ allErrors: true, strict: false });
  const check = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'scan.schema.json'), 'utf8')) as object);
  assert.ok(check(doc), ajv.errorsText(check.errors));
});

test('nvidia-smi is never resolved from the current folder: only absolute PATH entries other than the current folder', (t) => {
  const work = tempDir(t, 'oa-which-ws-');
  const bin = tempDir(t, 'oa-which-bin-');
  for (const dir of [work, bin]) {
    fs.writeFileSync(path.join(dir, 'nvidia-smi'), '#!/bin/sh\necho planted\n');
    fs.chmodSync(path.join(dir, 'nvidia-smi'), 0o755);
  }
  const hostileEntries = ['', '.', './', 'sub/..', work].join(path.delimiter);
  assert.equal(findExecutable('nvidia-smi', { pathVariable: hostileEntries, cwd: work, platform: 'linux' }), null);
  assert.equal(findExecutable('nvidia-smi', { pathVariable: [hostileEntries, bin].join(path.delimiter), cwd: work, platform: 'linux' }), path.join(bin, 'nvidia-smi'));
  // not executable: skipped
  fs.chmodSync(path.join(bin, 'nvidia-smi'), 0o644);
  if (process.getuid?.() !== 0) assert.equal(findExecutable('nvidia-smi', { pathVariable: bin, cwd: work, platform: 'linux' }), null);
  // Windows: `nvidia-smi.exe` in the current folder is never found, a .cmd never qualifies
  fs.writeFileSync(path.join(work, 'nvidia-smi.exe'), 'MZ');
  fs.writeFileSync(path.join(bin, 'nvidia-smi.cmd'), '@echo planted');
  assert.equal(findExecutable('nvidia-smi', { pathVariable: [work, bin].join(';'), cwd: work, platform: 'win32' }), null);
});

test('profile folder names stay under 255 bytes for any job path (long and non-ASCII paths end in a hash)', () => {
  assert.equal(jobFolderName('llama/training_args.json'), 'llama%2Ftraining_args.json', 'short ids are unchanged (saved profiles stay where they were)');
  const deep = `${'模型/'.repeat(40)}训练参数.json`;
  const name = jobFolderName(deep);
  assert.ok(Buffer.byteLength(name) <= 255, `${Buffer.byteLength(name)} bytes`);
  assert.ok(Buffer.byteLength(encodeURIComponent(deep)) > 255, 'URL-encoding alone is over the limit');
  assert.match(name, /^(%[0-9A-F]{2}|[A-Za-z0-9_.!~*'()-])+~[0-9a-f]{32}$/, 'a readable prefix cut between escapes, then the hash');
  assert.notEqual(jobFolderName(`${deep}x`), name, 'different ids, different folders');
  assert.equal(jobFolderName(deep), name, 'stable');
});

test('a file name that is not valid UTF-8 is skipped with that reason (not as ENOENT); its neighbours are read', async (t) => {
  const dir = tempDir(t, 'oa-latin1-');
  const latin1 = Buffer.concat([Buffer.from(dir + '/'), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from('.json')]); // "café.json" in Latin-1
  fs.writeFileSync(latin1, '{"output_dir": "o", "model_name_or_path": "gpt2"}');
  fs.writeFileSync(path.join(dir, 'config.json'), '{"model_type": "gpt2"}');
  const walked = await walkWorkspace(dir);
  assert.deepEqual(walked.files.map((f) => f.path), ['config.json']);
  assert.deepEqual(walked.skipped, [{ path: 'caf\uFFFD.json', reason: 'the name is not valid UTF-8 (shown with U+FFFD); rename it to scan it' }]);
});
