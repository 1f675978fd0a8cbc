/**
 * The profiler child pipeline end to end: runTrace in a real child process (compiled child.js), checked
 * against torch; backend fallback with reasons; budgets, cancellation, crashes and bad input never
 * take the caller down.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { InputError } from '../../src/core/types';
import { TRACE_PROBLEM_SPECS } from '../../src/core/profile/trace-problems';
import { defaultChildScript, runChild } from '../../src/profiler/run-child';
import { ProfilerRunError, runTrace } from '../../src/profiler/trace';
import { loadCorpus } from '../../src/profiler/sweep/corpus';
import { planSweep } from '../../src/profiler/sweep/plan';
import { advisorInput, DATA } from '../support/sweep-fixtures';
import { runReference, type ReferenceCase, type ReferenceResult } from '../reference/python';
import { buildGradientsBundle, COMPILED_PROFILER_DIR } from '../reference/tfjs-env';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'profiler-child-test-'));

function fakeChild(name: string, source: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, source);
  return file;
}

/** A package directory whose @tensorflow/<pkg> fails to load like a broken libtensorflow install. */
function brokenNativePackage(pkg: 'tfjs-node' | 'tfjs-node-gpu'): string {
  const root = path.join(tmp, `broken-${pkg}`);
  const dir = path.join(root, 'node_modules', '@tensorflow', pkg);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `@tensorflow/${pkg}`, version: '4.22.0', main: 'index.js' }));
  fs.writeFileSync(path.join(dir, 'index.js'), "throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');\n");
  return root;
}

const TRACES: Array<{ optimizer: string; problem: 'rosenbrock' | 'beale' | 'saddle'; lr: number; steps: number }> = [
  { optimizer: 'adamw', problem: 'rosenbrock', lr: 0.01, steps: 30 },
  { optimizer: 'sgd-momentum', problem: 'beale', lr: 1e-3, steps: 30 },
  { optimizer: 'lion', problem: 'saddle', lr: 0.01, steps: 30 },
  { optimizer: 'adagrad', problem: 'rosenbrock', lr: 0.1, steps: 30 },
  // [x, y] is one 1-D tensor: SOAP (precondition_1d off) and GaLore (not a matrix) take their Adam steps.
  { optimizer: 'soap', problem: 'rosenbrock', lr: 0.01, steps: 30 },
  { optimizer: 'galore-adamw', problem: 'beale', lr: 0.01, steps: 30 },
];

let reference: Record<string, ReferenceResult>;
before(() => {
  buildGradientsBundle();
  const cases: ReferenceCase[] = TRACES.map((t) => ({
    key: `${t.optimizer}-${t.problem}`,
    optimizer: t.optimizer,
    hyper: { lr: t.lr },
    problem: 'trace',
    steps: t.steps,
    params: [{ name: 'p0', shape: [2], values: [...TRACE_PROBLEM_SPECS[t.problem].start] }],
    trace: { problem: t.problem },
  }));
  reference = runReference(cases).cases;
});

