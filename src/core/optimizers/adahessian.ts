import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { twoMoments } from './layout/adam-moments';
import { TIMM_FACTORY } from './sources';

const ADAHESSIAN = {
  title: 'amirgholami/adahessian (instruction/adahessian.py)',
  url: 'https://github.com/amirgholami/adahessian/blob/85ebc00ce873c8497a64ca80bbfa5d996109efea/instruction/adahessian.py',
  locator: 'Adahessian.step: exp_avg and exp_hessian_diag_sq = zeros_like(p.data); get_trace raises unless backward ran with create_graph=True',
};
const PAPER = { title: 'Yao et al., ADAHESSIAN: An Adaptive Second Order Optimizer for Machine Learning (AAAI 2021)', url: 'https://arxiv.org/abs/2006.00719' };
const CONFIGS = {
  title: 'amirgholami/adahessian experiment configs',
  url: 'https://github.com/amirgholami/adahessian/tree/85ebc00ce873c8497a64ca80bbfa5d996109efea/image_classification/config',
  locator: 'image_classification/config/resnet20_cifar10/adahessian.sh: --lr 0.15; transformer/config/adahessian.sh: lr=0.047 (IWSLT14)',
};

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'other', name: 'Adahessian', note: 'adahessian reference class' },
  { ecosystem: 'timm', name: 'adahessian', note: 'timm.optim.Adahessian: exp_avg + exp_hessian_diag_sq' },
];

export const adahessian: OptimizerSpec<'adahessian'> = {
  id: 'adahessian',
  name: 'AdaHessian',
  summary: 'Adam-like update whose second moment is a running average of the squared Hutchinson estimate of the Hessian diagonal (spatially averaged).',
  reference: ADAHESSIAN,
  sources: [ADAHESSIAN, PAPER, TIMM_FACTORY, CONFIGS],
  defaults: { lr: 0.15, betas: [0.9, 0.999], eps: 1e-4, weight_decay: 0, hessian_power: 1, spatial_average_block_size: [-1, -1, -1, -1], single_gpu: true },
  lrRange: { low: 0.047, high: 0.15, source: CONFIGS },
  caveats: [
    { text: 'Needs loss.backward(create_graph=True): the autograd graph of the gradient is kept for the Hessian-vector product, roughly doubling activation memory and backward cost.', source: ADAHESSIAN },
    { text: 'Each step draws a Rademacher vector and computes one Hessian-vector product per parameter (Hutchinson estimator).', source: PAPER },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  needsHessian: true,
  stateFor: (tensor, ctx) => twoMoments(tensor.shape, ctx.paramDtype, { first: 'exp_avg', second: 'exp_hessian_diag_sq' }),
};
