/**
 * The small-matrix JavaScript path of SOAP and Muon (src/profiler/optimizers/small-matrix.ts; README:
 * Profiling on your machine): its products against a plain triple loop, the symmetric Gram product against
 * the full product (bit for bit), the size bound, and SOAP's and Muon's trajectories with the path on and off
 * (the tfjs ops) on the cpu and wasm backends. The torch references for both optimizers are in
 * profiler-optimizers.test.ts, whose shapes take this path.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { createOptimizer } from '../../src/profiler/optimizers';
import { gramF32, isSmallShape, matMulF32, setSmallMatrixPath, SMALL_MATRIX_MAX_ELEMENTS, smallMatrixUpdates } from '../../src/profiler/optimizers/small-matrix';
import { Prng } from '../reference/prng';
import { setUpTfjs } from '../reference/tfjs-env';

function randomMatrix(rng: Prng, n: number): Float32Array {
  return Float32Array.from(rng.gaussian(n));
}

/** op(A) op(B) by the definition, in float64. */
function naive(a: Float32Array, ar: number, ac: number, ta: boolean, b: Float32Array, br: number, bc: number, tb: boolean): Float64Array {
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const n = tb ? br : bc;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += (ta ? a[l * ac + i]! : a[i * ac + l]!) * (tb ? b[j * bc + l]! : b[l * bc + j]!);
      out[i * n + j] = s;
    }
  }
  return out;
}

describe('small-matrix algebra', () => {
  test('matMulF32 equals the float64 product rounded once, for every transpose and odd sizes', () => {
    const rng = new Prng(3);
    for (const [m, k, n] of [[1, 1, 1], [5, 7, 3], [32, 86, 32], [71, 32, 9]] as const) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = randomMatrix(rng, m * k);
          const b = randomMatrix(rng, k * n);
          const [ar, ac] = ta ? [k, m] : [m, k];
          const [br, bc] = tb ? [n, k] : [k, n];
          const got = matMulF32(a, ar, ac, ta, b, br, bc, tb);
          const want = naive(a, ar, ac, ta, b, br, bc, tb);
          assert.equal(got.length, m * n);
          // The float64 sums differ only in order; once rounded to float32 they agree to float32 precision.
          got.forEach((x, i) => assert.ok(Math.abs(x - want[i]!) <= 1e-6 * (1 + Math.abs(want[i]!)), `${m}x${k}x${n} ${ta} ${tb} at ${i}: ${x} vs ${want[i]}`));
        }
      }
    }
    assert.throws(() => matMulF32(new Float32Array(6), 2, 3, false, new Float32Array(6), 2, 3, false), /inner sizes 3 and 2/);
  });

  test('gramF32 equals the full product X X^T / X^T X bit for bit', () => {
    const rng = new Prng(5);
    for (const [r, c] of [[1, 1], [3, 5], [10, 1], [24, 10], [71, 32]] as const) {
      const x = randomMatrix(rng, r * c);
      assert.deepEqual(gramF32(x, r, c, false), matMulF32(x, r, c, false, x, r, c, true));
      assert.deepEqual(gramF32(x, r, c, true), matMulF32(x, r, c, true, x, r, c, false));
    }
  });

  test('the size bound', () => {
    assert.ok(isSmallShape([32, 86]) && isSmallShape([71, 32]) && isSmallShape([32]));
    assert.ok(!isSmallShape([64, 65]) && !isSmallShape([129]) && SMALL_MATRIX_MAX_ELEMENTS === 64 * 64);
  });
});

/** Runs `steps` steps of one optimizer on fixed gradients; returns the parameters and the state bytes. */
function trajectory(id: 'soap' | 'muon', fast: boolean, steps: number): { params: Float32Array[]; stateBytes: number; leaked: number } {
  setSmallMatrixPath(fast);
  try {
    const rng = new Prng(11);
    const shapes = [[12, 12], [10, 7], [7, 10], [9], [3, 4, 5]];
    const vars = shapes.map((s, i) => tf.variable(tf.tensor(randomMatrix(rng, s.reduce((a, b) => a * b, 1)), s), true, `small-${id}-${fast}-${i}`));
    const opt = createOptimizer(id, id === 'soap' ? { lr: 0.01, precondition_frequency: 2 } : { lr: 0.02, weight_decay: 0.1 });
    let leaked = 0;
    for (let t = 0; t < steps; t++) {
      const grads = Object.fromEntries(vars.map((v) => [v.name, tf.tensor(randomMatrix(rng, v.size), v.shape)]));
      const before = tf.memory().numTensors;
      opt.applyGradients(grads);
      if (t > 0) leaked = Math.max(leaked, tf.memory().numTensors - before);
      tf.dispose(Object.values(grads));
    }
    const params = vars.map((v) => Float32Array.from(v.dataSync()));
    const stateBytes = opt.stateBytes();
    tf.dispose(vars);
    opt.dispose();
    return { params, stateBytes, leaked };
  } finally {
    setSmallMatrixPath(true);
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`SOAP and Muon with and without the small-matrix path (${backend})`, () => {
    after(() => setSmallMatrixPath(true));
    for (const id of ['soap', 'muon'] as const) {
      test(`${id}: same trajectory within float32 rounding, same state, nothing leaked`, async () => {
        await setUpTfjs(backend);
        const before = smallMatrixUpdates();
        const js = trajectory(id, true, 7);
        const taken = smallMatrixUpdates() - before;
        const ops = trajectory(id, false, 7);
        assert.equal(smallMatrixUpdates() - before, taken, 'the path was taken while turned off');
        // SOAP: the four 1-D/2-D tensors on steps 2-7 ([3, 4, 5] keeps the tfjs ops); Muon: the four >= 2-D
        // tensors ([3, 4, 5] as 3 x 20) on all 7 (the 1-D one takes the auxiliary Adam).
        assert.equal(taken, id === 'soap' ? 4 * 6 : 4 * 7);
        assert.equal(js.stateBytes, ops.stateBytes);
        assert.equal(js.leaked, 0);
        let worst = 0;
        js.params.forEach((p, i) => p.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - ops.params[i]![j]!)))));
        assert.ok(worst < 1e-5, `largest difference ${worst}`);
      });
    }
  });
}
