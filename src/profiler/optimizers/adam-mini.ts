/**
 * Adam-mini (Zhang et al., 2024, "Adam-mini: Use Fewer Learning Rates To Gain More"), as
 * zyushun/Adam-mini adam_mini/adam_mini.py. Parameters are partitioned by *name*, as the reference:
 * - names containing embed/embd/wte/lm_head.weight/output.weight: AdamW with a full second moment v;
 * - names containing q_proj.weight/k_proj.weight/wq.weight/wk.weight: one second moment per head
 *   (the tensor viewed as [-1, dim*dim/n_heads], v = EMA of the mean g^2 of each row);
 * - everything else: one scalar second moment per tensor (EMA of sum(g^2)/numel).
 * m <- lerp(m, g, 1-b1); p <- p*(1 - lr*wd) (wd 0 for names containing norm or ln_f);
 * p <- p - lr * m/(1-b1^t) / (sqrt(v)/sqrt(1-b2^t) + eps).
 * tfjs variable names play the part of the reference's parameter names (the sweep names proxy
 * variables after their PyTorch state-dict names).
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamMiniBlock } from '../../core/optimizers/adam-mini';
import { InputError, type Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader, MAX_DECAY } from './hyper';
import { lerp } from './ops';

/** The reference defaults, except model_sharding (a multi-GPU option; single device here). */
export const ADAM_MINI_DEFAULTS: Hyperparameters = {
  lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, model_sharding: false, dim: 2048, n_heads: 32, n_kv_heads: null,
};

/** The blocks are core's (also imported from here by the fused kernels, src/profiler/kernels). */
export { adamMiniBlock };

/** Name fragments of the reference's no-decay rule (Adam_mini.__init__). */
export const NO_DECAY_NAMES = ['norm', 'ln_f'] as const;

export class AdamMiniOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.AdamMini';
  readonly id = 'adam-mini' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly headNumel: number;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('adam-mini', hyper, ADAM_MINI_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, MAX_DECAY),
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
      model_sharding: r.bool('model_sharding'),
      dim: r.int('dim', 1),
      n_heads: r.int('n_heads', 1),
      n_kv_heads: r.numOrNull('n_kv_heads', 1),
    };
    r.finish();
    if ((values.dim * values.dim) % values.n_heads !== 0) throw new InputError(`adam-mini: dim*dim (${values.dim}^2) is not divisible by n_heads (${values.n_heads})`);
    if (values.n_kv_heads !== null && values.n_heads % values.n_kv_heads !== 0) throw new InputError(`adam-mini: n_heads ${values.n_heads} is not a multiple of n_kv_heads ${values.n_kv_heads}`);
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
    this.headNumel = (values.dim * values.dim) / values.n_heads;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const block = adamMiniBlock(name);
    const wd = NO_DECAY_NAMES.some((n) => name.includes(n)) ? 0 : this.weightDecay;
    const bc1 = 1 - this.beta1 ** step;
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** step);
    const m = this.slot(name, 'm', () => tf.zerosLike(p));
    if (block === 'embedding') {
      const v = this.slot(name, 'v', () => tf.zerosLike(p));
      v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.mul(grad, grad), 1 - this.beta2)));
      if (wd > 0) p.assign(tf.mul(p, 1 - this.lr * wd));
      m.assign(lerp(m, grad, 1 - this.beta1));
      const h = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), this.eps);
      p.assign(tf.sub(p, tf.mul(tf.div(m, h), this.lr / bc1)));
      return;
    }
    if (block === 'query-key') {
      if (p.size % this.headNumel !== 0) {
        throw new InputError(`adam-mini: ${name} has ${p.size} elements, not a multiple of dim*dim/n_heads = ${this.headNumel}`);
      }
      const heads = p.size / this.headNumel;
      const g = tf.reshape(grad, [heads, this.headNumel]);
      const vmean = this.slot(name, 'vmean', () => tf.zeros([heads, 1]));
      vmean.assign(tf.add(tf.mul(vmean, this.beta2), tf.mul(tf.mean(tf.mul(g, g), 1, true), 1 - this.beta2)));
      if (wd > 0) p.assign(tf.mul(p, 1 - this.lr * wd));
      m.assign(lerp(m, grad, 1 - this.beta1));
      const h = tf.add(tf.div(tf.sqrt(vmean), bc2Sqrt), this.eps);
      const stepsize = tf.div(1 / bc1, h);
      const update = tf.mul(tf.reshape(tf.mul(tf.reshape(m, [heads, this.headNumel]), stepsize), p.shape), this.lr);
      p.assign(tf.sub(p, update));
      return;
    }
    const vmean = this.slot(name, 'vmean', () => tf.scalar(0));
    const meanSq = tf.div(tf.sum(tf.mul(grad, grad)), p.size);
    if (wd > 0) p.assign(tf.mul(p, 1 - this.lr * wd));
    m.assign(lerp(m, grad, 1 - this.beta1));
    vmean.assign(tf.add(tf.mul(vmean, this.beta2), tf.mul(meanSq, 1 - this.beta2)));
    const h = tf.add(tf.div(tf.sqrt(vmean), bc2Sqrt), this.eps);
    const stepsize = tf.div(1 / bc1, h);
    p.assign(tf.sub(p, tf.mul(tf.mul(m, stepsize), this.lr)));
  }
}
tf.serialization.registerClass(AdamMiniOptimizer);

export const ADAM_MINI: ProfilerOptimizerDefinition = {
  id: 'adam-mini',
  reference: {
    title: 'zyushun/Adam-mini (adam_mini/adam_mini.py)',
    url: 'https://github.com/zyushun/Adam-mini/blob/402aadfed23719f3b92c8e78b5d49ad499ff7ada/adam_mini/adam_mini.py',
    locator: 'Adam_mini.__init__ (embd_names, wqk_names, head_numel) and step',
  },
  defaults: ADAM_MINI_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new AdamMiniOptimizer(hyper, options),
};
