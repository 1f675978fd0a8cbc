/**
 * Step cost at the job's real shapes (README: Profiling on your machine, "Step cost at the real shapes"):
 * the pure part, shared by the parent (pure Node) and the profiler child (tfjs). It holds
 *  - the tensor kinds of the model (the trainable tensors of the core's per-tensor inventory, grouped by
 *    layer-independent name, shape and role, with their count),
 *  - the slice of a tensor that is timed (up to REAL_SHAPES_SLICE_ELEMENTS elements, whole rows),
 *  - the maths that turns timings into the whole model's figure: spreads (median, min, max), the
 *    linear-scaling check, the power-law fit used to extrapolate the matrix-preconditioned optimizers from
 *    smaller sizes (t(s) = a*s^3 + c for a shape scaled by s: the cubic term is the decomposition / matrix
 *    root / Newton-Schulz / projection, O(n^3) or O(m*n*min(m, n)); c the fixed cost of a step), the amortisation of preconditioner refreshes over their
 *    update interval, and the forward/backward time of the assumption 6 * N * tokens / throughput
 *    (Kaplan et al., 2020, "Scaling Laws for Neural Language Models", section 2.1: C ~ 6N FLOPs per token).
 */
import type { OptimizerId } from '../../core/optimizers/types';
import { numel, type ParamTensor, type TensorRole } from '../../core/types';
import { median } from '../../core/profile/median';
import { REAL_SHAPES_METHODS, type RealShapesMethod, type Spread } from '../../core/profile/profile-types';

/** Largest slice of one tensor that is timed: 2^24 (16M) elements; a smaller tensor is timed whole. */
export const REAL_SHAPES_SLICE_ELEMENTS = 2 ** 24;
/** Default budget of the phase (the README promises at most 30 s). */
export const DEFAULT_REAL_SHAPES_BUDGET_MS = 30_000;
/** The per-element cost of the two slice sizes must agree within this factor for the scaling to count as linear. */
export const LINEARITY_TOLERANCE = 1.5;

/** The hyperparameter that sets how often each matrix optimizer refreshes its preconditioner / projection (in steps). */
export const REFRESH_KEYS: Readonly<Partial<Record<OptimizerId, string>>> = {
  'shampoo': 'precondition_frequency',
  'soap': 'precondition_frequency',
  'galore-adamw': 'update_proj_gap',
};

/** Hyperparameters that are dimensions: scaled with the shape when a matrix optimizer is measured at a smaller size. */
export const DIMENSION_KEYS: Readonly<Partial<Record<OptimizerId, readonly string[]>>> = {
  'shampoo': ['max_preconditioner_dim'],
  'soap': ['max_precond_dim'],
  'galore-adamw': ['rank'],
};

