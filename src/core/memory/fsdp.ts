/**
 * PyTorch FSDP's per-GPU model states, counted by its own code (not DeepSpeed's formulas): FSDP1
 * (`FullyShardedDataParallel`, flat parameters) and FSDP2 (`fully_shard`, per-parameter DTensors), FULL_SHARD (ZeRO-3
 * equivalent, stage 3; FSDP2's reshard_after_forward=True, or an int) and SHARD_GRAD_OP (ZeRO-2, stage 2;
 * reshard_after_forward=False), over every GPU or, HYBRID_SHARD / a 2-D mesh, over one shard group. ./zero.ts calls
 * `fsdpStates` for a job that `fsdp` names; README, "Memory" (FSDP), says what is and is not modelled.
 *
 * Both versions, read at the commits in FSDP_SOURCES / FSDP2_SOURCES:
 * - the sharded parameters (1/N of each unit or parameter) are the only copy kept between steps, in the dtype the
 *   framework leaves them (accelerate upcasts trainable ones to fp32; Lightning, Composer and torchtune keep the load
 *   or recipe dtype, ./load-dtype.ts). They are what the optimizer steps: no master copy beside a 16-bit shard as in
 *   DeepSpeed. Under parameter mixed precision the low-precision copy of the shard exists only for the all-gather
 *   (FSDP1: `_mp_shard`, made in `pre_unshard`, freed in `post_unshard`; FSDP2: the all-gather input is the rank's
 *   slice of the all-gather output, cast into it by the copy-in). An fp32 trainable shard is shown in the
 *   master-weights row, frozen shards in the weights row.
 * - gathered parameters (param_dtype): with resharding after forward, the root unit (the embeddings, final norm and
 *   head outside the repeated blocks; FSDP1's `_post_forward_reshard` never frees the root's, FSDP2 gathers it first
 *   in backward and, its embedding being last, keeps it to the end) and two blocks, one computing and one prefetched
 *   (FSDP1: BACKWARD_PRE, limit 1; FSDP2: `_backward_prefetch` unshards the previous group in reverse post-forward
 *   order, and in forward frees the previous all-gather output after the next copy-out). Without resharding after
 *   forward (SHARD_GRAD_OP, reshard_after_forward=False) every unit from its forward to its backward: the whole model.
 *   FSDP2 with reshard_after_forward=k keeps each other group sharded over k GPUs from its forward to its backward
 *   (`_to_sharded_post_forward`, freed when the group is gathered again: `to_unsharded`).
 * - gradients: each unit's unsharded gradient (param_dtype) lives until its post-backward reduce-scatter; the root
 *   unit's spans the whole backward (its embedding is reached last), so it is the part that meets all the
 *   activations (`persistentGradients`). FSDP1 reduce-scatters a unit's flat gradient as it is. FSDP2's
 *   `foreach_reduce` first copies the group's gradients into a flat reduce-scatter input in reduce_dtype, frees the
 *   gradients after the copy-in, and the group keeps that input (`ReduceScatterState`) until the next group's
 *   post-backward: so one block's gradients are alive beside the previous block's reduce-scatter input, and at the
 *   end the root's beside its own input. The reduce-scatter output (reduce_dtype, 1/N) is cast to the shard's dtype
 *   and kept as the sharded gradient. reduce_dtype is taken as param_dtype (accelerate sets both from
 *   mixed_precision; torchtune sets no MixedPrecisionPolicy, so both are the parameters' dtype).
 * - CPU offload (FSDP1 CPUOffload(offload_params=True), FSDP2 CPUOffloadPolicy): shards, sharded gradients and the
 *   optimizer step on the CPU; the GPU keeps the gathered units and the unsharded gradients (and FSDP2's
 *   reduce-scatter input).
 * - a shard group smaller than the GPUs (HYBRID_SHARD, _HYBRID_SHARD_ZERO2, FSDP2's 2-D mesh): everything above over
 *   the group's GPUs instead; the all-reduce across groups works on the 1/N reduce-scatter output in place.
 * - phases (./estimate.ts): the gathered units and the unsharded gradients are gone by the optimizer step
 *   (`stepFreed`); the allocation replay gets the gradients unit by unit (./allocation-trace.ts).
 * - gradient accumulation under FSDP1's no_sync() / FSDP2's set_requires_gradient_sync(False) (NO_SYNC_ACCUMULATION:
 *   accelerate's, so the HF Trainer's and axolotl's): FSDP1's post-backward hook returns without reducing, leaving the
 *   unsharded flat gradient as `.grad` ("Expects `.grad` to be the unsharded gradient in `no_sync()`",
 *   prepare_gradient_for_optim); FSDP2's post_backward keeps it (`to_accumulated_grad_if_needed`). So every unit's
 *   unsharded gradient (param_dtype) lives from the first micro-batch's backward through the later micro-batches'
 *   forward and backward, meeting their activations (`persistentGradients`), until the last micro-batch reduces it.
 * Not modelled: keep_low_precision_grads (FSDP1), a reduce_dtype other than param_dtype, sync_each_batch, per-parameter
 * dim-0 padding (at most N-1 elements a parameter).
 */
