/**
 * The "two moments" layout shared by the Adam family (adam, adamw, amsgrad, adamw-8bit, paged-adamw-8bit)
 * and reused by optimizers whose non-special tensors run Adam (Muon's auxiliary AdamW, GaLore's
 * full-rank tensors, LAMB's two moments).
 *
 * torch.optim.Adam/AdamW (pytorch/pytorch torch/optim/adam.py, Adam._init_group): exp_avg and exp_avg_sq
 * are `torch.zeros_like(p)` (parameter dtype), max_exp_avg_sq likewise when amsgrad=True. `step` is a
 * 0-dim float32 tensor that torch deliberately hosts on the CPU unless capturable or fused is set
 * ("special device hosting for step"); only then is it device memory, and only then is it counted here.
 * apex/DeepSpeed FusedAdam keep the step per group as a Python int (implementation 'fused').
 * bitsandbytes states follow layout/bnb8bit.ts; torchao.optim's low-bit states follow layout/torchao-lowbit.ts.
 */
import type { DType, ParamTensor } from '../../types';
import type { StateContext, StateTensor } from '../types';
import { catalogVariant } from '../catalog-types';
import { bnbStates, usesBnb } from './bnb8bit';
import { effectiveHyper, hyperBoolean } from './hyper';
import { torchaoAdamStates, usesTorchao } from './torchao-lowbit';
import { SCALAR, stateTensor } from './state-tensor';

/** torch's per-tensor `step`: a device fp32 scalar only when capturable or fused. */
export function torchDeviceStep(ctx: StateContext, flags: readonly ('capturable' | 'fused')[]): StateTensor[] {
  const v = catalogVariant(ctx);
  if (v.implementation === 'fused' || v.implementation === 'bnb' || v.implementation === 'torchao') return [];
  const h = effectiveHyper(ctx);
  return flags.some((f) => hyperBoolean(h, f, false)) ? [stateTensor('step', SCALAR, 'fp32')] : [];
}

export interface MomentNames {
  readonly first: string;
  readonly second: string;
}

export const TORCH_MOMENT_NAMES: MomentNames = { first: 'exp_avg', second: 'exp_avg_sq' };

/** Two full moments in `dtype` (default: the parameter's dtype, as zeros_like(p)). */
export function twoMoments(
  shape: readonly number[],
  dtype: DType,
  names: MomentNames = TORCH_MOMENT_NAMES,
): StateTensor[] {
  return [stateTensor(names.first, shape, dtype), stateTensor(names.second, shape, dtype)];
}

/** Full Adam-family layout for one tensor, honouring bitsandbytes and torchao spellings and amsgrad. */
export function adamFamilyStates(tensor: ParamTensor, ctx: StateContext, amsgrad: boolean): StateTensor[] {
  if (usesTorchao(ctx)) return torchaoAdamStates(tensor, ctx, amsgrad);
  if (usesBnb(ctx)) return bnbStates(tensor, ctx, 2);
  const states = twoMoments(tensor.shape, ctx.paramDtype);
  if (amsgrad) states.push(stateTensor('max_exp_avg_sq', tensor.shape, ctx.paramDtype));
  states.push(...torchDeviceStep(ctx, ['capturable', 'fused']));
  return states;
}
