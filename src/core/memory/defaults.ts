/**
 * Defaults of the estimate and the validation of user inputs. Everything the estimator uses is
 * resolved here once, so the CLI can echo it back as `inputs`.
 */
import type { ModelInventory } from '../models/types';
import type { ResolvedOptimizer } from '../optimizers/types';
import { FLOAT_DTYPES, InputError, LOAD_DTYPES, PRECISIONS } from '../types';
import { ATTENTION_IMPLS, FSDP_VERSIONS, FSDP_WRAPPERS, OFFLOAD_TARGETS, ZERO_ACCOUNTINGS, type EstimateInput, type FsdpShardGroup, type LoraConfig, type ZeroBucketSettings, type ZeroStage } from './types';
import { largestTargetDimension, matchLoraTargets } from './lora';
import { effectiveHyperparameters } from './optimizer-state';
import { LOSS_KINDS, TORCHTUNE_OUTPUT_CHUNKS, type LossConfig } from './loss';

/**
 * Defaults, chosen as the common case of a single-GPU fine-tune:
 * - batchSize 1, gradAccum 1: the per-GPU micro-batch that fits most often;
 * - seqLen 2048, capped at the model's maximum positions (max_position_embeddings / n_positions)
 *   when the config states a smaller one (e.g. 1024 for GPT-2, 512 for BERT);
 * - imageSize: the model's own (CNN default input or config image_size), else 224 (ImageNet);
 * - precision 'bf16-mixed' (torch AMP as HF Trainer's --bf16), attention 'sdpa' (the transformers
 *   default since 4.36), no gradient checkpointing, no ZeRO (stage 0, DeepSpeed accounting), one
 *   GPU, no offload, no LoRA, GPU size unknown (fits = null);
 * - the optimizer steps after backward (not in it), the loss upcasts the full logits to fp32
 *   (transformers' default), activations stay on the GPU;
 * - loadDtype null: not stated, so the precision mode's storage is assumed and the estimate says
 *   so (./load-dtype.ts).
 */
export const ESTIMATE_DEFAULTS = {
  batchSize: 1,
  gradAccum: 1,
  seqLen: 2048,
  imageSize: 224,
  precision: 'bf16-mixed',
  loadDtype: null,
  attention: 'sdpa',
  gradientCheckpointing: false,
  zeroStage: 0,
  zeroAccounting: 'deepspeed',
  gpus: 1,
  offload: 'none',
  lora: null,
  optimizerInBackward: false,
  loss: { kind: 'standard' },
  activationOffload: false,
  referenceModel: false,
  zeroGradSetToNone: true,
  gpuMemoryBytes: null,
} as const satisfies Omit<EstimateInput, 'model' | 'optimizer' | 'hyperparameters'>;

export const LIMITS = {
  maxBatchSize: 1e6,
  maxGradAccum: 1e6,
  maxSeqLen: 1e7,
  maxImageSize: 1e5,
  maxGpus: 1e6,
  /** DeepSpeed's reduce_bucket_size, in elements (its default is 5e8). */
  maxReduceBucketSize: 1e12,
} as const;


/** Config keys that state the maximum number of positions, in the order they are looked up. */
const MAX_POSITION_KEYS = ['max_position_embeddings', 'n_positions', 'n_ctx', 'max_sequence_length', 'seq_length'] as const;

/** The model's maximum positions when its config states one. */
export function modelMaxPositions(model: ModelInventory): number | null {
  for (const key of MAX_POSITION_KEYS) {
    const v = model.config[key];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  }
  return null;
}

/** The model's own image size: CNN default input, or `image_size` of a (vision) config. */
export function modelImageSize(model: ModelInventory): number | null {
  if (model.shape.kind === 'cnn') return model.shape.defaultImageSize;
  const direct = model.config['image_size'];
  if (typeof direct === 'number' && direct > 0) return direct;
  const vision = model.config['vision_config'];
  if (typeof vision === 'object' && vision !== null && !Array.isArray(vision)) {
    const nested = (vision as Record<string, unknown>)['image_size'];
    if (typeof nested === 'number' && nested > 0) return nested;
  }
  return null;
}

