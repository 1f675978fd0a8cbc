/**
 * The length of a job's run in optimizer steps, from what its files state, with where each value came from (README
 * "Hyperparameters bounded by their sources and the job"): `max_steps` (or what stands for it: DeepSpeed
 * `total_num_steps`, nanoGPT `max_iters`), else epochs × the steps of one epoch when the files state both the epochs
 * and the training examples per epoch. One epoch is counted as the Hugging Face Trainer counts it (trainer.py
 * `set_initial_training_values`, since transformers PR #37923 "Fix tot update in trainer":
 * `num_update_steps_per_epoch = max(len_dataloader // gradient_accumulation_steps + int(len_dataloader %
 * gradient_accumulation_steps > 0), 1)`, `max_steps = math.ceil(num_train_epochs * num_update_steps_per_epoch)`: the
 * last incomplete accumulation is a step), with the data loader's length ⌈examples ÷ (micro-batch × GPUs)⌉ (every
 * process reads its share, the last batch kept). Lightning counts the same (Trainer.estimated_stepping_batches:
 * ⌈batches ÷ accumulate_grad_batches⌉ × max_epochs). Older transformers rounded the accumulation down, one step fewer
 * per epoch at most. The training examples are the count a config states, else
 * the records of the local dataset files or folders the job trains on (countedTrainSamples: counted by a bounded reader
 * and a bounded folder listing the caller provides, a folder's split chosen as `datasets` chooses it
 * (dataset-splits.ts), capped by `max_train_samples`; with packing the record count does not give the steps). MMEngine
 * counts differently (`accumulationSpansEpochs`): its OptimWrapper steps every `accumulative_counts` iterations of the
 * whole run and at its last, so the steps are ⌈epochs × batches ÷ accumulation⌉ (mmengine/optim/optimizer/
 * optimizer_wrapper.py should_update, max_counts = the train loop's max_iters = max_epochs × len(dataloader)). Pure.
 */
import { isDataFileName, splitFiles, type ListFolder } from './dataset-splits';
import { RECORD_FORMATS, type RecordCount, type RecordFormat } from './parse/record-count';
import { baseName, extensionOf, folderOf, isAbsoluteLike, joinRelative } from './scan/paths';
import type { ScanJob, SettingSource } from './scan/results';

export interface RunLength {
  /** Optimizer steps of the whole run; null when the files do not state enough to count them. */
  readonly totalSteps: number | null;
  /** How the count was made, each value with its file and line (or its assumption); when null, what is missing. */
  readonly basis: string;
}

/**
 * Counts the records of a workspace file (workspace-relative path) with a bounded reader; null when there is no such
 * file. The CLI's and the editor's readers (src/platform/dataset-records.ts) cap the bytes they read.
 */
export type CountRecords = (path: string, format: RecordFormat) => RecordCount | null;

/** A dataset file that could not be counted: the reason, with the file and the position where the reader stopped. */
export type DatasetProblem = { readonly path: string; readonly message: string } & ({ readonly line: number; readonly column: number } | { readonly offset: number });

/** A problem's place as messages write it: `path:line:column` in a text file, `path (byte N)` in a Parquet file. */
export function problemPlace(p: DatasetProblem): string {
  return 'offset' in p ? `${p.path} (byte ${p.offset})` : `${p.path}:${p.line}:${p.column}`;
}

/** The training examples counted from the job's dataset files, or why they are not known. */
export type CountedSamples =
  | { readonly value: number; readonly from: string }
  | { readonly value: null; readonly why: string; readonly problems: readonly DatasetProblem[] };

export type Counted = { readonly records: number; readonly text: string; readonly bytesRead: number } | Exclude<CountedSamples, { value: number }>;

function notCounted(why: string, problems: readonly DatasetProblem[] = []): Counted {
  return { value: null, why, problems };
}

/** The records of one workspace file; null when there is no such file. */
export function fileRecords(path: string, format: RecordFormat, countFile: CountRecords): Counted | null {
  const result = countFile(path, format);
  if (result === null) return null;
  if (result.ok) return { records: result.records, text: `${count(result.records)} records in ${path}`, bytesRead: 'bytesRead' in result ? result.bytesRead : 0 };
  const problem: DatasetProblem = 'offset' in result ? { path, offset: result.offset, message: result.message } : { path, line: result.line, column: result.column, message: result.message };
  return notCounted(`${problemPlace(problem)} is not counted: ${result.message}`, [problem]);
}

