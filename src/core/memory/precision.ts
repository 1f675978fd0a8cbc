/**
 * The byte split of each training precision: which dtype weights, gradients, optimizer states and
 * activations have, and whether a separate fp32 master copy exists. This is the table the README
 * shows (config flag -> bytes); the estimator reads it and nothing else decides a dtype.
 */
import type { Citation, DType, FloatDtype, Precision } from '../types';
import type { ZeroAccounting } from './types';

/** How one precision mode stores the tensors of a training step. */
export interface PrecisionSplit {
  /** Short name shown in notes and the README table. */
  readonly label: string;
  /** Storage dtype of trainable weights on the GPU. */
  readonly weights: DType;
  /** Storage dtype of frozen weights (LoRA base) when not quantised. */
  readonly frozenWeights: DType;
  /** dtype of the gradients autograd produces. */
  readonly gradients: DType;
  /** dtype the optimizer steps in (its dtype-following states take it). */
  readonly optimizerParam: DType;
  /** A separate fp32 copy of the trainable weights (mixed precision with a master copy). */
  readonly masterWeights: boolean;
  /**
   * DeepSpeed keeps an fp32 copy of the (partitioned) gradients next to the half-precision ones
   * (the "+4" of its 16 bytes/param of partitioned state).
   */
  readonly fp32GradientCopy: boolean;
  /** dtype of matmul outputs saved for backward. */
  readonly activations: DType;
  /** dtype of the residual stream (what norms see as input). */
  readonly residual: DType;
  /**
   * Under torch autocast the half-precision copies of Linear/Conv weights made for the matmuls are
   * saved for backward (autocast's weight cast cache, and the casts of frozen weights).
   */
  readonly autocastWeightCopies: boolean;
  /** Half-precision dtype used by 16-bit tensors that are not trained (QLoRA non-quantised base). */
  readonly sixteenBit: DType;
  readonly source: Citation;
}

const TORCH_AMP: Citation = {
  title: 'PyTorch Automatic Mixed Precision (torch.autocast)',
  url: 'https://pytorch.org/docs/stable/amp.html',
  locator: 'Autocast op reference: matmul/linear/conv run in lower precision, layer_norm in float32; weights stay float32',
};
const HF_TRAINER_AMP: Citation = {
  title: 'Transformers docs: Methods and tools for efficient training on a single GPU',
  url: 'https://huggingface.co/docs/transformers/perf_train_gpu_one',
  locator: 'Mixed precision training: fp16=True / bf16=True run computations in half precision while the optimizer updates full-precision (fp32) weights',
};
const TORCHTUNE_BF16: Citation = {
  title: 'torchtune: Memory optimisation overview',
  url: 'https://pytorch.org/torchtune/stable/tutorials/memory_optimizations.html',
  locator: 'Model Precision: default bfloat16, "2 bytes per model parameter instead of 4 bytes when using float32" (gradients and torch optimizer states follow the parameter dtype)',
};
const DEEPSPEED_MIXED: Citation = {
  title: 'DeepSpeed ZeRO memory estimators',
  url: 'https://github.com/microsoft/DeepSpeed/blob/e7dd28a23d3df0d07357a6d63c0ebab811e767ae/deepspeed/runtime/zero/stage_1_and_2.py',
  locator:
    'estimate_zero2_model_states_mem_needs: 4 bytes/param on GPU (fp16 params + grads) + 16 bytes/param partitioned (fp32 master 4, Adam 8, fp32 grads 4)',
};
const ZERO_PAPER: Citation = {
  title: 'Rajbhandari et al. 2020, ZeRO: Memory Optimizations Toward Training Trillion Parameter Models',
  url: 'https://arxiv.org/abs/1910.02054',
  locator: 'Section 3.1: mixed-precision Adam keeps 2Ψ fp16 params + 2Ψ fp16 grads + KΨ (K=12: fp32 params, momentum, variance)',
};

