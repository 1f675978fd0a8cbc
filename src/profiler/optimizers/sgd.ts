/**
 * SGD with optional (Nesterov) momentum, as torch.optim.SGD:
 *   g <- g + wd*p;  buf <- g (first step) | momentum*buf + (1-dampening)*g;
 *   g <- g + momentum*buf (nesterov) | buf;  p <- p - lr*g.
 * Source: pytorch/pytorch torch/optim/sgd.py (_single_tensor_sgd).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError, type Citation, type Hyperparameters } from '../../core/types';
import type { OptimizerId } from '../../core/optimizers/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader } from './hyper';

export const TORCH_SGD: Citation = {
  title: 'PyTorch torch.optim.SGD',
  url: 'https://pytorch.org/docs/stable/generated/torch.optim.SGD.html',
  locator: 'torch/optim/sgd.py',
};

/** torch.optim.SGD defaults (lr default 1e-3 since PyTorch 2.x; momentum, dampening, weight_decay 0). */
export const SGD_DEFAULTS: Hyperparameters = { lr: 1e-3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false };

export class SgdOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.SGD';
  readonly id: OptimizerId;
  private readonly lr: number;
  private readonly momentum: number;
  private readonly dampening: number;
  private readonly weightDecay: number;
  private readonly nesterov: boolean;
  private readonly sign: number;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}, id: OptimizerId = 'sgd', defaults: Hyperparameters = SGD_DEFAULTS) {
    const r = new HyperReader(id, hyper, defaults);
    const values = {
      lr: r.num('lr', 0),
      momentum: r.num('momentum', 0),
      dampening: r.num('dampening'),
      weight_decay: r.num('weight_decay', 0),
      nesterov: r.bool('nesterov'),
      maximize: r.bool('maximize'),
    };
    r.finish();
    if (values.nesterov && (values.momentum <= 0 || values.dampening !== 0)) {
      throw new InputError(`${id}: Nesterov momentum requires a momentum and zero dampening (torch.optim.SGD)`);
    }
    super(values, options);
    this.id = id;
    this.lr = values.lr;
    this.momentum = values.momentum;
    this.dampening = values.dampening;
    this.weightDecay = values.weight_decay;
    this.nesterov = values.nesterov;
    this.sign = values.maximize ? -1 : 1;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor): void {
    let d: tf.Tensor = this.sign < 0 ? tf.neg(grad) : grad;
    if (this.weightDecay !== 0) d = tf.add(d, tf.mul(p, this.weightDecay));
    if (this.momentum !== 0) d = this.momentumDirection(name, d, this.momentum, this.dampening, this.nesterov);
    p.assign(tf.sub(p, tf.mul(d, this.lr)));
  }
}
tf.serialization.registerClass(SgdOptimizer);

export const SGD: ProfilerOptimizerDefinition = {
  id: 'sgd',
  reference: TORCH_SGD,
  defaults: SGD_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new SgdOptimizer(hyper, options),
};
