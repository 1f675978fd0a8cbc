/**
 * The fused optimizer kernels (src/profiler/kernels): the WebAssembly binary writer, the SIMD kernels
 * against float32 formulas written out here, the fused optimizers against the tfjs-op optimizers
 * (bit for bit) and against torch reference trajectories, the in-place safety rules, and the
 * bandwidth measurement's byte accounting.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../src/core/types';
import { createBandwidthInputs, matrixShape, measureCopyBandwidth, measureOptimizerBandwidth, timingOrders } from '../../src/profiler/kernels/bandwidth';
import { createFusedOptimizer, FUSED_OPTIMIZERS, type FusedStats } from '../../src/profiler/kernels/fused-optimizers';
import { jsBlockKernel, jsKernel, kernelSource } from '../../src/profiler/kernels/js-kernels';
import {
  ADAMW_8BIT_KERNEL, ADAMW_KERNEL, adamw8bitScalars, adafactorApplySpec, BLOCKWISE_KERNELS, blockwiseScratchFloats, CAME_MOMENT_KERNEL, factoredStatsSpec, KERNELS, LION_KERNEL, multiRowSpec, SGD_MOMENTUM_KERNEL, type KernelSpec,
} from '../../src/profiler/kernels/kernel-spec';
import { nearestCode, quantize, quantTable, thresholds } from '../../src/profiler/kernels/quant-table';
import { instantiateKernels, kernelModuleBytes, simdSupported } from '../../src/profiler/kernels/simd-kernels';
import { kernelPath } from '../../src/profiler/kernels/storage';
import { wasmApi } from '../../src/profiler/kernels/wasm-api';
import { sleb, uleb } from '../../src/profiler/kernels/wasm-binary';
import { createOptimizer, type ProfilerOptimizer } from '../../src/profiler/optimizers';
import { dynamicMap, quantizeBlockwise } from '../../src/profiler/optimizers/blockwise-8bit';
import { Prng } from '../reference/prng';
import { runReference, type ReferenceCase, type ReferenceParam, type ReferenceResult } from '../reference/python';
import { setUpTfjs } from '../reference/tfjs-env';

const F = Math.fround;

describe('WebAssembly binary writer', () => {
  test('LEB128 encodings (WebAssembly spec 5.2.2 examples)', () => {
    assert.deepEqual(uleb(0), [0x00]);
    assert.deepEqual(uleb(127), [0x7f]);
    assert.deepEqual(uleb(128), [0x80, 0x01]);
    assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
    assert.deepEqual(sleb(-1), [0x7f]);
    assert.deepEqual(sleb(-4), [0x7c]);
    assert.deepEqual(sleb(63), [0x3f]);
    assert.deepEqual(sleb(64), [0xc0, 0x00]);
    assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  });

  test('the kernel module validates, with one export per kernel plus copy', () => {
    const bytes = kernelModuleBytes();
    assert.deepEqual([...bytes.slice(0, 8)], [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    assert.equal(simdSupported(), true);
    assert.equal(wasmApi.validate(bytes), true);
    const memory = new wasmApi.Memory({ initial: 1 });
    const k = instantiateKernels(memory);
    assert.deepEqual([...k.kernels.keys()], [...KERNELS, ...BLOCKWISE_KERNELS].map((s) => s.name));
  });
});

/** n float32 values in [lo, hi). */
function values(rng: Prng, n: number, lo: number, hi: number): Float32Array {
  return Float32Array.from(rng.uniform(n, lo, hi));
}

