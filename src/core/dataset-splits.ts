/**
 * Which files of a local folder `datasets.load_dataset(folder)` reads for a split, from the folder's file list (README
 * "Hyperparameters bounded by their sources and the job"). Followed from huggingface/datasets `data_files.py`
 * (`get_data_patterns`: first the sharded names `data/{split}-NNNNN-of-NNNNN*.*`, else the first group of default patterns
 * that matches a file — `**\/*.eval` (a "logs" split), `**\/task.toml` / `**\/instruction.md` (a "test" split), a folder
 * named after a split, a file named after a split, else every file in "train"; a split's keyword stands alone or between
 * the separators `-._ 0-9` (`train`, `training`; `validation`, `valid`, `dev`, `val`; `test`, `testing`, `eval`,
 * `evaluation`); hidden files and folders, folders starting `__`, and README.md, config.json, dataset_info.json,
 * dataset_infos.json, dummy_data.zip, dataset_dict.json are left out) and `load.py`
 * (`LocalDatasetModuleFactoryWithoutScript`, `infer_module_for_data_files_list`: one loader for the folder, that of the
 * most common data extension, Parquet first on a tie, then JSON Lines, JSON, CSV; the same for every split or
 * `datasets` stops; the split's files then filtered to that loader's extensions); the user-facing rules are those of the
 * Hub docs page "File names and splits" (huggingface.co/docs/hub/datasets-file-names-and-splits). What is not
 * followed is said, and the count is left unknown: a README.md whose YAML `configs:` choose the files, a dataset
 * script, a folder written by `save_to_disk`, compressed or archived files, a loader whose rows are not counted here
 * (text, arrow, media folders...). Media extensions are listed by their common names only (datasets' lists are longer):
 * a file of a rarer media extension is left out here, which matters only where it would outnumber the data files. Pure.
 */
import type { RecordFormat } from './parse/record-count';
import { baseName, comparePaths } from './scan/paths';

/** A file of a listed folder: its path inside the folder (`/` separators) and its size in bytes. */
export interface FolderFile {
  readonly path: string;
  readonly size: number;
}

/**
 * A folder's files as the platform lists them (bounded: src/platform/dataset-folder.ts): every regular file outside
 * hidden and `__` folders, the first bytes of its README.md, and the most bytes of text the reader counts in one folder.
 */
export type FolderListing =
  | { readonly ok: true; readonly files: readonly FolderFile[]; readonly readme: string | null; readonly textBytesCap: number }
  | { readonly ok: false; readonly message: string };

/** Lists a workspace folder (workspace-relative path); null when there is no such folder. */
export type ListFolder = (path: string) => FolderListing | null;

/** The files of the split with the format each is counted in, or why they are not known. */
export type SplitFiles =
  | { readonly ok: true; readonly files: readonly { readonly path: string; readonly format: RecordFormat; readonly size: number }[]; readonly rule: string }
  | { readonly ok: false; readonly why: string };

/** datasets packaged_modules `_EXTENSION_TO_MODULE` (media by their common extensions). */
const LOADER_OF: Readonly<Record<string, string>> = {
  '.csv': 'csv', '.tsv': 'csv', '.json': 'json', '.jsonl': 'json', '.ndjson': 'json', '.parquet': 'parquet', '.geoparquet': 'parquet',
  '.gpq': 'parquet', '.arrow': 'arrow', '.txt': 'text', '.tar': 'webdataset', '.xml': 'xml',
  ...Object.fromEntries(['.png', '.jpg', '.jpeg', '.gif', '.bmp', '.tif', '.tiff', '.webp'].map((e) => [e, 'imagefolder'])),
  ...Object.fromEntries(['.wav', '.mp3', '.flac', '.ogg', '.m4a', '.opus'].map((e) => [e, 'audiofolder'])),
  ...Object.fromEntries(['.mp4', '.avi', '.mov', '.mkv', '.webm'].map((e) => [e, 'videofolder'])),
  '.pdf': 'pdffolder',
};

/** Compressions datasets opens by the file's last extension (a `.jsonl.gz` is JSON Lines). */
const COMPRESSED = new Set(['.gz', '.bz2', '.xz', '.zst', '.lz4', '.zip']);

/** A path names a data file (an extension some `datasets` loader reads, maybe compressed), not a folder. */
export function isDataFileName(path: string): boolean {
  const ext = suffixes(path.trim());
  const last = ext[ext.length - 1];
  return last !== undefined && (LOADER_OF[last] !== undefined || COMPRESSED.has(last));
}

