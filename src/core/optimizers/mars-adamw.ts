/**
 * MARS-AdamW (Yuan et al. 2024, "MARS: Unleashing the Power of Variance Reduction for Training Large
 * Models"): AdamW fed with a variance-reduced gradient c_t = g_t + gamma*beta1/(1-beta1)*(g_t - g_{t-1}),
 * clipped to norm 1, so it keeps the previous gradient as a third state. Reference: AGI-Arena/MARS
 * MARS/optimizers/mars.py (class MARS, mars_type "mars-adamw", the approximate form: g_{t-1} is the
 * previous step's gradient). Paper: arXiv 2411.10438; the update equations are the repository README's.
 */
import { bytesOf, numel, type ParamTensor } from '../types';
import type { OptimizerSpec, StateContext } from './types';
import type { CatalogSpelling } from './catalog-types';
import { effectiveHyper, hyperBoolean } from './layout/hyper';
import { stateTensor } from './layout/state-tensor';

const COMMIT = '4831e28eba863a4e69d7e9474ff8e73bc1b410fe';
const MARS_PY = {
  title: 'AGI-Arena/MARS (MARS/optimizers/mars.py)',
  url: `https://github.com/AGI-Arena/MARS/blob/${COMMIT}/MARS/optimizers/mars.py`,
  locator: 'MARS.__init__ defaults; step: exp_avg, last_grad, exp_avg_sq (+ max_exp_avg_sq with amsgrad) = zeros_like(p), step a Python int, state["last_grad"] = grad after the update (is_approx); update_fn: c_t, its norm clipped to 1, 2-D tensors only unless optimize_1d',
};
const README = {
  title: 'AGI-Arena/MARS README',
  url: `https://github.com/AGI-Arena/MARS/blob/${COMMIT}/README.md`,
  locator: 'Optimizer Hyperparameters (beta1 0.95, beta2 0.99, gamma 0.025, optimize_1d False, betas_1d (0.9, 0.95)); Hyperparameters for GPT-2 models: lr for MARS 6e-3 (125M), 3e-3 (355M), 2e-3 (770M and 1.5B), lr_1d half of it, wd 1e-2',
};
const PAPER = {
  title: 'Yuan, Liu, Wu, Zhou, Gu, MARS: Unleashing the Power of Variance Reduction for Training Large Models (ICML 2025)',
  url: 'https://arxiv.org/abs/2411.10438',
  locator: 'MARS-AdamW: c_t = g_t + gamma_t beta1/(1-beta1) (g_t - g_{t-1}), Clip(c_t, 1), m_t = beta1 m_{t-1} + (1-beta1) c_t, the AdamW preconditioner (as the repository README states them); MARS-approx uses the previous step\'s gradient for g_{t-1}',
};
const TIMM_MARS = {
  title: 'timm timm/optim/mars.py',
  url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/mars.py',
  locator: 'Mars: defaults betas (0.9, 0.99), lr_1d_factor 1.0, betas_1d = betas; first step c_t = grad; is_grad_2d = grad.ndim >= 2; state exp_avg, last_grad, exp_avg_sq = zeros_like(p)',
};
const TIMM_RELEASE = {
  title: 'timm v1.0.12 release announcement (optimizer factory refactor; new optimizers include MARS - mars)',
  url: 'https://huggingface.co/posts/rwightman/663307927247927',
};
const OPTAX_MARS = {
  title: 'optax optax/contrib/_mars.py (pull request #1562, not merged into main)',
  url: 'https://github.com/google-deepmind/optax/blob/001eaac2d8f2741a9defed26d17492dcb0bfc496/optax/contrib/_mars.py',
  locator: 'MarsState: count, mu, nu, prev_grad; mars_adamw adds the (optionally clipped) correction gamma*b1/(1-b1)*(g - prev_grad) to the Adam direction instead of feeding c_t to the moments',
};

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'other', name: 'MARS', note: 'mars.MARS from AGI-Arena/MARS (copied into the project; no PyPI package); mars_type "mars-lion" and "mars-shampoo" allocate the same three states' },
  { ecosystem: 'timm', name: 'mars', note: 'timm.optim.Mars (timm >= 1.0.12): the same three states; defaults betas (0.9, 0.99), all tensors of rank >= 2 get MARS, the first step uses g_t alone' },
  { ecosystem: 'optax', name: 'mars_adamw', note: 'optax.contrib.mars_adamw as proposed in optax pull request #1562 (not merged into main, so not in an optax release; recognised when a script defines or vendors it): mu, nu, prev_grad in the parameter dtype, one int32 count; a different update (the correction is added to the Adam direction)' },
];

