/**
 * 8-bit AdamW as bitsandbytes `AdamW8bit` (Dettmers et al., 2022, "8-bit Optimizers via Block-wise
 * Quantization"): both moments stored blockwise-quantised (see blockwise-8bit.ts) for tensors with at
 * least min_8bit_size elements, in fp32 otherwise. One step dequantises, updates
 *   m <- b1*m + (1-b1)*g;  v <- b2*v + (1-b2)*g^2;  p <- p*(1 - lr*wd);
 *   p <- p + stepSize * m / (sqrt(v) + eps*c2)   (c2 = sqrt(1-b2^t), stepSize = -lr*c2/(1-b1^t))
 * with the unquantised new moments, then requantises them with fresh block absmax values, each value
 * times the float32 reciprocal of its block's absmax.
 * Sources: bitsandbytes/optim/adamw.py (AdamW8bit defaults), bitsandbytes/optim/optimizer.py
 * (Optimizer2State: state1/state2/absmax1/absmax2, blocksize 256, min_8bit_size); the 8-bit update's
 * arithmetic is bitsandbytes' CUDA kernel's, csrc/kernels.cu kOptimizerStatic8bit2StateBlockwise (lines
 * 932-934 and 1098-1100 at bitsandbytes commit ab9709a5): the bias correction folded into the step size
 * and eps (the form of its fp32 path too, backends/default/ops.py _optimizer_update_32bit), and the
 * requantisation's quotient __fdividef(value, new absmax) (lines 1115-1116), a fast approximate division,
 * taken here as value * (1/absmax) in float32. The pure-PyTorch reference
 * (backends/triton/kernels_optim.py optimizer_update_8bit_blockwise_pytorch "adam") writes the unfolded
 * form and a true division: the same values to float32 rounding. Weight decay is applied before the
 * update, as that reference and _optimizer_update_32bit (the CUDA kernels apply it after).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerId } from '../../core/optimizers/types';
import { InputError, type Citation, type Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import { codesTensor, dequantizeBlockwise, dynamicMap, quantizeBlockwise, readCodes } from './blockwise-8bit';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader, MAX_DECAY } from './hyper';

export const BNB_ADAMW8BIT: Citation = {
  title: 'bitsandbytes AdamW8bit',
  url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/optim/adamw.py',
  locator: 'bitsandbytes/optim/adamw.py (AdamW8bit), optim/optimizer.py (Optimizer2State)',
};

/** bitsandbytes AdamW8bit defaults (weight_decay 1e-2, min_8bit_size 4096, percentile_clipping 100). */
export const ADAMW_8BIT_DEFAULTS: Hyperparameters = {
  lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, amsgrad: false, min_8bit_size: 4096,
  percentile_clipping: 100, block_wise: true, is_paged: false,
};

