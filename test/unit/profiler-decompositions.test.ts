/**
 * The decompositions behind the profiler's GaLore AdamW and SOAP (src/profiler/optimizers/dense-linalg.ts)
 * against closed-form answers, GaLore's singular-vector sign convention, and the state both optimizers
 * allocate against the catalog's per-tensor layout (src/core/optimizers/galore-adamw.ts, soap.ts) over the
 * shapes and options that change it. Trajectories against the torch references are in
 * profiler-optimizers.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { getOptimizer } from '../../src/core/optimizers';
import type { StateContext } from '../../src/core/optimizers/types';
import type { Hyperparameters, ParamTensor, TensorRole } from '../../src/core/types';
import { householderQ, symmetricEigen } from '../../src/profiler/optimizers/dense-linalg';
import { galoreSide, topSingularVectors } from '../../src/profiler/optimizers/galore-adamw';
import { createOptimizer } from '../../src/profiler/optimizers';
import { Prng } from '../reference/prng';
import { setUpTfjs } from '../reference/tfjs-env';

/** Unit sine vectors: column k (0-based) of the eigenvectors of tridiag(-1, 2, -1), sqrt(2/(n+1)) sin((j+1)(k+1)pi/(n+1)). */
function sineVector(n: number, k: number): number[] {
  return Array.from({ length: n }, (_, j) => Math.sqrt(2 / (n + 1)) * Math.sin(((j + 1) * (k + 1) * Math.PI) / (n + 1)));
}

/** The vector with its largest-magnitude entry made positive (GaLore's sign convention). */
function signFixed(v: readonly number[]): number[] {
  let best = 0;
  v.forEach((x, i) => {
    if (Math.abs(x) > Math.abs(v[best]!)) best = i;
  });
  return v[best]! < 0 ? v.map((x) => -x) : [...v];
}

