/**
 * SOAP (nikhilvyas/SOAP soap.py): Adam run in the eigenbasis of Shampoo's preconditioner.
 * State per tensor: exp_avg and exp_avg_sq = zeros_like(grad) (parameter dtype); for every dimension
 * sh <= max_precond_dim (after the optional merge_dims) a preconditioner GG [sh, sh] = torch.zeros
 * (default dtype, fp32) and its eigenbasis Q [sh, sh] (computed from the fp32 GG, stays fp32);
 * 1-D tensors get GG/Q only with precondition_1d=True. `step` is a Python int.
 */
import type { ParamTensor } from '../types';
import type { OptimizerSpec, StateContext, StateTensor } from './types';
import type { CatalogSpelling } from './catalog-types';
import { twoMoments } from './layout/adam-moments';
import { effectiveHyper, hyperBoolean, hyperPositiveInt, hyperString } from './layout/hyper';
import { stateTensor } from './layout/state-tensor';

const SOAP_PY = {
  title: 'nikhilvyas/SOAP (soap.py)',
  url: 'https://github.com/nikhilvyas/SOAP/blob/f42d296cb4146a67fbe811371e6badb9a39cc54d/soap.py',
  locator: 'SOAP.__init__ defaults; init_preconditioner (GG), get_orthogonal_matrix (Q), merge_dims',
};
const PAPER = { title: 'Vyas et al., SOAP: Improving and Stabilizing Shampoo using Adam (2024)', url: 'https://arxiv.org/abs/2409.11321' };

/** SOAP.merge_dims: merge dims while the running product stays <= max_precond_dim. */
export function soapMergeDims(shape: readonly number[], maxDim: number): number[] {
  const merged: number[] = [];
  let current = 1;
  for (const sh of shape) {
    const next = current * sh;
    if (next > maxDim) {
      if (current > 1) {
        merged.push(current);
        current = sh;
      } else {
        merged.push(sh);
        current = 1;
      }
    } else {
      current = next;
    }
  }
  if (current > 1 || merged.length === 0) merged.push(current);
  return merged;
}

function soapStates(tensor: ParamTensor, ctx: StateContext): StateTensor[] {
  const h = effectiveHyper(ctx);
  const maxDim = hyperPositiveInt(h, 'max_precond_dim', 10000);
  const states = twoMoments(tensor.shape, ctx.paramDtype);
  let dims: readonly number[];
  if (tensor.shape.length === 1) {
    const n = tensor.shape[0] as number;
    dims = hyperBoolean(h, 'precondition_1d', false) && n <= maxDim ? [n] : [];
  } else if (hyperBoolean(h, 'merge_dims', false)) {
    const channelsLast = hyperString(h, 'data_format', 'channels_first') === 'channels_last' && tensor.shape.length === 4;
    const s = tensor.shape;
    dims = soapMergeDims(channelsLast ? [s[0] as number, s[3] as number, s[1] as number, s[2] as number] : s, maxDim).filter((d) => d <= maxDim);
  } else {
    dims = tensor.shape.filter((d) => d <= maxDim);
  }
  dims.forEach((d, k) => states.push(stateTensor(`GG.${k}`, [d, d], 'fp32')));
  dims.forEach((d, k) => states.push(stateTensor(`Q.${k}`, [d, d], 'fp32')));
  return states;
}

const spellings: readonly CatalogSpelling[] = [{ ecosystem: 'other', name: 'SOAP', note: 'soap.SOAP' }];

export const soap: OptimizerSpec<'soap'> = {
  id: 'soap',
  name: 'SOAP',
  summary: 'Adam in the eigenbasis of Shampoo\'s Kronecker factors, refreshed every precondition_frequency steps by power iteration + QR.',
  reference: SOAP_PY,
  sources: [SOAP_PY, PAPER],
  defaults: {
    lr: 0.003, betas: [0.95, 0.95], shampoo_beta: -1, eps: 1e-8, weight_decay: 0.01, precondition_frequency: 10,
    max_precond_dim: 10000, merge_dims: false, precondition_1d: false, normalize_grads: false, data_format: 'channels_first', correct_bias: true,
  },
  lrRange: { low: 0.003, high: 0.003, source: { ...SOAP_PY, locator: 'SOAP docstring: lr defaults to 0.003 (the repository documents no range)' } },
  caveats: [
    { text: 'Each dimension up to max_precond_dim (10000) keeps two fp32 [d, d] matrices (GG and its eigenbasis Q); larger dimensions (e.g. vocabularies) are left unpreconditioned.', source: SOAP_PY },
    { text: 'The first step only initialises the preconditioner (no parameter update).', source: SOAP_PY },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: soapStates,
};