function integerIn(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw new InputError(`${name} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  return value;
}

function resolveLora(model: ModelInventory, lora: LoraConfig | null | undefined, qlora: boolean | undefined): LoraConfig | null {
  if (lora === null || lora === undefined) {
    if (qlora === true) throw new InputError('QLoRA needs LoRA: give a LoRA rank (--lora-rank) with --qlora');
    return null;
  }
  if (typeof lora.rank !== 'number' || !Number.isInteger(lora.rank) || lora.rank <= 0) {
    throw new InputError(`LoRA rank must be a positive integer, got ${String(lora.rank)}`);
  }
  if (lora.targets !== 'all-linear' && (!Array.isArray(lora.targets) || lora.targets.length === 0)) {
    throw new InputError("LoRA targets must be a non-empty list of module names or 'all-linear'");
  }
  if (lora.adapterDtype !== undefined) oneOf('LoRA adapter dtype', lora.adapterDtype, FLOAT_DTYPES);
  const isQlora = lora.qlora || qlora === true;
  const int8 = lora.int8 === true;
  if (int8 && isQlora) throw new InputError('the base weights are either 8-bit (load_in_8bit) or 4-bit (QLoRA), not both');
  if (lora.prepareKbit === true && !int8 && !isQlora) throw new InputError('prepare_model_for_kbit_training needs 4- or 8-bit base weights (QLoRA or load_in_8bit)');
  if (lora.modulesToSave !== undefined && (!Array.isArray(lora.modulesToSave) || lora.modulesToSave.some((m) => typeof m !== 'string' || m === ''))) {
    throw new InputError('modules_to_save must be a list of module names');
  }
  if (lora.computeDtype !== undefined) oneOf('QLoRA compute dtype (bnb_4bit_compute_dtype)', lora.computeDtype, FLOAT_DTYPES);
  // The compute dtype only exists for 4-bit weights; it is dropped otherwise so that the echoed
  // inputs hold nothing the estimate did not use.
  const resolved: LoraConfig = {
    rank: lora.rank, targets: lora.targets, qlora: isQlora,
    ...(lora.adapterDtype !== undefined ? { adapterDtype: lora.adapterDtype } : {}),
    ...(isQlora && lora.computeDtype !== undefined ? { computeDtype: lora.computeDtype } : {}),
    ...(int8 ? { int8 } : {}),
    ...(lora.prepareKbit === true ? { prepareKbit: true } : {}),
    ...(lora.modulesToSave !== undefined && lora.modulesToSave.length > 0 ? { modulesToSave: [...lora.modulesToSave] } : {}),
    ...(isQlora && lora.doubleQuant === false ? { doubleQuant: false } : {}),
    ...(isQlora && lora.quantiseHead === true ? { quantiseHead: true } : {}),
    ...(isQlora && lora.quantisedFrom !== undefined ? { quantisedFrom: oneOf('QLoRA quantised-from dtype', lora.quantisedFrom, FLOAT_DTYPES) } : {}),
    ...(isQlora && lora.savesQuantisedInputs === true ? { savesQuantisedInputs: true } : {}),
  };
  const { matched } = matchLoraTargets(model, resolved);
  const largest = largestTargetDimension(matched);
  if (matched.length > 0 && lora.rank > largest) {
    throw new InputError(`LoRA rank ${lora.rank} is larger than every targeted dimension (the largest is ${largest})`);
  }
  return resolved;
}

function resolveLoss(loss: LossConfig): LossConfig {
  const kind = oneOf('loss', loss.kind, LOSS_KINDS);
  if (kind !== 'chunked') return { kind };
  const given = loss as { chunks?: number; compiled?: boolean; logitsHeld?: boolean };
  const chunks = given.chunks ?? TORCHTUNE_OUTPUT_CHUNKS;
  const compiled = given.compiled ?? true;
  if (typeof compiled !== 'boolean') throw new InputError('loss compiled must be true or false');
  if (given.logitsHeld !== undefined && typeof given.logitsHeld !== 'boolean') throw new InputError('loss logitsHeld must be true or false');
  return { kind, chunks: integerIn('loss chunks', chunks, 1, 65_536), compiled, ...(given.logitsHeld === true ? { logitsHeld: true } : {}) };
}

/** DeepSpeed's bucket settings checked: a non-negative whole reduce_bucket_size, true/false flags. */
function resolveZeroBuckets(b: ZeroBucketSettings | null | undefined): ZeroBucketSettings | null | undefined {
  if (b === null || b === undefined) return b;
  if (b.reduceBucketSize !== undefined) integerIn('reduce_bucket_size', b.reduceBucketSize, 0, LIMITS.maxReduceBucketSize);
  if (b.overlapComm !== undefined && typeof b.overlapComm !== 'boolean') throw new InputError('overlap_comm must be true or false');
  if (b.contiguousGradients !== undefined && typeof b.contiguousGradients !== 'boolean') throw new InputError('contiguous_gradients must be true or false');
  if (b.gradAccumDtype !== undefined) oneOf('grad_accum_dtype', b.gradAccumDtype, ['fp32', 'fp16', 'bf16'] as const);
  return b;
}

/** FSDP's version, int reshard_after_forward and shard group checked against the framework, stage and GPU count. */
function resolveFsdpSetup(
  partial: Partial<Pick<EstimateInput, 'fsdpVersion' | 'fsdpReshardTo' | 'fsdpShardGroup'>>,
  fsdp: EstimateInput['fsdp'],
  zeroStage: ZeroStage,
  gpus: number,
): Pick<EstimateInput, 'fsdpVersion' | 'fsdpReshardTo' | 'fsdpShardGroup'> {
  const { fsdpVersion, fsdpReshardTo, fsdpShardGroup } = partial;
  if (fsdp === undefined) {
    if (fsdpVersion !== undefined || fsdpReshardTo !== undefined || fsdpShardGroup !== undefined) {
      throw new InputError('an FSDP version, reshard_after_forward or shard group needs FSDP (an FSDP framework)');
    }
    return {};
  }
  if (fsdpVersion !== undefined && !FSDP_VERSIONS.includes(fsdpVersion)) throw new InputError(`FSDP version must be 1 or 2, got ${String(fsdpVersion)}`);
  const version = fsdpVersion;
  let group = gpus;
  let shardGroup: FsdpShardGroup | undefined;
  if (fsdpShardGroup !== undefined) {
    if (fsdpShardGroup.gpus !== null) group = integerIn('FSDP shard group (GPUs)', fsdpShardGroup.gpus, 1, gpus);
    if (typeof fsdpShardGroup.from !== 'string') throw new InputError('an FSDP shard group must say what set it');
    shardGroup = { gpus: fsdpShardGroup.gpus === null ? null : group, from: fsdpShardGroup.from };
  }
  if (fsdpReshardTo !== undefined) {
    if ((version ?? (fsdp === 'torchtune' ? 2 : 1)) !== 2 || zeroStage !== 3) {
      throw new InputError('an int reshard_after_forward needs FSDP2 (fully_shard) with resharding after forward (stage 3)');
    }
    const to = integerIn('reshard_after_forward', fsdpReshardTo, 2, Math.max(2, group - 1));
    if (group % to !== 0 || to >= group) throw new InputError(`reshard_after_forward ${to} must be a divisor of the shard group's ${group} GPUs other than 1 and ${group}`);
  }
  return {
    ...(version !== undefined ? { fsdpVersion: version } : {}),
    ...(fsdpReshardTo !== undefined ? { fsdpReshardTo } : {}),
    ...(shardGroup !== undefined ? { fsdpShardGroup: shardGroup } : {}),
  };
}