describe('SIMD and JavaScript kernels compute the update formulas in float32', () => {
  // 37 elements: 9 SIMD iterations of 4 and a scalar tail of 1.
  const n = 37;
  const memory = new wasmApi.Memory({ initial: 1 });
  const simd = instantiateKernels(memory);
  const heap = () => new Float32Array(memory.buffer);
  /** Puts arrays at 16-byte aligned offsets in the heap; returns their byte offsets. */
  function place(arrays: Float32Array[]): number[] {
    return arrays.map((a, i) => {
      const offset = 1024 + i * 256;
      heap().set(a, offset / 4);
      return offset;
    });
  }
  const read = (offset: number) => heap().slice(offset / 4, offset / 4 + n);

  test('adamw: m, v and p after one step, each operation rounded to float32', () => {
    const rng = new Prng(5);
    const p = values(rng, n, -1, 1);
    const g = values(rng, n, -1, 1);
    const m = values(rng, n, -0.1, 0.1);
    const v = values(rng, n, 0, 0.01);
    const [decay, b1, c1, b2, c2, bc2sqrt, eps, stepSize] = [1 - 1e-3 * 0.1, 0.9, 0.1, 0.999, 0.001, Math.sqrt(1 - 0.999 ** 3), 1e-8, 1e-3 / (1 - 0.9 ** 3)].map(F);
    const expectM = m.map((x, i) => F(F(x * b1!) + F(g[i]! * c1!)));
    const expectV = v.map((x, i) => F(F(x * b2!) + F(F(g[i]! * g[i]!) * c2!)));
    const expectP = p.map((x, i) => F(F(x * decay!) - F(F(expectM[i]! / F(F(F(Math.sqrt(expectV[i]!)) / bc2sqrt!) + eps!)) * stepSize!)));
    const [op, og, om, ov] = place([p, g, m, v]);
    simd.kernels.get('adamw')!(op!, og!, om!, ov!, n, decay!, b1!, c1!, b2!, c2!, bc2sqrt!, eps!, stepSize!);
    assert.deepEqual(read(om!), expectM);
    assert.deepEqual(read(ov!), expectV);
    assert.deepEqual(read(op!), expectP);
    const arrays = [p.slice(), g.slice(), m.slice(), v.slice()];
    jsKernel('adamw')(arrays, n, [decay!, b1!, c1!, b2!, c2!, bc2sqrt!, eps!, stepSize!]);
    assert.deepEqual(arrays[0], expectP);
    assert.deepEqual(arrays[2], expectM);
  });

  test('lion: sign of the interpolation, including exact zeros', () => {
    const rng = new Prng(6);
    const p = values(rng, n, -1, 1);
    const g = values(rng, n, -1, 1);
    const m = values(rng, n, -1, 1);
    // Element 0: b1*m + c1*g is exactly 0 (m = g = 0), so sign is 0 and p only decays.
    m[0] = 0;
    g[0] = 0;
    const [decay, lr, b1, c1, b2, c2] = [1 - 1e-4 * 0.3, 1e-4, 0.9, 0.1, 0.99, 0.01].map(F);
    const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);
    const expectP = p.map((x, i) => F(F(x * decay!) - F(sign(F(F(m[i]! * b1!) + F(g[i]! * c1!))) * lr!)));
    const expectM = m.map((x, i) => F(F(x * b2!) + F(g[i]! * c2!)));
    const [op, og, om] = place([p, g, m]);
    simd.kernels.get('lion')!(op!, og!, om!, n, decay!, lr!, b1!, c1!, b2!, c2!);
    assert.deepEqual(read(op!), expectP);
    assert.deepEqual(read(om!), expectM);
    assert.equal(read(op!)[0], F(p[0]! * decay!));
  });

  test('sgd_momentum: first step copies d into the buffer; Nesterov adds momentum*buf', () => {
    const rng = new Prng(7);
    const p = values(rng, n, -1, 1);
    const g = values(rng, n, -1, 1);
    const buf = new Float32Array(n);
    const [wd, lr, mu] = [0.01, 0.05, 0.9].map(F);
    const d = p.map((x, i) => F(g[i]! + F(x * wd!)));
    // First Nesterov step: buf = d; p -= (d + mu*buf)*lr.
    const expectP = p.map((x, i) => F(x - F(F(d[i]! + F(d[i]! * mu!)) * lr!)));
    const [op, og, ob] = place([p, g, buf]);
    simd.kernels.get('sgd_momentum')!(op!, og!, ob!, n, wd!, 0, 1, 1, mu!, lr!);
    assert.deepEqual(read(ob!), d);
    assert.deepEqual(read(op!), expectP);
  });

  test('every kernel: the WebAssembly SIMD function and the JavaScript loop of its spec store the same float32 values and the same sums', () => {
    const rng = new Prng(11);
    for (const spec of KERNELS) {
      // Positive inputs (square roots of states stay real); scalars in (0, 1].
      const inputs = spec.arrays.map(() => values(rng, n, 0.05, 1));
      const scalars = spec.scalars.map(() => F(rng.uniform(1, 0.05, 1)[0]!));
      const offsets = place(inputs.map((a) => a.slice()));
      const wasmSums = simd.kernels.get(spec.name)!(...offsets, n, ...scalars);
      const js = inputs.map((a) => a.slice());
      const jsSums = jsKernel(spec.name)(js, n, scalars);
      // Arrays the second pass stores depend on the sums (added in another order): equal to rounding there.
      const second = new Set((spec.then ?? []).flatMap((st) => (st.k === 'store' ? [st.array] : [])));
      spec.arrays.forEach((name, i) => {
        if (!second.has(name)) return assert.deepEqual(read(offsets[i]!), js[i], `${spec.name}: array ${name}`);
        read(offsets[i]!).forEach((x, j) => assert.ok(Math.abs(x - js[i]![j]!) <= 1e-6 * Math.abs(js[i]![j]!), `${spec.name}: array ${name}[${j}] ${x} vs ${js[i]![j]}`));
      });
      const sums = spec.sums ?? [];
      const got = sums.length === 0 ? [] : sums.length === 1 ? [wasmSums as number] : (wasmSums as number[]);
      assert.equal(got.length, sums.length, spec.name);
      assert.equal(jsSums.length, sums.length, spec.name);
      got.forEach((x, k) => assert.ok(Math.abs(x - jsSums[k]!) <= 1e-6 * Math.abs(jsSums[k]!), `${spec.name}: sum ${sums[k]} ${x} vs ${jsSums[k]}`));
    }
  });

  test('sums: the sum of squares over 37 elements (SIMD lanes and the scalar tail), exact for small integers', () => {
    const g = Float32Array.from({ length: n }, (_, i) => i + 1);
    const [og] = place([g]);
    assert.equal(simd.kernels.get('sumsq')!(og!, n), (n * (n + 1) * (2 * n + 1)) / 6);
    assert.deepEqual(jsKernel('sumsq')([g], n, []), [(n * (n + 1) * (2 * n + 1)) / 6]);
  });

  test('amsgrad: vmax is the running maximum of v, and p is normalised by it', () => {
    const rng = new Prng(12);
    const p = values(rng, n, -1, 1);
    const g = values(rng, n, -1, 1);
    const m = values(rng, n, -0.1, 0.1);
    const v = values(rng, n, 0, 0.01);
    const vmax = values(rng, n, 0, 0.02);
    const [decay, b1, c1, b2, c2, bc2sqrt, eps, stepSize] = [1, 0.9, 0.1, 0.999, 0.001, Math.sqrt(1 - 0.999 ** 2), 1e-8, 1e-3 / (1 - 0.9 ** 2)].map(F);
    const expectM = m.map((x, i) => F(F(x * b1!) + F(g[i]! * c1!)));
    const expectV = v.map((x, i) => F(F(x * b2!) + F(F(g[i]! * g[i]!) * c2!)));
    const expectMax = vmax.map((x, i) => Math.max(x, expectV[i]!));
    const expectP = p.map((x, i) => F(F(x * decay!) - F(F(expectM[i]! / F(F(F(Math.sqrt(expectMax[i]!)) / bc2sqrt!) + eps!)) * stepSize!)));
    const [op, og, om, ov, ox] = place([p, g, m, v, vmax]);
    simd.kernels.get('amsgrad')!(op!, og!, om!, ov!, ox!, n, decay!, b1!, c1!, b2!, c2!, bc2sqrt!, eps!, stepSize!);
    assert.deepEqual(read(ox!), expectMax);
    assert.deepEqual(read(op!), expectP);
    assert.ok(expectMax.some((x, i) => x !== expectV[i]) && expectMax.some((x, i) => x === expectV[i]), 'both sides of the maximum occur');
  });

  test("factored statistics: column sums, row sums, then the row's new moment and g^2 / it into the column weights, in one call", () => {
    const rng = new Prng(23);
    const g = values(rng, n, -1, 1);
    const pv = values(rng, n, -1, 1);
    const col = values(rng, n, 0, 0.5);
    const w = values(rng, n, 0, 0.5);
    const [eps1, beta, oneMinusBeta] = [1e-30, 0.8, 0.2].map(F);
    const old = F(0.37);
    const expectCol = col.map((x, i) => F(x + F(F(g[i]! * g[i]!) + eps1!)));
    const [op, og, oc, ow] = place([pv, g, col, w]);
    const [rowSum, pp] = simd.kernels.get('factored_stats_p')!(op!, og!, oc!, ow!, n, old, eps1!, beta!, oneMinusBeta!, n) as number[];
    assert.deepEqual(read(oc!), expectCol);
    const plain = g.reduce((s, x) => s + F(F(x * x) + eps1!), 0);
    assert.ok(Math.abs(rowSum! - plain) <= 1e-5 * plain, `row sum ${rowSum} vs ${plain}`);
    assert.ok(Math.abs(pp! - pv.reduce((s, x) => s + x * x, 0)) <= 1e-4);
    // The row's new moment from the returned sum, as fused-reductions' ema; its reciprocal weighs g^2.
    const inv = (sum: number) => F(1 / F(F(old * beta!) + F(F(F(sum) / n) * oneMinusBeta!)));
    assert.deepEqual(read(ow!), w.map((x, i) => F(x + F(F(g[i]! * g[i]!) * inv(rowSum!)))));
    const arrays = [pv.slice(), g.slice(), col.slice(), w.slice()];
    const [jsSum] = jsKernel('factored_stats_p')(arrays, n, [old, eps1!, beta!, oneMinusBeta!, n]);
    assert.deepEqual(arrays[2], expectCol);
    assert.deepEqual(arrays[3], w.map((x, i) => F(x + F(F(g[i]! * g[i]!) * inv(jsSum!)))));
  });

  test('multi-row kernels: one call over 4 rows stores the same float32 values and sums as 4 one-row calls', () => {
    const rng = new Prng(19);
    const cols = 9; // two SIMD iterations and a tail
    const cases: Array<{ one: KernelSpec; columns: string[]; rowScalar: boolean }> = [
      { one: factoredStatsSpec(true), columns: ['col', 'w'], rowScalar: true },
      { one: adafactorApplySpec(true), columns: ['c'], rowScalar: true },
      { one: CAME_MOMENT_KERNEL, columns: ['c', 'rescol'], rowScalar: true },
    ];
    for (const { one, columns, rowScalar } of cases) {
      const many = multiRowSpec(one, columns, rowScalar);
      const column = new Set(columns);
      // Matrices of 4 rows, column vectors of one.
      const data = one.arrays.map((a) => values(rng, column.has(a) ? cols : 4 * cols, 0.05, 1));
      const scalars = one.scalars.map(() => F(rng.uniform(1, 0.05, 1)[0]!));
      const rowScalars = rowScalar ? values(rng, 4, 0.5, 2) : null;
      const byRow = data.map((a) => a.slice());
      const rowSums: number[] = [];
      for (let r = 0; r < 4; r++) {
        const arrays = one.arrays.map((a, i) => (column.has(a) ? byRow[i]! : byRow[i]!.subarray(r * cols, (r + 1) * cols)));
        rowSums.push(...jsKernel(one.name)(arrays, cols, rowScalars ? [rowScalars[r]!, ...scalars.slice(1)] : scalars));
      }
      const together = data.map((a) => a.slice());
      const arrays = one.arrays.flatMap((a, i) => (column.has(a) ? [together[i]!] : [0, 1, 2, 3].map((r) => together[i]!.subarray(r * cols, (r + 1) * cols))));
      const sums = jsKernel(many.name)(arrays, cols, rowScalars ? [...rowScalars, ...scalars.slice(1)] : scalars);
      assert.deepEqual(together, byRow, `${many.name}: arrays`);
      assert.deepEqual(sums, rowSums, `${many.name}: sums`);
    }
  });

  test('the JavaScript loop is generated from the same spec (every store of the spec appears)', () => {
    for (const spec of [ADAMW_KERNEL, LION_KERNEL, SGD_MOMENTUM_KERNEL]) {
      const src = kernelSource(spec);
      for (const s of spec.body) if (s.k === 'store') assert.match(src, new RegExp(`\\b${s.array}\\[i\\] =`));
    }
  });
});

