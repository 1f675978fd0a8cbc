import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { effectiveHyper, hyperBoolean } from './layout/hyper';
import { SCALAR, stateTensor } from './layout/state-tensor';
import { TIMM_FACTORY } from './sources';

const NEMO = {
  title: 'NVIDIA NeMo Novograd (nemo/core/optim/novograd.py)',
  url: 'https://github.com/NVIDIA/NeMo/blob/8cfedd7203462cb251a914e700e5605444277561/nemo/core/optim/novograd.py',
  locator: 'Novograd.step: exp_avg = zeros_like(p); exp_avg_sq = torch.zeros([]) (one fp32 scalar per tensor); max_exp_avg_sq scalar when amsgrad',
};
const PAPER = { title: 'Ginsburg et al., Stochastic Gradient Methods with Layer-wise Adaptive Moments for Training of Deep Networks (NovoGrad), 2019', url: 'https://arxiv.org/abs/1905.11286' };
const NEMO_DOCS = {
  title: 'NVIDIA NeMo ASR configuration files (optim section)',
  url: 'https://docs.nvidia.com/nemo-framework/user-guide/latest/nemotoolkit/asr/configs.html',
  locator: 'optim: name novograd, lr 0.01, betas [0.8, 0.5], weight_decay 0.001',
};

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'other', name: 'Novograd', note: 'nemo.core.optim.Novograd' },
  { ecosystem: 'timm', name: 'novograd', note: 'timm NvNovoGrad: same tensors (exp_avg + scalar exp_avg_sq)' },
  { ecosystem: 'timm', name: 'NvNovoGrad', note: 'timm.optim.NvNovoGrad class' },
  { ecosystem: 'optax', name: 'novograd', note: 'optax keeps mu full-size and nu per tensor (same sizes)' },
];

export const novograd: OptimizerSpec<'novograd'> = {
  id: 'novograd',
  name: 'NovoGrad',
  summary: 'Layer-wise second moment: one running average of the squared gradient norm per tensor, full first moment of the normalised gradient.',
  reference: NEMO,
  sources: [NEMO, PAPER, TIMM_FACTORY, NEMO_DOCS],
  defaults: { lr: 0.001, betas: [0.95, 0.98], eps: 1e-8, weight_decay: 0, grad_averaging: false, amsgrad: false, luc: false, luc_trust: 0.001, luc_eps: 1e-8 },
  lrRange: { low: 0.01, high: 0.01, source: NEMO_DOCS },
  caveats: [
    { text: 'Memory is one full moment plus one scalar per tensor: about half of Adam\'s state.', source: NEMO },
    { text: 'Weight decay is added to the normalised gradient before the momentum update (not AdamW-style).', source: NEMO },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: false },
  stateFor: (tensor, ctx) => {
    const states = [stateTensor('exp_avg', tensor.shape, ctx.paramDtype), stateTensor('exp_avg_sq', SCALAR, 'fp32')];
    if (hyperBoolean(effectiveHyper(ctx), 'amsgrad', false)) states.push(stateTensor('max_exp_avg_sq', SCALAR, 'fp32'));
    return states;
  },
};
