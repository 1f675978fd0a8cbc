/**
 * Speed near the limit (README: Profiling on your machine, "effective memory bandwidth"): the backend's copy bandwidth and each optimizer's
 * effective bandwidth, measured in the same process on the same heap.
 *
 * Copy bandwidth: the fastest of the ways to copy float32 memory within the backend's storage
 * (wasm: memory.copy in the heap the tensors live in, and TypedArray.set on the heap; cpu:
 * Float32Array.set), median of several copies of `elements` floats. Bytes counted as STREAM's Copy
 * counts them: read + write, 8 bytes per float.
 *
 * Each optimizer's share is of the copy bandwidth measured alternately with its own steps (a copy by
 * that fastest method, then a step, and again; the median of each): the memory bandwidth a process gets
 * on a shared machine changes from second to second (on the 2-core development VM single copies of
 * 2^23 floats ranged 11-22 GB/s within one second and their medians 14-32 GB/s from run to run), so a copy
 * timed seconds before or after a step measures other conditions than the step's. And copies timed
 * back to back reuse what the previous copy left in the caches: STREAM's rule (McCalpin, "each array must
 * be at least 4x the size of the sum of all the last-level caches used in the run", STREAM FAQ,
 * www.cs.virginia.edu/stream/ref.html) is there to prevent that, and a buffer of BANDWIDTH_ELEMENTS floats
 * (32 MiB) is about one last-level cache of the development VM; the steps between the copies flush the
 * caches as a larger buffer would (bench/bandwidth.ts prints both orders: in a run while the VM's memory
 * was fast, copies back to back ran about 14% faster and the steps the same; while it was slow, the two
 * orders differed only by the run's noise).
 *
 * Effective bandwidth of an optimizer: the least memory traffic one step must cause, divided by the
 * measured step time. One step reads the gradient and reads and writes the parameter and every state
 * tensor once: 2 x 4 + 4 + 2 x stateBytes/param bytes per parameter (AdamW 28, Lion and SGD with
 * momentum 20, Adafactor about 12). Measured on one [rows, cols] float32 matrix of `elements`
 * parameters (the step's tensors together far larger than the last-level cache: a memory measurement), median of
 * several steps after a warm-up step.
 * Child side (tfjs).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { isOptimizerId } from '../../core/optimizers/registry';
import { BANDWIDTH_ELEMENTS, NOT_ELEMENTWISE } from '../sweep/constants';
import { createOptimizer, profilerOptimizer } from '../optimizers';
import { createFusedOptimizer } from './fused-optimizers';
import { cpuValues, wasmKernels, wasmOffset, type KernelPath } from './storage';
import { SweepRandom } from '../sweep/random';
import { median as medianOrNull } from '../../core/profile/median';
import type { ProfilerOptimizer } from '../optimizers/base';
import type { CopyBandwidth, OptimizerBandwidth } from '../protocol';


/** Optimizers whose tfjs-op step takes seconds on BANDWIDTH_ELEMENTS (blockwise quantisation by tfjs ops): not re-measured unfused. */
const SLOW_UNFUSED: ReadonlySet<string> = new Set(['adamw-8bit', 'paged-adamw-8bit']);

/** The median of timings (never empty here: every measurement times at least once). */
function median(values: readonly number[]): number {
  return medianOrNull(values) ?? Number.NaN;
}

function timed(run: () => void): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

function medianMs(run: () => void, reps: number): number {
  return median(Array.from({ length: reps }, () => timed(run)));
}

const GB = 1e9;

/** Normal values drawn per bandwidth buffer; the rest of the buffer repeats them. */
const DRAWN_VALUES = 1 << 16;

/**
 * A buffer of `elements` values with standard deviation `std`: DRAWN_VALUES normal values (seeded, so
 * every run measures the same data) repeated to the length. A step's speed on these buffers does not
 * depend on which values they hold (no value ever decides how much memory is touched), and drawing
 * every one of 2 x 2^23 values (tfjs randomNormal) took about 0.8 s of CPU per sweep, as long as a few
 * optimizers' measurements.
 */
