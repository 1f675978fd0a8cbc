/** scanFiles over the fixture folders in test/fixtures/scan (each folder scanned as a workspace root). */
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { scanFiles } from '../../src/core/scan';
import { loadFolder } from './scan-formats-helpers';

test('a training args file joins the model folder it references', () => {
  const result = scanFiles(loadFolder('scan', 'linked'));
  assert.deepEqual(result.findings.map((f) => [f.path, f.kind, f.error]), [
    ['models/tiny-llama/config.json', 'hf-model-config', undefined],
    ['train/sft_args.json', 'hf-training-args', undefined],
  ]);
  const model = result.findings[0];
  assert.deepEqual(model.fields.map((f) => f.name), [
    'architectures.0', 'model_type', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads',
    'num_key_value_heads', 'vocab_size', 'max_position_embeddings', 'torch_dtype', 'tie_word_embeddings',
  ]);
  const field = (name: string) => model.fields.find((f) => f.name === name);
  // hand-counted in the fixture: line 3 `    "LlamaForCausalLM"`, line 5 `  "model_type": "llama",`, line 6 `  "hidden_size": 256,`
  assert.deepEqual(field('architectures.0'), { name: 'architectures.0', value: 'LlamaForCausalLM', range: { line: 3, column: 5, endLine: 3, endColumn: 23 } });
  assert.deepEqual(field('model_type'), { name: 'model_type', value: 'llama', range: { line: 5, column: 17, endLine: 5, endColumn: 24 } });
  assert.deepEqual(field('hidden_size'), { name: 'hidden_size', value: 256, range: { line: 6, column: 18, endLine: 6, endColumn: 21 } });
  assert.equal(field('tie_word_embeddings')?.value, false);

  assert.equal(result.jobs.length, 1);
  const job = result.jobs[0];
  assert.equal(job.id, 'train/sft_args.json');
  assert.equal(job.folder, 'train');
  assert.deepEqual(job.files, ['models/tiny-llama/config.json', 'train/sft_args.json']);
  assert.deepEqual(job.model, { kind: 'config-file', path: 'models/tiny-llama/config.json' });
  assert.deepEqual(job.settings, {
    optimizer: 'adamw_bnb_8bit',
    // adam_beta1 is not written: TrainingArguments' default 0.9 is paired with the written 0.95
    optimizerParams: { betas: [0.9, 0.95] },
    learningRate: 2e-5,
    weightDecay: 0.01,
    perDeviceBatchSize: 4,
    gradAccum: 8,
    gradientCheckpointing: true,
    precision: 'bf16-mixed',
    seqLen: 1024,
    maxSteps: 1000,
    warmupRatio: 0.03,
    scheduler: 'cosine',
    pretraining: false,
  });
  // line 4 `  "optim": "adamw_bnb_8bit",`, line 5 `  "learning_rate": 2e-5,`, line 11 `  "bf16": true,`
  assert.deepEqual(job.sources.optimizer, { path: 'train/sft_args.json', range: { line: 4, column: 12, endLine: 4, endColumn: 28 } });
  assert.deepEqual(job.sources.learningRate, { path: 'train/sft_args.json', range: { line: 5, column: 20, endLine: 5, endColumn: 24 } });
  assert.deepEqual(job.sources.precision, { path: 'train/sft_args.json', range: { line: 11, column: 11, endLine: 11, endColumn: 15 } });
  assert.deepEqual(job.sources['optimizerParams.betas'].range, { line: 7, column: 17, endLine: 7, endColumn: 21 });
  assert.deepEqual(job.defaults, []);
  assert.equal(job.pendingLora, null);
  assert.deepEqual(result.warnings, []);
});

