import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { sgdStates } from './layout/sgd-momentum';
import { bnbGlobalState } from './layout/bnb8bit';
import { HE_RESNET, TORCH_SGD } from './sources';

/** Plain SGD: momentum 0, so no state at all. A spelling with momentum > 0 resolves to sgd-momentum. */
const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'pytorch', name: 'SGD', implies: { momentum: 0, nesterov: false } },
  { ecosystem: 'torchtune', name: 'torch.optim.SGD', implies: { momentum: 0, nesterov: false } },
  { ecosystem: 'hf', name: 'sgd', note: 'HF passes only lr to torch.optim.SGD, so momentum stays 0' },
  { ecosystem: 'keras', name: 'SGD', implies: { momentum: 0, nesterov: false } },
  { ecosystem: 'optax', name: 'sgd', implies: { momentum: 0, nesterov: false }, note: 'optax.sgd momentum=None keeps no trace; counted with the torch layout' },
  { ecosystem: 'other', name: 'FusedSGD', implies: { momentum: 0, nesterov: false }, variant: { implementation: 'fused' }, note: 'apex.optimizers.FusedSGD' },
];

export const sgd: OptimizerSpec<'sgd'> = {
  id: 'sgd',
  name: 'SGD',
  summary: 'Stochastic gradient descent: p -= lr * (grad + weight_decay * p); no optimizer state.',
  reference: TORCH_SGD,
  sources: [TORCH_SGD, HE_RESNET],
  defaults: { lr: 0.001, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, fused: null },
  lrRange: {
    low: 0.001,
    high: 0.1,
    source: { ...HE_RESNET, locator: `${HE_RESNET.locator ?? ''} (the schedule was run with momentum 0.9; plain SGD has no published range of its own)` },
  },
  caveats: [
    { text: 'Without momentum SGD needs a tuned learning-rate schedule; most vision recipes use momentum 0.9 (see sgd-momentum).', source: HE_RESNET },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: false },
  stateFor: (tensor, ctx) => sgdStates(tensor, ctx),
  globalState: (tensors, ctx) => bnbGlobalState(tensors, ctx, 1),
};
