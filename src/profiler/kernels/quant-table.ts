/**
 * Nearest-code quantisation against a sorted 256-value map (bitsandbytes' dynamic maps) as a table
 * lookup, for the block-wise kernels (kernel-spec.ts BlockwiseKernelSpec). The tfjs-op quantiser
 * (../optimizers/blockwise-8bit.ts quantizeBlockwise) takes upper = clamp(lowerBound(map, x), 1, 255),
 * lower = upper - 1 and keeps lower when |x - map[lower]| <= |x - map[upper]| in float32. Between two
 * neighbours a < b that rule keeps the lower code on a prefix of [a, b] (x - a only grows, b - x only
 * shrinks), so it is a float32 threshold t_k: for every finite x the code is the number of thresholds
 * below x (below map[0] the op keeps code 0, above map[255] code 255: the nearest). The quantised values
 * x = value * (1/block absmax) lie in [-1, 1] or one float beyond (the reciprocal is rounded).
 *
 * The table has one int32 per group of floats sharing their top 16 bits (sign, exponent, 7 mantissa
 * bits). Within a group a float's key is its low 16 bits, inverted for negative floats so that keys grow
 * with the value; the code of x is the codes below its group, plus 1 when key(x) > the key t of the one
 * threshold inside the group (none: t = 0xffff). With k(x) = bits ^ (bits >> 31) (arithmetic shift:
 * the bits of a positive float, their complement for a negative one), k(x) = (G << 16) + key(x) where G
 * depends only on the group, so the entry holds ((below - G) << 16) + (0xffff - t) mod 2^32 and
 *   code = (entry + k(x)) >>> 16   (mod 2^32: the low halves carry exactly when key(x) > t)
 * one load, one add, one shift per element, no search, no compare.
 * A map with two thresholds in one group (neighbours closer than 2^-8 relative) is rejected; the
 * dynamic maps' neighbours are at least 0.7% apart.
 * x is finite with |x| < 2, or +-infinity (a block whose absmax is below 2^-128: its float32 reciprocal
 * overflows), or NaN (a NaN or infinite value, or a zero in such a block). The groups holding infinity
 * (top bits 7f80 and ff80) give the op's codes of +-infinity (nearestCode: 254 and 0, both distances
 * infinite), every other NaN group code 1, as the search does for NaN. Those two groups hold NaN
 * patterns too (signalling ones), but no x: a NaN x comes out of a multiplication, which sets the quiet
 * bit (mantissa bit 22; WebAssembly's arithmetic NaNs, and JavaScript's float32 stores of them), so its
 * top bits are 7fc0 or above. Finite |x| >= 2 never occurs (the table gives 255 and 0, the op 254 beyond
 * about 2^24, where x - map[254] and x - 1 round alike). Pure.
 */

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

function floatOf(pattern: number): number {
  bits[0] = pattern >>> 0;
  return asFloat[0]!;
}

function patternOf(x: number): number {
  asFloat[0] = x;
  return bits[0]!;
}

/** Floats in increasing order as integers (-0 and +0 both 0). */
function orderKey(x: number): number {
  const b = patternOf(x);
  return b >= 0x80000000 ? -(b - 0x80000000) : b;
}

function fromOrderKey(k: number): number {
  return k < 0 ? floatOf(0x80000000 + -k) : floatOf(k);
}

/** The tfjs-op quantiser's choice between neighbours a < b: true keeps the lower code. */
function keepsLower(x: number, a: number, b: number): boolean {
  return Math.abs(Math.fround(x - a)) <= Math.abs(Math.fround(x - b));
}

/** The tfjs-op quantiser's code of x (quantizeBlockwise: lowerBound, clamped to 1..255, the nearer neighbour, ties lower). */
export function nearestCode(map: Float32Array, x: number): number {
  let below = 0;
  while (below < 256 && map[below]! < x) below++;
  const upper = Math.min(Math.max(below, 1), 255);
  return keepsLower(x, map[upper - 1]!, map[upper]!) ? upper - 1 : upper;
}

/** The 255 thresholds: t_k is the largest float32 in [map[k], map[k+1]] that keeps code k. */
export function thresholds(map: Float32Array): Float32Array {
  if (map.length !== 256) throw new Error('quantisation map: 256 values expected');
  const out = new Float32Array(255);
  for (let k = 0; k < 255; k++) {
    const a = map[k]!;
    const b = map[k + 1]!;
    if (!(a < b)) throw new Error('quantisation map: values must be strictly increasing');
    let lo = orderKey(a); // keeps the lower code
    let hi = orderKey(b); // does not (b - a > 0 = b - b)
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (keepsLower(fromOrderKey(mid), a, b)) lo = mid;
      else hi = mid;
    }
    out[k] = fromOrderKey(lo);
  }
  return out;
}

/** A float's bits, complemented for negative floats (int32 arithmetic shift): (G << 16) + its key. */
function keyBits(pattern: number): number {
  return (pattern ^ (pattern >> 31)) >>> 0;
}

/** A float's key within its group of 65536 (low 16 bits, inverted for negative floats). */
function keyOf(pattern: number): number {
  return keyBits(pattern) & 0xffff;
}

/** The entry of a group: codes below it, key of the threshold inside it (0xffff: none). */
function entryOf(group: number, below: number, key: number): number {
  const G = keyBits(group * 65536) >>> 16;
  return (((below - G) * 65536 + (0xffff - key)) >>> 0);
}

const tables = new WeakMap<Float32Array, Uint32Array>();

/** The lookup table of a map (computed once per map object). */
export function quantTable(map: Float32Array): Uint32Array {
  const cached = tables.get(map);
  if (cached) return cached;
  const t = thresholds(map);
  const table = new Uint32Array(65536);
  for (let group = 0; group < 65536; group++) {
    const negative = group >= 0x8000;
    if ((group & 0x7f80) === 0x7f80) {
      // Infinity's group: the op's code of +-infinity; NaN: code 1.
      const infinity = (group & 0x7fff) === 0x7f80;
      table[group] = entryOf(group, infinity ? nearestCode(map, negative ? -Infinity : Infinity) : 1, 0xffff);
      continue;
    }
    const first = floatOf(group * 65536 + (negative ? 0xffff : 0));
    const last = floatOf(group * 65536 + (negative ? 0 : 0xffff));
    // Thresholds below the group's first float: binary search over the sorted thresholds.
    let below = 0;
    for (let step = 128; step >= 1; step >>= 1) if (below + step <= 255 && t[below + step - 1]! < first) below += step;
    let inside = 0;
    let key = 0xffff;
    for (let k = below; k < 255 && t[k]! <= last; k++) {
      inside++;
      key = keyOf(patternOf(t[k]!));
    }
    if (inside > 1) throw new Error(`quantisation map: two thresholds among floats with top bits ${group.toString(16)}`);
    table[group] = entryOf(group, below, key);
  }
  tables.set(map, table);
  return table;
}

/** The code of x through the table (what the kernels compute; for tests and scalar use). */
export function quantize(table: Uint32Array, x: number): number {
  const b = patternOf(x);
  return (table[b >>> 16]! + keyBits(b)) >>> 16;
}
