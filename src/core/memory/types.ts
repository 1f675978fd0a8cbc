import type { ModelInventory } from '../models/types';
import type { ResolvedOptimizer, StateTensor } from '../optimizers/types';
import type { DType, FloatDtype, Hyperparameters, LoadDtype, Precision } from '../types';
import type { LossConfig } from './loss';

export type { LossConfig } from './loss';

/** Attention implementations: eager keeps the s x s scores and probabilities, sdpa (fused) does not. */
export const ATTENTION_IMPLS = ['eager', 'sdpa'] as const;
export type AttentionImpl = (typeof ATTENTION_IMPLS)[number];
/** The ZeRO stages (0: plain data parallelism), as DeepSpeed's `zero_optimization.stage` numbers them. */
export const ZERO_STAGES = [0, 1, 2, 3] as const;
export type ZeroStage = (typeof ZERO_STAGES)[number];
/** What ZeRO offloads to CPU memory: nothing, the optimizer state, or the parameters too (`estimate --offload`). */
export const OFFLOAD_TARGETS = ['none', 'optimizer', 'params'] as const;
export type OffloadTarget = (typeof OFFLOAD_TARGETS)[number];
/** 'deepspeed' = DeepSpeed's own accounting (default); 'paper' = the ZeRO paper's 2+2+K bytes/param. */
export const ZERO_ACCOUNTINGS = ['deepspeed', 'paper'] as const;
export type ZeroAccounting = (typeof ZERO_ACCOUNTINGS)[number];
/**
 * The framework that sets up a job's FSDP sharding, which decides what its mixed precision keeps (./load-dtype.ts):
 * accelerate (its config, `accelerate launch --use_fsdp`, and the HF Trainer / axolotl through it), Lightning's
 * FSDPStrategy, Composer's FSDP (llm-foundry's `fsdp_config`), torchtune's distributed recipes (FSDP2).
 */
export const FSDP_WRAPPERS = ['accelerate', 'lightning', 'composer', 'torchtune'] as const;
export type FsdpWrapper = (typeof FSDP_WRAPPERS)[number];
/**
 * PyTorch's two FSDP implementations: 1, `FullyShardedDataParallel` (flat parameters per wrapped unit); 2,
 * `fully_shard` (each parameter a DTensor sharded on dim 0). ./zero.ts counts each by its own code.
 */
export const FSDP_VERSIONS = [1, 2] as const;
export type FsdpVersion = (typeof FSDP_VERSIONS)[number];

/**
 * FSDP's sharding group when it is not every GPU: HYBRID_SHARD / _HYBRID_SHARD_ZERO2 shard within one node and
 * replicate across nodes; FSDP2 over a 2-D mesh shards over its shard dimension (HSDP).
 */
export interface FsdpShardGroup {
  /** GPUs one shard spans; null: one node's, with the node count unknown (one node assumed: every GPU). */
  readonly gpus: number | null;
  /** What set it, as the estimate's note says it (the config key and value, the node count). */
  readonly from: string;
}

export interface LoraConfig {
  readonly rank: number;
  /** Leaf module names to adapt (`q_proj`, `v_proj`, ...); 'all-linear' adapts every 2-D matrix. */
  readonly targets: readonly string[] | 'all-linear';
  /** QLoRA: 4-bit NF4 base weights (bitsandbytes, double quantisation). */
  readonly qlora: boolean;
  /**
   * Storage dtype of the adapters when the tool that builds them says so (torchtune builds them in
   * the recipe's `dtype`). Absent: PEFT's get_peft_model, which upcasts half-precision adapters to
   * fp32 (autocast_adapter_dtype=True, its default).
   */
  readonly adapterDtype?: FloatDtype;
  /**
   * QLoRA: bitsandbytes' `bnb_4bit_compute_dtype`, the dtype 4-bit weights are dequantised to for
   * each matmul. Absent: not stated (BitsAndBytesConfig's default, fp32, is assumed).
   */
  readonly computeDtype?: FloatDtype;
  /** LLM.int8 base weights (bitsandbytes `load_in_8bit`); exclusive with `qlora`. See ./int8.ts. */
  readonly int8?: boolean;
  /**
   * PEFT prepare_model_for_kbit_training was called (4- or 8-bit base): it casts every fp16/bf16
   * parameter that is not quantised (embeddings, norms, the head) to fp32.
   */
  readonly prepareKbit?: boolean;
  /** PEFT `modules_to_save`: leaf module names that get a full trainable copy (./modules-to-save.ts). */
  readonly modulesToSave?: readonly string[];
  /**
   * QLoRA: the 4-bit absmax constants are quantised again (`bnb_4bit_use_double_quant`, lit-gpt's
   * `bnb.nf4-dq`). Absent: true (QLoRA's recipe); false keeps one fp32 absmax per 64 weights (./nf4.ts).
   */
  readonly doubleQuant?: boolean;
  /**
   * QLoRA: the output head is quantised too. Lightning Fabric's BitsandbytesPrecision replaces every
   * nn.Linear built under init_module, the head included; transformers keeps it unquantised
   * (the default, false).
   */
  readonly quantiseHead?: boolean;
  /**
   * QLoRA: the float dtype the weights were cast to before quantize_4bit, which dequantize_4bit
   * returns (Lightning Fabric's _Linear4bit casts to float16 first). Absent: the job's half dtype.
   */
  readonly quantisedFrom?: FloatDtype;
  /**
   * QLoRA under bitsandbytes < 0.43.2: MatMul4Bit.forward kept its input A for backward whenever an
   * input needed a gradient (`ctx.tensors = (A, B)`), although the frozen weight needs no gradient;
   * bitsandbytes 0.43.2 dropped it (PR #1270, "fix QLoRA mem bug: delete useless buffered
   * activation"). True: every 4-bit Linear's input is saved (./activations.ts).
   */
  readonly savesQuantisedInputs?: boolean;
}

