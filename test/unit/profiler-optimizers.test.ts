/**
 * Every profiler optimizer against reference trajectories computed in Python with torch (torch.optim
 * for the torch-native ones, test/reference/optimizers_reference.py, galore_reference.py and
 * soap_reference.py for the others), on the cpu and wasm backends; plus tfjs mechanics: no leaked
 * tensors, get/setWeights, serialization, 8-bit codes.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { OPTIMIZER_IDS } from '../../src/core/optimizers/registry';
import { InputError, type Hyperparameters } from '../../src/core/types';
import { AdaHessianOptimizer } from '../../src/profiler/optimizers/adahessian';
import { AdamW8bitOptimizer } from '../../src/profiler/optimizers/adamw-8bit';
import type { ProfilerOptimizer, ProbeSource } from '../../src/profiler/optimizers/base';
import { dynamicMap } from '../../src/profiler/optimizers/blockwise-8bit';
import type { SophiaOptimizer } from '../../src/profiler/optimizers/sophia';
import { createOptimizer, profilerOptimizer, profilerOptimizerIds } from '../../src/profiler/optimizers';
import { crossEntropyTwice } from '../../src/profiler/second-order';
import { TRACE_PROBLEM_SPECS } from '../../src/core/profile/trace-problems';
import { traceLoss } from '../../src/profiler/trace-run';
import { Prng } from '../reference/prng';
import { runReference, type ReferenceCase, type ReferenceParam, type ReferenceResult } from '../reference/python';
import { setUpTfjs } from '../reference/tfjs-env';

type Shape = readonly number[];
const numel = (s: Shape) => s.reduce((a, b) => a * b, 1);

/** Separable problem: parameters, and a, c, t of the gradient a*d + c*d^3 (d = p - t). */
function separable(key: string, optimizer: string, hyper: ReferenceCase['hyper'], steps: number, shapes: Shape[], seed = 7, names?: string[]): ReferenceCase {
  const rng = new Prng(seed);
  const params: ReferenceParam[] = shapes.map((shape, i) => ({ name: names?.[i] ?? `p${i}`, shape, values: rng.uniform(numel(shape), -1, 1) }));
  return {
    key, optimizer, hyper, steps, params, problem: 'separable',
    separable: {
      a: shapes.map((s) => rng.uniform(numel(s), 0.5, 2)),
      c: shapes.map((s) => rng.uniform(numel(s), 0, 0.5)),
      t: shapes.map((s) => rng.uniform(numel(s), -1, 1)),
    },
  };
}

/** Tiny ReLU MLP classifier with fixed weights and data, mean cross-entropy. */
function mlp(key: string, optimizer: string, hyper: ReferenceCase['hyper'], steps: number, seed = 11): ReferenceCase {
  const rng = new Prng(seed);
  const n = 16, din = 6, hidden = 8, classes = 4;
  const shapes: Shape[] = [[din, hidden], [hidden], [hidden, classes], [classes]];
  return {
    key, optimizer, hyper, steps, problem: 'mlp',
    params: shapes.map((shape, i) => ({ name: `p${i}`, shape, values: rng.uniform(numel(shape), -0.8, 0.8) })),
    mlp: { x: rng.uniform(n * din, -1, 1), xShape: [n, din], labels: Array.from({ length: n }, () => Math.floor(rng.next() * classes)) },
  };
}

/** Sophia with its Gauss-Newton-Bartlett estimator: the loss on labels "sampled" from the model (fixed here). */
function sophiaGnb(): ReferenceCase {
  const c = mlp('sophia-gnb', 'sophia', { lr: 0.01, hess_interval: 2 }, 6);
  const rng = new Prng(23);
  return { ...c, mlp: { ...c.mlp!, sampledLabels: c.mlp!.labels.map(() => Math.floor(rng.next() * 4)) } };
}

function withProbes(c: ReferenceCase, kind: 'rademacher' | 'gaussian', seed = 3): ReferenceCase {
  const rng = new Prng(seed);
  const probes = Array.from({ length: c.steps }, () => c.params.map((p) => (kind === 'gaussian' ? rng.gaussian(numel(p.shape)) : rng.rademacher(numel(p.shape)))));
  return { ...c, probes };
}

const MAIN: Shape[] = [[70, 64], [24, 10], [10]];
const SHAMPOO_SHAPES: Shape[] = [[70, 64], [3, 4, 5], [10]];
/** Adam-mini partitions by name: embedding (full v), query (v per head: dim 16, 4 heads), other (scalar v), norm (no decay). */
const ADAM_MINI_PARAMS: { shapes: Shape[]; names: string[] } = {
  shapes: [[24, 10], [16, 16], [70, 64], [10]],
  names: ['model.embed_tokens.weight', 'model.layers.0.self_attn.q_proj.weight', 'model.layers.0.mlp.up_proj.weight', 'model.layers.0.input_layernorm.weight'],
};

