/**
 * Step cost at the real shapes (README: Profiling on your machine, "Step cost at the real shapes"): the
 * tensor kinds against Llama-2-7B's published parameter count, the slicing, the scaling and
 * extrapolation maths against hand-derived values, the section built from records, the GPU preset
 * matching, and small real runs in a profiler child (a sliced elementwise optimizer whose measured
 * state must equal its known layout; Muon at a size it measures whole and at one it must extrapolate).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import Ajv from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RealShapesSectionSchema } from '../../src/core/profile/profile-types';
import { checkValue } from '../../src/core/schema/check';
import { findGpuPreset, GPU_PRESETS, presetForGpuName } from '../../src/platform/gpu-presets';
import {
  affineAt, amortise, extrapolateSpread, extrapolateState, extrapolateTime, fitTwoPowers, forwardBackwardMs, isLinear, layerPattern, perElementRatio, refreshCost,
  scaleToTensor, shareOfTrainingStep, sliceShape, spreadOf, sumSpreads, tensorKinds, weakestMethod,
} from '../../src/profiler/sweep/real-shapes-plan';
import { forwardBackwardAssumption, realShapesJob, realShapesSection, runRealShapesPhase, throughputAssumption, type RealShapesJob } from '../../src/profiler/sweep/real-shapes-phase';
import { parseChildRequest, type RealShapesRecord } from '../../src/profiler/protocol';
import { buildGradientsBundle } from '../reference/tfjs-env';
import { PROFILER_TEST_CHILD } from '../support/profiler-test-child';
import { advisorInput, ROOT } from '../support/sweep-fixtures';

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('real shapes: tensor kinds and slices', () => {
  test('Llama-2-7B: 12 kinds whose counts add up to the published 6,738,415,616 parameters', () => {
    const job = realShapesJob(advisorInput('meta-llama/Llama-2-7b-hf'), ['adamw']);
    const kinds = job.kinds;
    assert.equal(kinds.length, 12);
    const q = kinds.find((k) => k.name === 'model.layers.0.self_attn.q_proj.weight')!;
    assert.deepEqual([q.shape, q.count, q.role], [[4096, 4096], 32, 'matrix']);
    assert.equal(kinds.reduce((s, k) => s + k.count * k.shape.reduce((a, b) => a * b, 1), 0), 6_738_415_616);
    assert.equal(job.trainableParams, 6_738_415_616);
  });

  test('layer indices are the only part of a name that is merged', () => {
    assert.equal(layerPattern('model.layers.12.mlp.up_proj.weight'), 'model.layers.#.mlp.up_proj.weight');
    assert.equal(layerPattern('h.0.attn.c_attn.weight'), 'h.#.attn.c_attn.weight');
    assert.equal(layerPattern('lm_head.weight'), 'lm_head.weight');
    const kinds = tensorKinds([
      { name: 'a.0.w', shape: [4, 4], role: 'matrix', trainable: true, module: 'w' },
      { name: 'a.1.w', shape: [4, 4], role: 'matrix', trainable: true, module: 'w' },
      { name: 'a.2.w', shape: [4, 8], role: 'matrix', trainable: true, module: 'w' },
    ]);
    assert.deepEqual(kinds.map((k) => [k.shape, k.count]), [[[4, 4], 2], [[4, 8], 1]]);
  });

  test('a slice keeps whole rows of at most 16M elements; smaller tensors are timed whole', () => {
    assert.deepEqual(sliceShape([32000, 4096]), [4096, 4096]);
    assert.deepEqual(sliceShape([4096, 11008]), [1524, 11008]);
    assert.deepEqual(sliceShape([4096, 4096]), [4096, 4096]);
    assert.deepEqual(sliceShape([4096]), [4096]);
    assert.deepEqual(sliceShape([50_000_000]), [2 ** 24]);
    assert.deepEqual(sliceShape([2, 20_000_000]), [2 ** 24]);
    assert.deepEqual(sliceShape([64, 32], 1024), [32, 32]);
  });
});

describe('real shapes: scaling and extrapolation maths', () => {
  test('spreads: median, min, max; sums add each; linear scaling multiplies by the element ratio', () => {
    assert.deepEqual(spreadOf([3, 1, 2]), { median: 2, min: 1, max: 3 });
    assert.deepEqual(spreadOf([4, 1, 2, 3]), { median: 2.5, min: 1, max: 4 });
    assert.deepEqual(sumSpreads([{ median: 1, min: 0.5, max: 2 }, { median: 3, min: 2, max: 5 }]), { median: 4, min: 2.5, max: 7 });
    assert.deepEqual(scaleToTensor({ median: 10, min: 8, max: 12 }, 16, 64), { median: 40, min: 32, max: 48 });
  });

  test('the linear-scaling check compares the per-element cost of the two sizes', () => {
    close(perElementRatio({ elements: 1000, ms: 1 }, { elements: 2000, ms: 2 }), 1);
    close(perElementRatio({ elements: 1000, ms: 1 }, { elements: 2000, ms: 4 }), 2);
    assert.equal(isLinear(1.2), true);
    assert.equal(isLinear(2), false);
    assert.equal(isLinear(0.5), false);
  });

  test('the state of a sliced tensor is affine in its elements (Adafactor-like rows + columns)', () => {
    // 4 bytes per row (rows = elements / 100) plus a fixed 400 bytes of column statistics.
    const state = (elements: number) => (4 * elements) / 100 + 400;
    close(affineAt([{ x: 1000, y: state(1000) }, { x: 2000, y: state(2000) }], 1_000_000), state(1_000_000));
    close(affineAt([{ x: 10, y: 80 }], 1000), 8000);
  });

  test('t(s) = a*s^3 + c is recovered from three scaled sizes and evaluated at s = 1', () => {
    const t = (s: number) => 2 * s ** 3 + 0.5;
    const f = fitTwoPowers([0.1, 0.2, 0.3].map((s) => ({ s, y: t(s) })), 3, 0);
    close(f.a, 2, 1e-9);
    close(f.b, 0.5, 1e-9);
    const spread = extrapolateSpread([0.1, 0.2, 0.3].map((s) => ({ s, ms: { median: t(s), min: 0.9 * t(s), max: 1.1 * t(s) } })));
    close(spread.median, 2.5, 1e-9);
    close(spread.min, 0.9 * 2.5, 1e-9);
    close(spread.max, 1.1 * 2.5, 1e-9);
    // The cubic work's share of the time at the largest measured size: 2*0.027 / (2*0.027 + 0.5).
    close(extrapolateTime([0.1, 0.2, 0.3].map((s) => ({ s, y: t(s) }))).cubicShare, 0.054 / 0.554, 1e-9);
    // One size: the known leading exponent alone.
    close(fitTwoPowers([{ s: 0.5, y: 1 }], 3, 0).a, 8);
    // Two powers with other exponents (the state's s^2 and s).
    const g = fitTwoPowers([0.1, 0.2, 0.4].map((s) => ({ s, y: 7 * s ** 2 + 3 * s })), 2, 1);
    close(g.a, 7, 1e-9);
    close(g.b, 3, 1e-9);
  });

  test('state bytes of scaled matrices: c2*s^2 + c1*s at s = 1', () => {
    close(extrapolateState([0.125, 0.25, 0.5].map((s) => ({ s, bytes: 4096 * s * s + 64 * s }))), 4160, 1e-9);
  });

  test('refreshes: the extra time over a step without one, paid once per interval', () => {
    const step = { median: 10, min: 9, max: 12 };
    const refresh = refreshCost({ median: 110, min: 100, max: 130 }, step);
    assert.deepEqual(refresh, { median: 100, min: 90, max: 120 });
    assert.deepEqual(amortise(step, refresh, 10), { median: 20, min: 18, max: 24 });
    assert.deepEqual(amortise(step, null, 10), step);
    assert.deepEqual(refreshCost({ median: 5, min: 5, max: 5 }, step), { median: 0, min: 0, max: 0 });
  });

  test('forward + backward by 6*N*tokens at the peak throughput, and the share of a step', () => {
    // 6 x 7e9 x 2048 = 8.6016e13 FLOPs at 312 TFLOPS = 275.69... ms.
    close(forwardBackwardMs(7e9, 2048, 312), (8.6016e13 / 312e12) * 1000);
    close(shareOfTrainingStep(25, 75), 0.25);
    assert.equal(weakestMethod(['whole', 'sampled']), 'sampled');
    assert.equal(weakestMethod(['whole', 'extrapolated', 'sampled']), 'extrapolated');
    assert.equal(weakestMethod(['whole']), 'whole');
  });
});

describe('real shapes: the document section', () => {
  const job: RealShapesJob = {
    kinds: [{ name: 'w', shape: [8, 4], role: 'matrix', count: 3 }, { name: 'b', shape: [4], role: 'bias', count: 3 }],
    trainableParams: 108, params: 1_000_000, tokensPerStep: 1000, transformer: true,
    optimizers: [{ id: 'adamw', hyper: {}, estimatedStateBytes: 864, estimatedDtype: 'fp32' }, { id: 'lion', hyper: {}, estimatedStateBytes: 432, estimatedDtype: 'fp32' }],
  };
  const record: RealShapesRecord = {
    optimizer: 'adamw',
    kinds: [
      { name: 'w', shape: [8, 4], count: 3, method: 'sampled', stepMs: { median: 2, min: 1, max: 3 }, stateBytes: 256, detail: 'w' },
      { name: 'b', shape: [4], count: 3, method: 'whole', stepMs: { median: 1, min: 1, max: 1 }, stateBytes: 32, detail: 'b' },
    ],
    missing: [], refreshInterval: null, elapsedMs: 5,
  };
  const throughput = { gpu: 'test GPU', tflops: 6e-3, basis: 'test' };

  test('per optimizer: counts times the per-tensor figures, the weakest method, the share; an absent one says why', () => {
    const section = realShapesSection(job, new Map([['adamw', record]]), { outcome: 'budget-exceeded', budgetMs: 30_000, throughput });
    const [adamw, lion] = section.results;
    assert.deepEqual(adamw!.stepMs, { median: 9, min: 6, max: 12 });
    assert.equal(adamw!.method, 'sampled');
    assert.equal(adamw!.stateBytesMeasured, 3 * 256 + 3 * 32);
    assert.equal(adamw!.stateBytesEstimated, 864);
    // 6 x 1e6 x 1000 FLOPs at 6e-3 TFLOPS = 1000 ms; 9 / (9 + 1000).
    close(adamw!.shareOfTrainingStep!, 9 / 1009);
    assert.match(adamw!.shareAssumption, /^assumption: forward \+ backward = 6 x N x tokens/);
    assert.equal(lion!.stepMs, null);
    assert.match(lion!.notMeasured!, /budget-exceeded/);
    assert.ok(checkValue(RealShapesSectionSchema, JSON.parse(JSON.stringify(section))).ok);
  });

  test('a kind that was not measured leaves no partial total', () => {
    const partial: RealShapesRecord = { ...record, kinds: record.kinds.slice(0, 1), missing: [{ name: 'b', why: 'the time budget ran out before it' }] };
    const r = realShapesSection(job, new Map([['adamw', partial]]), { outcome: 'completed', budgetMs: 1000, throughput }).results[0]!;
    assert.equal(r.stepMs, null);
    assert.match(r.notMeasured!, /b: the time budget ran out before it/);
  });

  test('no throughput figure, or not a transformer: no share, and the reason', () => {
    assert.equal(forwardBackwardAssumption(job, { gpu: 'NVIDIA GeForce RTX 3090 (24 GB)', tflops: null, basis: '--gpu' }).ms, null);
    assert.match(forwardBackwardAssumption({ ...job, transformer: false }, throughput).assumption, /not a transformer|transformers/);
  });

  test('the GPU of the assumption: named, else detected, else an A100 80GB, each saying which', () => {
    const named = throughputAssumption('h100-80gb', null, '--gpu');
    assert.equal(named.tflops, 989);
    assert.match(named.basis, /^--gpu; NVIDIA product page/);
    const detected = throughputAssumption(undefined, { names: ['Tesla T4'], memoryBytes: 15 * 2 ** 30 }, '--gpu');
    assert.deepEqual([detected.gpu, detected.tflops], ['NVIDIA T4 (16 GB)', 65]);
    assert.match(detected.basis, /^detected: Tesla T4/);
    const assumed = throughputAssumption(undefined, null, '--gpu');
    assert.equal(assumed.tflops, 312);
    assert.match(assumed.basis, /^assumed: no GPU detected and no --gpu given/);
    assert.equal(throughputAssumption('rtx-3090', null, '--gpu').tflops, null);
    assert.throws(() => throughputAssumption('b200', null, '--gpu'), /^InputError: --gpu: unknown GPU preset 'b200' \(known: rtx-3090,/);
  });

  test('GPU names from nvidia-smi map to presets; every published throughput cites its source', () => {
    assert.equal(presetForGpuName('NVIDIA A100-SXM4-80GB', 80 * 2 ** 30)?.id, 'a100-80gb');
    assert.equal(presetForGpuName('NVIDIA A100-PCIE-40GB', 40 * 2 ** 30)?.id, 'a100-40gb');
    assert.equal(presetForGpuName('Tesla T4', 15 * 2 ** 30)?.id, 't4');
    assert.equal(presetForGpuName('NVIDIA H100 80GB HBM3', null)?.id, 'h100-80gb');
    assert.equal(presetForGpuName('NVIDIA L4', null)?.id, 'l4');
    assert.equal(presetForGpuName('NVIDIA A10G', null), undefined);
    assert.equal(findGpuPreset('a100-80gb')?.tensorTflops?.value, 312);
    for (const p of GPU_PRESETS) if (p.tensorTflops) assert.match(p.tensorTflops.source.locator ?? '', /TFLOP|teraFLOP|TF /i, p.id);
  });
});

describe('real shapes: the child request', () => {
  test('a bad request is one message naming the field', () => {
    const base = { kind: 'real-shapes', optimizers: [{ id: 'adamw', hyper: {} }], budgetMs: 1000 };
    assert.throws(() => parseChildRequest({ ...base, kinds: [{ name: 'w', shape: [0], role: 'matrix', count: 1 }] }), /^InputError: real-shapes: kinds\[0\]\.shape\[0\]: must be at least 1, got 0$/);
    assert.throws(() => parseChildRequest({ ...base, kinds: [] }), /real-shapes: kinds/);
    const ok = parseChildRequest({ ...base, kinds: [{ name: 'w', shape: [3, 4], role: 'matrix', count: 2 }] });
    assert.equal(ok.kind, 'real-shapes');
  });
});

describe('real shapes in a profiler child', () => {
  before(() => {
    buildGradientsBundle();
  });

  test('AdamW sliced (state = its two fp32 moments exactly), Muon whole at a small size', async () => {
    const job: RealShapesJob = {
      kinds: [{ name: 'layers.0.w', shape: [64, 32], role: 'matrix', count: 3 }, { name: 'layers.0.b', shape: [32], role: 'bias', count: 3 }],
      trainableParams: 3 * (64 * 32 + 32), params: 3 * (64 * 32 + 32), tokensPerStep: 100, transformer: true,
      optimizers: [
        { id: 'adamw', hyper: { lr: 1e-3 }, estimatedStateBytes: 8 * 3 * (64 * 32 + 32), estimatedDtype: 'fp32' },
        { id: 'muon', hyper: {}, estimatedStateBytes: null, estimatedDtype: null },
      ],
    };
    const updates: number[] = [];
    const { section, child } = await runRealShapesPhase({
      job, budgetMs: 20_000, sliceElements: 1024, throughput: null, childScript: PROFILER_TEST_CHILD, onUpdate: (s) => updates.push(s.results.filter((r) => r.stepMs).length),
    });
    assert.equal(child.outcome, 'completed', child.detail);
    assert.equal(section.outcome, 'completed');
    const [adamw, muon] = section.results;
    assert.equal(adamw!.method, 'sampled', adamw!.notMeasured);
    assert.equal(adamw!.stateBytesMeasured, 8 * 3 * (64 * 32 + 32));
    assert.ok(adamw!.stepMs!.min <= adamw!.stepMs!.median && adamw!.stepMs!.median <= adamw!.stepMs!.max);
    assert.match(adamw!.detail.join('\n'), /\[32, 32\] of \[64, 32\] timed .* x2\.00; per-element cost \[32, 32\] \/ \[16, 32\]/);
    assert.equal(muon!.method, 'whole', muon!.notMeasured);
    // Muon: a momentum buffer per matrix; the biases take its auxiliary Adam (two moments).
    assert.equal(muon!.stateBytesMeasured, 3 * (64 * 32 * 4) + 3 * (2 * 32 * 4));
    assert.match(muon!.detail.join('\n'), /\[64, 32\] timed at its real size/);
    assert.equal(muon!.shareOfTrainingStep, null);
    assert.ok(updates.length >= 3, 'a section after each optimizer and at the end');
  });

  test('a matrix too large for the budget is extrapolated from smaller sizes and says so; GaLore amortises its refresh', async () => {
    const job: RealShapesJob = {
      kinds: [{ name: 'layers.0.w', shape: [2048, 2048], role: 'matrix', count: 2 }],
      trainableParams: 2 * 2048 * 2048, params: 2 * 2048 * 2048, tokensPerStep: 100, transformer: true,
      optimizers: [
        { id: 'muon', hyper: {}, estimatedStateBytes: 2 * 2048 * 2048 * 4, estimatedDtype: 'fp32' },
        { id: 'galore-adamw', hyper: { rank: 64, update_proj_gap: 200 }, estimatedStateBytes: null, estimatedDtype: null },
      ],
    };
    const { section } = await runRealShapesPhase({ job, budgetMs: 6_000, throughput: null, childScript: PROFILER_TEST_CHILD });
    const [muon, galore] = section.results;
    assert.equal(muon!.method, 'extrapolated', muon!.notMeasured);
    assert.match(muon!.detail.join('\n'), /\[2048, 2048\] extrapolated from \[\d+, \d+\], .* with t = a\*s\^3 \+ c/);
    // The momentum buffer is s^2-exact: its extrapolation is the real size's 16 MiB per matrix (within rounding of the scaled sides).
    assert.ok(Math.abs(muon!.stateBytesMeasured! - 2 * 2048 * 2048 * 4) / (2 * 2048 * 2048 * 4) < 0.05, String(muon!.stateBytesMeasured));
    assert.equal(galore!.method, 'extrapolated', galore!.notMeasured);
    assert.match(galore!.detail.join('\n'), /paid every 200 steps/);
    assert.match(galore!.detail.join('\n'), /refreshes amortised over the job's interval of 200 steps/);
  });
});

describe('real shapes: the CLI document schema', () => {
  test('schemas/profile.schema.json declares realShapes (regenerated)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'profile.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
    assert.ok(schema.properties['realShapes']);
    const ajv = new Ajv({ allErrors: true, strict: false });
    assert.ok(ajv.compile(schema.properties['realShapes'] as object));
  });
});
