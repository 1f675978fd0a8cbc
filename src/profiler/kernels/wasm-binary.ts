/**
 * A minimal WebAssembly binary writer: just enough of the format (WebAssembly Core Specification 2.0,
 * chapter 5 "Binary Format", and the SIMD and bulk-memory opcode tables) to emit the optimizer
 * kernels in simd-kernels.ts from TypeScript source, with no toolchain beyond the TypeScript compiler.
 * Pure; no tfjs.
 */

export const VALTYPE = { i32: 0x7f, f32: 0x7d, v128: 0x7b } as const;
export type ValType = keyof typeof VALTYPE;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Instruction bytes. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  f32Const: (v: number) => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    return [0x43, ...b];
  },
  select: [0x1b],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32And: [0x71],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  i32GtU: [0x4b],
  i32LtU: [0x49],
  i32Xor: [0x73],
  i32ShrS: [0x75],
  i32ShrU: [0x76],
  i32ReinterpretF32: [0xbc],
  /** Loads and stores with alignment hint 0 and a constant offset. */
  i32Load: (offset = 0) => [0x28, 0x00, ...uleb(offset)],
  i32Load8U: (offset = 0) => [0x2d, 0x00, ...uleb(offset)],
  i32Load16U: (offset = 0) => [0x2f, 0x00, ...uleb(offset)],
  i32Store: (offset = 0) => [0x36, 0x00, ...uleb(offset)],
  i32Store8: (offset = 0) => [0x3a, 0x00, ...uleb(offset)],
  f32LoadAt: (offset = 0) => [0x2a, 0x00, ...uleb(offset)],
  f32StoreAt: (offset = 0) => [0x38, 0x00, ...uleb(offset)],
  f32Eq: [0x5b],
  f32Abs: [0x8b],
  f32Load: [0x2a, 0x02, 0x00],
  f32Store: [0x38, 0x02, 0x00],
  f32Lt: [0x5d],
  f32Gt: [0x5e],
  f32Sqrt: [0x91],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32ConvertI32S: [0xb2],
  f32Max: [0x97],
  f32x4ExtractLane: (lane: number) => [0xfd, ...uleb(0x1f), lane],
  f32x4Max: [0xfd, ...uleb(0xe9)],
  v128LoadAt: (offset: number) => [0xfd, ...uleb(0x00), 0x00, ...uleb(offset)],
  v128StoreAt: (offset: number) => [0xfd, ...uleb(0x0b), 0x00, ...uleb(offset)],
  /** Loads 4 bytes into lane 0 of i32x4, the other lanes zero. */
  v128Load32Zero: [0xfd, ...uleb(0x5c), 0x00, 0x00],
  /** Loads 4 bytes into one lane of a vector: (address, v128) -> v128. */
  v128Load32Lane: (lane: number, offset = 0) => [0xfd, ...uleb(0x56), 0x00, ...uleb(offset), lane],
  /** Stores one 8-byte lane of a vector: (address, v128) -> nothing. */
  v128Store64Lane: (lane: number, offset = 0) => [0xfd, ...uleb(0x5b), 0x00, ...uleb(offset), lane],
  /** Stores one 4-byte lane of a vector: (address, v128) -> nothing. */
  v128Store32Lane: (lane: number, offset = 0) => [0xfd, ...uleb(0x5a), 0x00, ...uleb(offset), lane],
  /** Signed 32-bit lanes of two vectors to unsigned-saturated 16-bit lanes (first vector's in the low half). */
  i16x8NarrowI32x4U: [0xfd, ...uleb(0x86)],
  /** Signed 16-bit lanes of two vectors to unsigned-saturated bytes (first vector's in the low half). */
  i8x16NarrowI16x8U: [0xfd, ...uleb(0x66)],
  i32x4Const: (lanes: readonly [number, number, number, number]) => {
    const b = Buffer.alloc(16);
    lanes.forEach((v, k) => b.writeInt32LE(v | 0, 4 * k));
    return [0xfd, ...uleb(0x0c), ...b];
  },
  i32x4Splat: [0xfd, ...uleb(0x11)],
  i32x4ExtractLane: (lane: number) => [0xfd, ...uleb(0x1b), lane],
  i32x4GtS: [0xfd, ...uleb(0x3b)],
  v128Xor: [0xfd, ...uleb(0x51)],
  /** i8x16.shuffle of two vectors by 16 lane indices (0-31). */
  i8x16Shuffle: (lanes: readonly number[]) => [0xfd, ...uleb(0x0d), ...lanes],
  i32x4Shl: [0xfd, ...uleb(0xab)],
  i32x4ShrS: [0xfd, ...uleb(0xac)],
  i32x4ShrU: [0xfd, ...uleb(0xad)],
  i32x4Add: [0xfd, ...uleb(0xae)],
  i32x4Sub: [0xfd, ...uleb(0xb1)],
  f32x4Abs: [0xfd, ...uleb(0xe0)],
  /** pmax(a, b) = a < b ? b : a (a NaN in b is ignored). */
  f32x4Pmax: [0xfd, ...uleb(0xeb)],
  v128Load: [0xfd, ...uleb(0x00), 0x00, 0x00],
  v128Store: [0xfd, ...uleb(0x0b), 0x00, 0x00],
  f32x4Splat: [0xfd, ...uleb(0x13)],
  f32x4Lt: [0xfd, ...uleb(0x43)],
  f32x4Gt: [0xfd, ...uleb(0x44)],
  v128And: [0xfd, ...uleb(0x4e)],
  f32x4Sqrt: [0xfd, ...uleb(0xe3)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  f32x4Div: [0xfd, ...uleb(0xe7)],
  memoryCopy: [0xfc, ...uleb(0x0a), 0x00, 0x00],
} as const;

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ValType[];
  /** Extra locals after the parameters. */
  readonly locals: readonly ValType[];
  /** Result types (none when absent; several are a multi-value return, an array in JavaScript). */
  readonly results?: readonly ValType[];
  readonly body: readonly number[];
}

/** A module importing one memory as env.memory and exporting the functions. */
export function encodeModule(functions: readonly FunctionDef[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [VALTYPE[p]])), ...vec((f.results ?? []).map((r) => [VALTYPE[r]]))]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(0)]];
  const funcs = functions.map((_, i) => uleb(i));
  const exported = functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]);
  const codes = functions.map((f) => {
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === VALTYPE[t]) last[0] = (last[0] ?? 0) + 1;
      else groups.push([1, VALTYPE[t]]);
    }
    const body = [...vec(groups.map(([count, type]) => [...uleb(count!), type!])), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs)),
    ...section(7, vec(exported)),
    ...section(10, vec(codes)),
  ]);
}
