import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { bnbGlobalState, bnbStates, usesBnb } from './layout/bnb8bit';
import { stateTensor } from './layout/state-tensor';
import { BNB_OPTIMIZER, DEEPSPEED_ENGINE, GPT3_TABLE, HF_TRAINER, TIMM_FACTORY } from './sources';

const LION_PYTORCH = {
  title: 'lucidrains/lion-pytorch (lion_pytorch/lion_pytorch.py)',
  url: 'https://github.com/lucidrains/lion-pytorch/blob/6a74fdc0ba572ab5683dc0270c66c20ecbc02d09/lion_pytorch/lion_pytorch.py',
  locator: 'Lion.step: state["exp_avg"] = torch.zeros_like(p); decoupled "stepweight decay" p *= 1 - lr * wd',
};
const PAPER = {
  title: 'Chen et al., Symbolic Discovery of Optimization Algorithms (Lion), NeurIPS 2023',
  url: 'https://arxiv.org/abs/2302.06675',
  locator: 'Section 5 (hyperparameter tuning): lr 3-10x smaller and decoupled weight decay 3-10x larger than AdamW; default betas (0.9, 0.99)',
};
const HF_NOTE_8 = 'HF Trainer: bitsandbytes Lion(optim_bits=8) with betas=(adam_beta1, adam_beta2); nn.Embedding weights get 32-bit states';
const HF_NOTE_32 = 'HF Trainer: bitsandbytes Lion(optim_bits=32) with betas=(adam_beta1, adam_beta2): fp32 states';

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'other', name: 'Lion', note: 'lion_pytorch.Lion' },
  { ecosystem: 'other', name: 'decoupled_lionw', note: 'llm-foundry llmfoundry/optim/lion.py DecoupledLionW: exp_avg only; decay scaled by lr / initial lr' },
  { ecosystem: 'hf', name: 'lion_32bit', variant: { implementation: 'bnb', stateBits: 32 }, note: HF_NOTE_32 },
  { ecosystem: 'hf', name: 'lion_8bit', variant: { implementation: 'bnb', stateBits: 8, embedding32bitOverride: true }, note: HF_NOTE_8 },
  { ecosystem: 'hf', name: 'paged_lion_32bit', variant: { implementation: 'bnb', stateBits: 32, paged: true }, note: HF_NOTE_32 },
  { ecosystem: 'hf', name: 'paged_lion_8bit', variant: { implementation: 'bnb', stateBits: 8, paged: true, embedding32bitOverride: true }, note: HF_NOTE_8 },
  { ecosystem: 'bitsandbytes', name: 'Lion', variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'bitsandbytes', name: 'Lion32bit', variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'bitsandbytes', name: 'Lion8bit', variant: { implementation: 'bnb', stateBits: 8 } },
  { ecosystem: 'bitsandbytes', name: 'PagedLion', variant: { implementation: 'bnb', stateBits: 32, paged: true } },
  { ecosystem: 'bitsandbytes', name: 'PagedLion32bit', variant: { implementation: 'bnb', stateBits: 32, paged: true } },
  { ecosystem: 'bitsandbytes', name: 'PagedLion8bit', variant: { implementation: 'bnb', stateBits: 8, paged: true } },
  { ecosystem: 'timm', name: 'lion', note: 'timm.optim.Lion: exp_avg = zeros_like(p)' },
  { ecosystem: 'timm', name: 'bnblion', variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'timm', name: 'bnblion8bit', variant: { implementation: 'bnb', stateBits: 8 } },
  { ecosystem: 'deepspeed', name: 'Lion', variant: { implementation: 'fused' }, note: 'deepspeed.ops.lion.FusedLion: exp_avg like lion-pytorch' },
  { ecosystem: 'optax', name: 'lion', note: 'optax keeps mu in the parameter dtype (same size)' },
  { ecosystem: 'keras', name: 'Lion', note: 'Keras keeps momentums in the variable dtype (same size)' },
];

export const lion: OptimizerSpec<'lion'> = {
  id: 'lion',
  name: 'Lion',
  summary: 'Sign of an interpolation of momentum and gradient as the update; one momentum state.',
  reference: LION_PYTORCH,
  sources: [LION_PYTORCH, PAPER, BNB_OPTIMIZER, HF_TRAINER, TIMM_FACTORY, DEEPSPEED_ENGINE],
  defaults: { lr: 0.0001, betas: [0.9, 0.99], weight_decay: 0.0, use_triton: false, decoupled_weight_decay: false },
  lrRange: {
    low: 6e-6,
    high: 2e-4,
    source: { ...PAPER, locator: `${PAPER.locator}; applied to the AdamW range of GPT-3 Table 2.1 (${GPT3_TABLE.url}): 6e-5/10 to 6e-4/3` },
  },
  caveats: [
    { text: 'Use a learning rate 3-10x smaller and a weight decay 3-10x larger than for AdamW (the update is a sign, so its norm is larger).', source: PAPER },
    { text: 'HF lion_* strings pass adam_beta1/adam_beta2 (default 0.9, 0.999) as betas, not Lion\'s (0.9, 0.99).', source: HF_TRAINER },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: (tensor, ctx) => (usesBnb(ctx) ? bnbStates(tensor, ctx, 1) : [stateTensor('exp_avg', tensor.shape, ctx.paramDtype)]),
  globalState: (tensors, ctx) => bnbGlobalState(tensors, ctx, 1),
};