/** Base table, keyed by the user-facing precision flag, for plain PyTorch (no ZeRO). */
export const PRECISION_TABLE: Readonly<Record<Precision, PrecisionSplit>> = {
  fp32: {
    label: 'fp32',
    weights: 'fp32', frozenWeights: 'fp32', gradients: 'fp32', optimizerParam: 'fp32',
    masterWeights: false, fp32GradientCopy: false,
    activations: 'fp32', residual: 'fp32', autocastWeightCopies: false, sixteenBit: 'fp16',
    source: TORCH_AMP,
  },
  'fp16-mixed': {
    label: 'fp16-mixed (torch AMP: fp32 weights/grads/states, fp16 activations)',
    weights: 'fp32', frozenWeights: 'fp32', gradients: 'fp32', optimizerParam: 'fp32',
    masterWeights: false, fp32GradientCopy: false,
    activations: 'fp16', residual: 'fp32', autocastWeightCopies: true, sixteenBit: 'fp16',
    source: HF_TRAINER_AMP,
  },
  'bf16-mixed': {
    label: 'bf16-mixed (torch AMP: fp32 weights/grads/states, bf16 activations)',
    weights: 'fp32', frozenWeights: 'fp32', gradients: 'fp32', optimizerParam: 'fp32',
    masterWeights: false, fp32GradientCopy: false,
    activations: 'bf16', residual: 'fp32', autocastWeightCopies: true, sixteenBit: 'bf16',
    source: HF_TRAINER_AMP,
  },
  bf16: {
    label: 'bf16 (pure: weights, gradients, states in bf16)',
    weights: 'bf16', frozenWeights: 'bf16', gradients: 'bf16', optimizerParam: 'bf16',
    masterWeights: false, fp32GradientCopy: false,
    activations: 'bf16', residual: 'bf16', autocastWeightCopies: false, sixteenBit: 'bf16',
    source: TORCHTUNE_BF16,
  },
  fp16: {
    label: 'fp16 (pure: weights, gradients, states in fp16)',
    weights: 'fp16', frozenWeights: 'fp16', gradients: 'fp16', optimizerParam: 'fp16',
    masterWeights: false, fp32GradientCopy: false,
    activations: 'fp16', residual: 'fp16', autocastWeightCopies: false, sixteenBit: 'fp16',
    source: TORCHTUNE_BF16,
  },
};

/** Half-precision dtype of a precision mode (fp16 for the fp16 modes, else bf16). */
export function halfOf(precision: Precision): FloatDtype {
  return precision === 'fp16-mixed' || precision === 'fp16' ? 'fp16' : 'bf16';
}

/** True for the two mixed-precision flags. */
export function isMixed(precision: Precision): boolean {
  return precision === 'fp16-mixed' || precision === 'bf16-mixed';
}

/**
 * The split the estimator uses. Mixed precision means torch AMP without ZeRO (HF Trainer,
 * axolotl, Lightning); with ZeRO (stage >= 1, DeepSpeed accounting) or under the ZeRO paper's
 * accounting it means DeepSpeed/ZeRO mixed precision: half weights and gradients, fp32 master
 * weights and states, and — DeepSpeed only — an fp32 gradient copy. `halfShards`: FSDP that steps
 * shards in the half dtype the model was loaded in (./load-dtype.ts `fsdpKeepsHalfShards`): no master
 * copy, so the AMP split, whose weights the load dtype then sets.
 */
export function precisionSplit(precision: Precision, zeroStage: number, accounting: ZeroAccounting, halfShards = false): PrecisionSplit {
  const base = PRECISION_TABLE[precision];
  const zeroMixed = isMixed(precision) && !halfShards && (zeroStage >= 1 || accounting === 'paper');
  if (!zeroMixed) return base;
  const half = halfOf(precision);
  return {
    label: `${precision} (ZeRO mixed precision: ${half} weights/grads, fp32 master + states${accounting === 'deepspeed' ? ' + fp32 grad copy' : ''})`,
    weights: half, frozenWeights: half, gradients: half, optimizerParam: 'fp32',
    masterWeights: true, fp32GradientCopy: accounting === 'deepspeed',
    activations: half, residual: half, autocastWeightCopies: false, sixteenBit: half,
    source: accounting === 'deepspeed' ? DEEPSPEED_MIXED : ZERO_PAPER,
  };
}
