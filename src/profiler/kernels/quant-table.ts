/**
 * Nearest-code quantisation against a sorted 256-value map (bitsandbytes' dynamic maps) as a table
 * lookup, for the block-wise kernels (kernel-spec.ts BlockwiseKernelSpec). The tfjs-op quantiser
 * (../optimizers/blockwise-8bit.ts quantizeBlockwise) takes upper = clamp(lowerBound(map, x), 1, 255),
 * lower = upper - 1 and keeps lower when |x - map[lower]| <= |x - map[upper]| in float32 (nearestCode).
 * Between two neighbours a < b that rule keeps the lower code on a prefix of [a, b] (x - a only grows,
 * b - x only shrinks), so it is a float32 threshold t_k: for every finite x in [map[0], map[255]] the
 * code is the number of thresholds below x.
 *
 * The group table has one int32 per group of floats sharing their top 16 bits (sign, exponent, 7
 * mantissa bits). Within a group a float's key is its low 16 bits, inverted for negative floats so that
 * keys grow with the value; the code of x is the codes below its group, plus 1 when key(x) > the key t
 * of the one threshold inside the group (none: t = 0xffff). With k(x) = bits ^ (bits >> 31) (arithmetic
 * shift: the bits of a positive float, their complement for a negative one), k(x) = (G << 16) + key(x)
 * where G depends only on the group, so the entry holds ((below - G) << 16) + (0xffff - t) mod 2^32 and
 *   code = (entry + k(x)) >>> 16   (mod 2^32: the low halves carry exactly when key(x) > t)
 * one load, one add, one shift per element, no search, no compare.
 * A map with two thresholds in one group (neighbours closer than 2^-8 relative) is rejected; the
 * dynamic maps' neighbours are at least 0.7% apart.
 *
 * The kernels take a compact table (quantTable: 2 x 3202 entries, 25 KiB instead of 256 KiB) over the
 * floats they can meet. The quantised values x = value * (1/block absmax) are finite with |x| < 2 (in
 * [-1, 1] or one float beyond: the reciprocal is rounded), or +-infinity (a block whose absmax is below
 * 2^-128, whose float32 reciprocal overflows), or NaN (a NaN or infinite value, or a zero in such a
 * block). So |x| is clamped (clampBits): below CLAMP_LOW (2^-24, where both dynamic maps still give the
 * code of 0: their smallest magnitudes are 3.25e-7 and 5.5e-7) to CLAMP_LOW, from 2 up to infinity to
 * CLAMP_HIGH (2, a group of its own whose code is the op's for +-infinity: 254 and 0, as it is for
 * |x| beyond 2^25; finite |x| >= 2 never occurs), NaN to CLAMP_NAN (a group of its own: the op's code
 * 1 for NaN); the sign goes back as k = clamped ^ sign mask. The entry of group g (top 16 bits of the
 * clamped magnitude) sits at g - CLAMP_GROUP + (sign mask & ROWS). Pure.
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

/** The tfjs-op quantiser's code of x (quantizeBlockwise: lowerBound, clamp to 1..255, the nearer of two, ties lower). */
export function nearestCode(map: Float32Array, x: number): number {
  let below = 0;
  while (below < 256 && map[below]! < x) below++;
  const upper = Math.min(Math.max(below, 1), 255);
  return keepsLower(x, map[upper - 1]!, map[upper]!) ? upper - 1 : upper;
}

const groupTables = new WeakMap<Float32Array, Uint32Array>();

/**
 * The group table of a map: one entry per top 16 bits, over every float (computed once per map object;
 * the compact table's source, and the reference its tests compare with). NaN and infinity get code 1.
 */
