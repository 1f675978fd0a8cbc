/**
 * Evaluating one scanned job end to end: resolve its model (model-source.ts: the scan's config
 * file, a local path, the HF cache, a bundled preset, the Hub, a preset alias), resolve the optimizer its
 * files name (current-optimizer.ts), run the advisor, and estimate the current optimizer's memory with the advisor's own inputs. Shared by the
 * CLI `recommend` command and the VS Code extension. Pure: file text comes from the caller.
 */
import { recommend } from './advisor';
import type { AdvisorInput, AdvisorResult, Priority, Recommendation } from './advisor/types';
import { advisorInputForJob, runLengthInput } from './job';
import { countedTrainSamples, runLength, type DatasetProblem, type GivenValue } from './run-length';
import { countedLlamaFactorySamples } from './llamafactory-data';
import { countedTrainImages, withTrainImages } from './ultralytics-images';
import { jobFacts, type JobFacts } from './job-facts';
import { keepOwnHyperparameters } from './own-hyperparameters';
import { resolveEstimateInput } from './memory/defaults';
import { estimateMemory } from './memory/estimate';
import type { EstimateInput, LoraConfig, MemoryEstimate } from './memory/types';
import { ModelConfigNeeded, resolveModelSource, type FileAccess, type JobModel, type ModelLookup } from './model-source';
import type { ModelInventory } from './models/types';
import { resolveCurrentOptimizer, unknownOptimizerError, type CurrentOptimizer } from './current-optimizer';
import { resolveOptimizer } from './optimizers';
import type { ResolvedOptimizer } from './optimizers/types';
import { peftDefaultLoraTargets } from './scan/peft-lora-targets';
import { autoAssumption, resolveHiddenSizeAutos, type AutoValue } from './scan/deepspeed-auto';
import type { ScanJob } from './scan/results';
import { InputError } from './types';
import { chooseSavedProfile, type SavedProfileDocument, type UnreadableSavedProfile } from './advisor/saved-profile';

export type { FileAccess, JobModel, ModelLookup } from './model-source';
export type { CurrentOptimizer } from './current-optimizer';

/**
 * The job's model, resolved in the order of model-source.ts. Throws ModelConfigNeeded (an InputError
 * with the reason and, for a named model, its position) when nothing resolves.
 */
export function resolveJobModel(job: ScanJob, files: FileAccess, lookup?: ModelLookup): JobModel {
  const resolution = resolveModelSource(job, files, lookup);
  if (resolution.status === 'needs-config') throw new ModelConfigNeeded(resolution);
  return resolution.model;
}

/**
 * The job's DeepSpeed "auto" values with the model-dependent ones (hidden-size ZeRO buckets) filled
 * from the model config, and an assumption for each one nothing resolves.
 */
export function jobAutoValues(job: ScanJob, model: ModelInventory): { autoValues: AutoValue[]; assumptions: string[] } {
  const autoValues = resolveHiddenSizeAutos(job.autoValues ?? [], model.config);
  return { autoValues, assumptions: [...(job.assumptions ?? []), ...autoValues.filter((v) => v.value === null).map(autoAssumption)] };
}

export interface EvaluateOptions {
  /** Memory of one GPU in bytes, null when unknown. */
  readonly gpuMemoryBytes: number | null;
  /** GPU count given by the user; overrides the job's own. */
  readonly gpus?: number;
  readonly priority: Priority;
  /**
   * When the files name an optimizer the catalog does not know: 'error' (default) throws an
   * InputError at the spelling; 'ignore' evaluates the job without a current optimizer and reports
   * it in `current`.
   */
  readonly unknownOptimizer?: 'error' | 'ignore';
  /** Use this model instead of resolving the job's own (a job without a model, evaluated for a chosen preset). */
  readonly model?: JobModel;
  /** Places outside the scan to look for the model (local paths, the HF cache, the Hub). */
  readonly lookup?: ModelLookup;
  /** Estimator inputs given by hand (CLI job flags, the sidebar's toggles): they replace the job's own. */
  readonly overrides?: EstimateOverrides;
  /** Where `gpus` comes from when it is given ("--gpus", "nvidia-smi: 2 GPUs"); reported as its source. */
  readonly gpusFrom?: string;
  /** How the overrides were given, by key (`batchSize`: "--batch-size"); default "given by hand". */
  readonly overridesFrom?: Readonly<Record<string, string>>;
  /**
   * Saved profiles of the job, already validated, newest first (`recommend --profile`: one; the editor: the job's
   * saved results): the newest measured for this job (same job id and model) is used under the stability priority,
   * else the newest is reported as ignored with its reason (core/advisor/saved-profile.ts chooseSavedProfile).
   */
  readonly savedProfiles?: readonly (SavedProfileDocument | UnreadableSavedProfile)[];
}

