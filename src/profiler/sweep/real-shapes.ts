/**
 * Step cost at the job's real shapes, in the profiler child (tfjs loaded): README, Profiling on your
 * machine, "Step cost at the real shapes". For each optimizer and each kind of the model's trainable
 * tensors (real-shapes-plan.ts), the optimizer's own implementation (the fused kernel where there is
 * one) steps a parameter of that shape with a fixed random gradient:
 *  - elementwise steps: a slice of the tensor (up to 16M elements, whole rows), warm-up then timed steps,
 *    and for a sliced tensor the same at half the rows (the linear-scaling check; the state bytes of the
 *    two sizes give the state of the whole tensor by an affine fit in the element count);
 *  - matrix-preconditioned steps (Muon's Newton-Schulz, GaLore's projection, SOAP's and Shampoo's
 *    preconditioners, Shampoo per block): the tensor scaled down by s (every dimension, and the
 *    dimension-valued hyperparameters such as GaLore's rank), on a ladder of growing sizes while the
 *    next size's predicted time (the last one's x (s'/s)^3) fits the time left; the real shape itself
 *    when it fits ('whole'), else the last three sizes extrapolated to s = 1 with
 *    t(s) = a*s^3 + c ('extrapolated'). Optimizers that refresh their preconditioner every k steps
 *    are timed twice: with the refresh never due and due at every step; the difference is the refresh,
 *    paid once every k steps (the job's own interval).
 * State bytes are tf.memory() deltas around the optimizer's first steps (the buffers it really
 * allocated), scaled like the time. Every optimizer gets an equal share of the time left; what does not
 * fit is reported as not measured. Results stream as `partial` messages of kind 'real-shapes', one per
 * optimizer.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters, HyperValue, TensorRole } from '../../core/types';
import { numel } from '../../core/types';
import { isOptimizerId } from '../../core/optimizers/registry';
import { createFusedOptimizer } from '../kernels/fused-optimizers';
import { createOptimizer, profilerOptimizer, type OptimizerOptions, type ProfilerOptimizer } from '../optimizers';
import { adamMiniBlock } from '../../core/optimizers/adam-mini';
import { GaloreAdamWOptimizer } from '../optimizers/galore-adamw';
import { MuonOptimizer } from '../optimizers/muon';
import { ShampooOptimizer } from '../optimizers/shampoo';
import { blocksOf, mergeSmallDims } from '../../core/optimizers/shampoo';
import { SoapOptimizer } from '../optimizers/soap';
import type { RealShapesMethod, Spread } from '../../core/profile/profile-types';
import type { ChildMessage, RealShapesKindRecord, RealShapesRecord, RealShapesRequest } from '../protocol';
import {
  affineAt, amortise, extrapolateSpread, extrapolateState, extrapolateTime, isLinear, perElementRatio, REAL_SHAPES_SLICE_ELEMENTS,
  refreshCost, REFRESH_KEYS, DIMENSION_KEYS, scaledShape, scaleSpread, scaleToTensor, sliceShape, spreadOf, sumSpreads, weakestMethod,
} from './real-shapes-plan';

export interface RealShapesContext {
  send(message: ChildMessage): Promise<void>;
  shouldStop(): boolean;
}

/** Timed steps per measurement after the warm-up (fewer when the time share runs out). */
const DEFAULT_REPS = 3;
/** Timed steps every measurement makes, whatever its time share. */
const MIN_REPS = 3;
/** Timed steps of each size of a matrix optimizer's ladder. */
const MATRIX_REPS = 3;
/**
 * Smallest-side sizes of the ladder (the real shape ends it). It starts at 64: below, the fixed cost of a
 * step's ops hides the cubic work on a busy machine and the fit learns nothing.
 */
const LADDER = [64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288, 16384];
/** A refresh interval no measurement reaches: the refresh is never due. */
const NEVER = 1_000_000_000;
/** The scaled sizes kept for the fit (the largest ones). */
const FIT_POINTS = 3;
/** A shape whose extrapolated state exceeds this is never allocated at its real size. */
const MAX_REAL_STATE_BYTES = 2 ** 31;

const now = () => performance.now();

