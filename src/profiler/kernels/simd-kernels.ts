/**
 * Compiles the kernel specs (kernel-spec.ts) to one WebAssembly module with 128-bit SIMD: each kernel
 * walks its arrays 4 floats at a time (f32x4) and finishes the last n mod 4 elements with scalar f32
 * code, all in one pass over memory (block-wise kernels: three loops per block of 256, see compileBlockwise). The module imports the memory it works on, so that it runs
 * directly on the tfjs wasm backend's heap (tensors are byte offsets into it); `copy` is memory.copy,
 * used to measure copy bandwidth in the same heap. Pure apart from WebAssembly instantiation.
 */
import { BLOCKWISE_KERNELS, KERNELS, type BlockwiseKernelSpec, type Expr, type KernelSpec, type Stmt } from './kernel-spec';
import { wasmApi, type WasmMemory } from './wasm-api';
import { encodeModule, op, type FunctionDef, type ValType } from './wasm-binary';

interface Layout {
  readonly arrays: Map<string, number>;
  readonly n: number;
  readonly scalars: Map<string, number>;
  readonly i: number;
  readonly end4: number;
  /** Element-wise kernels: (n & ~7) * 4, the end of the loop that takes two groups of 4 per trip. */
  readonly end8?: number;
  readonly endN: number;
  readonly splats: Map<string, number>;
  readonly vtmps: Map<string, number>;
  readonly ftmps: Map<string, number>;
  readonly vscratch: number;
  readonly fscratch: number;
  /** Per sum: 4 float32 lanes (SIMD loop) and one float32 (tail); locals start at zero. */
  readonly vsums: Map<string, number>;
  readonly fsums: Map<string, number>;
  readonly params: ValType[];
  readonly locals: ValType[];
  /**
   * Element-wise kernels' SIMD loops: per array a v128 local holding the 4 lanes loaded in this group
   * (each array is read from memory once per group, however many times the spec reads it), and the
   * arrays loaded so far in the group (a store to an array forgets it).
   */
  readonly vloads?: ReadonlyMap<string, number>;
  readonly loaded?: Set<string>;
  /** The arrays the body being compiled reads more than once (the others are loaded where read). */
  readonly reread?: Set<string>;
  /**
   * Block-wise kernels: per 8-bit state its arguments and locals; per iteration the element's code
   * index (i / 4) and its scratch address (scratch + i - block start; each state's row at a constant
   * offset); an i32x4 temporary for gathers.
   */
  readonly states?: ReadonlyMap<string, StateLocals>;
  readonly ci?: number;
  readonly si?: number;
  readonly vaddr?: number;
  /** Block-wise kernels: 0x7fffffff in every lane (|x| as one AND). */
  readonly vabs?: number;
  readonly blockSize?: number;
}

interface StateLocals {
  /** Index among the states (its scratch row). */
  readonly index: number;
  readonly codes: number;
  readonly absmax: number;
  readonly map: number;
  readonly table: number;
  /** The map's address in every lane. */
  readonly vmap: number;
  /** The block's old absmax (f32, splat), running max |new value| (f32, v128), the reciprocal of its new absmax (f32, splat). */
  readonly am: number;
  readonly amv: number;
  readonly fmax: number;
  readonly vmax: number;
  readonly q: number;
  readonly qv: number;
  /** The first group's codes in a loop trip over two groups. */
  readonly codesA: number;
}

function temporaries(spec: { readonly body: readonly Stmt[]; readonly between?: readonly Stmt[]; readonly then?: readonly Stmt[] }): string[] {
  const all = [...spec.body, ...(spec.between ?? []), ...(spec.then ?? [])];
  return [...new Set(all.filter((s): s is Extract<Stmt, { k: 'let' }> => s.k === 'let').map((s) => s.name))];
}

function layout(spec: KernelSpec): Layout {
  const params: ValType[] = [...spec.arrays.map((): ValType => 'i32'), 'i32', ...spec.scalars.map((): ValType => 'f32')];
  const arrays = new Map(spec.arrays.map((a, i) => [a, i]));
  const n = spec.arrays.length;
  const scalars = new Map(spec.scalars.map((s, i) => [s, n + 1 + i]));
  let next = params.length;
  const locals: ValType[] = [];
  const local = (t: ValType) => {
    locals.push(t);
    return next++;
  };
  const i = local('i32');
  const end4 = local('i32');
  const end8 = local('i32');
  const endN = local('i32');
  const splats = new Map(spec.scalars.map((s) => [s, local('v128')]));
  const tmps = temporaries(spec);
  const vtmps = new Map(tmps.map((t) => [t, local('v128')]));
  const vscratch = local('v128');
  const ftmps = new Map(tmps.map((t) => [t, local('f32')]));
  const fscratch = local('f32');
  const sums = spec.sums ?? [];
  const vsums = new Map(sums.map((s) => [s, local('v128')]));
  const fsums = new Map(sums.map((s) => [s, local('f32')]));
  const vloads = new Map(spec.arrays.map((a) => [a, local('v128')]));
  return { arrays, n, scalars, i, end4, end8, endN, splats, vtmps, ftmps, vscratch, fscratch, vsums, fsums, params, locals, vloads, loaded: new Set(), reread: new Set() };
}

function lookup(map: ReadonlyMap<string, number>, key: string, what: string): number {
  const v = map.get(key);
  if (v === undefined) throw new Error(`kernel: unknown ${what} '${key}'`);
  return v;
}

const VECTOR_BINARY = { add: op.f32x4Add, sub: op.f32x4Sub, mul: op.f32x4Mul, div: op.f32x4Div, max: op.f32x4Max } as const;
const SCALAR_BINARY = { add: op.f32Add, sub: op.f32Sub, mul: op.f32Mul, div: op.f32Div, max: op.f32Max } as const;

