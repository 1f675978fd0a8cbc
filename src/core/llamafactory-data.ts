/**
 * The training examples of a LLaMA-Factory job, counted from its local dataset files (README "Hyperparameters bounded
 * by their sources and the job"), as LLaMA-Factory (hiyouga/LLaMA-Factory) finds and loads them:
 * - data/parser.py `get_dataset_list`: each name of `dataset` is looked up in `<dataset_dir>/dataset_info.json`
 *   (DATA_CONFIG); an unreadable file or an undefined name stops the run; an entry with `hf_hub_url`, `ms_hub_url`,
 *   `om_hub_url`, `script_url` or `cloud_file_name` is not a local file (not counted here), else `file_name` is.
 * - data/loader.py `_load_single_dataset`: `<dataset_dir>/<file_name>` is a folder (every entry of `os.listdir`, one
 *   file type for all) or a file; `load_dataset(data_files=...)` reads them as its one `train` split, so an entry's
 *   `split` other than `train` fails; `num_samples` of the entry resamples the dataset to exactly that many (with
 *   replacement past its size); then `max_samples` keeps the first min(max_samples, size) of each dataset.
 * - data/data_utils.py `merge_dataset`: `concat` (default) sums the datasets; the `interleave_*` strategies do not.
 *   `split_dataset`: with `val_size` the merged set goes through `train_test_split(test_size=val_size)`, an integer
 *   when val_size > 1 (`int(val_size)`), else the share; datasets' `Dataset.train_test_split` holds out
 *   ⌈share × n⌉ (or the integer) and trains on the rest.
 * - data/processor/supervised.py: `cutoff_len` truncates each example and does not drop it (only malformed
 *   examples are dropped, which a record count does not see: the count can be high by those). With packing
 *   (`packing`, `neat_packing`, or `stage: pt`, where hparams/parser.py turns packing on) examples are concatenated
 *   into sequences of cutoff_len, so records do not give the steps; with `streaming` the run needs `max_steps`
 *   (hparams/parser.py: "Please specify `max_steps` in streaming mode"). A `tokenized_path` folder holding files is
 *   loaded instead of the datasets (loader.py `get_dataset`): not counted.
 * Not followed (a folder's hidden files, which `os.listdir` lists, are not seen by the folder listing) is said in the
 * README. Pure: dataset_info.json is read through `readText`, the data files through the counters of run-length.ts.
 */
import { isAbsoluteLike, joinRelative, folderOf, extensionOf } from './scan/paths';
import type { ScanJob } from './scan/results';
import type { ListFolder } from './dataset-splits';
import { parseJson } from './parse/json';
import type { ObjectNode } from './parse/node';
import { RECORD_FORMATS } from './parse/record-count';
import { count, fileRecords, heldOut, origin, type CountRecords, type Counted, type CountedSamples } from './run-length';
import { InputError } from './types';

/** How the counter reads the workspace (FileAccess's members of the same names). */
export interface LlamaFactoryFiles {
  readText(path: string): string;
  readonly countRecords: CountRecords;
  readonly listFolder?: ListFolder;
}

/** DATA_CONFIG (extras/constants.py). */
const DATA_CONFIG = 'dataset_info.json';
/** Keys of a dataset_info.json entry that load it from elsewhere than a local file (parser.py get_dataset_list). */
const REMOTE_KEYS = ['hf_hub_url', 'ms_hub_url', 'om_hub_url', 'script_url', 'cloud_file_name'];

function unknown(why: string): CountedSamples {
  return { value: null, why, problems: [] };
}

/**
 * The training examples of the job's LLaMA-Factory `dataset` names, or why they are not known; undefined when the job
 * is not a LLaMA-Factory job naming datasets, or a config states the count.
 */
