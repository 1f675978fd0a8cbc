/**
 * Muon (K. Jordan, "Muon: an optimizer for hidden layers", 2024), as KellerJordan/Muon
 * `SingleDeviceMuonWithAuxAdam`: for hidden matrix weights (2-D; conv kernels viewed as
 * [dim0, rest]) momentum m <- lerp(m, g, 1-beta); u = lerp(g, m, beta) (Nesterov) or m; u is
 * orthogonalised by 5 quintic Newton-Schulz steps with coefficients (3.4445, -4.7750, 2.0315) after
 * scaling to unit Frobenius norm (+1e-7), scaled by sqrt(max(1, rows/cols)) (adjust_lr_fn 'original') or by
 * 0.2*sqrt(max(rows, cols)), the update RMS of AdamW (adjust_lr_fn 'match_rms_adamw': Liu et al. 2025,
 * MoonshotAI/Moonlight examples/toy_train.py adjust_lr_for_muon; torch.optim.Muon's names for both);
 * p <- p*(1 - lr*wd) - lr*u (the decoupled decay uses the unadjusted lr in both).
 * Every other tensor (1-D gains and biases, embeddings and heads when `roleOf` says so) takes the
 * auxiliary Adam step of the same class: m, v by lerp, bias-corrected, u = m_hat/(sqrt(v_hat) + eps).
 * Shapes are read in PyTorch's [out, in] convention (rows = dim -2, cols = dim -1).
 * The reference runs Newton-Schulz in bfloat16; tfjs has no bfloat16, so it runs in float32 here.
 * Source: KellerJordan/Muon muon.py (zeropower_via_newtonschulz5, muon_update, adam_update,
 * SingleDeviceMuonWithAuxAdam defaults: muon lr 0.02, momentum 0.95, wd 0; adam lr 3e-4,
 * betas (0.9, 0.95), eps 1e-10, wd 0).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters, TensorRole } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader, MAX_DECAY } from './hyper';
import { l2norm, lerp } from './ops';
import { countSmallMatrixUpdate, gramF32, isSmallShape, lerpF32, matMulF32, readF32, smallMatrixBackend } from './small-matrix';

/** Published quintic Newton-Schulz coefficients (muon.py, zeropower_via_newtonschulz5). */
export const NEWTON_SCHULZ_COEFFICIENTS = [3.4445, -4.775, 2.0315] as const;

export const MUON_DEFAULTS: Hyperparameters = {
  lr: 0.02, momentum: 0.95, weight_decay: 0, nesterov: true, ns_steps: 5, adjust_lr_fn: 'original',
  adam_lr: 3e-4, adam_betas: [0.9, 0.95], adam_eps: 1e-10, adam_weight_decay: 0,
};

/** Moonlight's update scale: 0.2*sqrt(max(A, B)) gives the orthogonalised update AdamW's typical RMS (Liu et al. 2025). */
export const MATCH_RMS_ADAMW = 0.2;

/** Roles Muon's README keeps on AdamW even though they are 2-D. */
const ADAM_ROLES: ReadonlySet<TensorRole> = new Set(['embedding', 'position-embedding', 'lm-head', 'norm', 'bias']);

/** Orthogonalisation of a 2-D matrix by the quintic Newton-Schulz iteration. */
export function zeropowerNewtonSchulz5(g: tf.Tensor2D, steps: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [a, b, c] = NEWTON_SCHULZ_COEFFICIENTS;
    const tall = g.shape[0] > g.shape[1];
    let x: tf.Tensor2D = tall ? tf.transpose(g) : g;
    x = tf.div(x, tf.add(l2norm(x), 1e-7));
    for (let i = 0; i < steps; i++) {
      const A = tf.matMul(x, x, false, true);
      const B = tf.add(tf.mul(A, b), tf.mul(tf.matMul(A, A), c));
      x = tf.add(tf.mul(x, a), tf.matMul(B, x));
    }
    return tall ? tf.transpose(x) : x;
  });
}

/**
 * zeropowerNewtonSchulz5 in float32 JavaScript (small-matrix.ts) on a row-major rows x cols matrix: the
 * same operations in the same order, each elementwise result rounded to float32.
 */
export function newtonSchulz5F32(g: Float32Array, rows: number, cols: number, steps: number): Float32Array {
  const f = Math.fround;
  const [a, b, c] = NEWTON_SCHULZ_COEFFICIENTS.map((x) => f(x)) as [number, number, number];
  const tall = rows > cols;
  const r = tall ? cols : rows;
  const n = tall ? rows : cols;
  // x is r x n (the transpose of a tall matrix).
  const x = g.slice();
  if (tall) for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) x[j * rows + i] = g[i * cols + j]!;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += f(x[i]! * x[i]!);
  const denom = f(f(Math.sqrt(f(sum))) + f(1e-7));
  for (let i = 0; i < x.length; i++) x[i] = x[i]! / denom;
  for (let s = 0; s < steps; s++) {
    const A = gramF32(x, r, n, false);
    // A is symmetric, so A A = A A^T.
    const AA = gramF32(A, r, r, false);
    const B = new Float32Array(r * r);
    for (let i = 0; i < B.length; i++) B[i] = f(A[i]! * b) + f(AA[i]! * c);
    const BX = matMulF32(B, r, r, false, x, r, n, false);
    for (let i = 0; i < x.length; i++) x[i] = f(x[i]! * a) + BX[i]!;
  }
  if (!tall) return x;
  const out = new Float32Array(x.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < n; j++) out[j * r + i] = x[i * n + j]!;
  return out;
}

