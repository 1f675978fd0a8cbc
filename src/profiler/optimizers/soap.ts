/**
 * SOAP (Vyas et al., "SOAP: Improving and Stabilizing Shampoo using Adam", 2024), as nikhilvyas/SOAP
 * soap.py at f42d296 (the version whose defaults the catalog and the README cite). Per parameter, with
 * its shape optionally merged (merge_dims) and one preconditioner per dimension d <= max_precond_dim
 * (1-D tensors only with precondition_1d):
 *   step 1 only initialises: GG_i <- lerp(0, G_(i) G_(i)^T, 1 - shampoo_beta) (shampoo_beta = betas[1]
 *   when negative), Q_i = eigenvectors of GG_i by decreasing eigenvalue (torch.linalg.eigh, flipped);
 *   no parameter update.
 *   Then, t = 1, 2, ...:  G' = G x_i Q_i (project);  m <- b1 m + (1-b1) G';  v <- b2 v + (1-b2) G'^2;
 *   N = project_back(m / (sqrt(v) + eps)) (optionally divided by its RMS, normalize_grads);
 *   p <- p - lr sqrt(1-b2^t)/(1-b1^t) N (lr without correct_bias);  p <- p - lr*wd*p;
 *   then the preconditioner update: m back to the parameter space; GG_i <- lerp(GG_i, G_(i) G_(i)^T,
 *   1 - shampoo_beta); every precondition_frequency steps (t % f == 0) one power iteration + QR from the
 *   current basis: columns of Q_i sorted by the estimated eigenvalues diag(Q_i^T GG_i Q_i) (v's entries
 *   along dim i permuted alike), Q_i <- qr(GG_i Q_i).Q; m projected on the (new) basis.
 * Source: soap.py (SOAP.step, init_preconditioner, update_preconditioner, project, project_back,
 * get_orthogonal_matrix, get_orthogonal_matrix_QR, merge_dims).
 *
 * tfjs has neither eigh nor a fast QR: the eigendecomposition is the Jacobi method and the QR a
 * Householder QR, both in float64 JavaScript (dense-linalg.ts) on the float32 GG and Q, rounded back to
 * float32. The reference runs both in float32 LAPACK. The update is independent of the signs of the
 * eigenvectors (v holds squares, and m and N are projected and projected back with the same Q), so no
 * sign convention is needed; the eigenvector order is (decreasing eigenvalue, as the reference).
 * Where GG is singular (e.g. the larger side of a non-square matrix on the first step), its null-space
 * basis is arbitrary in both implementations and the trajectories legitimately differ.
 */
import * as tf from '@tensorflow/tfjs-core';
import { soapMergeDims } from '../../core/optimizers/soap';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { householderQ, symmetricEigen } from './dense-linalg';
import { HyperReader, MAX_DECAY } from './hyper';
import { contractFirst, lerp, modeOuterProduct } from './ops';
import { countSmallMatrixUpdate, gramF32, isSmallShape, lerpF32, matMulF32, readF32, smallMatrixBackend } from './small-matrix';

/** soap.py SOAP.__init__ defaults (f42d296; the README's usage: lr 3e-3, betas (.95, .95), weight_decay .01, precondition_frequency 10). */
export const SOAP_DEFAULTS: Hyperparameters = {
  lr: 0.003, betas: [0.95, 0.95], shampoo_beta: -1, eps: 1e-8, weight_decay: 0.01, precondition_frequency: 10,
  max_precond_dim: 10000, merge_dims: false, precondition_1d: false, normalize_grads: false, data_format: 'channels_first', correct_bias: true,
};

const DATA_FORMATS = ['channels_first', 'channels_last'] as const;

/** How SOAP views one parameter: the (merged) shape its preconditioners act on, and which dims have one. */
export interface SoapLayout {
  /** The shape after merge_dims (the parameter's own shape without it). */
  readonly merged: readonly number[];
  /** Per merged dim: preconditioned (GG/Q of that size) or not. */
  readonly preconditioned: readonly boolean[];
  /** channels_last 4-D tensors are permuted (0, 3, 1, 2) before merging. */
  readonly permuted: boolean;
}

