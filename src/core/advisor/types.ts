/**
 * Vocabulary of the decision tree: the facts rules look at, the predicate language, rules,
 * hyperparameter advice, memory strategies and the advisor's input and output.
 */
import type { BaseDtype, EstimateInput } from '../memory/types';
import type { ModelInventory } from '../models/types';
import type { OptimizerId, ResolvedOptimizer } from '../optimizers/types';
import type { HyperValue, Precision } from '../types';
import type { EvidenceId } from './evidence';
import type { SavedProfileUse } from './saved-profile';

export const PRIORITIES = ['memory', 'speed', 'stability', 'quality'] as const;
/** What the user cares about most. */
export type Priority = (typeof PRIORITIES)[number];

export function isPriority(s: string): s is Priority {
  return (PRIORITIES as readonly string[]).includes(s);
}

/**
 * Memory strategies the advisor can propose, in the order it lists them on ties.
 * `freeze-layers` means "train only the classification head" (CNN fine-tuning).
 */
export const STRATEGY_IDS = [
  'gradient-checkpointing', '8bit-states', 'paged-states', 'galore', 'lora', 'qlora', 'zero-1', 'zero-2', 'zero-3',
  'cpu-offload', 'smaller-micro-batch', 'freeze-layers',
] as const;
export type StrategyId = (typeof STRATEGY_IDS)[number];

// ---- Facts --------------------------------------------------------------------------------------

/** Kind of network, from the inventory's architecture shape. */
export type FamilyKind = 'transformer' | 'cnn';
/** Which transformer stacks the model has (decides which published recipe applies). */
export type StackKind = 'decoder' | 'encoder' | 'encoder-decoder' | 'vision' | 'multimodal' | 'cnn' | 'diffusion';
export type FitFact = 'yes' | 'no' | 'unknown';
/** The job's task when its files state it: 'detection' for an Ultralytics detection job (decides the detection recipe). */
export type TaskKind = 'detection' | 'unspecified';

/** A value of a detection job: as the job writes it (`at`: file and line) or Ultralytics' default (`at` null: assumed). */
export interface DetectionValue<T> {
  readonly value: T;
  readonly at: string | null;
}

/**
 * An Ultralytics detection job, as its recipe needs it (README "Ultralytics YOLO"): why it is detection, the dataset's
 * classes (optimizer=auto's AdamW learning rate), the trainer's factor on weight_decay, and the schedule values the job
 * writes or leaves to default.yaml.
 */
export interface DetectionJob extends DetectionSchedule {
  /** Why the job is detection (`task=detect at train.sh:3`, the model's name, or default.yaml's task). */
  readonly taskFrom: string;
  readonly classes: DetectionValue<number>;
  readonly epochs: DetectionValue<number>;
}

/**
 * The schedule values of an Ultralytics job that its recipe uses, each written or default.yaml's (one declaration for
 * the scan's pending call, the joined job and the advisor's input).
 */
export interface DetectionSchedule {
  /** batch x accumulate / nbs (BaseTrainer._setup_train): the factor the typed weight_decay is multiplied by. */
  readonly decayScale: number;
  readonly decayScaleFrom: string;
  readonly lrf: DetectionValue<number>;
  readonly cosLr: DetectionValue<boolean>;
  readonly warmupEpochs: DetectionValue<number>;
  readonly warmupMomentum: DetectionValue<number>;
  readonly warmupBiasLr: DetectionValue<number>;
}

/** Facts about the job, derived once from the inputs. */
export interface JobFacts {
  readonly family: FamilyKind;
  readonly stacks: StackKind;
  /** Parameters counted once (tied tensors once), as the estimator counts them. */
  readonly params: number;
  readonly trainableParams: number;
  readonly fineTune: boolean;
  readonly lora: boolean;
  readonly qlora: boolean;
  /** Samples (sequences or images) per optimizer step over all GPUs. */
  readonly globalBatch: number;
  /** Per-GPU micro-batch. */
  readonly microBatch: number;
  readonly seqLen: number;
  readonly gpus: number;
  readonly precision: Precision;
  readonly priority: Priority;
  readonly gradientCheckpointing: boolean;
  readonly zeroStage: number;
  /** GPU memory was given, so fits are known. */
  readonly memoryKnown: boolean;
  /** The family's default optimizer (AdamW for transformers, SGD with momentum for CNNs) does not fit. */
  readonly memoryBound: boolean;
  /** Optimizer steps of the whole run when the job states them (max_steps and the like); null or absent: unknown. */
  readonly totalSteps?: number | null;
  /** How `totalSteps` was counted, each value with its file (core/run-length.ts); when unknown, what is missing. */
  readonly totalStepsBasis?: string | null;
  /** The job's task: 'detection' for an Ultralytics detection job (the detection recipe), else 'unspecified'. */
  readonly task: TaskKind;
  /**
   * The model's family key as the inventory names it (`convnext`, `resnet`, `llama`, …): an architecture whose own
   * published recipe differs from its kind's (ConvNeXt trains with AdamW, not a CNN's SGD) is chosen by it.
   */
  readonly architecture: string;
  /** The detection job's values when `task` is 'detection'; null otherwise. */
  readonly detection: DetectionJob | null;
}

