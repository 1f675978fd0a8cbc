import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { torchDeviceStep } from './layout/adam-moments';
import { bnbGlobalState, bnbStates, usesBnb } from './layout/bnb8bit';
import { stateTensor } from './layout/state-tensor';
import { DEEPSPEED_ENGINE, HF_TRAINER, TIMM_FACTORY } from './sources';

const TORCH_ADAGRAD = {
  title: 'PyTorch torch.optim.Adagrad',
  url: 'https://github.com/pytorch/pytorch/blob/7be7d891630a753dcca7f2617dafe2798563576e/torch/optim/adagrad.py',
  locator: 'Adagrad.__init__: state["sum"] = full_like(p, initial_accumulator_value); state["step"] on the CPU unless fused',
};
const DUCHI = { title: 'Duchi, Hazan & Singer, Adaptive Subgradient Methods for Online Learning and Stochastic Optimization (JMLR 2011)', url: 'https://jmlr.org/papers/v12/duchi11a.html' };
const BNB_ADAGRAD = {
  title: 'bitsandbytes Adagrad / Adagrad8bit / Adagrad32bit',
  url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/optim/adagrad.py',
  locator: 'Optimizer1State; initial_accumulator_value and lr_decay must be 0',
};

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'pytorch', name: 'Adagrad' },
  { ecosystem: 'hf', name: 'adagrad', note: 'torch.optim.Adagrad' },
  { ecosystem: 'timm', name: 'adagrad', note: 'torch.optim.Adagrad with eps=1e-8' },
  { ecosystem: 'deepspeed', name: 'Adagrad', note: 'torch.optim.Adagrad (DeepSpeedCPUAdagrad with ZeRO CPU offload)' },
  { ecosystem: 'optax', name: 'adagrad', note: 'optax keeps sum_of_squares in the parameter dtype (same size)' },
  { ecosystem: 'keras', name: 'Adagrad', note: 'Keras keeps accumulators in the variable dtype (same size)' },
  { ecosystem: 'bitsandbytes', name: 'Adagrad', variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'bitsandbytes', name: 'Adagrad32bit', variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'bitsandbytes', name: 'Adagrad8bit', variant: { implementation: 'bnb', stateBits: 8 } },
];

export const adagrad: OptimizerSpec<'adagrad'> = {
  id: 'adagrad',
  name: 'Adagrad',
  summary: 'Per-element learning rates from the accumulated sum of squared gradients.',
  reference: TORCH_ADAGRAD,
  sources: [TORCH_ADAGRAD, DUCHI, BNB_ADAGRAD, HF_TRAINER, TIMM_FACTORY, DEEPSPEED_ENGINE],
  defaults: { lr: 0.01, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10, foreach: null, maximize: false, differentiable: false },
  lrRange: {
    low: 0.001,
    high: 0.01,
    source: { ...TORCH_ADAGRAD, locator: 'torch default lr=1e-2; Keras Adagrad defaults to learning_rate=0.001 (https://keras.io/api/optimizers/adagrad/)' },
  },
  caveats: [
    { text: 'The accumulator only grows, so the effective learning rate decays monotonically; long runs stall without restarts.', source: DUCHI },
    { text: 'torch allocates the state eagerly in the constructor, not at the first step.', source: TORCH_ADAGRAD },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: false },
  stateFor: (tensor, ctx) =>
    usesBnb(ctx) ? bnbStates(tensor, ctx, 1) : [stateTensor('sum', tensor.shape, ctx.paramDtype), ...torchDeviceStep(ctx, ['fused'])],
  globalState: (tensors, ctx) => bnbGlobalState(tensors, ctx, 1),
};