describe('runTrace in the profiler child', () => {
  test('the child is found beside run-child: child.js (tsc layout) or profiler-child.js (bundle)', () => {
    assert.equal(defaultChildScript(COMPILED_PROFILER_DIR), path.join(COMPILED_PROFILER_DIR, 'child.js'));
    const dist = fs.mkdtempSync(path.join(tmp, 'dist-'));
    assert.equal(defaultChildScript(dist), null);
    fs.writeFileSync(path.join(dist, 'profiler-child.js'), '');
    assert.equal(defaultChildScript(dist), path.join(dist, 'profiler-child.js'));
  });

  test('the child takes a request in argv too and answers in JSON lines', () => {
    const r = spawnSync(process.execPath, [path.join(COMPILED_PROFILER_DIR, 'child.js'), JSON.stringify({ kind: 'trace', optimizer: 'adam', problem: 'saddle', steps: 2, lr: 0.1 })], { encoding: 'utf8', input: '' });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; result?: { points: number[][] } });
    assert.deepEqual(lines.map((l) => l.type), ['backend', 'result']);
    assert.equal(lines[1]!.result!.points.length, 3);
    assert.equal(r.status, 0);
  });

  for (const t of TRACES) {
    test(`${t.optimizer} on ${t.problem}: steps + 1 points from the start, equal to torch (reference defaults for the rest)`, async () => {
      const trace = await runTrace({ optimizer: t.optimizer, problem: t.problem, steps: t.steps, lr: t.lr });
      assert.equal(trace.points.length, t.steps + 1);
      assert.deepEqual(trace.points[0], [...TRACE_PROBLEM_SPECS[t.problem].start].map(Math.fround));
      const expected = reference[`${t.optimizer}-${t.problem}`]!.trajectory;
      for (let s = 1; s <= t.steps; s++) {
        const [x, y] = trace.points[s]!;
        const [ex, ey] = expected[s - 1]![0]!;
        assert.ok(Math.abs(x - ex!) <= 1e-6 + 1e-5 * Math.abs(ex!) && Math.abs(y - ey!) <= 1e-6 + 1e-5 * Math.abs(ey!), `step ${s}: (${x}, ${y}) vs torch (${ex}, ${ey})`);
      }
      assert.notDeepEqual(trace.points[t.steps], trace.points[0]);
    });
  }

  test('the backend that ran and why the others did not', async () => {
    const trace = await runTrace({ optimizer: 'adam', problem: 'saddle', steps: 3 });
    assert.ok(['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'].includes(trace.backend.name));
    const order = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];
    assert.deepEqual(trace.backend.reasons.map((r) => r.backend), order.slice(0, order.indexOf(trace.backend.name)));
    for (const r of trace.backend.reasons) assert.ok(r.why.length > 10, `${r.backend}: ${r.why}`);
    if (trace.backend.name === 'wasm') assert.equal(trace.backend.wasmSimd, true);
  });

  test('a broken native install is a reason and a fallback, not a crash; the cpu backend can be chosen', async () => {
    const broken = brokenNativePackage('tfjs-node');
    const trace = await runTrace({
      optimizer: 'sgd', problem: 'rosenbrock', steps: 2, lr: 1e-3,
      backend: { extraModuleDirs: [broken], allow: ['tfjs-node', 'cpu'] },
    });
    assert.equal(trace.backend.name, 'cpu');
    const node = trace.backend.reasons.find((r) => r.backend === 'tfjs-node')!;
    assert.match(node.why, /failed to load: libtensorflow\.so\.2: cannot open shared object file/);
    assert.match(trace.backend.reasons.find((r) => r.backend === 'wasm')!.why, /not allowed/);
  });

  test('a diverging run ends at the last finite point and says at which step', async () => {
    const trace = await runTrace({ optimizer: 'sgd', problem: 'rosenbrock', steps: 200, lr: 1 });
    assert.ok(trace.divergedAtStep !== undefined && trace.divergedAtStep >= 1);
    assert.equal(trace.points.length, trace.divergedAtStep);
    for (const p of trace.points) assert.ok(p.every(Number.isFinite));
  });

  test('bad input is an InputError: before spawning, or reported by the child', async () => {
    await assert.rejects(runTrace({ optimizer: 'adamw', problem: 'himmelblau', steps: 5 }), (e: unknown) => e instanceof InputError && /unknown problem/.test(e.message));
    await assert.rejects(runTrace({ optimizer: 'adamw', problem: 'beale', steps: 0 }), InputError);
    await assert.rejects(runTrace({ optimizer: 'adamw', problem: 'beale', steps: 5, lr: -1 }), InputError);
    await assert.rejects(
      runTrace({ optimizer: 'galore-adamw', problem: 'beale', steps: 5, hyper: { proj_quant: true } }),
      (e: unknown) => e instanceof InputError && /galore-adamw: proj_quant=true is not modelled by the profiler/.test(e.message),
    );
    await assert.rejects(runTrace({ optimizer: 'adafactor', problem: 'beale', steps: 5, lr: 0.1 }), (e: unknown) => e instanceof InputError && /relative_step/.test(e.message));
  });
});

