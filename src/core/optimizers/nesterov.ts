import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { sgdStates } from './layout/sgd-momentum';
import { HE_RESNET, TIMM_FACTORY, TORCH_SGD } from './sources';

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'timm', name: 'sgd', implies: { momentum: 0.9, nesterov: true }, note: 'timm "sgd" is torch.optim.SGD with nesterov=True and momentum 0.9' },
  { ecosystem: 'timm', name: 'nesterov', implies: { momentum: 0.9, nesterov: true }, note: 'alias of timm "sgd"' },
  { ecosystem: 'timm', name: 'fusedsgd', implies: { momentum: 0.9, nesterov: true }, variant: { implementation: 'fused' }, note: 'apex.optimizers.FusedSGD with nesterov=True' },
];

export const nesterov: OptimizerSpec<'nesterov'> = {
  id: 'nesterov',
  name: 'SGD with Nesterov momentum',
  summary: 'Nesterov momentum: buf = momentum * buf + grad; p -= lr * (grad + momentum * buf).',
  reference: TORCH_SGD,
  sources: [TORCH_SGD, HE_RESNET, TIMM_FACTORY],
  defaults: { lr: 0.001, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: true, maximize: false, foreach: null, differentiable: false, fused: null },
  lrRange: { low: 0.001, high: 0.1, source: { ...HE_RESNET, locator: `${HE_RESNET.locator ?? ''} (classic momentum; Nesterov uses the same range in practice)` } },
  caveats: [
    { text: 'torch.optim.SGD raises "Nesterov momentum requires a momentum and zero dampening" unless momentum > 0 and dampening == 0.', source: TORCH_SGD },
    { text: 'timm\'s "sgd" opt string already means Nesterov SGD with momentum 0.9.', source: TIMM_FACTORY },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: false },
  stateFor: (tensor, ctx) => sgdStates(tensor, ctx),
};
