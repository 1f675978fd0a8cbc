import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { stateTensor } from './layout/state-tensor';
import { GPT3_TABLE, HF_TRAINER } from './sources';

const SF_PY = {
  title: 'facebookresearch/schedule_free (schedulefree/adamw_schedulefree.py)',
  url: 'https://github.com/facebookresearch/schedule_free/blob/2185380ce6f03effac52386b2d0495340ccd678a/schedulefree/adamw_schedulefree.py',
  locator: 'AdamWScheduleFree.step: state["z"] = torch.clone(p), state["exp_avg_sq"] = zeros_like(p); k and weight_sum per group',
};
const README = {
  title: 'Schedule-Free Learning README',
  url: 'https://github.com/facebookresearch/schedule_free/blob/2185380ce6f03effac52386b2d0495340ccd678a/README.md',
  locator: 'How to Use (optimizer.train()/eval()) and Caveats (BatchNorm; AdamW lr 1x-10x larger than with schedules; warmup recommended)',
};
const PAPER = { title: 'Defazio et al., The Road Less Scheduled (2024)', url: 'https://arxiv.org/abs/2405.15682' };

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'hf', name: 'schedule_free_adamw', note: 'HF Trainer passes warmup_steps and weight_decay from TrainingArguments' },
  { ecosystem: 'other', name: 'AdamWScheduleFree', note: 'schedulefree.AdamWScheduleFree' },
];

export const scheduleFreeAdamw: OptimizerSpec<'schedule-free-adamw'> = {
  id: 'schedule-free-adamw',
  name: 'Schedule-Free AdamW',
  summary: 'AdamW without a learning-rate schedule: gradients at an interpolation y of the iterate z and its running average x.',
  reference: SF_PY,
  sources: [SF_PY, README, PAPER, HF_TRAINER],
  defaults: { lr: 0.0025, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, warmup_steps: 0, r: 0.0, weight_lr_power: 2.0, foreach: true },
  lrRange: { low: 6e-5, high: 6e-3, source: { ...README, locator: `${README.locator}; applied to the AdamW range of GPT-3 Table 2.1 (${GPT3_TABLE.url})` } },
  caveats: [
    { text: 'Call optimizer.train() where you call model.train() and optimizer.eval() before evaluation and before saving checkpoints; step() raises in eval mode.', source: README },
    { text: 'Models with BatchNorm need their running statistics recomputed at x before evaluation.', source: README },
    { text: 'No scheduler is needed, but warmup (warmup_steps) is recommended; beta1 may need 0.95-0.98 for long runs.', source: README },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: (tensor, ctx) => [stateTensor('z', tensor.shape, ctx.paramDtype), stateTensor('exp_avg_sq', tensor.shape, ctx.paramDtype)],
};