export class AdamW8bitOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.AdamW8bit';
  readonly id: OptimizerId;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly min8bitSize: number;
  private readonly signedMap: tf.Tensor1D;
  private readonly unsignedMap: tf.Tensor1D;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}, id: OptimizerId = 'adamw-8bit', defaults: Hyperparameters = ADAMW_8BIT_DEFAULTS) {
    const r = new HyperReader(id, hyper, defaults);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, MAX_DECAY),
      eps: r.num('eps', 0),
      weight_decay: r.num('weight_decay', 0),
      amsgrad: r.bool('amsgrad'),
      min_8bit_size: r.int('min_8bit_size', 0),
      percentile_clipping: r.int('percentile_clipping', 1, 100),
      block_wise: r.bool('block_wise'),
      // Paging moves the states to unified memory; the update is the same (see paged-adamw-8bit.ts).
      is_paged: r.bool('is_paged'),
    };
    r.finish();
    if (values.amsgrad) throw new InputError(`${id}: amsgrad is not supported by bitsandbytes 8-bit Adam`);
    if (values.percentile_clipping !== 100) throw new InputError(`${id}: the profiler does not model percentile_clipping below 100`);
    if (!values.block_wise) throw new InputError(`${id}: only block-wise quantisation (block_wise=true) is implemented`);
    super(values, options);
    this.id = id;
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.eps = values.eps;
    this.weightDecay = values.weight_decay;
    this.min8bitSize = values.min_8bit_size;
    this.signedMap = tf.tensor1d(dynamicMap(true));
    this.unsignedMap = tf.tensor1d(dynamicMap(false));
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    if (p.size < this.min8bitSize) this.update32bit(name, p, grad, step);
    else this.update8bit(name, p, grad, step);
  }

  /** bitsandbytes' fp32 path for small tensors (backends/default/ops.py, _optimizer_update_32bit "adam"). */
  private update32bit(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const s1 = this.slot(name, 'state1', () => tf.zerosLike(p));
    const s2 = this.slot(name, 'state2', () => tf.zerosLike(p));
    s1.assign(tf.add(tf.mul(s1, this.beta1), tf.mul(grad, 1 - this.beta1)));
    s2.assign(tf.add(tf.mul(s2, this.beta2), tf.mul(tf.mul(grad, grad), 1 - this.beta2)));
    const correction1 = 1 - this.beta1 ** step;
    const correction2 = Math.sqrt(1 - this.beta2 ** step);
    const stepSize = (-this.lr * correction2) / correction1;
    if (this.weightDecay > 0) p.assign(tf.mul(p, 1 - this.lr * this.weightDecay));
    p.assign(tf.add(p, tf.mul(tf.div(s1, tf.add(tf.sqrt(s2), this.eps * correction2)), stepSize)));
  }

  private update8bit(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const n = p.size;
    const blocks = Math.ceil(n / 256);
    const state1 = this.slot(name, 'state1', () => codesTensor(new Uint8Array(n), p.shape));
    const state2 = this.slot(name, 'state2', () => codesTensor(new Uint8Array(n), p.shape));
    const absmax1 = this.slot(name, 'absmax1', () => tf.zeros([blocks]));
    const absmax2 = this.slot(name, 'absmax2', () => tf.zeros([blocks]));
    const g = tf.reshape(grad, [n]);
    let s1: tf.Tensor = dequantizeBlockwise(readCodes(state1), absmax1, this.signedMap);
    let s2: tf.Tensor = dequantizeBlockwise(readCodes(state2), absmax2, this.unsignedMap);
    s1 = tf.add(tf.mul(s1, this.beta1), tf.mul(g, 1 - this.beta1));
    s2 = tf.add(tf.mul(s2, this.beta2), tf.mul(tf.mul(g, g), 1 - this.beta2));
    // kernels.cu kOptimizerStatic8bit2StateBlockwise: correction2 = sqrt(1-b2^t), step_size =
    // -lr*correction2/correction1, p += step_size * (s1 / (sqrt(s2) + correction2*eps)).
    const correction1 = 1 - this.beta1 ** step;
    const correction2 = Math.sqrt(1 - this.beta2 ** step);
    const stepSize = (-this.lr * correction2) / correction1;
    const denom = tf.add(tf.sqrt(s2), this.eps * correction2);
    if (this.weightDecay > 0) p.assign(tf.mul(p, 1 - this.lr * this.weightDecay));
    p.assign(tf.add(p, tf.reshape(tf.mul(tf.div(s1, denom), stepSize), p.shape)));
    const q1 = quantizeBlockwise(s1, this.signedMap);
    const q2 = quantizeBlockwise(s2, this.unsignedMap);
    state1.assign(codesTensor(q1.codes, p.shape));
    state2.assign(codesTensor(q2.codes, p.shape));
    absmax1.assign(q1.absmax);
    absmax2.assign(q2.absmax);
    q1.absmax.dispose();
    q2.absmax.dispose();
  }

  override dispose(): void {
    this.signedMap.dispose();
    this.unsignedMap.dispose();
    super.dispose();
  }
}
tf.serialization.registerClass(AdamW8bitOptimizer);

export const ADAMW_8BIT: ProfilerOptimizerDefinition = {
  id: 'adamw-8bit',
  reference: BNB_ADAMW8BIT,
  defaults: ADAMW_8BIT_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new AdamW8bitOptimizer(hyper, options),
};
