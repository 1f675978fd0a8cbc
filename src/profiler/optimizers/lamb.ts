/**
 * LAMB as timm's `Lamb` (NVIDIA FusedLAMB behaviour): gradients divided by max(1, global grad norm /
 * max_grad_norm); Adam moments with grad averaging; update = m_hat / (sqrt(v_hat) + eps) + wd*p; the
 * update is scaled by the trust ratio ||p|| / ||update|| (1 when either norm is 0) when weight decay
 * is on (or always_adapt); p <- p - lr*update. With decoupled_decay the decay is p <- p - lr*wd*p
 * instead of the wd*p term (applied before the trust ratio, as timm).
 * Source: huggingface/pytorch-image-models timm/optim/lamb.py (_single_tensor_lamb).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type NamedGradient, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader, MAX_DECAY } from './hyper';
import { l2norm, lerp } from './ops';

/** timm Lamb defaults. */
export const LAMB_DEFAULTS: Hyperparameters = {
  lr: 1e-3, bias_correction: true, betas: [0.9, 0.999], eps: 1e-6, weight_decay: 0.01, grad_averaging: true,
  max_grad_norm: 1.0, trust_clip: false, always_adapt: false, decoupled_decay: false,
};

export class LambOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.Lamb';
  readonly id = 'lamb' as const;
  private readonly lr: number;
  private readonly biasCorrection: boolean;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly gradAveraging: boolean;
  private readonly maxGradNorm: number | null;
  private readonly trustClip: boolean;
  private readonly alwaysAdapt: boolean;
  private readonly decoupledDecay: boolean;
  /** max(1, global norm / max_grad_norm) of the current step. */
  protected clipDivisor: tf.Scalar | null = null;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('lamb', hyper, LAMB_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      bias_correction: r.bool('bias_correction'),
      betas: r.pair('betas', 0, MAX_DECAY),
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
      grad_averaging: r.bool('grad_averaging'),
      max_grad_norm: r.numOrNull('max_grad_norm', 0),
      trust_clip: r.bool('trust_clip'),
      always_adapt: r.bool('always_adapt'),
      decoupled_decay: r.bool('decoupled_decay'),
    };
    r.fixed('caution', false);
    r.finish();
    super(values, options);
    this.lr = values.lr;
    this.biasCorrection = values.bias_correction;
    [this.beta1, this.beta2] = values.betas;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
    this.gradAveraging = values.grad_averaging;
    this.maxGradNorm = values.max_grad_norm;
    this.trustClip = values.trust_clip;
    this.alwaysAdapt = values.always_adapt;
    this.decoupledDecay = values.decoupled_decay;
  }

  protected override prepareStep(grads: readonly NamedGradient[]): void {
    if (this.maxGradNorm === null || grads.length === 0) return;
    const maxNorm = this.maxGradNorm;
    this.clipDivisor = tf.tidy(() => {
      const norms = grads.map((g) => l2norm(g.tensor));
      const globalNorm = l2norm(tf.stack(norms));
      return tf.maximum(tf.div(globalNorm, maxNorm), 1) as tf.Scalar;
    });
  }

  /** The current step's clip divisor as a number (1 without clipping), for a fused update. */
  clipDivisorValue(): number {
    return this.clipDivisor ? this.clipDivisor.dataSync()[0]! : 1;
  }

  /** Sets the current step's clip divisor (a fused update that computed the global norm itself). */
  useClipDivisor(value: number): void {
    this.clipDivisor?.dispose();
    this.clipDivisor = tf.scalar(value);
  }

  protected override finishStep(): void {
    this.clipDivisor?.dispose();
    this.clipDivisor = null;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const g = this.clipDivisor ? tf.div(grad, this.clipDivisor) : grad;
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(p));
    const beta3 = this.gradAveraging ? 1 - this.beta1 : 1;
    m.assign(this.gradAveraging ? lerp(m, g, beta3) : tf.add(tf.mul(m, this.beta1), tf.mul(g, beta3)));
    v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.mul(g, g), 1 - this.beta2)));
    const bc1 = this.biasCorrection ? 1 - this.beta1 ** step : 1;
    const bc2 = this.biasCorrection ? 1 - this.beta2 ** step : 1;
    const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), this.eps);
    let update = tf.div(tf.div(m, bc1), denom);
    if (this.weightDecay !== 0) {
      if (this.decoupledDecay) p.assign(tf.add(p, tf.mul(p, -this.lr * this.weightDecay)));
      else update = tf.add(update, tf.mul(p, this.weightDecay));
    }
    if (this.weightDecay !== 0 || this.alwaysAdapt) {
      const wNorm = l2norm(p);
      const uNorm = l2norm(update);
      let trust = tf.where(tf.greater(wNorm, 0), tf.where(tf.greater(uNorm, 0), tf.div(wNorm, uNorm), tf.onesLike(wNorm)), tf.onesLike(wNorm));
      if (this.trustClip) trust = tf.minimum(trust, 1);
      update = tf.mul(update, trust);
    }
    p.assign(tf.sub(p, tf.mul(update, this.lr)));
  }
}
tf.serialization.registerClass(LambOptimizer);

export const LAMB: ProfilerOptimizerDefinition = {
  id: 'lamb',
  reference: {
    title: 'timm Lamb (NVIDIA FusedLAMB behaviour)',
    url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/lamb.py',
    locator: 'timm/optim/lamb.py',
  },
  defaults: LAMB_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new LambOptimizer(hyper, options),
};