/** GaLore: tall (projected on Vh, right), wide (on U, left) and square matrices, plus a vector (plain AdamW). */
const GALORE_SHAPES: Shape[] = [[24, 10], [10, 24], [16, 16], [10]];
/**
 * SOAP: the first eigenbasis comes from GG = (1 - shampoo_beta) G G^T of ONE gradient, whose null space
 * (when G has fewer columns than rows) has no unique basis, in torch as in any other eigensolver; so
 * every preconditioned dim here has at least as many "columns" as its size: square [16, 16], [3, 4, 5],
 * and [24, 10] with max_precond_dim 20 (the 24 side unpreconditioned, the 10 side from 24 columns).
 */
const SOAP_SHAPES: Shape[] = [[16, 16], [3, 4, 5], [24, 10], [10]];
/** merge_dims with max_precond_dim 20: [2, 3, 6] -> [6, 6], [12, 12] stays. */
const SOAP_MERGE_SHAPES: Shape[] = [[2, 3, 6], [12, 12], [10]];

/** A 2-D trace problem (rosenbrock/beale/saddle) from its conventional start. */
function trace(key: string, optimizer: string, hyper: ReferenceCase['hyper'], steps: number, problem: 'rosenbrock' | 'beale' | 'saddle'): ReferenceCase {
  return { key, optimizer, hyper, steps, problem: 'trace', params: [{ name: 'p0', shape: [2], values: [...TRACE_PROBLEM_SPECS[problem].start] }], trace: { problem } };
}

/**
 * Tolerances of GaLore and SOAP. The TypeScript decomposes in float64 (Jacobi on the Gram matrix / on
 * GG, Householder QR), the reference in float32 LAPACK (svd, eigh, qr): on random matrices of these
 * sizes torch's float32 singular/eigen vectors differ from its float64 ones by up to ~5e-6, and the
 * float32 matmuls of projecting and projecting back add ~1e-6; Adam's normalised step carries such
 * differences into the parameters scaled by lr. With 2e-4 relative + 2e-5 absolute (as Shampoo's), the
 * largest difference measured over these cases is 0.1 of the tolerance (GaLore 'full'), the others at
 * most 0.04 of it, and each parameter moves more than 10x the tolerance (checked below); a wrong sign
 * convention, eigenvector order, refresh step or moment rotation gives differences of order lr (1e-2).
 */
const DECOMPOSITION_TOL = { rtol: 2e-4, atol: 2e-5 };
/**
 * A gradient projected on the singular bases of ITSELF is diagonal up to rounding: GaLore's 'full'
 * projection at every refresh, and SOAP's first update when the gradient equals the one its bases were
 * built from (full-batch problems: step 1 only initialises, so G2 = G1). Adam's first steps normalise
 * every entry to about +-lr, rounding-level ones included, so with eps 1e-8 those entries' signs
 * (float32 noise in either implementation) would decide the step. The SOAP cases on the separable
 * problem therefore add minibatch-like noise to each step's gradient (withNoise); GaLore 'full' (inherent
 * to the method) and SOAP's precondition_1d trace (full batch) use eps 1e-3 instead, which keeps the
 * rounding-level entries (|entry| ~ 1e-7 |G|) negligible while the real ones still take Adam's step.
 */
const DIAGONAL_EPS = 1e-3;