/** The records of a folder's split as `datasets.load_dataset(folder)` reads it (src/core/dataset-splits.ts). */
function folderRecords(folder: string, listing: Exclude<ReturnType<ListFolder>, null>, split: string, countFile: CountRecords): Counted {
  if (!listing.ok) return notCounted(`the folder ${folder} is not read: ${listing.message}`);
  const chosen = splitFiles(listing, baseName(folder), split);
  if (!chosen.ok) return notCounted(`the folder ${folder} is not counted: ${chosen.why}`);
  const text = chosen.files.filter((f) => f.format !== 'parquet').reduce((a, f) => a + f.size, 0);
  if (text > listing.textBytesCap) return notCounted(`the folder ${folder} is not counted: its '${split}' split holds ${count(text)} bytes of text files, over the ${count(listing.textBytesCap)} read to count records`);
  let records = 0;
  // What is left of the bytes read to count records: the text files' sizes first, then each Parquet footer as read
  // (a footer is at most MAX_PARQUET_FOOTER_BYTES, so the total read stays within the cap plus one footer).
  let budget = listing.textBytesCap - text;
  for (const f of chosen.files) {
    const path = joinRelative(folder, f.path)!;
    if (f.format === 'parquet' && budget <= 0) {
      return notCounted(`the folder ${folder} is not counted: the footers of its '${split}' split's Parquet files take over the ${count(listing.textBytesCap)} bytes read to count records`);
    }
    const one = fileRecords(path, f.format, countFile);
    if (one === null) return notCounted(`${path} vanished while the folder ${folder} was counted`);
    if (!('records' in one)) return one;
    records += one.records;
    budget -= one.bytesRead;
  }
  const shown = chosen.files.length <= 3 ? chosen.files.map((f) => f.path).join(', ') : `${chosen.files.slice(0, 2).map((f) => f.path).join(', ')} and ${chosen.files.length - 2} more`;
  const files = `${chosen.files.length} file${chosen.files.length === 1 ? '' : 's'}: ${shown}`;
  return { records, text: `${count(records)} records in the '${split}' split of ${folder} (${files}; ${chosen.rule}, as datasets resolves a folder)`, bytesRead: listing.textBytesCap - budget };
}

/**
 * The training examples of the job's local dataset files or folders (`trainDataFiles`), their records summed, or why
 * not. A written path is looked up beside the file that names it, then from the workspace root; a path outside the
 * workspace is not read. A path with a data file's extension is a file (JSON Lines, JSON, CSV, Parquet are counted); any
 * other is a folder read as `datasets.load_dataset(folder)` reads it, the split `trainDataSplit` (default `train`) — when
 * there is no such folder either, it is a dataset of the Hub, not counted. `max_train_samples` caps the sum (the scripts
 * take the first that many); with packing (axolotl `sample_packing`, TRL `packing`) examples are concatenated into full
 * sequences, so the records do not give the steps. Undefined when the job names no dataset or a config states the count.
 */
