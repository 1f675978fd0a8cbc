/**
 * From a scanned job to the advisor's input: the one place where training settings found in files
 * become estimator and advisor inputs. Pure: the model inventory is resolved by the caller.
 */
import type { AdvisorInput, DetectionJob, Priority } from './advisor/types';
import { checkJobLimits } from './job-limits';
import type { EstimateInput, FsdpShardGroup, LoraConfig, ZeroBucketSettings } from './memory/types';
import type { ModelInventory } from './models/types';
import { resolveCurrentOptimizer, resolvedOrNull, unknownOptimizerError, type CurrentOptimizer } from './current-optimizer';
import type { ResolvedOptimizer } from './optimizers/types';
import { runLength, type RunLength } from './run-length';
import { peftDefaultLoraTargets } from './scan';
import { resolveHiddenSizeAutos } from './scan/deepspeed-auto';
import type { ScanJob } from './scan/results';
import { InputError } from './types';

export interface JobOptions {
  /** Memory of one GPU in bytes, null when unknown. */
  readonly gpuMemoryBytes: number | null;
  /** GPU count given by the user; overrides the job's own (e.g. accelerate num_processes). */
  readonly gpus?: number;
  readonly priority: Priority;
  /**
   * When the files name an optimizer the catalog does not know: 'error' (default) throws an
   * InputError at the spelling; 'ignore' gives the advisor no current optimizer.
   */
  readonly unknownOptimizer?: 'error' | 'ignore';
}

/**
 * LoRA as the estimator needs it, with targets resolved from the model type when the files left
 * them to PEFT, and QLoRA's bnb_4bit_compute_dtype when a file states it.
 */
export function jobLora(job: ScanJob, model: ModelInventory): LoraConfig | null {
  const lora = jobLoraTargets(job, model);
  const compute = job.settings.qloraComputeDtype;
  return lora !== null && lora.qlora && compute !== undefined ? { ...lora, computeDtype: compute } : lora;
}

function jobLoraTargets(job: ScanJob, model: ModelInventory): LoraConfig | null {
  const lora = job.settings.lora;
  if (lora) return lora;
  if (job.pendingLora) {
    const modelType = typeof model.config['model_type'] === 'string' ? model.config['model_type'] : model.family;
    const targets = peftDefaultLoraTargets(modelType);
    if (!targets) {
      const s = job.pendingLora.source;
      throw new InputError(`LoRA is on but no target modules are given and PEFT has no default for model type '${modelType}'`, s.path, s.range.line, s.range.column);
    }
    const { rank, qlora, int8, modulesToSave } = job.pendingLora;
    return { rank, targets, qlora, ...(int8 === true ? { int8 } : {}), ...(modulesToSave !== undefined ? { modulesToSave } : {}) };
  }
  return null;
}

/**
 * DeepSpeed's ZeRO-1/2 bucket settings of the job (memory/zero.ts): what its DeepSpeed config states, with
 * a `"auto"` reduce_bucket_size filled as the HF integration fills it (hidden_size², from the model config);
 * null when the ZeRO stage comes from FSDP or a tool's own sharding (llm.c): no DeepSpeed buckets; absent otherwise (DeepSpeed's defaults,
 * named as assumptions by the estimate).
 */
export function jobZeroBuckets(job: ScanJob, model: ModelInventory): ZeroBucketSettings | null | undefined {
  const s = job.settings;
  if (s.deepspeedZero === null) return null;
  if (s.deepspeedZero === undefined) return s.fsdp !== undefined ? null : undefined;
  if (s.deepspeedZero.reduceBucketSize !== undefined) return s.deepspeedZero;
  const auto = resolveHiddenSizeAutos(job.autoValues ?? [], model.config).find((v) => v.key === 'zero_optimization.reduce_bucket_size');
  if (auto === undefined || typeof auto.value !== 'number') return s.deepspeedZero;
  return { ...s.deepspeedZero, reduceBucketSize: auto.value, reduceBucketSizeFrom: `"auto" in ${auto.path}, filled with ${auto.from} as the Hugging Face DeepSpeed integration does` };
}

/**
 * FSDP's shard group in GPUs (memory/fsdp.ts) from what the config states: a hybrid strategy shards over one node's
 * GPUs (the GPUs over the nodes the launch spans; null when no file gives the node count), a 2-D mesh over its shard
 * dimension. Absent when the group is every GPU.
 */
