import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { adamFamilyStates } from './layout/adam-moments';
import { bnbGlobalState } from './layout/bnb8bit';
import { effectiveHyper, hyperBoolean } from './layout/hyper';
import { BERT_PAPER, BNB_OPTIMIZER, LOSHCHILOV_ADAMW, TIMM_FACTORY, TORCH_ADAM } from './sources';

const L2 = { adam_w_mode: false };
const TIMM_BNB8_NOTE = 'timm registers "bnbadam8bit" with bitsandbytes.optim.Adam and no optim_bits, so the states are 32-bit';

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'pytorch', name: 'Adam', fixed: L2 },
  { ecosystem: 'torchtune', name: 'torch.optim.Adam', fixed: L2 },
  { ecosystem: 'keras', name: 'Adam', fixed: L2, note: 'Keras keeps momentums/velocities in the variable dtype (same sizes as torch) and one iterations counter per optimizer' },
  { ecosystem: 'optax', name: 'adam', fixed: L2, note: 'optax keeps mu/nu in the parameter dtype (same sizes as torch) and one int32 count per optimizer' },
  { ecosystem: 'timm', name: 'adam', fixed: L2 },
  { ecosystem: 'timm', name: 'fusedadam', fixed: L2, variant: { implementation: 'fused' }, note: 'apex.optimizers.FusedAdam with adam_w_mode=False' },
  { ecosystem: 'timm', name: 'bnbadam', fixed: L2, variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'timm', name: 'bnbadam8bit', fixed: L2, variant: { implementation: 'bnb', stateBits: 32 }, note: TIMM_BNB8_NOTE },
  { ecosystem: 'bitsandbytes', name: 'Adam', fixed: L2, variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'bitsandbytes', name: 'Adam32bit', fixed: L2, variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'bitsandbytes', name: 'Adam8bit', fixed: L2, variant: { implementation: 'bnb', stateBits: 8 } },
  { ecosystem: 'bitsandbytes', name: 'PagedAdam', fixed: L2, variant: { implementation: 'bnb', stateBits: 32, paged: true } },
  { ecosystem: 'bitsandbytes', name: 'PagedAdam32bit', fixed: L2, variant: { implementation: 'bnb', stateBits: 32, paged: true } },
  { ecosystem: 'bitsandbytes', name: 'PagedAdam8bit', fixed: L2, variant: { implementation: 'bnb', stateBits: 8, paged: true } },
];

export const adam: OptimizerSpec<'adam'> = {
  id: 'adam',
  name: 'Adam',
  summary: 'Adam: bias-corrected first and second moment estimates; weight decay is L2 added to the gradient.',
  reference: TORCH_ADAM,
  sources: [
    TORCH_ADAM,
    { title: 'Kingma & Ba, Adam: A Method for Stochastic Optimization (ICLR 2015)', url: 'https://arxiv.org/abs/1412.6980' },
    BNB_OPTIMIZER,
    TIMM_FACTORY,
  ],
  defaults: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, foreach: null, maximize: false, capturable: false, differentiable: false, fused: null },
  lrRange: { low: 2e-5, high: 1e-4, source: BERT_PAPER },
  caveats: [
    { text: 'weight_decay in Adam is an L2 term added to the gradient, which the adaptive denominator rescales; use AdamW for decoupled weight decay.', source: LOSHCHILOV_ADAMW },
    { text: 'With fused=True or capturable=True torch keeps one fp32 step scalar per tensor on the device; otherwise step lives on the CPU.', source: TORCH_ADAM },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: false },
  stateFor: (tensor, ctx) => adamFamilyStates(tensor, ctx, hyperBoolean(effectiveHyper(ctx), 'amsgrad', false)),
  globalState: (tensors, ctx) => bnbGlobalState(tensors, ctx, 2),
};
