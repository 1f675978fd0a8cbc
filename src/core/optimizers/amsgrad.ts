import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { adamFamilyStates } from './layout/adam-moments';
import { BERT_PAPER, TORCH_ADAM } from './sources';

const REDDI: { title: string; url: string } = {
  title: 'Reddi, Kale & Kumar, On the Convergence of Adam and Beyond (ICLR 2018)',
  url: 'https://openreview.net/forum?id=ryQu7f-RZ',
};

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'optax', name: 'amsgrad', fixed: { adam_w_mode: false }, note: 'optax keeps mu/nu/nu_max in the parameter dtype (same sizes as torch)' },
];

export const amsgrad: OptimizerSpec<'amsgrad'> = {
  id: 'amsgrad',
  name: 'AMSGrad',
  summary: 'Adam that normalises by the running maximum of the second moment (max_exp_avg_sq).',
  reference: { ...TORCH_ADAM, locator: 'Adam(amsgrad=True) / AdamW(amsgrad=True): exp_avg, exp_avg_sq and max_exp_avg_sq = zeros_like(p)' },
  sources: [TORCH_ADAM, REDDI],
  defaults: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: true, foreach: null, maximize: false, capturable: false, differentiable: false, fused: null },
  lrRange: { low: 2e-5, high: 1e-4, source: { ...BERT_PAPER, locator: `${BERT_PAPER.locator ?? ''}; AMSGrad only changes Adam's denominator, so Adam's ranges carry over` } },
  caveats: [
    { text: 'Keeps a third full-size state (max_exp_avg_sq): 1.5x the state memory of Adam.', source: TORCH_ADAM },
    { text: 'torch.optim.Adam/AdamW with amsgrad=True resolve to this id; bitsandbytes 8-bit Adam does not support amsgrad.', source: TORCH_ADAM },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: false },
  stateFor: (tensor, ctx) => adamFamilyStates(tensor, ctx, true),
};
