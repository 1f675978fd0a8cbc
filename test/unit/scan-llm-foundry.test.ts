/**
 * llm-foundry train YAML (scripts/train/yamls/*): the Hugging Face model it names, `${variables.x}` references,
 * Composer's precision and time strings, FSDP, the registry optimizer, and the change to paste its jobs get. Expected
 * values follow llm-foundry's and Composer's own rules (llmfoundry/utils/config_utils.py, composer/core/time.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pasteFormatOf } from '../../src/core/fixes/paste';
import { resolveOptimizer } from '../../src/core/optimizers';
import { scanFiles } from '../../src/core/scan';
import { composerTime } from '../../src/core/scan/detectors/llm-foundry-config';
import { on } from './scan-formats-helpers';

// llm-foundry scripts/train/yamls/pretrain/gpt2-small.yaml, the keys that bear on memory and the optimizer.
const GPT2_SMALL = [
  'variables:', // 1
  '  global_seed: 17', // 2
  '  max_seq_len: 2048', // 3
  'max_seq_len: ${variables.max_seq_len}', // 4
  'model:', // 5
  '  name: hf_causal_lm', // 6
  '  pretrained_model_name_or_path: gpt2', // 7
  '  config_overrides:', // 8
  '    n_positions: ${variables.max_seq_len}', // 9
  '  pretrained: false', // 10
  'scheduler:', // 11
  '  name: cosine_with_warmup', // 12
  '  t_warmup: 100ba', // 13
  'optimizer:', // 14
  '  name: decoupled_adamw', // 15
  '  lr: 6.0e-4', // 16
  '  betas:', // 17
  '  - 0.9', // 18
  '  - 0.95', // 19
  '  eps: 1.0e-08', // 20
  '  weight_decay: 0.0', // 21
  'max_duration: 33696ba', // 22
  'global_train_batch_size: 256', // 23
  'seed: ${variables.global_seed}', // 24
  'device_train_microbatch_size: 4', // 25
  'precision: amp_bf16', // 26
  'fsdp_config:', // 27
  '  sharding_strategy: FULL_SHARD', // 28
  '  mixed_precision: PURE', // 29
  '  activation_checkpointing: false', // 30
  '',
].join('\n');

test('an llm-foundry config forms a job: the Hub model, the referenced sequence length, micro-batch, precision, FSDP, optimizer, warmup', () => {
  const result = scanFiles([{ path: 'gpt2-small.yaml', text: GPT2_SMALL }]);
  assert.deepEqual(result.findings.map((f) => [f.path, f.kind, f.error]), [['gpt2-small.yaml', 'llm-foundry-config', undefined]]);
  const job = result.jobs[0];
  assert.deepEqual(job.model, { kind: 'hub-id', id: 'gpt2', path: 'gpt2-small.yaml', range: on(7, 34, 38) });
  assert.deepEqual(job.settings, {
    // pretrained: false builds the architecture with fresh weights
    pretraining: true,
    seqLen: 2048,
    perDeviceBatchSize: 4,
    precision: 'bf16-mixed',
    zeroStage: 3,
    fsdp: 'composer',
    gradientCheckpointing: false,
    optimizer: 'decoupled_adamw',
    learningRate: 6e-4,
    weightDecay: 0,
    optimizerParams: { betas: [0.9, 0.95], eps: 1e-8 },
    scheduler: 'cosine_with_warmup',
    // 100ba: 100 batches, i.e. optimizer steps
    warmupSteps: 100,
    maxSteps: 33696,
  });
  // ${variables.max_seq_len} takes the value, and the position, of the key it names (line 3)
  assert.deepEqual(job.sources['seqLen'], { path: 'gpt2-small.yaml', range: on(3, 16, 20) });
  // Composer's decoupled_adamw is AdamW's state layout
  assert.equal(resolveOptimizer(job.settings.optimizer as string, job.settings.optimizerParams, job.optimizerEcosystem)?.id, 'adamw');
  // the global batch over an unstated number of GPUs: the accumulation is left open, with the reason
  assert.equal(job.settings.gradAccum, undefined);
  assert.ok((job.assumptions ?? []).some((a) => a.includes('global_train_batch_size 256')), JSON.stringify(job.assumptions));
  assert.ok((job.notModelled ?? []).some((n) => n.includes('config_overrides (n_positions)')), JSON.stringify(job.notModelled));
  // no format writes llm-foundry's registry names: the change to paste is the Python one, not torchtune's keys
  assert.equal(pasteFormatOf(job), 'pytorch');
});

test('Composer time strings: batches, a share of the run, epochs; tokens and samples are not steps', () => {
  assert.deepEqual(composerTime('100ba'), { unit: 'ba', value: 100 });
  assert.deepEqual(composerTime('0.06dur'), { unit: 'dur', value: 0.06 });
  assert.deepEqual(composerTime('1ep'), { unit: 'ep', value: 1 });
  assert.deepEqual(composerTime('1000000tok'), { unit: 'tok', value: 1000000 });
  assert.equal(composerTime('100'), null);
  assert.equal(composerTime('ba'), null);
  const job = scanFiles([{ path: 'x.yaml', text: 'model:\n  name: hf_causal_lm\n  pretrained_model_name_or_path: gpt2\nscheduler:\n  t_warmup: 0.06dur\ndevice_train_microbatch_size: auto\n' }]).jobs[0];
  assert.equal(job.settings.warmupRatio, 0.06);
  // 'auto': Composer searches a micro-batch that fits; not stated, so not read; unwritten precision is amp_bf16
  assert.equal(job.settings.perDeviceBatchSize, undefined);
  assert.ok((job.assumptions ?? []).some((a) => a.includes("'auto'")));
  assert.equal(job.settings.precision, 'bf16-mixed');
  assert.equal(job.sources['precision'], undefined);
  assert.match(job.defaults.find((d) => d.setting === 'precision')?.source.title ?? '', /llm-foundry TrainConfig/);
});

test('llm-foundry: a bad precision is the error at its position; an MPT model built from its arguments is a warning, not a model', () => {
  const bad = scanFiles([{ path: 'x.yaml', text: 'model:\n  name: hf_causal_lm\n  pretrained_model_name_or_path: gpt2\ndevice_train_microbatch_size: 4\nprecision: amp_bf17\n' }]);
  assert.equal(bad.findings[0].kind, 'llm-foundry-config');
  assert.deepEqual([bad.findings[0].error?.line, bad.findings[0].error?.column], [5, 12]);
  assert.match(bad.findings[0].error?.message ?? '', /'precision' must be one of fp32, amp_fp16, amp_bf16, amp_fp8/);
  const mpt = scanFiles([{ path: 'mpt.yaml', text: 'model:\n  name: mpt_causal_lm\n  d_model: 768\n  n_layers: 12\ndevice_train_microbatch_size: 8\nmax_seq_len: ${variables.missing}\n' }]);
  const job = mpt.jobs[0];
  assert.equal(job.model, null);
  assert.ok(mpt.warnings.some((w) => w.message.includes("llm-foundry model 'mpt_causal_lm'")), JSON.stringify(mpt.warnings));
  // a reference to nothing in the file is said, with its place and the key it lacks, not read
  assert.equal(job.settings.seqLen, undefined);
  assert.ok((job.assumptions ?? []).includes("mpt.yaml:6:14: 'max_seq_len' is '${variables.missing}', but the config has no key 'variables.missing' (OmegaConf fails on it unless an override sets it); it is not read"), JSON.stringify(job.assumptions));
});

test('a litgpt job gets its optimizer change in LightningCLI keys (class_path / init_args), as litgpt reads them', () => {
  const job = scanFiles([{ path: 'lora.yaml', text: 'checkpoint_dir: checkpoints/a/b\ntrain:\n  micro_batch_size: 1\noptimizer:\n  class_path: torch.optim.AdamW\n  init_args:\n    lr: 0.0002\n' }]).jobs[0];
  assert.equal(pasteFormatOf(job), 'lightning-cli');
});
