/**
 * Local dataset folders for the tests of the split resolution (test/unit/dataset-folder.test.ts), each with the count of
 * its split worked out by hand from the Hugging Face docs ("File names and splits",
 * huggingface.co/docs/hub/datasets-file-names-and-splits; the examples of datasets' `get_data_patterns` docstring) or why
 * it is not counted. When this was written, `datasets.load_dataset(folder)` of datasets 5.0.1 gave the same row counts
 * for every counted layout, and no split, an error, or a different file selection for the others (see the test's note).
 */
import { parquetFile } from './parquet-bytes';

/** A file's content: JSON Lines rows, CSV records after a header, a JSON array of rows, Parquet row groups, or text. */
export type Content = { jsonl: number } | { csv: number } | { tsv: number } | { jsonArray: number } | { parquet: readonly number[] } | { text: string };

export interface Layout {
  readonly name: string;
  readonly files: Readonly<Record<string, Content>>;
  readonly split?: string;
  /** The split's records, or a pattern of the reason it is not counted. */
  readonly expect: number | RegExp;
}

export function contentBytes(c: Content): Uint8Array {
  const enc = (t: string) => new TextEncoder().encode(t);
  if ('jsonl' in c) return enc(Array.from({ length: c.jsonl }, (_, i) => `{"text": "row ${i}", "label": ${i % 2}}\n`).join(''));
  if ('csv' in c) return enc(`text,label\n${Array.from({ length: c.csv }, (_, i) => `"row ${i}, quoted",${i % 2}\n`).join('')}`);
  if ('tsv' in c) return enc(`text\tlabel\n${Array.from({ length: c.tsv }, (_, i) => `row ${i}\t${i % 2}\n`).join('')}`);
  if ('jsonArray' in c) return enc(`[${Array.from({ length: c.jsonArray }, (_, i) => `{"text": "row ${i}", "label": ${i % 2}}`).join(',\n')}]\n`);
  if ('parquet' in c) return parquetFile(c.parquet);
  return enc(c.text);
}

const HUB_CARD = '---\ndataset_info:\n  splits:\n  - name: train\n    num_examples: 23\n  - name: test\n    num_examples: 4\n---\n# A dataset exported by push_to_hub\n';

export const LAYOUTS: readonly Layout[] = [
  { name: 'one file, no split name: all of it is train', files: { 'README.md': { text: '# data\n' }, 'dataset.csv': { csv: 5 } }, expect: 5 },
  { name: 'train and test files', files: { 'train.csv': { csv: 4 }, 'test.csv': { csv: 3 } }, expect: 4 },
  { name: 'data/ with train, test and valid', files: { 'data/train.jsonl': { jsonl: 6 }, 'data/test.jsonl': { jsonl: 2 }, 'data/valid.jsonl': { jsonl: 2 } }, expect: 6 },
  { name: 'several files per split by name', files: { 'train_0.csv': { csv: 2 }, 'train_1.csv': { csv: 3 }, 'train_2.csv': { csv: 4 }, 'test_0.csv': { csv: 1 } }, expect: 9 },
  { name: 'split folders', files: { 'data/train/shard_0.jsonl': { jsonl: 3 }, 'data/train/shard_1.jsonl': { jsonl: 4 }, 'data/test/shard_0.jsonl': { jsonl: 5 } }, expect: 7 },
  {
    name: 'a Hub Parquet export: data/{split}-NNNNN-of-NNNNN shards',
    files: { 'README.md': { text: HUB_CARD }, 'data/train-00000-of-00002.parquet': { parquet: [10, 5] }, 'data/train-00001-of-00002.parquet': { parquet: [8] }, 'data/test-00000-of-00001.parquet': { parquet: [4] } },
    expect: 23,
  },
  { name: 'the same export, its test split', files: { 'data/train-00000-of-00001.parquet': { parquet: [10, 5] }, 'data/test-00000-of-00001.parquet': { parquet: [4] } }, split: 'test', expect: 4 },
  { name: 'a split keyword not delimited (trainfile.csv) names no split', files: { 'trainfile.csv': { csv: 3 }, 'my-test.csv': { csv: 2 } }, expect: /has no 'train' split \(file names naming the splits: test\)/ },
  { name: 'the other keywords: training, dev, evaluation', files: { 'training-data.jsonl': { jsonl: 4 }, 'dev.jsonl': { jsonl: 1 }, 'evaluation.jsonl': { jsonl: 1 } }, expect: 4 },
  { name: 'the most common format is read, the others dropped', files: { 'train.parquet': { parquet: [3] }, 'train-extra.parquet': { parquet: [2] }, 'train.jsonl': { jsonl: 7 } }, expect: 5 },
  { name: 'a tie goes to Parquet', files: { 'train.parquet': { parquet: [3] }, 'train.jsonl': { jsonl: 7 } }, expect: 3 },
  { name: 'JSON Lines and a JSON array are both read by the json loader', files: { 'train.jsonl': { jsonl: 3 }, 'train-2.json': { jsonArray: 2 } }, expect: 5 },
  { name: 'TSV files are read by the csv loader', files: { 'train-1.tsv': { tsv: 3 }, 'train-2.tsv': { tsv: 2 } }, expect: 5 },
  { name: 'CSV and TSV together are read with one separator', files: { 'train.csv': { csv: 3 }, 'train-2.tsv': { tsv: 2 } }, expect: /mixes \.csv and \.tsv files/ },
  {
    name: 'files without a data extension, dataset_info.json and README.md are left out',
    files: { 'data.jsonl': { jsonl: 5 }, LICENSE: { text: 'MIT\n' }, 'notes.md': { text: '# notes\n' }, 'dataset_info.json': { text: '{}\n' }, 'README.md': { text: '# card\n' } },
    expect: 5,
  },
  { name: 'splits of different formats', files: { 'train.jsonl': { jsonl: 3 }, 'test.csv': { csv: 2 } }, expect: /splits have different formats \(train: json, test: csv\)/ },
  { name: 'a text file is read by the text loader', files: { 'train.txt': { text: 'one\ntwo\n' } }, expect: /read by the datasets "text" loader, whose rows are not counted/ },
  {
    name: "README.md's configs choose the files",
    files: { 'README.md': { text: '---\nconfigs:\n- config_name: default\n  data_files: holdout.csv\n---\n' }, 'data.csv': { csv: 5 }, 'holdout.csv': { csv: 2 } },
    expect: /README\.md's YAML `configs:` choose the data files/,
  },
];
