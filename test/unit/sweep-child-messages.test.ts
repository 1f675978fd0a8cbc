/**
 * The sweep's parent against what a profiler child sends (src/profiler/sweep/sweep.ts, protocol.ts): a
 * stand-in child (a few lines of Node, no TensorFlow.js) sends measurements whose data does not have
 * the declared shape; the parent leaves each out with a note naming it and keeps the well-formed ones.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ProfileJsonSchema } from '../../src/cli/json/profile';
import { checkValue } from '../../src/core/schema/check';
import { partialDataProblem } from '../../src/profiler/protocol';
import { runSweep } from '../../src/profiler/sweep/sweep';
import { advisorInput, DATA } from '../support/sweep-fixtures';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-sweep-messages-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A well-formed run record of AdamW, as train.ts makes it. */
const RUN = {
  optimizer: 'adamw', lr: 1e-3, seed: 1, lossCurve: [3, 2.5], finalLoss: 2.4, diverged: false, initialLoss: 3, stepMs: [1.5, 1.7], updateMs: [0.5, 0.6],
  measuredStateBytes: 8, stateTensors: [], peakEngineBytes: 100, kernel: 'tfjs-ops', stopped: false,
};

/** A child that answers any request with `messages` (one JSON line each), then exits. */
function standIn(messages: readonly unknown[]): string {
  const file = path.join(tmp, `child-${fs.readdirSync(tmp).length}.js`);
  const lines = messages.map((m) => JSON.stringify(m)).join('\n');
  fs.writeFileSync(file, `process.stdin.once('data', () => { process.stdout.write(${JSON.stringify(`${lines}\n`)}, () => process.exit(0)); });\n`);
  return file;
}

test('a measurement whose data does not have its declared shape is left out with a note; the sweep does not throw', async () => {
  const childScript = standIn([
    { type: 'backend', name: 'tfjs-node', tfBackend: 'tensorflow', reasons: [], gradients: 'tfjs' },
    { type: 'partial', kind: 'run', data: null },
    { type: 'partial', kind: 'run', data: { optimizer: 'adamw' } },
    { type: 'partial', kind: 'run', data: { ...RUN, lr: 1e-4, stepMs: [null] } },
    { type: 'partial', kind: 'step-time', data: { optimizer: 'adamw', stepMs: 'fast' } },
    { type: 'partial', kind: 'robustness', data: { optimizer: 'adamw', probe: 'explosion' } },
    { type: 'partial', kind: 'copy-bandwidth', data: {} },
    { type: 'partial', kind: 'optimizer-bandwidth', data: { optimizer: 'adamw', GBps: '3' } },
    { type: 'partial', kind: 'run', data: RUN },
    { type: 'result', result: { runs: 1, stopped: false } },
  ]);
  const lines: string[] = [];
  const r = await runSweep({
    job: { id: 'job', model: 'm' }, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw'], steps: 2, seeds: [1], budgetMs: 30_000,
    workers: 1, bandwidthElements: null, dataDir: DATA, childScript, onProgress: (l) => lines.push(l),
  });
  assert.equal(r.document.outcome, 'completed', r.document.outcomeDetail);
  // The well-formed run is kept, and only it.
  assert.deepEqual(r.document.results.map((x) => [x.optimizer, x.runs.map((run) => run.lr)]), [['adamw', [1e-3]]]);
  assert.equal(r.document.copyBandwidth, null);
  assert.equal(r.document.results[0]!.stepTiming?.basis, 'training-runs');
  const notes = r.document.notes.filter((n) => n.startsWith("Left out a profiler child's "));
  assert.equal(notes.length, 7, notes.join('\n'));
  assert.ok(notes.some((n) => /'run' measurement: data: expected an object, got null/.test(n)), notes.join('\n'));
  assert.ok(notes.some((n) => /'run' measurement: data\.stepMs\[0\]: expected a finite number, got null/.test(n)), notes.join('\n'));
  assert.ok(notes.some((n) => /'copy-bandwidth' measurement: data\.GBps: is missing/.test(n)), notes.join('\n'));
  assert.ok(lines.some((l) => l.startsWith("Left out a profiler child's ")), lines.join('\n'));
});

