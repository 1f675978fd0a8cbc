/**
 * DeepSpeed "auto" filled the way the Hugging Face Trainer's DeepSpeed integration fills it
 * (transformers integrations/deepspeed.py, HfTrainerDeepSpeedConfig.trainer_config_process and
 * trainer_config_finalize): one assertion per rule, the values derived by hand from the files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJob } from '../../src/core/evaluate';
import { DEEPSPEED_AUTO_RULES, scanFiles } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';
import { loadFolder } from './scan-formats-helpers';

const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** Every key the integration fills, set to "auto". */
const ALL_AUTO = {
  train_micro_batch_size_per_gpu: 'auto',
  gradient_accumulation_steps: 'auto',
  train_batch_size: 'auto',
  gradient_clipping: 'auto',
  fp16: { enabled: 'auto' },
  bf16: { enabled: 'auto' },
  optimizer: { type: 'AdamW', params: { lr: 'auto', betas: 'auto', eps: 'auto', weight_decay: 'auto' } },
  scheduler: { type: 'WarmupDecayLR', params: { warmup_min_lr: 'auto', warmup_max_lr: 'auto', warmup_num_steps: 'auto', total_num_steps: 'auto' } },
  zero_optimization: { stage: 3, reduce_bucket_size: 'auto', stage3_prefetch_bucket_size: 'auto', stage3_param_persistence_threshold: 'auto' },
};

const ARGS = {
  output_dir: 'o', model_name_or_path: 'gpt2', per_device_train_batch_size: 4, gradient_accumulation_steps: 8, fp16: true,
  learning_rate: 3e-5, weight_decay: 0.01, adam_beta1: 0.85, adam_epsilon: 1e-6, max_grad_norm: 0.3, max_steps: 1000, warmup_ratio: 0.05,
  deepspeed: 'ds.json',
};

function autosOf(files: ScanFile[]) {
  const report = scanFiles(files);
  assert.deepEqual(report.findings.filter((f) => f.error).map((f) => f.error), []);
  assert.equal(report.jobs.length, 1);
  const job = report.jobs[0];
  return { job, byKey: new Map((job.autoValues ?? []).map((v) => [v.key, v])) };
}

test('every "auto" the Trainer fills is filled from the Trainer arguments, with where it came from', () => {
  const { job, byKey } = autosOf([{ path: 'args.json', text: json(ARGS) }, { path: 'ds.json', text: json(ALL_AUTO) }]);
  const value = (key: string) => byKey.get(key)?.value;
  assert.equal(value('train_micro_batch_size_per_gpu'), 4);
  assert.match(byKey.get('train_micro_batch_size_per_gpu')?.from ?? '', /per_device_train_batch_size in args\.json/);
  assert.equal(value('gradient_accumulation_steps'), 8);
  assert.equal(value('gradient_clipping'), 0.3);
  assert.equal(value('fp16.enabled'), true);
  assert.equal(value('bf16.enabled'), false);
  assert.equal(value('optimizer.params.lr'), 3e-5);
  // adam_beta2 is not written: the TrainingArguments default 0.999 completes the pair.
  assert.deepEqual(value('optimizer.params.betas'), [0.85, 0.999]);
  assert.equal(value('optimizer.params.eps'), 1e-6);
  assert.equal(value('optimizer.params.weight_decay'), 0.01);
  assert.equal(value('scheduler.params.warmup_min_lr'), 0);
  assert.equal(value('scheduler.params.warmup_max_lr'), 3e-5);
  assert.equal(value('scheduler.params.total_num_steps'), 1000);
  // get_warmup_steps: ceil(1000 × 0.05) = 50
  assert.equal(value('scheduler.params.warmup_num_steps'), 50);
  // No launcher says how many GPUs: train_batch_size = world size × 4 × 8 stays unknown.
  assert.equal(value('train_batch_size'), null);
  assert.match(byKey.get('train_batch_size')?.from ?? '', /world size/);
  // The hidden-size keys wait for the model.
  assert.equal(value('zero_optimization.reduce_bucket_size'), null);
  assert.equal(byKey.get('zero_optimization.reduce_bucket_size')?.awaits, 'model');
  // The settings the estimator uses are the Trainer's, and the DeepSpeed optimizer gets the filled params.
  assert.equal(job.settings.perDeviceBatchSize, 4);
  assert.equal(job.settings.gradAccum, 8);
  assert.equal(job.settings.precision, 'fp16-mixed');
  assert.equal(job.settings.zeroStage, 3);
  assert.equal(job.settings.optimizer, 'AdamW');
  assert.deepEqual(job.settings.optimizerParams, { betas: [0.85, 0.999], eps: 1e-6 });
  // Every rule of the table was exercised by this file.
  assert.deepEqual([...byKey.keys()].sort(), DEEPSPEED_AUTO_RULES.map((r) => r.key).sort());
});

