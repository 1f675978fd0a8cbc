/**
 * Shampoo (Gupta et al., 2018; Anil et al., 2020; Shi et al., 2023 "A Distributed Data-Parallel PyTorch
 * Implementation of the Distributed Shampoo Optimizer"), simplified from facebookresearch/optimizers
 * DistributedShampoo with its defaults (lr 1e-2, betas (0.9, 1.0), epsilon 1e-12, momentum 0,
 * weight_decay 0 decoupled, max_preconditioner_dim 1024, precondition_frequency 1,
 * start_preconditioning_step = precondition_frequency, inverse root 2*order (inv_root_override as one
 * number), bias correction on, no grafting). Per parameter:
 *   dims merged while their product stays <= max_preconditioner_dim (use_merge_dims), then split into
 *   blocks of at most max_preconditioner_dim per dim; for each block G of order k and each dim i,
 *   L_i <- b2*L_i + (1-b2)*G_(i) G_(i)^T (L_i += ... when b2 = 1);
 *   m <- b1*m + (1-b1)*G, m_hat = m/(1-b1^t);  every precondition_frequency steps
 *   Q_i = (L_i/(1-b2^t) + r I)^(-1/(2k)) (no division when b2 = 1), by the coupled Newton iteration;
 *   P = m_hat x_1 Q_1 ... x_k Q_k (m_hat itself before start_preconditioning_step);
 *   p <- p*(1 - lr*wd);  p <- p - lr*P (with heavy-ball/Nesterov momentum when momentum > 0).
 * Simplifications: no grafting, no distributed or precision options; the inverse root uses the matmul-only
 * coupled Newton iteration with the ridge described in matrix-root.ts (relative_epsilon 1e-6).
 */
import * as tf from '@tensorflow/tfjs-core';
import { blocksOf, mergeSmallDims } from '../../core/optimizers/shampoo';
import type { Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader } from './hyper';
import { contractFirst, modeOuterProduct } from './ops';
import { inverseRoot } from './matrix-root';

export const SHAMPOO_DEFAULTS: Hyperparameters = {
  lr: 1e-2, betas: [0.9, 1.0], epsilon: 1e-12, momentum: 0, weight_decay: 0, max_preconditioner_dim: 1024,
  precondition_frequency: 1, start_preconditioning_step: -1, use_nesterov: false, use_bias_correction: true,
  use_decoupled_weight_decay: true, use_merge_dims: true, inv_root_override: 0, relative_epsilon: 1e-6, max_root_iterations: 100,
  root_tolerance: 1e-6,
};