test('a run or a bandwidth naming a kernel the profile document does not declare is left out: the document stays one of profile.schema.json', async () => {
  const BANDWIDTH = { optimizer: 'adamw', kernel: 'wasm-simd', elements: 16, stepMs: 1, bytesPerParam: 28, GBps: 3, fractionOfCopy: 0.3 };
  const childScript = standIn([
    { type: 'backend', name: 'tfjs-node', tfBackend: 'tensorflow', reasons: [], gradients: 'tfjs' },
    { type: 'partial', kind: 'optimizer-bandwidth', data: { ...BANDWIDTH, kernel: 'cuda-graph' } },
    { type: 'partial', kind: 'run', data: { ...RUN, lr: 1e-4, kernel: 'cuda-graph' } },
    { type: 'partial', kind: 'run', data: RUN },
    { type: 'result', result: { runs: 2, stopped: false } },
  ]);
  const r = await runSweep({
    job: { id: 'job', model: 'm' }, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw'], steps: 2, seeds: [1], budgetMs: 30_000,
    workers: 1, bandwidthElements: null, dataDir: DATA, childScript,
  });
  const notes = r.document.notes.filter((n) => n.startsWith("Left out a profiler child's "));
  assert.equal(notes.length, 2, notes.join('\n'));
  assert.ok(notes.some((n) => /'run' measurement: data\.kernel: /.test(n)), notes.join('\n'));
  assert.ok(notes.some((n) => /'optimizer-bandwidth' measurement: data\.kernel: /.test(n)), notes.join('\n'));
  assert.deepEqual(r.document.results.map((x) => [x.optimizer, x.runs.map((run) => run.lr), x.kernel, x.bandwidth]), [['adamw', [1e-3], 'tfjs-ops', null]]);
  const checked = checkValue(ProfileJsonSchema, JSON.parse(JSON.stringify(r.document)));
  assert.ok(checked.ok, checked.ok ? '' : checked.error);
});

test('partialDataProblem: each sweep measurement kind checked against what the parent reads of it; other kinds are not the sweep\'s', () => {
  assert.equal(partialDataProblem('run', RUN), null);
  assert.equal(partialDataProblem('step-time', { optimizer: 'adamw', lr: 1e-3, seed: 1, warmupSteps: 2, stepMs: [1.5], updateMs: [], diverged: false }), null);
  assert.equal(partialDataProblem('robustness', { optimizer: 'adamw', probe: 'sparse', lr: 1e-3, seed: 1, lossCurve: [1, null], finalLoss: null, diverged: true, divergedAtStep: 2 }), null);
  assert.equal(partialDataProblem('copy-bandwidth', { GBps: 10, method: 'copy', elements: 16, methods: { copy: 10 } }), null);
  assert.equal(partialDataProblem('optimizer-bandwidth', { optimizer: 'adamw', kernel: 'tfjs-ops', elements: 16, stepMs: 1, bytesPerParam: 28, GBps: 3, copyGBps: 10, fractionOfCopy: 0.3 }), null);
  assert.match(partialDataProblem('robustness', { optimizer: 'adamw', probe: 'flood', lr: 1, seed: 1, lossCurve: [], finalLoss: null, diverged: false }) ?? '', /data\.probe/);
  assert.match(partialDataProblem('run', { ...RUN, finalLoss: 'low' }) ?? '', /data\.finalLoss/);
  assert.match(partialDataProblem('run', { ...RUN, kernel: 'cuda-graph' }) ?? '', /data\.kernel/);
  assert.match(partialDataProblem('optimizer-bandwidth', { optimizer: 'adamw', kernel: 'cuda-graph', elements: 16, stepMs: 1, bytesPerParam: 28, GBps: 3, fractionOfCopy: 0.3 }) ?? '', /data\.kernel/);
  assert.match(partialDataProblem('surprise', {}) ?? '', /unknown measurement kind 'surprise'/);
});

