/** Scratch optimizer for checking the "An optimizer" recipe (reverted): torch.optim.SGD under another id. */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import type { OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { SGD_DEFAULTS, SgdOptimizer, TORCH_SGD } from './sgd';

export class ScratchSgdOptimizer extends SgdOptimizer {
  static override className = 'OptimizerAdvisor.ScratchSGD';
  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    super(hyper, options, 'scratch-sgd', SGD_DEFAULTS);
  }
}
tf.serialization.registerClass(ScratchSgdOptimizer);

export const SCRATCH_SGD: ProfilerOptimizerDefinition = {
  id: 'scratch-sgd',
  reference: TORCH_SGD,
  defaults: SGD_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new ScratchSgdOptimizer(hyper, options),
};
