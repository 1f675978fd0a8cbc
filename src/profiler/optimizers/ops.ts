/** Small tensor helpers shared by the optimizers (functional tfjs ops only; no chained ops). */
import * as tf from '@tensorflow/tfjs-core';

/**
 * `torch.lerp(start, end, weight)` with a scalar weight, in the two-branch form PyTorch's CPU kernel
 * uses (start + w(end - start) below 0.5, end - (end - start)(1 - w) from 0.5), so float32 results
 * round the same way. Source: aten/src/ATen/native/Lerp.h (lerp).
 */
export function lerp(start: tf.Tensor, end: tf.Tensor, weight: number): tf.Tensor {
  const diff = tf.sub(end, start);
  return weight < 0.5 ? tf.add(start, tf.mul(diff, weight)) : tf.sub(end, tf.mul(diff, 1 - weight));
}

/** L2 norm of all elements, as a scalar tensor. */
export function l2norm(x: tf.Tensor): tf.Scalar {
  return tf.sqrt(tf.sum(tf.square(x))) as tf.Scalar;
}

/** Root mean square of all elements (HF Adafactor `_rms`: norm / sqrt(numel)). */
export function rms(x: tf.Tensor): tf.Scalar {
  return tf.div(l2norm(x), Math.sqrt(x.size));
}

/** G_(i) G_(i)^T: the tensor contracted with itself over every dim but `dim` (Shampoo's and SOAP's statistics). */
export function modeOuterProduct(x: tf.Tensor, dim: number): tf.Tensor2D {
  const perm = [dim, ...x.shape.map((_, j) => j).filter((j) => j !== dim)];
  const unfolded = tf.reshape(dim === 0 ? x : tf.transpose(x, perm), [x.shape[dim]!, -1]) as tf.Tensor2D;
  return tf.matMul(unfolded, unfolded, false, true);
}

/**
 * torch.tensordot(x, q, dims=[[0], [back ? 1 : 0]]): dim 0 of x contracted with q, the new axis placed
 * last (applied once per dim, this multiplies every mode by q or q^T).
 */
export function contractFirst(x: tf.Tensor, q: tf.Tensor2D, back = false): tf.Tensor {
  const [d0, ...rest] = x.shape;
  const flat = tf.reshape(x, [d0!, -1]) as tf.Tensor2D;
  return tf.reshape(tf.matMul(flat, q, true, back), [...rest, q.shape[back ? 0 : 1]]);
}

/**
 * sign(x): 1, -1 or 0 (0 for NaN), as torch.sign and the kernels' `sign`. tfjs's wasm backend's Sign
 * returns 0 for |x| up to about 1e-7 (measured: sign(2.5e-8) = sign(1e-7) = 0 there, 1 on cpu), which
 * changes a sign-based step whenever a momentum is that small; comparisons are exact on every backend.
 */
export function strictSign(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.cast(tf.greater(x, 0), 'float32'), tf.cast(tf.less(x, 0), 'float32'));
}