/** Normal values drawn once; every measurement takes its gradient and parameter from them. */
class ValuePool {
  private values: tf.Tensor1D | null = null;
  private size = 0;
  reserve(n: number): void {
    this.ensure(n);
  }
  private ensure(n: number): tf.Tensor1D {
    if (this.values === null || this.size < n) {
      this.values?.dispose();
      this.size = Math.max(n, this.size);
      this.values = tf.randomNormal([this.size], 0, 1, 'float32', 7);
    }
    return this.values;
  }
  private readonly gradients = new Map<string, tf.Tensor>();
  /** The gradient of this shape (read only, shared by every measurement of the shape; the pool disposes it). */
  gradient(shape: readonly number[]): tf.Tensor {
    const key = shape.join('x');
    let g = this.gradients.get(key);
    if (!g) {
      const v = this.ensure(numel(shape));
      g = tf.tidy(() => tf.mul(tf.reshape(tf.slice(v, 0, numel(shape)), shape as number[]), 1e-3));
      this.gradients.set(key, g);
    }
    return g;
  }
  /** A parameter of this shape in a variable that owns its storage (a fused kernel writes it in place). */
  parameter(shape: readonly number[], name: string): tf.Variable {
    const v = this.ensure(numel(shape));
    const init = tf.tidy(() => tf.mul(tf.reshape(tf.slice(v, 0, numel(shape)), shape as number[]), 0.02));
    const p = tf.variable(init, true, name);
    init.dispose();
    return p;
  }
  dispose(): void {
    this.values?.dispose();
    this.values = null;
    for (const g of this.gradients.values()) g.dispose();
    this.gradients.clear();
  }
}

interface Timing {
  readonly times: readonly number[];
  readonly stateBytes: number;
  readonly wallMs: number;
  /** The update that ran: a fused kernel's path, or tfjs ops. */
  readonly kernel: string;
}

let variableCounter = 0;

/**
 * Steps a fresh optimizer on one parameter of `shape`: `warmup` untimed steps (the states are
 * allocated there; their bytes are the tf.memory() delta), then up to `reps` timed steps, at least one,
 * no more once `deadline` has passed.
 */
function timeSteps(make: () => ProfilerOptimizer, name: string, shape: readonly number[], pool: ValuePool, warmup: number, reps: number, deadline: number, stop: () => boolean): Timing | null {
  const t0 = now();
  const g = pool.gradient(shape);
  const p = pool.parameter(shape, `${name}/real-shapes-${++variableCounter}`);
  const before = tf.memory().numBytes;
  const opt = make();
  try {
    const step = () => opt.applyGradients([{ name: p.name, tensor: g }]);
    for (let i = 0; i < warmup; i++) {
      if (stop()) return null;
      step();
    }
    const stateBytes = tf.memory().numBytes - before;
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      if (stop()) return null;
      // At least MIN_REPS timed steps (a spread needs them), more while the share lasts.
      if (i >= MIN_REPS && now() > deadline) break;
      const t = now();
      step();
      times.push(now() - t);
    }
    const stats = (opt as { fusedStats?: { fused: number; path: string | null } }).fusedStats;
    return { times, stateBytes, wallMs: now() - t0, kernel: stats && stats.fused > 0 && stats.path ? stats.path : 'tfjs-ops' };
  } finally {
    opt.dispose();
    p.dispose();
  }
}

function factory(id: string, hyper: Hyperparameters, role: TensorRole): () => ProfilerOptimizer {
  const options: OptimizerOptions = { roleOf: () => role };
  return () => createFusedOptimizer(id, hyper, options) ?? createOptimizer(id, hyper, options);
}

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;
/** A duration for the detail lines: ms below a second, then s. */
const durationText = (ms: number) => (ms >= 1000 ? `${Number((ms / 1000).toPrecision(3))} s` : `${Number(ms.toPrecision(3))} ms`);

/** How one kind is stepped by the optimizer: elementwise, or matrix units (Shampoo: its blocks) with their multiplicity. */
type KindPlan = { readonly mode: 'elementwise' } | { readonly mode: 'matrix'; readonly units: ReadonlyArray<{ readonly shape: readonly number[]; readonly count: number }> };

