/**
 * NovoGrad as NVIDIA's implementation (Jasper example; timm NvNovoGrad): a per-layer second moment
 * v <- ||g||^2 on the first step, then b2*v + (1-b2)*||g||^2; g <- g / (sqrt(v) + eps) + wd*p;
 * g <- (1-b1)*g if grad_averaging; m <- b1*m + g; p <- p - lr*m.
 * Source: huggingface/pytorch-image-models timm/optim/nvnovograd.py, after NVIDIA
 * DeepLearningExamples PyTorch/SpeechRecognition/Jasper.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader, MAX_DECAY } from './hyper';

export const NOVOGRAD_DEFAULTS: Hyperparameters = {
  lr: 1e-3, betas: [0.95, 0.98], eps: 1e-8, weight_decay: 0, grad_averaging: false, amsgrad: false,
  luc: false, luc_trust: 1e-3, luc_eps: 1e-8,
};

export class NovoGradOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.NovoGrad';
  readonly id = 'novograd' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly gradAveraging: boolean;
  private readonly amsgrad: boolean;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('novograd', hyper, NOVOGRAD_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, MAX_DECAY),
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
      grad_averaging: r.bool('grad_averaging'),
      amsgrad: r.bool('amsgrad'),
    };
    // NeMo's Novograd adds layer-wise update clipping (luc), off by default; the profiler accepts only luc=false (an InputError otherwise).
    r.fixed('luc', false);
    r.num('luc_trust', 0);
    r.num('luc_eps', 0);
    r.finish();
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
    this.gradAveraging = values.grad_averaging;
    this.amsgrad = values.amsgrad;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor): void {
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    const v = this.slot(name, 'exp_avg_sq', () => tf.scalar(0));
    const norm = tf.sum(tf.mul(grad, grad));
    // The reference copies the norm while the running value is exactly zero, then averages.
    v.assign(tf.where(tf.equal(v, 0), norm, tf.add(tf.mul(v, this.beta2), tf.mul(norm, 1 - this.beta2))));
    let second: tf.Tensor = v;
    if (this.amsgrad) {
      const vmax = this.slot(name, 'max_exp_avg_sq', () => tf.scalar(0));
      vmax.assign(tf.maximum(vmax, v));
      second = vmax;
    }
    let g = tf.div(grad, tf.add(tf.sqrt(second), this.eps));
    if (this.weightDecay !== 0) g = tf.add(g, tf.mul(p, this.weightDecay));
    if (this.gradAveraging) g = tf.mul(g, 1 - this.beta1);
    m.assign(tf.add(tf.mul(m, this.beta1), g));
    p.assign(tf.sub(p, tf.mul(m, this.lr)));
  }
}
tf.serialization.registerClass(NovoGradOptimizer);

export const NOVOGRAD: ProfilerOptimizerDefinition = {
  id: 'novograd',
  reference: {
    title: 'NVIDIA NovoGrad (timm NvNovoGrad, from DeepLearningExamples Jasper)',
    url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/nvnovograd.py',
    locator: 'timm/optim/nvnovograd.py',
  },
  defaults: NOVOGRAD_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new NovoGradOptimizer(hyper, options),
};