function repeatedNormals(elements: number, std: number, seed: number): Float32Array {
  const out = new Float32Array(elements);
  const drawn = Math.min(elements, DRAWN_VALUES);
  out.set(new SweepRandom(seed).normals(drawn, std));
  for (let filled = drawn; filled < elements; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, elements - filled));
  return out;
}

/**
 * The ways to copy `elements` floats of `src` into `dst` within the backend's storage, by name: wasm
 * memory.copy and TypedArray.set on the wasm heap, Float32Array.set on the cpu backend's arrays, and on
 * another backend (tfjs-node) the best a tfjs op can do, one read and one write.
 */
function copyRunners(src: tf.Tensor, dst: tf.Tensor, elements: number): Map<string, () => void> {
  const runners = new Map<string, () => void>();
  const simd = wasmKernels();
  const so = wasmOffset(src);
  const d0 = wasmOffset(dst);
  if (simd && so !== null && d0 !== null) {
    runners.set('wasm memory.copy', () => simd.copy(d0, so, 4 * elements));
    runners.set('TypedArray.set on the wasm heap', () => {
      const heap = new Float32Array(simd.memory.buffer);
      heap.set(heap.subarray(so / 4, so / 4 + elements), d0 / 4);
    });
  }
  const sv = cpuValues(src);
  const dv = cpuValues(dst);
  if (sv && dv) runners.set('Float32Array.set', () => dv.set(sv));
  if (runners.size === 0) runners.set('tf.add(x, 0)', () => tf.tidy(() => void tf.add(src, 0).dataSync()));
  return runners;
}

export function measureCopyBandwidth(elements: number = BANDWIDTH_ELEMENTS, reps = 9): CopyBandwidth {
  // Any values: a copy moves the same bytes whatever they are.
  const src = tf.tensor1d(repeatedNormals(elements, 1, 1));
  const dst = tf.zeros([elements]);
  const bytes = copyBytesOf(elements);
  const methods: Record<string, number> = {};
  try {
    for (const [name, run] of copyRunners(src, dst, elements)) {
      run();
      methods[name] = rateGBps(bytes, medianMs(run, reps));
    }
  } finally {
    src.dispose();
    dst.dispose();
  }
  const [method, GBps] = Object.entries(methods).sort((a, b) => b[1] - a[1])[0]!;
  return { GBps, method, elements, methods };
}

/** A matrix shape with `elements` entries: rows a power of two near the square root. */
export function matrixShape(elements: number): [number, number] {
  let rows = 2 ** Math.floor(Math.log2(Math.sqrt(elements)));
  while (elements % rows !== 0) rows /= 2;
  return [rows, elements / rows];
}

/**
 * The parameter values and the gradient every step measurement starts from, made once per phase (see
 * repeatedNormals): every optimizer copies the parameters (its own storage, which a fused kernel
 * updates in place) and reads the same gradient (never written).
 */
export interface BandwidthInputs {
  readonly elements: number;
  readonly init: tf.Tensor;
  readonly grad: tf.Tensor;
  /** Where the copies timed alternately with the steps write (they read `init`, which nothing writes). */
  readonly copyDst: tf.Tensor;
  dispose(): void;
}

export function createBandwidthInputs(elements: number = BANDWIDTH_ELEMENTS): BandwidthInputs {
  const shape = matrixShape(elements);
  const init = tf.tensor(repeatedNormals(elements, 0.02, 2), shape);
  const grad = tf.tensor(repeatedNormals(elements, 1e-3, 3), shape);
  const copyDst = tf.zeros(shape);
  return { elements, init, grad, copyDst, dispose: () => tf.dispose([init, grad, copyDst]) };
}

/** The copy by `method` (a CopyBandwidth's fastest) on the inputs' buffers, for timing alternately with steps. */
function pairedCopy(inputs: BandwidthInputs, method: string): () => void {
  const runners = copyRunners(inputs.init, inputs.copyDst, inputs.elements);
  const run = runners.get(method) ?? [...runners.values()][0]!;
  run();
  return run;
}

