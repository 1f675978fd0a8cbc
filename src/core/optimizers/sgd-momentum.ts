import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { sgdStates } from './layout/sgd-momentum';
import { bnbGlobalState } from './layout/bnb8bit';
import { BNB_OPTIMIZER, HE_RESNET, TIMM_FACTORY, TORCH_SGD } from './sources';

const BNB_SGD_NOTE = 'bitsandbytes SGD requires momentum > 0 and ignores nesterov (classic momentum kernel)';

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'timm', name: 'momentum', implies: { momentum: 0.9, nesterov: false }, note: 'torch.optim.SGD, nesterov=False, timm default momentum 0.9' },
  { ecosystem: 'bitsandbytes', name: 'SGD', variant: { implementation: 'bnb', stateBits: 32 }, note: BNB_SGD_NOTE },
  { ecosystem: 'bitsandbytes', name: 'SGD32bit', variant: { implementation: 'bnb', stateBits: 32 }, note: BNB_SGD_NOTE },
  { ecosystem: 'bitsandbytes', name: 'SGD8bit', variant: { implementation: 'bnb', stateBits: 8 }, note: BNB_SGD_NOTE },
  { ecosystem: 'timm', name: 'bnbsgd', variant: { implementation: 'bnb', stateBits: 32 }, implies: { momentum: 0.9 }, note: `bitsandbytes.optim.SGD; ${BNB_SGD_NOTE}` },
  { ecosystem: 'timm', name: 'bnbsgd8bit', variant: { implementation: 'bnb', stateBits: 8 }, implies: { momentum: 0.9 }, note: `bitsandbytes.optim.SGD8bit; ${BNB_SGD_NOTE}` },
];

export const sgdMomentum: OptimizerSpec<'sgd-momentum'> = {
  id: 'sgd-momentum',
  name: 'SGD with momentum',
  summary: 'Heavy-ball momentum: buf = momentum * buf + (1 - dampening) * grad; p -= lr * buf.',
  reference: TORCH_SGD,
  sources: [TORCH_SGD, HE_RESNET, BNB_OPTIMIZER, TIMM_FACTORY],
  defaults: { lr: 0.001, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, fused: null },
  lrRange: { low: 0.001, high: 0.1, source: HE_RESNET },
  caveats: [
    { text: 'torch.optim.SGD defaults to momentum=0; this id needs momentum > 0, so its defaults are the torch defaults with momentum=0.9 (the value He et al. use).', source: HE_RESNET },
    { text: 'Weight decay is L2 added to the gradient, not decoupled.', source: TORCH_SGD },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: false },
  stateFor: (tensor, ctx) => sgdStates(tensor, ctx),
  globalState: (tensors, ctx) => bnbGlobalState(tensors, ctx, 1),
};
