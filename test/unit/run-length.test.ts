/**
 * The run's length (src/core/run-length.ts) from what the job's files state, and the warmup bound it feeds
 * (src/core/advisor/hyperparameters.ts boundWarmup): epochs × the steps of an epoch, counted by hand here as the HF
 * Trainer and Lightning count them (⌈examples ÷ (micro-batch × GPUs)⌉ batches, ÷ accumulation rounded up: the last
 * incomplete accumulation is a step too; × epochs rounded up).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveHyperparameters } from '../../src/core/advisor/hyperparameters';
import type { JobFacts } from '../../src/core/advisor/types';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countedTrainSamples, runLength, type CountRecords } from '../../src/core/run-length';
import { countDatasetRecordsSync, jobRecordCounter } from '../../src/platform/dataset-records';
import { scanFiles } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';
import { withWorkspace } from '../support/temp-workspace';

/** lightning-hydra-template's MNIST configs (ashleve/lightning-hydra-template configs/, trimmed to the keys read). */
const HYDRA: ScanFile[] = [
  { path: 'configs/train.yaml', text: 'defaults:\n  - _self_\n  - data: mnist\n  - model: mnist\n  - trainer: default\n' },
  { path: 'configs/data/mnist.yaml', text: '_target_: src.data.mnist_datamodule.MNISTDataModule\nbatch_size: 128\ntrain_val_test_split: [55_000, 5_000, 10_000]\n' },
  { path: 'configs/model/mnist.yaml', text: '_target_: src.models.mnist_module.MNISTLitModule\noptimizer:\n  _target_: torch.optim.Adam\n  _partial_: true\n  lr: 0.001\n' },
  { path: 'configs/trainer/default.yaml', text: '_target_: lightning.pytorch.trainer.Trainer\nmin_epochs: 1\nmax_epochs: 10\naccelerator: gpu\ndevices: 2\naccumulate_grad_batches: 4\n' },
];

const jobOf = (files: ScanFile[]) => {
  const job = scanFiles(files).jobs[0];
  assert.ok(job);
  return job;
};

test('epochs x training examples: 10 epochs of 55,000 examples at 128 x 2 GPUs, accumulation 4', () => {
  const job = jobOf(HYDRA);
  assert.equal(job.settings.epochs, 10);
  assert.equal(job.settings.trainSamples, 55000); // YAML 1.1's 55_000, as OmegaConf reads it
  const run = runLength(job);
  // ⌈55000 / 256⌉ = 215 batches; ⌈215 / 4⌉ = 54 steps per epoch (the last of 3 batches); 10 epochs = 540 steps, as
  // Lightning's estimated_stepping_batches counts them (⌈total_batches / accumulate_grad_batches⌉ × max_epochs).
  assert.equal(run.totalSteps, 540);
  assert.match(run.basis, /× 54 steps per epoch = 540 steps: .* are 215 batches, ÷ 4 accumulation \(configs\/trainer\/default\.yaml:6\), rounded up/);
  for (const where of ['configs/trainer/default.yaml:3', 'configs/data/mnist.yaml:3', 'configs/data/mnist.yaml:2', 'configs/trainer/default.yaml:5', 'configs/trainer/default.yaml:6']) {
    assert.ok(run.basis.includes(where), `${where} in: ${run.basis}`);
  }
  // Values given by hand change the steps of an epoch and say so: micro-batch 64 on 1 GPU, no accumulation.
  const given = runLength(job, { batchSize: { value: 64, from: '--batch-size' }, gpus: { value: 1, from: '--gpus' }, gradAccum: { value: 1, from: '--grad-accum' } });
  assert.equal(given.totalSteps, 10 * Math.ceil(55000 / 64)); // 8,600
  assert.match(given.basis, /64 \(--batch-size\).*1 GPU \(--gpus\).*1 accumulation \(--grad-accum\)/);
});

