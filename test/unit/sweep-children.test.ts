/**
 * The profiling sweep in profiler children: a completed sweep, cancellation within a second, a crash and
 * the budget losing nothing measured.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import Ajv from 'ajv';
import { parseProfileDocument } from '../../src/core/profile/profile-validate';
import { runSweep } from '../../src/profiler/sweep/sweep';
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
      job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw', 'lion'], steps: 4, seeds: [1], budgetMs: 60_000,
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

  test('cancellation stops within a second and keeps every run measured before it', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    let seen = 0;
    const r = await runSweep({
      job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw', 'lion', 'sgd-momentum'], steps: 300, seeds: [1, 2], budgetMs: 120_000,
      bandwidthElements: null, evaluationBatches: 1, dataDir: DATA, signal: controller.signal,
      onUpdate: (d) => {
        seen = d.results.reduce((s, x) => s + x.runs.length, 0);
        if (seen >= 1 && abortedAt === 0) {
          abortedAt = Date.now();
          controller.abort();
        }
      },
    });
    const stopMs = Date.now() - abortedAt;
    assert.equal(r.document.outcome, 'cancelled');
    assert.equal(r.document.complete, false);
    assert.ok(stopMs < 1000, `stopped ${stopMs} ms after the cancel`);
    assert.equal(r.document.results.reduce((s, x) => s + x.runs.length, 0), seen);
    assert.ok(seen >= 1);
  });

  test('a child that dies (SIGKILL, like an out-of-memory kill) loses nothing already measured; the production child has no such hook', async () => {
    const env = { ...process.env, [TEST_CRASH_ENV]: '2' };
    const r = await runSweep({
      job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw', 'lion'], steps: 3, seeds: [1], budgetMs: 60_000,
      bandwidthElements: null, evaluationBatches: 1, dataDir: DATA, env, childScript: PROFILER_TEST_CHILD,
    });
    assert.equal(r.document.outcome, 'crashed');
    assert.match(r.document.outcomeDetail ?? '', /SIGKILL/);
    assert.deepEqual(r.document.results.map((x) => [x.optimizer, x.runs.length]), [['adamw', 2]]);
    assert.ok(validate(JSON.parse(JSON.stringify(r.document))), ajv.errorsText(validate.errors));
    // The production child ignores the test entry's environment variable.
    const ok = await runSweep({
      job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw'], steps: 2, seeds: [1], budgetMs: 60_000,
      bandwidthElements: null, evaluationBatches: 1, dataDir: DATA, env: { ...process.env, [TEST_CRASH_ENV]: '1' },
    });
    assert.equal(ok.document.outcome, 'completed');
  });

  test('the wall-clock budget stops the sweep and keeps what it measured', async () => {
    // The budget is set from this machine's own speed, measured now (a fixed budget fails on a busy machine):
    // one optimizer's 3 runs take T, the whole sweep below would take about 8 T, the budget is 2.5 T.
    const common = { job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), steps: 40, bandwidthElements: null, evaluationBatches: 1, dataDir: DATA };
    const started = Date.now();
    const probe = await runSweep({ ...common, optimizers: ['adamw'], seeds: [1], budgetMs: 120_000 });
    assert.equal(probe.document.outcome, 'completed');
    const t = Date.now() - started;
    const r = await runSweep({ ...common, optimizers: ['adamw', 'lion', 'sgd-momentum', 'nesterov'], seeds: [1, 2], budgetMs: 2.5 * t });
    assert.equal(r.document.outcome, 'budget-exceeded');
    const runs = r.document.results.reduce((s, x) => s + x.runs.length, 0);
    assert.ok(runs >= 1 && runs < 24, `${runs} runs`);
  });
});