/** The 8-bit state arrays of one tensor. */
interface EightBit {
  readonly p: Float32Array;
  readonly g: Float32Array;
  readonly codes1: Uint8Array;
  readonly codes2: Uint8Array;
  readonly absmax1: Float32Array;
  readonly absmax2: Float32Array;
}

const SIGNED = dynamicMap(true);
const UNSIGNED = dynamicMap(false);

/** adamw_8bit's scalars for one step (as the fused optimizer passes them). */
const scalars8bit = adamw8bitScalars;

function copy8bit(a: EightBit): EightBit {
  return { p: a.p.slice(), g: a.g.slice(), codes1: a.codes1.slice(), codes2: a.codes2.slice(), absmax1: a.absmax1.slice(), absmax2: a.absmax2.slice() };
}

/** One adamw_8bit step by the JavaScript loop generated from the spec (in place). */
function step8bitJs(a: EightBit, scalars: number[]): void {
  jsBlockKernel('adamw_8bit')(
    [a.p, a.g],
    [{ codes: a.codes1, absmax: a.absmax1, map: SIGNED, table: quantTable(SIGNED) }, { codes: a.codes2, absmax: a.absmax2, map: UNSIGNED, table: quantTable(UNSIGNED) }],
    a.p.length,
    scalars,
  );
}

/** One adamw_8bit step by the WebAssembly SIMD kernel on a fresh memory (in place, through copies in the heap). */
function step8bitWasm(a: EightBit, scalars: number[]): void {
  const memory = new wasmApi.Memory({ initial: 24 });
  const kernel = instantiateKernels(memory).kernels.get('adamw_8bit')!;
  let next = 64;
  const put = (x: Float32Array | Uint8Array | Uint32Array): number => {
    const at = next;
    new Uint8Array(memory.buffer, at, x.byteLength).set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    next = at + Math.ceil(x.byteLength / 16) * 16 + 16;
    return at;
  };
  const arrays = [a.p, a.g, a.codes1, a.absmax1, SIGNED, quantTable(SIGNED), a.codes2, a.absmax2, UNSIGNED, quantTable(UNSIGNED), new Float32Array(blockwiseScratchFloats(ADAMW_8BIT_KERNEL))];
  const offsets = arrays.map(put);
  kernel(...offsets, a.p.length, ...scalars);
  for (const k of [0, 2, 3, 6, 7]) {
    const x = arrays[k]!;
    new Uint8Array(x.buffer, x.byteOffset, x.byteLength).set(new Uint8Array(memory.buffer, offsets[k]!, x.byteLength));
  }
}

/** Independent nearest code: scan the whole map, first minimum (ties to the lower index). */
function nearestByScan(map: Float32Array, x: number): number {
  let best = 0;
  for (let k = 1; k < 256; k++) if (Math.abs(F(x - map[k]!)) < Math.abs(F(x - map[best]!))) best = k;
  return best;
}

