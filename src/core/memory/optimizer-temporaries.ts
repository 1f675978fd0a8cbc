/**
 * Temporaries of the optimizer step when the catalog does not model them (spec.stepTemporaryBytes
 * absent). PyTorch's default on CUDA is the foreach ("multi-tensor") implementation, which runs
 * each update over the whole param group and materialises out-of-place intermediates as full
 * lists: for Adam/AdamW `exp_avg_sq_sqrt = torch._foreach_sqrt(device_exp_avg_sqs)` is one
 * state-sized list, and L2 weight decay (`device_grads = torch._foreach_add(device_grads,
 * device_params, alpha=weight_decay)`) one gradient-sized list. The single-tensor path
 * (foreach=False) makes the same intermediates one tensor at a time (largest tensor counts);
 * fused kernels (fused=True, apex/DeepSpeed FusedAdam) and bitsandbytes update in place (0).
 * torchao's low-bit Adam/AdamW (optimizers/layout/torchao-lowbit.ts) makes no foreach lists: its step runs one
 * torch.compile'd kernel per parameter (torchao/optim/adam.py, single_param_adam); that kernel's own buffers for
 * one tensor are not modelled (0, said in the note).
 */
import type { CatalogVariant } from '../optimizers';
import type { OptimizerId, ResolvedOptimizer } from '../optimizers/types';
import type { Citation, DType, Hyperparameters, HyperValue, ParamTensor } from '../types';
import { bytesOf, numel } from '../types';

export const FOREACH_SOURCES: readonly Citation[] = [
  {
    title: 'torch.optim.adam / adamw _multi_tensor_adam',
    url: 'https://github.com/pytorch/pytorch/blob/dc80ccded5385cca3e777472d64cfe3d874fad89/torch/optim/adam.py',
    locator: '_multi_tensor_adam: exp_avg_sq_sqrt = torch._foreach_sqrt(device_exp_avg_sqs); weight_decay (L2): device_grads = torch._foreach_add(...)',
  },
  {
    title: 'torch.optim.rmsprop / adagrad _multi_tensor_*',
    // Not pinned to a commit: the one stored version of rmsprop.py reachable here is the 2016 file without
    // _multi_tensor_rmsprop, so the locator cannot be checked (test/unit/citations-pinned.test.ts, EXEMPT).
    url: 'https://github.com/pytorch/pytorch/blob/main/torch/optim/rmsprop.py',
    locator: '_multi_tensor_rmsprop: avg = torch._foreach_sqrt(square_avgs); adagrad.py: std = torch._foreach_sqrt(state_sums)',
  },
  {
    title: 'torch.optim.sgd _multi_tensor_sgd',
    url: 'https://github.com/pytorch/pytorch/blob/0316fdce3d7cd6b72508ea175f38e4ad19ed5072/torch/optim/sgd.py',
    locator: 'weight_decay != 0: device_grads = torch._foreach_add(device_grads, device_params, alpha=weight_decay)',
  },
  {
    title: 'torch.optim: foreach default on CUDA',
    url: 'https://pytorch.org/docs/stable/optim.html',
    locator: 'Algorithms: "we default to foreach over for-loop when on CUDA"; fused implementations update in place',
  },
];

/** Out-of-place lists one step makes: state-sized (in the state dtype) and gradient-sized. */
interface TemporaryRule {
  readonly stateLists: (hyper: Hyperparameters, decoupled: boolean) => number;
  readonly gradLists: (hyper: Hyperparameters, decoupled: boolean) => number;
}

const num = (v: HyperValue | undefined): number => (typeof v === 'number' ? v : 0);
const l2 = (hyper: Hyperparameters, decoupled: boolean): number => (!decoupled && num(hyper['weight_decay']) !== 0 ? 1 : 0);

/** torch.optim classes whose foreach step allocates list temporaries (see FOREACH_SOURCES). */
export const FOREACH_TEMPORARIES: Readonly<Partial<Record<OptimizerId, TemporaryRule>>> = {
  adam: { stateLists: () => 1, gradLists: l2 },
  adamw: { stateLists: () => 1, gradLists: l2 },
  amsgrad: { stateLists: () => 1, gradLists: l2 },
  rmsprop: { stateLists: () => 1, gradLists: l2 },
  adagrad: { stateLists: () => 1, gradLists: l2 },
  sgd: { stateLists: () => 0, gradLists: l2 },
  'sgd-momentum': { stateLists: () => 0, gradLists: l2 },
  nesterov: { stateLists: () => 0, gradLists: l2 },
};

export interface TemporaryEstimate {
  readonly bytes: number;
  readonly note: string;
}

/**
 * Temporaries of one step over `trainable` (one param group) whose states are in `stateDtype`
 * and gradients in `gradDtype`, or null when no rule applies.
 */
export function foreachTemporaries(
  optimizer: ResolvedOptimizer,
  trainable: readonly ParamTensor[],
  stateDtype: DType,
  gradDtype: DType,
  hyper: Hyperparameters,
): TemporaryEstimate | null {
  const rule = FOREACH_TEMPORARIES[optimizer.id];
  if (rule === undefined) return null;
  // The catalog carries its implementation choice and forced hyperparameters in the variant.
  const variant = optimizer.variant as CatalogVariant;
  const h: Hyperparameters = variant.forced ? { ...hyper, ...variant.forced } : hyper;
  const implementation = variant.implementation;
  if (implementation === 'torchao') {
    return { bytes: 0, note: 'torchao steps one parameter at a time in a compiled kernel (no foreach lists); that kernel\'s buffers for one tensor are not modelled.' };
  }
  if (implementation === 'fused' || implementation === 'bnb' || h['fused'] === true || optimizer.variant.stateBits === 8) {
    return { bytes: 0, note: 'fused/bitsandbytes kernels update in place (no step temporaries).' };
  }
  const decoupled = optimizer.variant.decoupledWeightDecay;
  const stateLists = rule.stateLists(h, decoupled);
  const gradLists = rule.gradLists(h, decoupled);
  if (h['foreach'] === false) {
    let largest = 0;
    for (const t of trainable) largest = Math.max(largest, numel(t.shape));
    return {
      bytes: stateLists * bytesOf(largest, stateDtype) + gradLists * bytesOf(largest, gradDtype),
      note: `single-tensor step: ${stateLists + gradLists} temporary tensor(s) of the largest parameter.`,
    };
  }
  let elements = 0;
  for (const t of trainable) elements += numel(t.shape);
  return {
    bytes: stateLists * bytesOf(elements, stateDtype) + gradLists * bytesOf(elements, gradDtype),
    note: `torch foreach step: ${stateLists} state-sized and ${gradLists} gradient-sized temporary list(s) over the param group.`,
  };
}
