/**
 * AdEMAMix (Pagliardini, Ablin, Grangier 2024): Adam with a second, slow EMA of the gradient mixed into
 * the numerator. Reference: apple/ml-ademamix pytorch/ademamix.py (three states per tensor, exp_avg_fast
 * skipped when beta1 is 0); bitsandbytes' AdEMAMix (HF `ademamix*`) stacks the fast and slow EMAs in one
 * [2, ...shape] state1 buffer. Paper: arXiv 2409.03137, Algorithm 1.
 */
import { bytesOf, numel, type DType, type ParamTensor } from '../types';
import type { OptimizerSpec, StateContext, StateTensor } from './types';
import type { CatalogSpelling } from './catalog-types';
import { bnbGlobalState, bnbStateBitsFor, BNB_BLOCK_SIZE, usesBnb } from './layout/bnb8bit';
import { effectiveHyper, hyperTupleItem } from './layout/hyper';
import { stateTensor } from './layout/state-tensor';
import { BNB_OPTIMIZER, GPT3_TABLE, HF_TRAINER } from './sources';

const ML_ADEMAMIX_COMMIT = 'c3d73c09f1287e5c33b95189bb0aa7de0a5a7667';
const ML_ADEMAMIX = {
  title: 'apple/ml-ademamix (pytorch/ademamix.py)',
  url: `https://github.com/apple/ml-ademamix/blob/${ML_ADEMAMIX_COMMIT}/pytorch/ademamix.py`,
  locator: 'AdEMAMix.__init__ defaults; step: exp_avg_fast (None when beta1 == 0), exp_avg_slow, exp_avg_sq = zeros_like(p); step a Python int; linear_warmup_scheduler / linear_hl_warmup_scheduler',
};
const ML_ADEMAMIX_README = {
  title: 'apple/ml-ademamix README (usage)',
  url: `https://github.com/apple/ml-ademamix/blob/${ML_ADEMAMIX_COMMIT}/README.md`,
  locator: 'PyTorch usage: lr 1e-3, betas (0.9, 0.999, 0.9999), alpha 8.0, beta3_warmup = alpha_warmup = num_iterations, weight_decay 0.1; "When beta_1 is set to zero, the m1 buffer is not allocated"',
};
const PAPER = {
  title: 'Pagliardini, Ablin, Grangier, The AdEMAMix Optimizer: Better, Faster, Older (ICLR 2025)',
  url: 'https://arxiv.org/abs/2409.03137',
  locator: 'Algorithm 1: fast EMA m1 (beta1), slow EMA m2 (beta3, no bias correction), nu (beta2); theta -= eta((m1_hat + alpha m2)/(sqrt(nu_hat) + eps) + lambda theta); schedulers for alpha and beta3 over T_alpha,beta3, "usually set to T", beta_start usually beta1',
};
const BNB_ADEMAMIX = {
  title: 'bitsandbytes bitsandbytes/optim/ademamix.py',
  url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/optim/ademamix.py',
  locator: 'AdEMAMix(Optimizer2State) defaults alpha 5.0, weight_decay 1e-2; init_state: state1 = zeros((2, *p.size())), state2 like p, absmax1 (2, blocks), absmax2 (blocks,) with blocks of 256; paged for >= 1e5 elements; t_alpha / t_beta3 schedulers',
};
const BNB_CHANGELOG = {
  title: 'bitsandbytes CHANGELOG.md',
  url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/CHANGELOG.md',
  locator: '0.44.0, "New: AdEMAMix Optimizer": AdEMAMix, AdEMAMix8bit, PagedAdEMAMix, PagedAdEMAMix8bit (the release that also made the 8-bit block 256 elements)',
};
const HF_PR = {
  title: 'transformers pull request #33682, Add AdEMAMix optimizer (merged September 2024)',
  url: 'https://github.com/huggingface/transformers/pull/33682',
  locator: 'Trainer/TrainingArguments support for bitsandbytes\' AdEMAMix (ademamix, ademamix_8bit, paged_ademamix_32bit, paged_ademamix_8bit), introduced in bitsandbytes v0.44.0',
};
const OPTAX_ADEMAMIX = {
  title: 'optax optax/contrib/_ademamix.py',
  url: 'https://github.com/google-deepmind/optax/blob/2edbcbe2390da13983b92cbef94ac0460ecde1c5/optax/contrib/_ademamix.py',
  locator: 'ScaleByAdemamixState: count, count_m2, m1, m2, nu (m1/m2/nu in mu_dtype, else the parameter dtype); ademamix(alpha=5.0, b3=0.9999, weight_decay=0.0)',
};