interface StepMeasurement {
  stepMs: number;
  /** Median time of the copies timed alternately with the steps, ms. */
  copyMs: number;
  stateBytes: number;
  kernel: KernelPath | 'tfjs-ops';
}

/**
 * Runs `use` with one step of the optimizer on the inputs (its states allocated by a first, untimed
 * step), then frees the optimizer and its parameter; null when the optimizer has no such implementation.
 */
function withSteps<T>(id: string, hyper: Hyperparameters, inputs: BandwidthInputs, fused: boolean, use: (step: () => void, opt: ProfilerOptimizer) => T): T | null {
  const opt = fused ? createFusedOptimizer(id, hyper) : createOptimizer(id, hyper);
  if (!opt) return null;
  // The variable must own its storage (a fused kernel writes it in place): a real copy of the shared
  // values (tf.clone would share the buffer), whose temporary handle is dropped.
  const own = tf.add(inputs.init, 0);
  const p = tf.variable(own, true, `bandwidth/${id}/${fused ? 'fused' : 'ops'}`);
  own.dispose();
  const g = inputs.grad;
  try {
    const step = () => opt.applyGradients([{ name: p.name, tensor: g }]);
    step(); // allocates the states (and makes the parameter own its storage)
    return use(step, opt);
  } finally {
    opt.dispose();
    p.dispose();
  }
}

function measureSteps(id: string, hyper: Hyperparameters, inputs: BandwidthInputs, copy: () => void, fused: boolean, maxReps: number): StepMeasurement | null {
  return withSteps(id, hyper, inputs, fused, (step, opt) => {
    const copies = [timed(copy)];
    const second = timed(step);
    // A slow step (tfjs-op quantisation, ...) is measured once, a step of tfjs ops (tens of ms) a few
    // times: their bandwidth is far from the limit anyway; fast fused steps get the full median. Each
    // timed step follows a timed copy (module note).
    const reps = second > 250 ? 0 : second > 50 ? Math.min(2, maxReps) : maxReps;
    const steps: number[] = [];
    for (let r = 0; r < reps; r++) {
      copies.push(timed(copy));
      steps.push(timed(step));
    }
    const stepMs = reps === 0 ? second : Math.min(second, median(steps));
    const copyMs = median(reps === 0 ? copies : copies.slice(1));
    const fusedStats = (opt as { fusedStats?: { fused: number; path: KernelPath | null } }).fusedStats;
    const kernel: KernelPath | 'tfjs-ops' = fusedStats && fusedStats.fused > 0 && fusedStats.path ? fusedStats.path : 'tfjs-ops';
    return { stepMs, copyMs, stateBytes: opt.stateBytes(), kernel };
  });
}

/** One round of timingOrders: medians in ms. */
export interface TimingOrderRound {
  readonly copyBackToBackMs: number;
  readonly stepBackToBackMs: number;
  readonly copyAlternatingMs: number;
  readonly stepAlternatingMs: number;
}

/**
 * The evidence for timing copies alternately with the steps (module note), for the bench: per round,
 * `reps` copies back to back, then `reps` steps of the optimizer's fused kernel (its tfjs ops when it has
 * none) back to back, then `reps` of each alternately; the median of each. Null as measureSteps.
 */
export function timingOrders(
  id: string,
  hyper: Hyperparameters,
  copy: Pick<CopyBandwidth, 'method'>,
  inputs: BandwidthInputs,
  rounds = 5,
  reps = 7,
): { bytesPerParam: number; rounds: TimingOrderRound[] } | null {
  const run = pairedCopy(inputs, copy.method);
  return withSteps(id, hyper, inputs, true, (step, opt) => ({
    bytesPerParam: leastBytesPerParam(opt.stateBytes(), inputs.elements),
    rounds: Array.from({ length: rounds }, (): TimingOrderRound => {
      const copyBackToBackMs = medianMs(run, reps);
      const stepBackToBackMs = medianMs(step, reps);
      const copies: number[] = [];
      const steps: number[] = [];
      for (let r = 0; r < reps; r++) {
        copies.push(timed(run));
        steps.push(timed(step));
      }
      return { copyBackToBackMs, stepBackToBackMs, copyAlternatingMs: median(copies), stepAlternatingMs: median(steps) };
    }),
  }));
}