describe('runChild never throws', () => {
  test('cancellation stops a running child within a second', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const run = await runChild({
      request: { kind: 'trace', optimizer: 'adam', problem: 'rosenbrock', steps: 100_000 },
      budgetMs: 60_000,
      signal: controller.signal,
      onMessage: (m) => {
        if (m.type === 'progress' && abortedAt === 0) {
          abortedAt = Date.now();
          controller.abort();
        }
      },
    });
    assert.equal(run.outcome, 'cancelled');
    assert.ok(Date.now() - abortedAt < 1000, `stopped ${Date.now() - abortedAt} ms after the cancel`);
    assert.ok(run.backend, 'the backend message arrived before the cancel');
  });

  test('the wall-clock budget kills a child that does not stop', async () => {
    const hang = fakeChild('hang.js', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);\n");
    const t0 = Date.now();
    // The budget leaves the child time to start and install its SIGTERM handler even on a busy machine
    // (a SIGTERM before that would end it by default and test nothing).
    const run = await runChild({ request: { kind: 'trace', optimizer: 'adam', problem: 'beale', steps: 1 }, childScript: hang, budgetMs: 2000, graceMs: 300 });
    assert.equal(run.outcome, 'budget-exceeded');
    assert.equal(run.signal, 'SIGKILL');
    assert.ok(Date.now() - t0 < 5000);
  });

  test('a native crash or a silent exit is reported with what the child said last', async () => {
    const crash = fakeChild('crash.js', "process.stderr.write('about to crash\\n'); process.kill(process.pid, 'SIGSEGV');\n");
    const crashed = await runChild({ request: { kind: 'trace', optimizer: 'adam', problem: 'beale', steps: 1 }, childScript: crash, budgetMs: 10_000 });
    assert.equal(crashed.outcome, 'crashed');
    assert.equal(crashed.signal, 'SIGSEGV');
    assert.match(crashed.detail, /killed by SIGSEGV.*about to crash/);
    const garbage = fakeChild('garbage.js', "console.log('not json'); console.log('{\"type\":\"progress\",\"done\":1,\"total\":2}'); process.exit(3);\n");
    const exited = await runChild({ request: { kind: 'trace', optimizer: 'adam', problem: 'beale', steps: 1 }, childScript: garbage, budgetMs: 10_000 });
    assert.equal(exited.outcome, 'crashed');
    assert.equal(exited.exitCode, 3);
    assert.deepEqual(exited.messages, [{ type: 'progress', done: 1, total: 2 }]);
    assert.match(exited.stderrTail, /\[stdout\] not json/);
  });

  test('a child whose parent is gone (its stdin closed) stops: one waiting for its start line, one measuring', async () => {
    const plan = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: loadCorpus(DATA).alphabet.length, optimizers: ['adamw'], steps: 2, seeds: [1] });
    const o = plan.optimizers[0]!;
    const sweep = { kind: 'sweep', spec: plan.proxy.spec, dataDir: DATA, optimizers: [{ id: o.id, lrs: o.lrs, hyper: o.hyper }], seeds: [1], steps: 2, waitForStart: true };
    const trace = { kind: 'trace', optimizer: 'adam', problem: 'rosenbrock', steps: 10_000_000 };
    for (const [request, after] of [[sweep, 'ready'], [trace, 'progress']] as const) {
      const child = spawn(process.execPath, [path.join(COMPILED_PROFILER_DIR, 'child.js')], { stdio: ['pipe', 'pipe', 'ignore'] });
      const types: string[] = [];
      let closedAt = 0;
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        for (const line of chunk.split('\n').filter((l) => l.trim())) types.push((JSON.parse(line) as { type: string }).type);
        // The parent goes away once the child is started up (a waiting child) or measuring: its end of stdin closes.
        if (closedAt === 0 && types.includes(after)) {
          closedAt = Date.now();
          child.stdin.end();
        }
      });
      child.stdin.write(`${JSON.stringify(request)}\n`);
      const timeout = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000).unref());
      try {
        const code = await Promise.race([exited, timeout]);
        assert.notEqual(code, 'still running', `${request.kind}: the child still ran 30 s after its stdin closed (${types.join(', ')})`);
        assert.ok(closedAt > 0 && Date.now() - closedAt < 5000, `${request.kind}: stopped ${Date.now() - closedAt} ms after its stdin closed`);
        assert.equal(types[types.length - 1], 'cancelled', types.join(', '));
      } finally {
        child.kill('SIGKILL');
      }
    }
  });

  test('a missing child script is spawn-failed, and runTrace turns a crash into a ProfilerRunError', async () => {
    const missing = await runChild({ request: { kind: 'trace', optimizer: 'adam', problem: 'beale', steps: 1 }, childScript: path.join(tmp, 'nope.js'), budgetMs: 1000 });
    assert.equal(missing.outcome, 'spawn-failed');
    const crash = fakeChild('exit1.js', 'process.exit(1);\n');
    await assert.rejects(runTrace({ optimizer: 'adam', problem: 'beale', steps: 1, childScript: crash }), (e: unknown) => e instanceof ProfilerRunError && e.run.outcome === 'crashed');
  });
});
