/**
 * A local dataset folder named by a job (TRL `dataset_name`, an axolotl `datasets[].path`), its training split resolved
 * as `datasets.load_dataset(folder)` resolves it (src/core/dataset-splits.ts) from the bounded listing of
 * src/platform/dataset-folder.ts, its files counted (Parquet from the footer), and the run length and the warmup bound
 * they give (src/core/run-length.ts, evaluate.ts). The layouts and their counts (test/support/dataset-layouts.ts) are
 * worked out by hand from the Hugging Face docs; datasets 5.0.1's `load_dataset` gave the same numbers for them when this
 * test was written (a one-off check outside the suite: the project does not depend on Python).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluateJob } from '../../src/core/evaluate';
import { splitFiles } from '../../src/core/dataset-splits';
import { countedTrainSamples, runLength, type CountRecords } from '../../src/core/run-length';
import { scanFiles } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';
import { diskFiles } from '../../src/cli/model-source';
import { countDatasetRecordsSync } from '../../src/platform/dataset-records';
import { jobFolderLister, listDatasetFolderSync, MAX_FOLDER_DEPTH, MAX_FOLDER_ENTRIES, MAX_FOLDER_FILES } from '../../src/platform/dataset-folder';
import { contentBytes, LAYOUTS, type Content } from '../support/dataset-layouts';

function withWorkspace(files: Readonly<Record<string, Content>>, body: (root: string) => void): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dataset-folder-'));
  try {
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), contentBytes(content));
    }
    body(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const countIn = (root: string): CountRecords => (rel, format) => countDatasetRecordsSync(path.join(root, rel), format);
const listIn = (root: string) => (rel: string) => listDatasetFolderSync(root, rel);

/** A TRL `trl sft --config` file training on a dataset folder (TRL ScriptArguments: dataset_name, dataset_train_split). */
function trlConfig(dataset: string, split?: string): string {
  return `model_name_or_path: gpt2\ndataset_name: ${dataset}\n${split !== undefined ? `dataset_train_split: ${split}\n` : ''}num_train_epochs: 3\nper_device_train_batch_size: 2\ngradient_accumulation_steps: 2\nlearning_rate: 0.0001\noutput_dir: out\n`;
}

function jobOf(files: ScanFile[]) {
  const job = scanFiles(files).jobs[0];
  assert.ok(job, 'a job');
  return job;
}

test('each layout: the split datasets reads from a folder, its records summed, or why not', () => {
  for (const layout of LAYOUTS) {
    const files = Object.fromEntries(Object.entries(layout.files).map(([rel, c]) => [`data/ds/${rel}`, c]));
    withWorkspace(files, (root) => {
      const job = jobOf([{ path: 'sft.yaml', text: trlConfig('./data/ds', layout.split) }]);
      assert.deepEqual(job.settings.trainDataFiles, ['./data/ds'], layout.name);
      const counted = countedTrainSamples(job, countIn(root), listIn(root));
      assert.ok(counted !== undefined, layout.name);
      if (typeof layout.expect === 'number') assert.equal(counted.value, layout.expect, `${layout.name}: ${JSON.stringify(counted)}`);
      else {
        assert.equal(counted.value, null, layout.name);
        assert.match((counted as { why: string }).why, layout.expect, layout.name);
      }
    });
  }
});

