/**
 * Sophia (Liu et al., 2023, "Sophia: A Scalable Stochastic Second-order Optimizer for Language Model
 * Pre-training"), with the update rule and defaults of Liuhong99/Sophia `SophiaG`:
 *   p <- p*(1 - lr*wd);  m <- b1*m + (1-b1)*g;  p <- p - lr*sign(m)*min(|m| / (rho*bs*h + 1e-15), 1),
 * and every hess_interval steps (after the step) h <- b2*h + (1-b2)*ĥ. The curvature estimate ĥ is
 * - Gauss-Newton-Bartlett (the released SophiaG training loop) when `options.sampledLoss` is given:
 *   ĥ = ĝ∘ĝ for the gradient ĝ of the loss on labels sampled from the model; the update uses rho*bs*h;
 * - otherwise Hutchinson (the paper's Sophia-H option): ĥ = u∘(H u) with u ~ N(0, I); it estimates the
 *   Hessian diagonal directly, so bs does not scale it, and since it can be negative the denominator is
 *   max(rho*h, 1e-15) as in the paper's clip(m / max(γh, ε), 1).
 * Sources: Liuhong99/Sophia sophia.py (SophiaG: lr 1e-4, betas (0.965, 0.99), rho 0.04, wd 0.1,
 * step(bs=5120)), train_sophiag.py and config/train_gpt2_small_sophiag.py (hess_interval 10).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions, type ProbeSource } from './base';
import type { HessianReport } from './adahessian';
import type { ProfilerOptimizerDefinition } from './definition';
import { curvature, seededProbes } from './hessian';
import { HyperReader, MAX_DECAY } from './hyper';

export const SOPHIA_DEFAULTS: Hyperparameters = {
  lr: 1e-4, betas: [0.965, 0.99], rho: 0.04, weight_decay: 1e-1, bs: 5120, hess_interval: 10, maximize: false,
};

/** Curvature estimator in use. */
export type SophiaEstimator = 'gnb' | 'hutchinson';

export class SophiaOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.Sophia';
  readonly id = 'sophia' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly rho: number;
  private readonly weightDecay: number;
  private readonly bs: number;
  private readonly hessInterval: number;
  private readonly maximize: boolean;
  private readonly probe: ProbeSource;
  readonly estimator: SophiaEstimator;
  lastHessian: HessianReport | null = null;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('sophia', hyper, SOPHIA_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, MAX_DECAY),
      rho: r.num('rho', 0),
      weight_decay: r.num('weight_decay', 0),
      bs: r.num('bs', 0),
      hess_interval: r.int('hess_interval', 1),
      maximize: r.bool('maximize'),
    };
    r.finish();
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.rho = values.rho;
    this.weightDecay = values.weight_decay;
    this.bs = values.bs;
    this.hessInterval = values.hess_interval;
    this.maximize = values.maximize;
    this.probe = options.probe ?? seededProbes(options.seed ?? 0);
    this.estimator = options.sampledLoss ? 'gnb' : 'hutchinson';
  }

  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const vars = this.trainableVariables(varList);
    const { value, grads } = tf.variableGrads(f, vars);
    try {
      this.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
    } finally {
      tf.dispose(grads);
    }
    if (this.iterations % this.hessInterval === 0) this.updateHessian(f, vars);
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** SophiaG `update_hessian` with the estimator in use, at the current parameters. */
  private updateHessian(f: () => tf.Scalar, vars: tf.Variable[]): void {
    let estimates: tf.Tensor[];
    if (this.options.sampledLoss) {
      const { value, grads } = tf.variableGrads(this.options.sampledLoss, vars);
      value.dispose();
      estimates = vars.map((v) => tf.tidy(() => tf.mul(grads[v.name]!, grads[v.name]!)));
      tf.dispose(grads);
      this.lastHessian = { method: 'autodiff' };
    } else {
      const probes = vars.map((v) => this.probe(v.shape, 'gaussian', v.name, this.iterations));
      const result = curvature(f, vars, probes, this.options.hvp ?? 'autodiff');
      result.value.dispose();
      estimates = vars.map((_, i) => tf.mul(probes[i]!, result.hvps[i]!));
      this.lastHessian = result.fallbackReason ? { method: result.method, fallbackReason: result.fallbackReason } : { method: result.method };
      tf.dispose([...probes, ...result.grads, ...result.hvps]);
    }
    vars.forEach((v, i) => {
      tf.tidy(() => {
        const h = this.slot(v.name, 'hessian', () => tf.zerosLike(v));
        h.assign(tf.add(tf.mul(h, this.beta2), tf.mul(estimates[i]!, 1 - this.beta2)));
      });
    });
    tf.dispose(estimates);
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor): void {
    const g = this.maximize ? tf.neg(grad) : grad;
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    const h = this.slot(name, 'hessian', () => tf.zerosLike(p));
    p.assign(tf.mul(p, 1 - this.lr * this.weightDecay));
    m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
    const denom =
      this.estimator === 'gnb' ? tf.add(tf.mul(h, this.rho * this.bs), 1e-15) : tf.maximum(tf.mul(h, this.rho), 1e-15);
    const ratio = tf.minimum(tf.div(tf.abs(m), denom), 1);
    p.assign(tf.sub(p, tf.mul(tf.mul(tf.sign(m), ratio), this.lr)));
  }
}
tf.serialization.registerClass(SophiaOptimizer);

export const SOPHIA: ProfilerOptimizerDefinition = {
  id: 'sophia',
  reference: {
    title: 'Liuhong99/Sophia SophiaG',
    url: 'https://github.com/Liuhong99/Sophia/blob/2443b03529ecdccf65699a5e55e68d69ede39509/sophia.py',
    locator: 'sophia.py (SophiaG), train_sophiag.py',
  },
  defaults: SOPHIA_DEFAULTS,
  needsLoss: true,
  create: (hyper, options) => new SophiaOptimizer(hyper, options),
};
