/**
 * Adam, as torch.optim.Adam (PyTorch 1.13 single-tensor path):
 *   g <- g + wd*p (L2, Adam) or p <- p*(1 - lr*wd) (decoupled, AdamW);
 *   m <- b1*m + (1-b1)*g;  v <- b2*v + (1-b2)*g^2;  vmax <- max(vmax, v) (amsgrad);
 *   p <- p - lr/(1-b1^t) * m / (sqrt(v or vmax)/sqrt(1-b2^t) + eps).
 * Source: pytorch/pytorch torch/optim/adam.py and adamw.py (_single_tensor_adam(w)).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerId } from '../../core/optimizers/types';
import type { Citation, Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader, MAX_DECAY } from './hyper';

export const TORCH_ADAM: Citation = {
  title: 'PyTorch torch.optim.Adam',
  url: 'https://pytorch.org/docs/stable/generated/torch.optim.Adam.html',
  locator: 'torch/optim/adam.py',
};

/** torch.optim.Adam defaults. */
export const ADAM_DEFAULTS: Hyperparameters = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false };

export class AdamOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.Adam';
  readonly id: OptimizerId;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly amsgrad: boolean;
  private readonly maximize: boolean;

  constructor(
    hyper: Hyperparameters = {},
    options: OptimizerOptions = {},
    id: OptimizerId = 'adam',
    defaults: Hyperparameters = ADAM_DEFAULTS,
    private readonly decoupled = false,
  ) {
    const r = new HyperReader(id, hyper, defaults);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, MAX_DECAY),
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
      amsgrad: r.bool('amsgrad'),
      maximize: r.bool('maximize'),
    };
    r.finish();
    super(values, options);
    this.id = id;
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
    this.amsgrad = values.amsgrad;
    this.maximize = values.maximize;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const { m, v } = this.adamMoments(name, p, grad, {
      lr: this.lr, beta1: this.beta1, beta2: this.beta2, weightDecay: this.weightDecay, decoupled: this.decoupled, maximize: this.maximize,
    });
    const bc1 = 1 - this.beta1 ** step;
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** step);
    let second: tf.Tensor = v;
    if (this.amsgrad) {
      const vmax = this.slot(name, 'max_exp_avg_sq', () => tf.zerosLike(p));
      vmax.assign(tf.maximum(vmax, v));
      second = vmax;
    }
    const denom = tf.add(tf.div(tf.sqrt(second), bc2Sqrt), this.eps);
    p.assign(tf.sub(p, tf.mul(tf.div(m, denom), this.lr / bc1)));
  }
}
tf.serialization.registerClass(AdamOptimizer);

export const ADAM: ProfilerOptimizerDefinition = {
  id: 'adam',
  reference: TORCH_ADAM,
  defaults: ADAM_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new AdamOptimizer(hyper, options),
};
