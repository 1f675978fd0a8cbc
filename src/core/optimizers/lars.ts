/**
 * LARS (You, Gitman, Ginsburg 2017, "Large Batch Training of Convolutional Networks", Algorithm 1): SGD
 * with momentum whose step per layer is scaled by the trust ratio eta*||w|| / (||g|| + wd*||w||), eta
 * (the trust coefficient) 0.001. As timm's Lars: the ratio (and the L2 weight decay) apply only where
 * the group's weight_decay is non-zero (or always_adapt), so the biases and normalisation weights that
 * timm's factory puts in the no-decay group (filter_bias_and_bn, parameters with ndim <= 1) take a plain
 * SGD step, the exclusion SimCLR and MoCo v3 use. State: one momentum_buffer = clone(first update) per
 * tensor when momentum != 0 (parameter dtype), nothing otherwise.
 */
import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { sgdStates } from './layout/sgd-momentum';
import { HF_TRAINING_ARGS, TIMM_FACTORY } from './sources';

const TIMM_LARS = {
  title: 'timm Lars (timm/optim/lars.py)',
  url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/lars.py',
  locator: 'Lars.__init__ defaults lr 1.0, momentum 0, dampening 0, weight_decay 0, nesterov False, trust_coeff 0.001, eps 1e-8, trust_clip False, always_adapt False; step(): momentum_buffer = clone(grad) when momentum != 0',
};
const PAPER = {
  title: 'You, Gitman, Ginsburg, Large Batch Training of Convolutional Networks (2017)',
  url: 'https://arxiv.org/abs/1708.03888',
  locator: 'Algorithm 1 (SGD with LARS): local lr = eta * ||w|| / (||grad|| + beta * ||w||), eta = 0.001',
};
const SIMCLR = {
  title: 'Chen et al., A Simple Framework for Contrastive Learning of Visual Representations (SimCLR, ICML 2020)',
  url: 'https://arxiv.org/abs/2002.05709',
  locator: 'Section 2.2, default setting: LARS with learning rate 4.8 (= 0.3 x BatchSize/256) at batch 4096, weight decay 1e-6',
};
const MOCO_V3 = {
  title: 'facebookresearch/moco-v3 LARS (moco/optimizer.py)',
  url: 'https://github.com/facebookresearch/moco-v3/blob/c349e6e24f40d3fedb22d973f92defa4cedf37a7/moco/optimizer.py',
  locator: 'LARS: "no rate scaling or weight decay for parameters <= 1D"; state mu = zeros_like(p)',
};
const TIMM_V09 = {
  title: 'timm 0.9.0 documentation: Optimization',
  url: 'https://huggingface.co/docs/timm/v0.9.0/reference/optimizers',
  locator: 'create_optimizer_v2(..., momentum=0.9, filter_bias_and_bn=True): "filter out bias, bn and other 1d params from weight decay"; timm.optim.lars.Lars',
};
const OPTAX = { title: 'optax optimizers (optax.lars)', url: 'https://optax.readthedocs.io/en/latest/api/optimizers.html', locator: 'lars(learning_rate, weight_decay=0, trust_coefficient=0.001, eps=0, momentum=0.9, nesterov=False)' };

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'timm', name: 'lars', note: 'timm.optim.Lars (in the timm 0.9.0 optimizer reference); create_optimizer_v2 passes momentum (default 0.9) and filter_bias_and_bn=True' },
  { ecosystem: 'timm', name: 'nlars', note: 'Lars(nesterov=True) (same state)' },
  { ecosystem: 'timm', name: 'larc', note: 'Lars(trust_clip=True): LARC clipping (same state)' },
  { ecosystem: 'timm', name: 'nlarc', note: 'Lars(trust_clip=True, nesterov=True) (same state)' },
  { ecosystem: 'optax', name: 'lars', note: 'optax keeps the trace in the parameter dtype (same size)' },
  { ecosystem: 'other', name: 'LARS', note: 'SimCLR / MoCo v3 / MAE LARS classes: one momentum buffer like zeros_like(p)' },
];

export const lars: OptimizerSpec<'lars'> = {
  id: 'lars',
  name: 'LARS',
  summary: 'SGD with momentum whose per-tensor step is scaled by the trust ratio trust_coeff * ||w|| / (||g|| + weight_decay * ||w||) (layer-wise adaptation for large batches).',
  reference: TIMM_LARS,
  sources: [TIMM_LARS, PAPER, SIMCLR, MOCO_V3, TIMM_V09, OPTAX, TIMM_FACTORY],
  defaults: { lr: 1.0, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, trust_coeff: 0.001, eps: 1e-8, trust_clip: false, always_adapt: false },
  lrRange: { low: 0.3, high: 4.8, source: { ...SIMCLR, locator: `${SIMCLR.locator}: 0.3 at batch 256 to 4.8 at batch 4096` } },
  caveats: [
    { text: 'LARS targets very large image batches (8k-32k); it performs poorly for attention models such as BERT, which LAMB was built for.', source: PAPER },
    { text: 'The trust ratio applies only where weight_decay != 0 (or always_adapt=True): put biases and normalisation weights in a no-decay group (timm filter_bias_and_bn) so they are excluded, as SimCLR and MoCo v3 do.', source: MOCO_V3 },
    { text: 'timm\'s class defaults momentum to 0 (then no state); its factory (create_optimizer_v2) passes momentum 0.9, the default here.', source: TIMM_V09 },
    { text: 'No HF TrainingArguments optim= string selects LARS (OptimizerNames has none): build it (timm create_optimizer_v2) and pass it to the Trainer.', source: HF_TRAINING_ARGS },
    { text: 'The learning rate is global and scaled linearly with the batch (0.3 x batch/256 in SimCLR); the trust ratio sets each layer\'s step.', source: SIMCLR },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: false },
  stateFor: (tensor, ctx) => sgdStates(tensor, ctx),
};