test('Trainer defaults fill "auto" when the arguments leave the key out, and say so', () => {
  const { byKey } = autosOf([
    { path: 'args.json', text: json({ output_dir: 'o', learning_rate: 1e-4, deepspeed: 'ds.json' }) },
    { path: 'ds.json', text: json({ train_micro_batch_size_per_gpu: 'auto', gradient_clipping: 'auto', bf16: { enabled: 'auto' }, zero_optimization: { stage: 2 } }) },
  ]);
  // TrainingArguments: per_device_train_batch_size = 8, max_grad_norm = 1.0, bf16 = False
  assert.equal(byKey.get('train_micro_batch_size_per_gpu')?.value, 8);
  assert.match(byKey.get('train_micro_batch_size_per_gpu')?.from ?? '', /default per_device_train_batch_size \(8\)/);
  assert.equal(byKey.get('gradient_clipping')?.value, 1);
  assert.equal(byKey.get('bf16.enabled')?.value, false);
});

test('the world size from a launcher fills train_batch_size', () => {
  const { byKey } = autosOf([
    { path: 'args.json', text: json({ output_dir: 'o', per_device_train_batch_size: 2, gradient_accumulation_steps: 4, deepspeed: 'ds.json' }) },
    { path: 'ds.json', text: json({ train_batch_size: 'auto', zero_optimization: { stage: 2 } }) },
    { path: 'accelerate.yaml', text: 'compute_environment: LOCAL_MACHINE\ndistributed_type: MULTI_GPU\nnum_processes: 8\n' },
  ]);
  assert.equal(byKey.get('train_batch_size')?.value, 8 * 2 * 4);
});

test('without Trainer arguments, "auto" is an assumption naming what would fill it, never an error', () => {
  const report = scanFiles([
    { path: 'ds.json', text: json(ALL_AUTO) },
    { path: 'accelerate.yaml', text: 'compute_environment: LOCAL_MACHINE\ndistributed_type: DEEPSPEED\nnum_processes: 8\ndeepspeed_config:\n  deepspeed_config_file: ds.json\n' },
    { path: 'config.json', text: json({ model_type: 'gpt2', n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024, vocab_size: 50257 }) },
  ]);
  assert.deepEqual(report.findings.map((f) => f.error), [undefined, undefined, undefined]);
  const job = report.jobs[0];
  const micro = job.autoValues?.find((v) => v.key === 'train_micro_batch_size_per_gpu');
  assert.equal(micro?.value, null);
  assert.match(micro?.from ?? '', /per_device_train_batch_size of the Hugging Face Trainer, which this job does not run/);
  assert.equal(job.settings.zeroStage, 3);
  const e = evaluateJob(job, { readText: (p) => (p === 'config.json' ? json({ model_type: 'gpt2', n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024, vocab_size: 50257 }) : '') }, { gpuMemoryBytes: null, priority: 'quality' });
  assert.ok(e.jobAssumptions.some((a) => a.startsWith('ds.json: "train_micro_batch_size_per_gpu" is "auto" and stays unknown')), e.jobAssumptions.join('\n'));
});

test('a key the Trainer does not fill stays unresolved with the reason', () => {
  const { byKey } = autosOf([
    { path: 'args.json', text: json({ output_dir: 'o', learning_rate: 1e-4, deepspeed: 'ds.json' }) },
    { path: 'ds.json', text: json({ zero_optimization: { stage: 'auto' } }) },
  ]);
  assert.equal(byKey.get('zero_optimization.stage')?.value, null);
  assert.match(byKey.get('zero_optimization.stage')?.from ?? '', /does not fill this key/);
});