/** bitsandbytes' class defaults where they differ from apple/ml-ademamix's (HF passes TrainingArguments.weight_decay, and alpha 5.0 unless optim_args sets it). */
const BNB_DEFAULTS = { alpha: 5.0, weight_decay: 0.01 };
const HF_DEFAULTS = { alpha: 5.0 };
const HF_NOTE = 'HF Trainer: bitsandbytes AdEMAMix with betas (adam_beta1, adam_beta2, beta3 from optim_args, default 0.9999), alpha from optim_args (default 5.0), t_alpha/t_beta3 from optim_args';

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'other', name: 'AdEMAMix', note: 'ademamix.AdEMAMix (apple/ml-ademamix, copied into the project; no PyPI package)' },
  { ecosystem: 'hf', name: 'ademamix', implies: HF_DEFAULTS, variant: { implementation: 'bnb', stateBits: 32 }, note: `${HF_NOTE}; optim_bits 32 (fp32 states); bitsandbytes >= 0.44.0` },
  { ecosystem: 'hf', name: 'ademamix_8bit', implies: HF_DEFAULTS, variant: { implementation: 'bnb', stateBits: 8, embedding32bitOverride: true }, note: `${HF_NOTE}; optim_bits 8; nn.Embedding weights get 32-bit states` },
  { ecosystem: 'hf', name: 'paged_ademamix_32bit', implies: HF_DEFAULTS, variant: { implementation: 'bnb', stateBits: 32, paged: true }, note: HF_NOTE },
  { ecosystem: 'hf', name: 'paged_ademamix_8bit', implies: HF_DEFAULTS, variant: { implementation: 'bnb', stateBits: 8, paged: true, embedding32bitOverride: true }, note: HF_NOTE },
  { ecosystem: 'bitsandbytes', name: 'AdEMAMix', implies: BNB_DEFAULTS, variant: { implementation: 'bnb', stateBits: 32 }, note: 'optim_bits (default 32) and is_paged select the variant; bitsandbytes >= 0.44.0' },
  { ecosystem: 'bitsandbytes', name: 'AdEMAMix8bit', implies: BNB_DEFAULTS, variant: { implementation: 'bnb', stateBits: 8 } },
  { ecosystem: 'bitsandbytes', name: 'PagedAdEMAMix', implies: BNB_DEFAULTS, variant: { implementation: 'bnb', stateBits: 32, paged: true } },
  { ecosystem: 'bitsandbytes', name: 'PagedAdEMAMix8bit', implies: BNB_DEFAULTS, variant: { implementation: 'bnb', stateBits: 8, paged: true } },
  { ecosystem: 'bitsandbytes', name: 'PagedAdEMAMix32bit', implies: BNB_DEFAULTS, variant: { implementation: 'bnb', stateBits: 32, paged: true } },
  { ecosystem: 'optax', name: 'ademamix', note: 'optax.contrib.ademamix: m1, m2, nu in the parameter dtype (or mu_dtype), two int32 counts per optimizer; defaults alpha 5.0, weight_decay 0' },
];

/** Whether the reference allocates the fast EMA: apple/ml-ademamix skips it when beta1 == 0. */
function hasFastEma(ctx: StateContext): boolean {
  return hyperTupleItem(effectiveHyper(ctx), 'betas', 0, 0.9) !== 0;
}