export function soapLayout(shape: readonly number[], o: { maxDim: number; mergeDims: boolean; precondition1d: boolean; channelsLast: boolean }): SoapLayout {
  if (shape.length === 1) return { merged: [...shape], preconditioned: [o.precondition1d && shape[0]! <= o.maxDim], permuted: false };
  if (!o.mergeDims) return { merged: [...shape], preconditioned: shape.map((d) => d <= o.maxDim), permuted: false };
  const permuted = o.channelsLast && shape.length === 4;
  const base = permuted ? [shape[0]!, shape[3]!, shape[1]!, shape[2]!] : shape;
  const merged = soapMergeDims(base, o.maxDim);
  return { merged, preconditioned: merged.map((d) => d <= o.maxDim), permuted };
}

/**
 * The eigenbases of SOAP's first step, kept for the child's later runs. Step 1 only initialises Q_i
 * from GG_i (no update); in a sweep every learning rate of a seed starts from the same weights and the
 * same first batch, so GG_i and its eigenvectors are the same for all of them, and the Jacobi
 * eigendecomposition (the costliest part of a run's start on the proxies) need not be repeated. Keyed
 * by the exact float32 contents of GG_i (a hash, then an element-wise comparison): the same input gives
 * the same bits out, so the trajectories are identical with or without reuse. Step 1 is a warm-up step
 * that the sweep leaves out of its timings (TIMING_WARMUP_STEPS in ../sweep/constants.ts), so no
 * measured step time changes either. Holds at most INITIAL_BASES_KEPT bases (oldest dropped first).
 */
const INITIAL_BASES_KEPT = 128;
const initialBases = new Map<string, { gg: Float32Array; q: Float32Array }>();
const initialBasisCounts = { computed: 0, reused: 0 };

function initialBasis(gg: Float32Array, n: number): Float32Array {
  // FNV-1a over the float32 bits.
  const bits = new Uint32Array(gg.buffer, gg.byteOffset, gg.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193);
  const key = `${n}:${h >>> 0}`;
  const kept = initialBases.get(key);
  // Copies in and out: a backend may keep the array it is given as the tensor's storage.
  if (kept && kept.gg.length === gg.length && kept.gg.every((x, i) => Object.is(x, gg[i]))) {
    initialBasisCounts.reused++;
    return kept.q.slice();
  }
  const q = Float32Array.from(symmetricEigen(gg, n).vectors);
  initialBasisCounts.computed++;
  if (initialBases.size >= INITIAL_BASES_KEPT) initialBases.delete(initialBases.keys().next().value!);
  initialBases.set(key, { gg: Float32Array.from(gg), q: q.slice() });
  return q;
}

/** How many first-step eigenbases were computed and reused in this process (tests). */
export function soapInitialBasisCounts(): { readonly computed: number; readonly reused: number } {
  return { ...initialBasisCounts };
}

/** Forgets the kept first-step eigenbases (tests compare runs with and without reuse). */
export function clearSoapInitialBases(): void {
  initialBases.clear();
}

/**
 * get_orthogonal_matrix_QR on one dim, from the float32 GG (n x n) and the current basis o: the estimated
 * eigenvalues est_j = o_j^T GG o_j, the column order by decreasing estimate (ties by index), and
 * Q = qr(GG o[:, order]).Q, in float64 rounded to float32.
 */
function refreshedBasis(gg: ArrayLike<number>, o: ArrayLike<number>, n: number): { q: Float32Array; order: number[] } {
  // est_eig_j = o_j^T GG o_j; power_iter = GG o (float64).
  const go = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < n; l++) {
      const gil = gg[i * n + l]!;
      if (gil === 0) continue;
      for (let j = 0; j < n; j++) go[i * n + j] = go[i * n + j]! + gil * o[l * n + j]!;
    }
  }
  const est = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += o[i * n + j]! * go[i * n + j]!;
    est[j] = s;
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => est[y]! - est[x]! || x - y);
  const power = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) power[i * n + j] = go[i * n + order[j]!]!;
  return { q: Float32Array.from(householderQ(power, n, n)), order };
}