/** `count` orthonormal vectors of size n: classical Gram-Schmidt, twice, on uniform random vectors. */
function orthonormal(count: number, n: number, rng: Prng): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < count; k++) {
    let v = rng.uniform(n, -1, 1);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of out) {
        const dot = u.reduce((acc, x, i) => acc + x * v[i]!, 0);
        v = v.map((x, i) => x - dot * u[i]!);
      }
    }
    const norm = Math.sqrt(v.reduce((acc, x) => acc + x * x, 0));
    out.push(v.map((x) => x / norm));
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('dense linear algebra (float64)', () => {
  test('Jacobi eigen-decomposition of tridiag(-1, 2, -1): eigenvalues 2 - 2cos(k pi/(n+1)), sine eigenvectors, largest first', () => {
    const n = 12;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = 2;
      if (i > 0) a[i * n + i - 1] = -1;
      if (i + 1 < n) a[i * n + i + 1] = -1;
    }
    const { values, vectors, sweeps } = symmetricEigen(a, n);
    assert.ok(sweeps < 20, `${sweeps} sweeps`);
    for (let j = 0; j < n; j++) {
      const k = n - 1 - j; // largest first: k = n-1 has the largest 2 - 2cos
      assert.ok(Math.abs(values[j]! - (2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)))) < 1e-12, `eigenvalue ${j}`);
      const expected = sineVector(n, k);
      const got = Array.from({ length: n }, (_, i) => vectors[i * n + j]!);
      const sign = Math.sign(got.reduce((s, x, i) => s + x * expected[i]!, 0));
      assert.ok(maxAbsDiff(got.map((x) => sign * x), expected) < 1e-12, `eigenvector ${j}`);
    }
  });

  test('a rank-deficient PSD matrix (the first GG of a wide gradient): exact zero eigenvalues, orthonormal eigenvectors', () => {
    const rng = new Prng(5);
    const m = 8;
    const cols = 3;
    const g = rng.uniform(m * cols, -1, 1);
    const gg = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < cols; k++) gg[i * m + j] = gg[i * m + j]! + g[i * cols + k]! * g[j * cols + k]!;
    const { values, vectors } = symmetricEigen(gg, m);
    for (let j = cols; j < m; j++) assert.ok(Math.abs(values[j]!) < 1e-13, `eigenvalue ${j}: ${values[j]}`);
    for (let p = 0; p < m; p++) {
      for (let q = 0; q < m; q++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += vectors[i * m + p]! * vectors[i * m + q]!;
        assert.ok(Math.abs(dot - (p === q ? 1 : 0)) < 1e-13);
      }
    }
  });

  test('Householder QR: Q has orthonormal columns and Q^T A is upper triangular with Q (Q^T A) = A, also for a singular A', () => {
    const rng = new Prng(9);
    const n = 7;
    const full = rng.uniform(n * n, -1, 1);
    const singular = [...full];
    for (let i = 0; i < n; i++) singular[i * n + 3] = 2 * singular[i * n + 1]! - singular[i * n + 5]!; // column 3 dependent
    for (const a of [full, singular]) {
      const q = householderQ(a, n, n);
      const r = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) r[i * n + j] = r[i * n + j]! + q[k * n + i]! * a[k * n + j]!;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let dot = 0;
          for (let k = 0; k < n; k++) dot += q[k * n + i]! * q[k * n + j]!;
          assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-13, 'orthonormal');
          if (i > j) assert.ok(Math.abs(r[i * n + j]!) < 1e-13, `R[${i}][${j}] = ${r[i * n + j]}`);
          let back = 0;
          for (let k = 0; k < n; k++) back += q[i * n + k]! * r[k * n + j]!;
          assert.ok(Math.abs(back - a[i * n + j]!) < 1e-13, 'QR = A');
        }
      }
    }
  });

  test('GaLore: top singular vectors of U diag(s) V^T, with the largest-magnitude entry of each made positive', () => {
    const m = 9;
    const n = 6;
    const s = [5, 3, 2, 1.5, 1, 0.5];
    // Orthonormal U (m x 6) and V (n x 6) by Gram-Schmidt on random vectors (no ties in magnitude).
    const rng = new Prng(13);
    const U = orthonormal(s.length, m, rng);
    const V = orthonormal(s.length, n, rng);
    const g = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) g[i * n + j] = s.reduce((acc, sk, k) => acc + sk * U[k]![i]! * V[k]![j]!, 0);
    const r = 4;
    const right = topSingularVectors(g, m, n, r, 'right'); // Vh[:r, :], r x n
    const left = topSingularVectors(g, m, n, r, 'left'); // U[:, :r], m x r
    for (let k = 0; k < r; k++) {
      const gotV = Array.from({ length: n }, (_, j) => right[k * n + j]!);
      const gotU = Array.from({ length: m }, (_, i) => left[i * r + k]!);
      assert.ok(maxAbsDiff(gotV, signFixed(V[k]!)) < 1e-6, `right vector ${k}: ${gotV} vs ${signFixed(V[k]!)}`);
      assert.ok(maxAbsDiff(gotU, signFixed(U[k]!)) < 1e-6, `left vector ${k}`);
    }
    // Which side 'std' keeps: the smaller one.
    assert.equal(galoreSide('std', 24, 10), 'right');
    assert.equal(galoreSide('std', 10, 24), 'left');
    assert.equal(galoreSide('reverse_std', 24, 10), 'left');
    assert.equal(galoreSide('full', 3, 4), 'full');
  });
});