/** Facts about one candidate optimizer for this job. */
export interface CandidateFacts {
  readonly optimizer: OptimizerId;
  readonly fits: FitFact;
  /** The estimator produced a figure for this candidate. */
  readonly estimated: boolean;
  readonly needsHessian: boolean;
  /** This is the optimizer the job uses now. */
  readonly current: boolean;
}

export type Facts = JobFacts & CandidateFacts;

// ---- Predicate language ---------------------------------------------------------------------------

type KeysOfType<F, V> = { [K in keyof F]-?: F[K] extends V ? K : never }[keyof F];

export type NumberTest<F> = {
  readonly [K in KeysOfType<F, number>]: {
    readonly fact: K;
    readonly gte?: number;
    readonly gt?: number;
    readonly lte?: number;
    readonly lt?: number;
    readonly eq?: number;
  };
}[KeysOfType<F, number>];

export type BooleanTest<F> = {
  readonly [K in KeysOfType<F, boolean>]: { readonly fact: K; readonly is: boolean };
}[KeysOfType<F, boolean>];

export type MemberTest<F> = {
  readonly [K in KeysOfType<F, string>]: { readonly fact: K; readonly in: readonly F[K][] };
}[KeysOfType<F, string>];

/** A declarative condition over facts `F`, evaluated by one engine (predicate.ts). */
export type Predicate<F> =
  | { readonly always: true }
  | NumberTest<F>
  | BooleanTest<F>
  | MemberTest<F>
  | { readonly all: readonly Predicate<F>[] }
  | { readonly any: readonly Predicate<F>[] }
  | { readonly not: Predicate<F> };

// ---- Rules -----------------------------------------------------------------------------------------

/** Tiers rank before scores: a candidate that does not fit or that a rule advises against goes below. */
export const TIERS = ['ok', 'does-not-fit', 'not-recommended'] as const;
export type Tier = (typeof TIERS)[number];

export type CandidateEffect =
  /** Add `by` (negative = penalise) to the score of the listed ids, or of the candidate itself when ids is absent. */
  | { readonly kind: 'score'; readonly by: number; readonly ids?: readonly OptimizerId[] }
  /** Move the listed ids (or the candidate itself) to a lower tier. */
  | { readonly kind: 'tier'; readonly tier: Exclude<Tier, 'ok'>; readonly ids?: readonly OptimizerId[] };

export type JobEffect =
  /** A statement about the whole job, shown once. */
  | { readonly kind: 'note' }
  /** Strategies worth computing when the job does not fit. */
  | { readonly kind: 'strategies'; readonly ids: readonly StrategyId[] };

/**
 * A rule about candidates. `text` is a template: slots `{name}`, `{optimizer}`, `{peak}`, `{gpuMemory}`,
 * `{globalBatch}`, `{params}`, `{gpus}`, `{precision}`, `{memoryReason}`, `{estimateError}`.
 */
export interface CandidateRule {
  readonly id: string;
  readonly when: Predicate<Facts>;
  readonly effect: CandidateEffect;
  readonly text: string;
  readonly evidence: readonly EvidenceId[];
}

export interface JobRule {
  readonly id: string;
  readonly when: Predicate<JobFacts>;
  readonly effect: JobEffect;
  readonly text: string;
  readonly evidence: readonly EvidenceId[];
}

// ---- Output ---------------------------------------------------------------------------------------

/** A source a reason cites: an evidence entry (evidence.ts) or a catalog citation. */
export interface ReasonSource {
  /** Evidence id, or `catalog:<optimizer id>` for a source from the optimizer catalog. */
  readonly id: string;
  readonly title: string;
  readonly url?: string;
  readonly locator?: string;
  /** The claim the source supports. */
  readonly claim: string;
  readonly quote?: string;
}

