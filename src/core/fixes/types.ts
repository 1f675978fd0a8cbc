/**
 * Quick-fix edits: what a fix changes in one file, in the file's own syntax. Ranges are 1-based
 * editor positions (columns in UTF-16 code units, end exclusive), as the scanner reports them; a
 * leading byte order mark is not counted (editors do not show it).
 */
import type { HyperparameterAdvice, StrategyPlan } from '../advisor/types';
import type { Ecosystem, OptimizerId } from '../optimizers/types';
import type { ScanJob } from '../scan/results';
import type { SourceRange } from '../scan/types';

export interface TextEdit {
  readonly range: SourceRange;
  readonly newText: string;
}

/** Hyperparameters a fix writes, by the reference implementation's names (`lr`, `betas`, `weight_decay`, ...). */
export type FixParams = Readonly<Record<string, number | boolean | string | readonly number[]>>;

export interface OptimizerFixRequest {
  /** The file to edit (relative path as the scan gives it); its syntax follows the extension. */
  readonly path: string;
  /** The file's current text. */
  readonly text: string;
  readonly job: ScanJob;
  readonly target: OptimizerId;
  /** The advisor's hyperparameters for the target on this job. */
  readonly hyperparameters: HyperparameterAdvice;
  /**
   * The recommendation's plan when nothing fits (`fitPlan`): an HF arguments switch writes its settings when it keeps
   * the target (hf-values.ts hfPlanValues), as the change to paste does.
   */
  readonly plan?: StrategyPlan | null;
}

export interface OptimizerFix {
  readonly target: OptimizerId;
  /** What the file will name: the ecosystem's spelling (HF optim string, import path, class name). */
  readonly spelling: string;
  /**
   * The spelling as a title shows it: with the optimizer's name when the spelling also names another catalog
   * optimizer (torch.optim.SGD is SGD or SGD with momentum by its arguments), so two fixes never read the same.
   */
  readonly label?: string;
  readonly ecosystem: Ecosystem;
  /** The values written, by the names the file uses. */
  readonly written: Readonly<Record<string, string>>;
  /** Keys or arguments removed because the new optimizer does not take them. */
  readonly removed: readonly string[];
  /** All edits, in document order, non-overlapping: apply them as one undoable change. */
  readonly edits: readonly TextEdit[];
}

/** Why no fix could be made (the caller shows no action, or this reason in a log). */
export interface FixUnavailable {
  readonly unavailable: string;
}

export type FixResult = OptimizerFix | FixUnavailable;

export function isFix(result: FixResult): result is OptimizerFix {
  return !('unavailable' in result);
}

export interface LearningRateFixRequest {
  readonly path: string;
  readonly text: string;
  readonly job: ScanJob;
  readonly lr: number;
}