export function groupTable(map: Float32Array): Uint32Array {
  const cached = groupTables.get(map);
  if (cached) return cached;
  const t = thresholds(map);
  const table = new Uint32Array(65536);
  for (let group = 0; group < 65536; group++) {
    const negative = group >= 0x8000;
    if ((group & 0x7f80) === 0x7f80) {
      table[group] = entryOf(group, 1, 0xffff);
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
  groupTables.set(map, table);
  return table;
}

/** The code of x through a group table. */
export function quantizeByGroup(table: Uint32Array, x: number): number {
  const b = patternOf(x);
  return (table[b >>> 16]! + keyBits(b)) >>> 16;
}

/** |x| is clamped to [CLAMP_LOW, CLAMP_HIGH] (float bits: 2^-24 and 2), NaN to CLAMP_NAN (see above). */
export const CLAMP_LOW = 0x33800000;
export const CLAMP_HIGH = 0x40000000;
export const CLAMP_NAN = 0x40010000;
const INFINITY_BITS = 0x7f800000;

/** The clamped magnitude of a float's bits (what the kernels compute with f32x4 pmax, pmin and an unsigned min). */
export function clampBits(pattern: number): number {
  const a = pattern & 0x7fffffff;
  return a > INFINITY_BITS ? CLAMP_NAN : a > CLAMP_HIGH ? CLAMP_HIGH : a < CLAMP_LOW ? CLAMP_LOW : a;
}

/** The key of a float's bits: its clamped magnitude, complemented when the sign bit is set (uint32). */
export function clampedKey(pattern: number): number {
  return (clampBits(pattern) ^ (pattern >> 31)) >>> 0;
}

/** The compact table covers keys' top 16 bits from CLAMP_FIRST (positive, CLAMP_LOW) to 0xffff - CLAMP_FIRST (negative). */
export const CLAMP_FIRST = CLAMP_LOW >>> 16;
export const CLAMP_ENTRIES = 0x10000 - 2 * CLAMP_FIRST;

/** The entry giving `code` to every key of group `g` (top 16 bits of k = clamped ^ sign mask). */
function constantEntry(code: number, g: number): number {
  return ((code - g) * 65536) >>> 0;
}

const tables = new WeakMap<Float32Array, Uint32Array>();

/**
 * The compact table of a map, indexed by a key's top 16 bits minus CLAMP_FIRST (computed once per map
 * object): the group table's entries of the groups from CLAMP_LOW's to 2 (a negative group g at
 * 0xffff - g, its entry offset by 2^31: the key of a negative float, ~clamped, is the group table's key
 * plus 2^31), then the op's codes of +-infinity and of NaN at CLAMP_HIGH's and CLAMP_NAN's groups; the
 * entries between the two halves are never read (0). Rejects a map whose code is not that of 0 for
 * every |x| up to 2^-24 (what clamping to CLAMP_LOW assumes).
 */
export function quantTable(map: Float32Array): Uint32Array {
  const cached = tables.get(map);
  if (cached) return cached;
  const full = groupTable(map);
  const low = nearestCode(map, 0);
  for (let g = 0; g <= CLAMP_FIRST; g++) {
    for (const sign of [0, 0x80000000]) {
      for (const low16 of [0, 0xffff]) {
        if (g === CLAMP_FIRST && low16 === 0xffff) continue;
        const x = floatOf(sign + g * 65536 + low16);
        if (quantizeByGroup(full, x) !== low) throw new Error(`quantisation map: ${x} does not get the code of 0 (compact table)`);
      }
    }
  }
  const table = new Uint32Array(CLAMP_ENTRIES);
  for (let g = CLAMP_FIRST; g < CLAMP_HIGH >>> 16; g++) {
    table[g - CLAMP_FIRST] = full[g]!;
    table[0xffff - g - CLAMP_FIRST] = (full[0x8000 + g]! + 0x80000000) >>> 0;
  }
  const special = (bits: number, code: number, negativeCode: number) => {
    const g = bits >>> 16;
    table[g - CLAMP_FIRST] = constantEntry(code, g);
    table[0xffff - g - CLAMP_FIRST] = constantEntry(negativeCode, 0xffff - g);
  };
  special(CLAMP_HIGH, nearestCode(map, Infinity), nearestCode(map, -Infinity));
  special(CLAMP_NAN, nearestCode(map, NaN), nearestCode(map, NaN));
  tables.set(map, table);
  return table;
}

/** The code of x through the compact table (what the kernels compute; for tests and scalar use). */
export function quantize(table: Uint32Array, x: number): number {
  const k = clampedKey(patternOf(x));
  return (table[(k >>> 16) - CLAMP_FIRST]! + k) >>> 16;
}