/** bitsandbytes AdEMAMix.init_state: a [2, ...shape] state1 (fast and slow EMA), a state2, absmax per 256-element block. */
function bnbAdemamixStates(tensor: ParamTensor, ctx: StateContext): StateTensor[] {
  const bits = bnbStateBitsFor(tensor, ctx);
  const dtype: DType = bits === 8 ? 'uint8' : 'fp32';
  const states = [stateTensor('state1', [2, ...tensor.shape], dtype), stateTensor('state2', tensor.shape, dtype)];
  if (bits === 8) {
    const blocks = Math.ceil(numel(tensor.shape) / BNB_BLOCK_SIZE);
    states.push(stateTensor('absmax1', [2, blocks], 'fp32'), stateTensor('absmax2', [blocks], 'fp32'));
  }
  return states;
}

/**
 * Step temporaries of apple/ml-ademamix's single-tensor loop, at their peak for the largest tensor (in the
 * parameter dtype): denom = (exp_avg_sq.sqrt() / c).add_(eps) is one tensor; then in
 * (exp_avg_fast.div(bc1) + alpha * exp_avg_slow) / denom the two operands and their sum are alive together
 * with denom: 4 tensors (later, update and -lr * update beside denom: 3). bitsandbytes updates in place (0).
 */
function ademamixStepTemporaries(tensors: readonly ParamTensor[], ctx: StateContext): number {
  if (usesBnb(ctx)) return 0;
  const largest = tensors.reduce((m, t) => Math.max(m, numel(t.shape)), 0);
  return 4 * bytesOf(largest, ctx.paramDtype);
}

export const ademamix: OptimizerSpec<'ademamix'> = {
  id: 'ademamix',
  name: 'AdEMAMix',
  summary: 'Adam whose numerator mixes the bias-corrected fast EMA with alpha times a slow EMA (beta3 ~ 0.9999) of the gradient; three states per tensor.',
  reference: ML_ADEMAMIX,
  sources: [ML_ADEMAMIX, ML_ADEMAMIX_README, PAPER, BNB_ADEMAMIX, BNB_CHANGELOG, BNB_OPTIMIZER, HF_TRAINER, HF_PR, OPTAX_ADEMAMIX],
  defaults: { lr: 0.001, betas: [0.9, 0.999, 0.9999], alpha: 2.0, beta3_warmup: null, alpha_warmup: null, eps: 1e-8, weight_decay: 0 },
  lrRange: {
    low: 6e-5,
    high: 1e-3,
    source: { ...ML_ADEMAMIX_README, locator: `AdamW's low end from GPT-3 Table 2.1 (${GPT3_TABLE.url}, 6e-5) to the README's usage example (lr 1e-3 with alpha 8 and beta3 0.9999)` },
  },
  caveats: [
    { text: 'The paper warms alpha up from 0 and beta3 up from beta1 over T_alpha,beta3, usually the total number of steps: set alpha_warmup and beta3_warmup (t_alpha, t_beta3 in bitsandbytes and HF optim_args); the reference\'s defaults leave both off.', source: PAPER },
    { text: 'The slow EMA pays off over long runs (its memory is ~1/(1-beta3) = 10,000 steps at 0.9999); for short runs a smaller beta3 such as 0.999 can be better (optax\'s documentation, citing the paper\'s Appendix C.1.5).', source: OPTAX_ADEMAMIX },
    { text: 'Defaults differ by implementation: apple/ml-ademamix alpha 2.0 and weight_decay 0; bitsandbytes and HF alpha 5.0 and weight_decay 0.01 (HF passes TrainingArguments.weight_decay, default 0); optax alpha 5.0.', source: BNB_ADEMAMIX },
    { text: 'One more parameter-sized state than AdamW (three instead of two), in the parameter dtype (fp32 with bitsandbytes\' 32-bit states).', source: ML_ADEMAMIX },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: (tensor, ctx) => {
    if (usesBnb(ctx)) return bnbAdemamixStates(tensor, ctx);
    const states = hasFastEma(ctx) ? [stateTensor('exp_avg_fast', tensor.shape, ctx.paramDtype)] : [];
    states.push(stateTensor('exp_avg_slow', tensor.shape, ctx.paramDtype), stateTensor('exp_avg_sq', tensor.shape, ctx.paramDtype));
    return states;
  },
  stepTemporaryBytes: ademamixStepTemporaries,
  globalState: (tensors, ctx) => bnbGlobalState(tensors, ctx, 2),
};