describe('the 8-bit AdamW kernel', () => {
  test('quantisation table: the code of every threshold, its float neighbours, the edges of its group and the neighbouring groups, every map value, +-1 and their neighbours and 20000 random values in [-1, 1] is the nearest code (ties to the lower index)', () => {
    const rng = new Prng(13);
    const next = (x: number, d: number) => {
      const b = new Float32Array([x]);
      const u = new Int32Array(b.buffer);
      u[0]! += x >= 0 ? d : -d;
      return b[0]!;
    };
    for (const map of [SIGNED, UNSIGNED]) {
      const table = quantTable(map);
      // A value times its block's rounded reciprocal of absmax lies in [-1, 1] or one float beyond: +-1's neighbours too.
      const xs: number[] = [0, -0, 1, -1, ...[-2, -1, 1, 2].flatMap((d) => [next(1, d), next(-1, d)])];
      for (const t of thresholds(map)) for (let d = -2; d <= 2; d++) xs.push(next(t, d));
      // The edges of each threshold's group of floats sharing their top 16 bits and of its neighbours
      // (the table's carry from the low 16 bits into the code at keys 0 and 0xffff).
      const bits = new Uint32Array(1);
      const asFloat = new Float32Array(bits.buffer);
      for (const t of thresholds(map)) {
        asFloat[0] = t;
        const group = bits[0]! >>> 16;
        for (const g of [group - 1, group, group + 1]) for (const low of [0, 1, 0xfffe, 0xffff]) {
          bits[0] = ((g & 0xffff) << 16) | low;
          xs.push(asFloat[0]!);
        }
      }
      xs.push(...map);
      const mags = rng.uniform(20000, -9, 0);
      const signs = rng.uniform(20000, -1, 1);
      for (let i = 0; i < 20000; i++) xs.push(F((signs[i]! < 0 ? -1 : 1) * 10 ** mags[i]!));
      for (const x of xs) {
        if (Math.abs(x) > next(1, 2)) continue;
        assert.equal(quantize(table, x), nearestByScan(map, x), `x ${x}`);
      }
    }
  });

  test('quantisation table: both ends of every group of floats with |x| < 2 (hence, with the thresholds tested above, every such float) get the nearest code; +-infinity the op codes 254 and 0, quiet NaNs 1', () => {
    // Within a group (floats sharing their top 16 bits) the table's code is (entry + key) >>> 16 for keys
    // 0..0xffff: non-decreasing, at most one step. The nearest code is non-decreasing in x, and steps only
    // at a threshold (the test above checks each threshold and its neighbours). Equal at both ends of every
    // group and at every threshold, the two agree on every float in between.
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    for (const map of [SIGNED, UNSIGNED]) {
      const table = quantTable(map);
      let checked = 0;
      for (let top = 0; top < 0x10000; top++) {
        if ((top & 0x7fff) >= 0x4000) continue; // |x| >= 2
        for (const low of [0, 0xffff]) {
          bits[0] = top * 65536 + low;
          const x = asFloat[0]!;
          assert.equal(quantize(table, x), nearestByScan(map, x), `x ${x} (bits ${bits[0]!.toString(16)})`);
          checked++;
        }
      }
      assert.equal(checked, 2 * 2 * 0x4000);
      assert.equal(quantize(table, Infinity), 254);
      assert.equal(quantize(table, -Infinity), 0);
      for (const nan of [0x7fc00000, 0xffc00000, 0x7fc00001, 0xffffffff, 0x7fffffff, 0xffc12345]) {
        bits[0] = nan;
        assert.equal(quantize(table, asFloat[0]!), 1, `NaN ${nan.toString(16)}`);
      }
      // The rule the kernels follow is the op's (nearestCode), which the scan matches on finite values.
      for (const x of [Infinity, -Infinity, NaN, 0, -0, 1, -1, 0.5, -0.5, 3e-7, -3e-7]) assert.equal(quantize(table, x), nearestCode(map, x), `x ${x}`);
    }
  });

  test('requantises to the nearest code of the dynamic map, absmax per block of 256; the SIMD kernel and the JavaScript loop agree bit for bit', () => {
    const n = 300; // one full block and a partial one (SIMD and scalar tail)
    const g = new Float32Array(n);
    for (let i = 0; i < n; i++) g[i] = F(((i % 17) - 8) / 100);
    const a: EightBit = { p: new Float32Array(n).fill(0.5), g, codes1: new Uint8Array(n), codes2: new Uint8Array(n), absmax1: new Float32Array(2), absmax2: new Float32Array(2) };
    const scalars = scalars8bit({ beta1: 0.9, beta2: 0.999, eps: 1e-8, lr: 1e-3, weightDecay: 0, step: 1 });
    const w = copy8bit(a);
    step8bitJs(a, scalars);
    step8bitWasm(w, scalars);
    assert.deepEqual(w, a, 'WebAssembly and JavaScript');
    // After one step from zero states: m = 0.1 g, v = 0.001 g^2; absmax of the first block is 0.1 * 0.08.
    assert.equal(a.absmax1[0], F(F(0.08 * F(0.1))));
    for (let i = 0; i < n; i++) {
      const block = i < 256 ? 0 : 1;
      const m = F(F(0 * F(0.9)) + F(g[i]! * F(0.1)));
      // Requantised as m times the block's float32 reciprocal of absmax (bitsandbytes' CUDA kernel: __fdividef).
      assert.equal(a.codes1[i], nearestByScan(SIGNED, F(m * F(1 / a.absmax1[block]!))), `element ${i}`);
      const v = F(F(0 * F(0.999)) + F(F(g[i]! * g[i]!) * F(F(1 - 0.999))));
      assert.equal(a.codes2[i], nearestByScan(UNSIGNED, F(v * F(1 / a.absmax2[block]!))), `element ${i}: v`);
    }
    // Wide magnitudes, both signs, zeros: one block whose gradient spans 1e-9 to 1 (codes across every decade of the map).
    const wide = Float32Array.from({ length: 256 }, (_, i) => F((i % 2 ? -1 : 1) * 10 ** (-9 + (9 * (i >> 1)) / 127) * (i % 7 === 0 ? 0 : 1)));
    const b: EightBit = { p: new Float32Array(256), g: wide, codes1: new Uint8Array(256), codes2: new Uint8Array(256), absmax1: new Float32Array(1), absmax2: new Float32Array(1) };
    const bw = copy8bit(b);
    step8bitJs(b, scalars);
    step8bitWasm(bw, scalars);
    assert.deepEqual(bw, b, 'WebAssembly and JavaScript, wide block');
    for (let i = 0; i < 256; i++) {
      const x = F(F(F(0 * F(0.9)) + F(wide[i]! * F(0.1))) * F(1 / b.absmax1[0]!));
      assert.equal(b.codes1[i], nearestByScan(SIGNED, x), `wide element ${i}: x ${x}`);
    }
    assert.ok(new Set(b.codes1).size > 40, 'the wide block uses many codes');
    // A block of zero gradients keeps absmax 1.
    const z: EightBit = { p: new Float32Array(256), g: new Float32Array(256), codes1: new Uint8Array(256), codes2: new Uint8Array(256), absmax1: new Float32Array(1), absmax2: new Float32Array(1) };
    step8bitWasm(z, scalars);
    assert.equal(z.absmax1[0], 1);
    assert.equal(z.absmax2[0], 1);
  });

  test('several steps with weight decay over 1000 elements: the SIMD kernel and the JavaScript loop agree bit for bit', () => {
    const rng = new Prng(17);
    const n = 1000;
    const a: EightBit = { p: values(rng, n, -1, 1), g: new Float32Array(n), codes1: new Uint8Array(n), codes2: new Uint8Array(n), absmax1: new Float32Array(4), absmax2: new Float32Array(4) };
    let w = copy8bit(a);
    for (let step = 1; step <= 4; step++) {
      const g = values(rng, n, -0.01, 0.01);
      a.g.set(g);
      w = { ...w, g: g.slice() };
      const scalars = scalars8bit({ beta1: 0.9, beta2: 0.999, eps: 1e-8, lr: 1e-2, weightDecay: 0.01, step });
      step8bitJs(a, scalars);
      step8bitWasm(w, scalars);
      assert.deepEqual(w, a, `step ${step}`);
    }
    assert.ok(new Set(a.codes2).size > 20);
  });

  test('every length (less than a group, partial groups, partial and whole blocks, one to six blocks): the SIMD kernel and the JavaScript loop agree bit for bit', () => {
    // The SIMD kernel's loops take two groups of 4 per trip, then a single group, then a scalar tail, per block;
    // these lengths reach every combination of those loops.
    const rng = new Prng(29);
    for (const n of [1, 3, 4, 7, 8, 9, 31, 32, 33, 255, 256, 257, 263, 291, 512, 515, 540, 1030, 1280, 1536]) {
      const blocks = Math.ceil(n / 256);
      const a: EightBit = { p: values(rng, n, -1, 1), g: new Float32Array(n), codes1: new Uint8Array(n), codes2: new Uint8Array(n), absmax1: new Float32Array(blocks), absmax2: new Float32Array(blocks) };
      let w = copy8bit(a);
      for (let step = 1; step <= 3; step++) {
        const g = values(rng, n, -0.01, 0.01);
        if (step === 2) g.fill(0, 0, Math.min(n, 256)); // a first block of zero gradients
        a.g.set(g);
        w = { ...w, g: g.slice() };
        const scalars = scalars8bit({ beta1: 0.9, beta2: 0.999, eps: 1e-8, lr: 1e-2, weightDecay: 0.01, step });
        step8bitJs(a, scalars);
        step8bitWasm(w, scalars);
        assert.deepEqual(w, a, `n ${n}, step ${step}`);
      }
    }
  });
});