import type { Citation } from '../types';
import type { FsdpShardGroup, FsdpVersion, FsdpWrapper } from './types';
import type { ModelStateTotals, PartitionedStates, ZeroSetup } from './zero';

/** The PyTorch FSDP1 code the FSDP1 accounting was read at (one commit per file, see each citation). */
const PYTORCH_FLAT_PARAM = 'https://github.com/pytorch/pytorch/blob/fe03cf693c7c774a88c01cd0bc52f80402b8437f/torch/distributed/fsdp/_flat_param.py';
const PYTORCH_RUNTIME_UTILS = 'https://github.com/pytorch/pytorch/blob/3ade90a6aaa939cd6238e314c321b9f920db1471/torch/distributed/fsdp/_runtime_utils.py';
const PYTORCH_FSDP_MODULE = 'https://github.com/pytorch/pytorch/blob/6d71f74c873d9517c9f41454ae153189822b17af/torch/distributed/fsdp/fully_sharded_data_parallel.py';
/** The PyTorch FSDP2 (`torch/distributed/fsdp/_fully_shard/`) code the FSDP2 accounting was read at. */
const PYTORCH_FULLY_SHARD = 'https://github.com/pytorch/pytorch/blob/0257dd1c405a7e3a8779e6c88eef5c8c9cea1620/torch/distributed/fsdp/_fully_shard/_fully_shard.py';
const PYTORCH_FSDP2_PARAM_GROUP = 'https://github.com/pytorch/pytorch/blob/002a76fbfea0ac0f199e4b8e2a0691074796c908/torch/distributed/fsdp/_fully_shard/_fsdp_param_group.py';
const PYTORCH_FSDP2_COLLECTIVES = 'https://github.com/pytorch/pytorch/blob/8fc2039decebd92b15b38296df8bf9aa13275be0/torch/distributed/fsdp/_fully_shard/_fsdp_collectives.py';
const PYTORCH_FSDP2_PARAM = 'https://github.com/pytorch/pytorch/blob/17a7e1e09b3e17825b4cb51d75dab1a764712793/torch/distributed/fsdp/_fully_shard/_fsdp_param.py';
/** Which FSDP the frameworks run. */
const TORCHTUNE_DISTRIBUTED = 'https://github.com/pytorch/torchtune/blob/0696355d852611de9e136b4d236c08d2b46d25b5/torchtune/training/_distributed.py';

