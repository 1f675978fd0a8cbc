/** torchtune recipe YAML: builders mapped to presets, LoRA/QLoRA arguments, optimizer component, dtype. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPreset } from '../../src/core/models';
import { resolveOptimizer } from '../../src/core/optimizers';
import { scanFiles } from '../../src/core/scan';
import { TORCHTUNE_MODELS } from '../../src/core/scan/torchtune-models';
import { loadFolder, on } from './scan-formats-helpers';

const scanYaml = (text: string, path = 'recipe.yaml') => scanFiles([{ path, text }]);

test('a QLoRA recipe: the builder names a preset, LoRA modules map to Hugging Face names, ranges are exact', () => {
  const result = scanFiles(loadFolder('scan-formats', 'torchtune'));
  assert.deepEqual(result.findings.map((f) => [f.path, f.kind, f.error]), [['qlora_8b.yaml', 'torchtune-config', undefined]]);
  const field = (name: string) => result.findings[0].fields.find((f) => f.name === name);
  // line 2 `  _component_: torchtune.models.llama3_1.qlora_llama3_1_8b`: 2 + 11 + 2 characters before the
  // 43-character value
  assert.deepEqual(field('model._component_')?.range, on(2, 16, 59));
  // line 11 `  _component_: bitsandbytes.optim.PagedAdamW8bit` (33 characters), line 12 `  lr: 1e-4`
  assert.deepEqual(field('optimizer._component_'), { name: 'optimizer._component_', value: 'bitsandbytes.optim.PagedAdamW8bit', range: on(11, 16, 49) });
  assert.deepEqual(field('optimizer.lr'), { name: 'optimizer.lr', value: 1e-4, range: on(12, 7, 11) });
  assert.deepEqual(field('batch_size')?.range, on(14, 13, 14));
  assert.deepEqual(field('dtype'), { name: 'dtype', value: 'bf16', range: on(16, 8, 12) });

  const job = result.jobs[0];
  assert.deepEqual(job.model, { kind: 'hub-id', id: 'meta-llama/Llama-3.1-8B', path: 'qlora_8b.yaml', range: on(2, 16, 59) });
  assert.equal(job.optimizerEcosystem, 'torchtune');
  assert.equal(resolveOptimizer(job.settings.optimizer as string, job.settings.optimizerParams, job.optimizerEcosystem)?.id, 'paged-adamw-8bit');
  assert.deepEqual(job.settings, {
    optimizer: 'bitsandbytes.optim.PagedAdamW8bit',
    learningRate: 1e-4,
    weightDecay: 0.01,
    perDeviceBatchSize: 2,
    gradAccum: 16,
    seqLen: 4096,
    // torchtune casts the model to the recipe dtype: pure bf16
    precision: 'bf16',
    // the recipe builds the model (adapters included) under set_default_dtype(dtype) and
    // dequantises its NF4 weights to that dtype
    loadDtype: 'bf16',
    qloraComputeDtype: 'bf16',
    gradientCheckpointing: true,
    // output_proj is o_proj in Hugging Face's Llama; apply_lora_to_mlp adds the three MLP projections
    lora: { rank: 16, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'], qlora: true, adapterDtype: 'bf16' },
    pretraining: false,
  });
  assert.deepEqual(job.sources.lora, { path: 'qlora_8b.yaml', range: on(2, 16, 59) });
  // the dtype's value: line 16 `dtype: bf16`, columns 8-11
  for (const key of ['loadDtype', 'qloraComputeDtype', 'lora.adapterDtype']) assert.deepEqual(job.sources[key], { path: 'qlora_8b.yaml', range: on(16, 8, 12) }, key);
});

test('every mapped torchtune builder names a bundled preset', () => {
  for (const [builder, { hubId }] of Object.entries(TORCHTUNE_MODELS)) assert.ok(findPreset(hubId) !== undefined, `${builder} -> ${hubId}`);
  const full = scanYaml('model:\n  _component_: torchtune.models.llama3_2.llama3_2_1b\noptimizer:\n  _component_: torch.optim.AdamW\n  lr: 2e-5\nbatch_size: 4\ndtype: fp32\n');
  assert.deepEqual(full.jobs[0].model?.kind === 'hub-id' && full.jobs[0].model.id, 'meta-llama/Llama-3.2-1B');
  assert.equal(full.jobs[0].settings.lora, undefined);
  assert.equal(full.jobs[0].settings.precision, 'fp32');
  assert.equal(full.jobs[0].settings.loadDtype, 'fp32');
});

test('an unknown builder falls back to a checkpoint folder in the workspace, with a warning', () => {
  const files = [
    { path: 'recipes/gemma.yaml', text: 'model:\n  _component_: torchtune.models.gemma2.gemma2_9b\ncheckpointer:\n  _component_: torchtune.training.FullModelHFCheckpointer\n  checkpoint_dir: ckpt/gemma2\noptimizer:\n  _component_: torch.optim.AdamW\n  lr: 1e-5\n' },
    { path: 'ckpt/gemma2/config.json', text: JSON.stringify({ model_type: 'gemma2', hidden_size: 3584, num_hidden_layers: 42 }) },
  ];
  const result = scanFiles(files);
  const job = result.jobs.find((j) => j.id === 'recipes/gemma.yaml');
  assert.deepEqual(job?.model, { kind: 'config-file', path: 'ckpt/gemma2/config.json' });
  assert.match(result.warnings[0].message, /builder 'gemma2_9b' has no bundled preset/);
  // an absolute checkpoint folder is outside the workspace: no model
  const absolute = scanYaml(files[0].text.replace('ckpt/gemma2', '/tmp/gemma2'));
  assert.equal(absolute.jobs[0].model, null);
});

test('distributed recipes: FSDP keys map to ZeRO-3 (or 2) and parameter offload', () => {
  const base = 'model:\n  _component_: torchtune.models.llama3_1.llama3_1_70b\noptimizer:\n  _component_: torch.optim.AdamW\n  lr: 2e-5\n';
  const s1 = scanYaml(`${base}fsdp_cpu_offload: True\n`).jobs[0].settings;
  assert.deepEqual([s1.zeroStage, s1.offload], [3, 'params']);
  const s2 = scanYaml(`${base}fsdp_reshard_after_forward: False\n`).jobs[0].settings;
  assert.deepEqual([s2.zeroStage, s2.offload], [2, undefined]);
});

test('wrong values are error findings; other component-style YAML is not torchtune', () => {
  const base = 'model:\n  _component_: torchtune.models.llama3_2.lora_llama3_2_1b\n';
  const cases: [string, string, number, number][] = [
    [`${base}  lora_attn_modules: [q_proj, o_proj]\n`, `'model.lora_attn_modules' may hold only q_proj, k_proj, v_proj and output_proj, not "o_proj"`, 3, 22],
    [`${base}  lora_attn_modules: [q_proj]\ndtype: fp64\n`, `'dtype' must be bf16, fp32 or fp16, not "fp64"`, 4, 8],
    [`${base}  lora_attn_modules: [q_proj]\nbatch_size: 0\n`, "'batch_size' must be at least 1, not 0", 4, 13],
  ];
  for (const [text, message, line, column] of cases) assert.deepEqual(scanYaml(text).findings[0].error, { message, line, column }, text);
  // a LoRA builder without lora_attn_modules: torchtune requires them
  assert.match(scanYaml(base).findings[0].error?.message ?? '', /lora_attn_modules' is required/);
  // LoRA defaults: rank 8 (the lora_* builders' default)
  const rank = scanYaml(`${base}  lora_attn_modules: [q_proj, v_proj]\n`).jobs[0];
  assert.deepEqual(rank.settings.lora, { rank: 8, targets: ['q_proj', 'v_proj'], qlora: false });
  assert.deepEqual(rank.defaults.map((d) => [d.setting, d.value]), [['lora.rank', 8]]);
  // Hydra configs say _target_, not _component_
  assert.equal(scanYaml('model:\n  _target_: my.Model\nother:\n  _component_: mylib.Thing\n').findings.length, 0);
});

test('recipe memory features: optimizer_in_bwd, the loss component and activation offloading reach the estimate', async () => {
  const { advisorInputForJob } = await import('../../src/core/job');
  const { inventoryForRef } = await import('../../src/core/models');
  // The settings of torchtune's llama3_1/8B_full_single_device.yaml (README "Memory and training speed").
  const text = [
    'model:', '  _component_: torchtune.models.llama3_1.llama3_1_8b',
    'batch_size: 2', 'optimizer:', '  _component_: bitsandbytes.optim.PagedAdamW8bit', '  lr: 2e-5',
    'loss:', '  _component_: torchtune.modules.loss.CEWithChunkedOutputLoss',
    'gradient_accumulation_steps: 1', 'optimizer_in_bwd: True', 'enable_activation_checkpointing: True',
    'enable_activation_offloading: False', 'dtype: bf16', '',
  ].join('\n');
  const job = scanYaml(text).jobs[0];
  assert.equal(job.settings.optimizerInBackward, true);
  // torchtune runs the loss eagerly unless `compile: True` (its default is False).
  assert.deepEqual(job.settings.loss, { kind: 'chunked', chunks: 8, compiled: false });
  assert.equal(job.settings.activationOffload, false);
  assert.deepEqual(job.sources.optimizerInBackward?.range, on(10, 19, 23)); // `optimizer_in_bwd: True`
  const input = advisorInputForJob(job, inventoryForRef('meta-llama/Llama-3.1-8B'), { gpuMemoryBytes: 24 * 2 ** 30, priority: 'memory' });
  assert.equal(input.estimateBase.optimizerInBackward, true);
  assert.deepEqual(input.estimateBase.loss, { kind: 'chunked', chunks: 8, compiled: false });
  // num_output_chunks is read; an unknown loss is a warning, not a guess.
  const custom = scanYaml(text.replace('CEWithChunkedOutputLoss', 'LinearCrossEntropyLoss\n  num_output_chunks: 16'));
  assert.deepEqual(custom.jobs[0].settings.loss, { kind: 'chunked', chunks: 16, compiled: false });
  const compiled = scanYaml(text.replace('dtype: bf16', 'dtype: bf16\ncompile: True'));
  assert.deepEqual(compiled.jobs[0].settings.loss, { kind: 'chunked', chunks: 8, compiled: true });
  const other = scanYaml(text.replace('torchtune.modules.loss.CEWithChunkedOutputLoss', 'my.Loss'));
  assert.equal(other.jobs[0].settings.loss, undefined);
});
