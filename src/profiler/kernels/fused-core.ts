/**
 * Running kernels of kernel-spec.ts in place on tensors of the active backend: WebAssembly SIMD on the
 * wasm backend's heap, the JavaScript loop of the same spec on the cpu backend. A kernel runs only
 * on float32 tensors whose storage is reachable and, for the tensors it writes, not shared with any
 * other tensor; otherwise nothing is written and the caller falls back to tfjs ops. Also the one
 * shell of every fused optimizer (fusedOptimizerClass: the parent class whose per-parameter update runs
 * a definition's kernels, with the parent's tfjs ops as fallback). Child side.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerId } from '../../core/optimizers/types';
import type { Hyperparameters, HyperValue } from '../../core/types';
import type { NamedGradient, OptimizerOptions, ProfilerOptimizer } from '../optimizers/base';
import { jsKernel } from './js-kernels';
import { KERNELS, multiRowName, ROWS_PER_CALL } from './kernel-spec';
import type { KernelFunction } from './simd-kernels';
import { cpuValues, exclusivelyOwned, kernelPath, wasmKernels, wasmOffset, workArea, type KernelPath } from './storage';

/** Counts of fused and fallback parameter updates, to report which path ran. */
export interface FusedStats {
  fused: number;
  fallback: number;
  path: KernelPath | null;
}

/** Tensors bound for kernel calls: each call names its arrays as [tensor index, element offset]. */
export interface BoundTensors {
  readonly path: KernelPath;
  /** Runs kernel `name` over n elements of the given tensors from the given offsets; returns its sums. */
  run(name: string, arrays: ReadonlyArray<readonly [number, number]>, n: number, scalars: readonly number[]): number[];
  /**
   * Runs kernel `name` once per row of a [rows, cols] layout: array k starts at element
   * arrays[k][1] * row of tensor arrays[k][0] (stride cols for a matrix, 0 for a column vector); the
   * first scalar is rowScalar[row] when given, then `scalars`. onSums receives each row's sums.
   */
  runRows(
    name: string,
    arrays: ReadonlyArray<readonly [number, number]>,
    rows: number,
    cols: number,
    scalars: readonly number[],
    rowScalar?: Float32Array,
    onSums?: (row: number, sums: number[]) => void,
  ): void;
  /**
   * Kernel `name` on `rowsPerCall` consecutive rows per call (its multiRowSpec variant when more than
   * one), for passes that interleave kernels per group of rows: (first row, the rows' own scalars) =>
   * the rows' sums, row by row.
   */
  rowCaller(
    name: string,
    arrays: ReadonlyArray<readonly [number, number]>,
    cols: number,
    scalars: readonly number[],
    withRowScalar: boolean,
    rowsPerCall?: number,
  ): (row: number, rowScalars?: ArrayLike<number>) => number[];
}

const KERNEL_NAMES: ReadonlySet<string> = new Set(KERNELS.map((k) => k.name));

/** Rows per call for row kernel `name` (ROWS_PER_CALL when it has a multi-row variant) over `rows` rows from `row`. */
export function rowsPerCall(name: string, row: number, rows: number): number {
  return row + ROWS_PER_CALL <= rows && KERNEL_NAMES.has(multiRowName(name)) ? ROWS_PER_CALL : 1;
}

/** runRows through rowCaller: groups of ROWS_PER_CALL rows where the kernel has a multi-row variant, then single rows. */
function withRuns(b: Omit<BoundTensors, 'runRows'>): BoundTensors {
  return {
    ...b,
    runRows: (name, arrays, rows, cols, scalars, rowScalar, onSums) => {
      const withRowScalar = rowScalar !== undefined;
      const one = b.rowCaller(name, arrays, cols, scalars, withRowScalar);
      const many = rowsPerCall(name, 0, ROWS_PER_CALL) > 1 ? b.rowCaller(name, arrays, cols, scalars, withRowScalar, ROWS_PER_CALL) : null;
      for (let row = 0; row < rows; ) {
        const k = many ? rowsPerCall(name, row, rows) : 1;
        const sums = (k > 1 ? many! : one)(row, rowScalar?.subarray(row, row + k));
        if (onSums) {
          const per = sums.length / k;
          for (let r = 0; r < k; r++) onSums(row + r, sums.slice(r * per, (r + 1) * per));
        }
        row += k;
      }
    },
  };
}

