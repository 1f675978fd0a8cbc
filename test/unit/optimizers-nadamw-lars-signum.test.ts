/**
 * NAdamW, LARS and Signum/signSGD (and Muon's Moonlight scaling): one step of each computed by hand from
 * the papers' update rules, their catalog layouts against sizes written out, their spellings, the
 * evidence base naming them, the advisor's Muon setting, and the measured state of a proxy run equal to
 * the estimator's figure. The multi-step trajectories against the Python references are in
 * profiler-optimizers.test.ts; the fused kernels against the tfjs ops in kernels.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { DType, Hyperparameters, ParamTensor, TensorRole } from '../../src/core/types';
import { optimizerStateBytes, resolveOptimizer } from '../../src/core/optimizers/index';
import type { ResolvedOptimizer } from '../../src/core/optimizers/types';
import { measuredRows } from '../../src/core/advisor/measurements';
import { deriveHyperparameters } from '../../src/core/advisor/hyperparameters';
import { MUON_WEIGHT_DECAY } from '../../src/core/advisor/recipes';
import { getOptimizer } from '../../src/core/optimizers';
import { recommend } from '../../src/core/advisor/engine';
import { inventoryForRef } from '../../src/core/models';
import { createOptimizer } from '../../src/profiler/optimizers';
import { MuonOptimizer } from '../../src/profiler/optimizers/muon';
import { loadCorpus } from '../../src/profiler/sweep/corpus';
import { planSweep } from '../../src/profiler/sweep/plan';
import { trainRun } from '../../src/profiler/sweep/train';
import { buildGradientsBundle, setUpTfjs } from '../reference/tfjs-env';
import { advisorInput, DATA } from '../support/sweep-fixtures';
import type { JobFacts } from '../../src/core/advisor/types';

function tensor(name: string, shape: number[], role: TensorRole): ParamTensor {
  return { name, shape, role, trainable: true, module: name };
}
function resolve(spelling: string, params?: Hyperparameters, eco?: Parameters<typeof resolveOptimizer>[2]): ResolvedOptimizer {
  const r = resolveOptimizer(spelling, params, eco);
  assert.ok(r, `${spelling} resolves`);
  return r;
}
function bytes(spelling: string, t: ParamTensor, dtype: DType, hyper: Hyperparameters = {}, eco?: Parameters<typeof resolveOptimizer>[2]): number {
  return optimizerStateBytes(resolve(spelling, undefined, eco), [t], { paramDtype: dtype, hyper }).bytes;
}

const MLP = tensor('model.layers.0.mlp.up_proj.weight', [4096, 11008], 'matrix');
const N = 4096 * 11008;

describe('one step by hand', () => {
  before(async () => {
    await setUpTfjs('cpu');
  });

  /** One applyGradients on fresh variables; returns the new values. */
  function oneStep(id: string, hyper: Hyperparameters, values: number[][], shapes: number[][], grads: number[][]): number[][] {
    const vars = values.map((v, i) => tf.variable(tf.tensor(v, shapes[i]), true, `hand/${id}/${Math.random()}/${i}`));
    const opt = createOptimizer(id, hyper);
    const g = grads.map((x, i) => tf.tensor(x, shapes[i]));
    opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: g[i]! })));
    const out = vars.map((v) => Array.from(v.dataSync()));
    opt.dispose();
    tf.dispose([...vars, ...g]);
    return out;
  }
  function close(actual: readonly number[], expected: readonly number[], tol = 1e-6): void {
    assert.equal(actual.length, expected.length);
    actual.forEach((x, i) => assert.ok(Math.abs(x - expected[i]!) <= tol, `[${i}] ${x} vs ${expected[i]}`));
  }

  test('NAdamW: p=1, g=0.5, lr 0.1, wd 0.1 -> 0.99 - (0.9*0.05 + 0.1*0.5)/0.1 * 0.1 / (0.5 + 1e-8) = 0.8 (AdamW would give 0.89)', () => {
    // p <- 1*(1 - 0.1*0.1) = 0.99; m = 0.05, v = 0.00025; Nesterov numerator 0.095; sqrt(v)/sqrt(1-0.999) = 0.5.
    const [p] = oneStep('nadamw', { lr: 0.1, weight_decay: 0.1 }, [[1]], [[1]], [[0.5]]);
    close(p!, [0.99 - 0.095 / (0.5 + 1e-8)]);
    const [a] = oneStep('adamw', { lr: 0.1, weight_decay: 0.1 }, [[1]], [[1]], [[0.5]]);
    close(a!, [0.89]);
  });

  test('torch.optim.NAdam form (momentum_decay 4e-3): p=1, g=0.5 -> 1 - 0.1*(1-mu1)/(1-mu1)*0.5/0.5 - 0.1*mu2/(1-mu1*mu2)*0.05/0.5', () => {
    // Dozat's schedule: mu_t = 0.9*(1 - 0.5*0.96^(0.004 t)); v_hat = 0.00025/0.001 = 0.25, so denom = 0.5 + 1e-8.
    const mu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004);
    const mu2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008);
    const denom = 0.5 + 1e-8;
    const expected = 1 - (0.1 * 0.5) / denom - ((0.1 * mu2) / (1 - mu1 * mu2)) * (0.05 / denom);
    const [p] = oneStep('nadamw', { lr: 0.1, weight_decay: 0, momentum_decay: 0.004 }, [[1]], [[1]], [[0.5]]);
    close(p!, [expected]);
  });

  test('LARS: ||p|| 5, ||g|| 1, wd 0.01 -> trust 0.001*5/1.05; d = (g + 0.01p)*trust = (0.003, 0.004); p - 2d; a bias skips the ratio', () => {
    const [w, b] = oneStep('lars', { lr: 2, weight_decay: 0.01, eps: 0 }, [[3, 4], [3, 4]], [[1, 2], [2]], [[0.6, 0.8], [0.6, 0.8]]);
    close(w!, [3 - 2 * 0.003, 4 - 2 * 0.004]);
    // The [2] tensor is in timm's no-decay group (filter_bias_and_bn): plain SGD, buf = g on the first step.
    close(b!, [3 - 2 * 0.6, 4 - 2 * 0.8]);
    const [b2] = oneStep('lars', { lr: 2, weight_decay: 0.01, eps: 0, filter_bias_and_bn: false }, [[3, 4]], [[2]], [[0.6, 0.8]]);
    close(b2!, [3 - 2 * 0.003, 4 - 2 * 0.004]);
  });

  test('Signum: buf = 0.1*g; p*(1 - 0.1*0.5) - 0.1*sign(buf); signSGD (momentum 0) takes the same sign and keeps no state', () => {
    const [p] = oneStep('signum', { lr: 0.1, weight_decay: 0.5 }, [[1, -2, 0.5]], [[3]], [[0.3, -0.1, 0]]);
    close(p!, [0.95 - 0.1, -1.9 + 0.1, 0.475]);
    const [s] = oneStep('signum', { lr: 0.1, weight_decay: 0.5, momentum: 0 }, [[1, -2, 0.5]], [[3]], [[0.3, -0.1, 0]]);
    close(s!, [0.85, -1.8, 0.475]);
    const opt = createOptimizer('signum', { momentum: 0 });
    const v = tf.variable(tf.tensor1d([1, 2]), true, `hand/signsgd/${Math.random()}`);
    const g = tf.tensor1d([1, -1]);
    opt.applyGradients([{ name: v.name, tensor: g }]);
    assert.equal(opt.stateBytes(), 0);
    opt.dispose();
    tf.dispose([v, g]);
  });

  test('Muon match_rms_adamw: the same orthogonalised step scaled by 0.2*sqrt(max(A, B)) instead of sqrt(max(1, A/B))', () => {
    const shape = [6, 3];
    const start = Array.from({ length: 18 }, (_, i) => Math.sin(i + 1));
    const grad = Array.from({ length: 18 }, (_, i) => Math.cos(2 * i + 1));
    const moved = (adjust: string) => {
      const [p] = oneStep('muon', { lr: 0.01, adjust_lr_fn: adjust }, [start], [shape], [grad]);
      return p!.map((x, i) => x - start[i]!);
    };
    const original = moved('original');
    const matched = moved('match_rms_adamw');
    const ratio = (0.2 * Math.sqrt(6)) / Math.sqrt(6 / 3);
    matched.forEach((d, i) => assert.ok(Math.abs(d - ratio * original[i]!) <= 1e-6, `[${i}] ${d} vs ${ratio * original[i]!}`));
    assert.ok(Math.max(...original.map(Math.abs)) > 1e-3);
    assert.throws(() => new MuonOptimizer({ adjust_lr_fn: 'spectral' }), /adjust_lr_fn' must be one of original, match_rms_adamw/);
  });
});