export const FSDP_SOURCES: readonly Citation[] = [
  {
    title: 'PyTorch FSDP FlatParamHandle (sharded, low-precision and unsharded flat parameters)',
    url: PYTORCH_FLAT_PARAM,
    locator:
      'FlatParameter attributes _local_shard, _full_param_padded (low precision under parameter mixed precision), _mp_shard ("only defined when parameter mixed precision is enabled"); pre_unshard -> _use_low_precision_shard allocates _mp_shard and copies the shard into it; post_unshard -> _free_low_precision_sharded_param frees it after the all-gather; post_reshard: "the FlatParameter points to the full precision sharded flat parameter"; RESHARD_AFTER_FORWARD_HANDLE_STRATEGIES = (FULL_SHARD, HYBRID_SHARD), NO_RESHARD_AFTER_FORWARD_HANDLE_STRATEGIES = (SHARD_GRAD_OP, _HYBRID_SHARD_ZERO2); prepare_gradient_for_backward: "Expects `.grad` to be the unsharded gradient in `no_sync()`"; cast_grad_to_param_dtype_if_needed only with keep_low_precision_grads',
  },
  {
    title: 'PyTorch FSDP runtime (resharding, gradient reduction)',
    url: PYTORCH_RUNTIME_UTILS,
    locator:
      '_post_forward_reshard: free_unsharded_flat_param = not state._is_root and strategy in RESHARD_AFTER_FORWARD_HANDLE_STRATEGIES; _post_backward_hook: unsharded grad cast to reduce_dtype, reduce-scattered into new_sharded_grad = torch.empty_like(chunks[0]), _cast_grad_to_param_dtype, kept as _saved_grad_shard; _should_free_in_backward; _prefetch_handles',
  },
  {
    title: 'PyTorch FullyShardedDataParallel constructor defaults',
    url: PYTORCH_FSDP_MODULE,
    locator: 'backward_prefetch: Optional[BackwardPrefetch] = BackwardPrefetch.BACKWARD_PRE; backward_prefetch_limit = 1',
  },
];

export const FSDP2_SOURCES: readonly Citation[] = [
  {
    title: 'PyTorch FSDP2 fully_shard (docstring)',
    url: PYTORCH_FULLY_SHARD,
    locator:
      'sharded parameters are DTensors sharded on dim 0; mesh: 1-D fully shards, 2-D shards across the 1st dim and replicates across the 0th (HSDP, (Replicate(), Shard(0))); reshard_after_forward True frees the unsharded parameters after forward, False keeps them until backward, None is True for non-root modules and False for the root, an int is the world size to reshard to after forward; set_requires_gradient_sync is the equivalent of FSDP1 no_sync',
  },
  {
    title: 'PyTorch FSDP2 FSDPParamGroup (unshard, prefetch, post-backward)',
    url: PYTORCH_FSDP2_PARAM_GROUP,
    locator:
      'wait_for_unshard: in forward the previous all-gather result is kept (AllGatherState) until the next copy-out, in backward freed right after the copy-out; reshard: _to_sharded_post_forward when resharding to a smaller world; _backward_prefetch unshards post_forward_order[curr_index - 1]; post_backward: unsharded grads taken, reshard, foreach_reduce, comm_ctx.reduce_scatter_state = ReduceScatterState(reduce_scatter_input, ...) dropped at the next post_backward; not reduce_grads: to_accumulated_grad_if_needed',
  },
  {
    title: 'PyTorch FSDP2 foreach_reduce',
    url: PYTORCH_FSDP2_COLLECTIVES,
    locator:
      'reduce_dtype = reduce_dtype or grad_dtype; reduce_scatter_input allocated (sum of padded unsharded numels, reduce_dtype), foreach_reduce_scatter_copy_in, "Only after the copy-in finishes can we free the gradients" unsharded_grads.clear(); reduce_output numel // world_size; _to_dtype_if_needed(reduce_output, orig_dtype); new_sharded_grad = torch.as_strided(reduce_output, ...); HSDP: dist.all_reduce(reduce_output, group=all_reduce_group)',
  },
  {
    title: 'PyTorch FSDP2 FSDPParam (post-forward shard)',
    url: PYTORCH_FSDP2_PARAM,
    locator: 'to_unsharded: if sharded_state == SHARDED_POST_FORWARD, _sharded_post_forward_param_data = None (free)',
  },
  {
    title: "accelerate: FSDP2's gradient sync turned off in Accelerator.no_sync (PR #3762)",
    url: 'https://github.com/huggingface/accelerate/commit/ec92b1af7a5fbaf362da04401fc2576570368a1c',
    locator: 'fix: model.set_requires_gradient_sync(False) should be called to turn off gradient synchronization in FSDP2 (FSDP1: the model\'s own no_sync)',
  },
  {
    title: 'accelerate gradient synchronization (no_sync, accumulate, sync_each_batch)',
    url: 'https://huggingface.co/docs/accelerate/v1.9.0/concept_guides/gradient_synchronization',
    locator: 'Accelerator.accumulate enters no_sync for the micro-batches that do not step unless GradientAccumulationPlugin(sync_each_batch=True); the HF Trainer enters accelerator.no_sync for every micro-batch of a step but the last (not under DeepSpeed)',
  },
  {
    title: 'torchtune shard_model (distributed recipes)',
    url: TORCHTUNE_DISTRIBUTED,
    locator:
      'fsdp_kwargs = {"reshard_after_forward": reshard_after_forward, "mesh": dp_mesh}; CPUOffloadPolicy() with cpu_offload; fully_shard on each layer matching the shard conditions ({}.layers.i), then fully_shard(model); "reshard_after_forward True corresponds to the FULL_SHARD sharding strategy from FSDP1, False to SHARD_GRAD_OP"',
  },
];

