/**
 * Signum and signSGD (Bernstein, Wang, Azizzadenesheli, Anandkumar 2018, "signSGD: Compressed
 * Optimisation for Non-Convex Problems", Algorithms 1 and 2): the step is lr * sign(update), the update
 * the gradient (signSGD, momentum 0) or its momentum m = beta*m + (1-beta)*g (Signum). As the authors'
 * MXNet Signum (mxnet.optimizer.Signum): state = momentum*state + (1-momentum)*(g + wd*w);
 * w = (1 - lr*wd_lh)*w - lr*sign(state); here `weight_decay` is MXNet's decoupled wd_lh and `l2` its wd.
 * State: one momentum buffer per tensor (parameter dtype) when momentum != 0, nothing for signSGD.
 */
import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { effectiveHyper, hyperNumber } from './layout/hyper';
import { stateTensor } from './layout/state-tensor';

const PAPER = {
  title: 'Bernstein et al., signSGD: Compressed Optimisation for Non-Convex Problems (ICML 2018)',
  url: 'https://arxiv.org/abs/1802.04434',
  locator: 'Algorithm 1 (signSGD: x <- x - delta*sign(g)) and Algorithm 2 (Signum: m <- (1-beta)*g + beta*m; x <- x - delta*sign(m))',
};
const MXNET = {
  title: 'Apache MXNet mxnet.optimizer.Signum',
  url: 'https://mxnet.apache.org/versions/master/api/python/docs/_modules/mxnet/optimizer/signum.html',
  locator: 'Signum(learning_rate=0.01, momentum=0.9, wd_lh=0.0): rescaled_grad = grad + wd*weight; state = momentum*state + (1-momentum)*rescaled_grad; weight = (1 - lr*wd_lh)*weight - lr*sign(state)',
};
const REPO = {
  title: 'jxbz/signSGD (the paper\'s code)',
  url: 'https://github.com/jxbz/signSGD',
  locator: 'imagenet/README.md: ResNet-50 Signum lr 0.0001, wd 0.00001, momentum 0.9 (Adam lr 0.001); cifar/README.md: grid-search best Signum lr 0.001',
};
const NEMO = {
  title: 'NVIDIA emerging_optimizers Signum (scalar_optimizers/signum.py)',
  url: 'https://docs.nvidia.com/nemo/emerging-optimizers/latest/_modules/emerging_optimizers/scalar_optimizers/signum.html',
  locator: 'calculate_signum_update: sign-SGD or Signum on one exp_avg per tensor',
};
const ZHAO = {
  title: 'Zhao et al., Deconstructing What Makes a Good Optimizer for Language Models (2024)',
  url: 'https://arxiv.org/abs/2407.07972',
  locator: 'Abstract: signed momentum (Signum) recovers the performance and hyperparameter stability of Adam',
};

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'other', name: 'Signum', note: 'mxnet.optimizer.Signum / emerging_optimizers Signum: one momentum buffer per tensor' },
  { ecosystem: 'other', name: 'signSGD', variant: { forced: { momentum: 0 } }, note: 'Signum with momentum 0: no state' },
];

export const signum: OptimizerSpec<'signum'> = {
  id: 'signum',
  name: 'Signum',
  summary: 'Sign of the momentum (Signum) or of the gradient (signSGD, momentum 0) as the update: p = p*(1 - lr*wd) - lr*sign(m).',
  reference: MXNET,
  sources: [MXNET, PAPER, REPO, NEMO, ZHAO],
  defaults: { lr: 0.01, momentum: 0.9, weight_decay: 0, l2: 0 },
  lrRange: { low: 0.0001, high: 0.001, source: REPO },
  caveats: [
    { text: 'Every coordinate moves by exactly lr each step, so the learning rate is about 10x smaller than Adam\'s (Imagenet ResNet-50: Signum 1e-4, Adam 1e-3).', source: REPO },
    { text: 'momentum=0 is signSGD and keeps no state; any other momentum keeps one buffer per parameter.', source: PAPER },
    { text: 'Neither torch.optim nor the HF Trainer (OptimizerNames) has Signum: use a package (NVIDIA emerging_optimizers) or a short custom class.', source: NEMO },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: (tensor, ctx) => (hyperNumber(effectiveHyper(ctx), 'momentum', 0.9) !== 0 ? [stateTensor('momentum_buffer', tensor.shape, ctx.paramDtype)] : []),
};
