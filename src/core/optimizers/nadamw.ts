/**
 * NAdamW: Adam with Nesterov momentum (Dozat 2016) and decoupled weight decay, in the simplified form
 * of the AlgoPerf baseline (mlcommons/algorithmic-efficiency; Table 1 of Choi et al. 2019, arXiv
 * 1910.05446): no momentum-decay schedule, Adam's bias corrections, the update built from
 * b1*m_t + (1-b1)*g_t. timm's NAdamW ports that baseline: exp_avg and exp_avg_sq = zeros_like(p), step a
 * CPU float tensor (not device memory). torch.optim.NAdam is Dozat's original (momentum_decay schedule),
 * with a `mu_product` scalar per tensor beside `step`; both are CPU tensors unless capturable=True, and
 * it decouples the decay only with decoupled_weight_decay=True (pytorch/pytorch PR #103881; in the 2.2
 * docs). Same per-tensor moments either way.
 */
import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { catalogVariant } from './catalog-types';
import { twoMoments } from './layout/adam-moments';
import { effectiveHyper, hyperBoolean } from './layout/hyper';
import { SCALAR, stateTensor } from './layout/state-tensor';
import { HF_TRAINING_ARGS, LOSHCHILOV_ADAMW, TIMM_FACTORY } from './sources';

const TIMM_NADAMW = {
  title: 'timm NAdamW (timm/optim/nadamw.py)',
  url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/nadamw.py',
  locator: 'NAdamW.__init__ defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2; state step = torch.tensor(0.), exp_avg/exp_avg_sq = zeros_like(p); _single_tensor_nadamw',
};
const ALGOPERF = {
  title: 'MLCommons AlgoPerf NAdamW baseline (algorithms/baselines/self_tuning/jax_nadamw_full_budget.py)',
  url: 'https://github.com/mlcommons/algorithmic-efficiency/blob/2c90454fc05d5bdf3598b0c7651e611f132a7060/algorithms/baselines/self_tuning/jax_nadamw_full_budget.py',
  locator: 'HPARAMS: learning_rate 0.0017486387539278373, one_minus_beta1 0.06733926164, beta2 0.9955159689799007, weight_decay 0.08121616522670176, warmup_factor 0.02; scale_by_nadam (no momentum decay, Adam bias corrections)',
};
const DOZAT = { title: 'Dozat, Incorporating Nesterov Momentum into Adam (ICLR 2016 workshop)', url: 'https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ', locator: 'Algorithm 2 (Nesterov-accelerated adaptive moment estimation)' };
const CHOI_TABLE = { title: 'Choi et al., On Empirical Comparisons of Optimizers for Deep Learning (2019)', url: 'https://arxiv.org/abs/1910.05446', locator: 'Table 1 (NAdam update rule as AlgoPerf implements it)' };
const TORCH_NADAM = {
  title: 'PyTorch torch.optim.NAdam',
  url: 'https://pytorch.org/docs/stable/generated/torch.optim.NAdam.html',
  locator: 'lr 2e-3, momentum_decay 4e-3, decoupled_weight_decay=False; state step and mu_product (CPU scalars unless capturable)',
};
const TORCH_NADAMW_PR = { title: 'pytorch/pytorch PR #103881: Implement NAdamW optimizer (decoupled_weight_decay flag on NAdam)', url: 'https://github.com/pytorch/pytorch/pull/103881' };
const OPTAX = { title: 'optax optimizers (optax.nadamw)', url: 'https://optax.readthedocs.io/en/latest/api/optimizers.html' };
const WEN_TABLES = {
  title: 'Wen et al., Fantastic Pretraining Optimizers and Where to Find Them (2025)',
  url: 'https://github.com/marin-community/marin/tree/122c501870e0c056cbed0c97459ab76788f89948/experiments/optimizer_sweep/Analysis',
  locator: 'NAdamW tables, row 0 (tuned): lr 0.004-0.008 at 130M-520M, betas (0.95-0.98, 0.98), weight decay 0.1',
};

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'timm', name: 'nadamw', note: 'timm.optim.NAdamW (the AlgoPerf baseline\'s form); in timm by 1.0.12, which added its cautious variant cnadamw' },
  { ecosystem: 'optax', name: 'nadamw', note: 'optax keeps mu/nu in the parameter dtype (same sizes) and one int32 count per optimizer' },
  {
    ecosystem: 'pytorch',
    name: 'NAdam',
    variant: { implementation: 'torch', decoupledWeightDecay: false },
    note: 'torch.optim.NAdam: Dozat\'s momentum schedule; decoupled decay only with decoupled_weight_decay=True (torch >= 2.2 documented); step and mu_product scalars per tensor',
  },
];

export const nadamw: OptimizerSpec<'nadamw'> = {
  id: 'nadamw',
  name: 'NAdamW',
  summary: 'AdamW with Nesterov momentum: p -= lr * ((b1*m + (1-b1)*g) / (1-b1^t) / (sqrt(v_hat) + eps) + weight_decay * p).',
  reference: TIMM_NADAMW,
  sources: [TIMM_NADAMW, ALGOPERF, DOZAT, CHOI_TABLE, LOSHCHILOV_ADAMW, TORCH_NADAM, TORCH_NADAMW_PR, OPTAX, WEN_TABLES, TIMM_FACTORY],
  defaults: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01, caution: false, corrected_weight_decay: false, maximize: false, foreach: null, capturable: false },
  lrRange: {
    low: 0.0017486387539278373,
    high: 0.008,
    source: { ...ALGOPERF, locator: `${ALGOPERF.locator} (low end); Wen et al. 2025 NAdamW tables, tuned lr 0.004-0.008 at 130M-520M (${WEN_TABLES.url}) (high end)` },
  },
  caveats: [
    { text: 'torch.optim.NAdam is Dozat\'s original (momentum_decay schedule), not this form, and couples the weight decay into the gradient unless decoupled_weight_decay=True.', source: TORCH_NADAM },
    { text: 'The AlgoPerf baseline trains with a tuned beta1 of 0.933 and beta2 of 0.9955, linear warmup over 2% of the steps and cosine decay; the defaults here are timm\'s (AdamW\'s).', source: ALGOPERF },
    { text: 'No HF TrainingArguments optim= string selects NAdamW (OptimizerNames has none); pass the optimizer object to the Trainer.', source: HF_TRAINING_ARGS },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: (tensor, ctx) => {
    const moments = twoMoments(tensor.shape, ctx.paramDtype);
    if (catalogVariant(ctx).implementation !== 'torch' || !hyperBoolean(effectiveHyper(ctx), 'capturable', false)) return moments;
    // torch.optim.NAdam(capturable=True) keeps step and mu_product on the device as fp32 scalars.
    return [...moments, stateTensor('step', SCALAR, 'fp32'), stateTensor('mu_product', SCALAR, 'fp32')];
  },
};
