import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { adamFamilyStates } from './layout/adam-moments';
import { bnbGlobalState } from './layout/bnb8bit';
import { effectiveHyper, hyperBoolean } from './layout/hyper';
import { HF_TORCHAO_BLOCK_SIZE, TORCHAO_ADAMW_ARGUMENTS } from './layout/torchao-lowbit';
import {
  BNB_OPTIMIZER, DEEPSPEED_ENGINE, GPT3_TABLE, HF_TRAINER, HF_TRAINER_TORCHAO, HF_TRAINING_ARGS, LOSHCHILOV_ADAMW, TIMM_FACTORY, TORCH_ADAMW,
  TORCHAO_4BIT_PAPER, TORCHAO_LOW_BIT_OPTIM,
} from './sources';

const W = { adam_w_mode: true };
/** Composer's DecoupledAdamW keeps torch AdamW's exp_avg / exp_avg_sq; only the decay's scale differs. */
const COMPOSER_NOTE = 'composer.optim.DecoupledAdamW: AdamW\'s states; the decay per step is weight_decay x lr / initial lr (not lr x weight_decay), so its weight_decay is on another scale than torch AdamW\'s';
const TIMM_BNB8_NOTE = 'timm registers "bnbadamw8bit" with bitsandbytes.optim.AdamW and no optim_bits, so the states are 32-bit';
/**
 * torchao.optim.AdamW4bit: AdamW's update with 4-bit states (layout/torchao-lowbit.ts). A state-precision
 * variant of AdamW, as bitsandbytes' 8-bit Lion/RMSprop/Adagrad are of theirs (the catalog has no 4-bit id).
 */
const TORCHAO_4BIT = { implementation: 'torchao', stateBits: 4 } as const;

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'pytorch', name: 'AdamW', fixed: W },
  { ecosystem: 'torchtune', name: 'torch.optim.AdamW', fixed: W },
  { ecosystem: 'hf', name: 'adamw_torch', fixed: W, note: 'torch.optim.AdamW' },
  { ecosystem: 'hf', name: 'adamw_torch_fused', fixed: W, variant: { forced: { fused: true } }, note: 'torch.optim.AdamW(fused=True): one fp32 step per tensor on the device' },
  { ecosystem: 'hf', name: 'adamw_apex_fused', fixed: W, variant: { implementation: 'fused' }, note: 'apex.optimizers.FusedAdam (adam_w_mode=True)' },
  { ecosystem: 'hf', name: 'paged_adamw_32bit', fixed: W, variant: { implementation: 'bnb', stateBits: 32, paged: true }, note: 'bitsandbytes AdamW(optim_bits=32, is_paged=True): fp32 states' },
  { ecosystem: 'keras', name: 'AdamW', fixed: W, note: 'Keras keeps momentums/velocities in the variable dtype (same sizes as torch)' },
  { ecosystem: 'optax', name: 'adamw', fixed: W, note: 'optax keeps mu/nu in the parameter dtype (same sizes as torch) and one int32 count per optimizer' },
  { ecosystem: 'timm', name: 'adamw', fixed: W },
  { ecosystem: 'timm', name: 'fusedadamw', fixed: W, variant: { implementation: 'fused' }, note: 'apex.optimizers.FusedAdam with adam_w_mode=True' },
  { ecosystem: 'timm', name: 'bnbadamw', fixed: W, variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'timm', name: 'bnbadamw8bit', fixed: W, variant: { implementation: 'bnb', stateBits: 32 }, note: TIMM_BNB8_NOTE },
  { ecosystem: 'bitsandbytes', name: 'AdamW', fixed: W, variant: { implementation: 'bnb', stateBits: 32 }, note: 'optim_bits (default 32) and is_paged params select the variant' },
  { ecosystem: 'bitsandbytes', name: 'AdamW32bit', fixed: W, variant: { implementation: 'bnb', stateBits: 32 } },
  { ecosystem: 'bitsandbytes', name: 'PagedAdamW', fixed: W, variant: { implementation: 'bnb', stateBits: 32, paged: true } },
  { ecosystem: 'bitsandbytes', name: 'PagedAdamW32bit', fixed: W, variant: { implementation: 'bnb', stateBits: 32, paged: true } },
  { ecosystem: 'torchtune', name: 'bitsandbytes.optim.PagedAdamW', fixed: W, variant: { implementation: 'bnb', stateBits: 32, paged: true } },
  { ecosystem: 'deepspeed', name: 'Adam', implies: W, variant: { implementation: 'fused' }, note: 'DeepSpeed "Adam" is AdamW unless adam_w_mode=false; FusedAdam unless torch_adam=true' },
  { ecosystem: 'deepspeed', name: 'AdamW', fixed: W, variant: { implementation: 'fused' }, note: 'FusedAdam(adam_w_mode=True) unless torch_adam=true' },
  { ecosystem: 'deepspeed', name: 'FusedAdam', implies: W, variant: { implementation: 'fused' }, note: 'deepspeed.ops.adam.FusedAdam (adam_w_mode defaults to True)' },
  { ecosystem: 'other', name: 'FusedAdam', implies: W, variant: { implementation: 'fused' }, note: 'apex.optimizers.FusedAdam (adam_w_mode defaults to True)' },
  // Composer's DecoupledAdamW (composer/optim/decoupled_weight_decay.py), llm-foundry's `optimizer: {name: decoupled_adamw}`
  { ecosystem: 'other', name: 'DecoupledAdamW', fixed: W, note: COMPOSER_NOTE },
  { ecosystem: 'other', name: 'decoupled_adamw', fixed: W, note: COMPOSER_NOTE },
  {
    ecosystem: 'hf', name: 'adamw_torch_4bit', fixed: W, implies: { block_size: HF_TORCHAO_BLOCK_SIZE }, variant: TORCHAO_4BIT, takes: TORCHAO_ADAMW_ARGUMENTS,
    note: 'HF Trainer builds torchao AdamW4bit with block_size 256 (optim_args block_size), not the class default 128',
  },
  { ecosystem: 'torchtune', name: 'torchao.optim.AdamW4bit', fixed: W, variant: TORCHAO_4BIT, takes: TORCHAO_ADAMW_ARGUMENTS },
  {
    ecosystem: 'torchtune', name: 'torchao.prototype.low_bit_optim.AdamW4bit', fixed: W, variant: TORCHAO_4BIT, takes: TORCHAO_ADAMW_ARGUMENTS,
    note: 'the module path before torchao 0.11 (promoted to torchao.optim; the prototype path was removed later)',
  },
];