function planKind(id: string, hyper: Hyperparameters, kind: { name: string; shape: readonly number[]; role: TensorRole }): KindPlan {
  const roleOf = () => kind.role;
  switch (id) {
    case 'muon':
      return new MuonOptimizer(hyper, { roleOf }).usesMuon(kind.name, kind.shape) ? { mode: 'matrix', units: [{ shape: kind.shape, count: 1 }] } : { mode: 'elementwise' };
    case 'galore-adamw':
      return new GaloreAdamWOptimizer(hyper, { roleOf }).isTarget(kind.name, kind.shape) ? { mode: 'matrix', units: [{ shape: kind.shape, count: 1 }] } : { mode: 'elementwise' };
    case 'soap':
      return new SoapOptimizer(hyper).layoutOf(kind.shape).preconditioned.some(Boolean) ? { mode: 'matrix', units: [{ shape: kind.shape, count: 1 }] } : { mode: 'elementwise' };
    case 'shampoo': {
      const resolved = new ShampooOptimizer(hyper).getConfig();
      const maxDim = Number(resolved['max_preconditioner_dim']);
      const merged = resolved['use_merge_dims'] === false ? [...kind.shape] : mergeSmallDims(kind.shape, maxDim);
      const counts = new Map<string, { shape: number[]; count: number }>();
      for (const b of blocksOf(merged, maxDim)) {
        const key = b.size.join('x');
        const u = counts.get(key);
        if (u) u.count++;
        else counts.set(key, { shape: b.size, count: 1 });
      }
      return { mode: 'matrix', units: [...counts.values()] };
    }
    default:
      return { mode: 'elementwise' };
  }
}

/** Dimension-valued hyperparameters scaled with the shape (at least 1). */
function scaledHyper(id: string, hyper: Hyperparameters, s: number, defaults: Hyperparameters): Hyperparameters {
  const keys = isOptimizerId(id) ? DIMENSION_KEYS[id] ?? [] : [];
  const out: Record<string, HyperValue> = { ...hyper };
  for (const k of keys) {
    const v = hyper[k] ?? defaults[k];
    if (typeof v === 'number') out[k] = Math.max(1, Math.round(v * s));
  }
  return out;
}

interface ElementwiseResult {
  readonly method: RealShapesMethod;
  readonly stepMs: Spread;
  readonly stateBytes: number;
  readonly detail: string;
  readonly linearityRatio?: number;
}

/**
 * Timings of elementwise slices already measured for the optimizer, by class and slice shape (kinds that
 * share a slice share it), and whether the linear-scaling check has run (the first sliced kind makes it
 * whatever the time share).
 */
interface SliceCache {
  readonly timings: Map<string, Timing>;
  checked: boolean;
}

function measureElementwise(id: string, hyper: Hyperparameters, kind: { name: string; shape: readonly number[]; role: TensorRole }, sliceMax: number, reps: number, pool: ValuePool, deadline: number, stop: () => boolean, cache: SliceCache): ElementwiseResult | null {
  const make = factory(id, hyper, kind.role);
  const timed = (shape: readonly number[], n: number): Timing | null => {
    const key = `${classOf(id, kind)}|${shape.join('x')}`;
    const hit = cache.timings.get(key);
    if (hit) return hit;
    const t = timeSteps(make, kind.name, shape, pool, 1, n, deadline, stop);
    if (t) cache.timings.set(key, t);
    return t;
  };
  const slice = sliceShape(kind.shape, sliceMax);
  const total = numel(kind.shape);
  const main = timed(slice, reps);
  if (!main) return null;
  const mainMs = spreadOf(main.times);
  if (numel(slice) === total) {
    return { method: 'whole', stepMs: mainMs, stateBytes: main.stateBytes, detail: `${shapeText(kind.shape)} timed whole (median of ${main.times.length}, ${main.kernel})` };
  }
  const half = sliceShape(kind.shape, Math.max(1, Math.floor(numel(slice) / 2)));
  const small = now() < deadline || !cache.checked || cache.timings.has(`${classOf(id, kind)}|${half.join('x')}`) ? timed(half, Math.min(MIN_REPS, reps)) : null;
  if (small) cache.checked = true;
  const factor = total / numel(slice);
  const stepMs = scaleToTensor(mainMs, numel(slice), total);
  const sampled = `${shapeText(slice)} of ${shapeText(kind.shape)} timed (median of ${main.times.length}, ${main.kernel}), x${factor.toPrecision(3)}`;
  if (!small) {
    return { method: 'sampled', stepMs, stateBytes: main.stateBytes * factor, detail: `${sampled} (no second size in the time left: linearity not checked)` };
  }
  const ratio = perElementRatio({ elements: numel(half), ms: spreadOf(small.times).median }, { elements: numel(slice), ms: mainMs.median });
  const stateBytes = affineAt([{ x: numel(half), y: small.stateBytes }, { x: numel(slice), y: main.stateBytes }], total);
  const check = `per-element cost ${shapeText(slice)} / ${shapeText(half)} = ${ratio.toFixed(2)}${isLinear(ratio) ? ' (linear)' : ' (NOT linear: the scaled figure is less certain)'}`;
  return { method: 'sampled', stepMs, stateBytes, detail: `${sampled}; ${check}`, linearityRatio: ratio };
}