function address(l: Layout, array: string): number[] {
  return [...op.localGet(lookup(l.arrays, array, 'array')), ...op.localGet(l.i), ...op.i32Add];
}

function vectorExpr(l: Layout, e: Expr): number[] {
  switch (e.k) {
    case 'load': {
      const cached = l.vloads?.get(e.array);
      if (cached === undefined || !l.loaded || !l.reread?.has(e.array)) return [...address(l, e.array), ...op.v128Load];
      if (l.loaded.has(e.array)) return op.localGet(cached);
      l.loaded.add(e.array);
      return [...address(l, e.array), ...op.v128Load, ...op.localTee(cached)];
    }
    case 'scalar':
      return op.localGet(lookup(l.splats, e.name, 'scalar'));
    case 'tmp':
      return op.localGet(lookup(l.vtmps, e.name, 'temporary'));
    case 'const':
      return [...op.f32Const(e.value), ...op.f32x4Splat];
    case 'sqrt':
      return [...vectorExpr(l, e.a), ...op.f32x4Sqrt];
    case 'sum':
      return [...op.localGet(lookup(l.fsums, e.name, 'sum')), ...op.f32x4Splat];
    case 'dequant': {
      // Per lane: the code's byte (one load, the lane as the constant offset), times 4 plus the map's
      // address (one address computation), its map value loaded into the lane; then times the block's absmax.
      const st = stateOf(l, e.state);
      const va = l.vaddr!;
      const address = (k: number) => [...codeAddress(l, st), ...op.i32Load8U(k), ...op.i32Const(2), ...op.i32Shl, ...op.localGet(st.map), ...op.i32Add];
      return [
        ...address(0), ...op.v128Load32Zero, ...op.localSet(va),
        ...[1, 2, 3].flatMap((k) => [...address(k), ...op.localGet(va), ...op.v128Load32Lane(k), ...op.localSet(va)]),
        ...op.localGet(va), ...op.localGet(st.amv), ...op.f32x4Mul,
      ];
    }
    case 'sign': {
      const one = [...op.f32Const(1), ...op.f32x4Splat];
      const zero = [...op.f32Const(0), ...op.f32x4Splat];
      // (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0), with lane masks ANDed with the bits of 1.0
      return [
        ...vectorExpr(l, e.a), ...op.localTee(l.vscratch), ...zero, ...op.f32x4Gt, ...one, ...op.v128And,
        ...op.localGet(l.vscratch), ...zero, ...op.f32x4Lt, ...one, ...op.v128And, ...op.f32x4Sub,
      ];
    }
    default:
      return [...vectorExpr(l, e.a), ...vectorExpr(l, e.b), ...VECTOR_BINARY[e.k]];
  }
}

function scalarExpr(l: Layout, e: Expr): number[] {
  switch (e.k) {
    case 'load':
      return [...address(l, e.array), ...op.f32Load];
    case 'scalar':
      return op.localGet(lookup(l.scalars, e.name, 'scalar'));
    case 'tmp':
      return op.localGet(lookup(l.ftmps, e.name, 'temporary'));
    case 'const':
      return op.f32Const(e.value);
    case 'sqrt':
      return [...scalarExpr(l, e.a), ...op.f32Sqrt];
    case 'sum':
      return op.localGet(lookup(l.fsums, e.name, 'sum'));
    case 'dequant': {
      const st = stateOf(l, e.state);
      return [...codeAddress(l, st), ...op.i32Load8U(0), ...op.i32Const(2), ...op.i32Shl, ...op.localGet(st.map), ...op.i32Add, ...op.f32Load, ...op.localGet(st.am), ...op.f32Mul];
    }
    case 'sign':
      return [
        ...scalarExpr(l, e.a), ...op.localTee(l.fscratch), ...op.f32Const(0), ...op.f32Gt,
        ...op.localGet(l.fscratch), ...op.f32Const(0), ...op.f32Lt, ...op.i32Sub, ...op.f32ConvertI32S,
      ];
    default:
      return [...scalarExpr(l, e.a), ...scalarExpr(l, e.b), ...SCALAR_BINARY[e.k]];
  }
}

function stateOf(l: Layout, name: string): StateLocals {
  const st = l.states?.get(name);
  if (!st) throw new Error(`kernel: unknown 8-bit state '${name}'`);
  return st;
}

/** Byte address of the current element's code (i counts float bytes: codes advance by i / 4). */
function codeAddress(l: Layout, st: StateLocals): number[] {
  return [...op.localGet(st.codes), ...op.localGet(l.ci!), ...op.i32Add];
}

/** Offset of state st's row in the scratch area (added to the address si by the load or store). */
function scratchOffset(l: Layout, st: StateLocals): number {
  return st.index * l.blockSize! * 4;
}

/** Offset of state st's quotient row (after the value rows of every state). */
function quotientOffset(l: Layout, st: StateLocals): number {
  return (l.states!.size + st.index) * l.blockSize! * 4;
}