test('max_steps wins; fractional epochs round up as the Trainer rounds them; an unstated part is named', () => {
  const withSteps = jobOf(HYDRA.map((f) => (f.path === 'configs/trainer/default.yaml' ? { ...f, text: `${f.text}max_steps: 300\n` } : f)));
  assert.deepEqual(runLength(withSteps), { totalSteps: 300, basis: "the job's 300 total steps (configs/trainer/default.yaml:7)" });

  // HF TrainingArguments: 2.5 epochs, micro-batch 8, no dataset size in any file.
  const hf = jobOf([{ path: 'training_args.json', text: '{\n  "output_dir": "o",\n  "num_train_epochs": 2.5,\n  "per_device_train_batch_size": 8\n}\n' }]);
  assert.equal(hf.settings.epochs, 2.5);
  assert.deepEqual(runLength(hf), { totalSteps: null, basis: 'no max_steps, and 2.5 epochs (training_args.json:3) are stated but not the training examples per epoch' });
  // With a stated size (as the Hydra data config states it): ⌈1000 / 8⌉ = 125 batches per epoch, ⌈2.5 × 125⌉ = 313 steps.
  const sized = { ...hf, settings: { ...hf.settings, trainSamples: 1000 }, sources: { ...hf.sources, trainSamples: { path: 'data.yaml', range: { line: 2, column: 1, endLine: 2, endColumn: 5 } } } };
  assert.equal(runLength(sized).totalSteps, 313);
  assert.match(runLength(sized).basis, /1 GPU \(assumed: nothing launches several\)/);

  // No epochs anywhere.
  const none = jobOf([{ path: 'training_args.json', text: '{"output_dir": "o", "max_steps": -1, "per_device_train_batch_size": 8}' }]);
  assert.equal(runLength(none).totalSteps, null);
  assert.match(runLength(none).basis, /neither epochs nor the training examples per epoch are stated/);
});

function facts(over: Partial<JobFacts>): JobFacts {
  return {
    family: 'transformer', stacks: 'decoder', params: 124e6, trainableParams: 124e6, fineTune: false,
    lora: false, qlora: false, globalBatch: 32, microBatch: 32, seqLen: 512, gpus: 1, precision: 'bf16-mixed',
    priority: 'quality', gradientCheckpointing: false, zeroStage: 0, memoryKnown: true, memoryBound: false,
    task: 'unspecified', detection: null, architecture: 'generic',
    ...over,
  };
}

test('the warmup bound uses the counted length and names where it came from; an unknown length says what is missing', () => {
  const run = runLength(jobOf(HYDRA));
  // GPT-3's 375M warmup tokens at 32 x 512 tokens per step are 22,889 steps; 1/5 of 540 steps is 108.
  const bounded = deriveHyperparameters({ optimizer: 'adamw', facts: facts({ totalSteps: run.totalSteps, totalStepsBasis: run.basis }), catalog: { defaults: {} } });
  assert.deepEqual(bounded.advice.warmup, { unit: 'steps', value: 108 });
  const cut = bounded.basis.find((r) => r.rule === 'hp:warmup-bound');
  assert.ok(cut, 'the cut has a reason');
  assert.ok(cut.text.includes('22889 to 108') && cut.text.includes('configs/data/mnist.yaml:3') && cut.text.includes('configs/trainer/default.yaml:3'), cut.text);

  const hf = runLength(jobOf([{ path: 'training_args.json', text: '{"output_dir": "o", "num_train_epochs": 3, "per_device_train_batch_size": 8}' }]));
  const unknown = deriveHyperparameters({ optimizer: 'adamw', facts: facts({ totalSteps: hf.totalSteps, totalStepsBasis: hf.basis }), catalog: { defaults: {} } });
  assert.equal(unknown.advice.warmup?.value, 22889);
  const unchecked = unknown.basis.find((r) => r.rule === 'hp:warmup-unchecked');
  assert.ok(unchecked);
  assert.match(unchecked.text, /total steps are unknown \(no max_steps, and 3 epochs \(training_args\.json:1\) are stated but not the training examples per epoch\)/);
});


const countIn = (root: string): CountRecords => (rel, format) => countDatasetRecordsSync(path.join(root, rel), format);
const rows = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ instruction: `q${i}`, output: `a${i}` })).join('\n') + '\n';

/** axolotl's local-dataset form (axolotl docs/dataset-formats: `datasets: - path: <file> / type: alpaca`). */
const AXOLOTL = 'base_model: gpt2\ndatasets:\n  - path: ./data/train.jsonl\n    type: alpaca\nnum_epochs: 2\nmicro_batch_size: 4\ngradient_accumulation_steps: 2\noptimizer: adamw_torch\nlearning_rate: 0.0002\n';