export function countedLlamaFactorySamples(job: ScanJob, files: LlamaFactoryFiles): CountedSamples | undefined {
  const s = job.settings;
  const data = s.llamaFactoryData;
  if (data === undefined || s.trainSamples !== undefined) return undefined;
  const named = origin(job, 'llamaFactoryData');
  const names = data.names.join(', ');
  if (data.packedBy !== undefined) return unknown(`the examples are packed into sequences of cutoff_len (${data.packedBy}, ${packedAt(job)}), so the records of ${names} (${named}) do not give the steps`);
  if (data.streaming) return unknown(`streaming (${origin(job, 'llamaFactoryData.streaming')}) reads ${names} as a stream: LLaMA-Factory needs max_steps then`);
  if (data.mixStrategy !== 'concat' && data.names.length > 1) return unknown(`mix_strategy: ${data.mixStrategy} (${origin(job, 'llamaFactoryData.mixStrategy')}) interleaves ${names}: the mixed size is not their sum`);
  if (data.tokenizedPath !== undefined) {
    const saved = tokenizedSaved(data.tokenizedPath, from(job), files);
    if (saved !== null) return unknown(`tokenized_path: ${data.tokenizedPath} (${origin(job, 'llamaFactoryData.tokenizedPath')}) ${saved}, so ${names} (${named}) are not what it trains on`);
  }
  const dirAt = job.sources['llamaFactoryData.dir'] !== undefined ? origin(job, 'llamaFactoryData.dir') : "assumed: LLaMA-Factory's default dataset_dir: data";
  if (data.dir === 'ONLINE' || data.dir.startsWith('REMOTE:')) return unknown(`dataset_dir: ${data.dir} (${dirAt}) loads ${names} from a hub`);
  // dataset_dir is relative to where the run starts: looked up beside the config, then from the workspace root.
  const dirs = candidates(data.dir, from(job));
  if (isAbsoluteLike(data.dir) || dirs.length === 0) return unknown(`dataset_dir: ${data.dir} (${dirAt}) is outside the workspace and not read`);
  const info = readInfo(dirs, files);
  if ('why' in info) return unknown(`${info.why} (dataset_dir ${dirAt}), so ${names} (${named}) are not counted`);
  const cap = s.maxTrainSamples;
  const capAt = cap !== undefined ? origin(job, 'maxTrainSamples') : '';
  let total = 0;
  const parts: string[] = [];
  for (const name of data.names) {
    const one = datasetRecords(name, info.dir, info.root, files);
    if (!('records' in one)) return one.problems.length > 0 ? one : { ...one, why: `${one.why} (${named})` };
    const records = cap !== undefined && cap < one.records ? cap : one.records;
    total += records;
    parts.push(records === one.records ? `${name}: ${one.text}` : `${name}: max_samples ${count(cap!)} (${capAt}, per dataset) of ${one.text}`);
  }
  const counts = `${parts.join(' + ')} (named at ${named}, in ${info.dir}/${DATA_CONFIG})`;
  if (data.valSize <= 1e-6) return { value: total, from: counts };
  // split_dataset: val_size > 1 is a number of examples (int()), else a share; train_test_split refuses a share
  // outside (0, 1) or a number not below the size, and an empty train set.
  const held = heldOut(data.valSize, total, data.valSizeIsCount === true);
  const valAt = origin(job, 'llamaFactoryData.valSize');
  if (held === null) return unknown(`val_size: ${data.valSize} (${valAt}) holds out all ${count(total)} examples of ${counts}: LLaMA-Factory's split fails`);
  return { value: total - held, from: `${count(total)} examples (${counts}) less ${count(held)} held out for evaluation by val_size: ${data.valSize} (${valAt})` };
}

/** The file naming the datasets (paths in it are relative to where the run starts: beside it, else the root). */
function from(job: ScanJob): string {
  return job.sources['llamaFactoryData']?.path ?? job.id;
}

function candidates(written: string, file: string): string[] {
  return [joinRelative(folderOf(file), written), joinRelative('.', written)].filter((p, i, a): p is string => p !== null && a.indexOf(p) === i);
}

/**
 * Why the run loads a saved tokenized dataset in place of `dataset` (loader.py get_dataset: when extras/misc.py
 * `has_tokenized_data`, a folder with entries, "Loading dataset from disk will ignore other data arguments"), or null
 * when the folder is absent or empty (then the datasets are read, and saved there).
 */
function tokenizedSaved(written: string, file: string, files: LlamaFactoryFiles): string | null {
  const places = candidates(written, file);
  if (isAbsoluteLike(written) || places.length === 0) return 'is outside the workspace: whether it holds a saved dataset is not known';
  for (const c of places) {
    const listing = files.listFolder?.(c) ?? null;
    if (listing === null) continue;
    if (!listing.ok) return `is not read (${listing.message}): whether it holds a saved dataset is not known`;
    if (listing.files.length > 0) return `holds a saved tokenized dataset (${c}), loaded in place of the datasets`;
  }
  return null;
}

function packedAt(job: ScanJob): string {
  const at = job.sources['llamaFactoryData.packedBy'] !== undefined ? origin(job, 'llamaFactoryData.packedBy') : 'not written';
  return job.settings.llamaFactoryData?.packedBy === 'stage: pt' ? `${at}, where packing is on unless written false` : at;
}

type Info = { readonly dir: string; readonly root: ObjectNode } | { readonly why: string };