/**
 * DeepSpeed's `zero_optimization` keys that size the ZeRO-1/2 gradient reduction buckets, as the
 * job states them; a key left out takes DeepSpeed's default (DEEPSPEED_ZERO_BUCKET_DEFAULTS).
 */
export interface ZeroBucketSettings {
  /** `reduce_bucket_size`, in elements. */
  readonly reduceBucketSize?: number;
  /** Where `reduceBucketSize` came from when the job did not write a number (HF "auto": hidden_size²). */
  readonly reduceBucketSizeFrom?: string;
  /** `overlap_comm`. */
  readonly overlapComm?: boolean;
  /** `contiguous_gradients`. */
  readonly contiguousGradients?: boolean;
  /**
   * `data_types.grad_accum_dtype` (unset: the model's 16-bit dtype). fp32 with bf16 at ZeRO-1 without offload makes
   * DeepSpeed use its BF16_Optimizer, which keeps an fp32 buffer for every gradient (./zero.ts).
   */
  readonly gradAccumDtype?: 'fp32' | 'fp16' | 'bf16';
}

/** Everything the estimator needs, defaults already resolved (the CLI echoes this as `inputs`). */
export interface EstimateInput {
  readonly model: ModelInventory;
  readonly optimizer: ResolvedOptimizer;
  /** User hyperparameters overlaid on the optimizer's defaults (e.g. Adafactor beta1). */
  readonly hyperparameters: Hyperparameters;
  /** Per-GPU micro-batch. */
  readonly batchSize: number;
  readonly gradAccum: number;
  readonly seqLen: number;
  readonly imageSize: number;
  readonly precision: Precision;
  /**
   * dtype the model's weights are loaded in, or null when the job does not say (then the precision
   * mode's storage is assumed, as before this input existed, and a note says so).
   */
  readonly loadDtype: LoadDtype | null;
  readonly attention: AttentionImpl;
  readonly gradientCheckpointing: boolean;
  readonly zeroStage: ZeroStage;
  readonly zeroAccounting: ZeroAccounting;
  /**
   * The sharding is FSDP's, set up by this framework (the ZeRO stage is its equivalent, ../scan/sharding.ts). Absent:
   * DeepSpeed's ZeRO, or no sharding. It decides what mixed precision keeps: ./load-dtype.ts `storageSplit`.
   */
  readonly fsdp?: FsdpWrapper;
  /**
   * Which FSDP the framework runs (`fsdp_version`, torchtune's fully_shard, Lightning's ModelParallelStrategy).
   * Absent: the framework's default (torchtune 2, the others 1), named as an assumption (./zero.ts).
   */
  readonly fsdpVersion?: FsdpVersion;
  /**
   * FSDP2's `reshard_after_forward` as an int: after forward each group keeps its parameters sharded over this
   * many GPUs (a divisor of the shard group) until backward. Only with FSDP2 at stage 3 (True = stage 3, False = 2).
   */
  readonly fsdpReshardTo?: number;
  /** FSDP shards over part of the GPUs (HYBRID_SHARD, a 2-D mesh). Absent: over every GPU. */
  readonly fsdpShardGroup?: FsdpShardGroup;
  readonly gpus: number;
  readonly offload: OffloadTarget;
  /**
   * DeepSpeed ZeRO-1/2 gradient reduction settings (./zero.ts, the reduction buckets). Absent:
   * DeepSpeed's defaults, each an assumption the estimate names. null: the job's ZeRO is not
   * DeepSpeed's (FSDP, llm.c), so there are no DeepSpeed reduction buckets.
   */
  readonly zeroBuckets?: ZeroBucketSettings | null;
  readonly lora: LoraConfig | null;
  /**
   * The optimizer steps each parameter from a backward hook and frees its gradient (torchtune
   * `optimizer_in_bwd`, LOMO); a spelling can imply it too (HF `*_layerwise`). See ./step-in-backward.ts.
   */
  readonly optimizerInBackward: boolean;
  /** How the loss over the vocabulary is computed (./loss.ts). */
  readonly loss: LossConfig;
  /** Saved activations are moved to CPU memory in forward and brought back in backward (./activation-offload.ts). */
  readonly activationOffload: boolean;
  /** Preference training (DPO) with a frozen reference model (./reference-model.ts). */
  readonly referenceModel: boolean;
  /**
   * zero_grad(set_to_none): true (torch >= 2.0's default) frees the gradients after each step; false
   * (torch 1.x's default for optimizer.zero_grad() and module.zero_grad()) zeroes them in place, so
   * they stay allocated through the next forward.
   */
  readonly zeroGradSetToNone: boolean;
  /** Bytes of one GPU, or null when unknown (then `fits` is null). */
  readonly gpuMemoryBytes: number | null;
  /**
   * PyTorch < 1.11: softmax and log_softmax saved their input for backward beside their output
   * (the backward formula took `self` for its dtype; PyTorch PR #65242 replaced it with the dtype,
   * released in 1.11). Absent or false: current PyTorch.
   */
  readonly softmaxSavesInput?: boolean;
}

