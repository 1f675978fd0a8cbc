/**
 * Distributed Shampoo (facebookresearch/optimizers), default serial (non-distributed) configuration.
 *
 * Per parameter: the shape is first merged (use_merge_dims: drop size-1 dims, merge neighbours while the
 * product stays <= max_preconditioner_dim), then split into blocks of at most max_preconditioner_dim per
 * dimension. Per block and per block dimension d: a Kronecker factor [d, d] (factor_matrix_dtype) and its
 * inverse root [d, d] (inv_factor_matrix_dtype). Per block: filtered_grad (when betas[0] != 0), momentum
 * (when momentum != 0) and the grafting preconditioner (Adagrad/RMSprop/Adam grafting), all block-shaped.
 * PrecisionConfig defaults every one of these dtypes to torch.float. The step counter is one CPU int64
 * tensor per group.
 */
import { InputError, type ParamTensor } from '../types';
import type { OptimizerSpec, StateContext, StateTensor } from './types';
import type { CatalogSpelling } from './catalog-types';
import { effectiveHyper, hyperBoolean, hyperNumber, hyperPositiveInt, hyperString, hyperTupleItem } from './layout/hyper';
import { stateTensor } from './layout/state-tensor';

const DIST_SHAMPOO = {
  title: 'facebookresearch/optimizers Distributed Shampoo (distributed_shampoo/distributed_shampoo.py)',
  url: 'https://github.com/facebookresearch/optimizers/blob/3300fa1d6238565e81d4d57b5c9ea4c5f8caf410/distributed_shampoo/distributed_shampoo.py',
  locator: 'DistributedShampoo.__init__ defaults and _instantiate_* (filtered_grad, momentum, grafting); docstring: "Memory cost = 4mn" for a blocked m x n matrix',
};
const PRECONDITIONER_LIST = {
  title: 'facebookresearch/optimizers ShampooPreconditionerList',
  url: 'https://github.com/facebookresearch/optimizers/blob/3300fa1d6238565e81d4d57b5c9ea4c5f8caf410/distributed_shampoo/utils/shampoo_preconditioner_list.py',
  locator: 'factor_matrices and inv_factor_matrices: allocate_zeros_tensor((dim, dim), factor_matrix_dtype / inv_factor_matrix_dtype) for dim in block dims',
};
const README = {
  title: 'Distributed Shampoo README',
  url: 'https://github.com/facebookresearch/optimizers/blob/3300fa1d6238565e81d4d57b5c9ea4c5f8caf410/distributed_shampoo/README.md',
  locator: 'How to Use (Adam/AdamW grafting examples at lr=0.001, Adagrad/SGD grafting at lr=0.01) and Hyperparameter Tuning',
};
const PAPER = { title: 'Shi et al., A Distributed Data-Parallel PyTorch Implementation of the Distributed Shampoo Optimizer (2023)', url: 'https://arxiv.org/abs/2309.06497' };

/**
 * The block partition of Meta's Distributed Shampoo, shared by the memory estimator's state layout below and the
 * profiler's implementation (src/profiler/optimizers/shampoo.ts), whose trajectories are checked against the reference.
 *
 * merge_small_dims: squeeze size-1 dims (keep [1] if all are 1), merge neighbours while the product <= threshold.
 */
export function mergeSmallDims(shape: readonly number[], threshold: number): number[] {
  const squeezed = shape.filter((d) => d !== 1);
  const dims = squeezed.length > 0 ? squeezed : [1];
  const merged = [dims[0] as number];
  for (const d of dims.slice(1)) {
    const last = merged[merged.length - 1] as number;
    if (last * d <= threshold) merged[merged.length - 1] = last * d;
    else merged.push(d);
  }
  return merged;
}

/** Start offsets and sizes of the chunks a dimension is split into (multi_dim_split with split_size = max dim). */
function splits(dim: number, maxDim: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let start = 0; start < dim; start += maxDim) out.push([start, Math.min(maxDim, dim - start)]);
  return out;
}

/** Every block of a (merged) shape as its start and size in each dimension, in row-major block order. */
export function blocksOf(shape: readonly number[], maxDim: number): Array<{ begin: number[]; size: number[] }> {
  let blocks: Array<{ begin: number[]; size: number[] }> = [{ begin: [], size: [] }];
  for (const dim of shape) {
    const next: Array<{ begin: number[]; size: number[] }> = [];
    for (const b of blocks) for (const [start, n] of splits(dim, maxDim)) next.push({ begin: [...b.begin, start], size: [...b.size, n] });
    blocks = next;
  }
  return blocks;
}