/** The first dataset_info.json found in the candidate folders, parsed with positions. */
function readInfo(dirs: readonly string[], files: LlamaFactoryFiles): Info {
  let why = `no ${DATA_CONFIG} in ${dirs.join(' or ')}`;
  for (const dir of dirs) {
    const path = `${dir}/${DATA_CONFIG}`.replace(/^\.\//, '');
    let text: string;
    try {
      text = files.readText(path);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      why = `${path} is not read: ${err.message}`;
      continue;
    }
    try {
      const root = parseJson(text, path).root;
      if (root.kind !== 'object') return { why: `${path}:${root.range.line}:${root.range.column}: ${DATA_CONFIG} must be an object of dataset entries` };
      return { dir: path.slice(0, -DATA_CONFIG.length - 1) || '.', root };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return { why: `${err.format()}` };
    }
  }
  return { why };
}

/** One dataset's records (before max_samples), or why not. */
function datasetRecords(name: string, dir: string, root: ObjectNode, files: LlamaFactoryFiles): Counted {
  const infoPath = `${dir}/${DATA_CONFIG}`.replace(/^\.\//, '');
  const member = root.index.get(name);
  if (member === undefined) return notCounted(`dataset ${name} is not defined in ${infoPath} (LLaMA-Factory stops: "Undefined dataset")`);
  const at = `${infoPath}:${member.keyRange.line}:${member.keyRange.column}`;
  const entry = member.node;
  if (entry.kind !== 'object') return notCounted(`${at}: the entry of ${name} must be an object`);
  const remote = REMOTE_KEYS.find((k) => entry.index.has(k));
  if (remote !== undefined) return notCounted(`${name} is loaded from ${remote} (${at}), not from a local file`);
  const file = entry.index.get('file_name')?.node;
  if (file === undefined || file.kind !== 'string' || file.value.trim() === '') return notCounted(`${at}: the entry of ${name} has no file_name string`);
  const split = entry.index.get('split')?.node;
  if (split !== undefined && !(split.kind === 'string' && split.value === 'train')) return notCounted(`${at}: split of ${name} is not train: local files are read as one train split`);
  // loader.py slices a permutation with num_samples and asserts the length: only a positive integer (or null) runs.
  const sampled = entry.index.get('num_samples')?.node;
  const samples = sampled?.kind === 'number' && /^\d+$/.test(sampled.raw) && sampled.value > 0 && Number.isSafeInteger(sampled.value) ? sampled.value : undefined;
  if (sampled !== undefined && sampled.kind !== 'null' && samples === undefined) {
    const shown = sampled.kind === 'number' ? sampled.raw : sampled.kind === 'string' ? JSON.stringify(sampled.value) : sampled.kind;
    return notCounted(`${infoPath}:${sampled.range.line}:${sampled.range.column}: num_samples of ${name} is not a positive whole number (${shown}): LLaMA-Factory cannot resample ${name} to it`);
  }
  const path = joinRelative(dir, file.value.trim());
  if (path === null || isAbsoluteLike(file.value)) return notCounted(`${file.value} (file_name of ${name}, ${at}) is outside the workspace and not read`);
  const counted = localRecords(path, files);
  if (counted === null) return notCounted(`${path} (file_name of ${name}, ${at}) is not in the workspace (LLaMA-Factory stops: "File not found")`);
  if (!('records' in counted)) return counted;
  if (samples !== undefined) {
    const r = sampled!.range;
    return { records: samples, text: `num_samples ${count(samples)} (${infoPath}:${r.line}:${r.column}) drawn from ${counted.text}`, bytesRead: counted.bytesRead };
  }
  return counted;
}

function notCounted(why: string): Counted {
  return { value: null, why, problems: [] };
}

/** A file, or a folder's files (loader.py: every entry, one type: json and jsonl are both `json`); null if neither. */
function localRecords(path: string, files: LlamaFactoryFiles): Counted | null {
  const listing = files.listFolder?.(path) ?? null;
  if (listing === null) {
    const format = RECORD_FORMATS[extensionOf(path.toLowerCase())];
    if (format === undefined) return notCounted(`${path} is neither a folder nor a .jsonl, .json, .csv or .parquet file`);
    return fileRecords(path, format, files.countRecords);
  }
  if (!listing.ok) return notCounted(`the folder ${path} is not read: ${listing.message}`);
  if (listing.files.length === 0) return notCounted(`the folder ${path} holds no file (LLaMA-Factory stops on it)`);
  if (listing.files.some((f) => f.path.includes('/'))) return notCounted(`the folder ${path} holds subfolders, which LLaMA-Factory passes to load_dataset as files`);
  const formats = listing.files.map((f) => RECORD_FORMATS[extensionOf(f.path.toLowerCase())]);
  if (formats.some((f) => f === undefined)) return notCounted(`the folder ${path} holds files other than .jsonl, .json, .csv or .parquet`);
  const loader = (f: string | undefined): string => (f === 'jsonl' ? 'json' : f!);
  if (new Set(formats.map(loader)).size > 1) return notCounted(`the folder ${path} mixes file types (LLaMA-Factory stops: "File types should be identical")`);
  const text = listing.files.reduce((a, f, i) => (formats[i] !== 'parquet' ? a + f.size : a), 0);
  if (text > listing.textBytesCap) return notCounted(`the folder ${path} holds ${count(text)} bytes of text files, over the ${count(listing.textBytesCap)} read to count records`);
  let records = 0;
  // The Parquet footers read count toward the same cap as the text files (as run-length.ts folderRecords).
  let budget = listing.textBytesCap - text;
  for (let i = 0; i < listing.files.length; i++) {
    const file = joinRelative(path, listing.files[i]!.path)!;
    if (formats[i] === 'parquet' && budget <= 0) return notCounted(`the folder ${path} is not counted: the footers of its Parquet files take over the ${count(listing.textBytesCap)} bytes read to count records`);
    const one = fileRecords(file, formats[i]!, files.countRecords);
    if (one === null) return notCounted(`${file} vanished while the folder ${path} was counted`);
    if (!('records' in one)) return one;
    records += one.records;
    budget -= one.bytesRead;
  }
  return { records, text: `${count(records)} records in the ${listing.files.length} files of ${path}`, bytesRead: listing.textBytesCap - budget };
}
