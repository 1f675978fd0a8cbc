/**
 * Compiles the kernel specs (kernel-spec.ts) to one WebAssembly module with 128-bit SIMD: each kernel
 * walks its arrays 4 floats at a time (f32x4) and finishes the last n mod 4 elements with scalar f32
 * code, all in one pass over memory. The module imports the memory it works on, so that it runs
 * directly on the tfjs wasm backend's heap (tensors are byte offsets into it); `copy` is memory.copy,
 * used to measure copy bandwidth in the same heap. Pure apart from WebAssembly instantiation.
 */
import { KERNELS, type Expr, type KernelSpec, type Stmt } from './kernel-spec';
import { wasmApi, type WasmMemory } from './wasm-api';
import { encodeModule, op, type FunctionDef, type ValType } from './wasm-binary';

interface Layout {
  readonly arrays: Map<string, number>;
  readonly n: number;
  readonly scalars: Map<string, number>;
  readonly i: number;
  readonly end4: number;
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
}

function temporaries(spec: KernelSpec): string[] {
  return [...new Set(spec.body.filter((s): s is Extract<Stmt, { k: 'let' }> => s.k === 'let').map((s) => s.name))];
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
  return { arrays, n, scalars, i, end4, endN, splats, vtmps, ftmps, vscratch, fscratch, vsums, fsums, params, locals };
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
    case 'load':
      return [...address(l, e.array), ...op.v128Load];
    case 'scalar':
      return op.localGet(lookup(l.splats, e.name, 'scalar'));
    case 'tmp':
      return op.localGet(lookup(l.vtmps, e.name, 'temporary'));
    case 'const':
      return [...op.f32Const(e.value), ...op.f32x4Splat];
    case 'sqrt':
      return [...vectorExpr(l, e.a), ...op.f32x4Sqrt];
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
    case 'sign':
      return [
        ...scalarExpr(l, e.a), ...op.localTee(l.fscratch), ...op.f32Const(0), ...op.f32Gt,
        ...op.localGet(l.fscratch), ...op.f32Const(0), ...op.f32Lt, ...op.i32Sub, ...op.f32ConvertI32S,
      ];
    default:
      return [...scalarExpr(l, e.a), ...scalarExpr(l, e.b), ...SCALAR_BINARY[e.k]];
  }
}

function body(l: Layout, spec: KernelSpec, vector: boolean): number[] {
  const out: number[] = [];
  for (const s of spec.body) {
    if (s.k === 'let') {
      out.push(...(vector ? vectorExpr(l, s.value) : scalarExpr(l, s.value)));
      out.push(...op.localSet(lookup(vector ? l.vtmps : l.ftmps, s.name, 'temporary')));
    } else if (s.k === 'acc') {
      const sum = lookup(vector ? l.vsums : l.fsums, s.sum, 'sum');
      out.push(...op.localGet(sum), ...(vector ? vectorExpr(l, s.value) : scalarExpr(l, s.value)), ...(vector ? op.f32x4Add : op.f32Add), ...op.localSet(sum));
    } else {
      out.push(...address(l, s.array), ...(vector ? vectorExpr(l, s.value) : scalarExpr(l, s.value)), ...(vector ? op.v128Store : op.f32Store));
    }
  }
  return out;
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

export function compileKernel(spec: KernelSpec): FunctionDef {
  const l = layout(spec);
  const code: number[] = [
    // end4 = (n & ~3) * 4, endN = n * 4 (byte offsets)
    ...op.localGet(l.n), ...op.i32Const(-4), ...op.i32And, ...op.i32Const(2), ...op.i32Shl, ...op.localSet(l.end4),
    ...op.localGet(l.n), ...op.i32Const(2), ...op.i32Shl, ...op.localSet(l.endN),
  ];
  for (const s of spec.scalars) code.push(...op.localGet(lookup(l.scalars, s, 'scalar')), ...op.f32x4Splat, ...op.localSet(lookup(l.splats, s, 'scalar')));
  code.push(...op.i32Const(0), ...op.localSet(l.i));
  code.push(...loop(l, l.end4, 16, body(l, spec, true)));
  code.push(...loop(l, l.endN, 4, body(l, spec, false)));
  // Each sum: ((lane 0 + lane 1) + (lane 2 + lane 3)) + tail, left on the stack as a result.
  const sums = spec.sums ?? [];
  for (const s of sums) {
    const v = lookup(l.vsums, s, 'sum');
    const lane = (k: number) => [...op.localGet(v), ...op.f32x4ExtractLane(k)];
    code.push(...lane(0), ...lane(1), ...op.f32Add, ...lane(2), ...lane(3), ...op.f32Add, ...op.f32Add, ...op.localGet(lookup(l.fsums, s, 'sum')), ...op.f32Add);
  }
  return { name: spec.name, params: l.params, locals: l.locals, results: sums.map((): ValType => 'f32'), body: code };
}

const COPY: FunctionDef = {
  name: 'copy',
  params: ['i32', 'i32', 'i32'],
  locals: [],
  body: [...op.localGet(0), ...op.localGet(1), ...op.localGet(2), ...op.memoryCopy],
};

/** The module bytes: every kernel of kernel-spec.ts plus copy(dst, src, bytes). */
export function kernelModuleBytes(specs: readonly KernelSpec[] = KERNELS): Uint8Array {
  return encodeModule([...specs.map(compileKernel), COPY]);
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
  for (const s of specs) kernels.set(s.name, instance.exports[s.name] as KernelFunction);
  const copy = instance.exports['copy'] as KernelFunction;
  return { memory, kernels, copy: (d, s, b) => copy(d, s, b) };
}
