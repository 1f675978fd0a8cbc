/**
 * The 8-bit AdamW step of ../optimizers/adamw-8bit.ts (bitsandbytes' blockwise path) fused into one
 * JavaScript pass per block of 256 elements, in place on the backend's storage: dequantise both
 * moments, update them and the parameter, then requantise with fresh block absmax values. Every
 * operation is rounded to float32 in the order the tfjs-op implementation performs it, and the nearest
 * code is chosen the same way (lower bound in the sorted map, ties to the lower index), so the codes,
 * absmax values and parameters are identical to the unfused step. Pure (typed arrays only).
 */
import { BLOCK_SIZE } from '../optimizers/blockwise-8bit';

export interface AdamW8bitArrays {
  readonly p: Float32Array;
  readonly g: Float32Array;
  readonly codes1: Uint8Array;
  readonly codes2: Uint8Array;
  readonly absmax1: Float32Array;
  readonly absmax2: Float32Array;
}

export interface AdamW8bitScalars {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly lr: number;
  readonly weightDecay: number;
  /** Bias corrections 1 - beta^t. */
  readonly bc1: number;
  readonly bc2: number;
}

const F = Math.fround;

/** The maps have 256 values (8-bit codes). */
const MAP_SIZE = 256;

/** Number of map values below x (tf.lowerBound over the 256 sorted values), at most 255: a fixed 8-step search. */
function countBelow(map: Float32Array, x: number): number {
  let pos = 0;
  pos += (map[pos + 127]! < x ? 1 : 0) << 7;
  pos += (map[pos + 63]! < x ? 1 : 0) << 6;
  pos += (map[pos + 31]! < x ? 1 : 0) << 5;
  pos += (map[pos + 15]! < x ? 1 : 0) << 4;
  pos += (map[pos + 7]! < x ? 1 : 0) << 3;
  pos += (map[pos + 3]! < x ? 1 : 0) << 2;
  pos += (map[pos + 1]! < x ? 1 : 0) << 1;
  pos += map[pos]! < x ? 1 : 0;
  return pos;
}

const bits = new Uint32Array(1);
const bitsAsFloat = new Float32Array(bits.buffer);

/**
 * countBelow of the smallest float32 of each group of 65536 bit patterns (the top 16 bits: sign,
 * exponent and 7 mantissa bits; NaN groups give 0, as NaN compares false). For x in a group the count
 * is at least this, so walking up the sorted map from it ends at the same count as the 8-step search;
 * the dynamic maps' values are more than 2^-7 apart relative to their size, so the walk takes one or two
 * steps instead of eight dependent loads.
 */
const startTables = new WeakMap<Float32Array, Uint8Array>();
function startTable(map: Float32Array): Uint8Array {
  let table = startTables.get(map);
  if (!table) {
    table = new Uint8Array(65536);
    for (let k = 0; k < 65536; k++) {
      // Positive patterns grow with the value; negative ones shrink (the most negative has low bits all set).
      bits[0] = ((k << 16) | (k & 0x8000 ? 0xffff : 0)) >>> 0;
      table[k] = countBelow(map, bitsAsFloat[0]!);
    }
    startTables.set(map, table);
  }
  return table;
}

/**
 * Index of the first map value >= x (as countBelow), clamped to [1, 255]; then the nearer of it and its
 * left neighbour, ties to the lower index (the tfjs-op quantiser's choice).
 */
function nearestCode(map: Float32Array, table: Uint8Array, x: number): number {
  bitsAsFloat[0] = x;
  let pos = table[bits[0]! >>> 16]!;
  while (pos < 255 && map[pos]! < x) pos++;
  const upper = pos < 1 ? 1 : pos;
  const lower = upper - 1;
  const dLower = Math.abs(F(x - map[lower]!));
  const dUpper = Math.abs(F(x - map[upper]!));
  return dLower <= dUpper ? lower : upper;
}

export function adamw8bitStep(a: AdamW8bitArrays, signed: Float32Array, unsigned: Float32Array, s: AdamW8bitScalars): void {
  if (signed.length !== MAP_SIZE || unsigned.length !== MAP_SIZE) throw new Error('8-bit AdamW: the quantile maps must have 256 values');
  const signedTable = startTable(signed);
  const unsignedTable = startTable(unsigned);
  const n = a.p.length;
  const b1 = F(s.beta1);
  const c1 = F(1 - s.beta1);
  const b2 = F(s.beta2);
  const c2 = F(1 - s.beta2);
  const bc2sqrt = F(Math.sqrt(s.bc2));
  const eps = F(s.eps);
  const decay = F(1 - s.lr * s.weightDecay);
  const stepSize = F(s.lr / s.bc1);
  const m = new Float32Array(BLOCK_SIZE);
  const v = new Float32Array(BLOCK_SIZE);
  for (let start = 0, block = 0; start < n; start += BLOCK_SIZE, block++) {
    const end = Math.min(n, start + BLOCK_SIZE);
    const am1 = a.absmax1[block]!;
    const am2 = a.absmax2[block]!;
    let max1 = 0;
    let max2 = 0;
    for (let i = start; i < end; i++) {
      const g = a.g[i]!;
      const m0 = F(signed[a.codes1[i]!]! * am1);
      const v0 = F(unsigned[a.codes2[i]!]! * am2);
      const mi = F(F(m0 * b1) + F(g * c1));
      const vi = F(F(v0 * b2) + F(F(g * g) * c2));
      m[i - start] = mi;
      v[i - start] = vi;
      const denom = F(F(F(Math.sqrt(vi)) / bc2sqrt) + eps);
      let p = a.p[i]!;
      if (s.weightDecay > 0) p = F(p * decay);
      a.p[i] = F(p - F(F(mi / denom) * stepSize));
      const am = Math.abs(mi);
      if (am > max1) max1 = am;
      const av = Math.abs(vi);
      if (av > max2) max2 = av;
    }
    // A block of zeros keeps absmax 1 so that its codes stay finite (as the tfjs-op quantiser).
    const q1 = max1 === 0 ? 1 : max1;
    const q2 = max2 === 0 ? 1 : max2;
    a.absmax1[block] = q1;
    a.absmax2[block] = q2;
    for (let i = start; i < end; i++) {
      a.codes1[i] = nearestCode(signed, signedTable, F(m[i - start]! / q1));
      a.codes2[i] = nearestCode(unsigned, unsignedTable, F(v[i - start]! / q2));
    }
  }
}
