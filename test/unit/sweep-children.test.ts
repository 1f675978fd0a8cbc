/**
 * The profiling sweep in profiler children: a completed sweep, the same runs from one training child and
 * from two (with step times from a timing phase run alone), cancellation within a second, a crash and
 * the budget losing nothing measured, in both layouts.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import Ajv from 'ajv';
import { parseProfileDocument } from '../../src/core/profile/profile-validate';
import { TIMING_PHASE } from '../../src/profiler/sweep/constants';
import type { SweepDocument } from '../../src/profiler/sweep/document';
import { assignWorkers, runSweep } from '../../src/profiler/sweep/sweep';
import type { ChildMessage, RunRecord } from '../../src/profiler/protocol';
import { buildGradientsBundle } from '../reference/tfjs-env';
import { PROFILER_TEST_CHILD, TEST_CRASH_ENV } from '../support/profiler-test-child';
import { advisorInput, DATA, ROOT } from '../support/sweep-fixtures';

before(() => {
  buildGradientsBundle();
});

describe('the sweep in profiler children', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'profile.schema.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  const job = { id: 'test-job', model: 'meta-llama/Llama-2-7b-hf' };

  test('a small sweep completes; its document validates against the schema and the charts\' reader', async () => {
    const updates: number[] = [];
    const r = await runSweep({
      job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw', 'lion'], steps: 4, seeds: [1], budgetMs: 60_000, workers: 1,
      bandwidthElements: 1 << 14, evaluationBatches: 1, dataDir: DATA, onUpdate: (d) => updates.push(d.results.reduce((s, x) => s + x.runs.length, 0)),
    });
    const doc = r.document;
    assert.equal(doc.outcome, 'completed', doc.outcomeDetail);
    assert.ok(validate(JSON.parse(JSON.stringify(doc))), ajv.errorsText(validate.errors));
    const parsed = parseProfileDocument(JSON.parse(JSON.stringify(doc)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.deepEqual(doc.results.map((x) => x.optimizer), ['adamw', 'lion']);
    for (const x of doc.results) {
      assert.equal(x.runs.length, 3, 'three learning rates x one seed');
      assert.equal(x.measuredStateBytes, x.estimatedStateBytes);
      assert.ok(x.effectiveBandwidthGBps! > 0 && x.bandwidth!.bytesPerParam === (x.optimizer === 'adamw' ? 28 : 20));
    }
    assert.equal(doc.results.find((x) => x.optimizer === 'adamw')!.relativeStepCost, 1);
    assert.ok(doc.copyBandwidthGBps! > 0);
    assert.ok(['wasm', 'cpu'].includes(doc.backend.name));
    // Saved as it grew: one update per run at least, counting up.
    assert.ok(updates.includes(1) && updates[updates.length - 1] === 6);
  });

  /** Everything of a document that does not depend on time: what two layouts of the same sweep must share. */
  function deterministic(doc: SweepDocument): unknown {
    return {
      targetLoss: doc.targetLoss,
      results: doc.results.map((x) => ({
        optimizer: x.optimizer, runs: x.runs, bestLr: x.bestLr, lossCurve: x.lossCurve, finalLoss: x.finalLoss, stepsToTarget: x.stepsToTarget,
        diverged: x.diverged, robustness: x.robustness, measuredStateBytes: x.measuredStateBytes, stateTensors: x.stateTensors, kernel: x.kernel,
        peakEngineBytes: x.peakEngineBytes, recommendedLr: x.recommendedLr,
      })),
    };
  }

  test('two training children give every run the same bits as one; their step times come from a timing phase run alone', async () => {
    const optimizers = ['adamw', 'lion', 'sgd-momentum'];
    const common = {
      job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers, steps: 6, seeds: [1, 2], budgetMs: 120_000, robustness: true,
      bandwidthElements: 1 << 14, evaluationBatches: 1, dataDir: DATA,
    };
    const serial = await runSweep({ ...common, workers: 1 });
    const lines: string[] = [];
    const shared = await runSweep({ ...common, workers: 2, onProgress: (l) => lines.push(l) });
    for (const r of [serial, shared]) assert.equal(r.document.outcome, 'completed', r.document.outcomeDetail);
    assert.equal(serial.children.length, 2, 'the bandwidth child and one training child');
    assert.equal(shared.children.length, 4, 'the bandwidth child, the timing child and two training children');
    assert.deepEqual(deterministic(shared.document), deterministic(serial.document));
    assert.equal(serial.document.results.reduce((n, x) => n + x.runs.length + (x.robustness?.length ?? 0), 0), 3 * (3 * 2 + 4));

    // Each training child trained its own share, all runs of an optimizer in one child.
    const trained = shared.children.slice(2).map((c) => [...new Set(c.messages.flatMap((m: ChildMessage) => (m.type === 'partial' && m.kind === 'run' ? [(m.data as RunRecord).optimizer] : [])))]);
    // As the sweep announced them, balanced by the step times it had just measured.
    const announced = /^training: 2 children at once \((.*)\)$/.exec(lines.find((l) => l.startsWith('training: ')) ?? '');
    assert.ok(announced, lines.join('\n'));
    const groups = announced[1]!.split(' | ').map((g) => g.split(', '));
    assert.deepEqual(trained, groups);
    const stepMs = new Map(shared.document.results.map((x) => [x.optimizer, x.stepTimeMs]));
    assert.deepEqual(groups, assignWorkers(shared.plan.optimizers, 2, (id) => stepMs.get(id) ?? null).map((g) => g.map((o) => o.id)));
    assert.ok(trained.every((g) => g.length > 0));
    const kinds = (c: (typeof shared.children)[number]) => new Set(c.messages.flatMap((m) => (m.type === 'partial' ? [m.kind] : [])));
    // The bandwidth child measures bandwidth only, the timing child step times only, the training children runs and probes.
    assert.deepEqual(shared.children.map((c) => [...kinds(c)].sort()), [
      ['copy-bandwidth', 'optimizer-bandwidth'], ['step-time'], ['robustness', 'run'], ['robustness', 'run'],
    ]);

    // The step times were measured while nothing else ran: every step-time line came before the first run's.
    const firstRun = lines.findIndex((l) => / lr \S+ seed \d+: /.test(l));
    const stepLines = lines.map((l, i) => (l.startsWith('step time ') ? i : -1)).filter((i) => i >= 0);
    assert.equal(stepLines.length, optimizers.length);
    assert.ok(stepLines.every((i) => i < firstRun), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('training: 2 children at once')));
    for (const x of shared.document.results) {
      assert.equal(x.stepTiming?.basis, 'timed-alone');
      assert.equal(x.stepTiming?.steps, TIMING_PHASE.steps);
      assert.equal(x.stepTiming?.warmupSteps, TIMING_PHASE.warmupSteps);
      assert.equal(x.stepTiming?.lr, x.recommendedLr);
      assert.equal(x.stepTiming?.seed, 1);
      assert.ok(x.stepTimeMs > 0 && x.stepTiming!.minMs <= x.stepTimeMs && x.stepTimeMs <= x.stepTiming!.maxMs);
      assert.ok(x.samplesPerSecond! > 0 && x.optimizerStepMs! > 0);
    }
    for (const x of serial.document.results) {
      assert.equal(x.stepTiming?.basis, 'training-runs');
      // Every run's steps after its warm-up: 6 runs of 6 steps with 2 left out each.
      assert.equal(x.stepTiming?.steps, 6 * (6 - 2));
    }
    assert.equal(shared.document.results.find((x) => x.optimizer === 'adamw')!.relativeStepCost, 1);
    assert.ok(validate(JSON.parse(JSON.stringify(shared.document))), ajv.errorsText(validate.errors));
    const parsed = parseProfileDocument(JSON.parse(JSON.stringify(shared.document)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  });

  for (const workers of [1, 2] as const) {
    const layout = workers === 1 ? 'one training child' : 'two training children';

    test(`cancellation stops within a second and keeps every run measured before it (${layout})`, async () => {
      const controller = new AbortController();
      let abortedAt = 0;
      let seen = 0;
      const r = await runSweep({
        job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw', 'lion', 'sgd-momentum'], steps: 300, seeds: [1, 2], budgetMs: 120_000,
        bandwidthElements: null, evaluationBatches: 1, dataDir: DATA, signal: controller.signal, workers,
        onUpdate: (d) => {
          if (abortedAt !== 0) return;
          seen = d.results.reduce((s, x) => s + x.runs.length, 0);
          if (seen >= 1) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      });
      const stopMs = Date.now() - abortedAt;
      assert.equal(r.document.outcome, 'cancelled');
      assert.equal(r.document.complete, false);
      assert.ok(stopMs < 1000, `stopped ${stopMs} ms after the cancel`);
      const kept = r.document.results.reduce((s, x) => s + x.runs.length, 0);
      assert.ok(seen >= 1);
      if (workers === 1) assert.equal(kept, seen);
      // The other training child may finish a run in the moment before it sees the cancel: it is kept too.
      else assert.ok(kept >= seen && kept <= seen + 1, `${kept} runs kept, ${seen} seen at the cancel`);
      if (workers === 2) assert.ok(r.document.results.every((x) => x.stepTiming?.basis === 'timed-alone'), 'the step times measured before training are kept');
    });

    test(`a child that dies (SIGKILL, like an out-of-memory kill) loses nothing already measured; the production child has no such hook (${layout})`, async () => {
      const env = { ...process.env, [TEST_CRASH_ENV]: '2' };
      const r = await runSweep({
        job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw', 'lion'], steps: 3, seeds: [1], budgetMs: 60_000,
        bandwidthElements: null, evaluationBatches: 1, dataDir: DATA, env, childScript: PROFILER_TEST_CHILD, workers,
      });
      assert.equal(r.document.outcome, 'crashed');
      assert.match(r.document.outcomeDetail ?? '', /SIGKILL/);
      // One child trains both and dies after two runs; or each of two trains one and dies after two of its runs.
      assert.deepEqual(r.document.results.map((x) => [x.optimizer, x.runs.length]), workers === 1 ? [['adamw', 2]] : [['adamw', 2], ['lion', 2]]);
      // With two training children, the step times were measured before by the measuring child, which did not die.
      if (workers === 2) assert.ok(r.document.results.every((x) => x.stepTiming?.basis === 'timed-alone' && x.stepTimeMs > 0));
      assert.ok(validate(JSON.parse(JSON.stringify(r.document))), ajv.errorsText(validate.errors));
      if (workers === 2) return;
      // The production child ignores the test entry's environment variable.
      const ok = await runSweep({
        job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw'], steps: 2, seeds: [1], budgetMs: 60_000,
        bandwidthElements: null, evaluationBatches: 1, dataDir: DATA, env: { ...process.env, [TEST_CRASH_ENV]: '1' },
      });
      assert.equal(ok.document.outcome, 'completed');
    });

    test(`the wall-clock budget stops the sweep and keeps what it measured (${layout})`, async () => {
      // The budget is set from this machine's own speed, measured now (a fixed budget fails on a busy machine):
      // one optimizer's 3 runs take T, the whole sweep below would take about 8 T in one child (4 T in two
      // children, plus the timing phase), the budget is 2.5 T.
      const common = { job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), steps: 40, bandwidthElements: null, evaluationBatches: 1, dataDir: DATA };
      const started = Date.now();
      const probe = await runSweep({ ...common, optimizers: ['adamw'], seeds: [1], budgetMs: 120_000 });
      assert.equal(probe.document.outcome, 'completed');
      const t = Date.now() - started;
      const r = await runSweep({ ...common, optimizers: ['adamw', 'lion', 'sgd-momentum', 'nesterov'], seeds: [1, 2], budgetMs: 2.5 * t, workers });
      assert.equal(r.document.outcome, 'budget-exceeded');
      const runs = r.document.results.reduce((s, x) => s + x.runs.length, 0);
      assert.ok(runs >= 1 && runs < 24, `${runs} runs`);
    });
  }
});