interface LadderPoint {
  readonly s: number;
  readonly shape: readonly number[];
  readonly step: Spread;
  readonly refresh: Spread | null;
  readonly stateBytes: number;
}

/** One matrix unit (a tensor, or one Shampoo block shape) at growing scaled sizes, then at s = 1 or extrapolated to it. */
function measureMatrixUnit(id: string, hyper: Hyperparameters, kind: { name: string; role: TensorRole }, shape: readonly number[], pool: ValuePool, deadline: number, stop: () => boolean): ElementwiseResult | null {
  const defaults = profilerOptimizer(id).defaults;
  const refreshKey = isOptimizerId(id) ? REFRESH_KEYS[id] : undefined;
  const interval = refreshKey ? Number(hyper[refreshKey] ?? defaults[refreshKey]) : null;
  // The ladder sets the smallest side (so that no side of a scaled shape collapses), the others scale with it.
  const minSide = Math.min(...shape);
  const sides = [...LADDER.filter((l) => l < minSide), minSide];
  const points: LadderPoint[] = [];
  const walls: Array<{ s: number; y: number }> = [];
  for (const side of sides) {
    if (stop()) return null;
    const s = side / minSide;
    const last = walls[walls.length - 1];
    if (last) {
      // The next size's wall time: the fitted a*s^3 + c through the sizes so far (one size: x (s'/s)^2, its fixed cost does not grow).
      const predicted = walls.length >= 2 ? Math.max(last.y, extrapolateTime(walls.map((w) => ({ s: w.s / s, y: w.y }))).atOne) : last.y * (s / last.s) ** 2;
      if (now() + predicted > deadline) break;
      if (s === 1 && points.length > 0 && extrapolateState(points.map((p) => ({ s: p.s, bytes: p.stateBytes }))) > MAX_REAL_STATE_BYTES) break;
    }
    const t0 = now();
    const scaled = scaledShape(shape, s);
    const base = scaledHyper(id, hyper, s, defaults);
    // Shampoo applies its preconditioner from start_preconditioning_step (default: the first refresh): from step 1 here, as in the steady state.
    const start: Hyperparameters = id === 'shampoo' ? { start_preconditioning_step: 1 } : {};
    const without = refreshKey ? { ...base, ...start, [refreshKey]: NEVER } : base;
    // One warm-up step: it allocates the state and makes the first projection / eigenbasis (SOAP, GaLore), which later steps do not repeat.
    const a = timeSteps(factory(id, without, kind.role), kind.name, scaled, pool, 1, MATRIX_REPS, Infinity, stop);
    if (!a) return null;
    let refresh: Spread | null = null;
    if (refreshKey) {
      const b = timeSteps(factory(id, { ...base, ...start, [refreshKey]: 1 }, kind.role), kind.name, scaled, pool, 1, MATRIX_REPS, Infinity, stop);
      if (!b) return null;
      refresh = refreshCost(spreadOf(b.times), spreadOf(a.times));
    }
    points.push({ s, shape: scaled, step: spreadOf(a.times), refresh, stateBytes: a.stateBytes });
    walls.push({ s, y: now() - t0 });
  }
  if (points.length === 0) return null;
  const top = points[points.length - 1]!;
  const refreshText = (r: Spread | null) => (r && interval !== null ? `; refresh ${durationText(r.median)}, paid every ${interval} steps` : '');
  if (top.s === 1) {
    const stepMs = amortise(top.step, top.refresh, interval ?? 1);
    return { method: 'whole', stepMs, stateBytes: top.stateBytes, detail: `${shapeText(shape)} timed at its real size, median of ${MATRIX_REPS}${refreshText(top.refresh)}` };
  }
  const fit = points.slice(-FIT_POINTS);
  const step = extrapolateSpread(fit.map((p) => ({ s: p.s, ms: p.step })));
  const refresh = refreshKey ? extrapolateSpread(fit.map((p) => ({ s: p.s, ms: p.refresh! }))) : null;
  const stateBytes = extrapolateState(fit.map((p) => ({ s: p.s, bytes: p.stateBytes })));
  const share = extrapolateTime(fit.map((p) => ({ s: p.s, y: p.step.median + (p.refresh?.median ?? 0) }))).cubicShare;
  const sizes = fit.map((p) => shapeText(p.shape)).join(', ');
  const certainty =
    fit.length === 1 ? ' (one size only: its whole time scaled as s^3, an upper bound)' : share >= 0.5 ? '' : ' (uncertain: the fixed cost of a step dominates these sizes)';
  return {
    method: 'extrapolated',
    stepMs: amortise(step, refresh, interval ?? 1),
    stateBytes,
    detail:
      `${shapeText(shape)} extrapolated from ${sizes} with t = a*s^3 + c${fit.length > 1 ? ` (the s^3 work is ${Math.round(100 * share)}% of the time at ${shapeText(top.shape)})` : ''}${certainty}` +
      refreshText(refresh),
  };
}

