/**
 * The run's length (src/core/run-length.ts) from what the job's files state, and the warmup bound it feeds
 * (src/core/advisor/hyperparameters.ts boundWarmup): epochs × the steps of an epoch, counted by hand here as the HF
 * Trainer counts them (⌈examples ÷ (micro-batch × GPUs)⌉ batches, ÷ accumulation rounded down, × epochs rounded up).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveHyperparameters } from '../../src/core/advisor/hyperparameters';
import type { JobFacts } from '../../src/core/advisor/types';
import { runLength } from '../../src/core/run-length';
import { scanFiles } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';

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
  // ⌈55000 / 256⌉ = 215 batches; ⌊215 / 4⌋ = 53 steps per epoch; 10 epochs = 530 steps.
  assert.equal(run.totalSteps, 530);
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
    ...over,
  };
}

test('the warmup bound uses the counted length and names where it came from; an unknown length says what is missing', () => {
  const run = runLength(jobOf(HYDRA));
  // GPT-3's 375M warmup tokens at 32 x 512 tokens per step are 22,889 steps; 1/5 of 530 steps is 106.
  const bounded = deriveHyperparameters({ optimizer: 'adamw', facts: facts({ totalSteps: run.totalSteps, totalStepsBasis: run.basis }), catalog: { defaults: {} } });
  assert.deepEqual(bounded.advice.warmup, { unit: 'steps', value: 106 });
  const cut = bounded.basis.find((r) => r.rule === 'hp:warmup-bound');
  assert.ok(cut, 'the cut has a reason');
  assert.ok(cut.text.includes('22889 to 106') && cut.text.includes('configs/data/mnist.yaml:3') && cut.text.includes('configs/trainer/default.yaml:3'), cut.text);

  const hf = runLength(jobOf([{ path: 'training_args.json', text: '{"output_dir": "o", "num_train_epochs": 3, "per_device_train_batch_size": 8}' }]));
  const unknown = deriveHyperparameters({ optimizer: 'adamw', facts: facts({ totalSteps: hf.totalSteps, totalStepsBasis: hf.basis }), catalog: { defaults: {} } });
  assert.equal(unknown.advice.warmup?.value, 22889);
  const unchecked = unknown.basis.find((r) => r.rule === 'hp:warmup-unchecked');
  assert.ok(unchecked);
  assert.match(unchecked.text, /total steps are unknown \(no max_steps, and 3 epochs \(training_args\.json:1\) are stated but not the training examples per epoch\)/);
});
