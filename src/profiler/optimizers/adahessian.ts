/**
 * AdaHessian (Yao et al., 2021, "ADAHESSIAN: An Adaptive Second Order Optimizer for Machine Learning"),
 * as amirgholami/adahessian image_classification/optim_adahessian.py: a Hutchinson estimate of the
 * Hessian diagonal D = |H v| with Rademacher v (averaged over the spatial dims of conv kernels),
 *   m <- b1*m + (1-b1)*g;  s <- b2*s + (1-b2)*D^2;
 *   p <- p - lr*( (m/(1-b1^t)) / ((sqrt(s)/sqrt(1-b2^t))^k + eps) + wd*p ),  k = hessian_power.
 * It needs the loss, so it overrides `minimize`; `applyGradients` alone is an error.
 * tfjs conv kernels are [kh, kw, in, out], so the spatial mean is over dims 0-1 (PyTorch's 2-3);
 * conv1d kernels [k, in, out] average over dim 0.
 * Defaults: lr 0.15, betas (0.9, 0.999), eps 1e-4, weight_decay 0, hessian_power 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type HvpMethod, type OptimizerOptions, type ProbeSource } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { curvature, seededProbes } from './hessian';
import { HyperReader, MAX_DECAY } from './hyper';

export const ADAHESSIAN_DEFAULTS: Hyperparameters = { lr: 0.15, betas: [0.9, 0.999], eps: 1e-4, weight_decay: 0, hessian_power: 1 };

/** Which HVP method produced the last step's curvature, and why if it was a fallback. */
export interface HessianReport {
  readonly method: HvpMethod;
  readonly fallbackReason?: string;
}

export class AdaHessianOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.AdaHessian';
  readonly id = 'adahessian' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly hessianPower: number;
  private readonly probe: ProbeSource;
  private pending = new Map<string, tf.Tensor>();
  lastHessian: HessianReport | null = null;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('adahessian', hyper, ADAHESSIAN_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, MAX_DECAY),
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
      hessian_power: r.num('hessian_power', 0, 1),
    };
    r.fixed('spatial_average_block_size', [-1, -1, -1, -1]);
    r.finish();
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
    this.hessianPower = values.hessian_power;
    this.probe = options.probe ?? seededProbes(options.seed ?? 0);
  }

  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const vars = this.trainableVariables(varList);
    const step = this.iterations + 1;
    const probes = vars.map((v) => this.probe(v.shape, 'rademacher', v.name, step));
    const result = curvature(f, vars, probes, this.options.hvp ?? 'autodiff');
    this.lastHessian = result.fallbackReason ? { method: result.method, fallbackReason: result.fallbackReason } : { method: result.method };
    vars.forEach((v, i) => this.pending.set(v.name, tf.tidy(() => hutchinsonDiagonal(result.hvps[i]!))));
    try {
      this.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: result.grads[i]! })));
    } finally {
      tf.dispose([...probes, ...result.grads, ...result.hvps, ...this.pending.values()]);
      this.pending.clear();
    }
    if (returnCost) return result.value;
    result.value.dispose();
    return null;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const d = this.pending.get(name);
    if (!d) throw new Error('adahessian needs the loss to estimate curvature: call minimize(), not applyGradients()');
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    const s = this.slot(name, 'exp_hessian_diag_sq', () => tf.zerosLike(p));
    m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(grad, 1 - this.beta1)));
    s.assign(tf.add(tf.mul(s, this.beta2), tf.mul(tf.mul(d, d), 1 - this.beta2)));
    const bc1 = 1 - this.beta1 ** step;
    const bc2 = 1 - this.beta2 ** step;
    const k = this.hessianPower;
    const root = k === 1 ? tf.sqrt(s) : tf.pow(tf.sqrt(s), k);
    const denom = tf.add(tf.div(root, Math.sqrt(bc2) ** k), this.eps);
    const update = tf.add(tf.div(tf.div(m, bc1), denom), tf.mul(p, this.weightDecay));
    p.assign(tf.sub(p, tf.mul(update, this.lr)));
  }
}
tf.serialization.registerClass(AdaHessianOptimizer);

/** |H v|, averaged over the spatial dims of conv kernels (tfjs layouts). */
export function hutchinsonDiagonal(hv: tf.Tensor): tf.Tensor {
  const a = tf.abs(hv);
  if (hv.rank === 4) return tf.mean(a, [0, 1], true);
  if (hv.rank === 3) return tf.mean(a, [0], true);
  return a;
}

export const ADAHESSIAN: ProfilerOptimizerDefinition = {
  id: 'adahessian',
  reference: {
    title: 'amirgholami/adahessian (Yao et al., 2021)',
    url: 'https://github.com/amirgholami/adahessian/blob/85ebc00ce873c8497a64ca80bbfa5d996109efea/image_classification/optim_adahessian.py',
    locator: 'image_classification/optim_adahessian.py',
  },
  defaults: ADAHESSIAN_DEFAULTS,
  needsLoss: true,
  create: (hyper, options) => new AdaHessianOptimizer(hyper, options),
};
