/**
 * Muon with its auxiliary AdamW (KellerJordan/Muon muon.py, MuonWithAuxAdam): hidden weights with >= 2
 * dims (`use_muon=True` groups) keep one momentum_buffer = zeros_like(p); embeddings, the output head
 * and gains/biases (`use_muon=False`) keep AdamW's exp_avg and exp_avg_sq = zeros_like(p); `step` is a
 * Python int. The README's split: exclude `model.embed_tokens.weight` and `lm_head.weight`, Muon for the
 * rest with p.ndim >= 2 (convolution filters are viewed as 2-D), AdamW for p.ndim < 2.
 */
import type { ParamTensor } from '../types';
import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { twoMoments } from './layout/adam-moments';
import { stateTensor } from './layout/state-tensor';
import { DEEPSPEED_ENGINE, TIMM_FACTORY } from './sources';

const MUON_PY = {
  title: 'KellerJordan/Muon (muon.py)',
  url: 'https://github.com/KellerJordan/Muon/blob/857d1adc159e098212f828d927460782d3da59e9/muon.py',
  locator: 'MuonWithAuxAdam: use_muon groups keep momentum_buffer, others exp_avg/exp_avg_sq; group defaults lr 0.02 / momentum 0.95 (Muon) and lr 3e-4, betas (0.9, 0.95), eps 1e-10 (AdamW)',
};
const README = {
  title: 'KellerJordan/Muon README',
  url: 'https://github.com/KellerJordan/Muon/blob/857d1adc159e098212f828d927460782d3da59e9/README.md',
  locator: 'Usage (hidden weights lr=0.02, weight_decay=0.01; AdamW lr=3e-4) and the NanoGPT speedrun example (Muon lr 0.05)',
};
const BLOG = { title: 'Jordan et al., Muon: An optimizer for hidden layers in neural networks (2024)', url: 'https://kellerjordan.github.io/posts/muon/' };
const TORCH_MUON = {
  title: 'PyTorch torch.optim.Muon',
  url: 'https://github.com/pytorch/pytorch/blob/b5ee4d7a797023e11507aea90811559872ce8ff6/torch/optim/_muon.py',
  locator: 'adjust_lr_fn: "original" (sqrt(max(1, A/B))) or "match_rms_adamw" (0.2 * sqrt(max(A, B)))',
};
/**
 * torch.optim.Muon's documented signature (first in PyTorch 2.9: the 2.9 documentation is the first to have the page;
 * pytorch/pytorch#160213, merged 2025-08-24): Muon(params, lr=0.001, weight_decay=0.1, momentum=0.95, nesterov=True,
 * ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-07, ns_steps=5, adjust_lr_fn=None); "Muon is an optimizer for 2D
 * parameters of neural network hidden layers. Other parameters, such as bias, and embedding, should be optimized by a
 * standard method such as AdamW."
 */
export const TORCH_MUON_DOCS = {
  title: 'PyTorch documentation: torch.optim.Muon (new in 2.9)',
  url: 'https://docs.pytorch.org/docs/2.9/generated/torch.optim.Muon.html',
  locator: 'class torch.optim.Muon(params, lr, weight_decay, momentum, nesterov, ns_coefficients, eps, ns_steps, adjust_lr_fn); note: for 2D parameters of hidden layers, others by AdamW',
};
/** The keyword arguments of torch.optim.Muon besides `params` (TORCH_MUON_DOCS). */
export const TORCH_MUON_ARGUMENTS = ['lr', 'weight_decay', 'momentum', 'nesterov', 'ns_coefficients', 'eps', 'ns_steps', 'adjust_lr_fn'] as const;
/**
 * DeepSpeed's Muon: it tags the hidden 2-D weights `use_muon` itself and updates the rest with Adam; the config takes
 * `muon_lr` / `adam_lr` for the two parts (DeepSpeed blog "Using Muon Optimizer with DeepSpeed"), and the Adam part
 * steps with its group's `betas` and `eps` (deepspeed/runtime/zero/muon/muon_optimizer.py: `adam_update(p.grad, ...,
 * group["betas"], group["eps"])`).
 */