export class ShampooOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.Shampoo';
  readonly id = 'shampoo' as const;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly momentum: number;
  private readonly weightDecay: number;
  private readonly maxDim: number;
  private readonly frequency: number;
  private readonly startStep: number;
  private readonly nesterov: boolean;
  private readonly biasCorrection: boolean;
  private readonly decoupled: boolean;
  private readonly relativeEpsilon: number;
  private readonly maxIterations: number;
  private readonly tolerance: number;
  private readonly mergeDims: boolean;
  private readonly rootOverride: number;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('shampoo', hyper, SHAMPOO_DEFAULTS);
    const values = {
      lr: r.num('lr', 0),
      betas: r.pair('betas', 0, 1),
      epsilon: r.num('epsilon', 0),
      momentum: r.num('momentum', 0, 1),
      weight_decay: r.num('weight_decay', 0),
      max_preconditioner_dim: r.int('max_preconditioner_dim', 1),
      precondition_frequency: r.int('precondition_frequency', 1),
      start_preconditioning_step: r.int('start_preconditioning_step', -1),
      use_nesterov: r.bool('use_nesterov'),
      use_bias_correction: r.bool('use_bias_correction'),
      use_decoupled_weight_decay: r.bool('use_decoupled_weight_decay'),
      relative_epsilon: r.num('relative_epsilon', 0),
      max_root_iterations: r.int('max_root_iterations', 1),
      root_tolerance: r.num('root_tolerance', 0),
      use_merge_dims: r.bool('use_merge_dims'),
      inv_root_override: r.int('inv_root_override', 0),
    };
    // Options of Meta's implementation kept at their defaults here.
    r.fixed('beta3', -1);
    r.fixed('dampening', 0);
    r.fixed('exponent_multiplier', 1);
    r.fixed('grafting_config', null);
    r.finish();
    super(values, options);
    this.lr = values.lr;
    [this.beta1, this.beta2] = values.betas;
    this.epsilon = values.epsilon;
    this.momentum = values.momentum;
    this.weightDecay = values.weight_decay;
    this.maxDim = values.max_preconditioner_dim;
    this.frequency = values.precondition_frequency;
    this.startStep = values.start_preconditioning_step === -1 ? values.precondition_frequency : values.start_preconditioning_step;
    this.nesterov = values.use_nesterov;
    this.biasCorrection = values.use_bias_correction;
    this.decoupled = values.use_decoupled_weight_decay;
    this.relativeEpsilon = values.relative_epsilon;
    this.maxIterations = values.max_root_iterations;
    this.tolerance = values.root_tolerance;
    this.mergeDims = values.use_merge_dims;
    this.rootOverride = values.inv_root_override;
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    let g = grad;
    if (this.weightDecay !== 0 && !this.decoupled) g = tf.add(g, tf.mul(p, this.weightDecay));
    const merged = this.mergeDims ? mergeSmallDims(p.shape, this.maxDim) : p.rank === 0 ? [1] : [...p.shape];
    const gm = tf.reshape(g, merged);
    const blocks = blocksOf(merged, this.maxDim);
    let filtered: tf.Tensor = gm;
    if (this.beta1 !== 0) {
      const m = this.slot(name, 'filtered_grad', () => tf.zeros(merged));
      m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(gm, 1 - this.beta1)));
      filtered = this.biasCorrection ? tf.div(m, 1 - this.beta1 ** step) : m;
    }
    const usePreconditioner = step >= this.startStep;
    const refresh = step % this.frequency === 0;
    const bc2 = this.biasCorrection && this.beta2 < 1 ? 1 - this.beta2 ** step : 1;
    const parts: tf.Tensor[] = [];
    blocks.forEach((block, b) => {
      const gBlock = tf.slice(gm, block.begin, block.size);
      const mBlock = tf.slice(filtered, block.begin, block.size);
      const order = block.size.length;
      let out = mBlock;
      block.size.forEach((d, i) => {
        const factor = this.slot(name, `factor_matrix_${b}_${i}`, () => tf.zeros([d, d]));
        const outer = modeOuterProduct(gBlock, i);
        factor.assign(this.beta2 < 1 ? tf.add(tf.mul(factor, this.beta2), tf.mul(outer, 1 - this.beta2)) : tf.add(factor, outer));
        const inv = this.slot(name, `inv_factor_matrix_${b}_${i}`, () => tf.eye(d));
        if (refresh) {
          const scaled = (bc2 === 1 ? factor : tf.div(factor, bc2)) as tf.Tensor2D;
          const { root } = inverseRoot(scaled, this.rootOverride > 0 ? this.rootOverride : 2 * order, {
            epsilon: this.epsilon, relativeEpsilon: this.relativeEpsilon, maxIterations: this.maxIterations, tolerance: this.tolerance,
          });
          inv.assign(root);
          root.dispose();
        }
      });
      if (usePreconditioner) {
        for (let i = 0; i < order; i++) out = contractFirst(out, this.slot(name, `inv_factor_matrix_${b}_${i}`, () => tf.eye(block.size[i]!)) as tf.Tensor2D);
      }
      parts.push(out);
    });
    const direction = tf.reshape(assembleBlocks(parts, blocks, merged), p.shape);
    let update = direction;
    if (this.momentum !== 0) {
      const buf = this.slot(name, 'momentum_list', () => tf.zerosLike(p));
      buf.assign(tf.add(tf.mul(buf, this.momentum), direction));
      update = this.nesterov ? tf.add(direction, tf.mul(buf, this.momentum)) : buf;
    }
    if (this.weightDecay !== 0 && this.decoupled) p.assign(tf.mul(p, 1 - this.lr * this.weightDecay));
    p.assign(tf.sub(p, tf.mul(update, this.lr)));
  }
}
tf.serialization.registerClass(ShampooOptimizer);

/** Reassembles row-major blocks into the merged shape (concatenating along each dim, innermost first). */
function assembleBlocks(parts: tf.Tensor[], blocks: Array<{ begin: number[]; size: number[] }>, shape: readonly number[]): tf.Tensor {
  if (parts.length === 1) return parts[0]!;
  const rank = shape.length;
  let level: Array<{ t: tf.Tensor; begin: number[] }> = parts.map((t, i) => ({ t, begin: blocks[i]!.begin }));
  for (let axis = rank - 1; axis >= 0; axis--) {
    const groups = new Map<string, Array<{ t: tf.Tensor; begin: number[] }>>();
    for (const item of level) {
      const key = item.begin.slice(0, axis).join(',');
      const list = groups.get(key) ?? [];
      list.push(item);
      groups.set(key, list);
    }
    level = [...groups.values()].map((list) => {
      list.sort((a, b) => a.begin[axis]! - b.begin[axis]!);
      return { t: list.length === 1 ? list[0]!.t : tf.concat(list.map((x) => x.t), axis), begin: list[0]!.begin };
    });
  }
  return level[0]!.t;
}

export const SHAMPOO: ProfilerOptimizerDefinition = {
  id: 'shampoo',
  reference: {
    title: 'facebookresearch/optimizers DistributedShampoo (simplified)',
    url: 'https://github.com/facebookresearch/optimizers/blob/f60660661194de26d3ee78bae6d15820ff8e583d/distributed_shampoo/distributed_shampoo.py',
    locator: 'distributed_shampoo/distributed_shampoo.py, preconditioner/shampoo_preconditioner_list.py',
  },
  defaults: SHAMPOO_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new ShampooOptimizer(hyper, options),
};