test('catalog layouts: NAdamW two moments (+ step and mu_product on the device for torch NAdam capturable); LARS and Signum one buffer; signSGD none', () => {
  assert.equal(bytes('nadamw', MLP, 'bf16'), 2 * N * 2);
  assert.equal(bytes('timm.optim.NAdamW', MLP, 'fp32'), 2 * N * 4);
  assert.equal(bytes('torch.optim.NAdam', MLP, 'bf16'), 2 * N * 2, 'CPU step and mu_product are not device memory');
  assert.equal(bytes('torch.optim.NAdam', MLP, 'bf16', { capturable: true }), 2 * N * 2 + 4 + 4);
  assert.equal(bytes('lars', MLP, 'bf16'), N * 2);
  assert.equal(bytes('lars', MLP, 'fp32', { momentum: 0 }), 0, 'timm Lars keeps no buffer without momentum');
  assert.equal(bytes('signum', MLP, 'fp32'), N * 4);
  assert.equal(bytes('signSGD', MLP, 'fp32'), 0);
  assert.equal(bytes('signum', MLP, 'fp32', { momentum: 0 }), 0);
});

test('spellings: timm nadamw/lars/nlars/larc, optax nadamw/lars, torch NAdam, Signum/signSGD', () => {
  assert.equal(resolve('nadamw', undefined, 'timm').id, 'nadamw');
  assert.equal(resolve('optax.nadamw').id, 'nadamw');
  assert.equal(resolve('torch.optim.NAdam').id, 'nadamw');
  for (const s of ['lars', 'nlars', 'larc', 'nlarc']) assert.equal(resolve(s, undefined, 'timm').id, 'lars');
  assert.equal(resolve('optax.lars').id, 'lars');
  assert.equal(resolve('Signum').id, 'signum');
  assert.equal(resolve('signSGD').id, 'signum');
});

