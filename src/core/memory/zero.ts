/**
 * ZeRO partitioning of model states over N data-parallel GPUs (FSDP maps to its ZeRO equivalent:
 * SHARD_GRAD_OP = stage 2, FULL_SHARD = stage 3), with CPU offload.
 *
 * Two accountings:
 * - 'deepspeed': DeepSpeed's own estimators. Stages 1 and 2 (stage_1_and_2.py,
 *   estimate_zero2_model_states_mem_needs): 4 bytes/param on every GPU (half params + half
 *   grads) + 16 bytes/param / N (fp32 master 4, Adam states 8, fp32 gradient partition 4); with
 *   the optimizer offloaded, 2 bytes/param. Stage 3 (stage3.py,
 *   estimate_zero3_model_states_mem_needs): 4 bytes x largest layer (gathered half params +
 *   grads) + 18 bytes/param / N (half param shard 2 + 16); optimizer offloaded: largest layer +
 *   2/N; params offloaded too: largest layer only. The Adam-specific "8" is replaced by the
 *   catalog's exact per-tensor state, partitioned.
 * - 'paper': the ZeRO paper's (2 + 2 + K)Ψ: P_os keeps 2Ψ + 2Ψ + KΨ/N, P_os+g 2Ψ + (2+K)Ψ/N,
 *   P_os+g+p (2+2+K)Ψ/N, with KΨ = fp32 master + exact optimizer state.
 * Without mixed precision (fp32 or pure half) there is no master copy or fp32 gradient copy and
 * both accountings partition as the paper does, with the precision's bytes.
 */
import type { Citation } from '../types';
import type { OffloadTarget, ZeroAccounting, ZeroStage } from './types';

export const ZERO_SOURCES: readonly Citation[] = [
  {
    title: 'Rajbhandari et al. 2020, ZeRO: Memory Optimizations Toward Training Trillion Parameter Models',
    url: 'https://arxiv.org/abs/1910.02054',
    locator: 'Section 5.1 and Figure 1: baseline (2+2+K)Ψ, P_os 4Ψ + KΨ/Nd, P_os+g 2Ψ + (2+K)Ψ/Nd, P_os+g+p (2+2+K)Ψ/Nd',
  },
  {
    title: 'DeepSpeed estimate_zero2_model_states_mem_needs',
    url: 'https://github.com/microsoft/DeepSpeed/blob/e7dd28a23d3df0d07357a6d63c0ebab811e767ae/deepspeed/runtime/zero/stage_1_and_2.py',
    locator: 'gpu_mem = 4 * total_params + int(16 * total_params / total_gpus); with cpu_offload gpu_mem = 2 * total_params',
  },
  {
    title: 'DeepSpeed estimate_zero3_model_states_mem_needs',
    url: 'https://github.com/microsoft/DeepSpeed/blob/e7dd28a23d3df0d07357a6d63c0ebab811e767ae/deepspeed/runtime/zero/stage3.py',
    locator:
      'largest_layer_memory = 4 * largest_layer_params; gpu_mem = largest_layer_memory + int(18 * total_params / total_gpus); offload optimizer: + int(2 * total_params / total_gpus); offload params: largest_layer_memory',
  },
  {
    title: 'PyTorch DistributedDataParallel',
    url: 'https://pytorch.org/docs/stable/generated/torch.nn.parallel.DistributedDataParallel.html',
    locator: 'gradient_as_bucket_view (default False): when True gradients are views into the all-reduce buckets, "the saved memory size will be equal to the total gradients size"',
  },
  {
    title: 'DeepSpeed memory requirements',
    url: 'https://deepspeed.readthedocs.io/en/latest/memory.html',
    locator: 'ZeRO-2 / ZeRO-3 model-state estimates and offload options',
  },
];

/** Unpartitioned byte totals of the model states (one full copy each). */
export interface ModelStateTotals {
  /** All stored weights in their storage dtype. */
  readonly weights: number;
  /** Gradients of the trainable tensors in their dtype. */
  readonly gradients: number;
  /** fp32 master copy (0 without one). */
  readonly master: number;
  /** DeepSpeed's fp32 gradient copy (0 without one). */
  readonly fp32GradientCopy: number;
  /** Exact optimizer state. */
  readonly optimizerState: number;
  /** Optimizer step temporaries. */
  readonly temporaries: number;
  /** Bytes of the largest layer's weights / gradients (what ZeRO-3 gathers at once). */
  readonly largestLayerWeights: number;
  readonly largestLayerGradients: number;
}

export interface ZeroSetup {
  readonly stage: ZeroStage;
  readonly accounting: ZeroAccounting;
  readonly gpus: number;
  readonly offload: OffloadTarget;
  /** The precision has a master copy (DeepSpeed/ZeRO mixed precision). */
  readonly mixed: boolean;
}