/** GB/s of `bytes` moved in `ms` milliseconds. */
export function rateGBps(bytes: number, ms: number): number {
  return bytes / (ms / 1000) / GB;
}

/** Bytes one copy of `elements` floats moves, counted as STREAM's Copy counts them (read + write). */
export function copyBytesOf(elements: number): number {
  return 2 * 4 * elements;
}

/** The least memory traffic of one step per parameter (module note): the gradient read, the parameter and every state read and written. */
function leastBytesPerParam(stateBytes: number, elements: number): number {
  return 12 + (2 * stateBytes) / elements;
}

/**
 * Effective bandwidth of one optimizer's update (fused kernel when it has one, and then also the tfjs
 * ops for comparison), each as a share of the copy bandwidth timed alternately with its steps by the
 * fastest method of `copy` (module note); null for optimizers that are not elementwise or need the loss.
 */
export function measureOptimizerBandwidth(
  id: string,
  hyper: Hyperparameters,
  copy: Pick<CopyBandwidth, 'method'>,
  elements: number = BANDWIDTH_ELEMENTS,
  maxReps = 5,
  shared?: BandwidthInputs,
): OptimizerBandwidth | null {
  if ((isOptimizerId(id) && NOT_ELEMENTWISE.has(id)) || profilerOptimizer(id).needsLoss) return null;
  if (shared && shared.elements !== elements) throw new Error(`bandwidth inputs hold ${shared.elements} elements, not ${elements}`);
  const inputs = shared ?? createBandwidthInputs(elements);
  try {
    return measureWith(id, hyper, pairedCopy(inputs, copy.method), inputs, maxReps);
  } finally {
    if (!shared) inputs.dispose();
  }
}

function measureWith(id: string, hyper: Hyperparameters, copy: () => void, inputs: BandwidthInputs, maxReps: number): OptimizerBandwidth | null {
  const { elements } = inputs;
  const fusedRun = measureSteps(id, hyper, inputs, copy, true, maxReps);
  // The tfjs-op version is measured too (to show what fusing gains), except where it takes seconds per step.
  const compare = !fusedRun || fusedRun.kernel === 'tfjs-ops' || !SLOW_UNFUSED.has(id);
  const opsRun = compare ? measureSteps(id, hyper, inputs, copy, false, fusedRun ? Math.min(3, maxReps) : maxReps) : null;
  const main = fusedRun && fusedRun.kernel !== 'tfjs-ops' ? fusedRun : opsRun;
  if (!main) return null;
  const bytesPerParam = leastBytesPerParam(main.stateBytes, elements);
  const bytes = bytesPerParam * elements;
  const copyBytes = copyBytesOf(elements);
  const GBps = rateGBps(bytes, main.stepMs);
  const copyGBps = rateGBps(copyBytes, main.copyMs);
  const result: OptimizerBandwidth = {
    optimizer: id,
    kernel: main.kernel,
    elements,
    stepMs: main.stepMs,
    bytesPerParam,
    GBps,
    copyGBps,
    fractionOfCopy: GBps / copyGBps,
  };
  if (main !== opsRun && opsRun) {
    const opsGBps = rateGBps(bytes, opsRun.stepMs);
    const opsCopyGBps = rateGBps(copyBytes, opsRun.copyMs);
    return { ...result, unfused: { stepMs: opsRun.stepMs, GBps: opsGBps, copyGBps: opsCopyGBps, fractionOfCopy: opsGBps / opsCopyGBps } };
  }
  return result;
}