describe('state tensors equal the catalog layout', () => {
  before(async () => {
    await setUpTfjs('cpu');
  });

  interface Param {
    readonly name: string;
    readonly shape: number[];
    readonly role: TensorRole;
  }

  function check(id: 'galore-adamw' | 'soap', hyper: Hyperparameters, params: readonly Param[]): void {
    const spec = getOptimizer(id);
    const ctx: StateContext = { paramDtype: 'fp32', hyper: { ...spec.defaults, ...hyper }, variant: spec.variant };
    const rng = new Prng(3);
    const vars = params.map((p, i) => tf.variable(tf.tensor(rng.uniform(p.shape.reduce((a, b) => a * b, 1), -1, 1), p.shape), true, `layout/${id}/${i}/${Math.random()}`));
    const roles = new Map(vars.map((v, i) => [v.name, params[i]!.role]));
    const opt = createOptimizer(id, hyper, { roleOf: (name) => roles.get(name) });
    for (let s = 0; s < 2; s++) {
      const grads = vars.map((v) => tf.tensor(rng.uniform(v.size, -1, 1), v.shape));
      opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
      tf.dispose(grads);
    }
    const held = opt.stateTensors();
    params.forEach((p, i) => {
      const tensor: ParamTensor = { name: p.name, shape: p.shape, role: p.role, trainable: true, module: p.name };
      const expected = spec.stateFor(tensor, ctx).map((t) => [t.name, t.shape, t.dtype, t.bytes]);
      const got = held.filter((t) => t.param === vars[i]!.name).map((t) => [t.name, t.shape, t.dtype, t.bytes]);
      assert.deepEqual(got, expected, `${id} ${JSON.stringify(hyper)} ${p.name} ${JSON.stringify(p.shape)}`);
    });
    opt.dispose();
    tf.dispose(vars);
  }

  const galoreParams: Param[] = [
    { name: 'q_proj.weight', shape: [24, 10], role: 'matrix' },
    { name: 'down_proj.weight', shape: [10, 24], role: 'matrix' },
    { name: 'embed_tokens.weight', shape: [30, 8], role: 'embedding' },
    { name: 'lm_head.weight', shape: [30, 8], role: 'lm-head' },
    { name: 'norm.weight', shape: [10], role: 'norm' },
    { name: 'conv.weight', shape: [4, 3, 2, 2], role: 'conv' },
  ];

  test('GaLore AdamW: projector and low-rank moments for matrices (std, reverse_std, left, right, full; rank above a side), full moments elsewhere', () => {
    for (const hyper of [
      { rank: 4 },
      { rank: 4, proj_type: 'reverse_std' },
      { rank: 4, proj_type: 'left' },
      { rank: 4, proj_type: 'right' },
      { rank: 3, proj_type: 'full' },
      { rank: 128 },
    ] as Hyperparameters[]) {
      check('galore-adamw', hyper, galoreParams);
    }
  });

  test('catalog: GaLore proj_quant packs the projector (int4 in uint8) only for proj_type std; left/right/reverse_std keep the float matrix beside the scales and zeros, full never quantises', () => {
    // The profiler runs proj_quant=false only, so this checks the catalog against galore_projector.py alone.
    const spec = getOptimizer('galore-adamw');
    const layout = (proj_type: string) => {
      const ctx: StateContext = { paramDtype: 'bf16', hyper: { ...spec.defaults, rank: 8, proj_quant: true, proj_type }, variant: spec.variant };
      const tensor: ParamTensor = { name: 'q_proj.weight', shape: [512, 256], role: 'matrix', trainable: true, module: 'q_proj' };
      return spec.stateFor(tensor, ctx).filter((t) => t.name.startsWith('projector')).map((t) => [t.name, t.shape, t.dtype]);
    };
    // std, m >= n: Vh[:8, :] is [8, 256] = 2048 values = 8 groups of 256.
    assert.deepEqual(layout('std'), [
      ['projector.ortho_matrix', [8, 128], 'uint8'], ['projector.ortho_matrix_scales', [8, 1], 'bf16'], ['projector.ortho_matrix_zeros', [8, 1], 'bf16'],
    ]);
    assert.deepEqual(layout('left'), [
      ['projector.ortho_matrix', [512, 8], 'bf16'], ['projector.ortho_matrix_scales', [16, 1], 'bf16'], ['projector.ortho_matrix_zeros', [16, 1], 'bf16'],
    ]);
    assert.deepEqual(layout('full'), [['projector.ortho_matrix.0', [512, 8], 'bf16'], ['projector.ortho_matrix.1', [8, 256], 'bf16']]);
  });

  test('SOAP: GG/Q per dimension up to max_precond_dim, merge_dims (channels_first and channels_last), precondition_1d', () => {
    const params: Param[] = [
      { name: 'w', shape: [24, 10], role: 'matrix' },
      { name: 'conv', shape: [4, 3, 2, 5], role: 'conv' },
      { name: 'b', shape: [10], role: 'bias' },
      { name: 'big', shape: [30, 4], role: 'embedding' },
    ];
    for (const hyper of [
      {},
      { max_precond_dim: 20 },
      { max_precond_dim: 20, merge_dims: true },
      { max_precond_dim: 12, merge_dims: true, data_format: 'channels_last' },
      { precondition_1d: true, max_precond_dim: 12 },
    ] as Hyperparameters[]) {
      check('soap', hyper, params);
    }
  });
});
