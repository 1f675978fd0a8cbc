/**
 * QLoRA's dequantisation temporaries: bitsandbytes keeps the base Linear weights in 4 bit and, for
 * every matmul, dequantises one weight to the dtype it was quantised from, casts it to the compute
 * dtype (`bnb_4bit_compute_dtype`, the dtype Linear4bit casts its input to) and, under torch
 * autocast, F.linear casts it once more to the autocast dtype. One layer runs at a time, so the
 * largest quantised weight sets the size; the copies live until its matmul ends.
 */
import type { Citation, DType, FloatDtype } from '../types';
import { bytesOf } from '../types';

export const DEQUANT_SOURCES: readonly Citation[] = [
  {
    title: 'bitsandbytes autograd/_functions.py, MatMul4Bit',
    url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/autograd/_functions.py',
    locator: 'forward: F.linear(A, F.dequantize_4bit(B, quant_state).to(A.dtype).t(), bias); backward: F.dequantize_4bit(B, ctx.state).to(grad_output.dtype)',
  },
  {
    title: 'bitsandbytes nn/modules.py, Linear4bit.forward',
    url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/nn/modules.py',
    locator: 'x = x.to(self.compute_dtype); matmul_4bit(x, self.weight.t(), ...).to(inp_dtype)',
  },
  {
    title: 'transformers docs: bitsandbytes, compute data type',
    url: 'https://huggingface.co/docs/transformers/quantization/bitsandbytes',
    locator: 'bnb_4bit_compute_dtype: change the data type from float32 (the default value) to bf16',
  },
];

export interface DequantTemporary {
  readonly bytes: number;
  readonly note: string;
}

/**
 * Bytes of the copies one dequantised weight of `elements` values makes: the dequantised tensor in
 * `stored` (the dtype the weight had when it was quantised), its cast to `compute` when that
 * differs, and its cast to `autocast` (null without autocast) when that differs from `compute`.
 * `computeAssumption` says why `compute` was assumed (null when the job states it).
 */
export function dequantTemporary(elements: number, stored: DType, compute: FloatDtype, autocast: DType | null, computeAssumption: string | null): DequantTemporary {
  const copies: DType[] = [stored];
  if (compute !== stored) copies.push(compute);
  if (autocast !== null && autocast !== compute) copies.push(autocast);
  const bytes = copies.reduce((s, d) => s + bytesOf(elements, d), 0);
  const computeText = computeAssumption === null ? `compute dtype ${compute}` : `compute dtype ${compute}, assumed: ${computeAssumption}`;
  return {
    bytes,
    note: `QLoRA: activations include one dequantised 4-bit weight in flight (largest, ${elements.toLocaleString('en-US')} values: ${copies.join(' + ')}; ${computeText}).`,
  };
}
