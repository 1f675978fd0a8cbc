/**
 * The kernel specs (kernel-spec.ts) as JavaScript loops for the cpu backend, whose tensors are
 * Float32Arrays in the JavaScript heap. Each operation is rounded to float32 (Math.fround), as the
 * cpu backend rounds each op's result when it stores it, so the fused loop gives the same numbers as
 * the tfjs ops. The loop is generated once per kernel from the spec (no per-element interpretation).
 */
import { KERNELS, type Expr, type KernelSpec } from './kernel-spec';

/** Updates the arrays in place; returns the spec's sums (accumulated in float64), in order. */
export type JsKernel = (arrays: readonly Float32Array[], n: number, scalars: readonly number[]) => number[];

function js(e: Expr, spec: KernelSpec): string {
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
  }
}

/** The JavaScript source of a kernel's loop (for inspection and tests). */
export function kernelSource(spec: KernelSpec): string {
  const sums = spec.sums ?? [];
  const stmt = (s: KernelSpec['body'][number]): string =>
    s.k === 'let' ? `  const t_${s.name} = ${js(s.value, spec)};` : s.k === 'acc' ? `  sum_${s.sum} += ${js(s.value, spec)};` : `  ${s.array}[i] = ${js(s.value, spec)};`;
  const lines = [
    ...spec.arrays.map((a, i) => `const ${a} = arrays[${i}];`),
    ...spec.scalars.map((s, i) => `const s_${s} = F(scalars[${i}]);`),
    ...sums.map((s) => `let sum_${s} = 0;`),
    'for (let i = 0; i < n; i++) {',
    ...spec.body.map(stmt),
    '}',
    `return [${sums.map((s) => `sum_${s}`).join(', ')}];`,
  ];
  return lines.join('\n');
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
