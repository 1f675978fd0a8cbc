/**
 * NeMo experiment configs (src/core/scan/detectors/nemo-config.ts; README: What the scanner reads, NeMo): `trainer:`
 * as Lightning reads it, `model.optim` (NeMo's optimizer names, lr, weight decay, betas, the scheduler's warmup),
 * the micro-batch, sequence length and pretrained model. Hand-made configs in the shape of NeMo's examples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';

const CONFIG = `trainer:
  devices: 4
  num_nodes: 2
  accumulate_grad_batches: 2
  precision: bf16
model:
  language_model:
    pretrained_model_name: bert-base-uncased
  dataset:
    max_seq_length: 128
  train_ds:
    batch_size: 32
  optim:
    name: fused_adam
    lr: 1e-4
    betas: [0.9, 0.98]
    weight_decay: 0.01
    sched:
      name: CosineAnnealing
      warmup_steps: 500
      warmup_ratio: null
`;

test("a NeMo config: trainer, model.optim with NeMo's optimizer name and its arguments, the scheduler's warmup, batch, length, model", () => {
  const report = scanFiles([{ path: 'conf/config.yaml', text: CONFIG }]);
  assert.deepEqual(report.findings.map((f) => f.kind), ['nemo-config']);
  const [job] = report.jobs;
  assert.equal(job?.model?.kind === 'hub-id' && job.model.id, 'bert-base-uncased');
  const s = job!.settings;
  // fused_adam is apex's FusedAdam (AdamW's update by default)
  assert.equal(s.optimizer, 'apex.optimizers.FusedAdam');
  assert.equal(s.learningRate, 1e-4);
  assert.equal(s.weightDecay, 0.01);
  assert.deepEqual(s.optimizerParams, { betas: [0.9, 0.98] });
  assert.equal(s.scheduler, 'CosineAnnealing');
  assert.equal(s.warmupSteps, 500);
  assert.equal(s.warmupRatio, undefined);
  assert.equal(s.perDeviceBatchSize, 32);
  assert.equal(s.seqLen, 128);
  assert.equal(s.gpus, 8, 'every GPU of the run: 4 devices on each of 2 nodes, as Lightning counts them');
  assert.equal(s.nodes, 2);
  assert.equal(s.gradAccum, 2);
  assert.equal(s.precision, 'bf16-mixed');
  assert.deepEqual(job!.sources['learningRate']?.range.line, 15);
});

test('an optimizer name NeMo does not have is a warning at its position, and the rest is read', () => {
  const report = scanFiles([{ path: 'config.yaml', text: CONFIG.replace('name: fused_adam', 'name: my_adam') }]);
  assert.ok(report.warnings.some((w) => w.path === 'config.yaml' && w.line === 14 && w.message.includes("'my_adam' is not one of NeMo's optimizers")), JSON.stringify(report.warnings));
  assert.equal(report.jobs[0]?.settings.optimizer, undefined);
  assert.equal(report.jobs[0]?.settings.learningRate, 1e-4);
});

test("both warmup_steps and warmup_ratio: NeMo's schedulers refuse it, so a warning and no warmup", () => {
  const report = scanFiles([{ path: 'config.yaml', text: CONFIG.replace('warmup_ratio: null', 'warmup_ratio: 0.1') }]);
  assert.ok(report.warnings.some((w) => w.line === 21 && w.message.includes('both warmup_steps and warmup_ratio')), JSON.stringify(report.warnings));
  assert.equal(report.jobs[0]?.settings.warmupSteps, undefined);
  assert.equal(report.jobs[0]?.settings.warmupRatio, undefined);
});

test('a Lightning or Hydra config without model.optim is not a NeMo config', () => {
  const report = scanFiles([{ path: 'config.yaml', text: 'trainer:\n  devices: 1\nmodel:\n  lr: 0.1\n' }]);
  assert.ok(!report.findings.some((f) => f.kind === 'nemo-config'));
});
