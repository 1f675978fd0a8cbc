/**
 * Published head-to-head measurements of optimizers, as typed data (one file per source in this
 * folder). A measurement is one optimizer's number in one setting of one source, next to the same
 * source's reference optimizer (AdamW or its NAdamW/Adam variant for transformers, SGD with momentum
 * for CNNs) measured in the same setting. Every row carries the source's own words (`excerpt`),
 * quoted exactly as read at `MeasurementSource.readAt`; no number here is ours.
 *
 * These are distinct from `../evidence.ts`, which holds the citations behind the qualitative rules.
 */
import type { OptimizerId } from '../../optimizers/types';

/** What kind of network and task a setting trained. */
export type TaskFamily =
  | 'decoder-lm' | 'encoder-lm' | 'encoder-decoder-lm' | 'vit' | 'cnn' | 'diffusion' | 'workload-suite';
export type Modality = 'text' | 'image' | 'mixed';

/**
 * What the number measures. `final`: the metric at the end of an equal budget (steps or tokens).
 * `speedup`: how many times fewer steps, tokens or seconds than the reference to reach the
 * reference's result (reference = 1). `time-to-target`: steps, tokens or seconds to a fixed target.
 * `score`: an aggregate benchmark score.
 */
export type MetricKind = 'final' | 'speedup' | 'time-to-target' | 'score';

/** Whether a speedup or time counts optimizer steps/tokens or wall-clock (which includes the step cost). */
export type CostBasis = 'steps' | 'wall-clock' | 'compute' | 'equal-budget';

export interface Metric {
  /** The source's name for it ("validation loss", "MMLU", "AlgoPerf benchmark score"). */
  readonly name: string;
  readonly kind: MetricKind;
  readonly better: 'lower' | 'higher';
  readonly basis: CostBasis;
}

export interface GlobalBatch {
  readonly value: number;
  readonly unit: 'tokens' | 'sequences' | 'images';
}

/** One experimental setting of a source: every row in it was measured under these conditions. */
export interface Setting {
  /** Unique within the source. */
  readonly id: string;
  /** Where in the source: "Table 1", "README, results table", "Abstract". */
  readonly locator: string;
  readonly task: string;
  readonly family: TaskFamily;
  readonly modality: Modality;
  /** Model parameters (the lower end when the source states a range). */
  readonly params: number | null;
  /** The upper end of a stated range of model sizes; null for one size. */
  readonly paramsMax: number | null;
  readonly steps: number | null;
  readonly tokens: number | null;
  /** Training tokens per parameter (Chinchilla-optimal is about 20). */
  readonly tokensPerParam: number | null;
  readonly globalBatch: GlobalBatch | null;
  readonly fineTune: boolean;
  /** The measured runs trained LoRA-style adapters rather than the full weights (absent = full weights). */
  readonly adapters?: boolean;
  readonly precision: string | null;
  /** How hyperparameters were set: tuned for each optimizer, shared, or not stated. */
  readonly tuning: 'per-optimizer' | 'shared' | 'not-stated';
  /** The budget the comparison held fixed, in the source's terms. */
  readonly budget: string;
  readonly metric: Metric;
  /** The optimizer key the outcomes are relative to (a row with this key is the reference row). */
  readonly reference: string;
  /** How the source names the reference when it has no row of its own. */
  readonly referenceName: string | null;
  /**
   * The reference's value when it is not a row of its own: 1 for speedups (by definition), or a
   * number the excerpt of the outcome row states.
   */
  readonly referenceValue: number | null;
  /** Run-to-run spread the source reports for the metric (same units), or null when it reports none. */
  readonly spread: number | null;
  /** Rows of one job measured on several metrics share a group; the ranking weighs a group like one row. */
  readonly group: string;
}

/** A measured outcome stated in words only ("gains vanish", "generalize worse"): its sign, not a size. */
export type QualitativeOutcome = 'better' | 'similar' | 'worse';

export interface MeasuredOptimizer {
  /** A stable key: the catalog id when there is one, else a lower-case name (`mars-exact`, `kron`, `adan`). */
  readonly key: string;
  /** The catalog id, or null when the catalog does not have this optimizer yet. */
  readonly catalogId: OptimizerId | null;
  /** The source's own name for it. */
  readonly name: string;
  /** The source's settings for it, when stated. */
  readonly settings: string | null;
}

export interface Measurement {
  readonly setting: string;
  readonly optimizer: MeasuredOptimizer;
  /** The source's words containing the number (or, for a qualitative row, the statement), verbatim. */
  readonly excerpt: string;
  /** The number in the setting's metric; null only for a qualitative row. */
  readonly value: number | null;
  /** Set only when `value` is null. */
  readonly qualitative: QualitativeOutcome | null;
  /** Measured time per step in milliseconds, when the source reports it (the step cost). */
  readonly stepMs: number | null;
  /** The run diverged or was reported as unstable. */
  readonly diverged: boolean;
  /** A note on how the row was read, when anything needed interpreting. */
  readonly note: string | null;
  /** When `value` is not written as such in the excerpt: how it follows from the excerpt's numbers. */
  readonly derivation: string | null;
}

export interface MeasurementSource {
  readonly id: string;
  /** Short citation shown in sentences ("Wen et al. 2025"). */
  readonly cite: string;
  readonly title: string;
  readonly authors: string;
  readonly year: number;
  readonly venue: string;
  /** The address the numbers were read at. */
  readonly readAt: string;
  /** The canonical address of the publication, when different. */
  readonly url: string;
  /** Optimizer keys this source's authors proposed: its rows for them are self-reports. */
  readonly proposes: readonly string[];
  readonly settings: readonly Setting[];
  readonly rows: readonly Measurement[];
}

/** A row together with its source and setting, as the ranking uses it. */
export interface MeasuredRow {
  readonly source: MeasurementSource;
  readonly setting: Setting;
  readonly row: Measurement;
  /** The optimizer's authors wrote the source. */
  readonly selfReported: boolean;
}