test('a hub id becomes a hub-id model ref with its range; absent Trainer fields are defaulted', () => {
  const result = scanFiles(loadFolder('scan', 'hub'));
  assert.equal(result.jobs.length, 1);
  const job = result.jobs[0];
  assert.equal(job.id, 'training_args.json');
  assert.equal(job.folder, '.');
  // line 2 `  "model_name_or_path": "meta-llama/Llama-2-7b-hf",`: the value spans columns 25..50
  assert.deepEqual(job.model, {
    kind: 'hub-id',
    id: 'meta-llama/Llama-2-7b-hf',
    path: 'training_args.json',
    range: { line: 2, column: 25, endLine: 2, endColumn: 51 },
  });
  assert.deepEqual(job.settings, {
    // TrainingArguments defaults (transformers training_args.py)
    optimizer: 'adamw_torch',
    weightDecay: 0,
    gradAccum: 1,
    gradientCheckpointing: false,
    scheduler: 'linear',
    warmupSteps: 0,
    // written
    learningRate: 2e-4,
    perDeviceBatchSize: 2,
    precision: 'fp16-mixed',
    pretraining: false,
    lora: { rank: 64, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], qlora: true },
  });
  assert.deepEqual(
    job.defaults.map((d) => [d.setting, d.key, d.value]).sort(),
    [
      ['gradAccum', 'gradient_accumulation_steps', 1],
      ['gradientCheckpointing', 'gradient_checkpointing', false],
      ['optimizer', 'optim', 'adamw_torch'],
      ['scheduler', 'lr_scheduler_type', 'linear'],
      ['warmupSteps', 'warmup_steps', 0],
      ['weightDecay', 'weight_decay', 0],
    ],
  );
  // a defaulted setting has no source range
  assert.equal(job.sources.optimizer, undefined);
  assert.deepEqual(job.sources['lora.targets'].range, { line: 9, column: 26, endLine: 9, endColumn: 66 });
  const args = result.findings[0];
  assert.deepEqual(
    args.fields.filter((f) => f.name.startsWith('lora_target_modules.')).map((f) => [f.name, f.value]),
    [['lora_target_modules.0', 'q_proj'], ['lora_target_modules.1', 'k_proj'], ['lora_target_modules.2', 'v_proj'], ['lora_target_modules.3', 'o_proj']],
  );
});

test('a bad file next to good ones gets an error finding and the scan still succeeds', () => {
  const result = scanFiles(loadFolder('scan', 'mixed'));
  assert.deepEqual(
    result.findings.map((f) => [f.path, f.kind, f.error]),
    [
      // line 4 `  "n_layer": "twelve",`: the value starts at column 14
      ['bad_types.json', 'hf-model-config', { message: `'n_layer' must be an integer or null, not a string ("twelve")`, line: 4, column: 14 }],
      // the file ends after `  "per_device_train_batch_size": ` and a line break
      ['broken_args.json', 'hf-training-args', { message: 'unexpected end of file (truncated JSON?)', line: 5, column: 1 }],
      ['commented.json', 'hf-training-args', { message: 'comments are not allowed in JSON', line: 2, column: 3 }],
      ['config.json', 'hf-model-config', undefined],
    ],
  );
  // the valid fields of the wrong-typed file are still reported
  assert.deepEqual(result.findings[0].fields.map((f) => f.name), ['model_type', 'n_embd', 'n_head']);
  // notes.json (no known keys) and sweep.yaml (no YAML detector yet) give no finding;
  // error findings join no job; the good model config forms the folder's job
  assert.deepEqual(result.jobs.map((j) => [j.id, j.folder, j.files, j.model]), [['.', '.', ['config.json'], { kind: 'config-file', path: 'config.json' }]]);
  assert.deepEqual(result.jobs[0].settings, {});
  const gpt2 = result.findings[3];
  assert.deepEqual(gpt2.fields.find((f) => f.name === 'n_inner'), { name: 'n_inner', value: null, range: { line: 7, column: 14, endLine: 7, endColumn: 18 } });
});

test('a training file without a model reference adopts the model config beside it', () => {
  const result = scanFiles(loadFolder('scan', 'adopt'));
  assert.equal(result.jobs.length, 1);
  const job = result.jobs[0];
  assert.equal(job.id, 'training_args.json');
  assert.deepEqual(job.files, ['config.json', 'training_args.json']);
  assert.deepEqual(job.model, { kind: 'config-file', path: 'config.json' });
  assert.equal(job.settings.optimizer, 'adafactor');
  assert.equal(job.settings.perDeviceBatchSize, 32);
  assert.equal(job.settings.pretraining, undefined);
});

test('the whole fixture tree at once: references resolve across folders, output is sorted and deterministic', () => {
  const files = loadFolder('scan');
  const result = scanFiles(files);
  assert.deepEqual(result.jobs.map((j) => j.id), [
    'adopt/training_args.json',
    'hub/training_args.json',
    'linked/train/sft_args.json',
    'mixed',
  ]);
  assert.deepEqual(result.jobs[2].model, { kind: 'config-file', path: 'linked/models/tiny-llama/config.json' });
  const paths = result.findings.map((f) => f.path);
  assert.deepEqual(paths, [...paths].sort());
  const reversed = scanFiles([...files].reverse());
  assert.deepEqual(reversed, result);
});
