import type { OptimizerSpec } from './types';
import type { CatalogSpelling, CatalogVariant } from './catalog-types';
import { adamFamilyStates } from './layout/adam-moments';
import { bnbGlobalState } from './layout/bnb8bit';
import { BNB_OPTIMIZER, BNB_PAPER, GPT3_TABLE, HF_TRAINER } from './sources';

const W = { adam_w_mode: true };

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'bitsandbytes', name: 'PagedAdamW8bit', fixed: W },
  { ecosystem: 'torchtune', name: 'bitsandbytes.optim.PagedAdamW8bit', fixed: W },
  {
    ecosystem: 'hf',
    name: 'paged_adamw_8bit',
    fixed: W,
    variant: { embedding32bitOverride: true },
    note: 'HF Trainer builds bitsandbytes AdamW(optim_bits=8, is_paged=True) and registers nn.Embedding weights for 32-bit states',
  },
];

const variant: CatalogVariant = { stateBits: 8, paged: true, decoupledWeightDecay: true, implementation: 'bnb' };

export const pagedAdamw8bit: OptimizerSpec<'paged-adamw-8bit'> = {
  id: 'paged-adamw-8bit',
  name: 'Paged AdamW 8-bit (bitsandbytes)',
  summary: 'AdamW 8-bit whose states live in CUDA unified memory pages that can be evicted to CPU RAM under pressure.',
  reference: { ...BNB_OPTIMIZER, title: 'bitsandbytes PagedAdamW8bit (Optimizer2State, is_paged=True)', url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/optim/adamw.py' },
  sources: [BNB_OPTIMIZER, BNB_PAPER, HF_TRAINER],
  defaults: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01, amsgrad: false, min_8bit_size: 4096, percentile_clipping: 100, block_wise: true, is_paged: true },
  lrRange: { low: 6e-5, high: 6e-4, source: { ...GPT3_TABLE, locator: `${GPT3_TABLE.locator ?? ''}; 8-bit states keep AdamW's hyperparameters (Dettmers et al. 2022)` } },
  caveats: [
    { text: 'Paged states (tensors of at least 1e5 elements use F.get_paged) are counted in device memory here; they only move to CPU when the GPU runs out, at a speed cost.', source: BNB_OPTIMIZER },
    { text: 'Tensors with fewer than min_8bit_size (4096) elements keep fp32 states.', source: BNB_OPTIMIZER },
  ],
  spellings,
  variant,
  stateFor: (tensor, ctx) => adamFamilyStates(tensor, ctx, false),
  globalState: (tensors, ctx) => bnbGlobalState(tensors, ctx, 2),
};