/** The arrays of a call on `k` rows: a column vector (stride 0) once, a matrix once per row. */
function expandRows(arrays: ReadonlyArray<readonly [number, number]>, k: number): Array<{ readonly t: number; readonly stride: number; readonly r: number }> {
  return arrays.flatMap(([t, stride]) => (stride === 0 ? [{ t, stride, r: 0 }] : Array.from({ length: k }, (_, r) => ({ t, stride, r }))));
}

const callers = new Map<number, (f: KernelFunction, args: readonly number[]) => unknown>();

/**
 * f(args[0], ..., args[arity - 1]) as a call with that many arguments written out: a call with a
 * spread argument list into a WebAssembly function costs several times more (about 0.6 against 0.07
 * microseconds here), which the row kernels pay once per group of rows. Generated from the arity
 * alone, never from input.
 */
function fixedArityCall(arity: number): (f: KernelFunction, args: readonly number[]) => unknown {
  let call = callers.get(arity);
  if (!call) {
    const list = Array.from({ length: arity }, (_, i) => `a[${i}]`).join(', ');
    call = new Function('f', 'a', `return f(${list});`) as (f: KernelFunction, args: readonly number[]) => unknown;
    callers.set(arity, call);
  }
  return call;
}

function sumsOf(result: unknown): number[] {
  if (result === undefined) return [];
  if (typeof result === 'number') return [result];
  if (Array.isArray(result)) return result.map(Number);
  throw new Error('kernel: unexpected result');
}

/**
 * Binds float32 tensors for in-place kernel calls; null when the fast path does not apply (another
 * backend, another dtype, no storage, a tensor of `written` shared with another tensor). With
 * `workFloats`, the work area (storage.ts workArea) of that many floats is bound after the tensors
 * (index tensors.length), for a pass to hand values to the next pass of the same update.
 */
export function bindTensors(tensors: readonly tf.Tensor[], written: readonly tf.Tensor[], workFloats?: number): BoundTensors | null {
  if (tensors.some((t) => t.dtype !== 'float32') || written.some((t) => !exclusivelyOwned(t))) return null;
  const simd = wasmKernels();
  const work = workFloats === undefined ? undefined : workArea(workFloats);
  if (work === null) return null;
  if (simd) {
    const offsets = tensors.map(wasmOffset);
    if (offsets.some((o) => o === null) || (work !== undefined && typeof work !== 'number')) return null;
    const base = [...(offsets as number[]), ...(work !== undefined ? [work as number] : [])];
    const kernel = (name: string) => {
      const k = simd.kernels.get(name);
      if (!k) throw new Error(`no kernel named ${name}`);
      return k;
    };
    return withRuns({
      path: 'wasm-simd',
      run: (name, arrays, n, scalars) => sumsOf(kernel(name)(...arrays.map(([t, off]) => base[t]! + 4 * off), n, ...scalars)),
      rowCaller: (name, arrays, cols, scalars, withRowScalar, rows = 1) => {
        // One argument list reused for every call (a call per row of a few thousand elements: the
        // per-call cost must stay far below the rows' memory time).
        const k = kernel(rows === 1 ? name : multiRowName(name, rows));
        const slots = expandRows(arrays, rows);
        const na = slots.length;
        const args: number[] = [...slots.map(({ t }) => base[t]!), cols, ...(withRowScalar ? new Array<number>(rows).fill(0) : []), ...scalars];
        const strides = slots.map(({ stride }) => 4 * stride);
        const starts = slots.map(({ t, stride, r }) => base[t]! + 4 * stride * r);
        const call = fixedArityCall(args.length);
        return (row, rowScalars) => {
          for (let a = 0; a < na; a++) args[a] = starts[a]! + strides[a]! * row;
          if (withRowScalar) for (let r = 0; r < rows; r++) args[na + 1 + r] = rowScalars![r]!;
          return sumsOf(call(k, args));
        };
      },
    });
  }
  const values = tensors.map(cpuValues);
  if (values.some((a) => a === null) || (work !== undefined && !(work instanceof Float32Array))) return null;
  const full = [...(values as Float32Array[]), ...(work instanceof Float32Array ? [work] : [])];
  const view = (t: number, off: number, n: number) => (off === 0 && full[t]!.length === n ? full[t]! : full[t]!.subarray(off, off + n));
  return withRuns({
    path: 'js-loop',
    run: (name, arrays, n, scalars) => jsKernel(name)(arrays.map(([t, off]) => view(t, off, n)), n, scalars),
    rowCaller: (name, arrays, cols, scalars, withRowScalar, rows = 1) => {
      const k = jsKernel(rows === 1 ? name : multiRowName(name, rows));
      const slots = expandRows(arrays, rows);
      return (row, rowScalars) =>
        k(
          slots.map(({ t, stride, r }) => view(t, stride * (row + r), cols)),
          cols,
          withRowScalar ? [...Array.from({ length: rows }, (_, r) => rowScalars![r]!), ...scalars] : scalars,
        );
    },
  });
}