test("partialDataProblem: a real-shapes record's stepMs is the profile document's spread (median, min, max: times, never below 0)", () => {
  const kind = { name: 'w', shape: [4, 4], count: 2, method: 'whole', stepMs: { median: 0.5, min: 0.4, max: 0.7 }, stateBytes: 128, detail: 'timed whole' };
  const record = { optimizer: 'adamw', kinds: [kind], missing: [], refreshInterval: null, elapsedMs: 12 };
  assert.equal(partialDataProblem('real-shapes', record), null);
  assert.match(partialDataProblem('real-shapes', { ...record, kinds: [{ ...kind, stepMs: { median: 0.5, min: -0.1, max: 0.7 } }] }) ?? '', /data\.kinds\[0\]\.stepMs\.min/);
  assert.match(partialDataProblem('real-shapes', { ...record, kinds: [{ ...kind, stepMs: { median: 0.5, min: 0.4 } }] }) ?? '', /data\.kinds\[0\]\.stepMs\.max/);
});

test('a run of many steps (its record one line of several MB) is kept: a long line from the child is not cut into pieces', async () => {
  // 50,000 steps: the loss curve and the step times make a line of about 1.9 MB (the profile allows 100,000 steps).
  const steps = 50_000;
  const curve = Array.from({ length: steps }, (_, i) => 3 - i / steps + 1e-9 * Math.PI);
  const run = { ...RUN, lossCurve: curve, finalLoss: 2.0000001, stepMs: curve.map((x) => x * 2.718281828), updateMs: [] };
  assert.ok(JSON.stringify(run).length > 1.5e6);
  const childScript = standIn([
    { type: 'backend', name: 'tfjs-node', tfBackend: 'tensorflow', reasons: [], gradients: 'tfjs' },
    { type: 'partial', kind: 'run', data: run },
    { type: 'result', result: { runs: 1, stopped: false } },
  ]);
  const r = await runSweep({
    job: { id: 'job', model: 'm' }, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw'], steps, seeds: [1], budgetMs: 30_000,
    workers: 1, bandwidthElements: null, dataDir: DATA, childScript,
  });
  assert.equal(r.document.outcome, 'completed', r.document.outcomeDetail);
  assert.deepEqual(r.document.results.map((x) => x.runs.map((y) => y.lossCurve.length)), [[steps]]);
  assert.equal(r.document.results[0]!.stepTiming?.steps, steps);
});

test('the real-shapes phase: a record whose data does not have its declared shape is left out with a note; the sweep does not throw', async () => {
  const childScript = standIn([
    { type: 'backend', name: 'tfjs-node', tfBackend: 'tensorflow', reasons: [], gradients: 'tfjs' },
    { type: 'partial', kind: 'real-shapes', data: { optimizer: 'adamw' } },
    { type: 'result', result: { stopped: false } },
  ]);
  const lines: string[] = [];
  const r = await runSweep({
    job: { id: 'job', model: 'm' }, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw'], steps: 2, seeds: [1], budgetMs: 30_000,
    workers: 1, bandwidthElements: null, dataDir: DATA, childScript, realShapes: { budgetMs: 10_000, throughput: null }, onProgress: (l) => lines.push(l),
  });
  assert.equal(r.document.realShapes?.results.find((x) => x.optimizer === 'adamw')?.stepMs, null);
  const note = r.document.notes.find((n) => n.startsWith("Left out a profiler child's 'real-shapes' measurement: data.kinds: is missing"));
  assert.ok(note, r.document.notes.join('\n'));
  assert.ok(lines.includes(note), lines.join('\n'));
});