/** Per-GPU model states after partitioning and offload. */
export interface PartitionedStates {
  readonly weights: number;
  readonly gradients: number;
  readonly masterWeights: number;
  readonly optimizerState: number;
  readonly optimizerTemporaries: number;
  /**
   * Part of `gradients` allocated for the whole step (ZeRO's gradient buffers, DDP's buckets);
   * the rest exists only from backward to the optimizer step.
   */
  readonly persistentGradients: number;
  readonly notes: readonly string[];
}

function paperStyle(t: ModelStateTotals, z: ZeroSetup): PartitionedStates {
  const n = z.gpus;
  const offOpt = z.offload !== 'none';
  const offParams = z.offload === 'params';
  const weights = offParams ? 0 : z.stage >= 3 ? t.weights / n : t.weights;
  const gradients = z.stage >= 2 ? t.gradients / n : t.gradients;
  const part = (x: number): number => (offOpt ? 0 : z.stage >= 1 ? x / n : x);
  return {
    weights,
    gradients,
    masterWeights: part(t.master),
    optimizerState: part(t.optimizerState),
    optimizerTemporaries: part(t.temporaries),
    persistentGradients: gradients,
    notes: [],
  };
}

function deepspeedMixed(t: ModelStateTotals, z: ZeroSetup): PartitionedStates {
  const n = z.gpus;
  if (z.stage <= 2) {
    if (z.offload !== 'none') {
      return {
        weights: t.weights, gradients: 0, masterWeights: 0, optimizerState: 0, optimizerTemporaries: 0,
        persistentGradients: 0,
        notes: ['ZeRO-Offload: fp32 master, gradients copy and optimizer state live on the CPU (DeepSpeed estimator: 2 bytes/param on the GPU).'],
      };
    }
    const gradients = t.gradients + t.fp32GradientCopy / n;
    return {
      weights: t.weights,
      gradients,
      masterWeights: t.master / n,
      optimizerState: t.optimizerState / n,
      optimizerTemporaries: t.temporaries / n,
      persistentGradients: gradients,
      notes: [`ZeRO-${z.stage} (DeepSpeed accounting): full half-precision params and grads per GPU, master/grad copy/optimizer state partitioned over ${n}.`],
    };
  }
  const gathered = t.largestLayerWeights;
  const gatheredGrads = t.largestLayerGradients;
  if (z.offload === 'params') {
    return {
      weights: gathered, gradients: gatheredGrads, masterWeights: 0, optimizerState: 0, optimizerTemporaries: 0,
      persistentGradients: gatheredGrads,
      notes: ['ZeRO-3 with params and optimizer offloaded: only the largest layer (params + grads) is on the GPU.'],
    };
  }
  if (z.offload === 'optimizer') {
    return {
      weights: t.weights / n + gathered, gradients: gatheredGrads, masterWeights: 0, optimizerState: 0, optimizerTemporaries: 0,
      persistentGradients: gatheredGrads,
      notes: ['ZeRO-3 with optimizer offloaded: half-precision param shard + largest layer on the GPU.'],
    };
  }
  const gradients = gatheredGrads + t.fp32GradientCopy / n;
  return {
    weights: t.weights / n + gathered,
    gradients,
    masterWeights: t.master / n,
    optimizerState: t.optimizerState / n,
    optimizerTemporaries: t.temporaries / n,
    persistentGradients: gradients,
    notes: [`ZeRO-3 (DeepSpeed accounting): param shard + largest layer gathered, states partitioned over ${n}.`],
  };
}

/** Per-GPU model states for a ZeRO setup (stage 0 = plain data parallel, nothing partitioned). */
export function partitionModelStates(t: ModelStateTotals, z: ZeroSetup): PartitionedStates {
  if (z.stage === 0) {
    // Plain data parallel: torch DDP's buckets keep a second copy of the gradients for the
    // all-reduce unless gradient_as_bucket_view=True (default False). The ZeRO paper's baseline
    // counts model states only (2+2+K)Ψ, so its accounting leaves the buckets out.
    const buckets = z.gpus > 1 && z.accounting === 'deepspeed' ? t.gradients : 0;
    return {
      weights: t.weights, gradients: t.gradients + t.fp32GradientCopy + buckets, masterWeights: t.master,
      optimizerState: t.optimizerState, optimizerTemporaries: t.temporaries,
      persistentGradients: buckets,
      notes: buckets > 0 ? [`DDP over ${z.gpus} GPUs: gradient buckets hold a second copy of the gradients (gradient_as_bucket_view=False).`] : [],
    };
  }
  if (z.accounting === 'deepspeed' && z.mixed) return deepspeedMixed(t, z);
  const result = paperStyle(t, z);
  const which = z.accounting === 'paper' ? 'ZeRO paper accounting' : 'no mixed precision, partitioned as in the ZeRO paper';
  return { ...result, notes: [`ZeRO-${z.stage} over ${z.gpus} GPU(s): ${which}.`] };
}