/** Runs kernel `name` over the whole tensors (all of one size) in place; null (nothing written) when the fast path does not apply. */
export function runKernel(name: string, tensors: readonly tf.Tensor[], written: readonly tf.Tensor[], scalars: readonly number[]): { path: KernelPath; sums: number[] } | null {
  const n = tensors[0]!.size;
  if (tensors.some((t) => t.size !== n)) return null;
  const bound = bindTensors(tensors, written);
  if (!bound) return null;
  return { path: bound.path, sums: bound.run(name, tensors.map((_, i) => [i, 0] as const), n, scalars) };
}

/** Runs kernel `name` over the tensors in place; null (nothing written) when the fast path does not apply. */
export function runFused(name: string, tensors: readonly tf.Tensor[], written: readonly tf.Tensor[], scalars: readonly number[]): KernelPath | null {
  return runKernel(name, tensors, written, scalars)?.path ?? null;
}

/** The fast path can run on these tensors (float32, same size, backend storage, `written` not shared). */
export function canFuse(tensors: readonly tf.Tensor[], written: readonly tf.Tensor[]): boolean {
  const n = tensors[0]!.size;
  if (tensors.some((t) => t.size !== n || t.dtype !== 'float32')) return false;
  const storage = wasmKernels() ? tensors.every((t) => wasmOffset(t) !== null) : tensors.every((t) => cpuValues(t) !== null);
  return storage && written.every(exclusivelyOwned);
}

export function num(h: Readonly<Record<string, unknown>>, key: string): number {
  const v = h[key];
  if (typeof v !== 'number') throw new Error(`fused optimizer: resolved hyperparameter ${key} is not a number`);
  return v;
}

export function pair(h: Readonly<Record<string, unknown>>, key: string): [number, number] {
  const v = h[key];
  if (!Array.isArray(v) || v.length !== 2) throw new Error(`fused optimizer: resolved hyperparameter ${key} is not a pair`);
  return [Number(v[0]), Number(v[1])];
}

/** Records one fused update. */
export function countFused(stats: FusedStats, path: KernelPath): void {
  stats.fused++;
  stats.path = path;
}