export function countedTrainSamples(job: ScanJob, countFile: CountRecords, listFolder?: ListFolder): CountedSamples | undefined {
  const s = job.settings;
  const files = s.trainDataFiles;
  if (files === undefined || files.length === 0 || s.trainSamples !== undefined) return undefined;
  const named = origin(job, 'trainDataFiles');
  if (s.samplePacking === true) {
    return { value: null, why: `the examples are packed into full sequences (${origin(job, 'samplePacking')}), so the records of ${files.join(', ')} (${named}) do not give the steps`, problems: [] };
  }
  const from = job.sources['trainDataFiles']?.path ?? job.id;
  const split = s.trainDataSplit ?? 'train';
  let total = 0;
  const counted: string[] = [];
  for (const written of files) {
    const candidates = isAbsoluteLike(written) ? [] : [joinRelative(folderOf(from), written), joinRelative('.', written)].filter((p, i, a): p is string => p !== null && a.indexOf(p) === i);
    if (candidates.length === 0) return { value: null, why: `${written} (${named}) is outside the workspace and not read`, problems: [] };
    const isFile = isDataFileName(written);
    const format = RECORD_FORMATS[extensionOf(written.toLowerCase())];
    if (isFile && format === undefined) return { value: null, why: `${written} (${named}) is not a .jsonl, .json, .csv or .parquet file`, problems: [] };
    let result: Counted | null = null;
    for (const c of candidates) {
      if (format !== undefined) result = fileRecords(c, format, countFile);
      else {
        const listing = listFolder?.(c) ?? null;
        result = listing === null ? null : folderRecords(c, listing, split, countFile);
      }
      if (result !== null) break;
    }
    if (result === null) {
      const what = isFile ? 'is not in the workspace' : 'is neither a file nor a folder in the workspace (a dataset of the Hub is not counted)';
      return { value: null, why: `${written} (${named}) ${what}`, problems: [] };
    }
    if (!('records' in result)) return result;
    total += result.records;
    counted.push(result.text);
  }
  let counts = `${counted.join(' + ')} (named at ${named})`;
  // The evaluation hold-out is split off first, then a cap takes the first examples of what is left.
  if (s.valHoldout !== undefined) {
    const held = heldOut(s.valHoldout, total);
    const at = origin(job, 'valHoldout');
    if (held === null) return { value: null, why: `val_set_size: ${s.valHoldout} (${at}) holds out all ${count(total)} examples of ${counts}: the split fails`, problems: [] };
    total -= held;
    counts = `${counts}, less ${count(held)} held out for evaluation by val_set_size: ${s.valHoldout} (${at})`;
  }
  const cap = s.maxTrainSamples;
  if (cap !== undefined && cap < total) return { value: cap, from: `${origin(job, 'maxTrainSamples')}: max ${count(cap)} of the ${counts}` };
  return { value: total, from: counts };
}

/**
 * The examples `Dataset.train_test_split` holds out of `total` for a validation size as axolotl and LLaMA-Factory pass
 * it (`int(size)` above 1 or when `isCount` (an integer as written), else the share: ⌈share × total⌉), or null when the
 * split fails (a share of 1, or nothing left to train on).
 */
export function heldOut(size: number, total: number, isCount = false): number | null {
  const count = isCount || size > 1;
  const held = count ? Math.trunc(size) : Math.ceil(size * total);
  return (size === 1 && !count) || held >= total ? null : held;
}

/** A value given by hand over the job's own (a CLI flag, a sidebar toggle), with how it was given. */
export interface GivenValue {
  readonly value: number;
  readonly from: string;
}

