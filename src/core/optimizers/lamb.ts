import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { twoMoments } from './layout/adam-moments';
import { bnbGlobalState, bnbStates, usesBnb } from './layout/bnb8bit';
import { BNB_OPTIMIZER, DEEPSPEED_ENGINE, TIMM_FACTORY } from './sources';

const TIMM_LAMB = {
  title: 'timm Lamb (timm/optim/lamb.py)',
  url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/lamb.py',
  locator: 'Lamb.step: exp_avg/exp_avg_sq = zeros_like(p); step kept per group on the CPU',
};
const PAPER = { title: 'You et al., Large Batch Optimization for Deep Learning: Training BERT in 76 minutes (ICLR 2020)', url: 'https://arxiv.org/abs/1904.00962' };
const NVIDIA_BERT = {
  title: 'NVIDIA DeepLearningExamples BERT pre-training with LAMB',
  url: 'https://github.com/NVIDIA/DeepLearningExamples/blob/729963dd47e7c8bd462ad10bfac7a7b0b604e6dd/PyTorch/LanguageModeling/BERT/scripts/run_pretraining.sh',
  locator: 'learning_rate 6e-3 (phase 1, batch 64k) and learning_rate_phase2 4e-3 (phase 2, batch 32k)',
};
const BNB_LAMB = {
  title: 'bitsandbytes LAMB / LAMB8bit / LAMB32bit',
  url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/optim/lamb.py',
  locator: 'Optimizer2State with max_unorm=1.0 (adds unorm_vec fp32 [1] per tensor)',
};

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'timm', name: 'lamb' },
  { ecosystem: 'timm', name: 'lambc', note: 'trust_clip=True (same state)' },
  { ecosystem: 'timm', name: 'lambw', variant: { decoupledWeightDecay: true }, note: 'decoupled_decay=True (same state)' },
  { ecosystem: 'timm', name: 'fusedlamb', variant: { implementation: 'fused' }, note: 'apex.optimizers.FusedLAMB: exp_avg/exp_avg_sq like torch' },
  { ecosystem: 'deepspeed', name: 'Lamb', variant: { implementation: 'fused' }, note: 'deepspeed.ops.lamb.FusedLamb: exp_avg/exp_avg_sq' },
  { ecosystem: 'other', name: 'FusedLAMB', variant: { implementation: 'fused' }, note: 'apex.optimizers.FusedLAMB' },
  { ecosystem: 'optax', name: 'lamb', note: 'optax keeps mu/nu in the parameter dtype (same sizes)' },
  { ecosystem: 'keras', name: 'Lamb', note: 'Keras keeps momentums/velocities in the variable dtype (same sizes)' },
  { ecosystem: 'bitsandbytes', name: 'LAMB', variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'bitsandbytes', name: 'LAMB32bit', variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'bitsandbytes', name: 'LAMB8bit', variant: { implementation: 'bnb', stateBits: 8 } },
];

export const lamb: OptimizerSpec<'lamb'> = {
  id: 'lamb',
  name: 'LAMB',
  summary: 'Adam-style update rescaled per tensor by the trust ratio ||w|| / ||update|| (layer-wise adaptation for large batches).',
  reference: TIMM_LAMB,
  sources: [TIMM_LAMB, PAPER, BNB_LAMB, BNB_OPTIMIZER, DEEPSPEED_ENGINE, TIMM_FACTORY, NVIDIA_BERT],
  defaults: { lr: 0.001, bias_correction: true, betas: [0.9, 0.999], eps: 1e-6, weight_decay: 0.01, grad_averaging: true, max_grad_norm: 1.0, trust_clip: false, always_adapt: false, caution: false, decoupled_decay: false },
  lrRange: { low: 0.004, high: 0.006, source: NVIDIA_BERT },
  caveats: [
    { text: 'LAMB targets very large batches (BERT at 32k-64k); at ordinary batch sizes it behaves like Adam with extra per-tensor norm computations.', source: PAPER },
    { text: 'timm Lamb clips the global gradient norm to max_grad_norm=1.0 by default; do not clip twice.', source: TIMM_LAMB },
    { text: 'Parameters without weight decay skip the trust ratio unless always_adapt=True.', source: TIMM_LAMB },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: false },
  stateFor: (tensor, ctx) => (usesBnb(ctx) ? bnbStates(tensor, ctx, 2, { maxUnormDefault: 1.0 }) : twoMoments(tensor.shape, ctx.paramDtype)),
  globalState: (tensors, ctx) => bnbGlobalState(tensors, ctx, 2),
};
