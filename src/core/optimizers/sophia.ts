import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { effectiveHyper, hyperBoolean } from './layout/hyper';
import { stateTensor } from './layout/state-tensor';

const SOPHIA_PY = {
  title: 'Liuhong99/Sophia (sophia.py, SophiaG)',
  url: 'https://github.com/Liuhong99/Sophia/blob/2443b03529ecdccf65699a5e55e68d69ede39509/sophia.py',
  locator: 'SophiaG.step/update_hessian: exp_avg and hessian = zeros_like(p); step = torch.zeros((1,), device=p.device) only if capturable, else a CPU tensor',
};
const README = {
  title: 'Sophia README (General Usage, Hyper-parameter Tuning)',
  url: 'https://github.com/Liuhong99/Sophia/blob/2443b03529ecdccf65699a5e55e68d69ede39509/README.md',
  locator: 'update_hessian() every k=10 steps on a loss of labels sampled from the model; choose rho in [0.01, 0.1]',
};
const CONFIGS = {
  title: 'Sophia GPT-2 configs',
  url: 'https://github.com/Liuhong99/Sophia/tree/2443b03529ecdccf65699a5e55e68d69ede39509/config',
  locator: 'train_gpt2_small_sophiag.py: learning_rate 3e-4, rho 0.03; train_gpt2_medium_sophiag.py: learning_rate 5e-4, rho 0.05',
};
const PAPER = { title: 'Liu et al., Sophia: A Scalable Stochastic Second-order Optimizer for Language Model Pre-training (2023)', url: 'https://arxiv.org/abs/2305.14342' };

const spellings: readonly CatalogSpelling[] = [{ ecosystem: 'other', name: 'SophiaG', note: 'sophia.SophiaG' }];

export const sophia: OptimizerSpec<'sophia'> = {
  id: 'sophia',
  name: 'Sophia (SophiaG)',
  summary: 'Momentum divided by a clipped, periodically refreshed diagonal Hessian estimate (Gauss-Newton-Bartlett), element-wise clipped to 1.',
  reference: SOPHIA_PY,
  sources: [SOPHIA_PY, README, PAPER, CONFIGS],
  defaults: { lr: 0.0001, betas: [0.965, 0.99], rho: 0.04, weight_decay: 0.1, maximize: false, capturable: false },
  lrRange: { low: 3e-4, high: 5e-4, source: CONFIGS },
  caveats: [
    { text: 'The Hessian estimate is refreshed every k steps (k=10 in the reference loop) with an extra forward/backward on labels sampled from the model, then optimizer.update_hessian().', source: README },
    { text: 'rho in [0.01, 0.1] transfers across model sizes; the update is clipped element-wise, so lr bounds the per-step change.', source: README },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  needsHessian: true,
  stateFor: (tensor, ctx) => {
    const states = [stateTensor('exp_avg', tensor.shape, ctx.paramDtype), stateTensor('hessian', tensor.shape, ctx.paramDtype)];
    if (hyperBoolean(effectiveHyper(ctx), 'capturable', false)) states.push(stateTensor('step', [1], 'fp32'));
    return states;
  },
};