/** Each case: the reference output and the tolerance of the comparison. */
const CASES: Array<{ c: ReferenceCase; rtol?: number; atol?: number }> = [
  { c: separable('sgd', 'sgd', { lr: 0.05 }, 5, MAIN) },
  { c: separable('sgd-momentum', 'sgd-momentum', { lr: 0.05 }, 5, MAIN) },
  { c: separable('sgd-momentum+wd+dampening', 'sgd-momentum', { lr: 0.05, weight_decay: 0.01, dampening: 0.1 }, 5, MAIN) },
  { c: separable('nesterov', 'nesterov', { lr: 0.05 }, 5, MAIN) },
  { c: separable('adam', 'adam', {}, 5, MAIN) },
  { c: separable('adam+wd', 'adam', { weight_decay: 0.01, lr: 0.01 }, 5, MAIN) },
  { c: separable('adamw', 'adamw', { lr: 0.01 }, 5, MAIN) },
  { c: separable('amsgrad', 'amsgrad', { lr: 0.01 }, 5, MAIN) },
  { c: separable('adagrad', 'adagrad', {}, 5, MAIN) },
  { c: separable('adagrad+decay', 'adagrad', { lr_decay: 0.01, weight_decay: 0.01, initial_accumulator_value: 0.1 }, 5, MAIN) },
  { c: separable('rmsprop', 'rmsprop', {}, 5, MAIN) },
  { c: separable('rmsprop+centered+momentum', 'rmsprop', { centered: true, momentum: 0.9, weight_decay: 0.01 }, 5, MAIN) },
  { c: separable('adafactor', 'adafactor', {}, 5, MAIN) },
  { c: separable('adafactor+beta1', 'adafactor', { lr: 0.01, relative_step: false, scale_parameter: false, beta1: 0.9, weight_decay: 0.01 }, 5, MAIN) },
  { c: separable('lamb', 'lamb', { lr: 0.01 }, 5, MAIN) },
  { c: separable('lamb+trust_clip', 'lamb', { lr: 0.01, trust_clip: true, grad_averaging: false, max_grad_norm: null }, 5, MAIN) },
  { c: separable('novograd', 'novograd', { lr: 0.01 }, 5, MAIN) },
  { c: separable('novograd+options', 'novograd', { lr: 0.01, grad_averaging: true, weight_decay: 0.01, amsgrad: true }, 5, MAIN) },
  { c: separable('lion', 'lion', {}, 5, MAIN) },
  { c: separable('lion+wd', 'lion', { lr: 1e-3, weight_decay: 0.1 }, 5, MAIN) },
  { c: separable('nadamw', 'nadamw', { lr: 0.01 }, 5, MAIN) },
  { c: separable('nadamw+options', 'nadamw', { lr: 0.01, betas: [0.95, 0.98], weight_decay: 0.1, eps: 1e-6, maximize: false }, 5, MAIN) },
  { c: mlp('nadamw-mlp', 'nadamw', { lr: 0.01 }, 5) },
  /** torch.optim.NAdam's algorithm (its docs' box: Dozat's momentum schedule, L2 decay); torch 1.13's code double-counts mu_t. */
  { c: separable('nadamw+torch-nadam', 'nadamw', { lr: 0.01, momentum_decay: 4e-3, decoupled_weight_decay: false, weight_decay: 0.01 }, 5, MAIN) },
  { c: separable('lars', 'lars', { lr: 2, weight_decay: 1e-4 }, 5, MAIN) },
  { c: separable('lars+nesterov+clip', 'lars', { lr: 0.5, weight_decay: 1e-3, nesterov: true, trust_clip: true }, 5, MAIN) },
  { c: separable('lars+dampening+always', 'lars', { lr: 1, weight_decay: 1e-3, dampening: 0.1, always_adapt: true, filter_bias_and_bn: false }, 5, MAIN) },
  { c: mlp('lars-mlp', 'lars', { lr: 5, weight_decay: 1e-4 }, 5) },
  { c: separable('signum', 'signum', {}, 5, MAIN) },
  { c: separable('signum+wd+l2', 'signum', { lr: 0.01, momentum: 0.5, weight_decay: 0.1, l2: 0.01 }, 5, MAIN) },
  { c: separable('signsgd', 'signum', { lr: 0.01, momentum: 0 }, 5, MAIN) },
  { c: separable('muon+match_rms_adamw', 'muon', { lr: 1e-3, weight_decay: 0.1, adjust_lr_fn: 'match_rms_adamw', adam_lr: 1e-3, adam_weight_decay: 0.1 }, 5, MAIN), rtol: 1e-4, atol: 1e-5 },
  { c: separable('adamw-8bit', 'adamw-8bit', { lr: 0.01 }, 6, MAIN) },
  { c: separable('paged-adamw-8bit', 'paged-adamw-8bit', {}, 4, MAIN) },
  { c: separable('muon', 'muon', {}, 5, MAIN), rtol: 1e-4, atol: 1e-5 },
  { c: separable('muon+options', 'muon', { nesterov: false, weight_decay: 0.01, adam_weight_decay: 0.01 }, 5, MAIN), rtol: 1e-4, atol: 1e-5 },
  { c: separable('schedule-free-adamw', 'schedule-free-adamw', {}, 5, MAIN) },
  { c: separable('schedule-free-adamw+warmup', 'schedule-free-adamw', { warmup_steps: 3, weight_decay: 0.01 }, 5, MAIN) },
  { c: separable('shampoo', 'shampoo', { max_preconditioner_dim: 32 }, 4, SHAMPOO_SHAPES), rtol: 2e-4, atol: 2e-5 },
  { c: separable('shampoo+ema', 'shampoo', { max_preconditioner_dim: 32, betas: [0.9, 0.99], weight_decay: 0.01, precondition_frequency: 2 }, 4, SHAMPOO_SHAPES), rtol: 2e-4, atol: 2e-5 },
  { c: separable('adam-mini', 'adam-mini', { lr: 0.01, dim: 16, n_heads: 4, weight_decay: 0.1 }, 5, ADAM_MINI_PARAMS.shapes, 7, ADAM_MINI_PARAMS.names) },
  { c: separable('came', 'came', { lr: 2e-4 }, 5, MAIN) },
  { c: separable('came+wd', 'came', { lr: 1e-3, weight_decay: 0.01, clip_threshold: 0.5 }, 5, MAIN) },
  { c: withProbes(separable('adahessian', 'adahessian', {}, 5, MAIN), 'rademacher') },
  { c: withProbes(mlp('adahessian-mlp', 'adahessian', { lr: 0.05 }, 5), 'rademacher'), rtol: 1e-4, atol: 1e-5 },
  { c: withProbes(separable('sophia', 'sophia', { lr: 0.01, hess_interval: 2 }, 6, MAIN), 'gaussian') },
  { c: sophiaGnb(), rtol: 1e-4, atol: 1e-5 },
  { c: separable('galore-adamw', 'galore-adamw', { lr: 0.01, rank: 4, update_proj_gap: 2 }, 6, GALORE_SHAPES), ...DECOMPOSITION_TOL },
  {
    c: separable('galore-adamw+full+wd', 'galore-adamw', { lr: 0.01, rank: 3, update_proj_gap: 3, proj_type: 'full', scale: 1, weight_decay: 0.1, correct_bias: false, eps: DIAGONAL_EPS }, 7, GALORE_SHAPES),
    ...DECOMPOSITION_TOL,
  },
  { c: separable('galore-adamw+reverse_std', 'galore-adamw', { lr: 0.01, rank: 4, update_proj_gap: 2, proj_type: 'reverse_std' }, 6, GALORE_SHAPES), ...DECOMPOSITION_TOL },
  { c: separable('galore-adamw+left', 'galore-adamw', { lr: 0.01, rank: 5, update_proj_gap: 2, proj_type: 'left', betas: [0.8, 0.99] }, 5, [[24, 10], [10, 24]]), ...DECOMPOSITION_TOL },
  { c: separable('galore-adamw+right', 'galore-adamw', { lr: 0.01, rank: 5, update_proj_gap: 2, proj_type: 'right', eps: 1e-8 }, 5, [[24, 10], [10, 24]]), ...DECOMPOSITION_TOL },
  { c: mlp('galore-adamw-mlp', 'galore-adamw', { lr: 0.01, rank: 3, update_proj_gap: 2 }, 6), ...DECOMPOSITION_TOL },
  { c: trace('galore-adamw-beale', 'galore-adamw', { lr: 0.01 }, 30, 'beale') },
  { c: withNoise(separable('soap', 'soap', { lr: 0.01, max_precond_dim: 20, precondition_frequency: 2 }, 7, SOAP_SHAPES), 0.3), ...DECOMPOSITION_TOL },
  {
    c: withNoise(separable('soap+merge+options', 'soap', {
      lr: 0.01, merge_dims: true, max_precond_dim: 20, precondition_frequency: 3, normalize_grads: true, shampoo_beta: 0.9,
      weight_decay: 0.05, correct_bias: false, betas: [0.9, 0.99],
    }, 8, SOAP_MERGE_SHAPES), 0.3),
    ...DECOMPOSITION_TOL,
  },
  /** channels_last 4-D: permuted (0, 3, 1, 2) to [2, 3, 4, 5], merged with max_precond_dim 6 to [6, 4, 5]. */
  { c: withNoise(separable('soap+channels_last', 'soap', { lr: 0.01, merge_dims: true, data_format: 'channels_last', max_precond_dim: 6, precondition_frequency: 2 }, 6, [[2, 4, 5, 3]]), 0.3), ...DECOMPOSITION_TOL },
  { c: trace('soap-rosenbrock', 'soap', { lr: 0.01 }, 30, 'rosenbrock') },
  /** precondition_1d on [x, y]: the first GG is rank one, but in 2-D its null space is one line, so the basis is unique up to sign. */
  { c: trace('soap-1d-rosenbrock', 'soap', { lr: 0.01, precondition_1d: true, precondition_frequency: 3, eps: DIAGONAL_EPS }, 30, 'rosenbrock'), ...DECOMPOSITION_TOL },
  { c: separable('ademamix', 'ademamix', { lr: 0.01 }, 5, MAIN) },
  { c: separable('ademamix+warmups+wd', 'ademamix', { lr: 0.01, alpha: 8, betas: [0.9, 0.999, 0.999], alpha_warmup: 3, beta3_warmup: 4, weight_decay: 0.1 }, 6, MAIN) },
  { c: separable('ademamix+beta1=0', 'ademamix', { lr: 0.01, betas: [0, 0.999, 0.99], alpha: 5 }, 5, MAIN) },
  { c: mlp('ademamix-mlp', 'ademamix', { lr: 0.01, alpha: 5, alpha_warmup: 4, beta3_warmup: 4 }, 6) },
  { c: separable('mars-adamw', 'mars-adamw', {}, 5, MAIN) },
  { c: withNoise(separable('mars-adamw+options', 'mars-adamw', { lr: 0.01, weight_decay: 0.01, gamma: 0.05, amsgrad: true, optimize_1d: true, betas: [0.9, 0.99] }, 6, MAIN), 0.3) },
  /** Cross-entropy gradients are small: here ||c_t|| stays under 1 for some tensors (no clipping) and the biases take the AdamW path. */
  { c: mlp('mars-adamw-mlp', 'mars-adamw', { lr: 0.01, lr_1d: 0.005, weight_decay: 0.1 }, 6) },
];

