/** Scratch optimizer for checking the "An optimizer" recipe (reverted). */
import type { OptimizerSpec } from './types';
import { sgdStates } from './layout/sgd-momentum';
import { HE_RESNET, TORCH_SGD } from './sources';

export const scratchSgd: OptimizerSpec<'scratch-sgd'> = {
  id: 'scratch-sgd',
  name: 'Scratch SGD',
  summary: 'Scratch copy of SGD for the recipe check.',
  reference: TORCH_SGD,
  sources: [TORCH_SGD],
  defaults: { lr: 0.001, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false },
  lrRange: { low: 0.001, high: 0.1, source: HE_RESNET },
  caveats: [{ text: 'Scratch.', source: HE_RESNET }],
  spellings: [{ ecosystem: 'other', name: 'ScratchSGD' }],
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: false },
  stateFor: (tensor, ctx) => sgdStates(tensor, ctx),
};