/** Per-GPU bytes by component. */
export interface MemoryBytes {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizerState: number;
  readonly masterWeights: number;
  readonly optimizerTemporaries: number;
  readonly activations: number;
  /** CUDA context, cuBLAS workspaces and allocator rounding at the peak phase. */
  readonly overhead: number;
  /** The CUDA context part of `overhead` (a published figure, an assumption: ./overhead.ts). */
  readonly cudaContext: number;
  /**
   * The caching allocator's reserve, part of `overhead`: what PyTorch's caching allocator, replayed over
   * the run's allocation sequence (./allocation-trace.ts, ./allocator.ts), reserves beyond the requested
   * bytes at the peak (block rounding, segment sizes, fragmentation of cached blocks).
   */
  readonly allocatorReserve: number;
  /** cuBLAS workspaces (through torch's allocator), part of `overhead` and of `peakReserved` (./overhead.ts). */
  readonly cublasWorkspace: number;
  /**
   * Paged optimizer state (bitsandbytes paged optimizers): CUDA unified memory, which torch's
   * counters do not see and the driver can evict to CPU RAM. Not part of any peak below.
   */
  readonly pagedOptimizerState: number;
  /** Largest phase, allocated bytes only (no context, no reserve, no paged state). */
  readonly peakAllocated: number;
  /** `peakAllocated` plus the caching allocator's reserve and the cuBLAS workspaces (torch.cuda.max_memory_reserved()), no paged state. */
  readonly peakReserved: number;
  /** What nvidia-smi would show for the process (reserved + CUDA context), paged state excluded. */
  readonly peak: number;
}

/**
 * 'fits': the peak and any paged state fit; 'fits-with-paging': the peak fits but the paged
 * optimizer state does not fit beside it (it may spill to CPU RAM, which is slower);
 * 'does-not-fit': the peak alone is larger than the GPU.
 */
export type FitVerdict = 'fits' | 'fits-with-paging' | 'does-not-fit';

export type WeightPart = 'base' | 'adapter' | 'modules-to-save' | 'reference';

/** Weights of one kind stored in one dtype (bytes before ZeRO partitioning). */
export interface WeightGroup {
  /**
   * 'base' = the model's own weights; 'adapter' = LoRA A/B; 'modules-to-save' = PEFT's trainable
   * copies; 'reference' = the frozen reference model of preference training.
   */
  readonly part: WeightPart;
  readonly trainable: boolean;
  readonly dtype: DType;
  readonly tensors: number;
  readonly elements: number;
  readonly bytes: number;
}

/**
 * The storage dtype of the base weights that are not quantised, and how it was decided:
 * 'load' = the job's load dtype; 'config' = load dtype 'auto', taken from config.json;
 * 'precision' = the precision mode casts the model whatever it was loaded in (pure bf16/fp16,
 * DeepSpeed mixed precision); 'assumed' = no load dtype known, the precision mode's default.
 */
export const BASE_DTYPE_SOURCES = ['load', 'config', 'precision', 'assumed'] as const;
export interface BaseDtype {
  readonly dtype: DType;
  readonly source: (typeof BASE_DTYPE_SOURCES)[number];
  readonly reason: string;
}

export interface MemoryEstimate {
  readonly bytes: MemoryBytes;
  /** The peak (paged state excluded) fits in the GPU; null when the GPU size is unknown. */
  readonly fits: boolean | null;
  /** The verdict with paging taken into account; null when the GPU size is unknown. */
  readonly verdict: FitVerdict | null;
  /** Which phase sets the peak. */
  readonly peakPhase: 'forward-backward' | 'optimizer-step';
  readonly params: { readonly total: number; readonly trainable: number };
  /** Per-tensor optimizer state (trainable tensors only), for breakdown tables. */
  readonly stateTensors: readonly { readonly param: string; readonly states: readonly StateTensor[] }[];
  /** Weights by part, trainability and storage dtype (what the `weights` bytes are made of). */
  readonly weightStorage: readonly WeightGroup[];
  readonly baseDtype: BaseDtype;
  /** Human-readable notes on assumptions made (e.g. "activations: SDPA, no dropout masks"). */
  readonly notes: readonly string[];
}