/** What besides its shape decides how the optimizer treats a tensor (Adam-mini: its name; Muon, GaLore: its role). */
function classOf(id: string, kind: { name: string; role: TensorRole }): string {
  if (id === 'adam-mini') return adamMiniBlock(kind.name);
  return id === 'muon' || id === 'galore-adamw' ? kind.role : '';
}

/** The measurement key of a kind: kinds of one shape that the optimizer treats alike share one result (and slices their timings, SliceCache). */
function kindKey(id: string, plan: KindPlan, kind: { name: string; shape: readonly number[]; role: TensorRole }): string {
  return `${plan.mode}|${kind.shape.join('x')}|${classOf(id, kind)}`;
}

function measureKind(id: string, hyper: Hyperparameters, kind: RealShapesRequest['kinds'][number], plan: KindPlan, sliceMax: number, reps: number, pool: ValuePool, deadline: number, stop: () => boolean, cache: SliceCache): ElementwiseResult | null {
  if (plan.mode === 'elementwise') return measureElementwise(id, hyper, kind, sliceMax, reps, pool, deadline, stop, cache);
  const parts: ElementwiseResult[] = [];
  const unitCount = plan.units.length;
  for (let i = 0; i < unitCount; i++) {
    const unit = plan.units[i]!;
    const unitDeadline = now() + (deadline - now()) / (unitCount - i);
    const r = measureMatrixUnit(id, hyper, kind, unit.shape, pool, unitDeadline, stop);
    if (!r) return null;
    parts.push(unit.count === 1 ? r : { ...r, stepMs: sumSpreads(Array(unit.count).fill(r.stepMs)), stateBytes: r.stateBytes * unit.count, detail: `${unit.count} blocks ${r.detail}` });
  }
  return {
    method: weakestMethod(parts.map((p) => p.method)),
    stepMs: sumSpreads(parts.map((p) => p.stepMs)),
    stateBytes: parts.reduce((s, p) => s + p.stateBytes, 0),
    detail: parts.map((p) => p.detail).join('; '),
  };
}

