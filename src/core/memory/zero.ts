/**
 * ZeRO partitioning of model states over N data-parallel GPUs, with CPU offload; PyTorch FSDP
 * (SHARD_GRAD_OP, the ZeRO-2 equivalent; FULL_SHARD, the ZeRO-3 one) counted by its own code.
 *
 * FSDP (`fsdp` set, 'deepspeed' accounting, stages 2 and 3): PyTorch FSDP1's and FSDP2's own accounting, in
 * ./fsdp.ts.
 *
 * Two accountings of ZeRO:
 * - 'deepspeed': what DeepSpeed's code keeps on each GPU. Stages 1 and 2 follow
 *   DeepSpeedZeroOptimizer (deepspeed/runtime/zero/stage_1_and_2.py at DEEPSPEED_COMMIT):
 *   - both: the 16-bit params whole (2 bytes/param), fp32 master partition 4/N
 *     (single_partition_of_fp32_groups), the optimizer state of that partition (the catalog's exact
 *     per-tensor state, /N), and in step() the fp32 gradient partition 4/N (`single_grad_partition`,
 *     cast from the 16-bit one, freed after the step);
 *   - stage 2 (`partition_gradients`): each parameter's gradient is copied, as backward produces it,
 *     into a reduction bucket of `reduce_bucket_size` elements in the 16-bit dtype
 *     (reduce_independent_p_g_buckets_and_remove_grads; setup_buckets allocates the bucket whole,
 *     two with `overlap_comm`); a full bucket is reduced (reduce_ipg_grads), the rank copies its own
 *     part into `grads_in_partition` (copy_grads_in_partition, 2/N) and the other gradients are
 *     released (clear_grad_attribute). So 16-bit gradients = the partition 2/N + the bucket(s) + the
 *     one gradient autograd has just produced (the largest parameter's; one larger than the bucket is
 *     reduced from its own tensor). Without `contiguous_gradients` there is no preallocated bucket:
 *     the gradients waiting for their reduction (up to a bucket) and their flattened copy
 *     (allreduce_bucket) take its place, plus the previous bucket's with `overlap_comm`
 *     (previous_reduced_grads). With gradient accumulation the partition of the earlier micro-batches
 *     (all_grad_tensors) stays beside the one the next backward fills (independent_gradient_partition_epilogue).
 *     Without buckets this is DeepSpeed's fixed estimate_zero2_model_states_mem_needs,
 *     2·P + 18·P/N for Adam (PR #5099: "2 = params_16bit, 18 = 2_grads_16bit + 4_grads_32bit +
 *     4_params_32bit + 8_optimizer_states_32bit").
 *   - stage 1: no hook reduces during backward (process_gradients only sets the buckets up, and
 *     reduces only with `overlap_comm` at the accumulation boundary); the engine's
 *     allreduce_gradients calls reduce_gradients after backward, so every full 16-bit gradient
 *     (2 bytes/param) is alive until then, beside the bucket(s). DeepSpeed's estimator, shared by
 *     both stages, counts 2/N here; the code keeps 2.
 *   - CPU offload (stages 1/2): the fp32 master, the fp32 gradient partition and the optimizer state
 *     live on the CPU (self.device = 'cpu'); the GPU keeps the 16-bit params, the reduction
 *     bucket(s) (contiguous_gradients is forced on), the in-flight gradient and
 *     `temp_grad_buffer_for_gpu_offload` (the largest parameter's size, 16-bit, allocated in
 *     __init__); stage 1 also the full gradients until the reduction. The estimator's 2 bytes/param
 *     is the params alone.
 *   Phases (./estimate.ts): setup_buckets allocates the buckets at the first gradient hook, when the
 *   activations are all still there, so they are the `persistentGradients` (with ZeRO-Offload's
 *   staging buffer); the gradients, the partitions and the in-flight gradient grow while backward
 *   frees the activations. A ZeRO that is not DeepSpeed's and not FSDP (no buckets: llm.c's
 *   own, which allocates its gradient buffer once) keeps all its gradients for the whole step, as before. The
 *   buckets (released at the end of backward) and the fp32 gradient partition (made in step())
 *   are both counted in `gradients`, as DeepSpeed's estimator counts the
 *   16-bit and fp32 gradients together (step() does hold both, with a transient flat copy of the
 *   16-bit partition, while it casts one into the other).
 *   Stage 3 (stage3.py, estimate_zero3_model_states_mem_needs): 4 bytes x largest layer (gathered
 *   half params + grads) + 18 bytes/param / N (half param shard 2 + 16); optimizer offloaded:
 *   largest layer + 2/N; params offloaded too: largest layer only. The Adam-specific "8" is
 *   replaced by the catalog's exact per-tensor state, partitioned.
 * - 'paper': the ZeRO paper's (2 + 2 + K)Ψ: P_os keeps 2Ψ + 2Ψ + KΨ/N, P_os+g 2Ψ + (2+K)Ψ/N,
 *   P_os+g+p (2+2+K)Ψ/N, with KΨ = fp32 master + exact optimizer state.
 * - data_types.grad_accum_dtype fp32 with bf16 at ZeRO-1 without offload: DeepSpeed builds its BF16_Optimizer instead
 *   (engine.py _do_optimizer_sanity_check), which holds the bf16 gradients and an fp32 buffer of every gradient, both for
 *   the whole step (bf16OptimizerStates). Other grad_accum_dtype settings under ZeRO are read but not modelled (a note).
 * Without mixed precision (fp32 or pure half) there is no master copy or fp32 gradient copy and
 * both accountings partition as the paper does, with the precision's bytes.
 */