/** One step of the path that put a candidate where it is, with its evidence. */
export interface Reason {
  /** Rule id (`hp:` prefix for the hyperparameter basis). */
  readonly rule: string;
  readonly text: string;
  /** Never empty. */
  readonly evidence: readonly ReasonSource[];
  /** Score change this rule applied (0 for tier moves and hyperparameter basis). */
  readonly score: number;
}

export type ScheduleKind = 'constant' | 'linear' | 'cosine' | 'step' | 'relative-step';

/** How a warmup is measured: optimizer steps, a fraction of the run, or epochs. */
export const WARMUP_UNITS = ['steps', 'ratio', 'epochs'] as const;

export interface Warmup {
  readonly unit: (typeof WARMUP_UNITS)[number];
  readonly value: number;
}

export interface Schedule {
  readonly kind: ScheduleKind;
  /** How the schedule is parametrised, e.g. "cosine decay to 10% of the peak". */
  readonly detail: string;
  /** The final learning rate as a fraction of the peak, where the recipe states it (Ultralytics' `lrf`). */
  readonly finalFraction?: number;
}

/** Concrete hyperparameters for one optimizer on this job. */
export interface HyperparameterAdvice {
  /** Peak learning rate; null when the optimizer computes its own step size (Adafactor relative_step). */
  readonly lr: number | null;
  readonly betas: readonly number[] | null;
  readonly eps: number | readonly number[] | null;
  readonly weightDecay: number;
  readonly warmup: Warmup | null;
  readonly schedule: Schedule;
  /** Other settings of the reference implementation (momentum, nesterov, scale_parameter, ...). */
  readonly extra: Readonly<Record<string, HyperValue>>;
}

/** One measured row behind a recommendation, as shown to the user. */
export interface MeasuredRowView {
  readonly source: string;
  readonly cite: string;
  readonly url: string;
  readonly setting: string;
  readonly locator: string;
  /** Source, setting and numbers in one line. */
  readonly text: string;
  /** The source's own words. */
  readonly excerpt: string;
  readonly selfReported: boolean;
  /** Similarity of the row's setting to the job (0–1). */
  readonly similarity: number;
}

/** What a recommendation's place stands on in the measured ranking (ranking.ts). */
export interface MeasuredBasis {
  /** Similarity-weighted advantage over each setting's reference, in units of that setting's spread. */
  readonly score: number;
  readonly uncertainty: number;
  /** Σ of the weights of the rows behind the score. */
  readonly weight: number;
  readonly comparableRows: number;
  readonly independentRows: number;
  /** Its advantage over the incumbent (current optimizer or family default) exceeds the uncertainty of the difference. */
  readonly beatsIncumbent: boolean;
  readonly basis: 'measured' | 'incumbent' | 'family-default-thin-evidence';
  /** A checkable sentence: how many comparable measurements and the nearest ones with their numbers. */
  readonly sentence: string;
  readonly nearest: readonly MeasuredRowView[];
}

export interface Recommendation {
  readonly optimizer: OptimizerId;
  /** 1 = best. */
  readonly rank: number;
  readonly fits: boolean | null;
  /** Peak per GPU in bytes; null when the estimator could not model this optimizer for the job. */
  readonly peakBytes: number | null;
  /** The measured score (`measured.score`); the order is tier, then the measured ranking. */
  readonly score: number;
  readonly tier: Tier;
  readonly measured: MeasuredBasis;
  /** The rules that fired for this candidate in rule order, then the basis of its hyperparameters (`hp:` rules). */
  readonly reasons: readonly Reason[];
  readonly hyperparameters: HyperparameterAdvice;
  /**
   * When no candidate fits: the cheapest plan of memory strategies that makes this one fit (null when none
   * does); absent when some candidate fits or memory is unknown. Non-fitting candidates are ordered by it.
   */
  readonly fitPlan?: StrategyPlan | null;
}

export interface StrategyAdvice {
  readonly id: StrategyId;
  /** peak(base) - peak(base with this strategy), both from the estimator. */
  readonly savingBytes: number;
  /** Peak after applying the strategy, and whether that fits. */
  readonly peakBytes: number;
  readonly fits: boolean | null;
  /** What to change. */
  readonly text: string;
  readonly evidence: readonly ReasonSource[];
}

/** One strategy of a plan: what to change, what that changes in the job, and the peak after it. */
export interface PlanStep {
  readonly id: StrategyId;
  readonly text: string;
  /** What the strategy changes in the job besides memory (speed, what is trained, the batch, the hardware). */
  readonly changes: string;
  readonly peakBytes: number;
  /**
   * The HF TrainingArguments values the step sets, where it sets them as arguments (checkpointing, the micro-batch,
   * GaLore's optim string and settings); the change to paste carries them when the plan keeps its optimizer.
   */
  readonly settings?: Readonly<Record<string, PlanSettingValue>>;
  /** The optimizer the step switches the job to (GaLore, 8-bit, paged states); absent when it keeps the optimizer. */
  readonly optimizer?: OptimizerId;
}

