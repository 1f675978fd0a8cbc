/**
 * What `scanFiles` returns beyond the contract in ./types: the jobs' defaulted settings, LoRA
 * whose target modules depend on the model type, and non-fatal warnings. `ScanReport` is a
 * `ScanResult` (assignable to it), so callers that only know the contract keep working.
 */
import type { DetectionSchedule, DetectionValue } from '../advisor/types';
import type { Citation, HyperValue } from '../types';
import type { Ecosystem } from '../optimizers/types';
import type { AutoValue } from './deepspeed-auto';
import type { Job, ScanResult, SourceRange } from './types';

/** Where a setting was written. */
export interface SettingSource {
  readonly path: string;
  readonly range: SourceRange;
}

export type DefaultValue = HyperValue | readonly string[];

/**
 * A setting the files did not write, filled in with the default of the tool that reads them
 * (e.g. Trainer's `optim` when absent). `setting` is a TrainingSettings key, dotted for parts
 * (`lora.targets`). Defaulted settings have no entry in `Job.sources`.
 */
export interface DefaultedSetting {
  readonly setting: string;
  readonly value: DefaultValue;
  /** The key the tool reads (`optim`, `bf16/fp16`, `lora_target_modules`). */
  readonly key: string;
  readonly note?: string;
  readonly source: Citation;
}

/** LoRA is on but its target modules follow the model type, which this job does not know. */
export interface PendingLora {
  readonly rank: number;
  readonly qlora: boolean;
  readonly int8?: boolean;
  readonly modulesToSave?: readonly string[];
  /** Where LoRA was switched on. */
  readonly source: SettingSource;
}

/**
 * How an Ultralytics training call is written (`cli`: a `yolo … train` line; `python`: `YOLO(…).train(…)`) and the
 * factor BaseTrainer multiplies the typed weight_decay by (batch x accumulate / nbs, engine/trainer.py _setup_train).
 */
export interface UltralyticsSyntax {
  readonly style: 'cli' | 'python';
  readonly decayScale: number;
}

/**
 * An Ultralytics training job's recipe facts (scan/ultralytics.ts finishUltralyticsJob; README "Ultralytics YOLO"): its
 * task and why, the dataset's classes, the trainer's batch arithmetic, the schedule values (written, with `file:line`, or
 * default.yaml's with `at` null), and where its training images are: workspace folders to count when the job is
 * evaluated (core/ultralytics-images.ts), a count a bundled dataset's YAML states, or why they are unknown.
 */
export interface UltralyticsJob extends DetectionSchedule {
  /** Ultralytics' task (`detect`, `segment`, …; `unknown` when the call does not say and its model is not recognised) and why. */
  readonly task: string;
  readonly taskFrom: string;
  /** Where the call writes the task or the model it follows from; null when neither. */
  readonly taskAt: SettingSource | null;
  readonly classes: DetectionValue<number>;
  readonly batch: number;
  readonly nbs: number;
  readonly epochs: DetectionValue<number>;
  /** optimizer=auto (written or defaulted): re-decided from the counted images. */
  readonly auto: boolean;
  /** `fraction` of the training images used (default 1.0). */
  readonly fraction: DetectionValue<number>;
  readonly trainImages: UltralyticsTrainImages;
}

/** Where an Ultralytics job's training images are. */
export type UltralyticsTrainImages =
  /** Workspace folders, one list of candidates per `train` path (check_det_dataset tries `root/p`, then without a leading `../`). */
  | { readonly kind: 'folders'; readonly folders: readonly (readonly string[])[]; readonly named: string }
  /** A count a bundled dataset's YAML states (a download: an assumption with its citation). */
  | { readonly kind: 'stated'; readonly value: number; readonly from: string }
  | { readonly kind: 'unknown'; readonly why: string };

export interface ScanJob extends Job {
  readonly defaults: readonly DefaultedSetting[];
  /**
   * Set when LoRA is on without target modules and the model type is unknown here (e.g. a hub id):
   * resolve the targets with `peftDefaultLoraTargets(modelType)` once the model is known.
   */
  readonly pendingLora: PendingLora | null;
  /**
   * The ecosystem `settings.optimizer` is spelled in (from the file that wrote it, or whose default
   * applies); pass it to `resolveOptimizer(spelling, params, ecosystem)`. Absent when no file names
   * an optimizer.
   */
  readonly optimizerEcosystem?: Ecosystem;
  /**
   * The kind of the detector that read the file writing the optimizer (or whose default applies), e.g.
   * `lightning-cli-config`: the syntax a change to the optimizer is written in (fixes/paste.ts pasteFormatOf).
   */
  readonly optimizerFileKind?: string;
  /** The file writing the optimizer gives it as a Hydra `_target_` block with `_partial_: true` (fixes/paste.ts pasteOptionsOf). */
  readonly optimizerPartial?: boolean;
  /** The file writing the optimizer (or whose default applies) is an Ultralytics training call (fixes/paste.ts pasteOptionsOf). */
  readonly optimizerUltralytics?: UltralyticsSyntax;
  /**
   * DeepSpeed "auto" values of the job's DeepSpeed configs, with what the Hugging Face Trainer
   * fills in (value null: unknown from the workspace, `from` says what it would take).
   */
  readonly autoValues?: readonly AutoValue[];
  /** What the job's files leave open and had to be assumed (a launch script's unset variables, ...). */
  readonly assumptions?: readonly string[];
  /** The job's launch scripts (their values are what the run uses; facts they give cite them as the launcher). */
  readonly launchers?: readonly string[];
  /** Fields the job's files set whose memory effect is not modelled (`path:line: key: what it does`). */
  readonly notModelled?: readonly string[];
  /** An Ultralytics training job: its recipe facts (task, classes, schedule values, training images). */
  readonly ultralyticsJob?: UltralyticsJob;
}

/** A problem that did not stop the scan (duplicate key, BOM, unresolved reference, ...). */
export interface ScanWarning {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface ScanReport extends ScanResult {
  readonly jobs: readonly ScanJob[];
  readonly warnings: readonly ScanWarning[];
}