const DEEPSPEED_MUON = {
  title: 'DeepSpeed blog: Using Muon Optimizer with DeepSpeed',
  url: 'https://github.com/deepspeedai/DeepSpeed/blob/7ad410899ed03b668a37fee49a045db706e8af3e/blogs/muon-optimizer/README.md',
  locator: '"The DeepSpeed config supports separate learning rates via muon_lr (for Muon parameters) and adam_lr (for Adam parameters)"; the engine tags 2-D hidden parameters use_muon',
};
/** The source that scaled Muon up: decoupled weight decay 0.1 and an update RMS matched to AdamW's. */
export const MOONLIGHT = {
  title: 'Liu et al., Muon is Scalable for LLM Training (Moonshot AI, arXiv 2502.16982); MoonshotAI/Moonlight examples/toy_train.py',
  url: 'https://github.com/MoonshotAI/Moonlight/blob/c2ad5b20c605086526a179d36901bfc41b52b44b/examples/toy_train.py',
  locator: 'Muon(lr=1e-3, wd=0.1): adjust_lr_for_muon = lr * 0.2 * sqrt(max(A, B)); p.mul_(1 - lr * wd) for Muon and AdamW parameters alike; abstract: "(1) adding weight decay and (2) carefully adjusting the per-parameter update scale"',
};

const AUX_ROLES: ReadonlySet<string> = new Set(['embedding', 'position-embedding', 'lm-head']);

/** Whether a tensor is optimised by Muon (true) or by the auxiliary AdamW (false). */
export function usesMuonUpdate(tensor: ParamTensor): boolean {
  return tensor.shape.length >= 2 && !AUX_ROLES.has(tensor.role);
}

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'other', name: 'MuonWithAuxAdam', note: 'muon.MuonWithAuxAdam' },
  { ecosystem: 'other', name: 'SingleDeviceMuonWithAuxAdam', note: 'muon.SingleDeviceMuonWithAuxAdam' },
  { ecosystem: 'other', name: 'Muon', note: 'muon.Muon for the hidden weights, paired with an AdamW for the rest (counted together)' },
  {
    ecosystem: 'pytorch',
    name: 'Muon',
    note: 'torch.optim.Muon accepts only 2-D parameters; the rest need a separate AdamW (counted together)',
    takes: TORCH_MUON_ARGUMENTS,
    hiddenWeightsOnly: TORCH_MUON_DOCS,
  },
  { ecosystem: 'deepspeed', name: 'Muon', note: 'DeepSpeed "muon": MuonWithAuxAdam split by each parameter\'s use_muon attribute', takes: ['lr', 'muon_lr', 'adam_lr', 'momentum', 'weight_decay', 'betas', 'eps'] },
  { ecosystem: 'timm', name: 'muon', note: 'timm.optim.Muon with AdamW fallback' },
  { ecosystem: 'timm', name: 'nmuon', note: 'timm Muon with Nesterov and NAdamW fallback (same state tensors)' },
];

export const muon: OptimizerSpec<'muon'> = {
  id: 'muon',
  name: 'Muon',
  summary: 'SGD-momentum on hidden 2-D weights whose update is orthogonalised by a Newton-Schulz iteration; AdamW for embeddings, head and 1-D tensors.',
  reference: MUON_PY,
  sources: [MUON_PY, README, BLOG, TORCH_MUON, TORCH_MUON_DOCS, MOONLIGHT, DEEPSPEED_ENGINE, DEEPSPEED_MUON, TIMM_FACTORY],
  defaults: { lr: 0.02, momentum: 0.95, weight_decay: 0, adjust_lr_fn: 'original', adam_lr: 0.0003, adam_betas: [0.9, 0.95], adam_eps: 1e-10, adam_weight_decay: 0 },
  lrRange: { low: 0.02, high: 0.05, source: README },
  caveats: [
    { text: 'Only hidden weights go to Muon; embeddings, the output head and gains/biases must use AdamW (adam_* keys here are the use_muon=False group).', source: README },
    { text: 'Only lr and weight decay need tuning; lr is in spectral-norm units and should transfer across model widths.', source: README },
    { text: 'At scale use decoupled weight decay 0.1 with adjust_lr_fn="match_rms_adamw" (update RMS 0.2*sqrt(max(A, B)), AdamW\'s): Muon then takes AdamW\'s learning rate and weight decay (the paper adds the decay because weights grew too large over long runs without it).', source: MOONLIGHT },
    { text: 'Newton-Schulz runs in bfloat16 on a temporary the size of each hidden weight.', source: MUON_PY },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: (tensor, ctx) =>
    usesMuonUpdate(tensor) ? [stateTensor('momentum_buffer', tensor.shape, ctx.paramDtype)] : twoMoments(tensor.shape, ctx.paramDtype),
};
