/**
 * Storage of a bitsandbytes NF4 (4-bit NormalFloat) weight with double quantisation, as QLoRA
 * loads a base model (or without it, one fp32 absmax per block): 4-bit codes packed two per byte, one absmax per 64-element block quantised
 * to 8 bits, and one fp32 absmax per 256 of those (the second quantisation level).
 */
import type { Citation } from '../types';

export const NF4_SOURCES: readonly Citation[] = [
  {
    title: 'Dettmers et al. 2023, QLoRA: Efficient Finetuning of Quantized LLMs',
    url: 'https://arxiv.org/abs/2305.14314',
    locator:
      'Section 3, Double Quantization: blocksize 64 for W, 8-bit constants with blocksize 256 -> 8/64 + 32/(64*256) = 0.127 bits per parameter of quantisation constants',
  },
  {
    title: 'bitsandbytes functional.quantize_4bit',
    url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/functional.py',
    locator:
      'quantize_4bit: packed uint8 (2 values/byte), absmax per block; compress_statistics=True quantises absmax blockwise (256) after subtracting its mean (offset); QuantState keeps the 16-entry NF4 code',
  },
];

/** NF4 block size of the weights (QLoRA paper; bitsandbytes default blocksize 64). */
export const NF4_BLOCKSIZE = 64;
/** Block size of the second quantisation of the absmax constants. */
export const NF4_DOUBLE_QUANT_BLOCKSIZE = 256;
/** Entries of the NF4 code table kept (as fp32) in each tensor's QuantState. */
export const NF4_CODE_ENTRIES = 16;

/**
 * Bytes of one NF4 tensor of `elements` values on the GPU, double-quantised unless `doubleQuant`
 * is false (then quantize_4bit keeps one fp32 absmax per block: compress_statistics=False).
 */
export function nf4Bytes(elements: number, doubleQuant = true): number {
  const packed = Math.ceil(elements / 2);
  const blocks = Math.ceil(elements / NF4_BLOCKSIZE);
  if (!doubleQuant) return packed + blocks * 4 + NF4_CODE_ENTRIES * 4;
  const absmax8bit = blocks; // uint8 per block
  const absmaxOfAbsmax = Math.ceil(blocks / NF4_DOUBLE_QUANT_BLOCKSIZE) * 4; // fp32 per 256 blocks
  const offset = 4; // fp32 mean subtracted before the second quantisation
  const code = NF4_CODE_ENTRIES * 4;
  return packed + absmax8bit + absmaxOfAbsmax + offset + code;
}