/**
 * Estimator inputs stated by hand, over the job's settings. LoRA without targets takes the job's
 * own targets, else PEFT's default for the model type.
 */
export type EstimateOverrides = Omit<Partial<Omit<EstimateInput, 'model' | 'optimizer'>>, 'lora'> & {
  readonly lora?: Omit<LoraConfig, 'targets'> & { readonly targets: LoraConfig['targets'] | undefined };
};

/** The job's estimator settings with the overrides laid over them. Throws InputError when LoRA targets cannot be known. */
export function applyOverrides(base: AdvisorInput['estimateBase'], overrides: EstimateOverrides, model: ModelInventory): AdvisorInput['estimateBase'] {
  const { lora, ...rest } = overrides;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) out[key] = value;
  if (lora !== undefined) {
    let targets = lora.targets ?? base.lora?.targets;
    if (targets === undefined) {
      const modelType = typeof model.config['model_type'] === 'string' ? model.config['model_type'] : model.family;
      const peft = peftDefaultLoraTargets(modelType);
      if (peft === null) throw new InputError(`PEFT has no default LoRA target modules for model type '${modelType}': give the targets (module names or all-linear)`);
      targets = peft;
    }
    out['lora'] = { ...lora, targets };
  }
  return out as AdvisorInput['estimateBase'];
}

/** The current optimizer's memory, with the inputs the advisor used for it. */
export interface CurrentEstimate {
  readonly resolved: ResolvedOptimizer;
  readonly input: EstimateInput;
  readonly estimate: MemoryEstimate;
  /** Its entry in the ranking. */
  readonly recommendation: Recommendation;
}

export interface JobEvaluation {
  readonly job: ScanJob;
  readonly model: JobModel;
  readonly input: AdvisorInput;
  readonly result: AdvisorResult;
  readonly current: CurrentOptimizer;
  /** Null when the job names no optimizer, names one the catalog does not know, or it cannot be estimated. */
  readonly currentEstimate: CurrentEstimate | null;
  /** Why the current optimizer could not be estimated (a user-caused InputError's message). */
  readonly currentEstimateError: string | null;
  /** The job's DeepSpeed "auto" values, the model-dependent ones filled from the model config. */
  readonly autoValues: readonly AutoValue[];
  /** What the job's files leave open and the evaluation had to assume (unresolved "auto", ...). */
  readonly jobAssumptions: readonly string[];
  /** Each fact the advice uses with its source (job-facts.ts). */
  readonly facts: JobFacts;
  /** Dataset files the job trains on that could not be counted (too large, binary, malformed), with file and position. */
  readonly datasetProblems: readonly DatasetProblem[];
}

/**
 * Evaluates a job: model, advisor ranking, and the current optimizer's estimate computed exactly as
 * the advisor computes it (the job's settings, the user's hyperparameters). Throws InputError for
 * problems of the job's files (no model, bad model config, unknown optimizer unless ignored,
 * contradictory settings).
 */
