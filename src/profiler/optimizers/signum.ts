/**
 * Signum / signSGD (Bernstein et al. 2018, Algorithms 2 and 1), as the authors' MXNet Signum:
 * d = g + p*l2 (MXNet `wd`, L2 into the gradient); with momentum, buf <- buf*momentum + d*(1-momentum)
 * (buf starts at zero) and d = buf; p <- p*(1 - lr*weight_decay) - lr*sign(d) (weight_decay is MXNet's
 * decoupled `wd_lh`). momentum 0 is signSGD: no state.
 * Source: Apache MXNet python/mxnet/optimizer/signum.py (Signum docstring; defaults learning_rate 0.01,
 * momentum 0.9, wd_lh 0).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader, MAX_DECAY } from './hyper';
import { strictSign } from './ops';

export const SIGNUM_DEFAULTS: Hyperparameters = { lr: 0.01, momentum: 0.9, weight_decay: 0, l2: 0 };

export class SignumOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.Signum';
  readonly id = 'signum' as const;
  private readonly lr: number;
  private readonly momentum: number;
  private readonly weightDecay: number;
  private readonly l2: number;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('signum', hyper, SIGNUM_DEFAULTS);
    const values = { lr: r.num('lr', 0), momentum: r.num('momentum', 0, MAX_DECAY), weight_decay: r.num('weight_decay', 0), l2: r.num('l2', 0) };
    r.finish();
    super(values, options);
    this.lr = values.lr;
    this.momentum = values.momentum;
    this.weightDecay = values.weight_decay;
    this.l2 = values.l2;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor): void {
    let d: tf.Tensor = this.l2 !== 0 ? tf.add(grad, tf.mul(p, this.l2)) : grad;
    if (this.momentum !== 0) {
      const buf = this.slot(name, 'momentum_buffer', () => tf.zerosLike(p));
      buf.assign(tf.add(tf.mul(buf, this.momentum), tf.mul(d, 1 - this.momentum)));
      d = buf;
    }
    const decayed = this.weightDecay !== 0 ? tf.mul(p, 1 - this.lr * this.weightDecay) : p;
    p.assign(tf.sub(decayed, tf.mul(strictSign(d), this.lr)));
  }
}
tf.serialization.registerClass(SignumOptimizer);

export const SIGNUM: ProfilerOptimizerDefinition = {
  id: 'signum',
  reference: {
    title: 'Apache MXNet Signum (Bernstein et al. 2018, signSGD / Signum)',
    url: 'https://mxnet.apache.org/versions/master/api/python/docs/_modules/mxnet/optimizer/signum.html',
    locator: 'mxnet/optimizer/signum.py, Signum docstring update rule',
  },
  defaults: SIGNUM_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new SignumOptimizer(hyper, options),
};