export class MuonOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.Muon';
  readonly id = 'muon' as const;
  private readonly lr: number;
  private readonly momentum: number;
  private readonly weightDecay: number;
  private readonly nesterov: boolean;
  private readonly nsSteps: number;
  private readonly matchRmsAdamW: boolean;
  private readonly adamLr: number;
  private readonly adamBeta1: number;
  private readonly adamBeta2: number;
  private readonly adamEps: number;
  private readonly adamWeightDecay: number;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('muon', hyper, MUON_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      momentum: r.num('momentum', 0, 1),
      weight_decay: r.num('weight_decay', 0),
      nesterov: r.bool('nesterov'),
      ns_steps: r.int('ns_steps', 0, 100),
      adjust_lr_fn: r.str('adjust_lr_fn', ['original', 'match_rms_adamw'] as const),
      adam_lr: r.num('adam_lr', 0),
      adam_betas: r.pair('adam_betas', 0, MAX_DECAY),
      adam_eps: r.num('adam_eps', 0),
      adam_weight_decay: r.num('adam_weight_decay', 0),
    };
    r.finish();
    super(values, options);
    this.lr = values.lr;
    this.momentum = values.momentum;
    this.weightDecay = values.weight_decay;
    this.nesterov = values.nesterov;
    this.nsSteps = values.ns_steps;
    this.matchRmsAdamW = values.adjust_lr_fn === 'match_rms_adamw';
    this.adamLr = values.adam_lr;
    [this.adamBeta1, this.adamBeta2] = values.adam_betas;
    this.adamEps = values.adam_eps;
    this.adamWeightDecay = values.adam_weight_decay;
  }

  /** Whether a parameter takes the Muon step (hidden >= 2-D weights) rather than the auxiliary Adam. */
  usesMuon(name: string, shape: readonly number[]): boolean {
    if (shape.length < 2) return false;
    const role = this.options.roleOf?.(name, shape);
    return role === undefined || !ADAM_ROLES.has(role);
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    if (this.usesMuon(name, p.shape)) this.muonStep(name, p, grad);
    else this.adamStep(name, p, grad, step);
  }

  private muonStep(name: string, p: tf.Variable, grad: tf.Tensor): void {
    const buf = this.slot(name, 'momentum_buffer', () => tf.zerosLike(p));
    if (smallMatrixBackend() && isSmallShape(p.shape)) {
      countSmallMatrixUpdate();
      this.muonStepSmall(p, grad, buf);
      return;
    }
    buf.assign(lerp(buf, grad, 1 - this.momentum));
    const update = this.nesterov ? lerp(grad, buf, this.momentum) : buf;
    const rows = p.shape[p.rank - 2]!;
    const cols = p.shape[p.rank - 1]!;
    const matrix = tf.reshape(update, [p.shape[0]!, -1]) as tf.Tensor2D;
    const scale = this.matchRmsAdamW ? MATCH_RMS_ADAMW * Math.sqrt(Math.max(rows, cols)) : Math.sqrt(Math.max(1, rows / cols));
    const ortho = tf.mul(zeropowerNewtonSchulz5(matrix, this.nsSteps), scale);
    if (this.weightDecay !== 0) p.assign(tf.mul(p, 1 - this.lr * this.weightDecay));
    p.assign(tf.sub(p, tf.mul(tf.reshape(ortho, p.shape), this.lr)));
  }

  /** muonStep in float32 JavaScript for a small matrix on wasm or cpu (small-matrix.ts): same operations, same order. */
  private muonStepSmall(p: tf.Variable, grad: tf.Tensor, buf: tf.Variable): void {
    const f = Math.fround;
    const g = readF32(grad);
    const momentum = lerpF32(readF32(buf), g, 1 - this.momentum);
    buf.assign(tf.tensor(momentum, buf.shape));
    const update = this.nesterov ? lerpF32(g, momentum, this.momentum) : momentum;
    const rows = p.shape[p.rank - 2]!;
    const cols = p.shape[p.rank - 1]!;
    const scale = f(this.matchRmsAdamW ? MATCH_RMS_ADAMW * Math.sqrt(Math.max(rows, cols)) : Math.sqrt(Math.max(1, rows / cols)));
    const ortho = newtonSchulz5F32(update, p.shape[0]!, p.size / p.shape[0]!, this.nsSteps);
    const next = readF32(p);
    const decay = f(1 - this.lr * this.weightDecay);
    const lr = f(this.lr);
    for (let i = 0; i < next.length; i++) {
      if (this.weightDecay !== 0) next[i] = next[i]! * decay;
      next[i] = next[i]! - f(f(ortho[i]! * scale) * lr);
    }
    p.assign(tf.tensor(next, p.shape));
  }

  private adamStep(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(p));
    m.assign(lerp(m, grad, 1 - this.adamBeta1));
    v.assign(lerp(v, tf.square(grad), 1 - this.adamBeta2));
    const mHat = tf.div(m, 1 - this.adamBeta1 ** step);
    const vHat = tf.div(v, 1 - this.adamBeta2 ** step);
    const update = tf.div(mHat, tf.add(tf.sqrt(vHat), this.adamEps));
    if (this.adamWeightDecay !== 0) p.assign(tf.mul(p, 1 - this.adamLr * this.adamWeightDecay));
    p.assign(tf.sub(p, tf.mul(update, this.adamLr)));
  }
}
tf.serialization.registerClass(MuonOptimizer);

export const MUON: ProfilerOptimizerDefinition = {
  id: 'muon',
  reference: {
    title: 'KellerJordan/Muon (SingleDeviceMuonWithAuxAdam)',
    url: 'https://github.com/KellerJordan/Muon/blob/857d1adc159e098212f828d927460782d3da59e9/muon.py',
    locator: 'muon.py',
  },
  defaults: MUON_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new MuonOptimizer(hyper, options),
};