/** How each counted extension is read (a TSV's records are CSV records; only the separator differs). */
const COUNTED_FORMAT: Readonly<Record<string, RecordFormat>> = {
  '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json', '.csv': 'csv', '.tsv': 'csv', '.parquet': 'parquet', '.geoparquet': 'parquet', '.gpq': 'parquet',
};

const IGNORED_NAMES = new Set(['README.md', 'config.json', 'dataset_info.json', 'dataset_infos.json', 'dummy_data.zip', 'dataset_dict.json']);
const METADATA_NAMES = new Set(['metadata.jsonl', 'metadata.csv']);

const SPLIT_KEYWORDS: readonly (readonly [string, readonly string[]])[] = [
  ['train', ['train', 'training']],
  ['validation', ['validation', 'valid', 'dev', 'val']],
  ['test', ['test', 'testing', 'eval', 'evaluation']],
];
const SEP = '[-._ 0-9]';
/** A folder name matching `{keyword}`, `{keyword}[sep]*`, `*[sep]{keyword}`, `*[sep]{keyword}[sep]*`. */
const inFolderName = (k: string): RegExp => new RegExp(`^(?:.*${SEP})?${k}(?:${SEP}.*)?$`);
/** A file name matching `{keyword}[sep]*` or `*[sep]{keyword}[sep]*`. */
const inFileName = (k: string): RegExp => new RegExp(`^(?:.*${SEP})?${k}${SEP}.*$`);
const SHARDED = /^data\/([^/]+)-[0-9]{5}-of-[0-9]{5}[^/]*\.[^/]*$/;
const SPLIT_NAME = /^\w+(\.\w+)*$/;

function suffixes(path: string): string[] {
  return baseName(path).split('.').slice(1).map((s) => `.${s.toLowerCase()}`);
}

/** Splits by the default patterns, in datasets' order; each split with its files (a file may be in two). */
function splitsOf(files: readonly string[]): { splits: Map<string, string[]>; rule: string } | { error: string } {
  const sharded = files.filter((f) => SHARDED.test(f));
  if (sharded.length > 0) {
    const splits = new Map<string, string[]>();
    for (const f of sharded) {
      const name = SHARDED.exec(f)![1]!;
      if (!SPLIT_NAME.test(name)) return { error: `the shard data/${baseName(f)} names the split '${name}', which datasets refuses` };
      splits.set(name, [...(splits.get(name) ?? []), f]);
    }
    return { splits, rule: 'sharded as data/{split}-NNNNN-of-NNNNN' };
  }
  const groups: readonly [string, (f: string) => string[]][] = [
    ['files ending .eval', (f) => (f.endsWith('.eval') ? ['logs'] : [])],
    ['task.toml / instruction.md files', (f) => (baseName(f) === 'task.toml' || baseName(f) === 'instruction.md' ? ['test'] : [])],
    ['folders named after the splits', (f) => SPLIT_KEYWORDS.filter(([, ks]) => f.split('/').slice(0, -1).some((d) => ks.some((k) => inFolderName(k).test(d)))).map(([s]) => s)],
    ['file names naming the splits', (f) => SPLIT_KEYWORDS.filter(([, ks]) => ks.some((k) => inFileName(k).test(baseName(f)))).map(([s]) => s)],
    ['no split names: every file is train', () => ['train']],
  ];
  for (const [rule, splitOf] of groups) {
    const splits = new Map<string, string[]>();
    for (const f of files) for (const s of splitOf(f)) splits.set(s, [...(splits.get(s) ?? []), f]);
    if (splits.size > 0) return { splits, rule };
  }
  return { splits: new Map(), rule: '' };
}

/** The loader of a split's files: the most common extension with a loader (non-metadata first, Parquet first on a tie). */
function loaderOf(files: readonly string[]): { loader: string; ext: string } | { archive: string } | null {
  const counts = new Map<string, { ext: string; metadata: boolean; n: number }>();
  for (const f of files) {
    const metadata = METADATA_NAMES.has(baseName(f));
    for (const ext of suffixes(f)) {
      const key = `${ext}|${metadata}`;
      const c = counts.get(key) ?? { ext, metadata, n: 0 };
      c.n++;
      counts.set(key, c);
    }
  }
  const rank = (c: { ext: string; metadata: boolean; n: number }): (number | string)[] => [c.metadata ? 0 : 1, c.n, c.ext === '.parquet' ? 1 : 0, c.ext === '.jsonl' ? 1 : 0, c.ext === '.json' ? 1 : 0, c.ext === '.csv' ? 1 : 0, c.ext];
  const order = [...counts.values()].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! < rb[i]! ? 1 : -1;
    return 0;
  });
  for (const c of order) {
    const loader = LOADER_OF[c.ext];
    if (loader !== undefined) return { loader, ext: c.ext };
    if (c.ext === '.zip') return { archive: c.ext };
  }
  return null;
}

