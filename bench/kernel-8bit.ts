/**
 * The 8-bit AdamW kernel alone (README: Profiling on your machine): the adamw_8bit WebAssembly SIMD
 * kernel of kernel-spec.ts on a fresh memory, timed by this process's CPU time (process.cpuUsage: memory
 * stalls count, waiting for a core does not), in ns per element, on a tensor that stays in the
 * second-level cache and on BANDWIDTH_ELEMENTS floats (the bandwidth table's size). With --against DIR
 * (another build's output directory, e.g. main's `out`) that build's kernel runs on the same data with
 * that build's scalars, alternating with this one, after a check that both write the same parameters,
 * codes and absmax bit for bit (a kernel whose arithmetic changed fails it, and the exit status says so;
 * its timings are still shown): an A/B measurement of a kernel change in one process, whose ratio holds
 * on a busy machine where absolute figures do not. Parameters N(0, 0.02) and gradients N(0, 1e-3) as the bandwidth table's,
 * bitsandbytes AdamW8bit defaults (lr 1e-3, weight decay 1e-2). Prints figures measured in this run; a
 * report, not a gate.
 *
 * Usage: node out/bench/kernel-8bit.js [--against OTHER_OUT_DIR] [--reps N]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADAMW_8BIT_KERNEL, adamw8bitScalars, blockwiseScratchFloats } from '../src/profiler/kernels/kernel-spec';
import { quantTable } from '../src/profiler/kernels/quant-table';
import { instantiateKernels, type KernelFunction } from '../src/profiler/kernels/simd-kernels';
import { wasmApi, type WasmMemory } from '../src/profiler/kernels/wasm-api';
import { BLOCK_SIZE, dynamicMap } from '../src/profiler/optimizers/blockwise-8bit';
import { BANDWIDTH_ELEMENTS } from '../src/profiler/sweep/constants';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Elements that stay in the second-level cache (parameter and gradient 128 KiB), run this many times per timing. */
const IN_CACHE = 16384;
const IN_CACHE_CALLS = 100;

