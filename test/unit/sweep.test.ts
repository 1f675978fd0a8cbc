/**
 * The profiling sweep (src/profiler/sweep): proxy derivation, the plan (learning rates, top picks),
 * measured optimizer state equal to the estimator's per-tensor figure, a workload on which optimizers
 * really differ, divergence and robustness probes, the document's summaries, and the child pipeline:
 * a completed sweep, cancellation within a second, a crash and the budget losing nothing measured.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import Ajv from 'ajv';
import * as tf from '@tensorflow/tfjs-core';
import { parseProfileDocument } from '../../src/charts/profile-validate';
import type { AdvisorInput } from '../../src/core/advisor/types';
import { inventoryForRef } from '../../src/core/models';
import { cnnInventory } from '../../src/core/models/builders/cnn';
import { numel } from '../../src/core/types';
import { profilerOptimizerIds } from '../../src/profiler/optimizers';
import type { RobustnessRecord } from '../../src/profiler/sweep/child-sweep';
import { PROFILER_IMPLEMENTED } from '../../src/profiler/sweep/constants';
import { findDataDir, loadCorpus, type Corpus } from '../../src/profiler/sweep/corpus';
import {
  bestLearningRate, buildDocument, medianCurve, robustnessBehaviour, stepsToReach, type SweepState,
} from '../../src/profiler/sweep/document';
import { DEFAULT_STEPS, DEFAULT_SWEEP, LR_MULTIPLIERS, planSweep, proxyGaloreGap, proxyGaloreRank, proxyMin8bitSize, type SweepPlan } from '../../src/profiler/sweep/plan';
import { deriveProxy, proxyParams, type CnnProxy } from '../../src/profiler/sweep/proxy';
import { walkCnnProxy } from '../../src/profiler/sweep/proxy-inventory';
import { probeSetup } from '../../src/profiler/sweep/robustness';
import { runSweep } from '../../src/profiler/sweep/sweep';
import { trainRun, type RunRecord } from '../../src/profiler/sweep/train';
import { sourceFile } from '../reference/python';
import { buildGradientsBundle, setUpTfjs } from '../reference/tfjs-env';
import { PROFILER_TEST_CHILD, TEST_CRASH_ENV } from '../support/profiler-test-child';

const ROOT = path.dirname(sourceFile('package.json'));
const DATA = path.join(ROOT, 'data');

function advisorInput(ref: string, fineTune = true): AdvisorInput {
  return { model: inventoryForRef(ref), estimateBase: { gpuMemoryBytes: null }, fineTune, priority: 'quality' };
}

let corpus: Corpus;
before(() => {
  buildGradientsBundle();
  corpus = loadCorpus(DATA);
});

describe('the proxy keeps the family and layer types, scaled down', () => {
  test('the training text ships in data/ with its provenance, and is found from the working directory', () => {
    assert.equal(findDataDir(), DATA);
    const readme = fs.readFileSync(path.join(DATA, 'README.md'), 'utf8');
    assert.match(readme, /public domain/i);
    assert.ok(corpus.tokens.length > 15_000, `${corpus.tokens.length} characters`);
    assert.equal(corpus.alphabet, [...new Set(corpus.alphabet)].join(''));
  });

  test('Llama: decoder, SwiGLU, RMSNorm, rotary positions, no biases, untied head; Mistral keeps its 4:1 GQA', () => {
    const llama = deriveProxy(inventoryForRef('meta-llama/Llama-2-7b-hf'), 71).spec;
    assert.equal(llama.kind, 'transformer');
    if (llama.kind !== 'transformer') return;
    assert.deepEqual([llama.stack, llama.task, llama.mlp, llama.norm, llama.positions, llama.bias, llama.tiedEmbeddings], ['decoder', 'causal-lm', 'swiglu', 'rmsnorm', 'rotary', false, false]);
    assert.equal(llama.kvHeads, llama.heads, 'Llama-2-7B has 32 query and 32 key-value heads');
    // 11008 / 4096 of the hidden width.
    assert.equal(llama.intermediate, Math.round((llama.hidden * 11008) / 4096));
    const mistral = deriveProxy(inventoryForRef('mistralai/Mistral-7B-v0.1'), 71).spec;
    if (mistral.kind !== 'transformer') throw new Error('not a transformer');
    assert.equal(mistral.heads / mistral.kvHeads, 32 / 8);
    const names = proxyParams(mistral).map((p) => p.name);
    assert.ok(names.includes('model.layers.0.mlp.gate_proj.weight'));
    const k = proxyParams(mistral).find((p) => p.name === 'model.layers.0.self_attn.k_proj.weight')!;
    assert.deepEqual(k.shape, [mistral.kvHeads * mistral.headDim, mistral.hidden]);
  });

  test('GPT-2: learned positions, biases, LayerNorm, GELU, tied head; BERT: encoder with masked characters (vocabulary + mask id)', () => {
    const gpt2 = deriveProxy(inventoryForRef('gpt2'), 71).spec;
    if (gpt2.kind !== 'transformer') throw new Error('not a transformer');
    assert.deepEqual([gpt2.positions, gpt2.bias, gpt2.norm, gpt2.mlp, gpt2.tiedEmbeddings], ['learned', true, 'layernorm', 'gelu', true]);
    assert.ok(!proxyParams(gpt2).some((p) => p.name === 'lm_head.weight'), 'the tied head has no weight of its own');
    const bert = deriveProxy(inventoryForRef('bert-base-uncased'), 71).spec;
    if (bert.kind !== 'transformer') throw new Error('not a transformer');
    assert.deepEqual([bert.stack, bert.task, bert.vocab], ['encoder', 'masked-lm', 72]);
  });

  test('ResNet: a CNN proxy whose parameters are exactly what the core traces for the same layers', () => {
    const d = deriveProxy(inventoryForRef('resnet50'), 71);
    assert.equal(d.spec.kind, 'cnn');
    const spec = d.spec as CnnProxy;
    const traced = cnnInventory({ family: 'proxy', architecture: 'proxy-cnn', walk: walkCnnProxy(spec), imageSize: spec.imageSize, numLabels: spec.classes });
    assert.deepEqual(
      proxyParams(spec).map((p) => [p.name, p.shape, p.role, p.module]),
      traced.tensors.map((t) => [t.name, t.shape, t.role, t.module]),
    );
  });

  test('ViT: a vision transformer on patches, the patch projection convolution-shaped', () => {
    const spec = deriveProxy(inventoryForRef('google/vit-base-patch16-224'), 71).spec;
    if (spec.kind !== 'transformer' || !spec.image) throw new Error('not a vision transformer');
    assert.equal(spec.seqLen, (spec.image.size / spec.image.patch) ** 2 + 1);
    const proj = proxyParams(spec).find((p) => p.name.endsWith('projection.weight'))!;
    assert.deepEqual([proj.role, proj.shape], ['conv', [spec.hidden, 1, spec.image.patch, spec.image.patch]]);
  });
});

describe('the plan', () => {
  test('the implemented list used by the parent equals the tfjs registry', () => {
    assert.deepEqual([...PROFILER_IMPLEMENTED], profilerOptimizerIds());
  });

  test('default sweep plus the advisor\'s top picks; lrs are the proxy\'s recommended lr x1/3, x1, x3', () => {
    const plan = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: 71 });
    const ids = plan.optimizers.map((o) => o.id);
    for (const id of DEFAULT_SWEEP) assert.ok(ids.includes(id), id);
    const picks = plan.advisor.recommendations.filter((r) => PROFILER_IMPLEMENTED.includes(r.optimizer)).slice(0, 3).map((r) => r.optimizer);
    for (const id of picks) assert.ok(ids.includes(id), `top pick ${id}`);
    for (const o of plan.optimizers) {
      // Equal up to float rounding: 0.02 x (1/3) and 0.02 / 3 differ in the last bit (Muon's lr is 0.02).
      const expected = [o.recommendedLr / 3, o.recommendedLr, o.recommendedLr * 3];
      assert.equal(o.lrs.length, 3);
      o.lrs.forEach((lr, i) => assert.ok(Math.abs(lr - expected[i]!) <= 1e-12 * expected[i]!, `${o.id}: ${lr} vs ${expected[i]}`));
      assert.ok(o.lrBasis.length > 10);
    }
    // The proxy is a ~30k-parameter decoder trained from scratch: GPT-3's smallest row (125M, lr 6e-4) for AdamW.
    assert.equal(plan.optimizers.find((o) => o.id === 'adamw')!.recommendedLr, 6e-4);
    // Lion: AdamW's lr / 3 (Chen et al. 2023, the advisor's transfer rule).
    assert.equal(plan.optimizers.find((o) => o.id === 'lion')!.recommendedLr, 6e-4 / 3);
    // Adafactor has no lr in relative-step mode: the fixed-lr mode at 1e-3 is swept.
    const ada = plan.optimizers.find((o) => o.id === 'adafactor')!;
    assert.equal(ada.recommendedLr, 1e-3);
    assert.equal(ada.hyper['relative_step'], false);
    assert.deepEqual([...LR_MULTIPLIERS], [1 / 3, 1, 3]);
  });

  test('8-bit AdamW quantises the proxy\'s matrices: min_8bit_size scaled to the smallest matrix', () => {
    const plan = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: 71 });
    const o = plan.optimizers.find((x) => x.id === 'adamw-8bit')!;
    const smallest = Math.min(...plan.params.filter((p) => ['matrix', 'embedding', 'lm-head', 'conv'].includes(p.role)).map((p) => numel(p.shape)));
    assert.equal(o.hyper['min_8bit_size'], smallest);
    assert.equal(proxyMin8bitSize(plan.params), 32 * 32, 'hidden 32: q_proj is 32 x 32');
    assert.ok(o.estimatedStateBytes < plan.optimizers.find((x) => x.id === 'adamw')!.estimatedStateBytes);
  });

  test('GaLore\'s rank on the proxy: a quarter of its smallest projected matrix side, so the projection stays low-rank', () => {
    const plan = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: 71, optimizers: ['adamw', 'galore-adamw'] });
    const o = plan.optimizers.find((x) => x.id === 'galore-adamw')!;
    const sides = plan.params.filter((p) => p.role === 'matrix').map((p) => Math.min(...p.shape));
    assert.equal(Math.min(...sides), 32, 'hidden 32');
    assert.equal(proxyGaloreRank(plan.params), 8);
    assert.equal(o.hyper['rank'], 8);
    assert.match(o.adjustments.join(' '), /rank 8 instead of 128/);
    // A run of DEFAULT_STEPS steps refreshes the projection five times instead of never (every 200 steps).
    assert.equal(proxyGaloreGap(100), 20);
    const gap = Math.floor(DEFAULT_STEPS / 5);
    assert.equal(o.hyper['update_proj_gap'], gap);
    assert.match(o.adjustments.join(' '), new RegExp(`update_proj_gap ${gap} instead of 200`));
    // Projector + rank-8 moments hold less than AdamW's two full moments, as GaLore does on the real job.
    assert.ok(o.estimatedStateBytes < plan.optimizers.find((x) => x.id === 'adamw')!.estimatedStateBytes);
    // The CNN proxy has no 'matrix' tensors: nothing is projected, nothing to scale.
    const cnn = planSweep({ advisorInput: advisorInput('resnet50', false), alphabetSize: 71, optimizers: ['galore-adamw'] });
    assert.equal(proxyGaloreRank(cnn.params), null);
    assert.deepEqual(cnn.optimizers[0]!.adjustments, []);
  });

  test('bad optimizer lists are input errors', () => {
    assert.throws(() => planSweep({ advisorInput: advisorInput('gpt2'), alphabetSize: 71, optimizers: ['adamz'] }), /unknown optimizer/);
    assert.throws(() => planSweep({ advisorInput: advisorInput('gpt2'), alphabetSize: 71, steps: 1 }), /steps/);
  });
});

describe('summaries of the runs', () => {
  const run = (lr: number, seed: number, finalLoss: number | null, curve: Array<number | null> = []) => ({ lr, seed, lossCurve: curve, finalLoss, diverged: finalLoss === null });

  test('best lr: lowest median final loss over seeds, a diverged seed counting as +Infinity', () => {
    // lr 0.1: seeds 1.0 and diverged -> median +Inf; lr 0.01: 2.0 and 2.2 -> 2.1; lr 0.001: 3.0, 3.0.
    const best = bestLearningRate([run(0.1, 1, 1.0), run(0.1, 2, null), run(0.01, 1, 2.0), run(0.01, 2, 2.2), run(0.001, 1, 3), run(0.001, 2, 3)]);
    assert.deepEqual(best, { lr: 0.01, median: (2.0 + 2.2) / 2 });
    assert.equal(bestLearningRate([run(1, 1, null), run(1, 2, null)]), null);
  });

  test('median curve point by point; a curve that stopped counts as not finite from there', () => {
    // Third point: 1, (ended = +Infinity), 2 -> median 2; with two curves: 1 and +Infinity -> not finite.
    assert.deepEqual(medianCurve([[3, 2, 1], [5, 4], [4, 3, 2]]), [4, 3, 2]);
    assert.deepEqual(medianCurve([[3, 2, 1], [5, 4]]), [4, 3, null]);
    assert.deepEqual(medianCurve([[3, 2, 1], [5, 4, 3]]), [4, 3, 2]);
  });

  test('steps to target: first step whose 5-step trailing mean reaches the target', () => {
    const curve = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    // Trailing means from step 5: (10+9+8+7+6)/5 = 8, 7, 6, 5, 4, 3.
    assert.equal(stepsToReach(curve, 6), 7);
    assert.equal(stepsToReach(curve, 3), 10);
    assert.equal(stepsToReach(curve, 2.9), null);
    assert.equal(stepsToReach([10, 9, null, 1, 1, 1], 5), null);
  });

  test('robustness behaviour lines say what happened', () => {
    const base = { optimizer: 'sgd', lr: 0.1, seed: 1, lossCurve: [4, 3, 2] as Array<number | null> };
    const rec = (x: Partial<RobustnessRecord>): RobustnessRecord => ({ ...base, probe: 'explosion', finalLoss: 2, diverged: false, ...x });
    assert.match(robustnessBehaviour(rec({ diverged: true, divergedAtStep: 3, lossCurve: [4, 3, null], finalLoss: null }), 2, 10), /^at step 3 the loss became NaN/);
    assert.match(robustnessBehaviour(rec({ probe: 'nan-inf', diverged: true, divergedAtStep: 6, lossCurve: [4, 3, 3, 3, 3, null], finalLoss: null }), 2, 10), /injected at step 5 reached the parameters; from step 6 on the loss became NaN/);
    assert.match(robustnessBehaviour(rec({ finalLoss: 2.2 }), 2, 10), /final loss 2\.2 vs 2 without the probe \(\+10\.0%\)/);
    assert.match(robustnessBehaviour(rec({ finalLoss: 2 }), 2, 10), /\(±0\.0%\)/);
    assert.match(robustnessBehaviour(rec({ notApplicable: 'no gradients' }), 2, 10), /^not probed: no gradients/);
  });

  test('the document: target 1.1 x the best final loss, relative cost vs AdamW, Pareto front, measured vs modelled', () => {
    const planned = (id: 'adamw' | 'lion' | 'sgd-momentum', peak: number) => ({
      id, source: 'default' as const, recommendedLr: 0.01, lrs: [0.01], hyper: {}, lrBasis: 'x', estimatedStateBytes: 8, estimatedPeakBytes: peak,
      needsLoss: false, adjustments: [], estimatedMemory: null,
    });
    const rec = (optimizer: string, finalLoss: number | null, stepMs: number, curve: number[]): RunRecord => ({
      optimizer, lr: 0.01, seed: 1, lossCurve: curve, finalLoss, diverged: finalLoss === null, initialLoss: curve[0] ?? null,
      stepMs: [stepMs], updateMs: [stepMs / 10], measuredStateBytes: 8, stateTensors: [], peakEngineBytes: 100, kernel: 'tfjs-ops', stopped: false,
    });
    const state: SweepState = {
      job: { id: 'j', model: 'm' }, proxy: { description: 'p', params: 2, notes: [], batch: 4 },
      optimizers: [planned('adamw', 100), planned('lion', 80), planned('sgd-momentum', 90)],
      steps: 6, seeds: [1], lrMultipliers: [1], machine: { platform: 'linux', arch: 'x64', cpuModel: 'c', cpuCount: 2, memoryBytes: 1, node: 'v20' },
      createdAt: 'now', backend: null, runs: [rec('adamw', 2.0, 10, [4, 3.5, 3, 2.5, 2.2, 2.1]), rec('lion', 2.5, 8, [4, 3.8, 3.6, 3.4, 3.2, 3]), rec('sgd-momentum', 2.6, 9, [4, 4, 4, 4, 4, 4])],
      robustness: [], copyBandwidth: null, bandwidth: new Map(), notes: [],
    };
    const doc = buildDocument(state, 'completed');
    assert.equal(doc.targetLoss, 1.1 * 2.0);
    const by = new Map(doc.results.map((r) => [r.optimizer, r]));
    assert.equal(by.get('lion')!.relativeStepCost, 8 / 10);
    assert.equal(by.get('adamw')!.samplesPerSecond, 4 / (10 / 1000));
    // AdamW: trailing means (4+3.5+3+2.5+2.2)/5 = 3.04 at step 5, then 2.66 at 6: never <= 2.2.
    assert.equal(by.get('adamw')!.stepsToTarget, null);
    // lion (80 B, 0.8x, 2.5) and adamw (100, 1x, 2.0) are both on the front; sgd-momentum (90, 0.9x, 2.6) is dominated by lion.
    assert.deepEqual(doc.paretoFront, ['adamw', 'lion']);
    assert.ok(doc.figureSources.modelled.includes('estimatedPeakBytes'));
    assert.ok(doc.figureSources.measured.includes('stepTimeMs'));
    assert.equal(doc.complete, true);
    assert.equal(buildDocument(state, 'cancelled').complete, false);
  });
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