const GRAFTING = ['sgd', 'adagrad', 'rmsprop', 'adam'] as const;

function graftingHasState(ctx: StateContext): boolean {
  const g = hyperString(effectiveHyper(ctx), 'grafting_config', null);
  if (g === null || g.toLowerCase() === 'none') return false;
  const kind = g.toLowerCase().replace(/graftingconfig$/, '');
  if (!(GRAFTING as readonly string[]).includes(kind)) {
    throw new InputError(`Shampoo grafting_config must be one of none, ${GRAFTING.join(', ')}; got "${g}"`);
  }
  return kind !== 'sgd';
}

function shampooStates(tensor: ParamTensor, ctx: StateContext): StateTensor[] {
  const h = effectiveHyper(ctx);
  const maxDim = hyperPositiveInt(h, 'max_preconditioner_dim', 1024);
  const shape = hyperBoolean(h, 'use_merge_dims', true) ? mergeSmallDims(tensor.shape, maxDim) : [...tensor.shape];
  const beta1 = hyperTupleItem(h, 'betas', 0, 0.9);
  const momentum = hyperNumber(h, 'momentum', 0);
  const grafting = graftingHasState(ctx);
  const states: StateTensor[] = [];
  blocksOf(shape, maxDim).forEach(({ size: block }, i) => {
    const prefix = `block_${i}`;
    block.forEach((d, k) => states.push(stateTensor(`${prefix}.shampoo.factor_matrices.${k}`, [d, d], 'fp32')));
    block.forEach((d, k) => states.push(stateTensor(`${prefix}.shampoo.inv_factor_matrices.${k}`, [d, d], 'fp32')));
    if (grafting) states.push(stateTensor(`${prefix}.grafting_preconditioner`, block, 'fp32'));
    if (beta1 !== 0) states.push(stateTensor(`${prefix}.filtered_grad`, block, 'fp32'));
    if (momentum !== 0) states.push(stateTensor(`${prefix}.momentum`, block, 'fp32'));
  });
  return states;
}

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'other', name: 'DistributedShampoo', note: 'distributed_shampoo.distributed_shampoo.DistributedShampoo' },
];

export const shampoo: OptimizerSpec<'shampoo'> = {
  id: 'shampoo',
  name: 'Shampoo (Distributed Shampoo)',
  summary: 'Block-diagonal Kronecker-factored full-matrix Adagrad preconditioner per tensor block, with optional learning-rate grafting.',
  reference: DIST_SHAMPOO,
  sources: [DIST_SHAMPOO, PRECONDITIONER_LIST, README, PAPER, { title: 'Gupta, Koren & Singer, Shampoo: Preconditioned Stochastic Tensor Optimization (ICML 2018)', url: 'https://arxiv.org/abs/1802.09568' }],
  defaults: {
    lr: 0.01, betas: [0.9, 1.0], beta3: -1.0, epsilon: 1e-12, momentum: 0.0, dampening: 0.0, weight_decay: 0.0,
    max_preconditioner_dim: 1024, precondition_frequency: 1, start_preconditioning_step: -1, inv_root_override: 0,
    exponent_multiplier: 1.0, use_nesterov: false, use_bias_correction: true, use_decoupled_weight_decay: true,
    grafting_config: null, use_merge_dims: true, use_pytorch_compile: false,
  },
  lrRange: { low: 0.001, high: 0.01, source: README },
  caveats: [
    { text: 'A blocked m x n matrix costs 4mn fp32 values (two factors and two inverse roots per block) plus block-shaped filtered gradient, momentum and grafting states; vectors cost d^2 per block, so 1-D tensors grow with max_preconditioner_dim.', source: DIST_SHAMPOO },
    { text: 'precondition_frequency (default 1) sets how often the root inverses are recomputed; README recommends values in the hundreds for speed, with start_preconditioning_step >= precondition_frequency.', source: README },
    { text: 'grafting_config is a Python object in the reference; the catalog reads it as one of none, sgd, adagrad, rmsprop, adam (AdaGrad/RMSprop/Adam grafting keep one block-shaped fp32 preconditioner).', source: DIST_SHAMPOO },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: shampooStates,
};
