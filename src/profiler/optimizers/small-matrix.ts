/**
 * Float32 matrix algebra in plain JavaScript for the small matrices of the profiler's proxies, used by
 * SOAP and Muon in place of tfjs ops (README: Profiling on your machine, "Speed"). On the proxies
 * (32 x 32, 32 x 128, 71 x 32, ...) each tfjs op costs far more in dispatch and allocation than in
 * arithmetic, and SOAP's and Muon's updates take dozens of ops per tensor; reading each tensor once
 * (dataSync), doing the whole update in one pass and writing each result once is several times faster on
 * the wasm and cpu backends. On a GPU or native backend the read-back would stall the device, so the fast
 * path is only taken on 'wasm' and 'cpu', and only for matrices within SMALL_MATRIX_MAX_SIDE and
 * SMALL_MATRIX_MAX_ELEMENTS (beyond them the arithmetic dominates and the backend's matMul, XNNPACK on
 * wasm, is the faster one).
 *
 * Storage is float32 as with tfjs: every elementwise result is rounded to float32 (Math.fround, or by
 * storing into a Float32Array) as the tfjs kernels round each op's output, and scalar operands are
 * rounded to float32 as tfjs makes them float32 scalar tensors. Matrix products accumulate in float64 and
 * round the sum once (tfjs's kernels accumulate in float32; the difference is within float32 rounding of
 * the sum, below the tolerances of the torch references).
 * Matrices are row-major.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Largest matrix side (rows or columns) the JavaScript path takes. */
export const SMALL_MATRIX_MAX_SIDE = 128;
/** Largest element count of a parameter the JavaScript path takes (32 x 128, 64 x 64). */
export const SMALL_MATRIX_MAX_ELEMENTS = 4096;

let enabled = true;
let updates = 0;

/** How many parameter updates took the JavaScript path in this process (tests). */
export function smallMatrixUpdates(): number {
  return updates;
}

/** Counts one parameter update done on the JavaScript path. */
export function countSmallMatrixUpdate(): void {
  updates++;
}

/** Turns the JavaScript path off or on (tests and bench/small-matrix.ts compare it with the tfjs ops). */
export function setSmallMatrixPath(on: boolean): void {
  enabled = on;
}

/** Whether the JavaScript path is on and the active backend is one where reading tensors back is cheap (wasm, cpu). */
export function smallMatrixBackend(): boolean {
  if (!enabled) return false;
  const b = tf.getBackend();
  return b === 'wasm' || b === 'cpu';
}

/** Whether a tensor of this shape is small enough for the JavaScript path (sides and element count). */
export function isSmallShape(shape: readonly number[]): boolean {
  let size = 1;
  for (const d of shape) {
    if (d > SMALL_MATRIX_MAX_SIDE) return false;
    size *= d;
  }
  return size <= SMALL_MATRIX_MAX_ELEMENTS;
}

/** The float32 contents of a tensor, as a copy (a backend may hand out its own storage). */
export function readF32(x: tf.Tensor): Float32Array {
  return new Float32Array(x.dataSync() as Float32Array);
}

/**
 * One 4 x 2 block of a float64 product: rows a0, a0+k, a0+2k, a0+3k of A (row-major, k long) against rows b0 and
 * b0+k of B, each sum over l in order, written at C[c0 ...] with row stride ldc (shared by `matMulF32` and
 * `gramF32`, so both add the same products in the same order).
 */