/** The FSDP each framework runs when its files do not say (`fsdp_version` absent). */
export const FSDP_DEFAULT_VERSION: Readonly<Record<FsdpWrapper, { readonly version: FsdpVersion; readonly why: string }>> = {
  accelerate: { version: 1, why: "accelerate's FSDP plugin defaults to fsdp_version 1 (FSDP_VERSION unset)" },
  lightning: { version: 1, why: "Lightning's FSDPStrategy wraps FullyShardedDataParallel" },
  composer: { version: 1, why: "Composer's FSDP wraps FullyShardedDataParallel" },
  torchtune: { version: 2, why: "torchtune's distributed recipes shard with fully_shard (training.shard_model)" },
};

/** Bytes of the FSDP units a transformer wrap policy makes (./estimate.ts): the root unit and the largest block. */
export interface FsdpUnits {
  /** Tensors outside the repeated blocks (embeddings, final norm, head): the root FSDP unit. */
  readonly root: { readonly weights: number; readonly gradients: number };
  readonly largestBlock: { readonly weights: number; readonly gradients: number };
  readonly blocks: number;
}

/** How a job's FSDP runs: which implementation, FSDP2's int reshard_after_forward, the shard group. */
export interface FsdpSetup {
  readonly version: FsdpVersion;
  /** Null when the job's files state the version; else why the framework's default was taken (an assumption). */
  readonly versionAssumed: string | null;
  /** FSDP2 reshard_after_forward as an int: the GPUs each group stays sharded over from forward to backward. */
  readonly reshardTo?: number;
  readonly shardGroup?: FsdpShardGroup;
  /** Gradient accumulation under no_sync() / set_requires_gradient_sync(False): who enters it, over how many micro-batches. */
  readonly noSync?: { readonly microBatches: number; readonly why: string };
}

/**
 * The frameworks that accumulate gradients under no_sync() (FSDP1) / set_requires_gradient_sync(False) (FSDP2): the
 * HF Trainer and accelerate's `accumulate()` enter `Accelerator.no_sync` for every micro-batch but the last, unless
 * the GradientAccumulationPlugin's `sync_each_batch` (False by default) is set. torchtune's recipes and Lightning's
 * FSDPStrategy reduce in every backward (Lightning blocks the sync of DistributedDataParallel only); Composer's
 * micro-batch syncing was not read, so it is counted as reducing in every backward (README, "How memory is counted").
 */
const NO_SYNC_ACCUMULATION: Readonly<Partial<Record<FsdpWrapper, string>>> = {
  accelerate: "the HF Trainer and accelerate's accumulate() skip the gradient sync for every micro-batch but the last (sync_each_batch false, accelerate's default, assumption)",
};