/** Slices this small take well under a millisecond per step: measured even when the time share is spent. */
const CHEAP_ELEMENTS = 2 ** 16;

/** Share of an optimizer's time its elementwise kinds get when it also has matrix kinds. */
const ELEMENTWISE_PART = 0.4;

/**
 * Elementwise kinds the time did not reach take the per-element time and state of the largest kind
 * measured with the same treatment (an elementwise update costs the same per element whatever the
 * tensor; labelled 'sampled', with the kind it was scaled from). Removes them from `missing`.
 */
function fillElementwise(id: string, kinds: RealShapesRequest['kinds'], plans: readonly KindPlan[], results: Array<RealShapesKindRecord | null>, missing: Array<{ name: string; why: string }>): void {
  const measured = results
    .map((r, i) => ({ r, i }))
    .filter((x): x is { r: RealShapesKindRecord; i: number } => x.r !== null && plans[x.i]!.mode === 'elementwise')
    .sort((a, b) => numel(b.r.shape) - numel(a.r.shape));
  if (measured.length === 0) return;
  kinds.forEach((kind, i) => {
    if (results[i] !== null || plans[i]!.mode !== 'elementwise') return;
    // Same treatment first (Adam-mini's classes, Muon's and GaLore's roles), else the largest measured.
    const source = measured.find((m) => classOf(id, kinds[m.i]!) === classOf(id, kind)) ?? measured[0]!;
    const perElement = 1 / numel(source.r.shape);
    const at = missing.findIndex((m) => m.name === kind.name);
    if (at < 0) return;
    missing.splice(at, 1);
    const n = numel(kind.shape);
    results[i] = {
      name: kind.name,
      shape: kind.shape,
      count: kind.count,
      method: 'sampled',
      stepMs: scaleSpread(source.r.stepMs, n * perElement),
      stateBytes: source.r.stateBytes * n * perElement,
      detail: `${shapeText(kind.shape)} not timed in the time left: ${source.r.name}'s per-element time and state, x${n} elements`,
    };
  });
}