/**
 * Step temporaries of the reference's update_fn, at their peak for one tensor (in the parameter dtype). MARS
 * path (2-D, or every tensor with optimize_1d): c_t stays alive through the update, denom is one tensor, and
 * -lr * torch.mul(p, wd).add(exp_avg.div(denom)) holds both operands and their sum at once: 5 tensors. AdamW
 * path: the same without c_t: 4. The largest tensor counts.
 */
function marsStepTemporaries(tensors: readonly ParamTensor[], ctx: StateContext): number {
  const optimize1d = hyperBoolean(effectiveHyper(ctx), 'optimize_1d', false);
  const largest = tensors.reduce((m, t) => Math.max(m, (optimize1d || t.shape.length === 2 ? 5 : 4) * numel(t.shape)), 0);
  return bytesOf(largest, ctx.paramDtype);
}

export const marsAdamw: OptimizerSpec<'mars-adamw'> = {
  id: 'mars-adamw',
  name: 'MARS-AdamW',
  summary: 'AdamW on a variance-reduced gradient: g plus gamma*beta1/(1-beta1) times the change since the last step\'s gradient, clipped to norm 1; keeps the last gradient as a state.',
  reference: MARS_PY,
  sources: [MARS_PY, README, PAPER, TIMM_MARS, TIMM_RELEASE, OPTAX_MARS],
  defaults: {
    lr: 0.003, betas: [0.95, 0.99], eps: 1e-8, weight_decay: 0, amsgrad: false, gamma: 0.025, is_approx: true, mars_type: 'mars-adamw',
    optimize_1d: false, lr_1d: 0.003, betas_1d: [0.9, 0.95], weight_decay_1d: 0.1,
  },
  lrRange: { low: 2e-3, high: 6e-3, source: { ...README, locator: 'Hyperparameters for GPT-2 models: lr for MARS 2e-3 (GPT-2 large and XL) to 6e-3 (GPT-2 small), about 10x the AdamW lr of the same table' } },
  caveats: [
    { text: 'Learning rates are about 10x AdamW\'s (the README\'s GPT-2 table: 6e-3 against 6e-4 at 125M); 1-D parameters and, in the reference, every tensor that is not 2-D (biases, norms, convolution kernels) take plain AdamW with lr_1d, betas_1d and weight_decay_1d unless optimize_1d=True.', source: README },
    { text: 'The reference keeps a reference to p.grad as last_grad: zero the gradients with zero_grad(set_to_none=True) (the README\'s loop does); zeroing them in place also zeroes last_grad, and the correction term vanishes.', source: MARS_PY },
    { text: 'MARS-exact (is_approx=False) needs the previous parameters\' gradient on the current batch: a second backward pass per step and a fourth state (previous_grad).', source: PAPER },
    { text: 'timm\'s Mars and optax\'s mars_adamw differ from the reference (betas, which tensors get MARS, the first step, where the correction enters); hyperparameters tuned for one do not carry over exactly.', source: TIMM_MARS },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: (tensor, ctx) => {
    const states = [stateTensor('exp_avg', tensor.shape, ctx.paramDtype), stateTensor('last_grad', tensor.shape, ctx.paramDtype), stateTensor('exp_avg_sq', tensor.shape, ctx.paramDtype)];
    if (hyperBoolean(effectiveHyper(ctx), 'amsgrad', false)) states.push(stateTensor('max_exp_avg_sq', tensor.shape, ctx.paramDtype));
    return states;
  },
  stepTemporaryBytes: marsStepTemporaries,
};
