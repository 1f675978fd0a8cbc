/**
 * The estimator's caps applied to the values a job's files state, so that a value over a cap is an
 * InputError at the file and position that wrote it (the estimator's own check, in
 * memory/defaults.ts, knows no file). Same caps and wording as the estimator.
 */
import { LIMITS } from './memory/defaults';
import type { ScanJob } from './scan/results';
import type { TrainingSettings } from './scan/types';
import { InputError } from './types';

const CHECKED: readonly { readonly setting: keyof TrainingSettings & string; readonly name: string; readonly max: number }[] = [
  { setting: 'perDeviceBatchSize', name: 'batch size', max: LIMITS.maxBatchSize },
  { setting: 'gradAccum', name: 'gradient accumulation steps', max: LIMITS.maxGradAccum },
  { setting: 'seqLen', name: 'sequence length', max: LIMITS.maxSeqLen },
];

/** Throws InputError at the setting's source when a stated batch size, accumulation or sequence length is out of range. */
export function checkJobLimits(job: ScanJob): void {
  for (const { setting, name, max } of CHECKED) {
    const value = job.settings[setting];
    if (value === undefined || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max)) continue;
    const src = job.sources[setting];
    throw new InputError(`${name} must be an integer from 1 to ${max}, got ${String(value)}`, src?.path, src?.range.line, src?.range.column);
  }
}
