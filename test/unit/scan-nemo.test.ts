/**
 * NeMo experiment configs (src/core/scan/detectors/nemo-config.ts; README: What the scanner reads, NeMo): `trainer:`
 * as Lightning reads it, `model.optim` (NeMo's optimizer names, lr, weight decay, betas, the scheduler's warmup),
 * the micro-batch, sequence length and pretrained model. Hand-made configs in the shape of NeMo's examples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pasteChanges, pasteFormatOf } from '../../src/core/fixes/paste';
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

// NVIDIA/NeMo examples/nlp/language_modeling/conf/megatron_gpt_config.yaml, the keys that bear on memory.
const MEGATRON_GPT = [
  'name: megatron_gpt', // 1
  'trainer:', // 2
  '  devices: 2', // 3
  '  num_nodes: 1', // 4
  '  precision: 16', // 5
  '  accumulate_grad_batches: 1 # do not modify, grad acc is automatic for training megatron models', // 6
  'model:', // 7
  '  micro_batch_size: 4', // 8
  '  global_batch_size: 16', // 9
  '  tensor_model_parallel_size: 1', // 10
  '  pipeline_model_parallel_size: 1', // 11
  '  encoder_seq_length: 512', // 12
  '  max_position_embeddings: ${.encoder_seq_length}', // 13
  '  num_layers: 12', // 14
  '  hidden_size: 768', // 15
  '  ffn_hidden_size: 3072', // 16
  '  num_attention_heads: 12', // 17
  '  make_vocab_size_divisible_by: 128', // 18
  '  tokenizer:', // 19
  "    library: 'megatron'", // 20
  "    type: 'GPT2BPETokenizer'", // 21
  '  optim:', // 22
  '    name: fused_adam', // 23
  '    lr: 2e-4', // 24
  '',
].join('\n');

test('a NeMo Megatron model: accumulation from the global batch over data-parallel GPUs, micro-batch, sequence length, the GPT built as GPT-2', () => {
  const result = scanFiles([{ path: 'megatron_gpt_config.yaml', text: MEGATRON_GPT }]);
  assert.equal(result.findings[0].error, undefined);
  const job = result.jobs[0];
  // 16 / (4 x 2 data-parallel GPUs): trainer.accumulate_grad_batches is not what Megatron models use
  assert.equal(job.settings.gradAccum, 2);
  assert.deepEqual(job.sources['gradAccum'], { path: 'megatron_gpt_config.yaml', range: { line: 9, column: 22, endLine: 9, endColumn: 24 } });
  assert.equal(job.settings.perDeviceBatchSize, 4);
  assert.equal(job.settings.seqLen, 512);
  assert.ok((job.assumptions ?? []).some((a) => a.includes('trainer.accumulate_grad_batches 1 is not used')), JSON.stringify(job.assumptions));
  assert.equal(job.model?.kind, 'script-config');
  const config = job.model?.kind === 'script-config' ? job.model.config : {};
  // GPT2BPETokenizer's 50,257 tokens padded to a multiple of 128; 512 learned positions (${.encoder_seq_length})
  assert.deepEqual([config['model_type'], config['vocab_size'], config['n_positions'], config['n_inner'], config['tie_word_embeddings']], ['gpt2', 50304, 512, 3072, true]);
});

test('a NeMo Megatron GPT in another layout, or with its tensor parallel over the GPUs, is said, never miscounted', () => {
  const rope = MEGATRON_GPT.replace('  num_layers: 12', '  position_embedding_type: rope\n  num_layers: 12');
  const r = scanFiles([{ path: 'c.yaml', text: rope }]);
  assert.equal(r.jobs[0].model, null);
  assert.ok(r.warnings.some((w) => w.message.includes('position_embedding_type "rope"')), JSON.stringify(r.warnings));
  // 2 GPUs in tensor parallel: one data-parallel rank, so 16 / 4 = 4 micro-batches; the split is a note
  const tp = scanFiles([{ path: 'd.yaml', text: MEGATRON_GPT.replace('tensor_model_parallel_size: 1', 'tensor_model_parallel_size: 2') }]).jobs[0];
  assert.equal(tp.settings.gradAccum, 4);
  assert.ok((tp.notModelled ?? []).some((n) => n.includes('tensor_model_parallel_size 2')));
  // a global batch the micro-batches cannot reach is the finding's error at its position
  const bad = scanFiles([{ path: 'e.yaml', text: MEGATRON_GPT.replace('global_batch_size: 16', 'global_batch_size: 12') }]);
  assert.deepEqual([bad.findings[0].error?.line, bad.findings[0].error?.column], [9, 22]);
});

test('the change to paste for a NeMo config is its model.optim block, by NeMo optimizer name; an optimizer NeMo has no name for is left out', () => {
  const job = scanFiles([{ path: 'megatron_gpt_config.yaml', text: MEGATRON_GPT }]).jobs[0];
  assert.equal(pasteFormatOf(job), 'nemo');
  const hp = { lr: 3e-4, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.1, warmup: null, schedule: { kind: 'cosine', detail: 'cosine decay' }, extra: {} } as const;
  const adamw = pasteChanges('adamw', hp, 'nemo')[0];
  assert.equal(adamw.format, 'nemo');
  // AVAILABLE_OPTIMIZERS['adamw'] is torch.optim.AdamW; its arguments sit beside the name
  assert.match('code' in adamw ? adamw.code : '', /^model:\n {2}optim:\n {4}name: adamw\n {4}lr: 3\.0e-4\n/);
  assert.match('code' in adamw ? adamw.code : '', /weight_decay: 0\.1/);
  const lion = pasteChanges('lion', { ...hp, lr: 1e-4 }, 'nemo');
  assert.ok(!lion.some((c) => c.format === 'nemo'));
});
