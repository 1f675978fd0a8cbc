import type { FloatDtype, HyperValue, LoadDtype, Precision } from '../types';
import type { LossConfig } from '../memory/loss';
import type { FsdpVersion, FsdpWrapper, OffloadTarget, ZeroBucketSettings, ZeroStage } from '../memory/types';

/** A 1-based source range (columns count UTF-16 code units, as editors do; end is exclusive). */
export interface SourceRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A file handed to the scanner. Reading (and size caps) is the caller's job. */
export interface ScanFile {
  /** Path relative to the scanned folder, `/` separators. */
  readonly path: string;
  readonly text: string;
}

/** One recognised value in a file. `name` is the key as the file spells it (dotted for nesting). */
export interface FieldFinding {
  readonly name: string;
  readonly value: HyperValue;
  readonly range: SourceRange;
}

/** Kinds of recognised files: one per detector in detectors/ (README: The VS Code extension, "Files it reads"). */
export type FindingKind = string;

export interface Finding {
  readonly path: string;
  readonly kind: FindingKind;
  readonly fields: readonly FieldFinding[];
  /** Set when the file looked like a config this scanner reads but could not be used. */
  readonly error?: { readonly message: string; readonly line: number; readonly column: number };
}

/**
 * FSDP's shard group as a config states it: a hybrid strategy (one node's GPUs), the size of the shard dimension of
 * a 2-D mesh, or the number of replicas (the shard group is the GPUs over them).
 */
export type FsdpShardGroupSetting =
  | { readonly kind: 'node'; readonly strategy: string }
  | { readonly kind: 'shard'; readonly gpus: number; readonly key: string }
  | { readonly kind: 'replicate'; readonly replicas: number; readonly key: string };

