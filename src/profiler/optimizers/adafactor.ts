/**
 * Adafactor as HF transformers' `Adafactor` (Shazeer & Stern, 2018): factored second moment for
 * tensors of rank >= 2 (row and column means of g^2 + eps1 over the last two dims), relative step
 * size min(1e-2, 1/sqrt(t)) scaled by max(eps2, RMS(p)), beta2_t = 1 - t^decay_rate, update clipping
 * by RMS(update)/clip_threshold, optional first moment (beta1), weight decay scaled by the step size.
 * Source: huggingface/transformers src/transformers/optimization.py (class Adafactor).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError, type Hyperparameters } from '../../core/types';
import { ProfilerOptimizer, type OptimizerOptions } from './base';
import type { ProfilerOptimizerDefinition } from './definition';
import { HyperReader } from './hyper';
import { rms } from './ops';

/** HF Adafactor defaults (lr None with relative_step, eps (1e-30, 1e-3), clip 1.0, decay -0.8). */
export const ADAFACTOR_DEFAULTS: Hyperparameters = {
  lr: null, eps: [1e-30, 1e-3], clip_threshold: 1.0, decay_rate: -0.8, beta1: null, weight_decay: 0.0,
  scale_parameter: true, relative_step: true, warmup_init: false,
};

export class AdafactorOptimizer extends ProfilerOptimizer {
  static className = 'OptimizerAdvisor.Adafactor';
  readonly id = 'adafactor' as const;
  private readonly lr: number | null;
  private readonly eps1: number;
  private readonly eps2: number;
  private readonly clipThreshold: number;
  private readonly decayRate: number;
  private readonly beta1: number | null;
  private readonly weightDecay: number;
  private readonly scaleParameter: boolean;
  private readonly relativeStep: boolean;
  private readonly warmupInit: boolean;

  constructor(hyper: Hyperparameters = {}, options: OptimizerOptions = {}) {
    const r = new HyperReader('adafactor', hyper, ADAFACTOR_DEFAULTS);
    const values = {
      lr: r.numOrNull('lr', 0),
      eps: r.pair('eps', 0),
      clip_threshold: r.num('clip_threshold', 0),
      decay_rate: r.num('decay_rate'),
      beta1: r.numOrNull('beta1', 0, 1),
      weight_decay: r.num('weight_decay', 0),
      scale_parameter: r.bool('scale_parameter'),
      relative_step: r.bool('relative_step'),
      warmup_init: r.bool('warmup_init'),
    };
    r.finish();
    // The same checks as HF's constructor.
    if (values.lr !== null && values.relative_step) {
      throw new InputError('adafactor: a manual lr cannot be combined with relative_step=true (set relative_step=false)');
    }
    if (values.warmup_init && !values.relative_step) throw new InputError('adafactor: warmup_init=true requires relative_step=true');
    if (values.lr === null && !values.relative_step) throw new InputError('adafactor: relative_step=false needs an lr');
    super(values, options);
    this.lr = values.lr;
    [this.eps1, this.eps2] = values.eps;
    this.clipThreshold = values.clip_threshold;
    this.decayRate = values.decay_rate;
    this.beta1 = values.beta1;
    this.weightDecay = values.weight_decay;
    this.scaleParameter = values.scale_parameter;
    this.relativeStep = values.relative_step;
    this.warmupInit = values.warmup_init;
  }

  /** HF `_get_lr`: the relative or external step size times the parameter scale max(eps2, state["RMS"]). */
  private stepSize(step: number, paramRms: tf.Tensor): tf.Scalar {
    let rel = this.lr ?? 0;
    if (this.relativeStep) {
      const minStep = this.warmupInit ? 1e-6 * step : 1e-2;
      rel = Math.min(minStep, 1 / Math.sqrt(step));
    }
    return this.scaleParameter ? tf.mul(tf.maximum(paramRms, this.eps2), rel) : tf.scalar(rel);
  }

  protected updateParameter(name: string, p: tf.Variable, grad: tf.Tensor, step: number): void {
    const factored = p.rank >= 2;
    // HF keeps state["RMS"] = _rms(p) (a 0-dim fp32 tensor) per parameter, refreshed before _get_lr reads it;
    // holding it too makes the measured state equal to the estimator's per-tensor layout.
    const paramRms = this.slot(name, 'RMS', () => tf.zeros([]));
    paramRms.assign(rms(p));
    const lr = this.stepSize(step, paramRms);
    const beta2t = 1 - step ** this.decayRate;
    const sq = tf.add(tf.mul(grad, grad), this.eps1);
    let update: tf.Tensor;
    if (factored) {
      const row = this.slot(name, 'exp_avg_sq_row', () => tf.zeros(p.shape.slice(0, -1)));
      const col = this.slot(name, 'exp_avg_sq_col', () => tf.zeros([...p.shape.slice(0, -2), p.shape[p.rank - 1]!]));
      row.assign(tf.add(tf.mul(row, beta2t), tf.mul(tf.mean(sq, -1), 1 - beta2t)));
      col.assign(tf.add(tf.mul(col, beta2t), tf.mul(tf.mean(sq, -2), 1 - beta2t)));
      // HF `_approx_sq_grad`: rsqrt(row / mean(row)) (outer) rsqrt(col).
      const rFactor = tf.expandDims(tf.rsqrt(tf.div(row, tf.mean(row, -1, true))), -1);
      const cFactor = tf.rsqrt(tf.expandDims(col, -2));
      update = tf.mul(tf.mul(rFactor, cFactor), grad);
    } else {
      const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(p));
      v.assign(tf.add(tf.mul(v, beta2t), tf.mul(sq, 1 - beta2t)));
      update = tf.mul(tf.rsqrt(v), grad);
    }
    update = tf.div(update, tf.maximum(tf.div(rms(update), this.clipThreshold), 1));
    update = tf.mul(update, lr);
    if (this.beta1 !== null) {
      const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
      m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(update, 1 - this.beta1)));
      update = m;
    }
    if (this.weightDecay !== 0) p.assign(tf.add(p, tf.mul(p, tf.mul(lr, -this.weightDecay))));
    p.assign(tf.sub(p, update));
  }
}
tf.serialization.registerClass(AdafactorOptimizer);

export const ADAFACTOR: ProfilerOptimizerDefinition = {
  id: 'adafactor',
  reference: {
    title: 'Hugging Face transformers Adafactor',
    url: 'https://github.com/huggingface/transformers/blob/ad1fc9639f2e7b6808a2ca982c0a9b3134d76ee8/src/transformers/optimization.py',
    locator: 'src/transformers/optimization.py, class Adafactor',
  },
  defaults: ADAFACTOR_DEFAULTS,
  needsLoss: false,
  create: (hyper, options) => new AdafactorOptimizer(hyper, options),
};
