/**
 * Facts the rules look at, derived from the inputs and the estimator's results.
 */
import type { EstimateInput, MemoryEstimate } from '../memory/types';
import type { ArchitectureShape, ModelInventory } from '../models/types';
import { InputError } from '../types';
import type { DetectionJob, FamilyKind, FitFact, JobFacts, Priority, StackKind } from './types';

export function familyOf(shape: ArchitectureShape): FamilyKind {
  return shape.kind;
}

/** Which stacks a transformer has; decides which published recipe its hyperparameters follow. */
export function stackKindOf(shape: ArchitectureShape): StackKind {
  if (shape.kind === 'cnn') return shape.denoiser === true ? 'diffusion' : 'cnn';
  const roles = new Set(shape.stacks.map((s) => s.role));
  if (roles.has('vision-encoder') && (roles.has('text-encoder') || roles.has('decoder'))) return 'multimodal';
  if (roles.has('vision-encoder')) return 'vision';
  if (roles.has('cross-decoder')) return 'encoder-decoder';
  if (roles.has('decoder')) return 'decoder';
  return 'encoder';
}

export interface FineTuneDecision {
  readonly fineTune: boolean;
  /** Set when the value was inferred or assumed rather than given. */
  readonly assumption: string | null;
}

/**
 * Fine-tuning when given; otherwise inferred: LoRA adapters or base weights loaded by hub id mean
 * fine-tuning; with neither, training from scratch is assumed (and said so).
 */
export function decideFineTune(given: boolean | null, lora: boolean, hubId: string | null | undefined): FineTuneDecision {
  if (given !== null) return { fineTune: given, assumption: null };
  if (lora) return { fineTune: true, assumption: 'Fine-tuning inferred from the LoRA adapters.' };
  if (hubId) return { fineTune: true, assumption: `Fine-tuning inferred from the pretrained hub id "${hubId}".` };
  return {
    fineTune: false,
    assumption: 'Training from scratch assumed: no fine-tune flag, LoRA or pretrained hub id was given.',
  };
}

export function globalBatchOf(input: EstimateInput, given: number | undefined): number {
  if (given === undefined) return input.batchSize * input.gradAccum * input.gpus;
  if (!Number.isInteger(given) || given < 1) {
    throw new InputError(`global batch size must be a positive integer, got ${given}`);
  }
  return given;
}

export function fitFact(fits: boolean | null): FitFact {
  if (fits === null) return 'unknown';
  return fits ? 'yes' : 'no';
}

export interface JobFactInputs {
  readonly model: ModelInventory;
  /** Resolved estimate input of the family-default optimizer (settings are shared by all candidates). */
  readonly reference: EstimateInput;
  readonly referenceEstimate: MemoryEstimate;
  readonly fineTune: boolean;
  readonly globalBatch: number;
  readonly priority: Priority;
  readonly totalSteps?: number | null;
  readonly totalStepsBasis?: string | null;
  readonly detection?: DetectionJob | null;
}

export function deriveJobFacts(i: JobFactInputs): JobFacts {
  const r = i.reference;
  return {
    family: familyOf(i.model.shape),
    stacks: stackKindOf(i.model.shape),
    params: i.referenceEstimate.params.total,
    trainableParams: i.referenceEstimate.params.trainable,
    fineTune: i.fineTune,
    lora: r.lora !== null,
    qlora: r.lora !== null && r.lora.qlora,
    globalBatch: i.globalBatch,
    microBatch: r.batchSize,
    seqLen: r.seqLen,
    gpus: r.gpus,
    precision: r.precision,
    priority: i.priority,
    gradientCheckpointing: r.gradientCheckpointing,
    zeroStage: r.zeroStage,
    memoryKnown: r.gpuMemoryBytes !== null,
    memoryBound: i.referenceEstimate.fits === false,
    totalSteps: i.totalSteps ?? null,
    totalStepsBasis: i.totalStepsBasis ?? null,
    task: i.detection ? 'detection' : 'unspecified',
    architecture: i.model.family,
    detection: i.detection ?? null,
  };
}

/** The detection recipe's schedule values the job leaves to Ultralytics' default.yaml, said as one assumption (none when it writes them all). */
export function detectionAssumptions(d: DetectionJob): string[] {
  const left = ([['lrf', d.lrf], ['cos_lr', d.cosLr], ['warmup_epochs', d.warmupEpochs], ['warmup_momentum', d.warmupMomentum], ['warmup_bias_lr', d.warmupBiasLr]] as const)
    .filter(([, v]) => v.at === null)
    .map(([key, v]) => `${key} ${typeof v.value === 'boolean' ? (v.value ? 'True' : 'False') : String(v.value)}`);
  if (left.length === 0) return [];
  return [`Ultralytics' recipe: ${left.join(', ')} are default.yaml's values (the job does not set them).`];
}
