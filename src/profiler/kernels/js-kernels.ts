/**
 * The kernel specs (kernel-spec.ts) as JavaScript loops for the cpu backend, whose tensors are
 * Float32Arrays in the JavaScript heap. Each operation is rounded to float32 (Math.fround), as the
 * cpu backend rounds each op's result when it stores it, so the fused loop gives the same numbers as
 * the tfjs ops. The loop is generated once per kernel from the spec (no per-element interpretation);
 * block-wise kernels (8-bit states) likewise, with the same table-driven requantisation as WebAssembly.
 */
import { BLOCKWISE_KERNELS, KERNELS, type BlockwiseKernelSpec, type Expr, type KernelSpec, type Stmt } from './kernel-spec';

/** Updates the arrays in place; returns the spec's sums (accumulated in float64), in order. */
export type JsKernel = (arrays: readonly Float32Array[], n: number, scalars: readonly number[]) => number[];

function js(e: Expr, spec: { readonly name: string }): string {
  const f = (x: string) => `F(${x})`;
  switch (e.k) {
    case 'load':
      return `${e.array}[i]`;
    case 'scalar':
      return `s_${e.name}`;
    case 'tmp':
      return `t_${e.name}`;
    case 'const':
      return f(String(e.value));
    case 'sqrt':
      return f(`Math.sqrt(${js(e.a, spec)})`);
    case 'sign':
      return `S(${js(e.a, spec)})`;
    case 'add':
      return f(`${js(e.a, spec)} + ${js(e.b, spec)}`);
    case 'sub':
      return f(`${js(e.a, spec)} - ${js(e.b, spec)}`);
    case 'mul':
      return f(`${js(e.a, spec)} * ${js(e.b, spec)}`);
    case 'div':
      return f(`${js(e.a, spec)} / ${js(e.b, spec)}`);
    case 'max':
      return `Math.max(${js(e.a, spec)}, ${js(e.b, spec)})`;
    case 'sum':
      return f(`sum_${e.name}`);
    case 'dequant':
      return f(`map_${e.state}[codes_${e.state}[i]] * am_${e.state}`);
  }
}

/** The JavaScript source of a kernel's loop (for inspection and tests). */
export function kernelSource(spec: KernelSpec): string {
  const sums = spec.sums ?? [];
  const stmt = (s: Stmt): string => {
    if (s.k === 'requant') throw new Error(`${spec.name}: requant belongs to block-wise kernels`);
    return s.k === 'let' ? `  const t_${s.name} = ${js(s.value, spec)};` : s.k === 'acc' ? `  sum_${s.sum} += ${js(s.value, spec)};` : `  ${s.array}[i] = ${js(s.value, spec)};`;
  };
  const lines = [
    ...spec.arrays.map((a, i) => `const ${a} = arrays[${i}];`),
    ...spec.scalars.map((s, i) => `const s_${s} = F(scalars[${i}]);`),
    ...sums.map((s) => `let sum_${s} = 0;`),
    'for (let i = 0; i < n; i++) {',
    ...spec.body.map(stmt),
    '}',
    ...(spec.between ?? []).map(stmt),
    ...(spec.then ? ['for (let i = 0; i < n; i++) {', ...spec.then.map(stmt), '}'] : []),
    `return [${sums.map((s) => `sum_${s}`).join(', ')}];`,
  ];
  return lines.join('\n');
}

/** One 8-bit state of a block-wise kernel: codes, block absmax values, map and quant-table.ts table. */
export interface JsQuantState {
  readonly codes: Uint8Array;
  readonly absmax: Float32Array;
  readonly map: Float32Array;
  readonly table: Uint32Array;
}

/** Updates the arrays and states in place. */
export type JsBlockKernel = (arrays: readonly Float32Array[], states: readonly JsQuantState[], n: number, scalars: readonly number[]) => void;

