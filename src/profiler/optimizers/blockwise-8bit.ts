/**
 * Blockwise dynamic 8-bit quantisation of optimizer states, as bitsandbytes: the 256-value "dynamic"
 * maps (signed for the first moment, unsigned for the second), blocks of 256 elements, one fp32 absmax
 * per block, each element stored as the index of the nearest map value to value * (1/absmax).
 * Sources: bitsandbytes-foundation/bitsandbytes bitsandbytes/functional.py (create_dynamic_map),
 * bitsandbytes/backends/triton/kernels_optim.py (_quantize_blockwise_pytorch / _dequantize_blockwise_pytorch,
 * the pure-PyTorch reference of the blockwise kernels) and csrc/kernels.cu kOptimizerStatic8bit2StateBlockwise
 * (the 8-bit optimizers' requantisation: __fdividef(value, absmax), a fast approximate division, here the
 * float32 product with the block's float32 reciprocal; the PyTorch reference divides).
 *
 * tfjs has no uint8 dtype: the codes are kept one byte each in a 'bool' tensor holding 0-255, which the
 * cpu and wasm backends store as a Uint8Array and leave intact. Codes move between device and
 * JavaScript by data() / tensor() (no op touches them as booleans).
 */
import * as tf from '@tensorflow/tfjs-core';

/** bitsandbytes' blocksize for blockwise optimizer states. */
export const BLOCK_SIZE = 256;

/**
 * `create_dynamic_map(signed, max_exponent_bits=7, total_bits=8)`: for i in 0..6, the midpoints of
 * linspace(0.1, 1, 2^i + 1) (signed) or linspace(0.1, 1, 2^(i+1) + 1) (unsigned) scaled by 10^(i-6),
 * with their negatives when signed, plus 0 and 1; sorted. Computed in float64 and rounded to float32
 * (bitsandbytes builds it in float32 torch ops, which can differ in the last bit).
 */
export function dynamicMap(signed: boolean): Float32Array {
  const maxExponentBits = 7;
  const nonSignBits = 7;
  const data: number[] = [];
  for (let i = 0; i < maxExponentBits; i++) {
    const items = signed ? 2 ** (i + nonSignBits - maxExponentBits) + 1 : 2 ** (i + nonSignBits - maxExponentBits + 1) + 1;
    const scale = 10 ** (-(maxExponentBits - 1) + i);
    for (let k = 0; k + 1 < items; k++) {
      const lo = 0.1 + (0.9 * k) / (items - 1);
      const hi = 0.1 + (0.9 * (k + 1)) / (items - 1);
      const mean = (lo + hi) / 2;
      data.push(scale * mean);
      if (signed) data.push(-scale * mean);
    }
  }
  data.push(0, 1);
  if (data.length !== 256) throw new Error(`dynamic map has ${data.length} values, expected 256`);
  data.sort((a, b) => a - b);
  return Float32Array.from(data);
}

function blocksOf(n: number): number {
  return Math.ceil(n / BLOCK_SIZE);
}

/** Values of `codes` (indices into `code`) times their block's absmax; shape [n]. */
export function dequantizeBlockwise(codes: Uint8Array, absmax: tf.Tensor, code: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const n = codes.length;
    const nb = blocksOf(n);
    const values = tf.gather(code, tf.tensor1d(Int32Array.from(codes), 'int32'));
    const padded = tf.pad(values, [[0, nb * BLOCK_SIZE - n]]);
    const scaled = tf.mul(tf.reshape(padded, [nb, BLOCK_SIZE]), tf.expandDims(absmax, 1));
    return tf.slice(tf.reshape(scaled, [nb * BLOCK_SIZE]), 0, n) as tf.Tensor1D;
  });
}

export interface QuantizedBlocks {
  readonly codes: Uint8Array;
  /** fp32 [blocks]; a block of zeros gets absmax 1 (as the reference) so that its codes stay finite. */
  readonly absmax: tf.Tensor1D;
}

/** Nearest-code indices of x * (1/absmax(block)) in float32 (ties to the lower index, as argmin). */
export function quantizeBlockwise(x: tf.Tensor, code: tf.Tensor1D): QuantizedBlocks {
  const n = x.size;
  const nb = blocksOf(n);
  const [absmax, index] = tf.tidy(() => {
    const blocks = tf.reshape(tf.pad(tf.reshape(x, [n]), [[0, nb * BLOCK_SIZE - n]]), [nb, BLOCK_SIZE]);
    const rawMax = tf.max(tf.abs(blocks), 1);
    const amax = tf.where(tf.equal(rawMax, 0), tf.onesLike(rawMax), rawMax);
    const scaled = tf.slice(tf.reshape(tf.mul(blocks, tf.expandDims(tf.reciprocal(amax), 1)), [nb * BLOCK_SIZE]), 0, n);
    const last = code.size - 1;
    const upper = tf.minimum(tf.maximum(tf.lowerBound(code, scaled), tf.scalar(1, 'int32')), tf.scalar(last, 'int32'));
    const lower = tf.sub(upper, tf.scalar(1, 'int32'));
    const distLower = tf.abs(tf.sub(scaled, tf.gather(code, lower)));
    const distUpper = tf.abs(tf.sub(scaled, tf.gather(code, upper)));
    return [amax, tf.where(tf.lessEqual(distLower, distUpper), lower, upper)];
  });
  const codes = Uint8Array.from(index.dataSync());
  index.dispose();
  return { codes, absmax: absmax as tf.Tensor1D };
}

/** A bool-dtype tensor holding one code per byte. */
export function codesTensor(codes: Uint8Array, shape: readonly number[]): tf.Tensor {
  return tf.tensor(codes, [...shape], 'bool');
}

/** The codes of a bool-dtype tensor made by `codesTensor`. */
export function readCodes(t: tf.Tensor): Uint8Array {
  const data = t.dataSync();
  if (!(data instanceof Uint8Array)) throw new Error(`8-bit codes are stored as ${t.dtype}, expected bool bytes`);
  return data;
}