test('the evidence base names NAdamW (AlgoPerf baseline, Wen et al.) and Signum (Zhao et al.) by catalog id; NAdamW variants stay unmapped', () => {
  const rows = measuredRows();
  const nadamw = rows.filter((r) => r.row.optimizer.catalogId === 'nadamw');
  assert.ok(nadamw.some((r) => r.source.id === 'kasimbeg-2025-algoperf'));
  assert.ok(nadamw.some((r) => r.source.id === 'wen-2025-fantastic'));
  assert.ok(rows.some((r) => r.row.optimizer.catalogId === 'signum' && r.source.id === 'zhao-2024-deconstructing'));
  // Cyclic LR, LAWA and self-tuned NAdamW are algorithms around NAdamW, not NAdamW itself.
  for (const key of ['nadamw-cyclic-lr', 'nadamw-lawa-ema', 'nadamw-lawa-queue', 'nadamw-sequential']) {
    assert.ok(rows.filter((r) => r.row.optimizer.key === key).every((r) => r.row.optimizer.catalogId === null), key);
  }
});

test('Muon advice: decoupled weight decay 0.1 and match_rms_adamw, with the AdamW learning rate as is (Liu et al. 2025)', () => {
  const facts: JobFacts = {
    family: 'transformer', stacks: 'decoder', params: 6.74e9, trainableParams: 6.74e9, fineTune: false,
    lora: false, qlora: false, globalBatch: 512, microBatch: 4, seqLen: 4096, gpus: 128, precision: 'bf16-mixed',
    priority: 'quality', gradientCheckpointing: false, zeroStage: 0, memoryKnown: true, memoryBound: false,
    task: 'unspecified', detection: null, architecture: 'generic',
  };
  const spec = getOptimizer('muon');
  const adamw = deriveHyperparameters({ optimizer: 'adamw', facts, catalog: { defaults: getOptimizer('adamw').defaults } }).advice;
  const { advice, basis } = deriveHyperparameters({ optimizer: 'muon', facts, catalog: { defaults: spec.defaults, reference: spec.reference, lrRange: spec.lrRange } });
  assert.equal(advice.lr, adamw.lr);
  assert.equal(advice.weightDecay, MUON_WEIGHT_DECAY);
  assert.equal(MUON_WEIGHT_DECAY, 0.1);
  assert.equal(advice.extra['adjust_lr_fn'], 'match_rms_adamw');
  assert.equal(advice.extra['adam_weight_decay'], 0.1);
  assert.equal(advice.extra['adam_lr'], adamw.lr);
  assert.ok(basis.some((r) => r.rule === 'hp:muon-match-rms-adamw' && r.evidence.some((e) => e.id === 'liu-2025-muon-scalable')));
  assert.ok(!basis.some((r) => r.rule === 'hp:outside-catalog-range'), 'the AdamW rate is used as published');
  // The catalog's own defaults stay the reference implementation's (KellerJordan/Muon: no decay, 'original').
  assert.equal(spec.defaults['weight_decay'], 0);
  assert.equal(spec.defaults['adjust_lr_fn'], 'original');
});

