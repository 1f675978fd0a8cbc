/**
 * torchao low-bit Adam/AdamW state layout (torchao.optim AdamW8bit / AdamW4bit, formerly
 * torchao.prototype.low_bit_optim), used by the catalog's spellings with `implementation: 'torchao'`.
 *
 * Source: pytorch/ao at commit 36027d82d1ad9949597ea16002ff4940374b1b94 (TORCHAO_LOW_BIT_OPTIM in ../sources.ts):
 * - torchao/optim/adam.py `_AdamBase.step`: per parameter `step = torch.tensor(0.0)` (a CPU fp32 scalar, not
 *   device memory), `exp_avg` (signed map), `exp_avg_sq` (unsigned map) and, with amsgrad, `max_exp_avg_sq`
 *   (unsigned), each from `_new_buffer`;
 * - `_new_buffer`: a quantised tensor subclass only when the (local, per-rank) tensor has at least 4096 elements
 *   AND its element count is divisible by block_size; otherwise `torch.zeros_like(p)`, in the parameter's dtype;
 * - block_size defaults: AdamW8bit 256, AdamW4bit 128 (HF Trainer passes 256 for both, see the spellings);
 * - torchao/optim/subclass_8bit.py `OptimState8bit.zeros`: `codes` uint8 of the parameter's shape, `scale`
 *   fp32 [numel // block_size], and a per-state `qmap` fp32 tensor of 256 entries (create_dynamic_map, 8 bits);
 * - torchao/optim/subclass_4bit.py `OptimState4bit.zeros`: `codes` uint8 [numel // 2] (two 4-bit codes per
 *   byte), `scale` fp32 [numel // block_size], and a per-state `qmap` fp32 of 16 entries (signed:
 *   create_dynamic_map(True, 3, 4); unsigned: linspace(0, 1, 17)[1:]);
 * - every state builds its own qmap with torch.tensor(...) on the parameter's device, so qmaps are
 *   per-state, not shared (unlike bitsandbytes' optimizer-global maps, layout/bnb8bit.ts).
 * Under FSDP2 (DTensor) the size test runs on each rank's local shard; this layout applies it to the tensor
 * it is given.
 */
import { numel } from '../../types';
import type { ParamTensor } from '../../types';
import type { StateContext, StateTensor } from '../types';
import { catalogVariant } from '../catalog-types';
import { effectiveHyper, hyperBoolean, hyperPositiveInt } from './hyper';
import { stateTensor } from './state-tensor';

/** `_new_buffer` quantises only tensors with at least this many elements ("follow bitsandbytes"). */
export const TORCHAO_MIN_QUANT_SIZE = 4096;

interface LowBitFormat {
  readonly defaultBlockSize: number;
  /** Entries of one state's quantisation map (fp32). */
  readonly qmapEntries: number;
  /** Code elements per stored byte. */
  readonly codesPerByte: number;
}

const FORMATS: Readonly<Record<4 | 8, LowBitFormat>> = {
  8: { defaultBlockSize: 256, qmapEntries: 256, codesPerByte: 1 },
  4: { defaultBlockSize: 128, qmapEntries: 16, codesPerByte: 2 },
};

export function usesTorchao(ctx: StateContext): boolean {
  return catalogVariant(ctx).implementation === 'torchao';
}

function formatOf(ctx: StateContext): LowBitFormat {
  const bits = catalogVariant(ctx).stateBits;
  return bits === 4 ? FORMATS[4] : FORMATS[8];
}

/** The block size in effect (the user's `block_size`, the spelling's forced/implied one, or the class default). */
export function torchaoBlockSize(ctx: StateContext): number {
  return hyperPositiveInt(effectiveHyper(ctx), 'block_size', formatOf(ctx).defaultBlockSize);
}

/** True when `_new_buffer` builds a quantised state for a tensor of `n` elements. */
export function torchaoQuantizes(n: number, blockSize: number): boolean {
  return n >= TORCHAO_MIN_QUANT_SIZE && n % blockSize === 0;
}

/** One state (`exp_avg`, ...) as `_new_buffer` allocates it. */
function lowBitBuffer(name: string, tensor: ParamTensor, ctx: StateContext, format: LowBitFormat, blockSize: number): StateTensor[] {
  const n = numel(tensor.shape);
  if (!torchaoQuantizes(n, blockSize)) return [stateTensor(name, tensor.shape, ctx.paramDtype)];
  const codesShape = format.codesPerByte === 1 ? tensor.shape : [Math.floor(n / format.codesPerByte)];
  return [
    stateTensor(`${name}.codes`, codesShape, 'uint8'),
    stateTensor(`${name}.scale`, [Math.floor(n / blockSize)], 'fp32'),
    stateTensor(`${name}.qmap`, [format.qmapEntries], 'fp32'),
  ];
}

/** The Adam-family states of one tensor under torchao.optim (Adam/AdamW 8-bit or 4-bit). */
export function torchaoAdamStates(tensor: ParamTensor, ctx: StateContext, amsgrad: boolean): StateTensor[] {
  const format = formatOf(ctx);
  const blockSize = torchaoBlockSize(ctx);
  const names = ['exp_avg', 'exp_avg_sq'];
  if (amsgrad || hyperBoolean(effectiveHyper(ctx), 'amsgrad', false)) names.push('max_exp_avg_sq');
  return names.flatMap((name) => lowBitBuffer(name, tensor, ctx, format, blockSize));
}

/** Keyword arguments of torchao.optim AdamW8bit / AdamW4bit (adam.py): what a fix may write for these spellings. */
export const TORCHAO_ADAMW_ARGUMENTS: readonly string[] = ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'block_size', 'bf16_stochastic_round'];

/** HF Trainer passes block_size = optim_args.get("block_size", 256) to both torchao classes (HF_TRAINER_TORCHAO). */
export const HF_TORCHAO_BLOCK_SIZE = 256;