test('the count says which files of which split, and the steps follow: 3 epochs of 23 rows in batches of 2, accumulation 2', () => {
  const hub = LAYOUTS.find((l) => l.name.startsWith('a Hub Parquet export'))!;
  const files = Object.fromEntries(Object.entries(hub.files).map(([rel, c]) => [`data/ds/${rel}`, c]));
  withWorkspace(files, (root) => {
    const job = jobOf([{ path: 'sft.yaml', text: trlConfig('./data/ds') }]);
    const counted = countedTrainSamples(job, countIn(root), listIn(root));
    assert.deepEqual(counted, {
      value: 23,
      from: "23 records in the 'train' split of data/ds (2 files: data/train-00000-of-00002.parquet, data/train-00001-of-00002.parquet; sharded as data/{split}-NNNNN-of-NNNNN, as datasets resolves a folder) (named at sft.yaml:2)",
    });
    // ⌈23 / 2⌉ = 12 batches, ⌈12 / 2⌉ = 6 steps per epoch, 3 epochs = 18 steps.
    const run = runLength(job, {}, counted);
    assert.equal(run.totalSteps, 18);
    // The editor's and the CLI's FileAccess carry the same reader: evaluate counts the folder and bounds the warmup.
    const e = evaluateJob(job, diskFiles(root), { gpuMemoryBytes: null, priority: 'quality' });
    assert.equal(e.input.totalSteps, 18);
    assert.match(e.input.totalStepsBasis ?? '', /3 epochs \(sft\.yaml:3\) × 6 steps per epoch = 18 steps: 23 training examples \(23 records in the 'train' split of data\/ds/);
    assert.deepEqual(e.datasetProblems, []);
  });
});

test('a broken Parquet file in the split is a problem with its file and byte offset; the total stays unknown', () => {
  withWorkspace({ 'data/ds/train.parquet': { text: 'PAR1 not really\n' }, 'data/ds/test.parquet': { parquet: [2] } }, (root) => {
    const job = jobOf([{ path: 'sft.yaml', text: trlConfig('./data/ds') }]);
    const counted = countedTrainSamples(job, countIn(root), listIn(root));
    assert.deepEqual(counted, {
      value: null,
      why: 'data/ds/train.parquet (byte 12) is not counted: not a Parquet file: it does not end with PAR1',
      problems: [{ path: 'data/ds/train.parquet', offset: 12, message: 'not a Parquet file: it does not end with PAR1' }],
    });
    const e = evaluateJob(job, diskFiles(root), { gpuMemoryBytes: null, priority: 'quality' });
    assert.equal(e.input.totalSteps, null);
    assert.deepEqual(e.datasetProblems, counted.problems);
  });
});

test('a dataset_name that is no workspace folder is a Hub dataset: not counted, said so; a file path is not a dataset_name', () => {
  withWorkspace({}, (root) => {
    const job = jobOf([{ path: 'sft.yaml', text: trlConfig('trl-lib/Capybara') }]);
    const counted = countedTrainSamples(job, countIn(root), listIn(root));
    assert.deepEqual(counted, { value: null, why: 'trl-lib/Capybara (sft.yaml:2) is neither a file nor a folder in the workspace (a dataset of the Hub is not counted)', problems: [] });
    assert.match(runLength(job, {}, counted).basis, /3 epochs \(sft\.yaml:3\) are stated but not the training examples per epoch \(trl-lib\/Capybara/);
  });
  assert.equal(jobOf([{ path: 'sft.yaml', text: trlConfig('data/train.jsonl') }]).settings.trainDataFiles, undefined);
});

test('axolotl: a folder path and a .parquet file path are counted; entries with data_files or another split are not', () => {
  const config = (datasets: string) => `base_model: gpt2\ndatasets:\n${datasets}num_epochs: 1\nmicro_batch_size: 1\ngradient_accumulation_steps: 1\noptimizer: adamw_torch\nlearning_rate: 0.0002\n`;
  const both = config('  - path: ./data/folder\n    type: alpaca\n  - path: ./data/extra.parquet\n    type: alpaca\n');
  withWorkspace({ 'data/folder/train.jsonl': { jsonl: 6 }, 'data/folder/test.jsonl': { jsonl: 2 }, 'data/extra.parquet': { parquet: [4, 1] } }, (root) => {
    const job = jobOf([{ path: 'axolotl.yml', text: both }]);
    assert.deepEqual(job.settings.trainDataFiles, ['./data/folder', './data/extra.parquet']);
    const counted = countedTrainSamples(job, countIn(root), listIn(root));
    assert.equal(counted?.value, 11);
    assert.equal(runLength(job, {}, counted).totalSteps, 11);
  });
  assert.equal(jobOf([{ path: 'axolotl.yml', text: config('  - path: ./data/folder\n    data_files: [a.jsonl]\n    type: alpaca\n') }]).settings.trainDataFiles, undefined);
  assert.equal(jobOf([{ path: 'axolotl.yml', text: config('  - path: ./data/folder\n    split: test\n    type: alpaca\n') }]).settings.trainDataFiles, undefined);
});

test('what is not followed: a dataset script, a save_to_disk folder, compressed files, a zip archive (core, from a listing)', () => {
  const listing = (paths: string[]) => ({ ok: true as const, files: paths.map((p) => ({ path: p, size: 10 })), readme: null, textBytesCap: 1000 });
  assert.deepEqual(splitFiles(listing(['ds.py', 'train.jsonl']), 'ds', 'train'), { ok: false, why: 'it holds a dataset script (ds.py), which is not run' });
  assert.match((splitFiles(listing(['dataset_dict.json', 'train/data-00000-of-00001.arrow', 'train/state.json']), 'ds', 'train') as { why: string }).why, /written by save_to_disk/);
  assert.deepEqual(splitFiles(listing(['train.jsonl.gz']), 'ds', 'train'), { ok: false, why: 'train.jsonl.gz is compressed or wrapped (.gz after .jsonl), which is not opened' });
  assert.deepEqual(splitFiles(listing(['train.zip']), 'ds', 'train'), { ok: false, why: 'its train split is read from .zip archives, which are not opened' });
  // Hidden files and folders, folders starting __ and the files datasets ignores by name are left out.
  const kept = splitFiles(listing(['.git/x.jsonl', '.hidden.jsonl', '__pycache__/y.jsonl', 'dataset_infos.json', 'config.json', 'rows.jsonl']), 'ds', 'train');
  assert.deepEqual(kept, { ok: true, files: [{ path: 'rows.jsonl', format: 'jsonl', size: 10 }], rule: 'no split names: every file is train' });
  // Folder names come before file names: test-1.jsonl in a train folder is train only; a test folder inside a train
  // folder puts its files in both splits, as datasets' patterns do.
  assert.deepEqual(splitFiles(listing(['train/test-1.jsonl', 'train/a.jsonl']), 'ds', 'test'), { ok: false, why: "it has no 'test' split (folders named after the splits: train)" });
  const both = listing(['train/a.jsonl', 'train/test/b.jsonl']);
  assert.deepEqual(splitFiles(both, 'ds', 'test'), { ok: true, files: [{ path: 'train/test/b.jsonl', format: 'jsonl', size: 10 }], rule: 'folders named after the splits' });
  assert.equal((splitFiles(both, 'ds', 'train') as { files: readonly unknown[] }).files.length, 2);
});

test('the listing is bounded: hidden folders not entered, a cap on files and on depth, a link out of the workspace not opened', () => {
  withWorkspace({ 'ds/train.jsonl': { jsonl: 2 }, 'ds/.git/objects/ab': { text: 'x' }, 'ds/README.md': { text: '---\nlicense: mit\n---\n' } }, (root) => {
    const l = listDatasetFolderSync(root, 'ds');
    assert.deepEqual(l, { ok: true, files: [{ path: 'README.md', size: 21 }, { path: 'train.jsonl', size: contentBytes({ jsonl: 2 }).length }], readme: '---\nlicense: mit\n---\n', textBytesCap: 256 * 2 ** 20 });
    assert.equal(listDatasetFolderSync(root, 'missing'), null);
    assert.equal(listDatasetFolderSync(root, 'ds/train.jsonl'), null);
  });
  withWorkspace({}, (root) => {
    fs.mkdirSync(path.join(root, 'many'));
    for (let i = 0; i <= MAX_FOLDER_FILES; i++) fs.writeFileSync(path.join(root, 'many', `train-${i}.jsonl`), '');
    assert.deepEqual(listDatasetFolderSync(root, 'many'), { ok: false, message: `more than ${MAX_FOLDER_FILES} files` });
    const deep = path.join(root, 'deep', ...Array.from({ length: MAX_FOLDER_DEPTH + 1 }, (_, i) => `d${i}`));
    fs.mkdirSync(deep, { recursive: true });
    assert.deepEqual(listDatasetFolderSync(root, 'deep'), { ok: false, message: `folders nested deeper than ${MAX_FOLDER_DEPTH} levels (${Array.from({ length: MAX_FOLDER_DEPTH + 1 }, (_, i) => `d${i}`).join('/')})` });
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'train.jsonl'), '{"a": 1}\n');
      fs.symlinkSync(outside, path.join(root, 'linked'));
      assert.deepEqual(listDatasetFolderSync(root, 'linked'), { ok: false, message: 'the folder resolves outside the workspace (a link) and is not opened' });
      // Inside a folder: a link to an outside file is left out, a link to a folder is not followed.
      fs.mkdirSync(path.join(root, 'ds'));
      fs.writeFileSync(path.join(root, 'ds', 'train.jsonl'), '{"a": 1}\n');
      fs.symlinkSync(path.join(outside, 'train.jsonl'), path.join(root, 'ds', 'train-2.jsonl'));
      fs.symlinkSync(outside, path.join(root, 'ds', 'train-dir'));
      assert.deepEqual(listDatasetFolderSync(root, 'ds'), { ok: true, files: [{ path: 'train.jsonl', size: 9 }], readme: null, textBytesCap: 256 * 2 ** 20 });
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

test("a split's Parquet footers count toward the same cap: many files are not read past it", () => {
  const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`ds/train-${i}.parquet`, { parquet: [i + 1] }] as const));
  withWorkspace(files, (root) => {
    const job = jobOf([{ path: 'sft.yaml', text: trlConfig('./ds') }]);
    const read: string[] = [];
    const counting: CountRecords = (rel, format) => {
      read.push(rel);
      return countDatasetRecordsSync(path.join(root, rel), format);
    };
    const one = countDatasetRecordsSync(path.join(root, 'ds', 'train-0.parquet'), 'parquet');
    assert.ok(one !== null && one.ok && 'bytesRead' in one);
    // A cap of 2.5 footers: the third file is read (the budget is not yet spent before it), the fourth is not.
    const cap = Math.floor(one.bytesRead * 2.5);
    const counted = countedTrainSamples(job, counting, (rel) => listDatasetFolderSync(root, rel, cap));
    assert.deepEqual(counted, { value: null, why: `the folder ds is not counted: the footers of its 'train' split's Parquet files take over the ${cap.toLocaleString('en-US')} bytes read to count records`, problems: [] });
    assert.equal(read.length, 3);
    assert.equal(countedTrainSamples(job, countIn(root), listIn(root))?.value, 21);
  });
});

test("the split's text files together are read up to the reader's cap", () => {
  withWorkspace({ 'ds/train-1.jsonl': { jsonl: 20 }, 'ds/train-2.jsonl': { jsonl: 20 } }, (root) => {
    const job = jobOf([{ path: 'sft.yaml', text: trlConfig('./ds') }]);
    const size = fs.statSync(path.join(root, 'ds', 'train-1.jsonl')).size;
    // Each file fits a cap of 1.5 files; both together do not.
    const cap = Math.floor(size * 1.5);
    const counted = countedTrainSamples(job, (rel, format) => countDatasetRecordsSync(path.join(root, rel), format, cap), (rel) => listDatasetFolderSync(root, rel, cap));
    assert.deepEqual(counted, { value: null, why: `the folder ds is not counted: its 'train' split holds ${(2 * size).toLocaleString('en-US')} bytes of text files, over the ${cap.toLocaleString('en-US')} read to count records`, problems: [] });
    assert.equal(countedTrainSamples(job, countIn(root), listIn(root))?.value, 40);
  });
});

test('a dataset file the job names that resolves outside the workspace through a link is not opened (as a folder is not)', () => {
  withWorkspace({ 'in/train.jsonl': { jsonl: 3 } }, (root) => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'train.jsonl'), '{"a": 1}\n');
      fs.symlinkSync(outside, path.join(root, 'data'));
      fs.symlinkSync(path.join(outside, 'train.jsonl'), path.join(root, 'linked.jsonl'));
      fs.symlinkSync(path.join(root, 'in', 'train.jsonl'), path.join(root, 'inside.jsonl'));
      const count = diskFiles(root).countRecords!;
      const refused = { ok: false, message: 'resolves outside the workspace (a link) and is not opened', line: 1, column: 1 };
      assert.deepEqual(count('data/train.jsonl', 'jsonl'), refused);
      assert.deepEqual(count('linked.jsonl', 'jsonl'), refused);
      assert.deepEqual(count('data/train.parquet', 'parquet'), null);
      // A link loop is a one-line problem, not a hang or an exception.
      fs.symlinkSync(path.join(root, 'loop.jsonl'), path.join(root, 'loop.jsonl'));
      assert.deepEqual(count('loop.jsonl', 'jsonl'), { ok: false, message: 'cannot be read (ELOOP)', line: 1, column: 1 });
      // A link that stays inside the workspace is read, also under a folder whose name starts with two dots.
      assert.deepEqual(count('inside.jsonl', 'jsonl'), { ok: true, records: 3 });
      fs.mkdirSync(path.join(root, '..odd'));
      fs.writeFileSync(path.join(root, '..odd', 'train.jsonl'), '{"a": 1}\n{"a": 2}\n');
      assert.deepEqual(count('..odd/train.jsonl', 'jsonl'), { ok: true, records: 2 });
      assert.equal((listDatasetFolderSync(root, '..odd') as { ok: boolean }).ok, true);
      // Without a workspace to stay in (a caller that checks paths itself), the reader opens what it is given.
      assert.deepEqual(countDatasetRecordsSync(path.join(root, 'linked.jsonl'), 'jsonl'), { ok: true, records: 1 });
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

test("one job's folder listings share the entry cap: a config naming one large folder many times stops at it", () => {
  withWorkspace({ 'ds/train.jsonl': { jsonl: 2 } }, (root) => {
    // Entries that are not files (dangling links): a folder under the file cap whose listing reads a quarter of the
    // entry cap and a little more.
    const n = Math.floor(MAX_FOLDER_ENTRIES / 4) + 100;
    for (let i = 0; i < n; i++) fs.symlinkSync(path.join(root, 'nowhere', String(i)), path.join(root, 'ds', `gone-${i}`));
    const list = jobFolderLister(root);
    for (let i = 0; i < 3; i++) assert.equal((list('ds') as { ok: boolean }).ok, true, `listing ${i + 1}`);
    assert.deepEqual(list('ds'), { ok: false, message: `the job's dataset folders together hold more than ${MAX_FOLDER_ENTRIES} entries` });
    assert.equal((jobFolderLister(root)('ds') as { ok: boolean }).ok, true);
  });
});