/** Moves dim 0 last (soap.py's permute for a dim without preconditioner). */
function rotateFirstToLast(x: tf.Tensor): tf.Tensor {
  if (x.rank <= 1) return x;
  return tf.transpose(x, [...x.shape.map((_, j) => j).slice(1), 0]);
}

export class SoapOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.SOAP';
  readonly id = 'soap' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly shampooBeta: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly frequency: number;
  private readonly maxDim: number;
  private readonly mergeDims: boolean;
  private readonly precondition1d: boolean;
  private readonly normalizeGrads: boolean;
  private readonly channelsLast: boolean;
  private readonly correctBias: boolean;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('soap', hyper, SOAP_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, MAX_DECAY),
      shampoo_beta: r.num('shampoo_beta', -Infinity, 1),
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
      precondition_frequency: r.int('precondition_frequency', 1),
      max_precond_dim: r.int('max_precond_dim', 1),
      merge_dims: r.bool('merge_dims'),
      precondition_1d: r.bool('precondition_1d'),
      normalize_grads: r.bool('normalize_grads'),
      data_format: r.str('data_format', DATA_FORMATS),
      correct_bias: r.bool('correct_bias'),
    };
    r.finish();
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.shampooBeta = values.shampoo_beta >= 0 ? values.shampoo_beta : this.beta2;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
    this.frequency = values.precondition_frequency;
    this.maxDim = values.max_precond_dim;
    this.mergeDims = values.merge_dims;
    this.precondition1d = values.precondition_1d;
    this.normalizeGrads = values.normalize_grads;
    this.channelsLast = values.data_format === 'channels_last';
    this.correctBias = values.correct_bias;
  }

  layoutOf(shape: readonly number[]): SoapLayout {
    return soapLayout(shape, { maxDim: this.maxDim, mergeDims: this.mergeDims, precondition1d: this.precondition1d, channelsLast: this.channelsLast });
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const layout = this.layoutOf(p.shape);
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(p));
    // Slot names as the catalog's layout: GG.k / Q.k for the k-th preconditioned dim.
    const dims: Array<{ gg: tf.Variable; size: number; dim: number; k: number } | null> = [];
    let k = 0;
    layout.merged.forEach((d, i) => {
      if (!layout.preconditioned[i]) {
        dims.push(null);
        return;
      }
      dims.push({ gg: this.slot(name, `GG.${k}`, () => tf.zeros([d, d])), size: d, dim: i, k });
      k++;
    });
    const toMerged = (x: tf.Tensor): tf.Tensor => (layout.permuted ? tf.reshape(tf.transpose(x, [0, 3, 1, 2]), layout.merged as number[]) : tf.reshape(x, layout.merged as number[]));
    const fromMerged = (x: tf.Tensor): tf.Tensor => {
      if (!layout.permuted) return tf.reshape(x, p.shape);
      const s = p.shape;
      return tf.transpose(tf.reshape(x, [s[0]!, s[3]!, s[1]!, s[2]!]), [0, 2, 3, 1]);
    };
    const qOf = (d: { k: number; size: number }): tf.Variable => this.slot(name, `Q.${d.k}`, () => tf.eye(d.size));
    const project = (x: tf.Tensor, back: boolean): tf.Tensor => {
      let y = toMerged(x);
      for (const d of dims) y = d ? contractFirst(y, qOf(d) as tf.Tensor2D, back) : rotateFirstToLast(y);
      return fromMerged(y);
    };
    const accumulate = (): void => {
      const g = toMerged(grad);
      for (const d of dims) if (d) d.gg.assign(lerp(d.gg, modeOuterProduct(g, d.dim), 1 - this.shampooBeta));
    };

    if (step === 1) {
      // init_preconditioner + update_preconditioner with Q None: GG from this gradient, Q by eigh; no update.
      accumulate();
      for (const d of dims) {
        if (!d) continue;
        const q = tf.tensor2d(initialBasis(d.gg.dataSync() as Float32Array, d.size), [d.size, d.size]);
        qOf(d).assign(q);
      }
      return;
    }
    const t = step - 1;
    if (layout.merged.length >= 1 && layout.merged.length <= 2 && !layout.permuted && smallMatrixBackend() && isSmallShape(layout.merged)) {
      countSmallMatrixUpdate();
      this.smallStep(p, grad, m, v, layout.merged, dims, qOf, t);
      return;
    }
    const gp = project(grad, false);
    m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(gp, 1 - this.beta1)));
    v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gp), 1 - this.beta2)));
    const denom = tf.add(tf.sqrt(v), this.eps);
    const stepSize = this.correctBias ? (this.lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t) : this.lr;
    let normGrad = project(tf.div(m, denom), true);
    if (this.normalizeGrads) normGrad = tf.div(normGrad, tf.add(tf.sqrt(tf.mean(tf.square(normGrad))), 1e-30));
    p.assign(tf.sub(p, tf.mul(normGrad, stepSize)));
    if (this.weightDecay > 0) p.assign(tf.add(p, tf.mul(p, -this.lr * this.weightDecay)));

    // update_preconditioner (after the step, so the current gradient never enters its own projection).
    m.assign(project(m, true));
    accumulate();
    if (t % this.frequency === 0) this.refreshBases(dims, qOf, v, toMerged, fromMerged);
    m.assign(project(m, false));
  }

  /**
   * One step (t >= 1) on a parameter whose merged shape is 1-D or 2-D and small (small-matrix.ts), in
   * float32 JavaScript: the same operations in the same order as the tfjs path above (project, moments,
   * update, weight decay, m back, GG, the refresh every `frequency` steps, m projected again), each tensor
   * read once and each state written once. A 2-D [a, b] tensor is projected as A^T X B and back as
   * A X B^T (A = Q.0 or the identity for dim 0, B likewise for dim 1); a 1-D one as Q^T x and Q x.
   */
  private smallStep(
    p: tf.Variable,
    grad: tf.Tensor,
    m: tf.Variable,
    v: tf.Variable,
    merged: readonly number[],
    dims: ReadonlyArray<{ gg: tf.Variable; size: number; dim: number; k: number } | null>,
    qOf: (d: { k: number; size: number }) => tf.Variable,
    t: number,
  ): void {
    const rows = merged[0]!;
    const cols = merged.length === 2 ? merged[1]! : 1;
    const size = rows * cols;
    const g = readF32(grad);
    const qs = dims.map((d) => (d ? readF32(qOf(d)) : null));
    const left = qs[0] ?? null;
    const right = merged.length === 2 ? (qs[1] ?? null) : null;
    const project = (x: Float32Array, l: Float32Array | null, r: Float32Array | null): Float32Array => {
      let y = x;
      if (l) y = matMulF32(l, rows, rows, true, y, rows, cols, false);
      if (r) y = matMulF32(y, rows, cols, false, r, cols, cols, false);
      return y;
    };
    const projectBack = (x: Float32Array, l: Float32Array | null, r: Float32Array | null): Float32Array => {
      let y = x;
      if (l) y = matMulF32(l, rows, rows, false, y, rows, cols, false);
      if (r) y = matMulF32(y, rows, cols, false, r, cols, cols, true);
      return y;
    };
    const f = Math.fround;
    const b1 = f(this.beta1);
    const c1 = f(1 - this.beta1);
    const b2 = f(this.beta2);
    const c2 = f(1 - this.beta2);
    const eps = f(this.eps);

    const gp = project(g, left, right);
    const mNew = readF32(m);
    const vNew = readF32(v);
    const ratio = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const gi = gp[i]!;
      mNew[i] = f(mNew[i]! * b1) + f(gi * c1);
      vNew[i] = f(vNew[i]! * b2) + f(f(gi * gi) * c2);
      ratio[i] = mNew[i]! / f(f(Math.sqrt(vNew[i]!)) + eps);
    }
    const stepSize = f(this.correctBias ? (this.lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t) : this.lr);
    const normGrad = projectBack(ratio, left, right);
    if (this.normalizeGrads) {
      let sum = 0;
      for (let i = 0; i < size; i++) sum += f(normGrad[i]! * normGrad[i]!);
      const norm = f(f(Math.sqrt(f(f(sum) / size))) + f(1e-30));
      for (let i = 0; i < size; i++) normGrad[i] = normGrad[i]! / norm;
    }
    const pNew = readF32(p);
    const decay = f(-this.lr * this.weightDecay);
    for (let i = 0; i < size; i++) {
      pNew[i] = pNew[i]! - f(normGrad[i]! * stepSize);
      if (this.weightDecay > 0) pNew[i] = pNew[i]! + f(pNew[i]! * decay);
    }
    p.assign(tf.tensor(pNew, p.shape));

    // update_preconditioner: m back to the parameter space, GG, the refresh, m on the (new) basis.
    const mBack = projectBack(mNew, left, right);
    const refresh = t % this.frequency === 0;
    const newQs: Array<Float32Array | null> = [...qs];
    for (const d of dims) {
      if (!d) continue;
      const n = d.size;
      // G_(i) G_(i)^T: g g^T for dim 0 (a 1-D g as a column), g^T g for dim 1.
      const outer = gramF32(g, rows, cols, d.dim === 1);
      const gg = lerpF32(readF32(d.gg), outer, 1 - this.shampooBeta);
      d.gg.assign(tf.tensor2d(gg, [n, n]));
      if (!refresh) continue;
      const { q, order } = refreshedBasis(gg, qs[d.dim]!, n);
      newQs[d.dim] = q;
      qOf(d).assign(tf.tensor2d(q, [n, n]));
      // v's entries along this dim permuted as the basis columns (tf.gather along d.dim).
      const old = vNew.slice();
      if (d.dim === 0) for (let i = 0; i < n; i++) vNew.set(old.subarray(order[i]! * cols, (order[i]! + 1) * cols), i * cols);
      else for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) vNew[i * cols + j] = old[i * cols + order[j]!]!;
    }
    v.assign(tf.tensor(vNew, v.shape));
    m.assign(tf.tensor(project(mBack, newQs[0] ?? null, merged.length === 2 ? (newQs[1] ?? null) : null), m.shape));
  }

  /** get_orthogonal_matrix_QR: sort each basis by its estimated eigenvalues (v alike), one power iteration, QR. */
  private refreshBases(
    dims: ReadonlyArray<{ gg: tf.Variable; size: number; dim: number; k: number } | null>,
    qOf: (d: { k: number; size: number }) => tf.Variable,
    v: tf.Variable,
    toMerged: (x: tf.Tensor) => tf.Tensor,
    fromMerged: (x: tf.Tensor) => tf.Tensor,
  ): void {
    let sq = toMerged(v);
    for (const d of dims) {
      if (!d) continue;
      const n = d.size;
      const { q: basis, order } = refreshedBasis(d.gg.dataSync(), qOf(d).dataSync(), n);
      qOf(d).assign(tf.tensor2d(basis, [n, n]));
      sq = tf.gather(sq, tf.tensor1d(order, 'int32'), d.dim);
    }
    v.assign(fromMerged(sq));
  }
}
tf.serialization.registerClass(SoapOptimizer);

export const SOAP: ProfilerOptimizerDefinition = {
  id: 'soap',
  reference: {
    title: 'nikhilvyas/SOAP (soap.py at f42d296)',
    url: 'https://github.com/nikhilvyas/SOAP/blob/f42d296cb4146a67fbe811371e6badb9a39cc54d/soap.py',
    locator: 'SOAP.step, update_preconditioner, project, project_back, get_orthogonal_matrix, get_orthogonal_matrix_QR',
  },
  defaults: SOAP_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new SoapOptimizer(hyper, options),
};