/** A TrainingArguments value a plan step sets. */
export type PlanSettingValue = number | boolean | string | readonly string[];

/**
 * Strategies applied one after another. For the strategy base: its cheapest plan that fits when there is one
 * (`Recommendation.fitPlan`), else each time the strategy that saves most until the job fits or none helps.
 */
export interface StrategyPlan {
  readonly steps: readonly PlanStep[];
  readonly peakBytes: number;
  readonly fits: boolean | null;
  /**
   * How far up the ladder of changes the plan goes (strategies.ts STRATEGY_COST: 1 slower steps, 2 8-bit or paged
   * states, 3 GaLore, 4 adapters or a frozen backbone, 5 QLoRA, 6 ZeRO, 7 CPU offload); absent on a greedy plan.
   */
  readonly level?: number;
}

export interface AdvisorResult {
  readonly facts: JobFacts;
  readonly recommendations: readonly Recommendation[];
  /** The optimizer the strategies were computed for (the first of: top choice, current, family default that does not fit). */
  readonly strategyBase: { readonly optimizer: OptimizerId; readonly peakBytes: number } | null;
  /** Each applicable strategy on its own, largest saving first. */
  readonly strategies: readonly StrategyAdvice[];
  /** Strategies combined greedily (largest saving first) until the job fits, or as close as they get; null when there is no base or none helps. */
  readonly strategyPlan: StrategyPlan | null;
  /** Job-level statements (e.g. "no optimizer dominates"). */
  readonly notes: readonly Reason[];
  /** How the order was reached: measured evidence or, when it is thin, the family default (labelled). */
  readonly ranking: {
    readonly text: string;
    readonly thin: boolean;
    readonly totalWeight: number;
    readonly incumbent: OptimizerId;
    readonly stabilityFellBack: boolean;
    /**
     * Stability priority only (null otherwise): the saved profile whose robustness probes ordered equal
     * published divergence rates ('used', detail = where it was measured), one that was ignored (detail = why),
     * or none.
     */
    readonly savedProfile: { readonly status: 'used' | 'ignored' | 'none'; readonly file: string | null; readonly detail: string | null } | null;
  };
  /** Assumptions the advisor made for inputs it did not get. */
  readonly assumptions: readonly string[];
  /** The dtype the job's base weights are stored in (from the family default's estimate), and why. */
  readonly baseDtype: BaseDtype;
}

// ---- Input ----------------------------------------------------------------------------------------

export interface AdvisorInput {
  readonly model: ModelInventory;
  /** Job settings for the estimator; missing fields get the estimator's defaults. */
  readonly estimateBase: Omit<Partial<EstimateInput>, 'optimizer' | 'model'>;
  /** Fine-tuning (true), training from scratch (false) or unknown (null: inferred, see recommend()). */
  readonly fineTune: boolean | null;
  /** Hub id the base weights are loaded from, when known (implies fine-tuning when fineTune is null). */
  readonly hubId?: string | null;
  /** Samples per optimizer step over all GPUs; default micro-batch x accumulation x GPUs. */
  readonly globalBatchSize?: number;
  readonly priority: Priority;
  /** The optimizer the job uses now (its user hyperparameters in estimateBase apply to it only). */
  readonly current?: ResolvedOptimizer | null;
  /** Stability priority: a saved profile of this job and what became of it (saved-profile.ts); default none. */
  readonly savedProfile?: SavedProfileUse;
  /** Candidates to rank; default every catalog id (see DEFAULT_CANDIDATES). */
  readonly candidates?: readonly OptimizerId[];
  /** The accelerator the job runs on, when known: bitsandbytes optimizers need CUDA. */
  readonly device?: 'cuda' | 'cpu' | 'mps' | null;
  /** Optimizer steps of the whole run, when the job's files state them (bounds the warmup); absent or null: unknown. */
  readonly totalSteps?: number | null;
  /** How `totalSteps` was counted from the files (core/run-length.ts), or what the files leave out; shown in the warmup's reason. */
  readonly totalStepsBasis?: string | null;
  /** An Ultralytics detection job (the detection recipe, README "Ultralytics YOLO"); absent or null: not one. */
  readonly detection?: DetectionJob | null;
}

