/** The Hugging Face detectors and job joining, on inline files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHubRepoId, scanFiles } from '../../src/core/scan';
import { parseOptimArgs } from '../../src/core/scan/detectors/hf-training-args';
import type { ScanFile } from '../../src/core/scan/types';

const json = (value: unknown): string => JSON.stringify(value, null, 2);
const scanOne = (path: string, value: unknown) => scanFiles([{ path, text: json(value) }]);
const LLAMA_CONFIG = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 4096,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  vocab_size: 32000,
};

test('precision follows the Trainer flags: AMP for bf16/fp16, fp32 otherwise, both is an error', () => {
  assert.equal(scanOne('a.json', { output_dir: 'o', bf16: true, learning_rate: 1 }).jobs[0].settings.precision, 'bf16-mixed');
  assert.equal(scanOne('a.json', { output_dir: 'o', fp16: true, learning_rate: 1 }).jobs[0].settings.precision, 'fp16-mixed');
  const explicit = scanOne('a.json', { output_dir: 'o', bf16: false, learning_rate: 1 }).jobs[0];
  assert.equal(explicit.settings.precision, 'fp32');
  assert.ok(explicit.sources.precision !== undefined);
  const neither = scanOne('a.json', { output_dir: 'o', learning_rate: 1 }).jobs[0];
  assert.equal(neither.settings.precision, 'fp32');
  assert.ok(neither.defaults.some((d) => d.setting === 'precision' && d.key === 'bf16/fp16' && d.value === 'fp32'));
  // `{\n  "output_dir": "o",\n  "bf16": true,\n  "fp16": true\n}`: fp16's value at line 4 column 11
  const both = scanOne('a.json', { output_dir: 'o', bf16: true, fp16: true, report_to: 'none' });
  assert.deepEqual(both.findings[0].error, { message: "'bf16' and 'fp16' cannot both be true (the Trainer rejects it)", line: 4, column: 11 });
  assert.deepEqual(both.jobs, []);
});

test('wrong-typed and out-of-range values are error findings at the value', () => {
  // JSON.stringify(value, null, 2) puts the second member on line 3, its value after `  "<key>": `;
  // `report_to` is a second TrainingArguments key so that every file is recognised
  const cases: [Record<string, unknown>, string, number, number][] = [
    [{ output_dir: 'o', bf16: 'true' }, `'bf16' must be true or false, not a string ("true")`, 3, 11],
    [{ output_dir: 'o', per_device_train_batch_size: 0 }, "'per_device_train_batch_size' must be at least 1, not 0", 3, 34],
    [{ output_dir: 'o', learning_rate: '2e-5' }, `'learning_rate' must be a number, not a string ("2e-5")`, 3, 20],
    [{ output_dir: 'o', optim: null }, "'optim' must be a string, not null", 3, 12],
    [{ output_dir: 'o', deepspeed: 3 }, "'deepspeed' must be the path of a DeepSpeed config, an inline config object or null", 3, 16],
    // the list spreads over lines 3-6; the bad element `5` is on line 5 at column 5
    [{ output_dir: 'o', lora_target_modules: ['q_proj', 5] }, "'lora_target_modules' must hold only strings, not a number (5)", 5, 5],
  ];
  for (const [value, message, line, column] of cases) {
    const result = scanOne('args.json', { ...value, report_to: 'none' });
    assert.deepEqual(result.findings[0].error, { message, line, column }, JSON.stringify(value));
    assert.deepEqual(result.jobs, []);
  }
  // of several bad values, the error names the one that comes first in the file
  const two = scanFiles([{ path: 'a.json', text: '{\n  "bf16": "yes",\n  "learning_rate": "fast",\n  "output_dir": "o"\n}' }]);
  assert.deepEqual(two.findings[0].error, { message: `'bf16' must be true or false, not a string ("yes")`, line: 2, column: 11 });
  // an integer field written as a float literal: Python's json gives a float, which the DataLoader refuses
  const float = scanFiles([{ path: 'a.json', text: '{"output_dir": "o", "per_device_train_batch_size": 8.0}' }]);
  assert.deepEqual(float.findings[0].error, { message: "'per_device_train_batch_size' must be an integer, not 8.0", line: 1, column: 52 });
});

test('warmup: steps override the ratio; a float below 1 in warmup_steps is a ratio', () => {
  const s1 = scanOne('a.json', { output_dir: 'o', warmup_steps: 100, warmup_ratio: 0.1 }).jobs[0].settings;
  assert.deepEqual([s1.warmupSteps, s1.warmupRatio], [100, undefined]);
  const s2 = scanOne('a.json', { output_dir: 'o', warmup_steps: 0.05 }).jobs[0].settings;
  assert.deepEqual([s2.warmupSteps, s2.warmupRatio], [undefined, 0.05]);
  const s3 = scanOne('a.json', { output_dir: 'o', warmup_steps: 0, warmup_ratio: 0.1 }).jobs[0].settings;
  assert.deepEqual([s3.warmupSteps, s3.warmupRatio], [undefined, 0.1]);
  const s4 = scanOne('a.json', { output_dir: 'o', max_steps: -1, learning_rate: 1 }).jobs[0].settings;
  assert.equal(s4.maxSteps, undefined);
});

test('optim_args are split like the Trainer does, and merged into optimizerParams', () => {
  assert.deepEqual(parseOptimArgs('beta1=0.9, beta2=0.99,alpha=5, use_triton=True,mode=fast'), {
    beta1: 0.9,
    beta2: 0.99,
    alpha: 5,
    use_triton: true,
    mode: 'fast',
  });
  assert.deepEqual(parseOptimArgs(''), {});
  assert.equal(parseOptimArgs('rank=4,proj'), "must be comma-separated key=value pairs; 'proj' is not");
  const job = scanOne('a.json', { output_dir: 'o', optim: 'galore_adamw', optim_args: 'rank=128,update_proj_gap=200', adam_epsilon: 1e-6 }).jobs[0];
  assert.deepEqual(job.settings.optimizerParams, { eps: 1e-6, rank: 128, update_proj_gap: 200 });
  const bad = scanOne('a.json', { output_dir: 'o', optim_args: 'rank' });
  assert.equal(bad.findings[0].error?.message, "'optim_args' must be comma-separated key=value pairs; 'rank' is not");
});

test('LoRA without target modules takes PEFT defaults from a local model config, else stays pending', () => {
  const local: ScanFile[] = [
    { path: 'run/config.json', text: json(LLAMA_CONFIG) },
    { path: 'run/args.json', text: json({ output_dir: 'o', learning_rate: 1e-4, use_peft: true }) },
  ];
  const job = scanFiles(local).jobs[0];
  // PEFT TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING['llama'] = ['q_proj', 'v_proj']; TRL lora_r default 16
  assert.deepEqual(job.settings.lora, { rank: 16, targets: ['q_proj', 'v_proj'], qlora: false });
  assert.deepEqual(job.defaults.filter((d) => d.setting.startsWith('lora.')).map((d) => [d.setting, d.value]), [
    ['lora.rank', 16],
    ['lora.targets', ['q_proj', 'v_proj']],
  ]);
  assert.equal(job.pendingLora, null);

  const hub = scanOne('args.json', { model_name_or_path: 'mistralai/Mistral-7B-v0.1', output_dir: 'o', learning_rate: 2e-4, use_peft: true, lora_r: 8, load_in_4bit: true });
  assert.equal(hub.jobs[0].settings.lora, undefined);
  assert.deepEqual(hub.jobs[0].pendingLora?.rank, 8);
  assert.equal(hub.jobs[0].pendingLora?.qlora, true);
  assert.match(hub.warnings[0].message, /LoRA is on without 'lora_target_modules' and the model type is not known/);

  const allLinear = scanOne('args.json', { output_dir: 'o', learning_rate: 1e-4, use_peft: true, lora_target_modules: 'all-linear' });
  assert.equal(allLinear.jobs[0].settings.lora?.targets, 'all-linear');
  // TRL's ModelConfig turns a one-element list into its string: ["all-linear"] is the PEFT shorthand too
  const listed = scanOne('args.json', { output_dir: 'o', learning_rate: 1e-4, use_peft: true, lora_target_modules: ['all-linear'] });
  assert.equal(listed.jobs[0].settings.lora?.targets, 'all-linear');
  const bits = scanOne('args.json', { output_dir: 'o', learning_rate: 1e-4, use_peft: true, load_in_4bit: true, load_in_8bit: true });
  assert.deepEqual(bits.findings[0].error, { message: "'load_in_8bit' and 'load_in_4bit' cannot both be true (TRL rejects it)", line: 5, column: 19 });

  const off = scanOne('args.json', { output_dir: 'o', learning_rate: 1, lora_r: 8 });
  assert.equal(off.jobs[0].settings.lora, undefined);
  assert.match(off.warnings[0].message, /'use_peft' is not true/);
});

test('model references: config_name means training from scratch; paths outside or missing are warned about', () => {
  const scratch = scanFiles([
    { path: 'exp/model/config.json', text: json(LLAMA_CONFIG) },
    { path: 'exp/args.json', text: json({ config_name: './model', output_dir: 'o', learning_rate: 1 }) },
  ]);
  assert.deepEqual(scratch.jobs.map((j) => [j.id, j.model]), [['exp/args.json', { kind: 'config-file', path: 'exp/model/config.json' }]]);
  assert.equal(scratch.jobs[0].settings.pretraining, true);

  // relative to the workspace root when not relative to the file
  const rootRelative = scanFiles([
    { path: 'models/small/config.json', text: json(LLAMA_CONFIG) },
    { path: 'configs/args.json', text: json({ model_name_or_path: 'models/small', output_dir: 'o', learning_rate: 1 }) },
  ]);
  assert.deepEqual(rootRelative.jobs[0].model, { kind: 'config-file', path: 'models/small/config.json' });

  // a path outside the workspace: a local-path ref at the value, read (or not) by the evaluation
  const absolute = scanOne('args.json', { model_name_or_path: '/data/llama', output_dir: 'o', learning_rate: 1 });
  const ref = absolute.jobs[0].model;
  assert.deepEqual(ref?.kind === 'local-path' && [ref.value, ref.path, ref.range.line, ref.range.column], ['/data/llama', 'args.json', 2, 25]);
  assert.deepEqual(absolute.warnings, []);
  const parent = scanOne('args.json', { model_name_or_path: '../shared/llama', output_dir: 'o', learning_rate: 1 });
  assert.deepEqual(parent.jobs[0].model?.kind === 'local-path' && parent.jobs[0].model.value, '../shared/llama');

  const noConfig = scanFiles([
    { path: 'ckpt/train.py', text: 'print(1)\n' },
    { path: 'args.json', text: json({ model_name_or_path: 'ckpt', output_dir: 'o', learning_rate: 1 }) },
  ]);
  assert.equal(noConfig.jobs[0].model, null);
  assert.match(noConfig.warnings[0].message, /folder 'ckpt', which holds no recognised model config\.json/);

  const missingDs = scanOne('args.json', { output_dir: 'o', learning_rate: 1, deepspeed: 'ds/zero3.json' });
  assert.match(missingDs.warnings[0].message, /'deepspeed' refers to 'ds\/zero3.json', which is not among the scanned files/);
  const presentDs = scanFiles([
    { path: 'args.json', text: json({ output_dir: 'o', learning_rate: 1, deepspeed: 'ds/zero3.json' }) },
    { path: 'ds/zero3.json', text: json({ zero_optimization: { stage: 3 }, train_micro_batch_size_per_gpu: 1 }) },
  ]);
  assert.deepEqual(presentDs.warnings, []);
});

test('files of other kinds are not mistaken for Trainer arguments or model configs', () => {
  const others: ScanFile[] = [
    // trainer_state.json written by the Trainer
    { path: 'ckpt/trainer_state.json', text: json({ global_step: 10, max_steps: 100, num_train_epochs: 3, logging_steps: 5, save_steps: 50, train_batch_size: 8, log_history: [{ learning_rate: 1e-5, step: 5 }] }) },
    // a DeepSpeed config
    { path: 'ds.json', text: json({ train_micro_batch_size_per_gpu: 4, gradient_accumulation_steps: 2, bf16: { enabled: true }, fp16: { enabled: false }, zero_optimization: { stage: 2 } }) },
    // tokenizer and generation configs
    { path: 'm/tokenizer_config.json', text: json({ model_max_length: 2048, tokenizer_class: 'LlamaTokenizer' }) },
    { path: 'm/generation_config.json', text: json({ bos_token_id: 1, eos_token_id: 2, transformers_version: '4.40.0' }) },
    { path: 'package.json', text: json({ name: 'x', version: '1.0.0' }) },
    { path: 'list.json', text: '[1, 2]' },
  ];
  const result = scanFiles(others);
  // the DeepSpeed config is recognised as what it is (and alone forms no job); nothing else is recognised
  assert.deepEqual(result.findings.map((f) => [f.path, f.kind]), [['ds.json', 'deepspeed-config']]);
  assert.deepEqual(result.jobs, []);
});

test('composite model configs report nested sizes; broken configs are recognised by their keys', () => {
  const clip = scanOne('clip/config.json', {
    architectures: ['CLIPModel'],
    model_type: 'clip',
    text_config: { model_type: 'clip_text_model', hidden_size: 512, num_hidden_layers: 12 },
    vision_config: { hidden_size: 768, patch_size: 32, image_size: 224 },
  });
  const names = clip.findings[0].fields.map((f) => f.name);
  assert.deepEqual(names, [
    'architectures.0', 'model_type', 'text_config.model_type', 'text_config.hidden_size', 'text_config.num_hidden_layers',
    'vision_config.hidden_size', 'vision_config.patch_size', 'vision_config.image_size',
  ]);
  const truncated = scanFiles([{ path: 'm/config.json', text: '{\n  "model_type": "llama",\n  "hidden_size": 40' }]);
  assert.deepEqual(truncated.findings, [
    { path: 'm/config.json', kind: 'hf-model-config', fields: [], error: { message: 'unexpected end of file (truncated JSON?)', line: 3, column: 20 } },
  ]);
  const commented = scanFiles([{ path: 'config.json', text: '{\n  "model_type": "gpt2", // small\n  "n_embd": 768\n}' }]);
  assert.deepEqual(commented.findings[0].error, { message: 'comments are not allowed in JSON', line: 2, column: 25 });
});

test('parse warnings and the BOM reach the report with their file', () => {
  const result = scanFiles([
    { path: 'b/config.json', text: '\uFEFF' + json({ model_type: 'gpt2', n_embd: 768 }) },
    { path: 'a/args.json', text: '{"output_dir": "o", "learning_rate": 1, "learning_rate": 2}' },
  ]);
  assert.deepEqual(result.warnings.map((w) => [w.path, w.line, w.column]), [['a/args.json', 1, 41], ['b/config.json', 1, 1]]);
  assert.match(result.warnings[1].message, /byte order mark.*json\.loads rejects it/);
  assert.equal(result.jobs.find((j) => j.id === 'a/args.json')?.settings.learningRate, 2);
});

test('jobs: shared model configs, several configs in a folder, deterministic order', () => {
  const files: ScanFile[] = [
    { path: 'x/config.json', text: json(LLAMA_CONFIG) },
    { path: 'x/run_a.json', text: json({ output_dir: 'a', learning_rate: 1 }) },
    { path: 'x/run_b.json', text: json({ output_dir: 'b', learning_rate: 2 }) },
    { path: 'zoo/llama.json', text: json(LLAMA_CONFIG) },
    { path: 'zoo/gpt2.json', text: json({ model_type: 'gpt2', n_embd: 768 }) },
  ];
  const result = scanFiles(files);
  assert.deepEqual(result.jobs.map((j) => [j.id, j.folder, j.files, j.model]), [
    ['x/run_a.json', 'x', ['x/config.json', 'x/run_a.json'], { kind: 'config-file', path: 'x/config.json' }],
    ['x/run_b.json', 'x', ['x/config.json', 'x/run_b.json'], { kind: 'config-file', path: 'x/config.json' }],
    ['zoo/gpt2.json', 'zoo', ['zoo/gpt2.json'], { kind: 'config-file', path: 'zoo/gpt2.json' }],
    ['zoo/llama.json', 'zoo', ['zoo/llama.json'], { kind: 'config-file', path: 'zoo/llama.json' }],
  ]);
  assert.deepEqual(scanFiles([...files].reverse()), result);
});

test('Hub repo ids follow huggingface_hub validate_repo_id', () => {
  for (const ok of ['gpt2', 'meta-llama/Llama-2-7b-hf', 'google/flan-t5-xl', 'Qwen/Qwen2.5-0.5B']) assert.ok(isHubRepoId(ok), ok);
  for (const bad of ['a/b/c', '../x', 'a--b', 'org/x.git', '-abc', 'a..b', 'with space', '']) assert.ok(!isHubRepoId(bad), bad);
});

test('a hyperparameter search space is not Trainer arguments: object-valued markers do not count', () => {
  // SOURCE: mlcommons/algorithmic-efficiency, algorithms/archived_paper_baselines/adamw/tuning_search_space.json
  // (one object of {min, max, scaling} or {feasible_points} per hyperparameter).
  const space = scanOne('tuning_search_space.json', {
    learning_rate: { min: 1e-4, max: 1e-2, scaling: 'log' },
    one_minus_beta1: { min: 2e-2, max: 0.5, scaling: 'log' },
    warmup_factor: { feasible_points: [0.05] },
    weight_decay: { min: 5e-3, max: 1.0, scaling: 'log' },
  });
  assert.deepEqual([space.findings.length, space.jobs.length], [0, 0]);
  // the same keys with plain values are Trainer arguments
  const args = scanOne('args.json', { learning_rate: 1e-3, weight_decay: 0.01 });
  assert.equal(args.jobs[0]?.settings.learningRate, 1e-3);
});
