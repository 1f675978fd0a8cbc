/**
 * bitsandbytes optimizer state layout (Optimizer1State / Optimizer2State.init_state), shared by every
 * optimizer that bitsandbytes offers in 8 bit (Adam, AdamW, Lion, SGD, RMSprop, Adagrad, LAMB) and by
 * GaLoreAdamW8bit, which subclasses Optimizer2State.
 *
 * Source: bitsandbytes-foundation/bitsandbytes, bitsandbytes/optim/optimizer.py (init_state, >= 0.44):
 * - optim_bits 32 -> state1/state2 are fp32 (`torch.zeros_like(p, dtype=torch.float32)`), whatever the
 *   parameter dtype;
 * - optim_bits 8 -> state1/state2 are uint8 and, with block_wise (default True), one fp32 absmax per block
 *   of 256 elements (`blocks = n // 256 + (1 if n % 256 > 0 else 0)`); without block_wise, fp32 max1/new_max1
 *   (and max2/new_max2) of shape [1];
 * - tensors with fewer than min_8bit_size (default 4096) elements keep 32-bit states;
 * - percentile_clipping < 100 adds gnorm_vec fp32 [100]; max_unorm > 0 adds unorm_vec fp32 [1];
 * - the quantile maps ("dynamic", and "udynamic" for 2-state optimizers) are created once per optimizer
 *   (fill_qmap) and moved to the device on first 8-bit init_state; every parameter's qmap1/qmap2 refers
 *   to that one shared tensor, so they are optimizer-global state (256 fp32 each, create_dynamic_map).
 * - paged optimizers allocate state1/state2 with F.get_paged (CUDA unified memory) for tensors of at
 *   least 1e5 elements; the catalog counts them in device memory like the rest.
 * - the per-parameter `step` is a Python int (no tensor).
 */
import { numel, type DType } from '../../types';
import type { ParamTensor } from '../../types';
import type { StateContext, StateTensor } from '../types';
import { catalogVariant } from '../catalog-types';
import { effectiveHyper, hyperBoolean, hyperNumber } from './hyper';
import { stateTensor } from './state-tensor';

export const BNB_BLOCK_SIZE = 256;
export const BNB_MIN_8BIT_SIZE = 4096;
/** Entries of a bitsandbytes quantile map (F.create_dynamic_map pads to 2**8 values). */
export const BNB_QMAP_ENTRIES = 256;

export interface BnbOptions {
  /** Default of max_unorm for this class (LAMB: 1.0; everything else: 0.0). */
  readonly maxUnormDefault?: number;
}

/**
 * True when the spelling selects the bitsandbytes implementation (explicitly or via 8-bit states that no
 * other implementation claims: torchao's are layout/torchao-lowbit.ts).
 */
export function usesBnb(ctx: StateContext): boolean {
  const v = catalogVariant(ctx);
  return v.implementation === 'bnb' || (v.stateBits === 8 && v.implementation !== 'torchao');
}

/**
 * The module is an nn.Embedding: token embeddings, and 2-D learned position / token-type tables
 * (ViT position embeddings and class tokens are plain nn.Parameter of rank 3 and are not registered).
 */
function isNnEmbedding(tensor: ParamTensor): boolean {
  return tensor.role === 'embedding' || (tensor.role === 'position-embedding' && tensor.shape.length === 2);
}

/** Bits the states of this tensor actually get (override, then min_8bit_size). */
export function bnbStateBitsFor(tensor: ParamTensor, ctx: StateContext): 8 | 32 {
  const v = catalogVariant(ctx);
  if (v.stateBits !== 8) return 32;
  if (v.embedding32bitOverride === true && isNnEmbedding(tensor)) return 32;
  const minSize = hyperNumber(effectiveHyper(ctx), 'min_8bit_size', BNB_MIN_8BIT_SIZE);
  return numel(tensor.shape) < minSize ? 32 : 8;
}

/** State of one tensor under bitsandbytes; `shape` defaults to the tensor's (GaLore passes the low-rank shape). */
export function bnbStates(
  tensor: ParamTensor,
  ctx: StateContext,
  stateCount: 1 | 2,
  options: BnbOptions = {},
  shape: readonly number[] = tensor.shape,
): StateTensor[] {
  const h = effectiveHyper(ctx);
  const bits = numel(shape) < hyperNumber(h, 'min_8bit_size', BNB_MIN_8BIT_SIZE) ? 32 : bnbStateBitsFor(tensor, ctx);
  const states: StateTensor[] = [];
  const names = stateCount === 2 ? (['1', '2'] as const) : (['1'] as const);
  const stateDtype: DType = bits === 8 ? 'uint8' : 'fp32';
  for (const i of names) states.push(stateTensor(`state${i}`, shape, stateDtype));
  if (bits === 8) {
    if (hyperBoolean(h, 'block_wise', true)) {
      const blocks = Math.ceil(numel(shape) / BNB_BLOCK_SIZE);
      for (const i of names) states.push(stateTensor(`absmax${i}`, [blocks], 'fp32'));
    } else {
      for (const i of names) {
        states.push(stateTensor(`max${i}`, [1], 'fp32'));
        states.push(stateTensor(`new_max${i}`, [1], 'fp32'));
      }
    }
  }
  if (hyperNumber(h, 'percentile_clipping', 100) < 100) states.push(stateTensor('gnorm_vec', [100], 'fp32'));
  if (hyperNumber(h, 'max_unorm', options.maxUnormDefault ?? 0) > 0) states.push(stateTensor('unorm_vec', [1], 'fp32'));
  return states;
}

/**
 * The shared quantile maps on the device, present once any tensor got 8-bit states.
 * `eightBit` tells whether a given tensor's states are 8-bit (callers with low-rank shapes pass their own).
 */
export function bnbGlobalState(
  tensors: readonly ParamTensor[],
  ctx: StateContext,
  stateCount: 1 | 2,
  eightBit: (t: ParamTensor) => boolean = (t) => bnbStateBitsFor(t, ctx) === 8,
): StateTensor[] {
  if (catalogVariant(ctx).stateBits !== 8 || !usesBnb(ctx)) return [];
  if (!tensors.some(eightBit)) return [];
  const maps = [stateTensor('dynamic', [BNB_QMAP_ENTRIES], 'fp32')];
  if (stateCount === 2) maps.push(stateTensor('udynamic', [BNB_QMAP_ENTRIES], 'fp32'));
  return maps;
}

