/**
 * The profiling sweep (src/profiler/sweep), the fast part: proxy derivation, the plan (learning rates,
 * top picks), the document's summaries. Training the proxies is in sweep-training.test.ts, the child
 * pipeline in sweep-children.test.ts (separate files so that the test runner runs them side by side).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { inventoryForRef } from '../../src/core/models';
import { cnnInventory } from '../../src/core/models/builders/cnn';
import { numel } from '../../src/core/types';
import { OPTIMIZER_IDS } from '../../src/core/optimizers/registry';
import { profilerOptimizer, profilerOptimizerIds } from '../../src/profiler/optimizers';
import type { RobustnessRecord, RunRecord } from '../../src/profiler/protocol';
import { findDataDir, loadCorpus, type Corpus } from '../../src/profiler/sweep/corpus';
import {
  bestLearningRate, buildDocument, medianCurve, robustnessBehaviour, stepsToReach, type SweepState,
} from '../../src/profiler/sweep/document';
import { DEFAULT_STEPS, DEFAULT_SWEEP, LR_MULTIPLIERS, planSweep, proxyGaloreGap, proxyGaloreRank, proxyMin8bitSize } from '../../src/profiler/sweep/plan';
import { deriveProxy, proxyParams, type CnnProxy } from '../../src/profiler/sweep/proxy';
import { walkCnnProxy } from '../../src/profiler/sweep/proxy-inventory';
import { assignWorkers, defaultWorkers } from '../../src/profiler/sweep/sweep';
import { buildGradientsBundle } from '../reference/tfjs-env';
import { advisorInput, DATA } from '../support/sweep-fixtures';

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
  test('the profiler registry has every catalog id, each definition under its own id', () => {
    assert.deepEqual(profilerOptimizerIds(), [...OPTIMIZER_IDS]);
    for (const id of OPTIMIZER_IDS) assert.equal(profilerOptimizer(id).id, id);
    assert.throws(() => profilerOptimizer('adamw-typo'), /unknown optimizer 'adamw-typo'/);
  });

  test('default sweep plus the advisor\'s top picks; lrs are the proxy\'s recommended lr x1/3, x1, x3', () => {
    const plan = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: 71 });
    const ids = plan.optimizers.map((o) => o.id);
    for (const id of DEFAULT_SWEEP) assert.ok(ids.includes(id), id);
    const picks = plan.advisor.recommendations.slice(0, 3).map((r) => r.optimizer);
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

  test('training children: all runs of an optimizer in one, balanced by the measured step times when every one is known, AdamW first', () => {
    const plan = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: corpus.alphabet.length, optimizers: ['lion', 'adamw', 'soap', 'muon', 'sgd-momentum'] });
    const ids = (groups: ReturnType<typeof assignWorkers>): string[][] => groups.map((g) => g.map((o) => o.id));
    const order: string[] = plan.optimizers.map((o) => o.id);
    // Equal costs without step times (3 lrs each): largest first to the least loaded, ties to the first child.
    const unmeasured = ids(assignWorkers(plan.optimizers, 2));
    assert.equal(unmeasured.flat().length, 5);
    assert.deepEqual(unmeasured.map((g) => g.length).sort(), [2, 3]);
    // SOAP 20 ms, Muon 15 ms, the others 8 ms, 3 lrs each. Largest first, each to the least loaded child:
    // SOAP 60 | Muon 45; 24 -> 60 | 69; 24 -> 84 | 69; 24 -> 84 | 93.
    const ms: Record<string, number> = { soap: 20, muon: 15, adamw: 8, lion: 8, 'sgd-momentum': 8 };
    const measured = assignWorkers(plan.optimizers, 2, (id) => ms[id] ?? null);
    const loads = measured.map((g) => g.reduce((sum, o) => sum + o.lrs.length * ms[o.id]!, 0));
    assert.deepEqual(loads.slice().sort((a, b) => a - b), [84, 93]);
    assert.deepEqual(measured.map((g) => g.length).sort(), [2, 3]);
    assert.ok(measured.some((g) => g.some((o) => o.id === 'soap') && !g.some((o) => o.id === 'muon')), 'SOAP and Muon, the two slowest, in different children');
    // AdamW first in its child, the others in the sweep's order.
    for (const g of ids(measured)) {
      const rest = g.filter((id) => id !== 'adamw');
      assert.deepEqual(rest, order.filter((id) => rest.includes(id)));
      if (g.includes('adamw')) assert.equal(g[0], 'adamw');
    }
    // A step time missing for one optimizer: the counts decide, not a mix of units.
    assert.deepEqual(ids(assignWorkers(plan.optimizers, 2, (id) => (id === 'soap' ? null : ms[id]!))), unmeasured);
  });

  test('training children by default: two with a second CPU free enough, one on a 1-CPU or busy machine, saying why', () => {
    assert.deepEqual(defaultWorkers(1, 0), { workers: 1, why: null });
    assert.deepEqual(defaultWorkers(2, 0), { workers: 2, why: null });
    assert.deepEqual(defaultWorkers(2, 3), { workers: 2, why: null }, 'at 1.5 x the CPUs two are still faster');
    const busy = defaultWorkers(2, 4.2);
    assert.equal(busy.workers, 1);
    assert.match(busy.why ?? '', /load average 4\.2 over 1\.5 x its 2 CPUs/);
    assert.equal(defaultWorkers(8, 6).workers, 2);
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
      evidenceQuality: {
        job: 'j', reference: 'adamw',
        optimizers: {
          adamw: { median: 0, basis: 'reference', runs: 0, sources: 0, nearestSimilarity: null, citations: [] },
          lion: { median: -0.1, basis: 'measured', runs: 1, sources: 1, nearestSimilarity: 1, citations: [] },
          'sgd-momentum': { median: -0.2, basis: 'measured', runs: 1, sources: 1, nearestSimilarity: 1, citations: [] },
        },
      },
    };
    const doc = buildDocument(state, 'completed');
    assert.equal(doc.targetLoss, 1.1 * 2.0);
    const by = new Map(doc.results.map((r) => [r.optimizer, r]));
    assert.equal(by.get('lion')!.relativeStepCost, 8 / 10);
    assert.equal(by.get('adamw')!.samplesPerSecond, 4 / (10 / 1000));
    // AdamW: trailing means (4+3.5+3+2.5+2.2)/5 = 3.04 at step 5, then 2.66 at 6: never <= 2.2.
    assert.equal(by.get('adamw')!.stepsToTarget, null);
    // Over (memory, step ms, quality vs AdamW): lion (80 B, 8 ms, -0.1) and adamw (100, 10, 0) are both on the front;
    // sgd-momentum (90, 9, -0.2) is dominated by lion.
    assert.deepEqual(doc.paretoFront, ['adamw', 'lion']);
    assert.equal(doc.evidenceQuality, state.evidenceQuality);
    // Without the quality axis nothing is comparable.
    assert.deepEqual(buildDocument({ ...state, evidenceQuality: undefined }, 'completed').paretoFront, []);
    assert.ok(doc.figureSources.modelled.includes('estimatedPeakBytes'));
    assert.ok(doc.figureSources.measured.includes('stepTimeMs'));
    assert.equal(doc.complete, true);
    assert.equal(buildDocument(state, 'cancelled').complete, false);
  });
});