describe('the 8-bit AdamW kernel and the tfjs-op quantiser', () => {
  before(async () => {
    await setUpTfjs('cpu');
  });

  test('a block whose absmax is below 2^-128 (its float32 reciprocal is infinite: x = +-infinity, NaN for zeros) gets the op codes (254, 0, 1) from the SIMD kernel and the JavaScript loop', () => {
    // Zero gradients: m = F(F(map[code] * absmax) * 0.9), v likewise; first block absmax 1e-39 (denormal), second 1e-3.
    const n = 512;
    const codes1 = Uint8Array.from({ length: n }, (_, i) => [0, 40, 126, 127, 128, 200, 254, 255][i % 8]!);
    const codes2 = Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256);
    const a: EightBit = { p: new Float32Array(n).fill(0.5), g: new Float32Array(n), codes1, codes2, absmax1: Float32Array.of(1e-39, 1e-3), absmax2: Float32Array.of(1e-39, 1e-3) };
    const scalars = scalars8bit({ beta1: 0.9, beta2: 0.999, eps: 1e-8, lr: 1e-3, weightDecay: 0, step: 1 });
    const m = Float32Array.from(codes1, (c, i) => F(F(SIGNED[c]! * a.absmax1[i >> 8]!) * F(0.9)));
    const v = Float32Array.from(codes2, (c, i) => F(F(UNSIGNED[c]! * a.absmax2[i >> 8]!) * F(0.999)));
    const w = copy8bit(a);
    step8bitJs(a, scalars);
    step8bitWasm(w, scalars);
    assert.deepEqual(w, a, 'WebAssembly and JavaScript');
    for (const [values, map, codes, absmax, name] of [[m, SIGNED, a.codes1, a.absmax1, 'm'], [v, UNSIGNED, a.codes2, a.absmax2, 'v']] as const) {
      const op = quantizeBlockwise(tf.tensor1d(values), tf.tensor1d(map));
      assert.deepEqual(Array.from(absmax), Array.from(op.absmax.dataSync()), `${name}: absmax`);
      assert.deepEqual(Array.from(codes), Array.from(op.codes), `${name}: codes`);
      op.absmax.dispose();
    }
    assert.ok(F(1 / a.absmax1[0]!) === Infinity, 'the first block\'s reciprocal overflows');
    // +infinity gets 254 (both distances infinite: the lower code), -infinity 0, NaN (0 * infinity) 1.
    assert.deepEqual([...new Set(a.codes1.subarray(0, 256))].sort((x, y) => x - y), [0, 1, 254]);
  });
});

/** Variables that own their storage (the initial tensors are disposed), as the proxy builds them. */
function ownedVariables(prefix: string, shapes: number[][], seed: number): tf.Variable[] {
  const rng = new Prng(seed);
  return shapes.map((shape, i) => {
    const init = tf.tensor(rng.uniform(shape.reduce((a, b) => a * b, 1), -1, 1), shape);
    const v = tf.variable(init, true, `${prefix}/${i}`);
    init.dispose();
    return v;
  });
}

/** Gradient of the separable problem a*d + c*d^3 (d = p - t), as the reference computes it. */
function separableGrads(vars: tf.Variable[], s: { a: number[][]; c: number[][]; t: number[][] }): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  vars.forEach((v, i) => {
    out[v.name] = tf.tidy(() => {
      const d = tf.sub(v, tf.tensor(s.t[i]!, v.shape));
      return tf.add(tf.mul(tf.tensor(s.a[i]!, v.shape), d), tf.mul(tf.tensor(s.c[i]!, v.shape), tf.mul(tf.mul(d, d), d)));
    });
  });
  return out;
}

const SHAPES = [[70, 64], [24, 10], [10]];
const FUSED_CASES: Array<{ key: string; id: string; hyper: Hyperparameters; steps: number }> = [
  { key: 'adamw', id: 'adamw', hyper: { lr: 0.01 }, steps: 5 },
  { key: 'adam', id: 'adam', hyper: {}, steps: 5 },
  { key: 'lion', id: 'lion', hyper: { lr: 0.01, weight_decay: 0.1 }, steps: 5 },
  { key: 'sgd', id: 'sgd', hyper: { lr: 0.05 }, steps: 5 },
  { key: 'sgd+wd', id: 'sgd', hyper: { lr: 0.05, weight_decay: 0.01 }, steps: 5 },
  { key: 'sgd+maximize', id: 'sgd', hyper: { lr: 0.05, maximize: true }, steps: 5 },
  { key: 'sgd+wd+maximize', id: 'sgd', hyper: { lr: 0.05, weight_decay: 0.01, maximize: true }, steps: 5 },
  { key: 'sgd+momentum', id: 'sgd', hyper: { lr: 0.05, momentum: 0.9, weight_decay: 0.01 }, steps: 5 },
  { key: 'sgd-momentum', id: 'sgd-momentum', hyper: { lr: 0.05, weight_decay: 0.01, dampening: 0.1 }, steps: 5 },
  { key: 'nesterov', id: 'nesterov', hyper: { lr: 0.05 }, steps: 5 },
  { key: 'adamw-8bit', id: 'adamw-8bit', hyper: { lr: 0.01 }, steps: 6 },
  { key: 'paged-adamw-8bit', id: 'paged-adamw-8bit', hyper: {}, steps: 4 },
  { key: 'amsgrad', id: 'amsgrad', hyper: { lr: 0.01 }, steps: 5 },
  { key: 'amsgrad+l2', id: 'amsgrad', hyper: { lr: 0.01, weight_decay: 0.01 }, steps: 5 },
  { key: 'adagrad', id: 'adagrad', hyper: {}, steps: 5 },
  { key: 'adagrad+decay', id: 'adagrad', hyper: { lr_decay: 0.01, weight_decay: 0.01, initial_accumulator_value: 0.1 }, steps: 5 },
  { key: 'rmsprop', id: 'rmsprop', hyper: {}, steps: 5 },
  { key: 'rmsprop+momentum', id: 'rmsprop', hyper: { momentum: 0.9 }, steps: 5 },
  { key: 'rmsprop+centered+wd', id: 'rmsprop', hyper: { centered: true, weight_decay: 0.01 }, steps: 5 },
  { key: 'rmsprop+centered+momentum+wd', id: 'rmsprop', hyper: { centered: true, momentum: 0.9, weight_decay: 0.01 }, steps: 5 },
  { key: 'schedule-free-adamw', id: 'schedule-free-adamw', hyper: {}, steps: 5 },
  { key: 'schedule-free-adamw+warmup+wd', id: 'schedule-free-adamw', hyper: { warmup_steps: 3, weight_decay: 0.01 }, steps: 5 },
  { key: 'ademamix', id: 'ademamix', hyper: { lr: 0.01 }, steps: 5 },
  { key: 'ademamix+warmups+wd', id: 'ademamix', hyper: { lr: 0.01, alpha: 8, betas: [0.9, 0.999, 0.999], alpha_warmup: 3, beta3_warmup: 4, weight_decay: 0.1 }, steps: 6 },
  { key: 'ademamix+beta1=0+wd', id: 'ademamix', hyper: { lr: 0.01, betas: [0, 0.999, 0.99], alpha: 5, weight_decay: 0.01 }, steps: 5 },
  { key: 'nadamw', id: 'nadamw', hyper: { lr: 0.01 }, steps: 5 },
  { key: 'nadamw+nowd', id: 'nadamw', hyper: { lr: 0.01, weight_decay: 0, betas: [0.95, 0.98] }, steps: 5 },
  { key: 'signum', id: 'signum', hyper: { lr: 0.01 }, steps: 5 },
  { key: 'signum+wd+l2', id: 'signum', hyper: { lr: 0.01, weight_decay: 0.1, l2: 0.01 }, steps: 5 },
  { key: 'signsgd', id: 'signum', hyper: { lr: 0.01, momentum: 0 }, steps: 5 },
];