test('LLaMA-Factory: its YAML fills the ZeRO-3 config\'s "auto", and the hidden-size keys follow the model', () => {
  const report = scanFiles(loadFolder('launch', 'llamafactory'));
  assert.deepEqual(report.findings.map((f) => [f.path, f.kind, f.error?.message]), [
    ['examples/deepspeed/ds_z3_config.json', 'deepspeed-config', undefined],
    ['examples/train_full/llama3_full_sft.yaml', 'hf-training-args-yaml', undefined],
    ['train.sh', 'shell-script', undefined],
  ]);
  assert.equal(report.jobs.length, 1);
  const job = report.jobs[0];
  assert.deepEqual(job.files, ['examples/deepspeed/ds_z3_config.json', 'examples/train_full/llama3_full_sft.yaml', 'train.sh']);
  assert.equal(job.settings.zeroStage, 3);
  assert.equal(job.settings.perDeviceBatchSize, 1);
  assert.equal(job.settings.seqLen, 2048, 'cutoff_len');
  const byKey = new Map((job.autoValues ?? []).map((v) => [v.key, v]));
  assert.equal(byKey.get('train_micro_batch_size_per_gpu')?.value, 1);
  assert.equal(byKey.get('gradient_accumulation_steps')?.value, 2);
  assert.equal(byKey.get('bf16.enabled')?.value, true);
  assert.equal(byKey.get('fp16.enabled')?.value, false);
  // A model whose config states hidden_size 4096 (Llama 3 8B): hidden², 0.9 × hidden², 10 × hidden.
  const llama = json({
    model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32,
    num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 128256, max_position_embeddings: 8192, tie_word_embeddings: false,
  });
  const local = { ...job, model: { kind: 'config-file' as const, path: 'config.json' } };
  const e = evaluateJob(local, { readText: () => llama }, { gpuMemoryBytes: null, priority: 'quality' });
  const filled = new Map(e.autoValues.map((v) => [v.key, v.value]));
  assert.equal(filled.get('zero_optimization.reduce_bucket_size'), 4096 * 4096);
  assert.equal(filled.get('zero_optimization.stage3_prefetch_bucket_size'), 0.9 * 4096 * 4096);
  assert.equal(filled.get('zero_optimization.stage3_param_persistence_threshold'), 40960);
  // train_batch_size = 8 GPUs (train.sh) × 1 × 2; every "auto" is resolved, nothing assumed.
  assert.equal(filled.get('train_batch_size'), 16);
  assert.deepEqual(e.jobAssumptions, []);
});

test("the hidden size is the config's hidden_size or the field its config class maps it to (GPT-2's n_embd)", () => {
  const { job } = autosOf([
    { path: 'args.json', text: json({ output_dir: 'o', learning_rate: 1e-5, deepspeed: 'ds.json' }) },
    { path: 'ds.json', text: json({ zero_optimization: { stage: 3, reduce_bucket_size: 'auto', stage3_param_persistence_threshold: 'auto' } }) },
  ]);
  const gpt2 = json({ model_type: 'gpt2', n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024, vocab_size: 50257 });
  const local = { ...job, model: { kind: 'config-file' as const, path: 'config.json' } };
  const e = evaluateJob(local, { readText: () => gpt2 }, { gpuMemoryBytes: null, priority: 'quality' });
  const filled = new Map(e.autoValues.map((v) => [v.key, v.value]));
  assert.equal(filled.get('zero_optimization.reduce_bucket_size'), 768 * 768);
  assert.equal(filled.get('zero_optimization.stage3_param_persistence_threshold'), 7680);
});

test('a ZeRO-2 reduce_bucket_size of "auto" is sized hidden_size² for the estimate, beside the overlap_comm the config states', () => {
  const { job } = autosOf([
    { path: 'args.json', text: json({ output_dir: 'o', learning_rate: 1e-5, deepspeed: 'ds.json' }) },
    { path: 'ds.json', text: json({ bf16: { enabled: true }, optimizer: { type: 'AdamW', params: { lr: 1e-5 } }, zero_optimization: { stage: 2, reduce_bucket_size: 'auto', overlap_comm: true } }) },
  ]);
  // "auto" is not a stated size: the setting holds only what the config writes.
  assert.deepEqual(job.settings.deepspeedZero, { overlapComm: true });
  const gpt2 = json({ model_type: 'gpt2', n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024, vocab_size: 50257 });
  const local = { ...job, model: { kind: 'config-file' as const, path: 'config.json' } };
  const e = evaluateJob(local, { readText: () => gpt2 }, { gpuMemoryBytes: null, priority: 'quality' });
  const buckets = e.currentEstimate?.input.zeroBuckets;
  assert.equal(buckets?.reduceBucketSize, 768 * 768);
  assert.equal(buckets?.overlapComm, true);
  assert.match(buckets?.reduceBucketSizeFrom ?? '', /"auto" in ds\.json, filled with the model's hidden_size² \(hidden_size 768\)/);
  // Two buckets (overlap_comm) of 768² bf16 elements, named with where the size came from; contiguous_gradients assumed.
  const note = e.currentEstimate?.estimate.notes.find((n) => n.startsWith('ZeRO-2 gradient reduction'));
  assert.ok(note?.includes('two buckets of reduce_bucket_size 589,824 elements ("auto" in ds.json'), note);
  assert.ok(note?.includes("contiguous_gradients true (DeepSpeed's defaults, assumption)"), note);
});