function block4x2(A: Float64Array, a0: number, B: Float64Array, b0: number, k: number, C: Float64Array, c0: number, ldc: number): void {
  const a1 = a0 + k;
  const a2 = a1 + k;
  const a3 = a2 + k;
  const b1 = b0 + k;
  let s00 = 0;
  let s01 = 0;
  let s10 = 0;
  let s11 = 0;
  let s20 = 0;
  let s21 = 0;
  let s30 = 0;
  let s31 = 0;
  for (let l = 0; l < k; l++) {
    const y0 = B[b0 + l]!;
    const y1 = B[b1 + l]!;
    const x0 = A[a0 + l]!;
    const x1 = A[a1 + l]!;
    const x2 = A[a2 + l]!;
    const x3 = A[a3 + l]!;
    s00 += x0 * y0;
    s01 += x0 * y1;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s30 += x3 * y0;
    s31 += x3 * y1;
  }
  C[c0] = s00;
  C[c0 + 1] = s01;
  C[c0 + ldc] = s10;
  C[c0 + ldc + 1] = s11;
  C[c0 + 2 * ldc] = s20;
  C[c0 + 2 * ldc + 1] = s21;
  C[c0 + 3 * ldc] = s30;
  C[c0 + 3 * ldc + 1] = s31;
}

/**
 * op(A) op(B) with op = transpose when asked: A is ar x ac, B is br x bc as stored; the result is a
 * row-major Float32Array, each sum in float64 rounded once. op(A) and op(B)^T are first copied to
 * float64 rows (op(A) padded to a multiple of 4 rows, op(B)^T to an even count) so that every sum is a
 * contiguous dot product, computed for 4 x 2 outputs at a time (eight sums share six loads).
 */
export function matMulF32(a: ArrayLike<number>, ar: number, ac: number, transA: boolean, b: ArrayLike<number>, br: number, bc: number, transB: boolean): Float32Array {
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) throw new Error(`matMulF32: inner sizes ${k} and ${kb} differ`);
  const mp = (m + 3) & ~3;
  const np = n + (n & 1);
  const A = new Float64Array(mp * k);
  const Bt = new Float64Array(np * k);
  if (transA) for (let r = 0; r < ar; r++) for (let c = 0; c < ac; c++) A[c * k + r] = a[r * ac + c]!;
  else A.set(a);
  if (transB) Bt.set(b);
  else for (let r = 0; r < br; r++) for (let c = 0; c < bc; c++) Bt[c * k + r] = b[r * bc + c]!;
  const C = new Float64Array(mp * np);
  for (let i = 0; i < mp; i += 4) {
    const a0 = i * k;
    for (let j = 0; j < np; j += 2) block4x2(A, a0, Bt, j * k, k, C, i * np + j, np);
  }
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) out.set(C.subarray(i * np, i * np + n), i * n);
  return out;
}

/**
 * X X^T (trans false) or X^T X (trans true) of a row-major xr x xc matrix: the same sums as matMulF32(x, x^T),
 * computed for the blocks on and above the diagonal only and mirrored (entry (j, i) is the same products in
 * the same order as (i, j), so the result equals the full product's bit for bit).
 */
export function gramF32(x: ArrayLike<number>, xr: number, xc: number, trans: boolean): Float32Array {
  const m = trans ? xc : xr;
  const k = trans ? xr : xc;
  const mp = (m + 3) & ~3;
  const X = new Float64Array(mp * k);
  if (trans) for (let r = 0; r < xr; r++) for (let c = 0; c < xc; c++) X[c * k + r] = x[r * xc + c]!;
  else X.set(x);
  const C = new Float64Array(mp * mp);
  for (let i = 0; i < mp; i += 4) {
    const a0 = i * k;
    for (let j = i; j < mp; j += 2) block4x2(X, a0, X, j * k, k, C, i * mp + j, mp);
  }
  const out = new Float32Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = i <= j ? C[i * mp + j]! : C[j * mp + i]!;
  return out;
}

/** torch.lerp(start, end, w) elementwise in float32, in the two-branch form of ops.ts `lerp`. */
export function lerpF32(start: ArrayLike<number>, end: ArrayLike<number>, weight: number): Float32Array {
  const out = new Float32Array(start.length);
  if (weight < 0.5) {
    const w = Math.fround(weight);
    for (let i = 0; i < out.length; i++) out[i] = start[i]! + Math.fround(Math.fround(end[i]! - start[i]!) * w);
  } else {
    const w = Math.fround(1 - weight);
    for (let i = 0; i < out.length; i++) out[i] = end[i]! - Math.fround(Math.fround(end[i]! - start[i]!) * w);
  }
  return out;
}
