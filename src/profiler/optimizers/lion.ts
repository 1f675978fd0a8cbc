/**
 * Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"), as lucidrains/lion-pytorch:
 *   p <- p*(1 - lr*wd);  p <- p - lr*sign(b1*m + (1-b1)*g);  m <- b2*m + (1-b2)*g.
 * Source: lucidrains/lion-pytorch lion_pytorch/lion_pytorch.py (update_fn); defaults lr 1e-4,
 * betas (0.9, 0.99), weight_decay 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader } from './hyper';
import { strictSign } from './ops';

export const LION_DEFAULTS: Hyperparameters = { lr: 1e-4, betas: [0.9, 0.99], weight_decay: 0 };

export class LionOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.Lion';
  readonly id = 'lion' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly weightDecay: number;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('lion', hyper, LION_DEFAULTS);
    const values = { lr: r.num('lr', 0), betas: r.pair('betas', 0, 1), weight_decay: r.num('weight_decay', 0) };
    r.fixed('decoupled_weight_decay', false);
    r.finish();
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.weightDecay = values.weight_decay;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor): void {
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    if (this.weightDecay !== 0) p.assign(tf.mul(p, 1 - this.lr * this.weightDecay));
    const direction = strictSign(tf.add(tf.mul(m, this.beta1), tf.mul(grad, 1 - this.beta1)));
    p.assign(tf.sub(p, tf.mul(direction, this.lr)));
    m.assign(tf.add(tf.mul(m, this.beta2), tf.mul(grad, 1 - this.beta2)));
  }
}
tf.serialization.registerClass(LionOptimizer);

export const LION: ProfilerOptimizerDefinition = {
  id: 'lion',
  reference: {
    title: 'lucidrains/lion-pytorch (Lion, Chen et al. 2023)',
    url: 'https://github.com/lucidrains/lion-pytorch/blob/6a74fdc0ba572ab5683dc0270c66c20ecbc02d09/lion_pytorch/lion_pytorch.py',
    locator: 'lion_pytorch/lion_pytorch.py, update_fn',
  },
  defaults: LION_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new LionOptimizer(hyper, options),
};