export function jobFsdpShardGroup(job: ScanJob, gpus: number | undefined): FsdpShardGroup | undefined {
  const g = job.settings.fsdpShardGroup;
  if (g === undefined || job.settings.fsdp === undefined) return undefined;
  if (g.kind === 'node') {
    const nodes = job.settings.nodes;
    if (nodes === undefined || gpus === undefined) return { gpus: null, from: `${g.strategy}` };
    if (nodes <= 1 || gpus % nodes !== 0) return undefined;
    return { gpus: gpus / nodes, from: `${g.strategy}, ${gpus / nodes} GPUs per node over ${nodes} nodes` };
  }
  if (gpus === undefined) return undefined;
  const size = g.kind === 'shard' ? g.gpus : gpus % g.replicas === 0 ? gpus / g.replicas : gpus;
  if (size >= gpus || size < 1) return undefined;
  return { gpus: size, from: g.kind === 'shard' ? `${g.key} ${g.gpus}` : `${g.key} ${g.replicas}` };
}

/** Estimator settings the job's files state (anything missing takes the estimator's default). */
export function jobEstimateBase(job: ScanJob, model: ModelInventory, opts: JobOptions): Omit<Partial<EstimateInput>, 'optimizer' | 'model'> {
  checkJobLimits(job);
  const s = job.settings;
  const base: Record<string, unknown> = { gpuMemoryBytes: opts.gpuMemoryBytes };
  const put = (key: string, value: unknown) => {
    if (value !== undefined) base[key] = value;
  };
  put('batchSize', s.perDeviceBatchSize);
  put('gradAccum', s.gradAccum);
  put('seqLen', s.seqLen);
  put('imageSize', s.imageSize);
  put('precision', s.precision);
  put('loadDtype', s.loadDtype);
  put('gradientCheckpointing', s.gradientCheckpointing);
  put('optimizerInBackward', s.optimizerInBackward);
  put('loss', s.loss);
  put('activationOffload', s.activationOffload);
  put('referenceModel', s.referenceModel);
  put('zeroStage', s.zeroStage);
  put('fsdp', s.fsdp);
  put('fsdpVersion', s.fsdp !== undefined ? s.fsdpVersion : undefined);
  put('fsdpShardGroup', jobFsdpShardGroup(job, opts.gpus ?? s.gpus));
  put('offload', s.offload);
  put('zeroBuckets', jobZeroBuckets(job, model));
  put('gpus', opts.gpus ?? s.gpus);
  put('hyperparameters', s.optimizerParams);
  base['lora'] = jobLora(job, model);
  return base as Omit<Partial<EstimateInput>, 'optimizer' | 'model'>;
}

/** Everything the advisor needs for one job. */
export function advisorInputForJob(job: ScanJob, model: ModelInventory, opts: JobOptions): AdvisorInput {
  const fineTune = job.settings.pretraining === undefined ? null : !job.settings.pretraining;
  return {
    model,
    estimateBase: jobEstimateBase(job, model, opts),
    fineTune,
    hubId: job.model?.kind === 'hub-id' ? job.model.id : null,
    priority: opts.priority,
    current: advisorCurrent(resolveCurrentOptimizer(job), opts.unknownOptimizer ?? 'error'),
    ...runLengthInput(runLength(job, opts.gpus !== undefined ? { gpus: { value: opts.gpus, from: 'given' } } : {})),
    detection: detectionOf(job),
  };
}

/** An Ultralytics detection job's recipe facts for the advisor (README "Ultralytics YOLO"); null for any other job. */
export function detectionOf(job: ScanJob): DetectionJob | null {
  const u = job.ultralyticsJob;
  if (u === undefined || u.task !== 'detect') return null;
  return {
    taskFrom: u.taskFrom,
    classes: u.classes,
    decayScale: u.decayScale,
    decayScaleFrom: u.decayScaleFrom,
    epochs: u.epochs,
    lrf: u.lrf,
    cosLr: u.cosLr,
    warmupEpochs: u.warmupEpochs,
    warmupMomentum: u.warmupMomentum,
    warmupBiasLr: u.warmupBiasLr,
  };
}

/** The advisor's run length: the steps and how they were counted. */
export function runLengthInput(run: RunLength): Pick<AdvisorInput, 'totalSteps' | 'totalStepsBasis'> {
  return { totalSteps: run.totalSteps, totalStepsBasis: run.basis };
}

/** The advisor's current optimizer from the job's (current-optimizer.ts). */
function advisorCurrent(current: CurrentOptimizer, unknown: 'error' | 'ignore'): ResolvedOptimizer | null {
  if (current.kind === 'unknown' && unknown === 'error') throw unknownOptimizerError(current);
  return resolvedOrNull(current);
}