function body(l: Layout, spec: { readonly body: readonly Stmt[] }, vector: boolean): number[] {
  const out: number[] = [];
  l.loaded?.clear();
  l.reread?.clear();
  if (vector && l.reread) {
    const counts = new Map<string, number>();
    const count = (e: Expr): void => {
      if (e.k === 'load') counts.set(e.array, (counts.get(e.array) ?? 0) + 1);
      else if ('a' in e) {
        count(e.a);
        if ('b' in e) count(e.b);
      }
    };
    for (const st of spec.body) if ('value' in st) count(st.value);
    for (const [a, k] of counts) if (k > 1) l.reread.add(a);
  }
  for (const s of spec.body) {
    if (s.k === 'requant') {
      // The new value goes to the scratch area; its absolute value into the block's running max
      // (pmax / select keep the running max when the value is NaN, as `if (max < |x|) max = |x|`).
      const st = stateOf(l, s.state);
      const addr = op.localGet(l.si!);
      if (vector) {
        out.push(...addr, ...vectorExpr(l, s.value), ...op.localTee(l.vscratch), ...op.v128StoreAt(scratchOffset(l, st)));
        const abs = l.vabs === undefined ? op.f32x4Abs : [...op.localGet(l.vabs), ...op.v128And];
        out.push(...op.localGet(st.vmax), ...op.localGet(l.vscratch), ...abs, ...op.f32x4Pmax, ...op.localSet(st.vmax));
      } else {
        out.push(...addr, ...scalarExpr(l, s.value), ...op.localTee(l.fscratch), ...op.f32StoreAt(scratchOffset(l, st)));
        out.push(...maxInto(st.fmax, [...op.localGet(l.fscratch), ...op.f32Abs]));
      }
      continue;
    }
    if (s.k === 'let') {
      out.push(...(vector ? vectorExpr(l, s.value) : scalarExpr(l, s.value)));
      out.push(...op.localSet(lookup(vector ? l.vtmps : l.ftmps, s.name, 'temporary')));
    } else if (s.k === 'acc') {
      const sum = lookup(vector ? l.vsums : l.fsums, s.sum, 'sum');
      out.push(...op.localGet(sum), ...(vector ? vectorExpr(l, s.value) : scalarExpr(l, s.value)), ...(vector ? op.f32x4Add : op.f32Add), ...op.localSet(sum));
    } else {
      out.push(...address(l, s.array), ...(vector ? vectorExpr(l, s.value) : scalarExpr(l, s.value)), ...(vector ? op.v128Store : op.f32Store));
      l.loaded?.delete(s.array);
    }
  }
  return out;
}

/** max = max < x ? x : max (x an expression without side effects, evaluated twice). */
function maxInto(max: number, x: number[]): number[] {
  return [...x, ...op.localGet(max), ...op.localGet(max), ...x, ...op.f32Lt, ...op.select, ...op.localSet(max)];
}

/** A counted loop over byte offsets i from its current value to `end` in steps of `stride`. */
function loop(l: Layout, end: number, stride: number, inner: number[]): number[] {
  return [
    ...op.block, ...op.loop,
    ...op.localGet(l.i), ...op.localGet(end), ...op.i32GeU, ...op.brIf(1),
    ...inner,
    ...op.localGet(l.i), ...op.i32Const(stride), ...op.i32Add, ...op.localSet(l.i),
    ...op.br(0),
    ...op.end, ...op.end,
  ];
}

/**
 * The SIMD loop two groups of 4 per trip (to end8), then the last group of 4 if any (to end4): more
 * independent work in flight per trip. Measured by CPU time of the kernels alone against one group per
 * trip: faster for the element-wise and block-wise kernels, and (once each array is loaded once per
 * group) for the multi-row kernels too (about 5%: factored statistics 3.2 -> 3.1 ms, CAME's moment
 * 6.5 -> 6.1 ms on a 2048 x 4096 matrix).
 */
function twice(l: Layout, end8: number, end4: number, inner: number[]): number[] {
  return [
    ...loop(l, end8, 16, [...inner, ...op.localGet(l.i), ...op.i32Const(16), ...op.i32Add, ...op.localSet(l.i), ...inner]),
    ...loop(l, end4, 16, inner),
  ];
}

export function compileKernel(spec: KernelSpec): FunctionDef {
  const l = layout(spec);
  const code: number[] = [
    // end4 = (n & ~3) * 4, endN = n * 4 (byte offsets)
    ...op.localGet(l.n), ...op.i32Const(-4), ...op.i32And, ...op.i32Const(2), ...op.i32Shl, ...op.localSet(l.end4),
    ...op.localGet(l.n), ...op.i32Const(-8), ...op.i32And, ...op.i32Const(2), ...op.i32Shl, ...op.localSet(l.end8!),
    ...op.localGet(l.n), ...op.i32Const(2), ...op.i32Shl, ...op.localSet(l.endN),
  ];
  for (const s of spec.scalars) code.push(...op.localGet(lookup(l.scalars, s, 'scalar')), ...op.f32x4Splat, ...op.localSet(lookup(l.splats, s, 'scalar')));
  code.push(...op.i32Const(0), ...op.localSet(l.i));
  code.push(...twice(l, l.end8!, l.end4, body(l, spec, true)));
  code.push(...loop(l, l.endN, 4, body(l, spec, false)));
  // Each sum: ((lane 0 + lane 1) + (lane 2 + lane 3)) + tail, kept in its scalar local.
  const sums = spec.sums ?? [];
  for (const s of sums) {
    const v = lookup(l.vsums, s, 'sum');
    const f = lookup(l.fsums, s, 'sum');
    const lane = (k: number) => [...op.localGet(v), ...op.f32x4ExtractLane(k)];
    code.push(...lane(0), ...lane(1), ...op.f32Add, ...lane(2), ...lane(3), ...op.f32Add, ...op.f32Add, ...op.localGet(f), ...op.f32Add, ...op.localSet(f));
  }
  // The second pass: `between` once in scalar code (each temporary also splat for the SIMD loop), then `then`.
  for (const s of spec.between ?? []) {
    if (s.k !== 'let') throw new Error(`${spec.name}: between holds only 'let'`);
    const f = lookup(l.ftmps, s.name, 'temporary');
    code.push(...scalarExpr(l, s.value), ...op.localTee(f), ...op.f32x4Splat, ...op.localSet(lookup(l.vtmps, s.name, 'temporary')));
  }
  if (spec.then) {
    const then = { body: spec.then };
    code.push(...op.i32Const(0), ...op.localSet(l.i));
    code.push(...twice(l, l.end8!, l.end4, body(l, then, true)));
    code.push(...loop(l, l.endN, 4, body(l, then, false)));
  }
  for (const s of sums) code.push(...op.localGet(lookup(l.fsums, s, 'sum')));
  return { name: spec.name, params: l.params, locals: l.locals, results: sums.map((): ValType => 'f32'), body: code };
}