/** Partial input as the CLI or the advisor gives it. `qlora` lets a caller ask for QLoRA before a rank is known. */
export type PartialEstimateInput = Partial<Omit<EstimateInput, 'model' | 'optimizer'>> & {
  readonly model: ModelInventory;
  readonly optimizer: ResolvedOptimizer;
  readonly qlora?: boolean;
};

/** Fills in defaults and rejects absurd or contradictory values with an InputError. */
export function resolveEstimateInput(partial: PartialEstimateInput): EstimateInput {
  const { model, optimizer } = partial;
  const d = ESTIMATE_DEFAULTS;
  const batchSize = integerIn('batch size', partial.batchSize ?? d.batchSize, 1, LIMITS.maxBatchSize);
  const gradAccum = integerIn('gradient accumulation steps', partial.gradAccum ?? d.gradAccum, 1, LIMITS.maxGradAccum);
  const maxPositions = modelMaxPositions(model);
  const defaultSeq = maxPositions === null ? d.seqLen : Math.min(d.seqLen, maxPositions);
  const seqLen = integerIn('sequence length', partial.seqLen ?? defaultSeq, 1, LIMITS.maxSeqLen);
  const imageSize = integerIn('image size', partial.imageSize ?? modelImageSize(model) ?? d.imageSize, 1, LIMITS.maxImageSize);
  const precision = oneOf('precision', partial.precision ?? d.precision, PRECISIONS);
  const loadDtypeGiven = partial.loadDtype ?? d.loadDtype;
  const loadDtype = loadDtypeGiven === null ? null : oneOf('load dtype', loadDtypeGiven, LOAD_DTYPES);
  const attention = oneOf('attention', partial.attention ?? d.attention, ATTENTION_IMPLS);
  const gradientCheckpointing = partial.gradientCheckpointing ?? d.gradientCheckpointing;
  if (typeof gradientCheckpointing !== 'boolean') throw new InputError('gradient checkpointing must be true or false');
  const zeroStage = integerIn('ZeRO stage', partial.zeroStage ?? d.zeroStage, 0, 3) as ZeroStage;
  const zeroAccounting = oneOf('ZeRO accounting', partial.zeroAccounting ?? d.zeroAccounting, ZERO_ACCOUNTINGS);
  const fsdp = partial.fsdp === undefined ? undefined : oneOf('FSDP framework', partial.fsdp, FSDP_WRAPPERS);
  const gpus = integerIn('number of GPUs', partial.gpus ?? d.gpus, 1, LIMITS.maxGpus);
  const offload = oneOf('offload', partial.offload ?? d.offload, OFFLOAD_TARGETS);
  if (offload !== 'none' && zeroStage === 0) {
    throw new InputError(`offloading the ${offload} needs ZeRO (stage 1-3); got ZeRO stage 0`);
  }
  if (offload === 'params' && zeroStage !== 3) {
    throw new InputError(`offloading params needs ZeRO stage 3; got stage ${zeroStage}`);
  }
  const gpuMemoryBytes = partial.gpuMemoryBytes ?? d.gpuMemoryBytes;
  if (gpuMemoryBytes !== null && (typeof gpuMemoryBytes !== 'number' || !Number.isFinite(gpuMemoryBytes) || gpuMemoryBytes <= 0)) {
    throw new InputError(`GPU memory must be a positive number of bytes, got ${String(gpuMemoryBytes)}`);
  }
  if (partial.lora !== null && partial.lora !== undefined && model.shape.kind === 'cnn') {
    throw new InputError('LoRA is modelled for transformer Linear layers only, not for CNNs');
  }
  const lora = resolveLora(model, partial.lora, partial.qlora);
  const optimizerInBackward = partial.optimizerInBackward ?? d.optimizerInBackward;
  if (typeof optimizerInBackward !== 'boolean') throw new InputError('optimizer in backward must be true or false');
  const loss = resolveLoss(partial.loss ?? d.loss);
  const activationOffload = partial.activationOffload ?? d.activationOffload;
  if (typeof activationOffload !== 'boolean') throw new InputError('activation offloading must be true or false');
  const referenceModel = partial.referenceModel ?? d.referenceModel;
  if (typeof referenceModel !== 'boolean') throw new InputError('reference model must be true or false');
  const zeroGradSetToNone = partial.zeroGradSetToNone ?? d.zeroGradSetToNone;
  if (typeof zeroGradSetToNone !== 'boolean') throw new InputError('zero_grad set_to_none must be true or false');
  const softmaxSavesInput = partial.softmaxSavesInput ?? false;
  if (typeof softmaxSavesInput !== 'boolean') throw new InputError('softmax-saves-input (PyTorch < 1.11) must be true or false');
  const hyperparameters = effectiveHyperparameters(optimizer, partial.hyperparameters ?? {});
  const zeroBuckets = resolveZeroBuckets(partial.zeroBuckets);
  const fsdpSetup = resolveFsdpSetup(partial, fsdp, zeroStage, gpus);
  return {
    model, optimizer, hyperparameters, batchSize, gradAccum, seqLen, imageSize, precision, loadDtype, attention,
    gradientCheckpointing, zeroStage, zeroAccounting, gpus, offload, lora, optimizerInBackward, loss, activationOffload, referenceModel, zeroGradSetToNone, gpuMemoryBytes,
    ...(softmaxSavesInput ? { softmaxSavesInput } : {}),
    ...(fsdp !== undefined ? { fsdp } : {}),
    ...fsdpSetup,
    ...(zeroBuckets !== undefined ? { zeroBuckets } : {}),
  };
}