/** One kind of trainable tensor: every tensor with the same name up to its layer index, shape and role. */
export interface TensorKind {
  /** The first tensor's name (an optimizer that partitions by name, like Adam-mini, sees a real one). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly role: TensorRole;
  readonly count: number;
}

/** `model.layers.12.mlp.up_proj.weight` -> `model.layers.#.mlp.up_proj.weight`. */
export function layerPattern(name: string): string {
  return name.replace(/(^|\.)\d+(?=\.|$)/g, '$1#');
}

/** The kinds of the tensors the optimizer steps, in order of first appearance. */
export function tensorKinds(trainable: readonly ParamTensor[]): TensorKind[] {
  const byKey = new Map<string, { name: string; shape: readonly number[]; role: TensorRole; count: number }>();
  for (const t of trainable) {
    const key = `${layerPattern(t.name)}|${t.shape.join('x')}|${t.role}`;
    const k = byKey.get(key);
    if (k) k.count++;
    else byKey.set(key, { name: t.name, shape: [...t.shape], role: t.role, count: 1 });
  }
  return [...byKey.values()];
}

/**
 * The slice of a tensor that is timed: the whole tensor when it has at most `max` elements, else whole
 * rows of it (the leading dimension cut, the others kept, so that row-wise and column-wise statistics
 * keep their real length), or the first `max` entries of a vector or of a row longer than `max`.
 */
export function sliceShape(shape: readonly number[], max: number = REAL_SHAPES_SLICE_ELEMENTS): number[] {
  const n = numel(shape);
  if (n <= max) return [...shape];
  if (shape.length <= 1) return [max];
  const rest = n / shape[0]!;
  const rows = Math.floor(max / rest);
  if (rows >= 1) return [rows, ...shape.slice(1)];
  return [max];
}

/** A shape with every dimension scaled by s (at least 1). */
export function scaledShape(shape: readonly number[], s: number): number[] {
  return shape.map((d) => Math.max(1, Math.round(d * s)));
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spreadOf: no values');
  const sorted = [...values].sort((a, b) => a - b);
  return { median: median(sorted)!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export function scaleSpread(s: Spread, factor: number): Spread {
  return { median: s.median * factor, min: s.min * factor, max: s.max * factor };
}

/** The spread of a sum of independent parts: medians, minima and maxima added (a conservative range). */
export function sumSpreads(parts: readonly Spread[]): Spread {
  return parts.reduce((a, b) => ({ median: a.median + b.median, min: a.min + b.min, max: a.max + b.max }), { median: 0, min: 0, max: 0 });
}

/**
 * The linear-scaling check: the per-element cost at the larger size over the per-element cost at the
 * smaller one (1 = perfectly linear; above 1, the larger slice costs more per element).
 */
export function perElementRatio(small: { elements: number; ms: number }, large: { elements: number; ms: number }): number {
  return large.ms / large.elements / (small.ms / small.elements);
}

export function isLinear(ratio: number, tolerance = LINEARITY_TOLERANCE): boolean {
  return ratio <= tolerance && ratio >= 1 / tolerance;
}

/**
 * A time measured on a slice, scaled to the whole tensor by its element count (linear scaling).
 */
export function scaleToTensor(sliceMs: Spread, sliceElements: number, tensorElements: number): Spread {
  return scaleSpread(sliceMs, tensorElements / sliceElements);
}

/**
 * An affine fit y = a*x + b through measurements (x, y) (least squares), evaluated at x. Used for the
 * state bytes of a sliced tensor against its number of rows: a full-size state grows with the rows
 * (b = 0), a factored one (Adafactor's column statistics) has a part that does not. One point: y
 * proportional to x.
 */
export function affineAt(points: ReadonlyArray<{ x: number; y: number }>, x: number): number {
  if (points.length === 0) throw new Error('affineAt: no points');
  if (points.length === 1) return (points[0]!.y * x) / points[0]!.x;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return (my * x) / mx;
  const a = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
  return Math.max(0, a * x + (my - a * mx));
}

/**
 * Non-negative least squares fit of y = a*s^p + b*s^q (p > q) through points (s, y), s the scale of
 * the shape relative to the real one (s = 1 is the real shape). Returns {a, b}; y at the real shape is a + b.
 * Two unknowns: the unconstrained solution when both are non-negative, else the better single-term fit.
 */
export function fitTwoPowers(points: ReadonlyArray<{ s: number; y: number }>, p: number, q: number): { a: number; b: number } {
  if (points.length === 0) throw new Error('fitTwoPowers: no points');
  // Relative errors matter (the sizes span orders of magnitude): weight each equation by 1/y.
  const rows = points.map((pt) => {
    const w = pt.y > 0 ? 1 / pt.y : 1;
    return { u: pt.s ** p * w, v: pt.s ** q * w, y: pt.y * w };
  });
  const single = (which: 'u' | 'v'): { coef: number; residual: number } => {
    const num = rows.reduce((s, r) => s + r[which] * r.y, 0);
    const den = rows.reduce((s, r) => s + r[which] * r[which], 0);
    const coef = den > 0 ? Math.max(0, num / den) : 0;
    return { coef, residual: rows.reduce((s, r) => s + (r.y - coef * r[which]) ** 2, 0) };
  };
  if (points.length >= 2) {
    const suu = rows.reduce((s, r) => s + r.u * r.u, 0);
    const svv = rows.reduce((s, r) => s + r.v * r.v, 0);
    const suv = rows.reduce((s, r) => s + r.u * r.v, 0);
    const suy = rows.reduce((s, r) => s + r.u * r.y, 0);
    const svy = rows.reduce((s, r) => s + r.v * r.y, 0);
    const det = suu * svv - suv * suv;
    if (Math.abs(det) > 1e-12 * suu * svv) {
      const a = (suy * svv - svy * suv) / det;
      const b = (svy * suu - suy * suv) / det;
      if (a >= 0 && b >= 0) return { a, b };
    }
  }
  const onlyP = single('u');
  const onlyQ = single('v');
  // With one point (or a degenerate system) the leading term alone: the known exponent.
  if (points.length < 2 || onlyP.residual <= onlyQ.residual) return { a: onlyP.coef, b: 0 };
  return { a: 0, b: onlyQ.coef };
}

/**
 * Time model of the matrix optimizers' extrapolation: t(s) = a*s^3 + c, the cubic work (matrix root,
 * eigendecomposition, Newton-Schulz, projections: O(n^3) or O(m*n*min(m, n)) for every side scaled by s)
 * plus the fixed cost of a step (op dispatch), which does not grow. The elementwise work (O(m*n)) is
 * left out: it is under a thousandth of the cubic work at the sizes where the cubic term can be
 * measured, and at the smallest sizes the fixed cost dominates it.
 */
export const CUBIC = 3;
export const FIXED = 0;

/** The fitted model at s = 1 and the cubic work's share of the time at the largest measured scale (how much of the figure is extrapolated work). */
export function extrapolateTime(points: ReadonlyArray<{ s: number; y: number }>): { atOne: number; cubicShare: number } {
  const f = fitTwoPowers(points, CUBIC, FIXED);
  const top = points.reduce((m, p) => (p.s > m.s ? p : m), points[0]!);
  const atTop = f.a * top.s ** CUBIC + f.b;
  return { atOne: f.a + f.b, cubicShare: atTop > 0 ? (f.a * top.s ** CUBIC) / atTop : 0 };
}

/** The real-shape value of a time series measured at scales s < 1, separately for the medians, minima and maxima. */
export function extrapolateSpread(points: ReadonlyArray<{ s: number; ms: Spread }>): Spread {
  const at = (pick: (x: Spread) => number) => extrapolateTime(points.map((p) => ({ s: p.s, y: pick(p.ms) }))).atOne;
  const median = at((x) => x.median);
  const min = Math.min(at((x) => x.min), median);
  const max = Math.max(at((x) => x.max), median);
  return { median, min, max };
}

/** State bytes at the real shape from scaled measurements: c2*s^2 + c1*s (matrices and vectors of the scaled dims). */
export function extrapolateState(points: ReadonlyArray<{ s: number; bytes: number }>): number {
  const f = fitTwoPowers(points.map((p) => ({ s: p.s, y: p.bytes })), 2, 1);
  return f.a + f.b;
}

/**
 * The refresh (preconditioner / projection recomputed) as extra time over a step that does not
 * refresh: the difference of the two series, never below 0.
 */
export function refreshCost(withRefresh: Spread, without: Spread): Spread {
  return {
    median: Math.max(0, withRefresh.median - without.median),
    min: Math.max(0, withRefresh.min - without.median),
    max: Math.max(0, withRefresh.max - without.median),
  };
}

/** Step cost with the refresh paid once every `interval` steps. */
export function amortise(step: Spread, refresh: Spread | null, interval: number): Spread {
  if (refresh === null) return step;
  const k = 1 / Math.max(1, interval);
  return { median: step.median + refresh.median * k, min: step.min + refresh.min * k, max: step.max + refresh.max * k };
}

/**
 * Forward + backward time of one optimizer step's worth of tokens (the assumption: 6 * N * tokens
 * FLOPs at the GPU's peak dense throughput, so a lower bound of the real time), ms.
 */
export function forwardBackwardMs(params: number, tokensPerStep: number, tflops: number): number {
  return ((6 * params * tokensPerStep) / (tflops * 1e12)) * 1000;
}

/** The optimizer step's share of a whole training step (forward + backward + optimizer). */
export function shareOfTrainingStep(optimizerMs: number, forwardBackward: number): number {
  return optimizerMs / (optimizerMs + forwardBackward);
}

/** How a sum was obtained: as weakly as its weakest part (REAL_SHAPES_METHODS lists them from the most direct). */
export function weakestMethod(methods: readonly RealShapesMethod[]): RealShapesMethod {
  let worst = 0;
  for (const m of methods) worst = Math.max(worst, REAL_SHAPES_METHODS.indexOf(m));
  return REAL_SHAPES_METHODS[worst]!;
}
