/**
 * GaLore AdamW (Zhao et al., "GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection",
 * ICML 2024), as jiaweizzhao/GaLore galore_torch/adamw.py (AdamW.step) with galore_projector.py
 * (GaLoreProjector). For a GaLore target (a 2-D weight) with gradient G (m x n), r = min(rank, m, n):
 *   every update_proj_gap steps (counting from 0, the state step before its increment) the projector is
 *   recomputed from the top-r singular vectors of the current G: proj_type 'std' keeps Vh[:r, :] (r x n)
 *   when m >= n and U[:, :r] (m x r) otherwise (the smaller side); 'reverse_std' the other side;
 *   'left', 'right' that side; 'full' both;
 *   R = G Vh_r^T (m x r) or U_r^T G (r x n) (or U_r^T G Vh_r^T);
 *   m <- b1 m + (1-b1) R;  v <- b2 v + (1-b2) R^2;  N = m / (sqrt(v) + eps);
 *   step_size = lr sqrt(1-b2^t) / (1-b1^t) (lr without correct_bias);
 *   p <- p - step_size * scale * (N Vh_r or U_r N);  p <- p - lr*wd*p (after the update).
 * Every other tensor takes the same AdamW step without projection (official usage: the non-GaLore
 * parameter group of the same optimizer). The moments are NOT reset or rotated when the projector
 * changes (as the official code).
 *
 * tfjs has no SVD: the top singular vectors are the eigenvectors of the smaller-side Gram matrix
 * (G^T G for Vh, G G^T for U) computed in float64 by the Jacobi method (dense-linalg.ts), sorted by
 * decreasing singular value. Singular vectors are defined up to sign, and the sign matters here because
 * the moments are carried across projector updates: each vector is flipped so that its entry of
 * largest magnitude (the first such, after rounding to float32) is positive. The Python reference
 * (test/reference/galore_reference.py) applies the same convention to torch.linalg.svd's vectors.
 * Targets: 2-D weights whose role (options.roleOf) is 'matrix', or any 2-D tensor when no role is known
 * (the catalog's rule, src/core/optimizers/galore-adamw.ts isGaloreTarget), restricted by `target_modules`
 * (HF optim_target_modules, comma-separated substrings of the module path) when given.
 * proj_quant (the int4 projector) is accepted only as false; true is an InputError.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { gramOfColumns, gramOfRows, symmetricEigen } from './dense-linalg';
import { HyperReader, MAX_DECAY } from './hyper';
import { isGaloreTarget, parseGaloreTargets } from '../../core/optimizers/galore-adamw';

export const GALORE_PROJ_TYPES = ['std', 'reverse_std', 'left', 'right', 'full'] as const;
export type GaloreProjType = (typeof GALORE_PROJ_TYPES)[number];
export type GaloreSide = 'left' | 'right' | 'full';

/** Catalog defaults (README usage: rank 128, update_proj_gap 200, scale 0.25; AdamW eps 1e-6). */
export const GALORE_ADAMW_DEFAULTS: Hyperparameters = {
  lr: 0.001, betas: [0.9, 0.999], eps: 1e-6, weight_decay: 0, correct_bias: true,
  rank: 128, update_proj_gap: 200, scale: 0.25, proj_type: 'std', proj_quant: false, target_modules: null,
};

/** Which singular vectors GaLoreProjector.project keeps for an m x n gradient. */
export function galoreSide(projType: GaloreProjType, m: number, n: number): GaloreSide {
  switch (projType) {
    case 'std':
      return m >= n ? 'right' : 'left';
    case 'reverse_std':
      return m >= n ? 'left' : 'right';
    default:
      return projType;
  }
}

/** Flips each vector (entries at base + i*stride, i < len) so that its largest-magnitude entry is positive. */
function fixSign(values: Float32Array, base: number, stride: number, len: number): void {
  let best = 0;
  let bestAbs = -1;
  for (let i = 0; i < len; i++) {
    const x = Math.abs(values[base + i * stride]!);
    if (x > bestAbs) {
      bestAbs = x;
      best = i;
    }
  }
  if (values[base + best * stride]! < 0) for (let i = 0; i < len; i++) values[base + i * stride] = -values[base + i * stride]!;
}

/**
 * The top-r left (U[:, :r], m x r) or right (Vh[:r, :], r x n) singular vectors of a row-major m x n
 * matrix, float32, with the sign convention above.
 */
export function topSingularVectors(g: ArrayLike<number>, m: number, n: number, r: number, side: 'left' | 'right'): Float32Array {
  if (side === 'left') {
    const { vectors } = symmetricEigen(gramOfRows(g, m, n), m);
    const out = new Float32Array(m * r);
    for (let i = 0; i < m; i++) for (let j = 0; j < r; j++) out[i * r + j] = vectors[i * m + j]!;
    for (let j = 0; j < r; j++) fixSign(out, j, r, m);
    return out;
  }
  const { vectors } = symmetricEigen(gramOfColumns(g, m, n), n);
  const out = new Float32Array(r * n);
  for (let j = 0; j < r; j++) for (let i = 0; i < n; i++) out[j * n + i] = vectors[i * n + j]!;
  for (let j = 0; j < r; j++) fixSign(out, j * n, 1, n);
  return out;
}