/** Training settings a job collects from its files; every one optional. */
export interface TrainingSettings {
  /** Optimizer spelling as written (HF optim string, DeepSpeed type, torch class, ...). */
  readonly optimizer?: string;
  readonly optimizerParams?: Readonly<Record<string, HyperValue>>;
  readonly learningRate?: number;
  readonly weightDecay?: number;
  readonly perDeviceBatchSize?: number;
  readonly gradAccum?: number;
  readonly seqLen?: number;
  readonly precision?: Precision;
  /** dtype the model's weights are loaded in (`torch_dtype`/`dtype`, axolotl's flags, torchtune `dtype`). */
  readonly loadDtype?: LoadDtype;
  /** QLoRA: bitsandbytes' `bnb_4bit_compute_dtype`. */
  readonly qloraComputeDtype?: FloatDtype;
  readonly gradientCheckpointing?: boolean;
  readonly zeroStage?: ZeroStage;
  /**
   * Set when the ZeRO stage comes from FSDP sharding (FSDP1/FSDP2 strategies are accounted as ZeRO stages): the
   * framework that sets it up, which decides what its mixed precision keeps (memory/load-dtype.ts).
   */
  readonly fsdp?: FsdpWrapper;
  /** PyTorch's FSDP implementation the config states (`fsdp_version`, Lightning's ModelParallelStrategy: 2). */
  readonly fsdpVersion?: FsdpVersion;
  /** FSDP shards over part of the GPUs (HYBRID_SHARD, a 2-D mesh), as the config states it; ../job.ts sizes it. */
  readonly fsdpShardGroup?: FsdpShardGroupSetting;
  /**
   * Set when a DeepSpeed config's `zero_optimization` section is read: the keys that size the ZeRO-1/2
   * gradient reduction buckets as it states them (a key it leaves out, or writes "auto", is absent).
   * null: the ZeRO stage is a tool's own, not DeepSpeed's (llm.c's `-z`), so it has no DeepSpeed buckets.
   */
  readonly deepspeedZero?: ZeroBucketSettings | null;
  /** Machines the launch spans (torchrun --nnodes, deepspeed --num_nodes, Lightning num_nodes, SLURM --nodes). */
  readonly nodes?: number;
  /** Input image size (timm --img-size / --input-size, a CNN's crop size). */
  readonly imageSize?: number;
  /*
   * Read and passed on; the memory model does not use them (each one is also a "not modelled" note of
   * the job where it changes memory).
   */
  /** Several examples packed into one sequence (axolotl sample_packing, torchtune dataset.packed). */
  readonly samplePacking?: boolean;
  /** FlashAttention kernels (axolotl flash_attention). */
  readonly flashAttention?: boolean;
  /** torch.compile on (torchtune compile). */
  readonly compile?: boolean;
  /** The training stage (LLaMA-Factory stage: pt, sft, rm, ppo, dpo, kto). */
  readonly trainingStage?: string;
  readonly offload?: OffloadTarget;
  readonly gpus?: number;
  readonly lora?: {
    readonly rank: number;
    readonly targets: readonly string[] | 'all-linear';
    readonly qlora: boolean;
    /** Set when the tool builds the adapters in a stated dtype (torchtune: the recipe dtype); else PEFT's fp32. */
    readonly adapterDtype?: FloatDtype;
    /** LLM.int8 base weights (`load_in_8bit`). */
    readonly int8?: boolean;
    /** PEFT `modules_to_save` (axolotl `lora_modules_to_save`). */
    readonly modulesToSave?: readonly string[];
  };
  /** The optimizer steps in backward (torchtune `optimizer_in_bwd`). */
  readonly optimizerInBackward?: boolean;
  /** The loss implementation (torchtune `loss._component_`, axolotl's Liger fused linear cross-entropy). */
  readonly loss?: LossConfig;
  /** Activation offloading to CPU (torchtune `enable_activation_offloading`). */
  readonly activationOffload?: boolean;
  /** Preference training with a frozen reference model (axolotl `rl: dpo`). */
  readonly referenceModel?: boolean;
  readonly maxSteps?: number;
  /**
   * Training epochs as written (HF `num_train_epochs`, Lightning `max_epochs`, axolotl `num_epochs`): with `trainSamples`
   * they give the run's length when `maxSteps` is not set (job.ts runLength).
   */
  readonly epochs?: number;
  /**
   * The gradient accumulation runs over the whole run's iterations rather than restarting each epoch: MMEngine's
   * OptimWrapper steps every `accumulative_counts` iterations of the run and at its last (run-length.ts).
   */
  readonly accumulationSpansEpochs?: boolean;
  /** Training examples per epoch, where a config states them (lightning-hydra-template's `data.train_val_test_split[0]`). */
  readonly trainSamples?: number;
  /**
   * Local datasets the job trains on, as written: files (run_clm / run_glue's `train_file`, axolotl `datasets[].path`
   * ending in .jsonl, .json, .csv or .parquet) or folders (TRL's `dataset_name`, an axolotl `path` without such an
   * extension; a name that is no workspace folder is a Hub dataset): their records, counted when the job is evaluated
   * (run-length.ts countedTrainSamples, README "Hyperparameters bounded by their sources and the job"), are the training
   * examples when no config states them.
   */
  readonly trainDataFiles?: readonly string[];
  /** The split of a dataset folder trained on (TRL `dataset_train_split`; `train` when absent). */
  readonly trainDataSplit?: string;
  /**
   * A cap on the training examples taken from the data (run_clm `max_train_samples`: on the total; LLaMA-Factory
   * `max_samples`: on each dataset of `llamaFactoryData`).
   */
  readonly maxTrainSamples?: number;
  /**
   * The training data held out for evaluation before training (axolotl `val_set_size`, when above 0): a share up to 1,
   * else a number of examples; subtracted from the counted records as `Dataset.train_test_split` holds it out
   * (run-length.ts heldOut).
   */
  readonly valHoldout?: number;
  /**
   * LLaMA-Factory's training data (`dataset`, `dataset_dir`, ...): names looked up in `<dir>/dataset_info.json`, their
   * local files counted when the job is evaluated (src/core/llamafactory-data.ts). Sources: the `dataset` key, and
   * `llamaFactoryData.<field>` for each other field written.
   */
  readonly llamaFactoryData?: LlamaFactoryData;
  readonly warmupSteps?: number;
  readonly warmupRatio?: number;
  /** Warmup counted in epochs (timm's `--warmup-epochs`, the Flax ImageNet example's `config.warmup_epochs`). */
  readonly warmupEpochs?: number;
  readonly scheduler?: string;
  /** True when the job trains from scratch rather than fine-tuning (unknown when absent). */
  readonly pretraining?: boolean;
}