/**
 * Updates with reductions (norms, means): fused against the tfjs-op optimizer within 1e-6 relative (their
 * sums are added in another order), and against torch. Adam-mini partitions by name: embedding (full v),
 * query (v per head: dim 16, 4 heads), other (scalar v), norm (no decay).
 */
const ADAM_MINI_SHAPES = [[24, 10], [16, 16], [70, 64], [10]];
const ADAM_MINI_NAMES = ['model.embed_tokens.weight', 'model.layers.0.self_attn.q_proj.weight', 'model.layers.0.mlp.up_proj.weight', 'model.layers.0.input_layernorm.weight'];
/** noTorch: options the torch reference does not have (timm's decoupled_decay): checked against the tfjs ops only. */
const REDUCTION_CASES: Array<{ key: string; id: string; hyper: Hyperparameters; steps: number; shapes?: number[][]; names?: string[]; noTorch?: boolean }> = [
  { key: 'lamb', id: 'lamb', hyper: { lr: 0.01 }, steps: 5 },
  { key: 'lamb+trust_clip', id: 'lamb', hyper: { lr: 0.01, trust_clip: true, grad_averaging: false, max_grad_norm: null }, steps: 5 },
  { key: 'lamb+always_adapt', id: 'lamb', hyper: { lr: 0.01, weight_decay: 0, always_adapt: true, betas: [0.3, 0.999] }, steps: 5 },
  { key: 'lamb+decoupled_decay', id: 'lamb', hyper: { lr: 0.01, decoupled_decay: true, weight_decay: 0.1 }, steps: 5, noTorch: true },
  { key: 'novograd', id: 'novograd', hyper: { lr: 0.01 }, steps: 5 },
  { key: 'novograd+options', id: 'novograd', hyper: { lr: 0.01, grad_averaging: true, weight_decay: 0.01, amsgrad: true }, steps: 5 },
  { key: 'adam-mini', id: 'adam-mini', hyper: { lr: 0.01, dim: 16, n_heads: 4, weight_decay: 0.1 }, steps: 5, shapes: ADAM_MINI_SHAPES, names: ADAM_MINI_NAMES },
  { key: 'adafactor', id: 'adafactor', hyper: {}, steps: 5 },
  { key: 'adafactor+wd', id: 'adafactor', hyper: { lr: 0.01, relative_step: false, scale_parameter: false, weight_decay: 0.01 }, steps: 5 },
  { key: 'came', id: 'came', hyper: { lr: 2e-4 }, steps: 5 },
  { key: 'came+wd', id: 'came', hyper: { lr: 1e-3, weight_decay: 0.01, clip_threshold: 0.5 }, steps: 5 },
  { key: 'mars-adamw', id: 'mars-adamw', hyper: {}, steps: 5 },
  { key: 'mars-adamw+wd+optimize_1d', id: 'mars-adamw', hyper: { lr: 0.01, weight_decay: 0.01, optimize_1d: true, gamma: 0.05 }, steps: 5 },
  { key: 'lars', id: 'lars', hyper: { lr: 2, weight_decay: 1e-4 }, steps: 5 },
  { key: 'lars+nesterov+clip', id: 'lars', hyper: { lr: 0.5, weight_decay: 1e-3, nesterov: true, trust_clip: true }, steps: 5 },
  { key: 'lars+nomomentum+always', id: 'lars', hyper: { lr: 1, momentum: 0, always_adapt: true, filter_bias_and_bn: false }, steps: 5 },
];

function separableCase(key: string, id: string, hyper: Hyperparameters, steps: number, shapes: number[][] = SHAPES, names?: string[]): ReferenceCase {
  const rng = new Prng(7);
  const params: ReferenceParam[] = shapes.map((shape, i) => ({ name: names?.[i] ?? `p${i}`, shape, values: rng.uniform(shape.reduce((a, b) => a * b, 1), -1, 1) }));
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  return {
    key, optimizer: id, hyper: hyper as ReferenceCase['hyper'], steps, params, problem: 'separable',
    separable: { a: sizes.map((k) => rng.uniform(k, 0.5, 2)), c: sizes.map((k) => rng.uniform(k, 0, 0.5)), t: sizes.map((k) => rng.uniform(k, -1, 1)) },
  };
}

let reference: Record<string, ReferenceResult>;
before(() => {
  reference = runReference([
    ...FUSED_CASES.map((c) => separableCase(c.key, c.id, c.hyper, c.steps)),
    ...REDUCTION_CASES.filter((c) => !c.noTorch).map((c) => separableCase(c.key, c.id, c.hyper, c.steps, c.shapes, c.names)),
  ]).cases;
});