/** Temporaries an expression reads. */
function tmpsRead(e: Expr, out: Set<string>): Set<string> {
  if (e.k === 'tmp') out.add(e.name);
  else if ('a' in e) {
    tmpsRead(e.a, out);
    if ('b' in e) tmpsRead(e.b, out);
  }
  return out;
}

/**
 * A block-wise body split after its last requant: the statements up to it (dequantise, the states'
 * new values) and the rest (the update that reads them), with the temporaries the rest takes from the
 * scratch rows (each a requantised value, `requant(state, tmp(name))`); null when the rest reads another
 * temporary of the first part (the body then runs in one loop).
 */
function splitBlockwise(spec: BlockwiseKernelSpec): { first: Stmt[]; second: Stmt[]; reload: Array<[string, string]> } | null {
  let last = -1;
  spec.body.forEach((st, k) => {
    if (st.k === 'requant') last = k;
  });
  if (last < 0 || last === spec.body.length - 1) return null;
  const first = spec.body.slice(0, last + 1);
  const second = spec.body.slice(last + 1);
  const defined = new Set(first.flatMap((st) => (st.k === 'let' ? [st.name] : [])));
  const fromScratch = new Map(first.flatMap((st): Array<[string, string]> => (st.k === 'requant' && st.value.k === 'tmp' ? [[st.value.name, st.state]] : [])));
  const read = new Set<string>();
  for (const st of second) if ('value' in st) tmpsRead(st.value, read);
  const reload: Array<[string, string]> = [];
  for (const name of read) {
    if (!defined.has(name)) continue;
    const state = fromScratch.get(name);
    if (state === undefined) return null;
    reload.push([name, state]);
  }
  return { first, second, reload };
}

