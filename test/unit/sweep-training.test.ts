/**
 * The profiling sweep, training the proxies in process: measured optimizer state equal to the estimator's
 * per-tensor figure, a workload on which optimizers really differ, divergence and robustness probes, the
 * timing phase's runs taking turns.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { loadCorpus, type Corpus } from '../../src/profiler/sweep/corpus';
import { DEFAULT_STEPS, planSweep, type SweepPlan } from '../../src/profiler/sweep/plan';
import { probeSetup } from '../../src/profiler/sweep/robustness';
import { SteppedRun, trainRun } from '../../src/profiler/sweep/train';
import { runSweepInChild } from '../../src/profiler/sweep/child-sweep';
import type { ChildMessage, StepTimeRecord, SweepRequest } from '../../src/profiler/protocol';
import { buildGradientsBundle, setUpTfjs } from '../reference/tfjs-env';
import { advisorInput, DATA } from '../support/sweep-fixtures';

let corpus: Corpus;
before(() => {
  buildGradientsBundle();
  corpus = loadCorpus(DATA);
});

describe('training the proxies (in process)', () => {
  let llama: SweepPlan;
  let resnet: SweepPlan;
  before(() => {
    llama = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: corpus.alphabet.length, steps: 2 });
    resnet = planSweep({ advisorInput: advisorInput('resnet50', false), alphabetSize: corpus.alphabet.length, steps: 2 });
  });

  async function checkState(plan: SweepPlan, backend: 'cpu' | 'wasm'): Promise<void> {
    await setUpTfjs(backend);
    for (const o of plan.optimizers) {
      const r = await trainRun({ spec: plan.proxy.spec, corpus, optimizer: o.id, lr: o.recommendedLr, hyper: o.hyper, seed: 1, steps: 2, fused: true, evaluationBatches: 1 });
      const listed = r.stateTensors.reduce((s, t) => s + t.bytes, 0);
      assert.equal(r.measuredStateBytes, o.estimatedStateBytes, `${o.id} on ${backend}: measured ${r.measuredStateBytes}, estimated ${o.estimatedStateBytes}`);
      if (o.id.includes('8bit')) {
        // The two 256-value fp32 quantile maps are held by the optimizer, outside the per-parameter slots.
        assert.equal(r.measuredStateBytes - listed, 2 * 256 * 4, o.id);
      } else {
        assert.equal(listed, r.measuredStateBytes, o.id);
      }
    }
  }

  test('measured optimizer state equals the estimator\'s per-tensor figure for every optimizer of the Llama sweep (wasm)', async () => {
    await checkState(llama, 'wasm');
  });

  test('... and of the ResNet sweep (its convolutions as im2col x matMul, on wasm too)', async () => {
    await checkState(resnet, 'wasm');
  });

  test('GaLore AdamW and SOAP: measured state equals the estimator\'s figure on the Llama and ResNet proxies (wasm), and both train the Llama proxy', async () => {
    await setUpTfjs('wasm');
    for (const [ref, fineTune] of [['meta-llama/Llama-2-7b-hf', true], ['resnet50', false]] as const) {
      const both = planSweep({ advisorInput: advisorInput(ref, fineTune), alphabetSize: corpus.alphabet.length, optimizers: ['galore-adamw', 'soap'], steps: 2 });
      for (const o of both.optimizers) {
        // 3 steps: SOAP's first step only allocates and initialises its state.
        const r = await trainRun({ spec: both.proxy.spec, corpus, optimizer: o.id, lr: o.recommendedLr, hyper: o.hyper, seed: 1, steps: 3, fused: true, evaluationBatches: 1 });
        assert.equal(r.measuredStateBytes, o.estimatedStateBytes, `${o.id} on ${both.proxy.spec.kind}: measured ${r.measuredStateBytes}, estimated ${o.estimatedStateBytes}`);
        assert.equal(r.stateTensors.reduce((s, t) => s + t.bytes, 0), r.measuredStateBytes, o.id);
      }
    }
    const both = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: corpus.alphabet.length, optimizers: ['galore-adamw', 'soap'], steps: 30 });
    for (const o of both.optimizers) {
      const r = await trainRun({ spec: both.proxy.spec, corpus, optimizer: o.id, lr: o.lrs[2]!, hyper: o.hyper, seed: 1, steps: 30, fused: true, evaluationBatches: 2 });
      assert.equal(r.diverged, false, o.id);
      // Well below ln(vocabulary), the loss of a uniform guess (AdamW reaches ~3.1 in 30 steps at its x3 lr).
      assert.ok(r.finalLoss! < 0.75 * Math.log(corpus.alphabet.length), `${o.id}: final loss ${r.finalLoss} after 30 steps`);
    }
  });

  test('optimizers really differ on the language-model proxy: the spread of final losses exceeds the noise across seeds', async () => {
    await setUpTfjs('wasm');
    const ids = ['sgd-momentum', 'adamw', 'adafactor', 'lion'];
    const finals = new Map<string, number[]>();
    for (const id of ids) {
      const o = llama.optimizers.find((x) => x.id === id)!;
      const values: number[] = [];
      for (const seed of [1, 2]) {
        const r = await trainRun({ spec: llama.proxy.spec, corpus, optimizer: id, lr: o.lrs[2]!, hyper: o.hyper, seed, steps: 60, fused: true, evaluationBatches: 2 });
        assert.equal(r.diverged, false, id);
        values.push(r.finalLoss!);
      }
      finals.set(id, values);
    }
    const means = ids.map((id) => (finals.get(id)![0]! + finals.get(id)![1]!) / 2);
    const spread = Math.max(...means) - Math.min(...means);
    const noise = Math.max(...ids.map((id) => Math.abs(finals.get(id)![0]! - finals.get(id)![1]!)));
    assert.ok(spread > 5 * noise, `spread across optimizers ${spread.toFixed(4)} vs seed noise ${noise.toFixed(4)}: ${JSON.stringify(Object.fromEntries(finals))}`);
    // Training lowers the loss well below ln(vocabulary), the loss of a uniform guess.
    assert.ok(Math.min(...means) < 0.75 * Math.log(corpus.alphabet.length));
  });

  test('the ViT proxy learns within the default steps (its from-scratch plateau does not outlast the sweep)', async () => {
    await setUpTfjs('wasm');
    const plan = planSweep({ advisorInput: advisorInput('google/vit-base-patch16-224', false), alphabetSize: corpus.alphabet.length, optimizers: ['adamw'] });
    const spec = plan.proxy.spec;
    if (spec.kind !== 'transformer' || !spec.image) throw new Error('not a vision transformer');
    const o = plan.optimizers[0]!;
    const finals: number[] = [];
    for (const seed of [1, 2]) {
      const r = await trainRun({ spec, optimizer: 'adamw', lr: o.lrs[2]!, hyper: o.hyper, seed, steps: DEFAULT_STEPS, fused: true });
      assert.equal(r.diverged, false);
      finals.push(r.finalLoss!);
    }
    // A uniform guess scores ln(classes); both seeds end well below it.
    const chance = Math.log(spec.image.classes);
    for (const f of finals) assert.ok(f < 0.8 * chance, `final losses ${finals.join(', ')} vs chance ${chance.toFixed(3)}`);
  });

  test('every proxy kind trains: GQA decoder (Mistral), GPT-2, BERT (masked), ViT, ResNet', async () => {
    await setUpTfjs('wasm');
    for (const ref of ['mistralai/Mistral-7B-v0.1', 'gpt2', 'bert-base-uncased', 'google/vit-base-patch16-224', 'resnet50']) {
      const plan = planSweep({ advisorInput: advisorInput(ref, false), alphabetSize: corpus.alphabet.length, optimizers: ['adamw'], steps: 2 });
      const o = plan.optimizers[0]!;
      const r = await trainRun({ spec: plan.proxy.spec, corpus, optimizer: 'adamw', lr: o.recommendedLr * 3, hyper: o.hyper, seed: 1, steps: 8, fused: true, evaluationBatches: 1 });
      assert.equal(r.diverged, false, ref);
      assert.equal(r.lossCurve.length, 8, ref);
      assert.equal(r.measuredStateBytes, o.estimatedStateBytes, ref);
      assert.ok(r.lossCurve.every((x) => x !== null && x > 0), ref);
    }
  });

  test('the same seed gives the same run; a huge lr diverges and says where', async () => {
    await setUpTfjs('wasm');
    const o = llama.optimizers.find((x) => x.id === 'adamw')!;
    const tensorsBefore = tf.memory().numTensors;
    const a = await trainRun({ spec: llama.proxy.spec, corpus, optimizer: 'adamw', lr: o.recommendedLr, hyper: o.hyper, seed: 3, steps: 5, fused: true, evaluationBatches: 1 });
    assert.equal(tf.memory().numTensors, tensorsBefore, 'a run leaves no tensor behind');
    const b = await trainRun({ spec: llama.proxy.spec, corpus, optimizer: 'adamw', lr: o.recommendedLr, hyper: o.hyper, seed: 3, steps: 5, fused: true, evaluationBatches: 1 });
    assert.deepEqual(a.lossCurve, b.lossCurve);
    assert.equal(a.finalLoss, b.finalLoss);
    assert.equal(a.kernel, 'wasm-simd');
    // The tfjs-op optimizer computes the same numbers (the fused kernel rounds as the ops do).
    const c = await trainRun({ spec: llama.proxy.spec, corpus, optimizer: 'adamw', lr: o.recommendedLr, hyper: o.hyper, seed: 3, steps: 5, fused: false, evaluationBatches: 1 });
    assert.equal(c.kernel, 'tfjs-ops');
    assert.deepEqual(c.lossCurve, a.lossCurve);
    const d = await trainRun({ spec: llama.proxy.spec, corpus, optimizer: 'sgd-momentum', lr: 200, hyper: {}, seed: 1, steps: 40, fused: true, evaluationBatches: 1 });
    assert.equal(d.diverged, true);
    assert.equal(d.finalLoss, null);
    assert.ok(d.divergedAtStep !== undefined && d.divergedAtStep < 40);
    assert.equal(d.lossCurve.length, d.divergedAtStep);
  });

  test('robustness: SGD explodes with gradients x1e3, Adam does not (its step is scale-invariant), an injected NaN poisons AdamW', async () => {
    await setUpTfjs('wasm');
    const steps = 12;
    const probeRun = async (id: string, probe: 'explosion' | 'nan-inf' | 'sparse') => {
      const o = llama.optimizers.find((x) => x.id === id)!;
      const setup = probeSetup(probe, false, steps, 1);
      return trainRun({ spec: llama.proxy.spec, corpus, optimizer: id, lr: o.recommendedLr, hyper: o.hyper, seed: 1, steps, fused: true, evaluationBatches: 1, probe: { gradients: setup.gradients! } });
    };
    assert.equal((await probeRun('sgd-momentum', 'explosion')).diverged, true);
    const adam = await probeRun('adam', 'explosion');
    assert.equal(adam.diverged, false);
    const nan = await probeRun('adamw', 'nan-inf');
    assert.equal(nan.diverged, true);
    assert.equal(nan.divergedAtStep, Math.ceil(steps / 2) + 1, 'the loss after the injection step is NaN');
    assert.equal((await probeRun('adamw', 'sparse')).diverged, false);
    assert.match(probeSetup('nan-inf', true, steps, 1).notApplicable ?? '', /computes its own gradients/);
  });

  test('AdaHessian: Hessian-vector products by double backprop on the transformer proxy, finite differences on the CNN', async () => {
    await setUpTfjs('wasm');
    const tp = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: corpus.alphabet.length, optimizers: ['adahessian'], steps: 2 });
    const o = tp.optimizers[0]!;
    assert.equal(o.hvp, 'autodiff');
    const r = await trainRun({ spec: tp.proxy.spec, corpus, optimizer: 'adahessian', lr: o.recommendedLr, hyper: o.hyper, seed: 1, steps: 2, fused: true, hvp: o.hvp, evaluationBatches: 1 });
    assert.deepEqual(r.hessian, { method: 'autodiff' });
    assert.equal(r.measuredStateBytes, o.estimatedStateBytes);
    const cp = planSweep({ advisorInput: advisorInput('resnet50', false), alphabetSize: 1, optimizers: ['adahessian'], steps: 2 });
    const c = cp.optimizers[0]!;
    assert.equal(c.hvp, 'finite-difference');
    const rc = await trainRun({ spec: cp.proxy.spec, optimizer: 'adahessian', lr: c.recommendedLr, hyper: c.hyper, seed: 1, steps: 2, fused: true, hvp: c.hvp, evaluationBatches: 1 });
    assert.equal(rc.hessian?.method, 'finite-difference');
    assert.equal(tf.getBackend(), 'wasm');
  });
});

describe('the timing phase (in process)', () => {
  test('runs alive together take turns and compute what a run alone does; an lr that diverges during the warm-up gives way to the smallest', async () => {
    await setUpTfjs('wasm');
    const plan = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: corpus.alphabet.length, optimizers: ['adamw', 'sgd-momentum'], steps: 8 });
    const [adamw, sgd] = plan.optimizers;
    const tensorsBefore = tf.memory().numTensors;
    const options = (o: typeof adamw, lr: number) => ({ spec: plan.proxy.spec, corpus, optimizer: o!.id, lr, hyper: o!.hyper, seed: 1, steps: 8, fused: true, evaluate: false });
    // Two runs alive at once, stepped in turns, give the losses of each run alone.
    const alone = [await trainRun(options(adamw, adamw!.recommendedLr)), await trainRun(options(sgd, sgd!.recommendedLr))];
    const together = [new SteppedRun({ ...options(adamw, adamw!.recommendedLr), variablePrefix: 'a/' }), new SteppedRun({ ...options(sgd, sgd!.recommendedLr), variablePrefix: 'b/' })];
    try {
      while (together.some((r) => r.running)) for (const r of together) if (r.running) r.step();
      assert.deepEqual(together.map((r) => r.lossCurve), alone.map((r) => r.lossCurve));
    } finally {
      together.forEach((r) => r.dispose());
    }
    assert.equal(tf.memory().numTensors, tensorsBefore, 'nothing left behind');

    // SGD with momentum at 1e4: the loss leaves 10x its first value within the warm-up, so the smallest lr is timed instead.
    const request: SweepRequest = {
      kind: 'sweep', spec: plan.proxy.spec, dataDir: DATA, seeds: [1], steps: 8, fused: true, train: false,
      optimizers: [
        { id: 'adamw', lrs: adamw!.lrs, hyper: adamw!.hyper, recommendedLr: adamw!.recommendedLr },
        { id: 'sgd-momentum', lrs: [1e4, sgd!.lrs[0]!, 1e3], hyper: sgd!.hyper, recommendedLr: 1e4 },
      ],
      timing: { warmupSteps: 4, steps: 6 },
    };
    const sent: ChildMessage[] = [];
    const summary = await runSweepInChild(request, { send: async (m) => { sent.push(m); }, shouldStop: () => false });
    assert.deepEqual(summary, { runs: 0, stopped: false });
    const records = sent.flatMap((m) => (m.type === 'partial' && m.kind === 'step-time' ? [m.data as StepTimeRecord] : []));
    assert.deepEqual(records.map((r) => [r.optimizer, r.lr, r.seed, r.warmupSteps, r.stepMs.length, r.diverged]), [
      ['adamw', adamw!.recommendedLr, 1, 4, 6, false],
      ['sgd-momentum', sgd!.lrs[0], 1, 4, 6, false],
    ]);
    assert.ok(records.every((r) => r.stepMs.every((ms) => ms > 0) && r.updateMs.length === 6));
    assert.equal(tf.memory().numTensors, tensorsBefore, 'nothing left behind');
  });

  test('a timing phase stopped part-way still sends the step times measured so far', async () => {
    await setUpTfjs('wasm');
    const plan = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: corpus.alphabet.length, optimizers: ['adamw', 'sgd-momentum'], steps: 8 });
    const tensorsBefore = tf.memory().numTensors;
    const request: SweepRequest = {
      kind: 'sweep', spec: plan.proxy.spec, dataDir: DATA, seeds: [1], steps: 8, fused: true, train: false,
      optimizers: plan.optimizers.map((o) => ({ id: o.id, lrs: o.lrs, hyper: o.hyper, recommendedLr: o.recommendedLr })),
      timing: { warmupSteps: 4, steps: 6 },
    };
    // The stop comes (as the child's budget or Ctrl-C would) after both warm-ups and five of the twelve timed steps.
    let checks = 0;
    const sent: ChildMessage[] = [];
    const summary = await runSweepInChild(request, { send: async (m) => { sent.push(m); }, shouldStop: () => ++checks > 2 * 4 + 5 });
    assert.deepEqual(summary, { runs: 0, stopped: true });
    const records = sent.flatMap((m) => (m.type === 'partial' && m.kind === 'step-time' ? [m.data as StepTimeRecord] : []));
    assert.deepEqual(records.map((r) => r.optimizer), ['adamw', 'sgd-momentum']);
    const counts = records.map((r) => r.stepMs.length);
    // Taking turns: five timed steps in all, the two optimizers' counts within one of each other, none complete.
    assert.equal(counts[0]! + counts[1]!, 5);
    assert.ok(Math.abs(counts[0]! - counts[1]!) <= 1 && counts.every((n) => n > 0 && n < 6), String(counts));
    assert.ok(records.every((r) => r.stepMs.every((ms) => ms > 0) && !r.diverged));
    assert.equal(tf.memory().numTensors, tensorsBefore, 'nothing left behind');
  });
});