let reference: { torch: string; cases: Record<string, ReferenceResult> };
before(() => {
  reference = runReference(CASES.map((x) => x.c));
});

let nameCounter = 0;
function variablesFor(c: ReferenceCase): tf.Variable[] {
  nameCounter++;
  return c.params.map((p) => tf.variable(tf.tensor(p.values as number[], p.shape as number[]), true, `${c.key}/${p.name}/${nameCounter}`));
}

function probeSourceFor(c: ReferenceCase, vars: tf.Variable[]): ProbeSource | undefined {
  if (!c.probes) return undefined;
  return (shape, _kind, name, step) => {
    const i = vars.findIndex((v) => v.name === name);
    return tf.tensor(c.probes![step - 1]![i]!, [...shape]);
  };
}

function lossFor(c: ReferenceCase, vars: tf.Variable[]): () => tf.Scalar {
  if (c.problem === 'separable') {
    const s = c.separable!;
    const a = vars.map((v, i) => tf.tensor(s.a[i]!, v.shape));
    const cc = vars.map((v, i) => tf.tensor(s.c[i]!, v.shape));
    const t = vars.map((v, i) => tf.tensor(s.t[i]!, v.shape));
    return () =>
      tf.addN(
        vars.map((v, i) => {
          const d = tf.sub(v, t[i]!);
          const dd = tf.mul(d, d);
          return tf.sum(tf.add(tf.mul(tf.mul(tf.mul(0.5, a[i]!), d), d), tf.mul(tf.mul(tf.mul(0.25, cc[i]!), dd), dd)));
        }),
      ) as tf.Scalar;
  }
  if (c.problem === 'mlp') {
    const m = c.mlp!;
    const x = tf.tensor2d(m.x, m.xShape as [number, number]);
    const labels = tf.tensor1d(m.labels, 'int32');
    const [w1, b1, w2, b2] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    return () => crossEntropyTwice(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1 as tf.Tensor2D), b1)), w2 as tf.Tensor2D), b2) as tf.Tensor2D, labels);
  }
  const problem = c.trace!.problem as 'rosenbrock';
  return () => traceLoss(problem, vars[0]!);
}