/** Measures one optimizer on every kind within `deadline`. */
function measureOptimizer(o: RealShapesRequest['optimizers'][number], request: RealShapesRequest, pool: ValuePool, deadline: number, phaseDeadline: number, stop: () => boolean): RealShapesRecord {
  const t0 = now();
  const refreshKey = isOptimizerId(o.id) ? REFRESH_KEYS[o.id] : undefined;
  const definition = profilerOptimizer(o.id);
  const refreshInterval = refreshKey ? Number(o.hyper[refreshKey] ?? definition.defaults[refreshKey]) : null;
  const missing: Array<{ name: string; why: string }> = [];
  if (definition.needsLoss) {
    const why = 'its step needs the loss (Hessian-vector products through the real model), which this phase does not run';
    return { optimizer: o.id, kinds: [], missing: request.kinds.map((k) => ({ name: k.name, why })), refreshInterval, elapsedMs: 0 };
  }
  const sliceMax = request.sliceElements ?? REAL_SHAPES_SLICE_ELEMENTS;
  const reps = request.reps ?? DEFAULT_REPS;
  const plans = request.kinds.map((k) => planKind(o.id, o.hyper, k));
  // Matrix kinds first (their ladders are the figure's bulk and its uncertainty), then the elementwise ones; larger tensors first.
  const order = request.kinds
    .map((_, i) => i)
    .sort((a, b) => Number(plans[b]!.mode === 'matrix') - Number(plans[a]!.mode === 'matrix') || numel(request.kinds[b]!.shape) - numel(request.kinds[a]!.shape));
  const keys = request.kinds.map((k, i) => kindKey(o.id, plans[i]!, k));
  // With matrix kinds, the matrix ladders get their part of the share first and the elementwise kinds (sliced at 16M) the rest.
  const hasMatrix = plans.some((p) => p.mode === 'matrix');
  const matrixDeadline = hasMatrix ? now() + (deadline - now()) * (1 - ELEMENTWISE_PART) : deadline;
  const byKey = new Map<string, ElementwiseResult>();
  const cache: SliceCache = { timings: new Map(), checked: false };
  const results: Array<RealShapesKindRecord | null> = request.kinds.map(() => null);
  for (let n = 0; n < order.length; n++) {
    const i = order[n]!;
    const kind = request.kinds[i]!;
    let r = byKey.get(keys[i]!) ?? null;
    if (!r) {
      if (stop()) break;
      const groupDeadline = plans[i]!.mode === 'matrix' ? matrixDeadline : deadline;
      // A matrix kind always gets the smallest size of its ladder (milliseconds): an extrapolation from fewer sizes beats none;
      // so does an elementwise kind whose slice is already timed or small.
      const slice = sliceShape(kind.shape, sliceMax);
      const cheap = cache.timings.has(`${classOf(o.id, kind)}|${slice.join('x')}`) || numel(slice) <= CHEAP_ELEMENTS;
      if ((now() >= groupDeadline && plans[i]!.mode === 'elementwise' && !cheap) || now() >= phaseDeadline) {
        missing.push({ name: kind.name, why: 'the time budget ran out before it' });
        continue;
      }
      // An equal share of the group's time left for each measurement still to make.
      const left = new Set(order.slice(n).filter((j) => plans[j]!.mode === plans[i]!.mode).map((j) => keys[j]!).filter((k) => !byKey.has(k))).size;
      const share = Math.max(0, groupDeadline - now()) / Math.max(1, left);
      try {
        r = measureKind(o.id, o.hyper, kind, plans[i]!, sliceMax, reps, pool, now() + share, stop, cache);
      } catch (e) {
        missing.push({ name: kind.name, why: e instanceof Error ? e.message.split('\n')[0]! : String(e) });
        continue;
      }
      if (!r) {
        missing.push({ name: kind.name, why: stop() ? 'stopped' : 'not even its smallest size fitted in the time left' });
        continue;
      }
      byKey.set(keys[i]!, r);
    }
    results[i] = { name: kind.name, shape: kind.shape, count: kind.count, ...r };
  }
  fillElementwise(o.id, request.kinds, plans, results, missing);
  const kinds: RealShapesKindRecord[] = [];
  for (const r of results) if (r) kinds.push(r);
  return { optimizer: o.id, kinds, missing, refreshInterval, elapsedMs: now() - t0 };
}

/** Matrix-preconditioned optimizers get this many times an elementwise one's share of the time (their ladders need it). */
const MATRIX_WEIGHT = 4;

function weightOf(id: string): number {
  if (!isOptimizerId(id)) return 1;
  if (profilerOptimizer(id).needsLoss) return 0;
  return REFRESH_KEYS[id] !== undefined || id === 'muon' ? MATRIX_WEIGHT : 1;
}

export async function measureRealShapes(request: RealShapesRequest, ctx: RealShapesContext): Promise<{ optimizers: number; stopped: boolean }> {
  const start = now();
  // A margin for the last message and the exit before the parent's own deadline.
  const deadline = start + request.budgetMs * 0.9 - 300;
  const sliceMax = request.sliceElements ?? REAL_SHAPES_SLICE_ELEMENTS;
  const pool = new ValuePool();
  // The values every measurement draws from, once (not charged to the first optimizer).
  pool.reserve(Math.max(...request.kinds.map((k) => numel(sliceShape(k.shape, sliceMax)))));
  const weights = request.optimizers.map((o) => weightOf(o.id));
  let done = 0;
  try {
    for (let i = 0; i < request.optimizers.length; i++) {
      if (ctx.shouldStop()) return { optimizers: done, stopped: true };
      const o = request.optimizers[i]!;
      const weightLeft = weights.slice(i).reduce((a, b) => a + b, 0);
      const share = weightLeft > 0 ? ((deadline - now()) * weights[i]!) / weightLeft : 0;
      const record = measureOptimizer(o, request, pool, now() + share, deadline, ctx.shouldStop);
      if (ctx.shouldStop()) return { optimizers: done, stopped: true };
      await ctx.send({ type: 'partial', kind: 'real-shapes', data: record });
      done++;
      await ctx.send({ type: 'progress', done, total: request.optimizers.length });
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    pool.dispose();
  }
  return { optimizers: done, stopped: false };
}