/** Where a job's model comes from. */
export type ModelRef =
  | { readonly kind: 'config-file'; readonly path: string }
  | {
      readonly kind: 'hub-id';
      readonly id: string;
      readonly path: string;
      readonly range: SourceRange;
      /** Branch, tag or commit the job names (`revision`, `model_revision`); absent means `main`. */
      readonly revision?: string;
      /** The folder of the repo that holds the model (a diffusers pipeline's `unet`); absent: the repo's root. */
      readonly subfolder?: string;
    }
  /** A folder or config.json outside the workspace, as written (absolute, `~/…`, or `../…`) in `path`. */
  | { readonly kind: 'local-path'; readonly value: string; readonly path: string; readonly range: SourceRange }
  /**
   * A model the training script builds from its own globals (nanoGPT's `init_from='scratch'`): `config`
   * is the config.json of that shape, `name` what the script calls it, `path`/`range` where it is chosen.
   */
  | {
      readonly kind: 'script-config';
      readonly name: string;
      readonly config: Readonly<Record<string, unknown>>;
      readonly path: string;
      readonly range: SourceRange;
      /** Its vocabulary size: where it is read (nanoGPT's data/<dataset>/meta.pkl), or the assumption with its reason. */
      readonly vocab?:
        | { readonly value: number; readonly source: { readonly path: string; readonly range: SourceRange } }
        | { readonly value: number; readonly assumption: string };
    };

/** One training job: files joined by their references, else by folder. */
export interface Job {
  /** Stable id: the folder (or the training config's path) it was built from. */
  readonly id: string;
  /** Folder of the job, relative, `/` separators ('.' for the root). */
  readonly folder: string;
  readonly files: readonly string[];
  readonly model: ModelRef | null;
  readonly settings: TrainingSettings;
  /** For each setting name, the file and range it came from (for hints and quick fixes). */
  readonly sources: Readonly<Record<string, { readonly path: string; readonly range: SourceRange }>>;
}

export interface ScanResult {
  readonly findings: readonly Finding[];
  readonly jobs: readonly Job[];
}

/** The data keys of a LLaMA-Factory config (LLaMA-Factory hparams/data_args.py DataArguments), as written. */
export interface LlamaFactoryData {
  /** `dataset`, split at commas. */
  readonly names: readonly string[];
  /** `dataset_dir` (default `data`). */
  readonly dir: string;
  /** `val_size`: the share (below 1) or number of examples held out for evaluation; 0 when absent. */
  readonly valSize: number;
  /**
   * `val_size` written as an integer (hparams/parser.py read_args: OmegaConf keeps it, parse_dict does not convert it):
   * a number of examples even at 1, where `1.0` is a share `train_test_split` refuses.
   */
  readonly valSizeIsCount?: true;
  /** `streaming: true`. */
  readonly streaming: boolean;
  /** `mix_strategy` (default `concat`). */
  readonly mixStrategy: string;
  /** Why the examples are packed into sequences: `packing`, `neat_packing`, or `stage: pt` (packing's default); else absent. */
  readonly packedBy?: string;
  /** `tokenized_path`: a folder that, when it holds files, is loaded in place of the datasets. */
  readonly tokenizedPath?: string;
}