export const adamw: OptimizerSpec<'adamw'> = {
  id: 'adamw',
  name: 'AdamW',
  summary: 'Adam with decoupled weight decay: p -= lr * (m_hat / (sqrt(v_hat) + eps) + weight_decay * p).',
  reference: TORCH_ADAMW,
  sources: [TORCH_ADAMW, LOSHCHILOV_ADAMW, HF_TRAINER, HF_TRAINING_ARGS, DEEPSPEED_ENGINE, BNB_OPTIMIZER, TIMM_FACTORY, TORCHAO_LOW_BIT_OPTIM, TORCHAO_4BIT_PAPER, HF_TRAINER_TORCHAO],
  defaults: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01, amsgrad: false, foreach: null, maximize: false, capturable: false, differentiable: false, fused: null },
  lrRange: { low: 6e-5, high: 6e-4, source: GPT3_TABLE },
  caveats: [
    { text: 'HF TrainingArguments defaults weight_decay to 0, not torch\'s 1e-2; set it explicitly.', source: HF_TRAINING_ARGS },
    { text: 'DeepSpeed\'s "Adam" optimizer type runs AdamW (adam_w_mode defaults to true).', source: DEEPSPEED_ENGINE },
    { text: 'With fused=True (HF adamw_torch_fused) or capturable=True torch keeps one fp32 step scalar per tensor on the device.', source: TORCH_ADAMW },
    {
      text: 'torchao AdamW4bit (HF adamw_torch_4bit): a tensor gets 4-bit states (two codes per uint8 byte), one fp32 scale per block and its own 16-entry fp32 map per state only when it has at least 4096 elements and a multiple of block_size (class default 128, HF passes 256); any other tensor keeps both moments in the parameter dtype.',
      source: TORCHAO_LOW_BIT_OPTIM,
    },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: (tensor, ctx) => adamFamilyStates(tensor, ctx, hyperBoolean(effectiveHyper(ctx), 'amsgrad', false)),
  globalState: (tensors, ctx) => bnbGlobalState(tensors, ctx, 2),
};
