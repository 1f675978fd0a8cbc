/**
 * What the sweep reuses across the runs of one child (README: Profiling on your machine) changes no
 * result: SOAP's first-step eigenbases, kept by the exact contents of the matrix they come from, give
 * the same loss curves and final losses as runs that compute them afresh.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { clearSoapInitialBases, soapInitialBasisCounts } from '../../src/profiler/optimizers/soap';
import { TIMING_WARMUP_STEPS } from '../../src/profiler/sweep/constants';
import { loadCorpus, type Corpus } from '../../src/profiler/sweep/corpus';
import { planSweep, type PlannedOptimizer, type SweepPlan } from '../../src/profiler/sweep/plan';
import { trainRun, type RunRecord } from '../../src/profiler/sweep/train';
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