/** Where a setting of the job comes from: its file and line, or the tool's default it stands for. */
export function origin(job: ScanJob, setting: string): string {
  const source: SettingSource | undefined = job.sources[setting];
  if (source !== undefined) return `${source.path}:${source.range.line}`;
  const d = job.defaults.find((x) => x.setting === setting);
  return d === undefined ? 'not written' : `assumed: the default of ${d.key}${d.note !== undefined ? `, ${d.note}` : ''}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The run's length. `given` holds the micro-batch, accumulation and GPU count given by hand (they change the steps of
 * an epoch); the job's own values are used otherwise, and a missing GPU count or accumulation is 1, said so.
 */
export function runLength(
  job: ScanJob,
  given: { readonly batchSize?: GivenValue; readonly gradAccum?: GivenValue; readonly gpus?: GivenValue } = {},
  counted?: CountedSamples,
): RunLength {
  const s = job.settings;
  const at = (setting: string): string => (setting === 'trainSamples' && s.trainSamples === undefined && counted?.value != null ? counted.from : origin(job, setting));
  // A count past 2^53 (1e300 epochs, a max_steps of 24 digits) is no run's length: its warmup share would be no step count.
  const tooMany = 'is more steps than a run takes (over 2^53), so the run\'s length is not used';
  if (s.maxSteps !== undefined && !Number.isSafeInteger(s.maxSteps)) return { totalSteps: null, basis: `the job's max_steps ${count(s.maxSteps)} (${at('maxSteps')}) ${tooMany}` };
  if (s.maxSteps !== undefined) return { totalSteps: s.maxSteps, basis: `the job's ${count(s.maxSteps)} total steps (${at('maxSteps')})` };
  const epochs = s.epochs;
  const samples = s.trainSamples ?? counted?.value ?? undefined;
  if (epochs === undefined || samples === undefined) {
    const uncounted = counted !== undefined && counted.value === null ? ` (${counted.why})` : '';
    const stated = epochs !== undefined ? `${epochs} epochs (${at('epochs')}) are stated but not the training examples per epoch${uncounted}` : samples !== undefined ? `${count(samples)} training examples (${at('trainSamples')}) are stated but not the epochs` : `neither epochs nor the training examples per epoch are stated${uncounted}`;
    return { totalSteps: null, basis: `no max_steps, and ${stated}` };
  }
  // No examples, no batches: the Trainer's sampler refuses an empty dataset, so there is no run to bound.
  if (samples === 0) return { totalSteps: null, basis: `no max_steps, and ${epochs} epochs (${at('epochs')}) of 0 training examples (${at('trainSamples')}): an empty dataset does not train` };
  const micro = given.batchSize ?? (s.perDeviceBatchSize !== undefined ? { value: s.perDeviceBatchSize, from: at('perDeviceBatchSize') } : undefined);
  if (micro === undefined) {
    return { totalSteps: null, basis: `no max_steps; ${epochs} epochs (${at('epochs')}) of ${count(samples)} training examples (${at('trainSamples')}), but no micro-batch is stated` };
  }
  const gpus = given.gpus ?? (s.gpus !== undefined ? { value: s.gpus, from: at('gpus') } : { value: 1, from: 'assumed: nothing launches several' });
  const accum = given.gradAccum ?? (s.gradAccum !== undefined ? { value: s.gradAccum, from: at('gradAccum') } : { value: 1, from: 'assumed: none written' });
  const batches = Math.ceil(samples / (micro.value * gpus.value));
  if (s.accumulationSpansEpochs === true) {
    // MMEngine: the OptimWrapper counts the run's iterations (epochs × batches) and steps every `accum` and at the last.
    const iterations = epochs * batches;
    const steps = Math.ceil(iterations / accum.value);
    if (!Number.isSafeInteger(steps)) return { totalSteps: null, basis: `no max_steps; ${epochs} epochs (${at('epochs')}) × ${count(batches)} batches ${tooMany.replace('is', 'are')}` };
    const gpuText = `${gpus.value} GPU${gpus.value === 1 ? '' : 's'} (${gpus.from})`;
    return {
      totalSteps: steps,
      basis:
        `${epochs} epochs (${at('epochs')}) × ${count(batches)} batches = ${count(iterations)} iterations, ÷ ${accum.value} accumulation (${accum.from}), rounded up = ${count(steps)} steps: ` +
        `${count(samples)} training examples (${at('trainSamples')}) in batches of ${micro.value} (${micro.from}) on ${gpuText}, ` +
        `as MMEngine's OptimWrapper counts the run (${at('accumulationSpansEpochs')})`,
    };
  }
  const perEpoch = Math.max(1, Math.ceil(batches / accum.value));
  const totalSteps = Math.ceil(epochs * perEpoch);
  if (!Number.isSafeInteger(totalSteps)) {
    return { totalSteps: null, basis: `no max_steps; ${epochs} epochs (${at('epochs')}) × ${count(perEpoch)} steps per epoch ${tooMany.replace('is', 'are')}` };
  }
  const gpuText = `${gpus.value} GPU${gpus.value === 1 ? '' : 's'} (${gpus.from})`;
  return {
    totalSteps,
    basis:
      `${epochs} epochs (${at('epochs')}) × ${count(perEpoch)} steps per epoch = ${count(totalSteps)} steps: ` +
      `${count(samples)} training examples (${at('trainSamples')}) in batches of ${micro.value} (${micro.from}) on ${gpuText} ` +
      `are ${count(batches)} batches, ÷ ${accum.value} accumulation (${accum.from}), rounded up, as the Hugging Face Trainer counts an epoch`,
  };
}