/**
 * The JavaScript source of a block-wise kernel: per block the body with each new state value kept in a
 * float32 scratch row (and its running max |value|), then the block absmax (1 for zeros) and its float32
 * reciprocal, then each value times the reciprocal (the float64 product of two float32 values is exact,
 * rounded once to float32 by the scratch row) read back as bits and coded through the table.
 */
export function blockKernelSource(spec: BlockwiseKernelSpec): string {
  const stmt = (s: Stmt): string => {
    switch (s.k) {
      case 'let':
        return `    const t_${s.name} = ${js(s.value, spec)};`;
      case 'store':
        return `    ${s.array}[i] = ${js(s.value, spec)};`;
      case 'requant':
        return `    { const x = ${js(s.value, spec)}; sc_${s.state}[i - start] = x; const a = Math.abs(x); if (mx_${s.state} < a) mx_${s.state} = a; }`;
      case 'acc':
        throw new Error(`${spec.name}: block-wise kernels have no sums`);
    }
  };
  const st = spec.states;
  const lines = [
    ...spec.arrays.map((a, i) => `const ${a} = arrays[${i}];`),
    ...st.flatMap((s, i) => [
      `const codes_${s} = states[${i}].codes, absmax_${s} = states[${i}].absmax, map_${s} = states[${i}].map, table_${s} = states[${i}].table;`,
      `const sc_${s} = new Float32Array(${spec.blockSize}), bits_${s} = new Uint32Array(sc_${s}.buffer);`,
    ]),
    ...spec.scalars.map((s, i) => `const s_${s} = F(scalars[${i}]);`),
    `for (let start = 0, block = 0; start < n; start += ${spec.blockSize}, block++) {`,
    `  const end = Math.min(n, start + ${spec.blockSize});`,
    ...st.map((s) => `  const am_${s} = absmax_${s}[block]; let mx_${s} = 0;`),
    '  for (let i = start; i < end; i++) {',
    ...spec.body.map(stmt),
    '  }',
    ...st.map((s) => `  const q_${s} = mx_${s} === 0 ? 1 : mx_${s}; absmax_${s}[block] = q_${s}; const r_${s} = F(1 / q_${s});`),
    '  for (let k = 0; k < end - start; k++) {',
    ...st.flatMap((s) => [
      `    sc_${s}[k] = sc_${s}[k] * r_${s};`,
      `    { const b = bits_${s}[k]; codes_${s}[start + k] = (table_${s}[b >>> 16] + (b ^ (b >> 31))) >>> 16; }`,
    ]),
    '  }',
    '}',
  ];
  return lines.join('\n');
}

const blockCache = new Map<string, JsBlockKernel>();

export function jsBlockKernel(name: string): JsBlockKernel {
  let k = blockCache.get(name);
  if (!k) {
    const spec = BLOCKWISE_KERNELS.find((s) => s.name === name);
    if (!spec) throw new Error(`no block-wise kernel named ${name}`);
    // Generated from the spec, never from input (as build below).
    k = new Function('F', `return function ${spec.name}(arrays, states, n, scalars) {\n${blockKernelSource(spec)}\n};`)(Math.fround) as JsBlockKernel;
    blockCache.set(name, k);
  }
  return k;
}

const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

function build(spec: KernelSpec): JsKernel {
  // Generated from the spec above, never from input: the kernels are fixed data of this module.
  const factory = new Function('F', 'S', `return function ${spec.name}(arrays, n, scalars) {\n${kernelSource(spec)}\n};`) as (
    f: (x: number) => number,
    s: (x: number) => number,
  ) => JsKernel;
  return factory(Math.fround, sign);
}

const cache = new Map<string, JsKernel>();

export function jsKernel(name: string): JsKernel {
  let k = cache.get(name);
  if (!k) {
    const spec = KERNELS.find((s) => s.name === name);
    if (!spec) throw new Error(`no kernel named ${name}`);
    k = build(spec);
    cache.set(name, k);
  }
  return k;
}
