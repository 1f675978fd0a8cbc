import { InputError } from '../types';
import type { OptimizerSpec, StateTensor } from './types';
import type { CatalogSpelling } from './catalog-types';
import { torchDeviceStep } from './layout/adam-moments';
import { bnbGlobalState, bnbStates, usesBnb } from './layout/bnb8bit';
import { effectiveHyper, hyperBoolean, hyperNumber } from './layout/hyper';
import { stateTensor } from './layout/state-tensor';
import { HF_TRAINER, TIMM_FACTORY } from './sources';

const TORCH_RMSPROP = {
  title: 'PyTorch torch.optim.RMSprop',
  // Not pinned to a commit: the one stored version of rmsprop.py reachable here is the 2016 file without
  // _init_group, so the locator cannot be checked (test/unit/citations-pinned.test.ts, EXEMPT).
  url: 'https://github.com/pytorch/pytorch/blob/main/torch/optim/rmsprop.py',
  locator: 'RMSprop._init_group: square_avg = zeros_like(p); momentum_buffer if momentum > 0; grad_avg if centered; step on the CPU unless capturable',
};
const BNB_RMSPROP = {
  title: 'bitsandbytes RMSprop / RMSprop8bit / RMSprop32bit',
  url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/optim/rmsprop.py',
  locator: 'Optimizer1State (one state); centered=True raises NotImplementedError',
};
const INCEPTION = {
  title: 'Szegedy et al., Rethinking the Inception Architecture for Computer Vision, 2016',
  url: 'https://arxiv.org/abs/1512.00567',
  locator: 'Section 8: RMSProp with decay 0.9, eps 1.0, learning rate 0.045; Keras/TF RMSprop defaults to learning_rate=0.001',
};
const HINTON = { title: 'Tieleman & Hinton, Lecture 6e: rmsprop, Neural Networks for Machine Learning (Coursera), 2012', url: 'https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf' };

const HF_8 = 'HF Trainer: bitsandbytes RMSprop(optim_bits=8); nn.Embedding weights get 32-bit states';

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'pytorch', name: 'RMSprop' },
  { ecosystem: 'hf', name: 'rmsprop', note: 'torch.optim.RMSprop' },
  { ecosystem: 'hf', name: 'rmsprop_bnb', variant: { implementation: 'bnb', stateBits: 32 }, note: 'bitsandbytes RMSprop(optim_bits=32)' },
  { ecosystem: 'hf', name: 'rmsprop_bnb_32bit', variant: { implementation: 'bnb', stateBits: 32 }, note: 'bitsandbytes RMSprop(optim_bits=32)' },
  { ecosystem: 'hf', name: 'rmsprop_bnb_8bit', variant: { implementation: 'bnb', stateBits: 8, embedding32bitOverride: true }, note: HF_8 },
  { ecosystem: 'timm', name: 'rmsprop', implies: { alpha: 0.9, momentum: 0.9 }, note: 'torch.optim.RMSprop with timm defaults alpha=0.9, momentum=0.9 (momentum_buffer allocated)' },
  { ecosystem: 'optax', name: 'rmsprop', note: 'optax keeps nu (+ mu if centered, + trace if momentum) in the parameter dtype (same sizes)' },
  { ecosystem: 'keras', name: 'RMSprop', note: 'Keras keeps velocities (+ momentums, + average_gradients if centered) in the variable dtype (same sizes)' },
  { ecosystem: 'bitsandbytes', name: 'RMSprop', variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'bitsandbytes', name: 'RMSprop32bit', variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'bitsandbytes', name: 'RMSprop8bit', variant: { implementation: 'bnb', stateBits: 8 } },
];

export const rmsprop: OptimizerSpec<'rmsprop'> = {
  id: 'rmsprop',
  name: 'RMSprop',
  summary: 'Gradient divided by the root of a running average of its square; optional momentum and centring.',
  reference: TORCH_RMSPROP,
  sources: [TORCH_RMSPROP, HINTON, BNB_RMSPROP, HF_TRAINER, TIMM_FACTORY, INCEPTION],
  defaults: { lr: 0.01, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false, capturable: false, foreach: null, maximize: false, differentiable: false },
  lrRange: { low: 0.001, high: 0.045, source: INCEPTION },
  caveats: [
    { text: 'torch adds eps outside the square root (TensorFlow adds it inside), so eps values do not transfer between frameworks.', source: TORCH_RMSPROP },
    { text: 'momentum > 0 adds a full momentum_buffer and centered=True a full grad_avg; bitsandbytes RMSprop keeps one state and rejects centered=True.', source: BNB_RMSPROP },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: false },
  stateFor: (tensor, ctx) => {
    const h = effectiveHyper(ctx);
    if (usesBnb(ctx)) {
      if (hyperBoolean(h, 'centered', false)) throw new InputError('bitsandbytes RMSprop does not support centered=True');
      return bnbStates(tensor, ctx, 1);
    }
    const states: StateTensor[] = [stateTensor('square_avg', tensor.shape, ctx.paramDtype)];
    if (hyperNumber(h, 'momentum', 0) > 0) states.push(stateTensor('momentum_buffer', tensor.shape, ctx.paramDtype));
    if (hyperBoolean(h, 'centered', false)) states.push(stateTensor('grad_avg', tensor.shape, ctx.paramDtype));
    states.push(...torchDeviceStep(ctx, ['capturable']));
    return states;
  },
  globalState: (tensors, ctx) => bnbGlobalState(tensors, ctx, 1),
};