/**
 * A block-wise kernel (BlockwiseKernelSpec): per block, a first loop runs the body up to its last
 * requant (dequantise, the states' new values kept in the scratch rows with their running max |value|);
 * then per state the block's absmax (lanes and tail combined, 1 when 0) is stored and its float32
 * reciprocal taken (one division per block); then a quotient loop writes each value times the reciprocal
 * to the state's quotient row; then a second loop runs the rest of the body (the parameter update,
 * reading the new values back from the scratch rows) together with the requantisation of every quotient
 * through the state's table (kernel-spec.ts, quant-table.ts), so that the update's square root and
 * division overlap the table gathers. The requantisation reads each lane's top 16 bits of the quotient
 * row as its table index (no lane extraction), gathers the four entries lane by lane (v128.load32_lane)
 * and adds the quotients' bits (complemented when negative) to them, the code in the top half
 * (quant-table.ts: one add and a shift instead of two masks, a compare and a subtract; 8.3 -> 8.0 ns per
 * group of 4, kernel alone in cache); two groups' codes are narrowed to 8 bytes and stored at once. The
 * dequantising gathers load each lane's code byte and its map value. The first loop takes four groups of
 * 4 per trip, the quotient loop one, the second two (four spilled registers: slower), then two, a last
 * group, a scalar tail. Measured by CPU time of the kernel alone on data in cache, against one loop over
 * the whole body: 10.3 -> 8.3 ns per group of 4; running one block's first loop in the same trips as the
 * previous block's second loop was slower (10.0 ns).
 * The quotient loop (bench/kernel-8bit.ts against the same kernel with each quotient computed in the
 * second loop and stored over its value just before its halves are read back): 2.02 -> 1.74 ns per
 * element in cache, 2.31 -> 2.07 from memory. Read back from a store still in flight, the 16-bit loads
 * waited on store-to-load forwarding; written a loop earlier, they read the first-level cache.
 * Before it, the divisions: the requantisation divided each value by absmax and the update computed
 * sqrt(v)/sqrt(1-b2^t) + eps, 4 divisions and a square root per element, against 1 and 1 now
 * (bitsandbytes' CUDA arithmetic, ../optimizers/adamw-8bit.ts); that alone changed nothing in cache
 * (2.03-2.08 -> 2.04-2.14 ns per element) and 4% from memory (2.34-2.39 -> 2.25-2.30): with fewer
 * divisions the gathers set the pace, and then removing the last division and square root gained 2%.
 * Measured on this form (1.73-1.77 ns per element in cache): 3 of the 4 lanes of the dequantising
 * gathers left out 1.53, of the requantising ones 1.59 (10-14% less each, against 1.76-1.77 in the
 * same runs); the update moved into the quotient loop 1.92 (its division no longer overlaps the gathers);
 * the quotient loop two groups per trip, no faster; a load from each cache line of the next block's
 * parameter and gradient at the start of a block, 21% slower from memory (2.10 -> 2.55: the hardware
 * prefetcher already streams them, and the touches' misses hold up the loop), and a load one page (4 KiB)
 * ahead in each stream per block, 17% slower (2.13 -> 2.49); a load of each stream's page boundary inside
 * the block at its start (so that those misses overlap), no faster (2.06 -> 2.08). From memory the kernel
 * takes about 0.35 ns per element more than on data in the caches, also on 2.5 and 10 MB that only the
 * third-level cache holds (1.63-1.65 ns): the time lost is in the memory's latency, not in the caches.
 * It is the requantisation table's: with each state's table indices shifted right by 10 (64 entries,
 * wrong codes, timing only, every timing from the same step-3 state), 2.06-2.08 -> 1.63 from memory and
 * unchanged in cache; one state's alone 7-9% less; each index halved (half the lines) 3%, quartered
 * (what a table of one byte per group would touch, which needs a second dependent load per lane for the
 * threshold) 7%. The lookups
 * that miss are those of rarely used groups: counted in the JavaScript loop on 2^21 elements of the
 * same data, 0.17% of lookups (about 0.003 per element, a memory latency each once the streams have
 * flushed the caches) come more than 8192 elements after the last lookup of their cache line, 62% of
 * them the first state's (exponents -6 to -14 mostly), a quarter the second state's below 2^-24. A
 * compact table over clamped quotients (|x| clamped to [2^-24, 2] by pmax and pmin, NaN to a group of
 * its own; bit-identical): 1.73 -> 1.88 in cache and 2.11 -> 2.24 from memory indexed by the clamped
 * key's top half (153 KiB, 6 vector operations more per group in the quotient loop), 1.72 -> 2.09 and
 * 2.11 -> 2.52 with each entry's address in a row of its own (2 x 3202 entries, 25 KiB): it touches the
 * same lines but for the second state's quotients below 2^-24. Loads of 4, 8 or 16 of those lines
 * (exponents -31 to 0) in turn at the start of each block, to keep them in the second-level cache:
 * 2-6% slower, in cache and from memory alike.
 * The dequantising gathers two lanes at a time, from a table of the map's values for every pair of
 * codes (65536 x 8 bytes per map, indexed by two code bytes read as one 16-bit value): slower, 1.74 ->
 * 1.97 in cache and 2.06 -> 2.42 from memory (the table's misses cost more than the loads saved).
 * Blocks from the two halves of the tensor taken alternately (twice the streams, each at half the
 * pace): 2.10 -> 2.30 from memory. The table addresses computed in the quotient loop (four lanes at a
 * time, a row of their own) instead of per lane in the second loop: 1.71 -> 1.85 in cache. The first
 * loop two groups per trip instead of four: within 1%.
 * Slower or no faster, each against the form of that time (2.05-2.10 ns per element, with the division
 * in the second loop): gathers as four loads joined by shuffles (2.20) or as splat loads and blends
 * (3.3); table indices by lane extraction instead of the stored quotient's halves (2.18); the
 * requantising division as an f64 product with the block's reciprocal (exact, 2.20); group addresses
 * once per trip with constant offsets (2.13-2.24); the second loop four groups per trip (2.7-2.9) or one
 * (2.26), the first eight (2.29) or two (2.09); the square root and division of the denominator moved to
 * the first loop (2.43); the parameter update in the first loop (about 25% slower); the second state
 * requantised first (2.30); the requantisation reusing the values reloaded for the update, or its
 * quotients in a row of their own within the second loop (within 2%); reading the next block's
 * parameters early (no faster from memory).
 * Measured against this form with bench/kernel-8bit.ts --against (bit-identical unless said; ns per
 * element in cache / from memory, this build against the form in the same process): the table in an order
 * that puts rarely used groups on cache lines with common ones, the quotient loop storing each quotient's
 * word (table index in the top half, key in the low half, so that the second loop adds it without the
 * sign step; the other loops' work unchanged, and --against given each build's own tables): the top half
 * rotated left by 9 (m7, sign, e8: a line holds 16 consecutive exponents of one mantissa group) 1.73 ->
 * 2.69 / 2.28 -> 3.21 (probably as its hot lines fall into 4 of the 64 first-level cache sets); the same
 * lines with the mantissa on the set bits (e[7:4], sign, m7, e[3:0]) 1.81 -> 2.12 / 2.15 -> 2.59 and 1.77
 * -> 2.12 / 2.26 -> 2.68; exponent bit 3 swapped with mantissa bit 3 (a line holds 8 groups of exponent e
 * and 8 of e ^ 8: the first state's -8 to -13 ride with 0 to -5, the second's -24 to -31 with -16 to -23)
 * 1.76 -> 2.05 / 2.11 -> 2.41 and 1.76 -> 2.06 / 2.14 -> 2.43, the same as its control (the same vector
 * operations, the table in today's order: 2.05 / 2.39): the order gains nothing from memory either, so
 * the excess from memory is not the rare lines' misses alone, and 9 vector operations more per group and
 * state in the quotient loop cost 0.3 ns. The sign step alone moved to the quotient loop (and a
 * bitselect): 1.71 -> 1.80 / 2.19 -> 2.27. The second state's sign step left out (its quotients are never
 * negative but for NaN; it would need a table form of its own for negative groups): 2.7% less in cache,
 * 1-1.5% from memory (1.71 -> 1.66 / 2.03 -> 2.01), too little for a second table form. The table and map
 * addresses as the loads' constant offsets (a kernel compiled for the bench's addresses, the tables
 * placed first): 1.76 -> 1.78 / 2.07 -> 2.15. A group's four code bytes read as one i32 and taken apart
 * by shifts and masks: 1.75 -> 1.91 / 1.97 -> 2.10. The requantisation by scalar code lane by lane (four
 * byte stores per group): first state 1.74 -> 2.00 / 2.07 -> 2.32, second 1.71 -> 1.99 / 1.96 -> 2.19,
 * both 1.78 -> 2.50 / 1.99 -> 2.69. The quotients computed in the second loop two or four groups ahead
 * instead of in a loop of their own: 1.74 -> 1.77 / 2.04 -> 2.07 and 1.72 -> 1.72 / 1.95 -> 1.94. Two
 * groups' codes packed by one i8x16.shuffle of the unshifted sums instead of two shifts and two narrows:
 * 1.71 -> 1.78 / 2.00 -> 2.09 (a two-vector shuffle is several instructions).
 */
