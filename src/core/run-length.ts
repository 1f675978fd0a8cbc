/**
 * The length of a job's run in optimizer steps, from what its files state, with where each value came from (README
 * "Hyperparameters bounded by their sources and the job"): `max_steps` (or what stands for it: DeepSpeed
 * `total_num_steps`, nanoGPT `max_iters`), else epochs × the steps of one epoch when the files state both the epochs
 * and the training examples per epoch. One epoch is counted as the Hugging Face Trainer counts it (trainer.py
 * `_inner_training_loop`: `num_update_steps_per_epoch = max(len_dataloader // gradient_accumulation_steps, 1)`,
 * `max_steps = math.ceil(num_train_epochs * num_update_steps_per_epoch)`), with the data loader's length
 * ⌈examples ÷ (micro-batch × GPUs)⌉ (every process reads its share, the last batch kept). Lightning steps the
 * optimizer after a last incomplete accumulation too, so it can count up to one step more per epoch: the bound the
 * advice draws from this count errs on the short side. Pure.
 */
import type { ScanJob, SettingSource } from './scan/results';

export interface RunLength {
  /** Optimizer steps of the whole run; null when the files do not state enough to count them. */
  readonly totalSteps: number | null;
  /** How the count was made, each value with its file and line (or its assumption); when null, what is missing. */
  readonly basis: string;
}

/** A value given by hand over the job's own (a CLI flag, a sidebar toggle), with how it was given. */
export interface GivenValue {
  readonly value: number;
  readonly from: string;
}

/** Where a setting of the job comes from: its file and line, or the tool's default it stands for. */
function origin(job: ScanJob, setting: string): string {
  const source: SettingSource | undefined = job.sources[setting];
  if (source !== undefined) return `${source.path}:${source.range.line}`;
  const d = job.defaults.find((x) => x.setting === setting);
  return d === undefined ? 'not written' : `assumed: the default of ${d.key}${d.note !== undefined ? `, ${d.note}` : ''}`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The run's length. `given` holds the micro-batch, accumulation and GPU count given by hand (they change the steps of
 * an epoch); the job's own values are used otherwise, and a missing GPU count or accumulation is 1, said so.
 */
export function runLength(job: ScanJob, given: { readonly batchSize?: GivenValue; readonly gradAccum?: GivenValue; readonly gpus?: GivenValue } = {}): RunLength {
  const s = job.settings;
  const at = (setting: string): string => origin(job, setting);
  if (s.maxSteps !== undefined) return { totalSteps: s.maxSteps, basis: `the job's ${count(s.maxSteps)} total steps (${at('maxSteps')})` };
  const epochs = s.epochs;
  const samples = s.trainSamples;
  if (epochs === undefined || samples === undefined) {
    const stated = epochs !== undefined ? `${epochs} epochs (${at('epochs')}) are stated but not the training examples per epoch` : samples !== undefined ? `${count(samples)} training examples (${at('trainSamples')}) are stated but not the epochs` : 'neither epochs nor the training examples per epoch are stated';
    return { totalSteps: null, basis: `no max_steps, and ${stated}` };
  }
  const micro = given.batchSize ?? (s.perDeviceBatchSize !== undefined ? { value: s.perDeviceBatchSize, from: at('perDeviceBatchSize') } : undefined);
  if (micro === undefined) {
    return { totalSteps: null, basis: `no max_steps; ${epochs} epochs (${at('epochs')}) of ${count(samples)} training examples (${at('trainSamples')}), but no micro-batch is stated` };
  }
  const gpus = given.gpus ?? (s.gpus !== undefined ? { value: s.gpus, from: at('gpus') } : { value: 1, from: 'assumed: nothing launches several' });
  const accum = given.gradAccum ?? (s.gradAccum !== undefined ? { value: s.gradAccum, from: at('gradAccum') } : { value: 1, from: 'assumed: none written' });
  const batches = Math.ceil(samples / (micro.value * gpus.value));
  const perEpoch = Math.max(1, Math.floor(batches / accum.value));
  const totalSteps = Math.ceil(epochs * perEpoch);
  const gpuText = `${gpus.value} GPU${gpus.value === 1 ? '' : 's'} (${gpus.from})`;
  return {
    totalSteps,
    basis:
      `${epochs} epochs (${at('epochs')}) × ${count(perEpoch)} steps per epoch = ${count(totalSteps)} steps: ` +
      `${count(samples)} training examples (${at('trainSamples')}) in batches of ${micro.value} (${micro.from}) on ${gpuText} ` +
      `are ${count(batches)} batches, ÷ ${accum.value} accumulation (${accum.from}), as the Hugging Face Trainer counts an epoch`,
  };
}