/** A deterministic normal sample (Box-Muller over a 32-bit LCG). */
function normals(n: number, sd: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = sd * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

type Scalars = (step: number) => number[];

const HYPER = { lr: 1e-3, weightDecay: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** adamw_8bit's scalars at `step` (as the fused optimizer passes them). */
const scalars: Scalars = (step) => adamw8bitScalars({ ...HYPER, step });

/**
 * Another build's scalars: its adamw8bitScalars, or for a build before it (unfolded bias correction:
 * decay, b1, c1, b2, c2, sqrt(1-b2^t), eps, lr/(1-b1^t)) those.
 */
function otherScalars(outDir: string): Scalars {
  const spec = require(path.resolve(outDir, 'src', 'profiler', 'kernels', 'kernel-spec.js')) as Partial<typeof import('../src/profiler/kernels/kernel-spec')>;
  const own = spec.adamw8bitScalars;
  if (own) return (step) => own({ ...HYPER, step });
  const { lr, weightDecay, beta1: b1, beta2: b2, eps } = HYPER;
  return (step) => [1 - lr * weightDecay, b1, 1 - b1, b2, 1 - b2, Math.sqrt(1 - b2 ** step), eps, lr / (1 - b1 ** step)];
}

interface Workspace {
  readonly run: (kernel: KernelFunction, step: number, scalarsOf?: Scalars) => void;
  readonly snapshot: () => Uint8Array[];
  readonly restore: (s: Uint8Array[]) => void;
}

/** Parameter, gradient and 8-bit states of n elements, maps, tables and scratch on one memory. */
function workspace(n: number, memory: WasmMemory): Workspace {
  const blocks = Math.ceil(n / BLOCK_SIZE);
  const signed = dynamicMap(true);
  const unsigned = dynamicMap(false);
  const parts: Array<Float32Array | Uint8Array | Uint32Array> = [
    normals(n, 0.02, 1), normals(n, 1e-3, 2),
    new Uint8Array(n), new Float32Array(blocks), signed, quantTable(signed),
    new Uint8Array(n), new Float32Array(blocks), unsigned, quantTable(unsigned),
    new Float32Array(blockwiseScratchFloats(ADAMW_8BIT_KERNEL)),
  ];
  const bytes = parts.reduce((sum, x) => sum + Math.ceil(x.byteLength / 64) * 64 + 64, 64);
  const pages = Math.ceil(bytes / 65536);
  const grow = pages - memory.buffer.byteLength / 65536;
  if (grow > 0) memory.grow(grow);
  let next = 64;
  const offsets = parts.map((x) => {
    const at = next;
    new Uint8Array(memory.buffer, at, x.byteLength).set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    next = at + Math.ceil(x.byteLength / 64) * 64 + 64;
    return at;
  });
  // What a step writes: the parameter, both states' codes and absmax.
  const written = [0, 2, 3, 6, 7].map((k) => [offsets[k]!, parts[k]!.byteLength] as const);
  return {
    run: (kernel, step, scalarsOf = scalars) => void kernel(...offsets, n, ...scalarsOf(step)),
    snapshot: () => written.map(([at, len]) => new Uint8Array(memory.buffer, at, len).slice()),
    restore: (s) => written.forEach(([at, len], k) => new Uint8Array(memory.buffer, at, len).set(s[k]!)),
  };
}

/** How many parameters, codes and absmax values of two snapshots differ (workspace's written parts, in order). */
function differences(a: Uint8Array[], b: Uint8Array[]): string {
  const floats = (x: Uint8Array) => new Float32Array(x.buffer, x.byteOffset, x.byteLength / 4);
  const count = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    let d = 0;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) d++;
    return d;
  };
  const [p, c1, a1, c2, a2] = a.map((x, k) => (k === 1 || k === 3 ? count(x, b[k]!) : count(floats(x), floats(b[k]!))));
  return `parameters ${p}, first-state codes ${c1} and absmax ${a1}, second-state codes ${c2} and absmax ${a2} differ`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function main(): number {
  const against = arg('against');
  const reps = Number(arg('reps') ?? 9);
  const memory = new wasmApi.Memory({ initial: 1 });
  const variants: Array<{ name: string; kernel: KernelFunction; scalars: Scalars }> = [{ name: 'this build', kernel: instantiateKernels(memory).kernels.get(ADAMW_8BIT_KERNEL.name)!, scalars }];
  if (against) {
    const file = path.resolve(against, 'src', 'profiler', 'kernels', 'simd-kernels.js');
    if (!fs.existsSync(file)) {
      console.error(`bench/kernel-8bit: no ${file} (--against takes another build's output directory, e.g. main's out)`);
      return 1;
    }
    const other = require(file) as typeof import('../src/profiler/kernels/simd-kernels');
    const kernel = other.instantiateKernels(memory).kernels.get(ADAMW_8BIT_KERNEL.name);
    if (!kernel) {
      console.error(`bench/kernel-8bit: ${file} has no ${ADAMW_8BIT_KERNEL.name} kernel`);
      return 1;
    }
    variants.push({ name: path.resolve(against), kernel, scalars: otherScalars(against) });
  }
  const loadBefore = os.loadavg()[0]!;
  console.log(`8-bit AdamW kernel alone (adamw_8bit, WebAssembly SIMD), CPU time per element, ${reps} timings each, variants alternating`);
  let status = 0;
  for (const [n, calls] of [[IN_CACHE, IN_CACHE_CALLS], [BANDWIDTH_ELEMENTS, 1]] as const) {
    const ws = workspace(n, memory);
    for (let step = 1; step <= 2; step++) ws.run(variants[0]!.kernel, step);
    // Same outputs from the same state (step 3), then every timing from the state the runs leave.
    const start = ws.snapshot();
    let reference: Uint8Array[] | null = null;
    for (const v of variants) {
      ws.restore(start);
      ws.run(v.kernel, 3, v.scalars);
      const out = ws.snapshot();
      if (reference && out.some((x, k) => Buffer.compare(Buffer.from(x), Buffer.from(reference![k]!)) !== 0)) {
        console.error(`bench/kernel-8bit: ${v.name} writes other values than this build on ${n} elements (${differences(reference, out)})`);
        status = 1;
      }
      reference ??= out;
    }
    const times = variants.map((): number[] => []);
    for (let r = 0; r < reps; r++) {
      variants.forEach((v, k) => {
        const t0 = process.cpuUsage();
        for (let c = 0; c < calls; c++) ws.run(v.kernel, 4, v.scalars);
        const d = process.cpuUsage(t0);
        times[k]!.push((1000 * (d.user + d.system)) / (n * calls));
      });
    }
    const where = n === IN_CACHE ? 'in cache' : 'from memory';
    variants.forEach((v, k) => {
      const t = times[k]!;
      console.log(`  ${String(n).padStart(8)} elements (${where}): ${median(t).toFixed(2)} ns median, ${Math.min(...t).toFixed(2)} ns least  ${v.name}`);
    });
    if (variants.length > 1) console.log(`  ${''.padStart(8)} this build / other (medians): ${(median(times[0]!) / median(times[1]!)).toFixed(3)}`);
  }
  console.log(`  load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after (other work on the machine lowers every figure)`);
  return status;
}

process.exitCode = main();
