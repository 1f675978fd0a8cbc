/**
 * What the sweep does to save time (README: Profiling on your machine) changes no result and lets no
 * measurement overlap another child's work: SOAP's first-step eigenbases, kept by the exact contents of
 * the matrix they come from, give the same loss curves and final losses as runs that compute them
 * afresh; a child that starts up early waits for the start line before measuring, and measures the
 * same as one started at once; a sweep cancelled while its training child waits stops at once; the
 * bandwidth buffers are made from a block of drawn normal values, the same in every run.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createBandwidthInputs } from '../../src/profiler/kernels/bandwidth';
import { clearSoapInitialBases, soapInitialBasisCounts } from '../../src/profiler/optimizers/soap';
import type { ChildMessage, RunRecord, SweepRequest } from '../../src/profiler/protocol';
import { runChild } from '../../src/profiler/run-child';
import { runSweep } from '../../src/profiler/sweep/sweep';
import { TIMING_WARMUP_STEPS } from '../../src/profiler/sweep/constants';
import { loadCorpus, type Corpus } from '../../src/profiler/sweep/corpus';
import { planSweep, type PlannedOptimizer, type SweepPlan } from '../../src/profiler/sweep/plan';
import { trainRun } from '../../src/profiler/sweep/train';
import { buildGradientsBundle, setUpTfjs } from '../reference/tfjs-env';
import { advisorInput, DATA } from '../support/sweep-fixtures';

let corpus: Corpus;
let plan: SweepPlan;
let soap: PlannedOptimizer;
/** Steps per run: past a preconditioner refresh (every 10 steps) on wasm; fewer on the slower cpu backend. */
const STEPS = { wasm: 12, cpu: 4 } as const;

before(() => {
  buildGradientsBundle();
  corpus = loadCorpus(DATA);
  plan = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: corpus.alphabet.length, optimizers: ['soap'], steps: STEPS.wasm });
  soap = plan.optimizers[0]!;
});

function run(lr: number, seed: number, steps: number): Promise<RunRecord> {
  return trainRun({ spec: plan.proxy.spec, corpus, optimizer: 'soap', lr, hyper: soap.hyper, seed, steps, fused: true, evaluationBatches: 1 });
}

/** The deterministic part of a run (everything but its timings). */
function outcome(r: RunRecord): unknown {
  return { lossCurve: r.lossCurve, finalLoss: r.finalLoss, initialLoss: r.initialLoss, diverged: r.diverged, measuredStateBytes: r.measuredStateBytes };
}