test('epochs x the records of the job\'s local dataset file: axolotl datasets path, counted from disk', () => {
  withWorkspace({ 'cfg/axolotl.yml': AXOLOTL, 'cfg/data/train.jsonl': rows(100) }, (root) => {
    const job = jobOf([{ path: 'cfg/axolotl.yml', text: AXOLOTL }]);
    assert.deepEqual(job.settings.trainDataFiles, ['./data/train.jsonl']);
    const counted = countedTrainSamples(job, countIn(root));
    assert.deepEqual(counted, { value: 100, from: '100 records in cfg/data/train.jsonl (named at cfg/axolotl.yml:3)' });
    const run = runLength(job, {}, counted);
    // ⌈100 / 4⌉ = 25 batches; ⌈25 / 2⌉ = 13 steps per epoch; 2 epochs = 26 steps.
    assert.equal(run.totalSteps, 26);
    assert.match(run.basis, /100 training examples \(100 records in cfg\/data\/train\.jsonl \(named at cfg\/axolotl\.yml:3\)\)/);
  });
  // Packing: the records do not give the steps; the total stays unknown and says why.
  const packed = AXOLOTL.replace('num_epochs: 2\n', 'num_epochs: 2\nsample_packing: true\n');
  withWorkspace({ 'cfg/axolotl.yml': packed, 'cfg/data/train.jsonl': rows(100) }, (root) => {
    const job = jobOf([{ path: 'cfg/axolotl.yml', text: packed }]);
    const counted = countedTrainSamples(job, countIn(root));
    assert.equal(counted?.value, null);
    const run = runLength(job, {}, counted);
    assert.equal(run.totalSteps, null);
    assert.match(run.basis, /2 epochs \(cfg\/axolotl\.yml:5\) are stated but not the training examples per epoch \(the examples are packed into full sequences \(cfg\/axolotl\.yml:6\)/);
  });
  // A Hub dataset among the entries (no such file or folder in the workspace): no local total, said so.
  const mixed = AXOLOTL.replace('    type: alpaca\n', '    type: alpaca\n  - path: mhenrichsen/alpaca_2k_test\n    type: alpaca\n');
  withWorkspace({ 'cfg/axolotl.yml': mixed, 'cfg/data/train.jsonl': rows(100) }, (root) => {
    const job = jobOf([{ path: 'cfg/axolotl.yml', text: mixed }]);
    assert.deepEqual(job.settings.trainDataFiles, ['./data/train.jsonl', 'mhenrichsen/alpaca_2k_test']);
    assert.deepEqual(countedTrainSamples(job, countIn(root), () => null), {
      value: null,
      why: 'mhenrichsen/alpaca_2k_test (cfg/axolotl.yml:3) is neither a file nor a folder in the workspace (a dataset of the Hub is not counted)',
      problems: [],
    });
  });
});

test('axolotl val_set_size holds examples out of training as train_test_split does: a share rounded up, or a number', () => {
  // axolotl utils/data/sft.py _handle_train_dataset_split: int(val_set_size) when above 1, else float(val_set_size),
  // through Dataset.train_test_split (⌈share × n⌉ held out); 1 (1.0) is refused.
  withWorkspace({ 'cfg/data/train.jsonl': rows(100) }, (root) => {
    const counted = (extra: string) => {
      const text = `${AXOLOTL}${extra}`;
      return countedTrainSamples(jobOf([{ path: 'cfg/axolotl.yml', text }]), countIn(root));
    };
    assert.deepEqual(counted('val_set_size: 0.05\n'), { value: 95, from: '100 records in cfg/data/train.jsonl (named at cfg/axolotl.yml:3), less 5 held out for evaluation by val_set_size: 0.05 (cfg/axolotl.yml:10)' });
    assert.equal(counted('val_set_size: 0.033\n')?.value, 96); // ⌈3.3⌉ = 4 held out
    assert.equal(counted('val_set_size: 30\n')?.value, 70);
    assert.equal(counted('val_set_size: 0\n')?.value, 100);
    assert.match((counted('val_set_size: 1\n') as { why: string }).why, /^val_set_size: 1 \(cfg\/axolotl\.yml:10\) holds out all 100 examples of .*: the split fails$/);
    assert.match((counted('val_set_size: 100\n') as { why: string }).why, /holds out all 100 examples/);
  });
});

test('a dataset with no records gives no run length: the Trainer cannot train on it', () => {
  withWorkspace({ 'cfg/data/train.jsonl': '\n' }, (root) => {
    const job = jobOf([{ path: 'cfg/axolotl.yml', text: AXOLOTL }]);
    const counted = countedTrainSamples(job, countIn(root));
    assert.deepEqual(counted, { value: 0, from: '0 records in cfg/data/train.jsonl (named at cfg/axolotl.yml:3)' });
    const run = runLength(job, {}, counted);
    assert.equal(run.totalSteps, null);
    assert.equal(run.basis, 'no max_steps, and 2 epochs (cfg/axolotl.yml:5) of 0 training examples (0 records in cfg/data/train.jsonl (named at cfg/axolotl.yml:3)): an empty dataset does not train');
  });
});

test('axolotl trains on one shard of an entry (`shards`) or of the whole set (`dataset_shard_num`): the path\'s records are not its examples', () => {
  // axolotl utils/data/sft.py: an entry's `shards: N` keeps dataset.shard(N, shards_idx) (1/N of it); `dataset_shard_num`
  // with `dataset_shard_idx` shards the merged set the same way.
  const sharded = AXOLOTL.replace('    type: alpaca\n', '    type: alpaca\n    shards: 4\n');
  assert.equal(jobOf([{ path: 'cfg/axolotl.yml', text: sharded }]).settings.trainDataFiles, undefined);
  const global = `${AXOLOTL}dataset_shard_num: 2\ndataset_shard_idx: 0\n`;
  assert.equal(jobOf([{ path: 'cfg/axolotl.yml', text: global }]).settings.trainDataFiles, undefined);
  // preprocess_shards only splits the preprocessing: every shard is trained on.
  const pre = AXOLOTL.replace('    type: alpaca\n', '    type: alpaca\n    preprocess_shards: 4\n');
  assert.deepEqual(jobOf([{ path: 'cfg/axolotl.yml', text: pre }]).settings.trainDataFiles, ['./data/train.jsonl']);
});

test('one job\'s dataset files are read up to the cap together, not each: a config naming one file many times stops at it', () => {
  const text = AXOLOTL.replace('  - path: ./data/train.jsonl\n    type: alpaca\n', '  - path: ./data/train.jsonl\n    type: alpaca\n'.repeat(4));
  withWorkspace({ 'cfg/data/train.jsonl': rows(100) }, (root) => {
    const job = jobOf([{ path: 'cfg/axolotl.yml', text }]);
    assert.equal(job.settings.trainDataFiles?.length, 4);
    const size = fs.statSync(path.join(root, 'cfg/data/train.jsonl')).size;
    // Each read fits a cap of 2.5 files; the third does not fit what the first two left.
    const cap = Math.floor(size * 2.5);
    const counted = countedTrainSamples(job, jobRecordCounter(root, cap));
    assert.deepEqual(counted, {
      value: null,
      why: `cfg/data/train.jsonl:1:1 is not counted: the job's dataset files together take over the ${cap} bytes read to count records`,
      problems: [{ path: 'cfg/data/train.jsonl', line: 1, column: 1, message: `the job's dataset files together take over the ${cap} bytes read to count records` }],
    });
    // Within the cap the four entries add up; a new reader (another job) starts afresh.
    assert.equal(countedTrainSamples(job, jobRecordCounter(root, size * 4))?.value, 400);
    const again = jobRecordCounter(root, cap);
    assert.deepEqual(again('cfg/data/train.jsonl', 'jsonl'), { ok: true, records: 100 });
  });
});

test('run_clm-style train_file with max_train_samples: the cap is the count; a CSV has a header', () => {
  const args = (extra: string) => `{\n  "output_dir": "o",\n  "train_file": "data/train.csv",\n  "num_train_epochs": 3,\n  "per_device_train_batch_size": 8${extra}\n}\n`;
  const csv = `text,label\n${Array.from({ length: 50 }, (_, i) => `"row ${i}, with a comma",${i % 2}`).join('\n')}\n`;
  withWorkspace({ 'data/train.csv': csv }, (root) => {
    const plain = jobOf([{ path: 'training_args.json', text: args('') }]);
    assert.deepEqual(countedTrainSamples(plain, countIn(root)), { value: 50, from: '50 records in data/train.csv (named at training_args.json:3)' });
    // ⌈50 / 8⌉ = 7 steps per epoch, 3 epochs.
    assert.equal(runLength(plain, {}, countedTrainSamples(plain, countIn(root))).totalSteps, 21);
    const capped = jobOf([{ path: 'training_args.json', text: args(',\n  "max_train_samples": 20') }]);
    const counted = countedTrainSamples(capped, countIn(root));
    assert.deepEqual(counted, { value: 20, from: 'training_args.json:6: max 20 of the 50 records in data/train.csv (named at training_args.json:3)' });
    assert.equal(runLength(capped, {}, counted).totalSteps, 3 * Math.ceil(20 / 8));
    // A cap above the count leaves the count.
    const loose = jobOf([{ path: 'training_args.json', text: args(',\n  "max_train_samples": 500') }]);
    assert.equal(countedTrainSamples(loose, countIn(root))?.value, 50);
  });
});

test('a malformed or huge dataset file is a problem with its file and position; the total stays unknown', () => {
  const text = '{\n  "output_dir": "o",\n  "train_file": "train.jsonl",\n  "num_train_epochs": 1,\n  "per_device_train_batch_size": 8\n}\n';
  withWorkspace({ 'train.jsonl': '{"text": "a"}\n{"text": "b"\n' }, (root) => {
    const job = jobOf([{ path: 'training_args.json', text }]);
    const counted = countedTrainSamples(job, countIn(root));
    assert.ok(counted !== undefined && counted.value === null);
    assert.equal(counted.problems.length, 1);
    assert.deepEqual({ ...counted.problems[0]!, message: '' }, { path: 'train.jsonl', line: 2, column: 1, message: '' });
    const run = runLength(job, {}, counted);
    assert.equal(run.totalSteps, null);
    assert.match(run.basis, /\(train\.jsonl:2:1 is not counted: not JSON/);
  });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'run-length-'));
  try {
    const fd = fs.openSync(path.join(root, 'train.jsonl'), 'w');
    fs.ftruncateSync(fd, 257 * 2 ** 20); // sparse
    fs.closeSync(fd);
    const counted = countedTrainSamples(jobOf([{ path: 'training_args.json', text }]), countIn(root));
    assert.deepEqual(counted, { value: null, why: 'train.jsonl:1:1 is not counted: 257 MiB, over the 256 MiB read to count its records', problems: [{ path: 'train.jsonl', line: 1, column: 1, message: '257 MiB, over the 256 MiB read to count its records' }] });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  // A file that is not there, and one outside the workspace, are said so.
  assert.match((countedTrainSamples(jobOf([{ path: 'training_args.json', text }]), () => null) as { why: string }).why, /train\.jsonl \(training_args\.json:3\) is not in the workspace/);
  const outside = jobOf([{ path: 'training_args.json', text: text.replace('"train.jsonl"', '"/data/train.jsonl"') }]);
  assert.match((countedTrainSamples(outside, () => null) as { why: string }).why, /is outside the workspace and not read/);
  // A count a config states wins: no file is opened.
  const stated = { ...jobOf([{ path: 'training_args.json', text }]) };
  assert.equal(countedTrainSamples({ ...stated, settings: { ...stated.settings, trainSamples: 10 } }, () => assert.fail('opened')), undefined);
});

test('an absurd length (1e300 epochs, max_steps past 2^53) is no step count: unknown, said so, and no warmup_steps of 1e306 to paste', () => {
  const args = (extra: string) => jobOf([{ path: 'training_args.json', text: `{\n  "output_dir": "o",\n  "per_device_train_batch_size": 8${extra}\n}\n` }]);
  const epochs = args(',\n  "num_train_epochs": 1e300');
  const sized = { ...epochs, settings: { ...epochs.settings, trainSamples: 1e9 }, sources: { ...epochs.sources, trainSamples: { path: 'data.yaml', range: { line: 2, column: 1, endLine: 2, endColumn: 5 } } } };
  const run = runLength(sized);
  assert.equal(run.totalSteps, null);
  assert.match(run.basis, /^no max_steps; 1e\+300 epochs \(training_args\.json:4\) × 125,000,000 steps per epoch are more steps than a run takes \(over 2\^53\)/);
  const steps = runLength(args(',\n  "max_steps": 100000000000000000000000'));
  assert.equal(steps.totalSteps, null);
  assert.match(steps.basis, /^the job's max_steps 100,000,000,000,000,000,000,000 \(training_args\.json:4\) is more steps than a run takes \(over 2\^53\)/);
  for (const r of [run, steps]) {
    // A fine-tune's AdamW recipe has no warmup of its own: Schedule-Free's is a share of the run, in steps when known.
    const sf = deriveHyperparameters({ optimizer: 'schedule-free-adamw', facts: facts({ fineTune: true, totalSteps: r.totalSteps, totalStepsBasis: r.basis }), catalog: { defaults: {} } });
    assert.deepEqual(sf.advice.extra, {}, JSON.stringify(sf.advice));
    assert.equal(sf.advice.warmup?.unit, 'ratio');
  }
});