/** What a fused update sees of its optimizer while updating one parameter. */
export interface StepContext {
  /** The parameter being updated (empty in prepare). */
  readonly name: string;
  /** The optimizer's resolved hyperparameters. */
  readonly resolved: Readonly<Record<string, HyperValue>>;
  /** Numbers the definition keeps between its prepare hook and the updates (LAMB's clip divisor). */
  readonly shared: Record<string, number>;
  /** The parameter's state tensor `state`, created with init() on first use (ProfilerOptimizer.slot). */
  slot(state: string, init: () => tf.Tensor): tf.Variable;
  hasSlot(state: string): boolean;
  /**
   * What a pass computed about this parameter for the next step to reuse (Adafactor's sum of the new
   * p^2), kept by the fused optimizer per parameter; not optimizer state. The next step checks that
   * the parameter still has the storage it had (tfjs writes a variable only through assign, which gives
   * it new storage; the kernels write in place).
   */
  readonly memo: Map<string, unknown>;
}

type OptimizerClass<B extends ProfilerOptimizer> = new (hyper: Hyperparameters, options: OptimizerOptions) => B;

/** A fused optimizer: the parent class (tfjs ops) and the update that replaces its updateParameter. */
export interface FusedDefinition<B extends ProfilerOptimizer> {
  /** Serialisation name of the fused class. */
  readonly className: string;
  readonly base: OptimizerClass<B>;
  /**
   * One parameter's update in place (inside the parameter's tf.tidy): the path that ran, or null when
   * the fast path does not apply and the parent's tfjs ops must run instead (nothing written).
   */
  step(ctx: StepContext, opt: B, p: tf.Variable, grad: tf.Tensor, step: number): KernelPath | null;
  /** Before a step's updates, in place of the parent's prepareStep (which `parent` runs). */
  prepare?(ctx: StepContext, opt: B, grads: readonly NamedGradient[], parent: () => void): void;
}

export type FusedOptimizer = ProfilerOptimizer & { readonly fusedStats: FusedStats };

/** The parent's hooks, called on the fused instance (protected members, reached through the prototype). */
interface ParentHooks {
  updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void;
  prepareStep(grads: readonly NamedGradient[]): void;
}

/**
 * The fused class of a definition: the parent class (same hyperparameters, state tensors, names and
 * shapes, so stateBytes() is unchanged) whose updateParameter runs the definition's step and counts
 * it, and falls back to the parent's tfjs ops (counted too) when the step returns null. Registered for
 * serialisation under def.className.
 */
export function fusedOptimizerClass<B extends ProfilerOptimizer>(def: FusedDefinition<B>): new (hyper: Hyperparameters, options: OptimizerOptions) => B & FusedOptimizer {
  const parent = def.base.prototype as unknown as ParentHooks;
  const Base = def.base as unknown as new (hyper: Hyperparameters, options: OptimizerOptions) => ProfilerOptimizer;
  class Fused extends Base {
    static className = def.className;
    /** Set by the parent's constructor. */
    declare readonly id: OptimizerId;
    readonly fusedStats: FusedStats = { fused: 0, fallback: 0, path: kernelPath() };
    private readonly shared: Record<string, number> = {};
    private readonly memos = new Map<string, Map<string, unknown>>();

    private context(name: string): StepContext {
      return {
        name,
        resolved: this.resolved,
        shared: this.shared,
        slot: (state, init) => this.slot(name, state, init),
        hasSlot: (state) => this.hasSlot(name, state),
        memo: this.memoOf(name),
      };
    }

    private memoOf(name: string): Map<string, unknown> {
      let memo = this.memos.get(name);
      if (!memo) {
        memo = new Map();
        this.memos.set(name, memo);
      }
      return memo;
    }


    protected override prepareStep(grads: readonly NamedGradient[]): void {
      const run = () => parent.prepareStep.call(this, grads);
      if (def.prepare) def.prepare(this.context(''), this as unknown as B, grads, run);
      else run();
    }

    protected override updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
      const path = def.step(this.context(name), this as unknown as B, p, grad, step);
      if (path) return countFused(this.fusedStats, path);
      this.fusedStats.fallback++;
      parent.updateParameter.call(this, name, p, grad, step);
    }
  }
  tf.serialization.registerClass(Fused as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  return Fused as unknown as new (hyper: Hyperparameters, options: OptimizerOptions) => B & FusedOptimizer;
}
