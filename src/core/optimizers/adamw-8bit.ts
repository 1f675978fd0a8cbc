import type { OptimizerSpec } from './types';
import type { CatalogSpelling, CatalogVariant } from './catalog-types';
import { adamFamilyStates } from './layout/adam-moments';
import { bnbGlobalState } from './layout/bnb8bit';
import { HF_TORCHAO_BLOCK_SIZE, TORCHAO_ADAMW_ARGUMENTS } from './layout/torchao-lowbit';
import { BNB_OPTIMIZER, BNB_PAPER, GPT3_TABLE, HF_TRAINER, HF_TRAINER_TORCHAO, TORCHAO_LOW_BIT_OPTIM } from './sources';

const W = { adam_w_mode: true };
const HF_OVERRIDE_NOTE = 'HF Trainer builds bitsandbytes AdamW(optim_bits=8) and registers every nn.Embedding weight for 32-bit states';
/** torchao.optim.AdamW8bit: same update, its own state layout (layout/torchao-lowbit.ts). */
const TORCHAO = { implementation: 'torchao' } as const;

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'bitsandbytes', name: 'AdamW8bit', fixed: W },
  { ecosystem: 'torchtune', name: 'bitsandbytes.optim.AdamW8bit', fixed: W },
  { ecosystem: 'hf', name: 'adamw_bnb_8bit', fixed: W, variant: { embedding32bitOverride: true }, note: HF_OVERRIDE_NOTE },
  { ecosystem: 'hf', name: 'adamw_8bit', fixed: W, variant: { embedding32bitOverride: true }, note: `alias of adamw_bnb_8bit; ${HF_OVERRIDE_NOTE}` },
  {
    ecosystem: 'hf', name: 'adamw_torch_8bit', fixed: W, implies: { block_size: HF_TORCHAO_BLOCK_SIZE }, variant: TORCHAO, takes: TORCHAO_ADAMW_ARGUMENTS,
    note: 'HF Trainer builds torchao AdamW8bit with block_size 256 (optim_args block_size) and no nn.Embedding override',
  },
  { ecosystem: 'torchtune', name: 'torchao.optim.AdamW8bit', fixed: W, variant: TORCHAO, takes: TORCHAO_ADAMW_ARGUMENTS },
  {
    ecosystem: 'torchtune', name: 'torchao.prototype.low_bit_optim.AdamW8bit', fixed: W, variant: TORCHAO, takes: TORCHAO_ADAMW_ARGUMENTS,
    note: 'the module path before torchao 0.11 (promoted to torchao.optim; the prototype path was removed later)',
  },
];

const variant: CatalogVariant = { stateBits: 8, paged: false, decoupledWeightDecay: true, implementation: 'bnb' };

export const adamw8bit: OptimizerSpec<'adamw-8bit'> = {
  id: 'adamw-8bit',
  name: 'AdamW 8-bit (bitsandbytes)',
  summary: 'AdamW whose two moments are stored as uint8 with one fp32 absmax per 256-element block (dynamic quantisation); torchao\'s AdamW8bit spellings use its own layout.',
  reference: { ...BNB_OPTIMIZER, title: 'bitsandbytes AdamW8bit (Optimizer2State)', url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/optim/adamw.py' },
  sources: [BNB_OPTIMIZER, BNB_PAPER, HF_TRAINER, TORCHAO_LOW_BIT_OPTIM, HF_TRAINER_TORCHAO],
  defaults: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01, amsgrad: false, min_8bit_size: 4096, percentile_clipping: 100, block_wise: true, is_paged: false },
  lrRange: { low: 6e-5, high: 6e-4, source: { ...GPT3_TABLE, locator: `${GPT3_TABLE.locator ?? ''}; 8-bit states keep AdamW's hyperparameters (Dettmers et al. 2022)` } },
  caveats: [
    { text: 'Tensors with fewer than min_8bit_size (4096) elements keep fp32 states; so do 32-bit overrides.', source: BNB_OPTIMIZER },
    { text: 'HF Trainer\'s bitsandbytes 8-bit optim strings register nn.Embedding weights for 32-bit states (GlobalOptimManager override); calling bitsandbytes directly does not.', source: HF_TRAINER },
    { text: 'The quantile maps (256 fp32 values each) are shared by all tensors of one optimizer.', source: BNB_OPTIMIZER },
    {
      text: 'torchao AdamW8bit (HF adamw_torch_8bit): a tensor gets uint8 states, one fp32 scale per block and its own 256-entry fp32 map per state only when it has at least 4096 elements and a multiple of block_size (256); any other tensor keeps both moments in the parameter dtype.',
      source: TORCHAO_LOW_BIT_OPTIM,
    },
  ],
  spellings,
  variant,
  stateFor: (tensor, ctx) => adamFamilyStates(tensor, ctx, false),
  globalState: (tensors, ctx) => bnbGlobalState(tensors, ctx, 2),
};