import type { Citation } from '../types';
import { fsdpStates, type FsdpSetup, type FsdpUnits } from './fsdp';
import type { OffloadTarget, ZeroAccounting, ZeroBucketSettings, ZeroStage } from './types';

/** The DeepSpeed commit (deepspeedai/DeepSpeed, August 2026) whose ZeRO code the 'deepspeed' accounting of stages 1 and 2 was read at. */
const DEEPSPEED_COMMIT = 'edaa7221267243c7be7fb49c5d5f5c4fb97b4641';

/** DeepSpeedZeroConfig's defaults for the keys that size the reduction buckets (config.py at DEEPSPEED_COMMIT). */
export const DEEPSPEED_ZERO_BUCKET_DEFAULTS = {
  reduceBucketSize: 500_000_000,
  overlapComm: false,
  contiguousGradients: true,
} as const;

export const ZERO_SOURCES: readonly Citation[] = [
  {
    title: 'Rajbhandari et al. 2020, ZeRO: Memory Optimizations Toward Training Trillion Parameter Models',
    url: 'https://arxiv.org/abs/1910.02054',
    locator: 'Section 5.1 and Figure 1: baseline (2+2+K)Ψ, P_os 4Ψ + KΨ/Nd, P_os+g 2Ψ + (2+K)Ψ/Nd, P_os+g+p (2+2+K)Ψ/Nd',
  },
  {
    title: 'DeepSpeed DeepSpeedZeroOptimizer (ZeRO stages 1 and 2) and estimate_zero2_model_states_mem_needs',
    url: `https://github.com/deepspeedai/DeepSpeed/blob/${DEEPSPEED_COMMIT}/deepspeed/runtime/zero/stage_1_and_2.py`,
    locator:
      'setup_buckets, reduce_independent_p_g_buckets_and_remove_grads, reduce_ipg_grads, copy_grads_in_partition, independent_gradient_partition_epilogue, reduce_gradients, step; estimate_zero2_model_states_mem_needs: gpu_mem = 2 * total_params + int(18 * total_params / total_gpus) (fixed in PR #5099, commit f4cb866c2, from 4 * total_params + int(16 * total_params / total_gpus)); with cpu_offload gpu_mem = 2 * total_params',
  },
  {
    title: 'DeepSpeed DeepSpeedZeroConfig defaults',
    url: `https://github.com/deepspeedai/DeepSpeed/blob/${DEEPSPEED_COMMIT}/deepspeed/runtime/zero/config.py`,
    locator: 'reduce_bucket_size = pp_int(5e8); contiguous_gradients = True; overlap_comm None -> True at stage 3 only (overlap_comm_valid)',
  },
  {
    title: 'DeepSpeed BF16_Optimizer and the engine\'s choice of it',
    url: `https://github.com/deepspeedai/DeepSpeed/blob/${DEEPSPEED_COMMIT}/deepspeed/runtime/bf16_optimizer.py`,
    locator: "engine.py _do_optimizer_sanity_check: bf16 model, grad_accum_dtype float32, ZeRO stage 1, no CPU offload -> BFLOAT16; bf16_optimizer.py _setup_for_real_optimizer: fp32_groups_gradients_flat = torch.zeros_like(bf16_groups_flat, dtype=grad_acc_dtype), fp32_groups_flat_partition = the rank's partition .float(); update_hp_grads adds lp.grad into it; clear_lp_grads zeroes lp grads (set_to_none=False); immediate_grad_update default False (precision_config.py)",
  },
  {
    title: 'DeepSpeed engine: when ZeRO-1 reduces',
    url: `https://github.com/deepspeedai/DeepSpeed/blob/${DEEPSPEED_COMMIT}/deepspeed/runtime/engine.py`,
    locator: 'allreduce_gradients: ZeRO-2 reduces in every backward (overlapping_partition_gradients_reduce_epilogue); ZeRO-1 calls reduce_gradients at the accumulation boundary, after backward',
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
  /** Elements of the trainable tensors (DeepSpeed's buckets hold gradient elements). */
  readonly trainableElements: number;
  /** Gradient bytes of the largest trainable tensor (the gradient autograd hands a hook at once). */
  readonly largestGradient: number;
  /** The FSDP units (set for FSDP jobs). */
  readonly fsdpUnits?: FsdpUnits;
}

export interface ZeroSetup {
  readonly stage: ZeroStage;
  readonly accounting: ZeroAccounting;
  readonly gpus: number;
  readonly offload: OffloadTarget;
  /** The precision has a master copy (DeepSpeed/ZeRO mixed precision). */
  readonly mixed: boolean;
  /** Micro-batches per optimizer step (ZeRO-2 keeps the accumulated partition beside the one being filled). */
  readonly gradAccum?: number;
  /** PyTorch FSDP shards the job (FULL_SHARD = stage 3, SHARD_GRAD_OP = stage 2), not DeepSpeed: ./fsdp.ts. */
  readonly fsdp?: FsdpSetup;
  /** DeepSpeed's bucket settings; absent: DeepSpeed's defaults; null: not DeepSpeed (no reduction buckets). */
  readonly buckets?: ZeroBucketSettings | null;
  /** The 16-bit dtype of the mixed precision (bf16 or fp16), when it is mixed. */
  readonly halfDtype?: 'bf16' | 'fp16';
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
  /**
   * Parts of `weights` and `gradients` freed before the optimizer step (FSDP's gathered unsharded parameters and
   * unsharded gradients); absent: none.
   */
  readonly stepFreed?: { readonly weights: number; readonly gradients: number };
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

const count = (x: number): string => x.toLocaleString('en-US');
const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** DeepSpeed's ZeRO-1/2 reduction buffers on the GPU and the note that says how they were sized (see the file's note). */
interface ReductionBuffers {
  /** The bucket(s), or the gradients waiting for a reduction and their flattened copy without contiguous_gradients. */
  readonly buckets: number;
  /** The one gradient autograd has produced and the hook has not yet copied (the largest parameter's). */
  readonly inFlight: number;
  /** The buckets are allocated whole at the first gradient hook, when the activations are still all there (setup_buckets). */
  readonly preallocated: boolean;
  readonly note: string | null;
}

function reductionBuffers(t: ModelStateTotals, z: ZeroSetup): ReductionBuffers {
  if (z.buckets === null) return { buckets: 0, inFlight: 0, preallocated: false, note: null };
  const given = z.buckets ?? {};
  const d = DEEPSPEED_ZERO_BUCKET_DEFAULTS;
  const assumed: string[] = [];
  const size = given.reduceBucketSize ?? d.reduceBucketSize;
  const sizeFrom = given.reduceBucketSize === undefined ? "DeepSpeed's default, assumption" : (given.reduceBucketSizeFrom ?? 'the job\'s DeepSpeed config');
  if (given.overlapComm === undefined) assumed.push(`overlap_comm ${d.overlapComm}`);
  // ZeRO-Offload forces contiguous gradients (`contiguous_gradients or self.cpu_offload`).
  const contiguous = z.offload !== 'none' ? true : (given.contiguousGradients ?? d.contiguousGradients);
  if (z.offload === 'none' && given.contiguousGradients === undefined) assumed.push(`contiguous_gradients ${d.contiguousGradients}`);
  const overlap = given.overlapComm ?? d.overlapComm;
  const elementBytes = t.trainableElements > 0 ? t.gradients / t.trainableElements : 0;
  const buffers = contiguous ? (overlap ? 2 : 1) : overlap ? 3 : 2;
  const elements = contiguous ? size : Math.min(size, t.trainableElements);
  const buckets = buffers * elements * elementBytes;
  const inFlight = z.stage === 2 ? t.largestGradient : 0;
  const what = contiguous
    ? `${buffers === 2 ? 'two buckets' : 'one bucket'} of reduce_bucket_size ${count(size)} elements (${sizeFrom}${overlap ? '; overlap_comm double-buffers' : ''})`
    : `no preallocated bucket (contiguous_gradients false): the gradients waiting for a reduction and their flattened copy${overlap ? ', and the previous bucket\'s (overlap_comm)' : ''}, ${buffers} × ${count(elements)} elements (reduce_bucket_size ${count(size)}, ${sizeFrom})`;
  const flight = inFlight > 0 ? ` + the gradient backward has just produced before its hook copies it (largest tensor, ${gib(inFlight)})` : '';
  const defaults = assumed.length > 0 ? `; ${assumed.join(', ')} (DeepSpeed's defaults, assumption)` : '';
  return { buckets, inFlight, preallocated: contiguous, note: `ZeRO-${z.stage} gradient reduction: ${what}, ${gib(buckets)}${flight}${defaults}.` };
}

/**
 * Does DeepSpeed pick its BF16_Optimizer rather than DeepSpeedZeroOptimizer? engine.py _do_optimizer_sanity_check at
 * DEEPSPEED_COMMIT: with ZeRO, `model_dtype == bfloat16 and grad_accum_dtype == float32 and zero_optimization_stage() == 1
 * and not zero_cpu_offload()` returns BFLOAT16.
 */
function usesBf16Optimizer(z: ZeroSetup): boolean {
  return z.stage === 1 && z.offload === 'none' && z.halfDtype === 'bf16' && z.buckets?.gradAccumDtype === 'fp32';
}

/**
 * DeepSpeed's BF16_Optimizer (runtime/bf16_optimizer.py at DEEPSPEED_COMMIT, `_setup_for_real_optimizer`): the bf16
 * params whole; `fp32_groups_flat_partition`, the fp32 master of this rank's partition (what the optimizer steps, with
 * its state); `fp32_groups_gradients_flat = torch.zeros_like(bf16_groups_flat, dtype=grad_acc_dtype)`, an fp32 gradient
 * buffer for the WHOLE model allocated at setup (only its partition is stepped); and the bf16 gradients autograd
 * produces, added into it after backward (`update_hp_grads`) and kept between steps (`clear_lp_grads` zeroes them, it
 * does not free them: immediate_grad_update defaults to False). Both gradient copies live for the whole step.
 */
function bf16OptimizerStates(t: ModelStateTotals, z: ZeroSetup): PartitionedStates {
  const n = z.gpus;
  const fp32Buffer = t.trainableElements * 4;
  const gradients = t.gradients + fp32Buffer;
  return {
    weights: t.weights,
    gradients,
    masterWeights: t.master / n,
    optimizerState: t.optimizerState / n,
    optimizerTemporaries: t.temporaries / n,
    persistentGradients: gradients,
    notes: [
      `ZeRO-1 with bf16 and data_types.grad_accum_dtype fp32: DeepSpeed's BF16_Optimizer, not DeepSpeedZeroOptimizer. Full bf16 params and gradients per GPU (the gradients are zeroed between steps, not freed), an fp32 gradient buffer for the whole model (${gib(fp32Buffer)}, allocated at setup), fp32 master and optimizer state partitioned over ${n}; the all-reduce's flat copies are not counted.`,
    ],
  };
}

/** DeepSpeed ZeRO-1/2 in mixed precision (DeepSpeedZeroOptimizer; see the file's note). */
function deepspeedStage12(t: ModelStateTotals, z: ZeroSetup): PartitionedStates {
  if (usesBf16Optimizer(z)) return bf16OptimizerStates(t, z);
  const n = z.gpus;
  const r = reductionBuffers(t, z);
  const notes: string[] = [];
  const stage2 = z.stage === 2;
  // Stage 1 keeps every 16-bit gradient until reduce_gradients runs after backward; stage 2 keeps its partition,
  // and with accumulation the earlier micro-batches' partition beside it.
  const accumulated = stage2 && (z.gradAccum ?? 1) > 1 ? t.gradients / n : 0;
  const sixteenBit = stage2 ? t.gradients / n + accumulated : t.gradients;
  if (z.offload !== 'none') {
    // temp_grad_buffer_for_gpu_offload: the largest parameter's size, 16-bit, on the GPU (only DeepSpeed's ZeRO-Offload has it).
    const staging = z.buckets === null ? 0 : t.largestGradient;
    const gradients = (stage2 ? 0 : t.gradients) + r.buckets + r.inFlight + staging;
    notes.push(
      `ZeRO-${z.stage} with ZeRO-Offload: fp32 master, fp32 gradient partition and optimizer state live on the CPU; the GPU keeps the 16-bit params${stage2 ? '' : ', the full 16-bit gradients until the reduction after backward'}${staging > 0 ? `, and a staging buffer the size of the largest tensor (${gib(staging)}) for the copies to the CPU` : ''} (DeepSpeed's estimator: 2 bytes/param, the params alone).`,
    );
    if (r.note !== null) notes.push(r.note);
    const persistentGradients = z.buckets === null ? gradients : staging + (r.preallocated ? r.buckets : 0);
    return { weights: t.weights, gradients, masterWeights: 0, optimizerState: 0, optimizerTemporaries: 0, persistentGradients, notes };
  }
  const gradients = sixteenBit + r.buckets + r.inFlight + t.fp32GradientCopy / n;
  notes.push(
    stage2
      ? `ZeRO-2 (DeepSpeed accounting): full 16-bit params per GPU; 16-bit gradient partition (gradients are reduced bucket by bucket during backward)${accumulated > 0 ? ', twice while a later micro-batch accumulates into it' : ''}, fp32 gradient partition, master and optimizer state partitioned over ${n} (DeepSpeed's estimator: 2 + 18/N bytes/param for Adam).`
      : `ZeRO-1 (DeepSpeed accounting): full 16-bit params and gradients per GPU (the gradients are reduced after backward), fp32 gradient partition, master and optimizer state partitioned over ${n}.`,
  );
  if (r.note !== null) notes.push(r.note);
  return {
    weights: t.weights,
    gradients,
    masterWeights: t.master / n,
    optimizerState: t.optimizerState / n,
    optimizerTemporaries: t.temporaries / n,
    // DeepSpeed: only the preallocated buckets meet the activations whole; the gradients and partitions grow as backward
    // frees them. Another ZeRO (null buckets: llm.c, whose gradient buffers are allocated once) keeps them throughout.
    persistentGradients: z.buckets === null ? gradients : r.preallocated ? r.buckets : 0,
    notes,
  };
}

function deepspeedMixed(t: ModelStateTotals, z: ZeroSetup): PartitionedStates {
  const n = z.gpus;
  if (z.stage <= 2) return deepspeedStage12(t, z);
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
  if (z.fsdp !== undefined && z.accounting === 'deepspeed' && z.stage >= 2) return fsdpStates(t, z, z.fsdp);
  if (z.accounting === 'deepspeed' && z.mixed) return deepspeedMixed(t, z);
  const result = paperStyle(t, z);
  const which = z.accounting === 'paper' ? 'ZeRO paper accounting' : 'no mixed precision, partitioned as in the ZeRO paper';
  return { ...result, notes: [`ZeRO-${z.stage} over ${z.gpus} GPU(s): ${which}.`] };
}