describe('reuse across runs', () => {
  test('the reused step is one the sweep leaves out of its timings', () => {
    // SOAP's first step is the one whose eigenbases are reused: it must be a warm-up step.
    assert.ok(TIMING_WARMUP_STEPS >= 1);
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    test(`SOAP (${backend}): a run whose first-step eigenbases are reused equals the same run computed afresh`, async () => {
      await setUpTfjs(backend);
      const steps = STEPS[backend];
      clearSoapInitialBases();
      const [lo, mid] = [soap.lrs[0]!, soap.lrs[1]!];
      const start = soapInitialBasisCounts();
      await run(lo, 1, steps);
      const afterFirst = soapInitialBasisCounts();
      const bases = afterFirst.computed - start.computed;
      // One basis per preconditioned dimension: both sides of every matrix of the proxy.
      assert.ok(bases > 0, 'the first run computed its eigenbases');
      assert.equal(afterFirst.reused, start.reused);

      const reused = await run(mid, 1, steps);
      const afterSecond = soapInitialBasisCounts();
      assert.equal(afterSecond.reused - afterFirst.reused, bases, 'the second lr of the same seed reused every basis');
      assert.equal(afterSecond.computed, afterFirst.computed);

      clearSoapInitialBases();
      const fresh = await run(mid, 1, steps);
      const afterFresh = soapInitialBasisCounts();
      assert.equal(afterFresh.computed - afterSecond.computed, bases, 'after clearing, the bases were computed again');
      assert.equal(afterFresh.reused, afterSecond.reused);
      assert.deepEqual(outcome(reused), outcome(fresh));
      assert.equal(reused.lossCurve.length, steps);

      // Another seed starts from other weights and another batch: nothing to reuse.
      await run(mid, 2, steps);
      assert.equal(soapInitialBasisCounts().reused, afterFresh.reused);
    });
  }
});

describe('children that start up early', () => {
  const job = { id: 'test-job', model: 'meta-llama/Llama-2-7b-hf' };

  test('a child asked to wait says it is ready, measures nothing until the start line, then measures what an ungated child does', async () => {
    const adamw = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: corpus.alphabet.length, optimizers: ['adamw'], steps: 4 }).optimizers[0]!;
    const request: SweepRequest = {
      kind: 'sweep', spec: plan.proxy.spec, dataDir: DATA, optimizers: [{ id: 'adamw', lrs: [adamw.recommendedLr], hyper: adamw.hyper }],
      seeds: [1], steps: 4, fused: true, evaluationBatches: 1,
    };
    const ungated = await runChild({ request, budgetMs: 60_000 });
    assert.equal(ungated.outcome, 'completed', ungated.detail);
    assert.ok(!ungated.messages.some((m) => m.type === 'ready'));

    const events: Array<{ type: string; at: number }> = [];
    let startedAt = 0;
    let letStart: () => void = () => undefined;
    const start = new Promise<void>((resolve) => {
      letStart = resolve;
    });
    const gated = await runChild({
      request: { ...request, waitForStart: true },
      budgetMs: 60_000,
      start,
      onMessage: (m: ChildMessage) => {
        events.push({ type: m.type === 'partial' ? `partial:${m.kind}` : m.type, at: Date.now() });
        // Held for a while after it is ready: nothing may arrive in between.
        if (m.type === 'ready') setTimeout(() => {
          startedAt = Date.now();
          letStart();
        }, 300);
      },
    });
    assert.equal(gated.outcome, 'completed', gated.detail);
    const types = events.map((e) => e.type);
    assert.deepEqual(types.slice(0, 2), ['backend', 'ready']);
    const first = events.find((e) => e.type === 'partial:run');
    assert.ok(first && startedAt > 0 && first.at >= startedAt, 'the run was measured after the start line');
    const run = (r: typeof gated) => r.messages.filter((m): m is Extract<ChildMessage, { type: 'partial' }> => m.type === 'partial' && m.kind === 'run').map((m) => outcome(m.data as RunRecord));
    assert.deepEqual(run(gated), run(ungated));
    assert.equal(run(gated).length, 1);
  });

  for (const workers of [1, 2] as const) {
    test(`a sweep cancelled during its bandwidth phase stops its waiting training ${workers === 1 ? 'child' : 'children'} too, at once`, async () => {
      const controller = new AbortController();
      let abortedAt = 0;
      const r = await runSweep({
        job, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw', 'lion'], steps: 4, seeds: [1], budgetMs: 120_000,
        bandwidthElements: 1 << 14, evaluationBatches: 1, dataDir: DATA, signal: controller.signal, workers,
        onUpdate: (d) => {
          if (d.copyBandwidthGBps !== null && abortedAt === 0) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      });
      const stopMs = Date.now() - abortedAt;
      assert.ok(abortedAt > 0, 'the copy bandwidth was measured');
      assert.equal(r.document.outcome, 'cancelled');
      assert.equal(r.children.length, workers === 1 ? 2 : 4, 'the bandwidth child, the timing child with two training children, and the training children');
      assert.ok(r.children.every((c) => c.outcome === 'cancelled' || c.outcome === 'completed'), r.children.map((c) => c.detail).join('; '));
      assert.equal(r.document.results.reduce((s, x) => s + x.runs.length, 0), 0);
      assert.ok(stopMs < 2000, `stopped ${stopMs} ms after the cancel`);
    });
  }
});

describe('bandwidth buffers', () => {
  test('the parameters and gradient have the requested size and spread, and are the same in every run', async () => {
    await setUpTfjs('wasm');
    const elements = 1 << 18;
    const a = createBandwidthInputs(elements);
    const b = createBandwidthInputs(elements);
    try {
      const init = a.init.dataSync();
      const grad = a.grad.dataSync();
      assert.equal(init.length, elements);
      assert.equal(a.init.size, elements);
      const std = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0) / x.length);
      // 65,536 drawn normals: their RMS is within 1% of the standard deviation asked for.
      assert.ok(Math.abs(std(init) / 0.02 - 1) < 0.01, `init std ${std(init)}`);
      assert.ok(Math.abs(std(grad) / 1e-3 - 1) < 0.01, `grad std ${std(grad)}`);
      assert.deepEqual(Array.from(b.init.dataSync()), Array.from(init));
      assert.notDeepEqual(Array.from(grad.slice(0, 16)), Array.from(init.slice(0, 16)).map((v) => v / 20));
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