/** The FSDP setup of a job: the stated version or the framework's default, and no_sync() accumulation. */
export function fsdpSetup(wrapper: FsdpWrapper, version: FsdpVersion | undefined, reshardTo: number | undefined, shardGroup: FsdpShardGroup | undefined, gradAccum: number): FsdpSetup {
  const d = FSDP_DEFAULT_VERSION[wrapper];
  const noSync = NO_SYNC_ACCUMULATION[wrapper];
  return {
    version: version ?? d.version,
    versionAssumed: version === undefined ? d.why : null,
    ...(reshardTo !== undefined ? { reshardTo } : {}),
    ...(shardGroup !== undefined ? { shardGroup } : {}),
    ...(noSync !== undefined && gradAccum > 1 ? { noSync: { microBatches: gradAccum, why: noSync } } : {}),
  };
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** The GPUs one shard spans and the note's words for it. */
function shardGroupOf(z: ZeroSetup, f: FsdpSetup): { readonly n: number; readonly note: string } {
  const g = f.shardGroup;
  if (g === undefined) return { n: z.gpus, note: `over ${z.gpus} GPUs` };
  if (g.gpus === null) return { n: z.gpus, note: `over ${z.gpus} GPUs (${g.from}: shards within a node, and the node count is not known: one node assumed)` };
  const groups = z.gpus / g.gpus;
  const replicas = Number.isInteger(groups) ? `${groups} replica groups` : `the other GPUs as replicas`;
  return { n: g.gpus, note: `over a shard group of ${g.gpus} of the ${z.gpus} GPUs (${g.from}; ${replicas}, the gradients all-reduced across them)` };
}

/** PyTorch FSDP's per-GPU model states (see the file's note). */
export function fsdpStates(t: ModelStateTotals, z: ZeroSetup, f: FsdpSetup): PartitionedStates {
  const group = shardGroupOf(z, f);
  const n = group.n;
  const v2 = f.version === 2;
  const reshard = z.stage >= 3;
  const units = t.fsdpUnits ?? { root: { weights: t.weights, gradients: t.gradients }, largestBlock: { weights: 0, gradients: 0 }, blocks: 0 };
  // Under mixed precision `weights` holds the trainable tensors in param_dtype, which FSDP only has gathered; their
  // shard is the fp32 one (`master`). The 16-bit bytes of a trainable tensor equal its 16-bit gradient's.
  const trainableHalf = z.mixed ? t.gradients : 0;
  const shardWeights = (t.weights - trainableHalf) / n;
  const shardTrainable = t.master / n;
  const shardGradients = (z.mixed ? t.master : t.gradients) / n;
  const prefetched = Math.min(2, units.blocks);
  const computing = units.root.weights + prefetched * units.largestBlock.weights;
  // FSDP2 reshard_after_forward=k: the blocks not gathered keep a 1/k shard of their param_dtype parameters.
  const postForward = v2 && reshard && f.reshardTo !== undefined
    ? Math.max(0, t.weights - units.root.weights - prefetched * units.largestBlock.weights) / f.reshardTo
    : 0;
  const gathered = reshard ? computing + postForward : t.weights;
  // FSDP1: the root unit's gradient and one block's. FSDP2: one block's beside the previous block's reduce-scatter
  // input (reduce_dtype = param_dtype: the same bytes), and at the end the root's beside its own input.
  // Under no_sync() every unit keeps its unsharded gradient from the first micro-batch's backward to the last one's
  // reduce-scatter; FSDP2 then copies each group's into its reduce-scatter input (one group at a time).
  const noSync = f.noSync;
  const unshardedGradients = noSync !== undefined
    ? t.gradients + (v2 ? Math.max(units.largestBlock.gradients, units.root.gradients) : 0)
    : v2
      ? units.root.gradients + Math.max(2 * units.largestBlock.gradients, units.root.gradients)
      : units.root.gradients + units.largestBlock.gradients;
  const persistentGradients = noSync !== undefined ? t.gradients : units.root.gradients;
  const gradientWhat = noSync !== undefined
    ? `every unit's unsharded gradient in param_dtype, kept across the ${noSync.microBatches} micro-batches of a step under ${v2 ? 'set_requires_gradient_sync(False)' : 'no_sync()'} until the last one's reduce-scatter${v2 ? ' (with one group\'s flat reduce-scatter input then)' : ''}: ${noSync.why}`
    : v2
      ? "the unsharded gradients of the root unit (through backward) and of one block beside the previous block's flat reduce-scatter input (reduce_dtype taken as param_dtype; at the end the root's own input)"
      : 'the unsharded gradients of the root unit and one block until their reduce-scatter';
  const name = v2
    ? `FSDP2 fully_shard, reshard_after_forward=${!reshard ? 'False (SHARD_GRAD_OP)' : f.reshardTo !== undefined ? `${f.reshardTo}` : 'True (FULL_SHARD)'}`
    : `FSDP ${f.shardGroup !== undefined ? (reshard ? 'HYBRID_SHARD' : '_HYBRID_SHARD_ZERO2') : reshard ? 'FULL_SHARD' : 'SHARD_GRAD_OP'}`;
  const accounting = `PyTorch FSDP${f.version} accounting, not DeepSpeed's`;
  const versionNote = f.versionAssumed !== null ? `; FSDP${f.version}: ${f.versionAssumed} (assumption)` : '';
  const gatheredWhat = reshard
    ? `the root unit (${gib(units.root.weights)}, kept unsharded from forward to backward) and ${prefetched === 2 ? `two blocks (one computing, one prefetched: ${v2 ? "FSDP2's backward prefetch of the previous group" : "backward_prefetch BACKWARD_PRE, FSDP's default"})` : prefetched === 1 ? 'its one block' : 'no block'}${postForward > 0 ? `, and the other blocks sharded over ${f.reshardTo} GPUs from their forward to their backward (${gib(postForward)})` : ''}`
    : `every unit (${v2 ? 'reshard_after_forward=False' : 'SHARD_GRAD_OP'} keeps the unsharded parameters from forward to backward)`;
  const unitsNote = units.blocks > 0
    ? `one FSDP unit per repeated block (${units.blocks}), the rest in the root unit (a transformer wrap policy, assumption)`
    : 'the whole model in the root unit (no repeated blocks found)';
  if (z.offload !== 'none') {
    return {
      weights: gathered, gradients: unshardedGradients, masterWeights: 0, optimizerState: 0, optimizerTemporaries: 0,
      persistentGradients,
      stepFreed: { weights: gathered, gradients: unshardedGradients },
      notes: [
        `${name} with ${v2 ? 'CPUOffloadPolicy' : 'CPUOffload(offload_params=True)'} ${group.note} (${accounting}): the parameter and gradient shards and the optimizer step live on the CPU; the GPU holds the gathered parameters of ${gatheredWhat} (${gib(gathered)}) and ${gradientWhat} (${gib(unshardedGradients)}); ${unitsNote}${versionNote}.`,
      ],
    };
  }
  const shardNote = z.mixed
    ? `the sharded parameters the optimizer steps, in fp32, 1/${n} (no separate master copy and no 16-bit shard between steps: FSDP casts the shard to param_dtype only to all-gather it)`
    : `the sharded parameters the optimizer steps, 1/${n}, in their own dtype (no master copy)`;
  return {
    weights: shardWeights + gathered,
    gradients: shardGradients + unshardedGradients,
    masterWeights: shardTrainable,
    optimizerState: t.optimizerState / n,
    optimizerTemporaries: t.temporaries / n,
    persistentGradients,
    // Every unit is resharded in its post-backward (the root too), and the unsharded gradients are gone once
    // reduce-scattered: the optimizer step sees the shards only.
    stepFreed: { weights: gathered, gradients: unshardedGradients },
    notes: [
      `${name} ${group.note} (${accounting}): ${shardNote}; their gradient shards (the reduce-scatter output cast to the shard's dtype) and optimizer state 1/${n}; gathered in param_dtype, ${gatheredWhat}, ${gib(gathered)}; ${gradientWhat}, ${gib(unshardedGradients)}; ${unitsNote}${versionNote}.`,
    ],
  };
}