function runCase(opt: ProfilerOptimizer, c: ReferenceCase, prefix: string): { trajectory: number[][][]; vars: tf.Variable[] } {
  const vars = c.params.map((p, i) => {
    const init = tf.tensor(p.values as number[], p.shape as number[]);
    const v = tf.variable(init, true, `${prefix}/${c.key}/${i}/${p.name}`);
    init.dispose();
    return v;
  });
  const trajectory: number[][][] = [];
  for (let s = 0; s < c.steps; s++) {
    const grads = separableGrads(vars, c.separable!);
    opt.applyGradients(grads);
    tf.dispose(Object.values(grads));
    trajectory.push(vars.map((v) => Array.from(v.dataSync())));
  }
  return { trajectory, vars };
}

let runCounter = 0;

/** Bytes of tensors an optimizer's dispose() releases (it is disposed). */
function released(opt: ProfilerOptimizer): number {
  const held = tf.memory().numBytes;
  opt.dispose();
  return held - tf.memory().numBytes;
}
for (const backend of ['wasm', 'cpu'] as const) {
  describe(`fused optimizers on ${backend}`, () => {
    before(async () => {
      await setUpTfjs(backend);
    });

    test('the backend has a fused path', () => {
      assert.equal(kernelPath(), backend === 'wasm' ? 'wasm-simd' : 'js-loop');
    });

    for (const c of FUSED_CASES) {
      test(`${c.key}: bit-identical to the tfjs-op optimizer, equal to torch's trajectory, same state`, () => {
        const rc = separableCase(c.key, c.id, c.hyper, c.steps);
        runCounter++;
        const plain = createOptimizer(c.id, c.hyper);
        const fused = createFusedOptimizer(c.id, c.hyper)!;
        assert.ok(fused, `${c.id} has a fused variant`);
        const a = runCase(plain, rc, `plain${runCounter}`);
        const b = runCase(fused, rc, `fused${runCounter}`);
        const stats = (fused as unknown as { fusedStats: FusedStats }).fusedStats;
        assert.ok(stats.fused > 0, `${c.id}: the kernel ran (${JSON.stringify(stats)})`);
        assert.equal(stats.path, backend === 'wasm' ? 'wasm-simd' : 'js-loop', `${c.id}: the backend's fused path ran`);
        assert.deepEqual(b.trajectory, a.trajectory, `${c.id}: fused and tfjs-op parameters differ`);
        // Same state tensors, bit for bit (8-bit codes included).
        const sa = plain.stateTensors();
        const sb = fused.stateTensors();
        assert.deepEqual(sb.map((t) => [t.name, t.shape, t.dtype, t.bytes]), sa.map((t) => [t.name, t.shape, t.dtype, t.bytes]));
        assert.equal(fused.stateBytes(), plain.stateBytes());
        // What dispose releases (the sweep's measured state bytes) is what the tfjs-op optimizer releases: no work tensors beside it.
        assert.equal(released(fused), released(plain), `${c.key}: bytes released by dispose`);
        // Against torch / the bitsandbytes reference (tolerances as the optimizer tests use).
        const expected = reference[c.key]!.trajectory;
        b.trajectory.forEach((params, s) =>
          params.forEach((vals, i) => {
            const exp = expected[s]![i]!;
            const bad = vals.filter((x, k) => !(Math.abs(x - exp[k]!) <= 1e-6 + 1e-5 * Math.abs(exp[k]!))).length;
            assert.equal(bad, 0, `${c.id} step ${s + 1} param ${i}: ${bad} values differ from the reference`);
          }),
        );
        tf.dispose([...a.vars, ...b.vars]);
      });
    }

    for (const c of REDUCTION_CASES) {
      test(`${c.key}: within 1e-6 relative of the tfjs-op optimizer, equal to torch's trajectory, same state`, () => {
        const rc = separableCase(c.key, c.id, c.hyper, c.steps, c.shapes, c.names);
        runCounter++;
        const plain = createOptimizer(c.id, c.hyper);
        const fused = createFusedOptimizer(c.id, c.hyper)!;
        const a = runCase(plain, rc, `plain${runCounter}`);
        const b = runCase(fused, rc, `fused${runCounter}`);
        const stats = (fused as unknown as { fusedStats: FusedStats }).fusedStats;
        // Every matrix runs fused (Adafactor and CAME keep vectors on tfjs ops: their moments are not factored).
        const factored = c.id === 'adafactor' || c.id === 'came';
        const tensors = rc.params.length;
        assert.equal(stats.fused, c.steps * (factored ? rc.params.filter((p) => p.shape.length === 2).length : tensors), `${c.key}: ${JSON.stringify(stats)}`);
        // Normwise relative difference per tensor and step: max |fused - ops| / max |ops|.
        let worst = 0;
        b.trajectory.forEach((params, s) =>
          params.forEach((vals, i) => {
            const ops = a.trajectory[s]![i]!;
            const scale = Math.max(...ops.map(Math.abs));
            worst = Math.max(worst, Math.max(...vals.map((x, k) => Math.abs(x - ops[k]!))) / scale);
          }),
        );
        assert.ok(worst <= 1e-6, `${c.key}: fused differs from the tfjs ops by ${worst} relative`);
        assert.notDeepEqual(b.trajectory[c.steps - 1], rc.params.map((p) => p.values), `${c.key}: the parameters moved`);
        const sa = plain.stateTensors();
        const sb = fused.stateTensors();
        assert.deepEqual(sb.map((t) => [t.name, t.shape, t.dtype, t.bytes]), sa.map((t) => [t.name, t.shape, t.dtype, t.bytes]));
        assert.equal(fused.stateBytes(), plain.stateBytes());
        // What dispose releases (the sweep's measured state bytes) is what the tfjs-op optimizer releases: no work tensors beside it.
        assert.equal(released(fused), released(plain), `${c.key}: bytes released by dispose`);
        const expected = c.noTorch ? null : reference[c.key]!.trajectory;
        b.trajectory.forEach((params, s) =>
          params.forEach((vals, i) => {
            if (!expected) return;
            const exp = expected[s]![i]!;
            const bad = vals.filter((x, k) => !(Math.abs(x - exp[k]!) <= 1e-6 + 1e-5 * Math.abs(exp[k]!))).length;
            assert.equal(bad, 0, `${c.key} step ${s + 1} param ${i}: ${bad} values differ from the reference`);
          }),
        );
        tf.dispose([...a.vars, ...b.vars]);
      });
    }

    test("adafactor: the apply pass's sum of p^2 serves the next step only while p keeps its storage (an assign between steps is seen)", () => {
      const rng = new Prng(31);
      const shape = [24, 10];
      const init = rng.uniform(240, -1, 1);
      const scaled = init.map((x) => 3 * x); // another RMS: a stale sum would give another relative step size
      const grads = Array.from({ length: 4 }, () => rng.uniform(240, -0.1, 0.1));
      const run = (opt: ProfilerOptimizer, prefix: string): number[][] => {
        const t = tf.tensor(init, shape);
        const p = tf.variable(t, true, `${prefix}/memo${runCounter}`);
        t.dispose();
        const out: number[][] = [];
        grads.forEach((g, s) => {
          if (s === 2) tf.tidy(() => p.assign(tf.tensor(scaled, shape)));
          const gt = tf.tensor(g, shape);
          opt.applyGradients({ [p.name]: gt });
          gt.dispose();
          out.push(Array.from(p.dataSync()));
        });
        p.dispose();
        opt.dispose();
        return out;
      };
      runCounter++;
      const fused = createFusedOptimizer('adafactor', {})!;
      const b = run(fused, 'fused');
      const a = run(createOptimizer('adafactor', {}), 'plain');
      assert.equal((fused as unknown as { fusedStats: FusedStats }).fusedStats.fused, 4);
      a.forEach((ops, s) => {
        const scale = Math.max(...ops.map(Math.abs));
        const diff = Math.max(...b[s]!.map((x, k) => Math.abs(x - ops[k]!))) / scale;
        assert.ok(diff <= 1e-6, `step ${s + 1}: fused differs from the tfjs ops by ${diff} relative`);
      });
    });

    test('a parameter that shares its storage is never written in place: the step falls back to tfjs ops', () => {
      const init = tf.tensor1d([1, 2, 3, 4, 5]);
      const p = tf.variable(init, true, `shared/${backend}`);
      const opt = createFusedOptimizer('adamw', { lr: 0.1 })!;
      const g = tf.tensor1d([1, 1, 1, 1, 1]);
      opt.applyGradients({ [p.name]: g });
      const stats = (opt as unknown as { fusedStats: FusedStats }).fusedStats;
      assert.equal(stats.fused, 0);
      assert.equal(stats.fallback, 1);
      assert.deepEqual(Array.from(init.dataSync()), [1, 2, 3, 4, 5], 'the shared initial tensor is untouched');
      assert.notDeepEqual(Array.from(p.dataSync()), [1, 2, 3, 4, 5]);
      tf.dispose([init, p, g]);
      opt.dispose();
    });

    test('sgd: signed zeros and the sign flip of maximize are the tfjs ops\' bit for bit (SIMD lanes and tail)', () => {
      // -0 - (-0) is +0 while -0 - 0 is -0: a kernel negating g as 0 - g instead of g*(-1) (tfjs Neg) differs here.
      const p0 = [-0, 0, -0, 0, 1.5, -2, -0, 0, 3];
      const g0 = [0, -0, -0, 0, -0, 0, 1, -1, 0];
      const variants: Hyperparameters[] = [{ lr: 0.5 }, { lr: 0.5, maximize: true }, { lr: 0.5, weight_decay: 0.25 }, { lr: 0.5, weight_decay: 0.25, maximize: true }];
      for (const hyper of variants) {
        runCounter++;
        const step = (opt: ProfilerOptimizer, prefix: string): number[] => {
          const init = tf.tensor1d(p0);
          const p = tf.variable(init, true, `${prefix}/zeros${runCounter}`);
          init.dispose();
          const g = tf.tensor1d(g0);
          opt.applyGradients({ [p.name]: g });
          const out = Array.from(p.dataSync());
          tf.dispose([p, g]);
          return out;
        };
        const fused = createFusedOptimizer('sgd', hyper)!;
        const b = step(fused, 'fused');
        const a = step(createOptimizer('sgd', hyper), 'plain');
        assert.equal((fused as unknown as { fusedStats: FusedStats }).fusedStats.fused, 1, JSON.stringify(hyper));
        assert.deepEqual(b, a, JSON.stringify(hyper));
        fused.dispose();
      }
    });

    test('no tensors leak across fused steps', () => {
      const vars = ownedVariables(`leak/${backend}`, [[33, 5], [7]], 3);
      for (const id of FUSED_OPTIMIZERS.keys()) {
        const opt = createFusedOptimizer(id, id === 'adafactor' ? {} : { lr: 1e-3, ...(id.includes('8bit') ? { min_8bit_size: 100 } : {}) })!;
        const counts: number[] = [];
        for (let s = 0; s < 4; s++) {
          const grads: tf.NamedTensorMap = {};
          for (const v of vars) grads[v.name] = tf.onesLike(v);
          opt.applyGradients(grads);
          tf.dispose(Object.values(grads));
          counts.push(tf.memory().numTensors);
        }
        assert.equal(new Set(counts.slice(1)).size, 1, `${id}: tensor count ${counts.join(', ')}`);
        const stats = (opt as unknown as { fusedStats: FusedStats }).fusedStats;
        assert.ok(stats.fused > 0, `${id}: the kernel ran (${JSON.stringify(stats)})`);
        opt.dispose();
      }
      tf.dispose(vars);
    });

    test('bandwidth: copy measured; bytes per parameter are 28 for AdamW, 20 for Lion and SGD with momentum, 12 for plain SGD', () => {
      const elements = 1 << 16;
      const copy = measureCopyBandwidth(elements, 3);
      assert.ok(copy.GBps > 0 && Number.isFinite(copy.GBps));
      assert.equal(copy.elements, elements);
      const expected: Record<string, number> = { adamw: 4 + 4 + 4 + 2 * 4 + 2 * 4, lion: 4 + 4 + 4 + 2 * 4, 'sgd-momentum': 4 + 4 + 4 + 2 * 4, sgd: 4 + 4 + 4 };
      for (const [id, bytes] of Object.entries(expected)) {
        const bw = measureOptimizerBandwidth(id, { lr: 1e-3 }, copy, elements, 2)!;
        assert.equal(bw.bytesPerParam, bytes, id);
        assert.equal(bw.kernel, backend === 'wasm' ? 'wasm-simd' : 'js-loop');
        assert.ok(Math.abs(bw.GBps - (bytes * elements) / (bw.stepMs / 1000) / 1e9) < 1e-9 * bw.GBps);
        // the share is of the copy timed alternately with the steps
        assert.ok(bw.copyGBps > 0 && Number.isFinite(bw.copyGBps), `${id}: copy ${bw.copyGBps}`);
        assert.ok(Math.abs(bw.fractionOfCopy - bw.GBps / bw.copyGBps) < 1e-12 * bw.fractionOfCopy);
        assert.ok(bw.unfused && bw.unfused.GBps > 0, `${id}: the tfjs-op version is measured for comparison`);
        assert.ok(bw.unfused.copyGBps > 0 && Math.abs(bw.unfused.fractionOfCopy - bw.unfused.GBps / bw.unfused.copyGBps) < 1e-12 * bw.unfused.fractionOfCopy);
      }
      assert.equal(measureOptimizerBandwidth('shampoo', {}, copy, elements), null, 'not an elementwise step');
      // the bench's evidence for the alternate timing: copies and steps, back to back and alternately
      const inputs = createBandwidthInputs(elements);
      try {
        const orders = timingOrders('adamw', { lr: 1e-3 }, copy, inputs, 2, 3)!;
        assert.equal(orders.bytesPerParam, 28);
        assert.equal(orders.rounds.length, 2);
        for (const r of orders.rounds) for (const ms of Object.values(r)) assert.ok(Number.isFinite(ms) && ms > 0, JSON.stringify(r));
      } finally {
        inputs.dispose();
      }
      assert.deepEqual(matrixShape(1 << 16), [256, 256]);
      assert.deepEqual(matrixShape(3 * 1024), [32, 96]);
    });
  });
}