export class GaloreAdamWOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.GaLoreAdamW';
  readonly id = 'galore-adamw' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly correctBias: boolean;
  private readonly rank: number;
  private readonly gap: number;
  private readonly scale: number;
  private readonly projType: GaloreProjType;
  /** HF optim_target_modules (substrings of the parameter's module path); null = every 2-D 'matrix' weight. */
  private readonly targets: readonly string[] | null;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('galore-adamw', hyper, GALORE_ADAMW_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, MAX_DECAY),
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
      correct_bias: r.bool('correct_bias'),
      rank: r.int('rank', 1),
      update_proj_gap: r.int('update_proj_gap', 1),
      scale: r.num('scale'),
      proj_type: r.str('proj_type', GALORE_PROJ_TYPES),
      target_modules: r.strOrNull('target_modules'),
    };
    r.fixed('proj_quant', false);
    r.finish();
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
    this.correctBias = values.correct_bias;
    this.rank = values.rank;
    this.gap = values.update_proj_gap;
    this.scale = values.scale;
    this.projType = values.proj_type;
    this.targets = parseGaloreTargets(values.target_modules);
  }

  /** Whether a parameter is projected (a 2-D weight with role 'matrix', or any 2-D tensor without a role), within target_modules when given. */
  isTarget(name: string, shape: readonly number[]): boolean {
    if (shape.length !== 2) return false;
    const role = this.options.roleOf?.(name, shape) ?? 'matrix';
    // The catalog's rule (one implementation): role 'matrix' and, with target modules, a matching module path.
    return isGaloreTarget({ name, shape, role, trainable: true, module: '' }, this.targets);
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    if (!this.isTarget(name, p.shape)) {
      this.adamStep(name, p, grad, step, null);
      return;
    }
    const [m, n] = p.shape as [number, number];
    const r = Math.min(this.rank, m, n);
    const side = galoreSide(this.projType, m, n);
    const names = side === 'full' ? ['projector.ortho_matrix.0', 'projector.ortho_matrix.1'] : ['projector.ortho_matrix'];
    // GaLoreProjector.project: recompute when there is no projector yet or iter % update_proj_gap == 0 (iter = step before increment).
    const refresh = !this.hasSlot(name, names[0]!) || (step - 1) % this.gap === 0;
    let ortho: tf.Variable[];
    if (refresh) {
      const g = grad.dataSync();
      const left = side === 'right' ? null : tf.tensor2d(topSingularVectors(g, m, n, r, 'left'), [m, r]);
      const right = side === 'left' ? null : tf.tensor2d(topSingularVectors(g, m, n, r, 'right'), [r, n]);
      const fresh = [left, right].filter((t): t is tf.Tensor2D => t !== null);
      ortho = fresh.map((t, i) => {
        const v = this.slot(name, names[i]!, () => tf.zerosLike(t));
        v.assign(t);
        return v;
      });
    } else {
      ortho = names.map((s) => this.slot(name, s, () => tf.zeros([1])));
    }
    const g2 = grad as tf.Tensor2D;
    const a = side === 'right' ? null : (ortho[0] as tf.Tensor2D);
    const b = side === 'left' ? null : (ortho[ortho.length - 1] as tf.Tensor2D);
    let low: tf.Tensor2D = g2;
    if (a) low = tf.matMul(a, low, true, false);
    if (b) low = tf.matMul(low, b, false, true);
    this.adamStep(name, p, low, step, (normGrad) => {
      let full = normGrad as tf.Tensor2D;
      if (a) full = tf.matMul(a, full);
      if (b) full = tf.matMul(full, b);
      return tf.mul(full, this.scale);
    });
  }

  /** AdamW.step on `g` (the projected gradient for targets); `back` maps N to the parameter's space. */
  private adamStep(name: string, p: tf.Variable, g: tf.Tensor, step: number, back: ((n: tf.Tensor) => tf.Tensor) | null): void {
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(g));
    const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(g));
    m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
    v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.mul(g, g), 1 - this.beta2)));
    const denom = tf.add(tf.sqrt(v), this.eps);
    const stepSize = this.correctBias ? (this.lr * Math.sqrt(1 - this.beta2 ** step)) / (1 - this.beta1 ** step) : this.lr;
    let normGrad: tf.Tensor = tf.div(m, denom);
    if (back) normGrad = back(normGrad);
    p.assign(tf.sub(p, tf.mul(normGrad, stepSize)));
    if (this.weightDecay > 0) p.assign(tf.add(p, tf.mul(p, -this.lr * this.weightDecay)));
  }
}
tf.serialization.registerClass(GaloreAdamWOptimizer);

export const GALORE_ADAMW: ProfilerOptimizerDefinition = {
  id: 'galore-adamw',
  reference: {
    title: 'jiaweizzhao/GaLore (galore_torch/adamw.py, galore_projector.py)',
    url: 'https://github.com/jiaweizzhao/GaLore/blob/2cc66f88cce189e505affbb91042a8e77f5bf4e9/galore_torch/adamw.py',
    locator: 'AdamW.step; GaLoreProjector.project, project_back, get_orthogonal_matrix',
  },
  defaults: GALORE_ADAMW_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new GaloreAdamWOptimizer(hyper, options),
};