test('a 16k-image ResNet-50 batch gets the large-batch LARS rule (You et al. 2017); a 1k batch and a 32k BERT batch do not', () => {
  const at = (model: string, batchSize: number, gpus: number, globalBatchSize?: number) =>
    recommend({ model: inventoryForRef(model), estimateBase: { gpuMemoryBytes: 80 * 2 ** 30, batchSize, gpus }, fineTune: false, priority: 'quality', ...(globalBatchSize ? { globalBatchSize } : {}) });
  const lars = (r: ReturnType<typeof recommend>) => r.recommendations.find((x) => x.optimizer === 'lars')!;
  const big = at('resnet50', 256, 64);
  assert.equal(big.facts.globalBatch, 16384);
  const rule = lars(big).reasons.find((x) => x.rule === 'large-batch-lars-cnn');
  assert.ok(rule && rule.evidence.some((e) => e.id === 'you-2017-lars'));
  assert.ok(!lars(at('resnet50', 128, 8)).reasons.some((x) => x.rule === 'large-batch-lars-cnn'));
  assert.ok(!lars(at('bert-base-uncased', 64, 64, 32768)).reasons.some((x) => x.rule === 'large-batch-lars-cnn'));
});

test('LARS advice: SimCLR\'s lr 0.3 x batch/256 and weight decay 1e-6 (which turns the trust ratio on)', () => {
  const r = recommend({ model: inventoryForRef('resnet50'), estimateBase: { gpuMemoryBytes: 80 * 2 ** 30, batchSize: 64, gpus: 64 }, fineTune: false, priority: 'quality' });
  const lars = r.recommendations.find((x) => x.optimizer === 'lars')!;
  assert.equal(r.facts.globalBatch, 4096);
  assert.equal(lars.hyperparameters.lr, 4.8);
  assert.equal(lars.hyperparameters.weightDecay, 1e-6);
  assert.ok(lars.reasons.some((x) => x.rule === 'hp:lars-simclr' && x.evidence.some((e) => e.id === 'chen-2020-simclr-lars')));
});

describe('measured optimizer state equals the estimator on the proxies', () => {
  test('NAdamW, LARS, Signum and Muon (Moonlight settings) on the Llama and ResNet proxies (wasm)', async () => {
    buildGradientsBundle();
    const corpus = loadCorpus(DATA);
    await setUpTfjs('wasm');
    for (const [ref, fineTune] of [['meta-llama/Llama-2-7b-hf', true], ['resnet50', false]] as const) {
      const plan = planSweep({ advisorInput: advisorInput(ref, fineTune), alphabetSize: corpus.alphabet.length, optimizers: ['nadamw', 'lars', 'signum', 'muon'], steps: 2 });
      for (const o of plan.optimizers) {
        const r = await trainRun({ spec: plan.proxy.spec, corpus, optimizer: o.id, lr: o.recommendedLr, hyper: o.hyper, seed: 1, steps: 2, fused: true, evaluationBatches: 1 });
        assert.ok(r.measuredStateBytes > 0, `${o.id} holds state`);
        assert.equal(r.measuredStateBytes, o.estimatedStateBytes, `${o.id} on ${ref}: measured ${r.measuredStateBytes}, estimated ${o.estimatedStateBytes}`);
        assert.equal(r.stateTensors.reduce((s, t) => s + t.bytes, 0), r.measuredStateBytes, o.id);
      }
    }
  });
});