export function compileBlockwise(spec: BlockwiseKernelSpec): FunctionDef {
  const params: ValType[] = [...spec.arrays.map((): ValType => 'i32'), ...spec.states.flatMap((): ValType[] => ['i32', 'i32', 'i32', 'i32']), 'i32', 'i32', ...spec.scalars.map((): ValType => 'f32')];
  const arrays = new Map(spec.arrays.map((a, i) => [a, i]));
  let next = spec.arrays.length;
  const stateArgs = spec.states.map(() => {
    const base = next;
    next += 4;
    return base;
  });
  const scratch = next++;
  const n = next++;
  const scalars = new Map(spec.scalars.map((s) => [s, next++]));
  const locals: ValType[] = [];
  const local = (t: ValType) => {
    locals.push(t);
    return next++;
  };
  const i = local('i32');
  const blockEnd4 = local('i32');
  const blockEnd8 = local('i32');
  const blockEnd16 = local('i32');
  const blockEnd = local('i32');
  const blockStart = local('i32');
  const blockIdx4 = local('i32');
  const nBytes = local('i32');
  const iBits = local('i32');
  const ci = local('i32');
  const si = local('i32');
  const sBase = local('i32');
  const splats = new Map(spec.scalars.map((s) => [s, local('v128')]));
  const tmps = temporaries(spec);
  const vtmps = new Map(tmps.map((t) => [t, local('v128')]));
  const vscratch = local('v128');
  const vBits = local('v128');
  const vAddr = local('v128');
  const vCode = local('v128');
  const vAbs = local('v128');
  const vPack = local('v128');
  const ftmps = new Map(tmps.map((t) => [t, local('f32')]));
  const fscratch = local('f32');
  const states = new Map<string, StateLocals>(
    spec.states.map((name, index) => {
      const base = stateArgs[index]!;
      return [name, {
        index, codes: base, absmax: base + 1, map: base + 2, table: base + 3, vmap: local('v128'),
        am: local('f32'), amv: local('v128'), fmax: local('f32'), vmax: local('v128'), q: local('f32'), qv: local('v128'), codesA: local('v128'),
      }];
    }),
  );
  const l: Layout = {
    arrays, n, scalars, i, end4: blockEnd4, endN: blockEnd, splats, vtmps, ftmps, vscratch, fscratch,
    vsums: new Map(), fsums: new Map(), params, locals, states, ci, si, vaddr: vAddr, vabs: vAbs, blockSize: spec.blockSize,
  };
  const B = spec.blockSize;
  /** Per iteration: ci = i / 4, si = scratch - block start + i. */
  const iteration = [...op.localGet(i), ...op.i32Const(2), ...op.i32ShrU, ...op.localSet(ci), ...op.localGet(sBase), ...op.localGet(i), ...op.i32Add, ...op.localSet(si)];
  const st = [...states.values()];
  /** i to the next group (inside a trip over several groups). */
  const advance = [...op.localGet(i), ...op.i32Const(16), ...op.i32Add, ...op.localSet(i)];
  /** The SIMD loop two groups of 4 per trip (to blockEnd8), then the last group of 4 if any. */
  const absmaxAddress = (s: StateLocals) => [...op.localGet(s.absmax), ...op.localGet(blockIdx4), ...op.i32Add];
  const tableAddress = (s: StateLocals, k: number) => [...op.localGet(si), ...op.i32Load16U(quotientOffset(l, s) + 4 * k + 2), ...op.i32Const(2), ...op.i32Shl, ...op.localGet(s.table), ...op.i32Add];
  /** The codes of one group of 4 of state s, as i32x4 on the stack. */
  const requantCodes = (s: StateLocals) => [
    // y = value * (1 / absmax), from the state's quotient row (written by the block's quotient loop): each
    // lane's top 16 bits, read as an i32 (one load, no lane extraction), index the table
    ...op.localGet(si), ...op.v128LoadAt(quotientOffset(l, s)), ...op.localSet(vBits),
    ...tableAddress(s, 0), ...op.v128Load32Zero, ...op.localSet(vCode),
    ...[1, 2, 3].flatMap((k) => [...tableAddress(s, k), ...op.localGet(vCode), ...op.v128Load32Lane(k), ...op.localSet(vCode)]),
    // code = (entry + (bits ^ (bits >> 31))) >>> 16 (quant-table.ts)
    ...op.localGet(vCode), ...op.localGet(vBits), ...op.localGet(vBits), ...op.i32Const(31), ...op.i32x4ShrS, ...op.v128Xor,
    ...op.i32x4Add, ...op.i32Const(16), ...op.i32x4ShrU,
  ];
  /** One group: the low byte of each lane (codes are 0-255) into the low 4 bytes, stored as one i32. */
  const requantVector = (s: StateLocals) => [
    ...codeAddress(l, s), ...requantCodes(s),
    ...op.localTee(vCode), ...op.localGet(vCode), ...op.i8x16Shuffle([0, 4, 8, 12, 0, 4, 8, 12, 0, 4, 8, 12, 0, 4, 8, 12]),
    ...op.i32x4ExtractLane(0), ...op.i32Store(),
  ];
  /** Two groups (i, then i + 16): both groups' codes narrowed to 8 bytes (saturating, exact for 0-255), stored at once. */
  const requantPair = (update: number[], advance: number[]) => [
    ...iteration, ...update, ...st.flatMap((s) => [...requantCodes(s), ...op.localSet(s.codesA)]),
    ...advance,
    ...iteration, ...update,
    ...st.flatMap((s) => [
      // address of the first group's codes: codes + ci - 4
      ...codeAddress(l, s), ...op.i32Const(4), ...op.i32Sub,
      ...op.localGet(s.codesA), ...requantCodes(s), ...op.i16x8NarrowI32x4U, ...op.localTee(vPack), ...op.localGet(vPack), ...op.i8x16NarrowI16x8U,
      ...op.v128Store64Lane(0),
    ]),
  ];
  const requantScalar = (s: StateLocals) => [
    ...codeAddress(l, s),
    ...op.localGet(si), ...op.i32Load(quotientOffset(l, s)), ...op.localTee(iBits),
    ...op.i32Const(16), ...op.i32ShrU, ...op.i32Const(2), ...op.i32Shl, ...op.localGet(s.table), ...op.i32Add, ...op.i32Load(),
    ...op.localGet(iBits), ...op.localGet(iBits), ...op.i32Const(31), ...op.i32ShrS, ...op.i32Xor, ...op.i32Add,
    ...op.i32Const(16), ...op.i32ShrU,
    ...op.i32Store8(),
  ];
  const code: number[] = [
    ...op.localGet(n), ...op.i32Const(2), ...op.i32Shl, ...op.localSet(nBytes),
    ...op.i32Const(0x7fffffff), ...op.i32x4Splat, ...op.localSet(vAbs),
    ...op.i32Const(0), ...op.localSet(blockStart), ...op.i32Const(0), ...op.localSet(blockIdx4),
  ];
  for (const s of spec.scalars) code.push(...op.localGet(lookup(scalars, s, 'scalar')), ...op.f32x4Splat, ...op.localSet(lookup(splats, s, 'scalar')));
  for (const s of st) code.push(...op.localGet(s.map), ...op.i32x4Splat, ...op.localSet(s.vmap));
  const perBlock: number[] = [
    // blockEnd = min(blockStart + 4B, nBytes); blockEnd4 = blockStart + ((blockEnd - blockStart) & ~15)
    ...op.localGet(blockStart), ...op.i32Const(4 * B), ...op.i32Add, ...op.localTee(blockEnd), ...op.localGet(nBytes),
    ...op.localGet(blockEnd), ...op.localGet(nBytes), ...op.i32LtU, ...op.select, ...op.localSet(blockEnd),
    ...op.localGet(blockStart), ...op.localGet(blockEnd), ...op.localGet(blockStart), ...op.i32Sub, ...op.i32Const(-16), ...op.i32And, ...op.i32Add, ...op.localSet(blockEnd4),
    ...op.localGet(blockStart), ...op.localGet(blockEnd), ...op.localGet(blockStart), ...op.i32Sub, ...op.i32Const(-32), ...op.i32And, ...op.i32Add, ...op.localSet(blockEnd8),
    ...op.localGet(scratch), ...op.localGet(blockStart), ...op.i32Sub, ...op.localSet(sBase),
  ];
  for (const s of st) {
    perBlock.push(...absmaxAddress(s), ...op.f32Load, ...op.localTee(s.am), ...op.f32x4Splat, ...op.localSet(s.amv));
    perBlock.push(...op.f32Const(0), ...op.localTee(s.fmax), ...op.f32x4Splat, ...op.localSet(s.vmax));
  }
  const split = splitBlockwise(spec);
  const first = split ? { body: split.first } : spec;
  perBlock.push(...op.localGet(blockStart), ...op.localSet(i));
  // blockEnd16: the end of the trips of four groups
  perBlock.push(...op.localGet(blockStart), ...op.localGet(blockEnd), ...op.localGet(blockStart), ...op.i32Sub, ...op.i32Const(-64), ...op.i32And, ...op.i32Add, ...op.localSet(blockEnd16));
  const firstGroup = [...iteration, ...body(l, first, true)];
  perBlock.push(...loop(l, blockEnd16, 16, [...firstGroup, ...advance, ...firstGroup, ...advance, ...firstGroup, ...advance, ...firstGroup]));
  perBlock.push(...twice(l, blockEnd8, blockEnd4, firstGroup));
  perBlock.push(...loop(l, blockEnd, 4, [...iteration, ...body(l, first, false)]));
  for (const s of st) {
    // The lanes' max by two pmax with the lanes swapped (no lane is NaN: pmax kept the running max), then with the tail's.
    const swap = (lanes: number[]) => op.i8x16Shuffle(lanes.flatMap((k) => [4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3]));
    perBlock.push(...op.localGet(s.vmax), ...op.localGet(s.vmax), ...op.localGet(s.vmax), ...swap([2, 3, 0, 1]), ...op.f32x4Pmax, ...op.localSet(s.vmax));
    perBlock.push(...op.localGet(s.vmax), ...op.localGet(s.vmax), ...op.localGet(s.vmax), ...swap([1, 0, 3, 2]), ...op.f32x4Pmax, ...op.localSet(s.vmax));
    perBlock.push(...maxInto(s.fmax, [...op.localGet(s.vmax), ...op.f32x4ExtractLane(0)]));
    // q = max == 0 ? 1 : max (a block of zeros keeps absmax 1)
    perBlock.push(...op.f32Const(1), ...op.localGet(s.fmax), ...op.localGet(s.fmax), ...op.f32Const(0), ...op.f32Eq, ...op.select, ...op.localSet(s.q));
    perBlock.push(...absmaxAddress(s), ...op.localGet(s.q), ...op.f32Store);
    // Its reciprocal, one division per block: the requantisation multiplies by it
    perBlock.push(...op.f32Const(1), ...op.localGet(s.q), ...op.f32Div, ...op.localTee(s.q), ...op.f32x4Splat, ...op.localSet(s.qv));
  }
  // The second loop: the update after the requantised values (reading them back from the scratch rows), then the requantisation.
  const reload = (vector: boolean) =>
    (split?.reload ?? []).flatMap(([name, state]) => {
      const at = scratchOffset(l, stateOf(l, state));
      return vector
        ? [...op.localGet(si), ...op.v128LoadAt(at), ...op.localSet(lookup(vtmps, name, 'temporary'))]
        : [...op.localGet(si), ...op.f32LoadAt(at), ...op.localSet(lookup(ftmps, name, 'temporary'))];
    });
  const second = (vector: boolean) => (split ? [...reload(vector), ...body(l, { body: split.second }, vector)] : []);
  // The quotient loop: each state's values times the reciprocal, into its quotient row
  const quotients = (vector: boolean) => [
    ...op.localGet(sBase), ...op.localGet(i), ...op.i32Add, ...op.localSet(si),
    ...st.flatMap((s) => vector
      ? [...op.localGet(si), ...op.localGet(si), ...op.v128LoadAt(scratchOffset(l, s)), ...op.localGet(s.qv), ...op.f32x4Mul, ...op.v128StoreAt(quotientOffset(l, s))]
      : [...op.localGet(si), ...op.localGet(si), ...op.f32LoadAt(scratchOffset(l, s)), ...op.localGet(s.q), ...op.f32Mul, ...op.f32StoreAt(quotientOffset(l, s))]),
  ];
  perBlock.push(...op.localGet(blockStart), ...op.localSet(i));
  perBlock.push(...loop(l, blockEnd4, 16, quotients(true)));
  perBlock.push(...loop(l, blockEnd, 4, quotients(false)));
  perBlock.push(...op.localGet(blockStart), ...op.localSet(i));
  const secondVector = second(true);
  perBlock.push(...loop(l, blockEnd8, 16, requantPair(secondVector, advance)));
  perBlock.push(...loop(l, blockEnd4, 16, [...iteration, ...secondVector, ...st.flatMap(requantVector)]));
  perBlock.push(...loop(l, blockEnd, 4, [...iteration, ...second(false), ...st.flatMap(requantScalar)]));
  perBlock.push(...op.localGet(blockEnd), ...op.localSet(blockStart), ...op.localGet(blockIdx4), ...op.i32Const(4), ...op.i32Add, ...op.localSet(blockIdx4));
  // The block loop (blockStart counts bytes of the float arrays).
  code.push(
    ...op.block, ...op.loop,
    ...op.localGet(blockStart), ...op.localGet(nBytes), ...op.i32GeU, ...op.brIf(1),
    ...perBlock,
    ...op.br(0),
    ...op.end, ...op.end,
  );
  return { name: spec.name, params, locals, results: [], body: code };
}