/** Given gradient of the separable problem at step `at` (from 1), computed as the reference computes it. */
function separableGrads(c: ReferenceCase, vars: tf.Variable[], at: number): tf.Tensor[] {
  const s = c.separable!;
  return vars.map((v, i) =>
    tf.tidy(() => {
      const d = tf.sub(v, tf.tensor(s.t[i]!, v.shape));
      const g = tf.add(tf.mul(tf.tensor(s.a[i]!, v.shape), d), tf.mul(tf.tensor(s.c[i]!, v.shape), tf.mul(tf.mul(d, d), d)));
      return s.noise ? tf.add(g, tf.tensor(s.noise[at - 1]![i]!, v.shape)) : g;
    }),
  );
}

/** The separable case with Gaussian noise (std `scale`) added to each step's gradient, as minibatches would. */
function withNoise(c: ReferenceCase, scale: number, seed = 19): ReferenceCase {
  const rng = new Prng(seed);
  const noise = Array.from({ length: c.steps }, () => c.params.map((p) => rng.gaussian(numel(p.shape)).map((x) => Math.fround(scale * x))));
  return { ...c, separable: { ...c.separable!, noise } };
}

function step(opt: ProfilerOptimizer, c: ReferenceCase, vars: tf.Variable[], loss: () => tf.Scalar, at = 1): void {
  if (profilerOptimizer(c.optimizer).needsLoss || c.problem !== 'separable') {
    opt.minimize(loss, false, vars);
    return;
  }
  const grads = separableGrads(c, vars, at);
  opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
  tf.dispose(grads);
}

