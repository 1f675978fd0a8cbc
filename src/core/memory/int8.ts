/**
 * LLM.int8() base weights (transformers `load_in_8bit=True` / BitsAndBytesConfig(load_in_8bit=True),
 * axolotl `load_in_8bit: true`): bitsandbytes replaces every Linear except the output head by
 * Linear8bitLt, whose Int8Params hold the weight as int8 (1 byte per value) plus SCB, one fp32
 * absmax scale per output row. Training adapters over it (PEFT LoRA), backward needs the input
 * gradient through the frozen weight: MatMul8bitLt dequantises the int8 weight to the input's half
 * dtype (CB * SCB / 127), one weight at a time, so one dequantised copy of the largest quantised
 * weight is in flight.
 */
import type { Citation } from '../types';

export const INT8_SOURCES: readonly Citation[] = [
  {
    title: 'Dettmers et al. 2022, LLM.int8(): 8-bit Matrix Multiplication for Transformers at Scale',
    url: 'https://arxiv.org/abs/2208.07339',
    locator: 'Section 3: vector-wise quantisation, int8 weights with one scaling constant per row; outlier features in fp16',
  },
  {
    title: 'bitsandbytes nn/modules.py, Int8Params and Linear8bitLt',
    url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/nn/modules.py',
    locator: 'Int8Params._quantize: CB (int8, the weight shape), SCB (fp32, one per row); Linear8bitLt(has_fp16_weights=False)',
  },
  {
    title: 'bitsandbytes autograd/_functions.py, MatMul8bitLt.backward',
    url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/autograd/_functions.py',
    locator: 'grad_A: CB = state.CB.to(ctx.dtype_A, copy=True).mul_(state.SCB.unsqueeze(1).mul(1.0 / 127.0)); torch.matmul(grad_output, CB)',
  },
];

/** Bytes of one LLM.int8 weight of shape [rows, cols]: int8 values plus an fp32 scale per row. */
export function int8WeightBytes(shape: readonly number[]): number {
  const rows = shape[0] ?? 1;
  const elements = shape.reduce((a, b) => a * b, 1);
  return elements + 4 * rows;
}