const COPY: FunctionDef = {
  name: 'copy',
  params: ['i32', 'i32', 'i32'],
  locals: [],
  body: [...op.localGet(0), ...op.localGet(1), ...op.localGet(2), ...op.memoryCopy],
};

/** The default module's bytes, generated once (validated, then compiled). */
let defaultBytes: Uint8Array | null = null;

/** The module bytes: every kernel of kernel-spec.ts (element-wise, then block-wise) plus copy(dst, src, bytes). */
export function kernelModuleBytes(specs: readonly KernelSpec[] = KERNELS, blockwise: readonly BlockwiseKernelSpec[] = BLOCKWISE_KERNELS): Uint8Array {
  const all = specs === KERNELS && blockwise === BLOCKWISE_KERNELS;
  if (all && defaultBytes) return defaultBytes;
  const bytes = encodeModule([...specs.map(compileKernel), ...blockwise.map(compileBlockwise), COPY]);
  if (all) defaultBytes = bytes;
  return bytes;
}


/** Returns nothing, one sum (a number) or several (an array), as the spec's sums. */
export type KernelFunction = (...args: number[]) => unknown;

export interface SimdKernels {
  readonly memory: WasmMemory;
  /** kernel name -> function(array byte offsets..., n, scalars...) */
  readonly kernels: ReadonlyMap<string, KernelFunction>;
  copy(dstByteOffset: number, srcByteOffset: number, bytes: number): void;
}

let compiled: object | null = null;

/** Whether this engine validates the SIMD module (Node 16.4+ does). */
export function simdSupported(): boolean {
  try {
    return wasmApi.validate(kernelModuleBytes());
  } catch {
    return false;
  }
}

/** Instantiates the kernels on a memory (the tfjs wasm backend's heap, or a fresh one in tests). */
export function instantiateKernels(memory: WasmMemory, specs: readonly KernelSpec[] = KERNELS): SimdKernels {
  const module = specs === KERNELS ? (compiled ??= new wasmApi.Module(kernelModuleBytes())) : new wasmApi.Module(kernelModuleBytes(specs));
  const instance = new wasmApi.Instance(module, { env: { memory } });
  const kernels = new Map<string, KernelFunction>();
  for (const s of [...specs, ...BLOCKWISE_KERNELS]) kernels.set(s.name, instance.exports[s.name] as KernelFunction);
  const copy = instance.exports['copy'] as KernelFunction;
  return { memory, kernels, copy: (d, s, b) => copy(d, s, b) };
}
