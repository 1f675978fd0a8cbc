/**
 * The one process supervisor (src/platform/process.ts) on real processes: each exit class, a stop that
 * reaches a grandchild in the process group, the polite stop word before SIGTERM, the captured-output
 * cap, lines split across chunks, and the GPU runner that uses it (src/platform/gpu.ts).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { defaultCommandRunner } from '../../src/platform/gpu';
import { lastLines, superviseProcess } from '../../src/platform/process';

const node = process.execPath;
const posix = process.platform !== 'win32';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('exit classes: exited with its code, killed by a signal, not started', async () => {
  const ok = await superviseProcess({ command: node, args: ['-e', 'process.stdout.write("a\\nb"); process.exit(3)'], timeoutMs: 20_000 });
  assert.equal(ok.exit, 'exited');
  assert.equal(ok.exitCode, 3);
  assert.deepEqual(lastLines(ok, 5, 'stdout'), ['a', 'b']);
  if (posix) {
    const killed = await superviseProcess({ command: node, args: ['-e', 'process.kill(process.pid, "SIGKILL")'], timeoutMs: 20_000 });
    assert.equal(killed.exit, 'signalled');
    assert.equal(killed.signal, 'SIGKILL');
  }
  const missing = await superviseProcess({ command: path.join(os.tmpdir(), 'no-such-program-here'), args: [], timeoutMs: 20_000 });
  assert.equal(missing.exit, 'spawn-failed');
  assert.match(missing.spawnError ?? '', /ENOENT/);
});

test('a timeout stops the process; stdin carries the request and the stop word comes before SIGTERM', async () => {
  // The child echoes each stdin line and ignores SIGTERM until it has seen "stop".
  const script = [
    'let seen = false;',
    'process.on("SIGTERM", () => { if (seen) process.exit(7); });',
    'process.stdin.setEncoding("utf8");',
    'process.stdin.on("data", (d) => { for (const l of d.split("\\n").filter(Boolean)) { console.log("got " + l); if (l === "stop") seen = true; } });',
    'setInterval(() => undefined, 1000);',
  ].join('\n');
  const lines: string[] = [];
  const outcome = await superviseProcess({
    command: node, args: ['-e', script], group: 'inherit', stdin: 'hello\n', timeoutMs: 1500, graceMs: 10_000,
    onStop: (write) => write('stop\n'),
    onLine: (stream, line) => { if (stream === 'stdout') lines.push(line); },
  });
  assert.equal(outcome.exit, 'timeout');
  assert.equal(outcome.stopped, 'timeout');
  assert.deepEqual(lines, ['got hello', 'got stop']);
  assert.equal(outcome.exitCode, 7, 'it exited on SIGTERM after the stop word, long before SIGKILL');
});

test('cancelling stops the whole process group: a grandchild goes too', { skip: !posix }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-process-'));
  const pidFile = path.join(dir, 'grandchild.pid');
  const script = [
    'const { spawn } = require("child_process");',
    `const g = spawn(process.execPath, ["-e", "process.on('SIGTERM', () => undefined); setInterval(() => undefined, 1000)"], { stdio: "ignore" });`,
    `require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));`,
    'console.log("started");',
    'setInterval(() => undefined, 1000);',
  ].join('\n');
  const controller = new AbortController();
  const outcome = await superviseProcess({
    command: node, args: ['-e', script], timeoutMs: 30_000, graceMs: 300, signal: controller.signal,
    onLine: (_stream, line) => { if (line === 'started') controller.abort(); },
  });
  assert.equal(outcome.exit, 'cancelled');
  const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
  // The grandchild ignored SIGTERM; the SIGKILL that follows the grace period reached it through the group.
  const until = Date.now() + 5000;
  while (alive(grandchild) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(grandchild), false, `grandchild ${grandchild} still runs`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an abort before the start runs nothing; more stdout than the cap stops the process', async () => {
  const controller = new AbortController();
  controller.abort();
  const early = await superviseProcess({ command: node, args: ['-e', ''], timeoutMs: 20_000, signal: controller.signal });
  assert.equal(early.exit, 'cancelled');
  const flood = await superviseProcess({ command: node, args: ['-e', 'const s = "x".repeat(65536); setInterval(() => process.stdout.write(s), 1)'], timeoutMs: 20_000, captureStdout: 100_000 });
  assert.equal(flood.exit, 'output-overflow');
  assert.ok(flood.stdout.length <= 100_000);
});

test('lines split across chunks and by \\r arrive whole, in order', async () => {
  const script = 'process.stdout.write("par"); setTimeout(() => process.stdout.write("tial\\r\\nnext\\rlast"), 100)';
  const lines: string[] = [];
  await superviseProcess({ command: node, args: ['-e', script], timeoutMs: 20_000, onLine: (_s, l) => lines.push(l) });
  assert.deepEqual(lines, ['partial', 'next', 'last']);
});

test('the GPU runner: a program from PATH, its stdout and code; a missing one is null', { skip: !posix }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-smi-'));
  fs.writeFileSync(path.join(dir, 'fake-smi'), '#!/bin/sh\necho "GPU 0: Fake (UUID: GPU-1)"\nexit 4\n');
  fs.chmodSync(path.join(dir, 'fake-smi'), 0o755);
  const saved = process.env['PATH'];
  process.env['PATH'] = `${dir}${path.delimiter}${saved ?? ''}`;
  try {
    assert.deepEqual(await defaultCommandRunner('fake-smi', ['-L']), { code: 4, stdout: 'GPU 0: Fake (UUID: GPU-1)\n' });
    assert.equal(await defaultCommandRunner('no-such-smi-here', []), null);
  } finally {
    process.env['PATH'] = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