/** The mlp loss on the fixed "sampled" labels (Sophia's GNB estimator). */
function sampledLossFor(c: ReferenceCase, vars: tf.Variable[]): (() => tf.Scalar) | undefined {
  const sampled = c.mlp?.sampledLabels;
  if (!sampled) return undefined;
  return lossFor({ ...c, mlp: { ...c.mlp!, labels: sampled } }, vars);
}

function runTs(c: ReferenceCase): { trajectory: number[][][]; opt: ProfilerOptimizer; vars: tf.Variable[] } {
  const vars = variablesFor(c);
  const probe = probeSourceFor(c, vars);
  const sampledLoss = sampledLossFor(c, vars);
  const opt = createOptimizer(c.optimizer, c.hyper as Hyperparameters, { ...(probe ? { probe } : {}), ...(sampledLoss ? { sampledLoss } : {}) });
  const loss = lossFor(c, vars);
  const trajectory: number[][][] = [];
  for (let s = 0; s < c.steps; s++) {
    step(opt, c, vars, loss, s + 1);
    trajectory.push(vars.map((v) => Array.from(v.dataSync())));
  }
  return { trajectory, opt, vars };
}

function assertClose(actual: readonly number[], expected: readonly number[], rtol: number, atol: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let bad = 0;
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= atol + rtol * Math.abs(expected[i]!))) {
      bad++;
      if (!(err <= worstErr)) {
        worstErr = err;
        worst = i;
      }
    }
  }
  assert.equal(bad, 0, `${label}: ${bad} of ${expected.length} values differ; worst [${worst}] ${actual[worst]} vs ${expected[worst]}`);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`optimizers on ${backend} match the reference`, () => {
    before(async () => {
      await setUpTfjs(backend);
    });
    for (const { c, rtol = 1e-5, atol = 1e-6 } of CASES) {
      test(`${c.key} (${c.problem}, ${c.steps} steps)`, () => {
        const expected = reference.cases[c.key]!;
        const { trajectory, opt, vars } = runTs(c);
        trajectory.forEach((params, s) => params.forEach((values, i) => assertClose(values, expected.trajectory[s]![i]!, rtol, atol, `${c.key} step ${s + 1} ${c.params[i]!.name}`)));
        // The comparison is not vacuous: every parameter tensor moved well beyond the tolerance.
        c.params.forEach((p, i) => {
          const moved = Math.max(...expected.trajectory[c.steps - 1]![i]!.map((x, k) => Math.abs(x - p.values[k]!)));
          assert.ok(moved > 10 * (atol + rtol), `${c.key}: ${p.name} moved only ${moved}`);
        });
        if (opt.id === 'adahessian') assert.equal((opt as AdaHessianOptimizer).lastHessian?.method, 'autodiff');
        if (opt.id === 'sophia') assert.equal((opt as SophiaOptimizer).estimator, c.mlp?.sampledLabels ? 'gnb' : 'hutchinson');
        opt.dispose();
        tf.dispose(vars);
      });
    }
  });
}

