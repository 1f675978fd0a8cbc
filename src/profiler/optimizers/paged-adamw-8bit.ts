/**
 * Paged 8-bit AdamW: bitsandbytes `PagedAdamW8bit`, the same maths as AdamW8bit with the states in CUDA
 * unified memory (is_paged=True). tfjs has no paged memory, so the profiler runs the AdamW8bit update;
 * the paging only changes where the states live, not the update.
 * Source: bitsandbytes/optim/adamw.py (PagedAdamW8bit).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../../core/types';
import { ADAMW_8BIT_DEFAULTS, AdamW8bitOptimizer } from './adamw-8bit';
import type { OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';

export const PAGED_ADAMW_8BIT_DEFAULTS: Hyperparameters = { ...ADAMW_8BIT_DEFAULTS, is_paged: true };

export class PagedAdamW8bitOptimizer extends AdamW8bitOptimizer {
  static override className = 'OptimizerAdvisor.PagedAdamW8bit';
  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    super(hyper, options, 'paged-adamw-8bit', PAGED_ADAMW_8BIT_DEFAULTS);
  }
}
tf.serialization.registerClass(PagedAdamW8bitOptimizer);

export const PAGED_ADAMW_8BIT: ProfilerOptimizerDefinition = {
  id: 'paged-adamw-8bit',
  reference: {
    title: 'bitsandbytes PagedAdamW8bit',
    url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/optim/adamw.py',
    locator: 'bitsandbytes/optim/adamw.py (PagedAdamW8bit)',
  },
  defaults: PAGED_ADAMW_8BIT_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new PagedAdamW8bitOptimizer(hyper, options),
};