export function evaluateJob(scanned: ScanJob, files: FileAccess, options: EvaluateOptions): JobEvaluation {
  // An Ultralytics job's training images, counted in its workspace folders: optimizer=auto decided from them.
  const images = scanned.ultralyticsJob !== undefined ? countedTrainImages(scanned.ultralyticsJob, files.countImages) : undefined;
  const job = images !== undefined ? withTrainImages(scanned, images) : scanned;
  const model = options.model ?? resolveJobModel(job, files, options.lookup);
  const current = resolveCurrentOptimizer(job);
  if (current.kind === 'unknown' && options.unknownOptimizer !== 'ignore') throw unknownOptimizerError(current);
  const base = advisorInputForJob(job, model.inventory, {
    gpuMemoryBytes: options.gpuMemoryBytes,
    priority: options.priority,
    unknownOptimizer: 'ignore',
    ...(options.gpus !== undefined ? { gpus: options.gpus } : {}),
  });
  const estimateBase = options.overrides === undefined ? base.estimateBase : applyOverrides(base.estimateBase, options.overrides, model.inventory);
  // The run's length with the micro-batch, accumulation and GPUs given by hand (they change the steps of an epoch).
  const givenValue = (key: 'batchSize' | 'gradAccum'): GivenValue | undefined => {
    const value = options.overrides?.[key];
    return typeof value === 'number' ? { value, from: options.overridesFrom?.[key] ?? 'given by hand' } : undefined;
  };
  const batchSize = givenValue('batchSize');
  const gradAccum = givenValue('gradAccum');
  // The training examples of the job's local dataset files, counted with the caller's bounded reader.
  // A LLaMA-Factory job's datasets are names in its dataset_info.json (src/core/llamafactory-data.ts).
  const counted = images !== undefined ? images : files.countRecords !== undefined
    ? countedTrainSamples(job, files.countRecords, files.listFolder) ?? countedLlamaFactorySamples(job, { readText: (p) => files.readText(p), countRecords: files.countRecords, ...(files.listFolder !== undefined ? { listFolder: files.listFolder } : {}) })
    : undefined;
  const run = runLength(
    job,
    {
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(gradAccum !== undefined ? { gradAccum } : {}),
      ...(options.gpus !== undefined ? { gpus: { value: options.gpus, from: options.gpusFrom ?? 'given by hand' } } : {}),
    },
    counted,
  );
  const input: AdvisorInput = {
    ...base,
    estimateBase,
    ...runLengthInput(run),
    ...(options.savedProfiles !== undefined
      ? { savedProfile: chooseSavedProfile(options.savedProfiles, { id: job.id, model: model.source }) }
      : {}),
  };
  const result = keepOwnHyperparameters(recommend(input), input.current?.id ?? null, job.settings);

  let currentEstimate: CurrentEstimate | null = null;
  let currentEstimateError: string | null = null;
  if (current.kind === 'resolved') {
    const recommendation = result.recommendations.find((r) => r.optimizer === current.resolved.id);
    try {
      // The same input the advisor builds for the current optimizer (engine.ts, inputFor).
      const estimateInput = resolveEstimateInput({
        ...input.estimateBase,
        model: model.inventory,
        optimizer: current.resolved,
        hyperparameters: input.estimateBase.hyperparameters ?? {},
      });
      const estimate = estimateMemory(estimateInput);
      if (recommendation) currentEstimate = { resolved: current.resolved, input: estimateInput, estimate, recommendation };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      currentEstimateError = e.message;
    }
  }
  const { autoValues, assumptions: jobAssumptions } = jobAutoValues(job, model.inventory);
  const given: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.overrides ?? {})) if (value !== undefined) given[key] = options.overridesFrom?.[key] ?? 'given by hand';
  if (options.gpus !== undefined) given['gpus'] = options.gpusFrom ?? 'given by hand';
  const facts = jobFacts({
    job,
    model,
    result,
    estimate: currentEstimate?.input ?? sharedEstimateInput(input, model.inventory, result),
    given,
    currentOptimizer: current.kind === 'resolved' ? { id: current.resolved.id, spelling: current.resolved.spelling } : null,
    modelChosen: options.model !== undefined && job.model === null,
  });
  const datasetProblems = counted !== undefined && counted.value === null ? counted.problems : [];
  return { job, model, input, result, current, currentEstimate, currentEstimateError, autoValues, jobAssumptions, facts, datasetProblems };
}

/** The estimator settings every candidate shares (the optimizer does not change them), or null when they cannot be resolved. */
function sharedEstimateInput(input: AdvisorInput, model: ModelInventory, result: AdvisorResult): EstimateInput | null {
  const first = result.recommendations[0];
  const optimizer = first === undefined ? undefined : resolveOptimizer(first.optimizer);
  if (optimizer === undefined) return null;
  try {
    return resolveEstimateInput({ ...input.estimateBase, model, optimizer, hyperparameters: {} });
  } catch (e) {
    if (e instanceof InputError) return null;
    throw e;
  }
}