describe('tfjs mechanics (cpu)', () => {
  before(async () => {
    await setUpTfjs('cpu');
  });

  test('every catalog id with a profiler implementation is registered, and the core ones are all there', () => {
    const ids = profilerOptimizerIds();
    for (const id of ['sgd', 'sgd-momentum', 'nesterov', 'adam', 'adamw', 'amsgrad', 'adagrad', 'rmsprop', 'adafactor', 'lamb', 'novograd', 'lion', 'adamw-8bit', 'paged-adamw-8bit', 'shampoo', 'muon', 'schedule-free-adamw', 'sophia', 'adahessian', 'galore-adamw', 'soap']) {
      assert.ok(ids.includes(id as never), `${id} is implemented`);
    }
    // Every catalog optimizer has a profiler implementation.
    assert.deepEqual(ids, [...OPTIMIZER_IDS]);
  });

  for (const id of profilerOptimizerIds()) {
    test(`${id}: no tensor leaks across steps, state round-trips through get/setWeights, config through the registry`, async () => {
      // GaLore and SOAP refresh their bases within the measured steps (GaLore at steps 4 and 7, SOAP at 3, 5, 7).
      const hyper: Hyperparameters =
        id === 'sophia' ? { hess_interval: 2 }
        : id === 'came' ? { lr: 2e-4 }
        : id === 'adam-mini' ? { dim: 8, n_heads: 2 }
        : id === 'galore-adamw' ? { rank: 8, update_proj_gap: 3 }
        : id === 'soap' ? { precondition_frequency: 2 }
        : {};
      const c = withProbes(separable(`mech-${id}`, id, {}, 8, [[70, 64], [6, 5], [5]], 5), id === 'sophia' ? 'gaussian' : 'rademacher');
      const vars = variablesFor(c);
      const opt = createOptimizer(id, hyper, { probe: probeSourceFor(c, vars)! });
      const loss = lossFor(c, vars);
      step(opt, c, vars, loss);
      step(opt, c, vars, loss);
      const before = tf.memory().numTensors;
      for (let s = 0; s < 2; s++) {
        step(opt, c, vars, loss);
        assert.equal(tf.memory().numTensors, before, `${id}: tensor count after step ${s + 3}`);
      }
      // get/setWeights: a second optimizer restored from a snapshot continues identically.
      const snapshotParams = vars.map((v) => tf.clone(v));
      const weights = (await opt.getWeights()).map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
      step(opt, c, vars, loss);
      step(opt, c, vars, loss);
      const afterA = vars.map((v) => Array.from(v.dataSync()));
      vars.forEach((v, i) => v.assign(snapshotParams[i]!));
      const restored = createOptimizer(id, hyper, { probe: probeSourceFor(c, vars)! });
      await restored.setWeights(weights);
      assert.equal(restored.iterations, opt.iterations - 2);
      step(restored, c, vars, loss);
      step(restored, c, vars, loss);
      vars.forEach((v, i) => assert.deepEqual(Array.from(v.dataSync()), afterA[i], `${id}: restored run differs in ${v.name}`));
      assert.deepEqual(restored.stateTensors().map((t) => [t.name, t.bytes]), opt.stateTensors().map((t) => [t.name, t.bytes]));
      // Serialization: the class is registered and rebuilds from its config.
      const cls = tf.serialization.SerializationMap.getMap().classNameMap[opt.getClassName()];
      assert.ok(cls, `${opt.getClassName()} is registered`);
      const rebuilt = cls[1](cls[0], opt.getConfig()) as ProfilerOptimizer;
      assert.deepEqual(rebuilt.getConfig(), opt.getConfig());
      assert.equal(rebuilt.id, id);
      tf.dispose([...snapshotParams, ...weights.map((w) => w.tensor), ...vars]);
      opt.dispose();
      restored.dispose();
      rebuilt.dispose();
    });
  }

  test('adamw-8bit keeps 1-byte codes: many distinct codes survive, equal to the reference, and state bytes are n + n + 8 per block', () => {
    const c = CASES.find((x) => x.c.key === 'adamw-8bit')!.c;
    const { opt, vars } = runTs(c);
    const expected = reference.cases[c.key]!.codes!['0']!;
    const held = opt.stateTensors().filter((t) => t.param === vars[0]!.name);
    const n = 70 * 64;
    const blocks = Math.ceil(n / 256);
    assert.deepEqual(held.map((t) => [t.name, t.dtype, t.bytes]), [
      ['state1', 'uint8', n], ['state2', 'uint8', n], ['absmax1', 'fp32', 4 * blocks], ['absmax2', 'fp32', 4 * blocks],
    ]);
    const internals = opt as unknown as { slot(p: string, s: string, i: () => tf.Tensor): tf.Variable };
    for (const [k, name] of [[0, 'state1'], [1, 'state2']] as const) {
      const codes = internals.slot(vars[0]!.name, name, () => tf.zeros([1])).dataSync() as Uint8Array;
      assert.ok(new Set(codes).size > 100, `${name}: ${new Set(codes).size} distinct codes (expected > 100)`);
      const same = codes.reduce((s, v, i) => s + (v === expected[k]![i] ? 1 : 0), 0);
      assert.ok(same >= codes.length * 0.999, `${name}: ${codes.length - same} of ${codes.length} codes differ from the reference`);
    }
    // The small tensors stay in fp32 (bitsandbytes min_8bit_size 4096).
    assert.deepEqual(opt.stateTensors().filter((t) => t.param === vars[1]!.name).map((t) => [t.name, t.dtype]), [['state1', 'fp32'], ['state2', 'fp32']]);
    assert.equal(opt.getClassName(), AdamW8bitOptimizer.className);
    opt.dispose();
    tf.dispose(vars);
  });

  test('the dynamic maps are the bitsandbytes maps: 256 sorted values, signed in (-1, 1], unsigned in [0, 1]', () => {
    const signed = Array.from(dynamicMap(true));
    const unsigned = Array.from(dynamicMap(false));
    assert.equal(signed.length, 256);
    assert.deepEqual(signed, [...signed].sort((a, b) => a - b));
    assert.equal(signed[255], 1);
    assert.equal(signed.filter((v) => v === 0).length, 1);
    assert.equal(signed.filter((v) => v < 0).length, 127);
    // Largest negative magnitude: the top-decade midpoint 10^0 * (0.1 + 0.9*(127/128)... ) = (0.9859375 + 1)/2.
    assert.ok(Math.abs(signed[0]! + (0.1 + (0.9 * 63) / 64 + 1) / 2) < 1e-7);
    assert.equal(unsigned[0], 0);
    assert.equal(unsigned.filter((v) => v > 0).length, 255);
    // Smallest positive unsigned value: 1e-6 * mean(0.1, 0.55).
    assert.ok(Math.abs(unsigned[1]! - 1e-6 * 0.325) < 1e-12);
  });

  test('hyperparameter errors are InputErrors naming the optimizer and key', () => {
    assert.throws(() => createOptimizer('adamw', { learning_rate: 1 }), (e: unknown) => e instanceof InputError && /adamw: unknown hyperparameter 'learning_rate'/.test(e.message));
    assert.throws(() => createOptimizer('adam', { betas: [0.9] }), (e: unknown) => e instanceof InputError && /betas/.test(e.message));
    assert.throws(() => createOptimizer('adafactor', { lr: 1e-3 }), (e: unknown) => e instanceof InputError && /relative_step/.test(e.message));
    assert.throws(() => createOptimizer('no-such'), (e: unknown) => e instanceof InputError && /unknown optimizer/.test(e.message));
    // A decay rate of 1 never forgets (Adam's bias correction 1 - beta^t would divide by zero): refused, and 0.999 accepted.
    for (const [id, key, at1] of [
      ['adamw', 'betas', [0.9, 1]], ['nadamw', 'betas', [1, 0.999]], ['lamb', 'betas', [0.9, 1]], ['sophia', 'betas', [0.965, 1]],
      ['mars-adamw', 'betas_1d', [0.9, 1]], ['muon', 'adam_betas', [0.9, 1]], ['signum', 'momentum', 1], ['ademamix', 'betas', [0.9, 0.999, 1]],
    ] as const) {
      assert.throws(() => createOptimizer(id, { [key]: at1 }), (e: unknown) => e instanceof InputError && e.message.includes(`${id}: hyperparameter '${key}' must be`) && e.message.includes('in [0, '), `${id} ${key}`);
    }
    createOptimizer('adamw', { betas: [0.9, 0.999] }).dispose();
    assert.throws(() => createOptimizer('galore-adamw', { proj_type: 'diagonal' }), (e: unknown) => e instanceof InputError && /galore-adamw: hyperparameter 'proj_type' must be one of std, reverse_std, left, right, full/.test(e.message));
    assert.throws(() => createOptimizer('galore-adamw', { proj_quant: true }), (e: unknown) => e instanceof InputError && /proj_quant=true is not modelled by the profiler/.test(e.message));
    assert.throws(() => createOptimizer('soap', { data_format: 'nhwc' }), (e: unknown) => e instanceof InputError && /soap: hyperparameter 'data_format'/.test(e.message));
  });

  test('reference defaults, not tfjs defaults: eps 1e-8, Adagrad accumulator 0, AdamW weight decay 0.01', () => {
    assert.equal(createOptimizer('adam').getConfig()['eps'], 1e-8);
    assert.equal(createOptimizer('rmsprop').getConfig()['eps'], 1e-8);
    assert.equal(createOptimizer('adagrad').getConfig()['initial_accumulator_value'], 0);
    assert.equal(createOptimizer('adamw').getConfig()['weight_decay'], 0.01);
  });

  test('AdaHessian by finite-difference Hessian-vector products (smooth loss) stays within 1e-3 of the double-backprop reference', () => {
    const c = CASES.find((x) => x.c.key === 'adahessian')!.c;
    const vars = variablesFor(c);
    const opt = createOptimizer('adahessian', c.hyper as Hyperparameters, { probe: probeSourceFor(c, vars)!, hvp: 'finite-difference' }) as AdaHessianOptimizer;
    const loss = lossFor(c, vars);
    const expected = reference.cases[c.key]!;
    const start = vars.map((v) => Array.from(v.dataSync()));
    for (let s = 0; s < c.steps; s++) opt.minimize(loss, false, vars);
    assert.equal(opt.lastHessian?.method, 'finite-difference');
    // Compare the total movement of each parameter with the reference's.
    vars.forEach((v, i) => {
      const moved = Array.from(v.dataSync()).map((x, k) => x - start[i]![k]!);
      const refMoved = expected.trajectory[c.steps - 1]![i]!.map((x, k) => x - start[i]![k]!);
      assertClose(moved, refMoved, 1e-3, 1e-6, `fd ${c.params[i]!.name}`);
    });
    opt.dispose();
    tf.dispose(vars);
  });
});
