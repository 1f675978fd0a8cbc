/** axolotl YAML: recognition against TRL / alignment-handbook YAML, settings, defaults, joins, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';
import { loadFolder, on } from './scan-formats-helpers';

const scanYaml = (text: string, path = 'config.yml') => scanFiles([{ path, text }]);

test('an axolotl QLoRA config joins its local base model and DeepSpeed config', () => {
  const result = scanFiles(loadFolder('scan-formats', 'axolotl'));
  assert.deepEqual(result.findings.map((f) => [f.path, f.kind, f.error]), [
    ['models/tiny-mistral/config.json', 'hf-model-config', undefined],
    ['runs/qlora.yml', 'axolotl-config', undefined],
    ['runs/zero2.json', 'deepspeed-config', undefined],
  ]);
  const axolotl = result.findings[1];
  const field = (name: string) => axolotl.fields.find((f) => f.name === name);
  // hand-counted: `base_model: ` is 12 characters, `adapter: ` 9, `lora_r: ` 8, `learning_rate: ` 15, `optimizer: ` 11, `bf16: ` 6
  assert.deepEqual(field('base_model'), { name: 'base_model', value: 'models/tiny-mistral', range: on(1, 13, 32) });
  assert.deepEqual(field('adapter'), { name: 'adapter', value: 'qlora', range: on(3, 10, 15) });
  assert.deepEqual(field('lora_r')?.range, on(4, 9, 11));
  assert.deepEqual(field('learning_rate'), { name: 'learning_rate', value: 1e-4, range: on(9, 16, 20) });
  assert.deepEqual(field('optimizer'), { name: 'optimizer', value: 'adamw_bnb_8bit', range: on(10, 12, 26) });
  assert.deepEqual(field('bf16')?.range, on(11, 7, 11));

  assert.equal(result.jobs.length, 1);
  const job = result.jobs[0];
  assert.equal(job.id, 'runs/qlora.yml');
  assert.deepEqual(job.files, ['models/tiny-mistral/config.json', 'runs/qlora.yml', 'runs/zero2.json']);
  assert.deepEqual(job.model, { kind: 'config-file', path: 'models/tiny-mistral/config.json' });
  assert.equal(job.optimizerEcosystem, 'hf');
  assert.deepEqual(job.settings, {
    optimizer: 'adamw_bnb_8bit',
    learningRate: 1e-4,
    // axolotl's weight_decay default (schemas/training.py)
    weightDecay: 0,
    perDeviceBatchSize: 4,
    gradAccum: 2,
    seqLen: 2048,
    // under DeepSpeed the ZeRO optimizer keeps fp32 master weights: mixed precision
    precision: 'bf16-mixed',
    // `bf16: true` makes cfg.torch_dtype bfloat16: the load dtype, and for QLoRA the
    // bnb_4bit_compute_dtype axolotl's ModelLoader passes to BitsAndBytesConfig
    loadDtype: 'bf16',
    qloraComputeDtype: 'bf16',
    gradientCheckpointing: false,
    zeroStage: 2,
    // the DeepSpeed config's zero_optimization states no bucket key: DeepSpeed's defaults apply (memory/zero.ts)
    deepspeedZero: {},
    // no lora_target_modules: PEFT's default for model_type mistral is q_proj, v_proj
    lora: { rank: 16, targets: ['q_proj', 'v_proj'], qlora: true },
    // the datasets entry's path: counted when it is a workspace file or folder, else a Hub dataset (run-length.ts)
    trainDataFiles: ['tatsu-lab/alpaca'],
    scheduler: 'cosine',
    pretraining: false,
  });
  assert.deepEqual(job.sources.optimizer, { path: 'runs/qlora.yml', range: on(10, 12, 26) });
  // both come from `bf16: true` on line 11, value at columns 7-10
  assert.deepEqual(job.sources.loadDtype, { path: 'runs/qlora.yml', range: on(11, 7, 11) });
  assert.deepEqual(job.sources.qloraComputeDtype, { path: 'runs/qlora.yml', range: on(11, 7, 11) });
  assert.deepEqual(job.defaults.map((d) => d.setting).sort(), ['gradientCheckpointing', 'lora.targets', 'scheduler', 'weightDecay']);
});

test('axolotl is told apart from TRL / alignment-handbook YAML and other YAML by its keys', () => {
  const trl = 'model_name_or_path: Qwen/Qwen2.5-0.5B\nper_device_train_batch_size: 8\nlearning_rate: 2.0e-05\nuse_peft: true\nlora_r: 16\nload_in_4bit: true\n';
  const handbook = 'model_name_or_path: mistralai/Mistral-7B-v0.1\ntorch_dtype: bfloat16\ndataset_mixer:\n  HuggingFaceH4/ultrachat_200k: 1.0\nbf16: true\ngradient_accumulation_steps: 2\nlearning_rate: 2.0e-05\nmax_seq_length: 2048\noutput_dir: data/zephyr-7b-sft-full\n';
  const plain = 'base_model: not really\ntitle: a note that happens to say base_model\n';
  // TRL / alignment-handbook recipes are Trainer arguments in YAML, not axolotl configs
  for (const text of [trl, handbook]) assert.deepEqual(scanYaml(text).findings.map((f) => f.kind), ['hf-training-args-yaml'], text);
  assert.deepEqual(scanYaml(plain).findings, []);
  const minimal = scanYaml('base_model: gpt2\nmicro_batch_size: 8\nlearning_rate: 0.001\n');
  assert.deepEqual(minimal.findings.map((f) => f.kind), ['axolotl-config']);
});

test('precision: axolotl loads the model in bf16/fp16 (pure half precision); auto means bf16 where supported', () => {
  const base = 'base_model: gpt2\nmicro_batch_size: 2\nlearning_rate: 0.0001\n';
  const precision = (extra: string) => scanYaml(base + extra).jobs[0].settings.precision;
  assert.equal(precision('bf16: true\n'), 'bf16');
  assert.equal(precision('fp16: true\n'), 'fp16');
  assert.equal(precision('bf16: false\nfp16: false\n'), 'fp32');
  assert.equal(precision('bfloat16: true\n'), 'bf16');
  assert.equal(precision(''), undefined);
  const auto = scanYaml(`${base}bf16: auto\n`);
  assert.equal(auto.jobs[0].settings.precision, 'bf16');
  // line 4 `bf16: auto`
  assert.deepEqual([auto.warnings[0].line, auto.warnings[0].column], [4, 7]);
  assert.match(auto.warnings[0].message, /bf16 on GPUs that support it/);
  // an inline DeepSpeed config makes it ZeRO mixed precision
  assert.equal(precision('bf16: true\ndeepspeed:\n  zero_optimization:\n    stage: 3\n'), 'bf16-mixed');
});

test('LoRA targets, batch size derivation, FSDP, defaults', () => {
  // `datasets` marks the files as axolotl's
  const base = 'base_model: meta-llama/Llama-2-7b-hf\nlearning_rate: 0.0002\ndatasets:\n  - path: tatsu-lab/alpaca\n    type: alpaca\n';
  const job = (extra: string) => scanYaml(base + extra).jobs[0];
  const lora = job('adapter: lora\nlora_r: 8\nlora_target_modules:\n  - q_proj\n  - v_proj\n');
  assert.deepEqual(lora.settings.lora, { rank: 8, targets: ['q_proj', 'v_proj'], qlora: false });
  assert.deepEqual(job('adapter: lora\nlora_r: 8\nlora_target_linear: true\n').settings.lora, { rank: 8, targets: 'all-linear', qlora: false });
  // no targets and a hub model: pending until the model type is known
  const pending = job('adapter: lora\nlora_r: 4\n');
  assert.equal(pending.settings.lora, undefined);
  assert.deepEqual([pending.pendingLora?.rank, pending.pendingLora?.qlora], [4, false]);
  // batch_size without gradient_accumulation_steps: batch_size // micro_batch_size
  assert.equal(job('micro_batch_size: 4\nbatch_size: 32\n').settings.gradAccum, 32 / 4);
  const fsdp = job('fsdp:\n  - full_shard\n  - auto_wrap\nfsdp_config:\n  fsdp_offload_params: true\n');
  assert.deepEqual([fsdp.settings.zeroStage, fsdp.settings.offload], [3, 'params']);
  assert.equal(job('fsdp: [shard_grad_op, auto_wrap]\n').settings.zeroStage, 2);
  // defaults from axolotl's schema when the keys are absent
  const defaults = job('');
  assert.deepEqual(
    [defaults.settings.optimizer, defaults.settings.perDeviceBatchSize, defaults.settings.gradAccum, defaults.settings.seqLen, defaults.settings.scheduler],
    ['adamw_torch_fused', 1, 1, 512, 'cosine'],
  );
  assert.equal(defaults.sources.optimizer, undefined);
  assert.ok(defaults.defaults.some((d) => d.setting === 'optimizer' && d.key === 'optimizer' && /axolotl/.test(d.source.title)));
  // learning_rate as a string is converted, as axolotl's validator does
  assert.equal(scanYaml('base_model: gpt2\nmicro_batch_size: 1\nlearning_rate: "2e-5"\n').jobs[0].settings.learningRate, 2e-5);
});

test('invalid axolotl configs are error findings at the value; broken YAML too', () => {
  const cases: [string, string, number, number][] = [
    ['base_model: gpt2\nadapter: qlora\nlora_r: 8\nmicro_batch_size: 1\n', `'adapter: qlora' requires 'load_in_4bit: true' (axolotl: "Require cfg.load_in_4bit to be True for qlora")`, 2, 10],
    ['base_model: gpt2\nload_in_4bit: true\nmicro_batch_size: 1\n', "'load_in_4bit' needs an adapter: axolotl does not full-finetune a quantised model (set 'adapter: qlora' or 'lora')", 2, 15],
    ['base_model: gpt2\nadapter: lora\nmicro_batch_size: 1\n', "'adapter: lora' needs 'lora_r' (axolotl passes it to PEFT's LoraConfig as r)", 2, 10],
    ['base_model: gpt2\nmicro_batch_size: two\n', `'micro_batch_size' must be an integer or null, not a string ("two")`, 2, 19],
    ['base_model: gpt2\nmicro_batch_size: 1\nlearning_rate: fast\n', `'learning_rate' must be a number, not "fast"`, 3, 16],
    ['base_model: gpt2\nmicro_batch_size: 1\ngradient_checkpointing: sometimes\n', `'gradient_checkpointing' must be true, false, "unsloth" or "offload", not "sometimes"`, 3, 25],
  ];
  for (const [text, message, line, column] of cases) {
    const result = scanYaml(text);
    assert.deepEqual(result.findings[0].error, { message, line, column }, text);
    assert.deepEqual(result.jobs, []);
  }
  // a YAML syntax error: recognised from its keys, reported where the parser stopped
  const broken = scanYaml('base_model: gpt2\nmicro_batch_size: 2\ndatasets:\n  - path: x\n   type: alpaca\n');
  assert.equal(broken.findings[0].kind, 'axolotl-config');
  assert.deepEqual([broken.findings[0].error?.line, broken.findings[0].fields], [5, []]);
  // a tab-indented file is a YAML error too
  const tabs = scanYaml('base_model: gpt2\nmicro_batch_size: 2\nspecial_tokens:\n\tpad_token: "<pad>"\n');
  assert.equal(tabs.findings[0].kind, 'axolotl-config');
  assert.ok(tabs.findings[0].error !== undefined);
});

test('the deepspeed path is followed from the config, else from the workspace root', () => {
  const files: ScanFile[] = [
    { path: 'examples/llama/qlora.yml', text: 'base_model: meta-llama/Llama-2-7b-hf\nmicro_batch_size: 1\nlearning_rate: 0.0001\ndeepspeed: deepspeed_configs/zero1.json\n' },
    { path: 'deepspeed_configs/zero1.json', text: JSON.stringify({ zero_optimization: { stage: 1 }, bf16: { enabled: 'auto' } }) },
  ];
  const result = scanFiles(files);
  assert.deepEqual(result.jobs.map((j) => [j.id, j.files, j.settings.zeroStage]), [
    ['examples/llama/qlora.yml', ['deepspeed_configs/zero1.json', 'examples/llama/qlora.yml'], 1],
  ]);
  const missing = scanFiles([files[0]]);
  assert.match(missing.warnings[0].message, /'deepspeed' refers to 'deepspeed_configs\/zero1.json', which is not among the scanned files/);
});

test('TRL / alignment-handbook YAML is read as Trainer arguments; PyYAML-only strings are warned about', () => {
  const recipe = [
    'model_name_or_path: Qwen/Qwen2.5-0.5B',
    'output_dir: data/qwen-sft',
    'per_device_train_batch_size: 8',
    'gradient_accumulation_steps: 4',
    'learning_rate: 2e-5',
    'bf16: true',
    'use_peft: true',
    'lora_r: 16',
    'lora_target_modules: all-linear',
    'max_seq_length: 1024',
  ].join('\n');
  const result = scanYaml(recipe, 'recipes/sft.yaml');
  const job = result.jobs[0];
  assert.deepEqual(
    [job.settings.optimizer, job.settings.learningRate, job.settings.perDeviceBatchSize, job.settings.gradAccum, job.settings.precision, job.settings.seqLen],
    ['adamw_torch', 2e-5, 8, 4, 'bf16-mixed', 1024],
  );
  assert.deepEqual(job.settings.lora, { rank: 16, targets: 'all-linear', qlora: false });
  assert.deepEqual(job.model, { kind: 'hub-id', id: 'Qwen/Qwen2.5-0.5B', path: 'recipes/sft.yaml', range: on(1, 21, 38) });
  // YAML 1.1 (PyYAML) needs a dot and a signed exponent for a float: line 5 `learning_rate: 2e-5`
  assert.deepEqual(result.warnings.map((w) => [w.line, w.column]), [[5, 16]]);
  assert.match(result.warnings[0].message, /PyYAML .* reads 2e-5 as the string "2e-5"/);
  assert.deepEqual(scanYaml(recipe.replace('2e-5', '2.0e-05')).warnings, []);
});

test('recipe memory features: load_in_8bit, lora_modules_to_save, rl: dpo and the Liger fused linear loss', () => {
  const text = [
    'base_model: meta-llama/Llama-3.2-1B', 'adapter: lora', 'load_in_8bit: true', 'lora_r: 16',
    'lora_target_modules:', '  - q_proj', '  - v_proj', 'lora_modules_to_save:', '  - embed_tokens', '  - lm_head',
    'rl: dpo', 'liger_fused_linear_cross_entropy: true', 'micro_batch_size: 2', 'sequence_len: 1024', '',
  ].join('\n');
  const job = scanYaml(text).jobs[0];
  assert.deepEqual(job.settings.lora, { rank: 16, targets: ['q_proj', 'v_proj'], qlora: false, int8: true, modulesToSave: ['embed_tokens', 'lm_head'] });
  assert.equal(job.settings.referenceModel, true);
  assert.deepEqual(job.settings.loss, { kind: 'fused-linear' });
  assert.deepEqual(job.sources['lora.int8']?.range, on(3, 15, 19)); // `load_in_8bit: true`
  // Without targets the extras wait for PEFT's defaults of the model type.
  const pending = scanYaml(text.replace('lora_target_modules:\n  - q_proj\n  - v_proj\n', '')).jobs[0];
  assert.equal(pending.settings.lora?.int8 ?? pending.pendingLora?.int8, true);
  assert.deepEqual(pending.settings.lora?.modulesToSave ?? pending.pendingLora?.modulesToSave, ['embed_tokens', 'lm_head']);
});