/** The YAML front matter of a README.md declares `configs:` (they then choose the data files). */
function readmeConfigs(readme: string | null): boolean {
  if (readme === null) return false;
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readme.replace(/^\ufeff/, ''));
  return m !== null && /^configs\s*:/m.test(m[1]!);
}

function names(files: readonly string[]): string {
  const shown = files.slice(0, 3).join(', ');
  return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown;
}

/**
 * The files of `split` in a folder listing (`folderName`: the folder's own name, for its dataset script), or why they are
 * not known.
 */
export function splitFiles(listing: Extract<FolderListing, { ok: true }>, folderName: string, split: string): SplitFiles {
  const all = listing.files.map((f) => f.path);
  if (readmeConfigs(listing.readme)) return { ok: false, why: "its README.md's YAML `configs:` choose the data files, which is not followed" };
  if (all.includes('.huggingface.yaml')) return { ok: false, why: 'its .huggingface.yaml chooses the data files, which is not followed' };
  if (all.includes(`${folderName}.py`)) return { ok: false, why: `it holds a dataset script (${folderName}.py), which is not run` };
  if (all.includes('dataset_dict.json') || all.some((f) => baseName(f) === 'state.json' && all.some((g) => g.endsWith('.arrow')))) {
    return { ok: false, why: 'it was written by save_to_disk (Arrow files read with load_from_disk), whose rows are not counted' };
  }
  const candidates = all.filter((f) => {
    const parts = f.split('/');
    return !parts.some((p) => p.startsWith('.')) && !parts.slice(0, -1).some((p) => p.startsWith('__')) && !IGNORED_NAMES.has(parts[parts.length - 1]!);
  });
  const found = splitsOf(candidates);
  if ('error' in found) return { ok: false, why: found.error };
  if (found.splits.size === 0) return { ok: false, why: 'it holds no data files' };
  const chosen = found.splits.get(split);
  if (chosen === undefined) return { ok: false, why: `it has no '${split}' split (${found.rule}: ${[...found.splits.keys()].join(', ')})` };
  // datasets resolves the files with the extensions of some loader only, then picks one loader for every split.
  const withData = (files: readonly string[]): string[] => files.filter((f) => suffixes(f).some((e) => LOADER_OF[e] !== undefined || e === '.zip'));
  const loaders = new Map<string, string>();
  for (const [name, files] of found.splits) {
    const l = loaderOf(withData(files));
    if (l !== null && 'archive' in l) return { ok: false, why: `its ${name} split is read from .zip archives, which are not opened` };
    loaders.set(name, l === null ? 'none' : l.loader);
  }
  const loader = loaders.get(split)!;
  if (loader === 'none') return { ok: false, why: `its '${split}' split (${names(chosen)}) holds no data file of a format datasets reads` };
  const other = [...loaders].find(([, l]) => l !== loader);
  if (other !== undefined) return { ok: false, why: `its splits have different formats (${split}: ${loader}, ${other[0]}: ${other[1]}), which datasets refuses` };
  if (loader !== 'json' && loader !== 'csv' && loader !== 'parquet') return { ok: false, why: `its '${split}' split is read by the datasets "${loader}" loader, whose rows are not counted` };
  const extensions = Object.entries(LOADER_OF).filter(([, l]) => l === loader).map(([e]) => e);
  const size = new Map(listing.files.map((f) => [f.path, f.size]));
  const out: { path: string; format: RecordFormat; size: number }[] = [];
  for (const f of [...withData(chosen)].sort(comparePaths)) {
    const s = suffixes(f);
    if (s.includes('.zip')) return { ok: false, why: `${f} is a .zip archive, which is not opened` };
    const at = s.findIndex((e) => extensions.includes(e));
    if (at < 0) continue; // another loader's file: datasets filters it out of the split
    if (at !== s.length - 1) return { ok: false, why: `${f} is compressed or wrapped (${s.slice(at + 1).join('')} after ${s[at]}), which is not opened` };
    out.push({ path: f, format: COUNTED_FORMAT[s[at]!]!, size: size.get(f) ?? 0 });
  }
  // The csv loader takes its separator from the extension that won (`,` or a tab) and reads every file with it.
  if (out.some((f) => f.path.toLowerCase().endsWith('.tsv')) && out.some((f) => f.path.toLowerCase().endsWith('.csv'))) {
    return { ok: false, why: `its '${split}' split mixes .csv and .tsv files, which the csv loader reads with one separator` };
  }
  return { ok: true, files: out, rule: found.rule };
}
