/** DeepSpeed config JSON: recognition by content, settings with ranges, joining, "auto", errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOptimizer } from '../../src/core/optimizers';
import { jobZeroBuckets } from '../../src/core/job';
import { inventoryForRef } from '../../src/core/models';
import { scanFiles } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';
import { loadFolder, on } from './scan-formats-helpers';

const json = (value: unknown): string => JSON.stringify(value, null, 2);

test('a DeepSpeed config referenced by Trainer arguments joins their job and its values win', () => {
  const result = scanFiles(loadFolder('scan-formats', 'deepspeed'));
  assert.deepEqual(result.findings.map((f) => [f.path, f.kind, f.error]), [
    ['args.json', 'hf-training-args', undefined],
    ['ds/zero3_offload.json', 'deepspeed-config', undefined],
  ]);
  const ds = result.findings[1];
  const field = (name: string) => ds.fields.find((f) => f.name === name);
  // hand-counted in ds/zero3_offload.json:
  // line 2 `  "train_micro_batch_size_per_gpu": 2,`: the 30-letter key in quotes spans columns 3-34, the value is at 37
  assert.deepEqual(field('train_micro_batch_size_per_gpu'), { name: 'train_micro_batch_size_per_gpu', value: 2, range: on(2, 37, 38) });
  // line 4 `  "train_batch_size": 128,`: "train_batch_size" spans 3-20, the value 23-25
  assert.deepEqual(field('train_batch_size')?.range, on(4, 23, 26));
  // line 7 `    "type": "Adam",`: the string "Adam" with its quotes spans 13-18
  assert.deepEqual(field('optimizer.type'), { name: 'optimizer.type', value: 'Adam', range: on(7, 13, 19) });
  // line 8 `    "params": {"lr": 3e-5, ...`: 3e-5 at 22-25
  assert.deepEqual(field('optimizer.params.lr'), { name: 'optimizer.params.lr', value: 3e-5, range: on(8, 22, 26) });
  // line 11 `    "stage": 3,` and line 13 `    "offload_param": {"device": "cpu"}`
  assert.deepEqual(field('zero_optimization.stage')?.range, on(11, 14, 15));
  assert.deepEqual(field('zero_optimization.offload_param.device'), { name: 'zero_optimization.offload_param.device', value: 'cpu', range: on(13, 33, 38) });

  assert.equal(result.jobs.length, 1);
  const job = result.jobs[0];
  assert.equal(job.id, 'args.json');
  assert.deepEqual(job.files, ['args.json', 'ds/zero3_offload.json']);
  assert.equal(job.settings.optimizer, 'Adam');
  assert.equal(job.optimizerEcosystem, 'deepspeed');
  // DeepSpeed's "Adam" is AdamW unless adam_w_mode is false (deepspeed/ops/adam/fused_adam.py)
  assert.equal(resolveOptimizer(job.settings.optimizer as string, job.settings.optimizerParams, job.optimizerEcosystem)?.id, 'adamw');
  assert.deepEqual(job.settings.optimizerParams, { betas: [0.9, 0.95], adam_w_mode: true });
  // the DeepSpeed values replace the Trainer's optim and learning_rate
  assert.equal(job.settings.learningRate, 3e-5);
  assert.equal(job.settings.weightDecay, 0.1);
  assert.equal(job.settings.perDeviceBatchSize, 2);
  assert.equal(job.settings.gradAccum, 8);
  // train_batch_size = micro batch x accumulation x GPUs: 128 = 2 x 8 x 8
  assert.equal(job.settings.gpus, 128 / (2 * 8));
  assert.equal(job.settings.zeroStage, 3);
  assert.equal(job.settings.offload, 'params');
  assert.equal(job.settings.precision, 'bf16-mixed');
  assert.deepEqual(job.sources.optimizer, { path: 'ds/zero3_offload.json', range: on(7, 13, 19) });
  assert.deepEqual(job.sources.zeroStage, { path: 'ds/zero3_offload.json', range: on(11, 14, 15) });
  assert.deepEqual(job.model, { kind: 'hub-id', id: 'meta-llama/Llama-2-7b-hf', path: 'args.json', range: on(2, 25, 51) });
  assert.deepEqual(result.warnings, []);
});

test('recognised by content under any name; other JSON is not a DeepSpeed config', () => {
  const positives: [string, unknown][] = [
    ['any-name.json', { zero_optimization: { stage: 1 } }],
    ['x/y.json', { train_micro_batch_size_per_gpu: 'auto' }],
    ['cfg.json', { train_batch_size: 32, fp16: { enabled: true } }],
    ['opt.json', { optimizer: { type: 'Lamb', params: { lr: 1e-3 } }, gradient_clipping: 1.0 }],
  ];
  for (const [path, value] of positives) {
    assert.deepEqual(scanFiles([{ path, text: json(value) }]).findings.map((f) => f.kind), ['deepspeed-config'], path);
  }
  const negatives: [string, unknown][] = [
    ['package.json', { name: 'x', version: '1.0.0', scripts: { test: 'node --test' } }],
    ['tsconfig.json', { compilerOptions: { strict: true } }],
    // trainer_state.json has train_batch_size, but no DeepSpeed section
    ['trainer_state.json', { train_batch_size: 8, global_step: 100, log_history: [] }],
    ['ds_like.json', { optimizer: 'adam', steps: 10 }],
  ];
  for (const [path, value] of negatives) assert.deepEqual(scanFiles([{ path, text: json(value) }]).findings, [], path);
});

test('"auto" values are fields, not settings; the Trainer fills them', () => {
  const files: ScanFile[] = [
    { path: 'args.json', text: json({ output_dir: 'o', learning_rate: 2e-5, per_device_train_batch_size: 4, fp16: true, deepspeed: 'ds.json' }) },
    {
      path: 'ds.json',
      text: json({
        fp16: { enabled: 'auto' },
        optimizer: { type: 'AdamW', params: { lr: 'auto', weight_decay: 'auto' } },
        train_micro_batch_size_per_gpu: 'auto',
        gradient_accumulation_steps: 'auto',
        train_batch_size: 'auto',
        zero_optimization: { stage: 2, offload_optimizer: { device: 'cpu' } },
      }),
    },
  ];
  const result = scanFiles(files);
  const ds = result.findings.find((f) => f.path === 'ds.json');
  assert.deepEqual(ds?.fields.filter((f) => f.value === 'auto').map((f) => f.name), [
    'fp16.enabled', 'optimizer.params.lr', 'optimizer.params.weight_decay', 'train_micro_batch_size_per_gpu', 'gradient_accumulation_steps', 'train_batch_size',
  ]);
  const s = result.jobs[0].settings;
  assert.equal(s.optimizer, 'AdamW');
  assert.equal(s.learningRate, 2e-5);
  assert.equal(s.perDeviceBatchSize, 4);
  assert.equal(s.precision, 'fp16-mixed');
  assert.equal(s.zeroStage, 2);
  assert.equal(s.offload, 'optimizer');
  assert.equal(s.gpus, undefined);
});

test('an inline deepspeed dict in Trainer arguments is read like a DeepSpeed file', () => {
  const result = scanFiles([{ path: 'a.json', text: json({ output_dir: 'o', learning_rate: 1e-5, deepspeed: { zero_optimization: { stage: 3 }, bf16: { enabled: true } } }) }]);
  const job = result.jobs[0];
  assert.equal(job.settings.zeroStage, 3);
  assert.equal(job.settings.precision, 'bf16-mixed');
  assert.ok(result.findings[0].fields.some((f) => f.name === 'deepspeed.zero_optimization.stage' && f.value === 3));
});

test('bad DeepSpeed configs are error findings with their position and join no job', () => {
  const cases: [unknown, string, number, number][] = [
    // `{\n  "zero_optimization": {\n    "stage": 4\n  }\n}`: the 4 is on line 3 at column 14
    [{ zero_optimization: { stage: 4 } }, "'zero_optimization.stage' must be at most 3, not 4", 3, 14],
    [{ zero_optimization: { stage: '2' } }, `'zero_optimization.stage' must be an integer, not a string ("2")`, 3, 14],
    [{ zero_optimization: { offload_optimizer: { device: 'gpu' } } }, `'zero_optimization.offload_optimizer.device' must be "cpu", "nvme" or "none", not "gpu"`, 4, 17],
    // 100 = 4 x 8 x N has no whole N
    [{ train_batch_size: 100, train_micro_batch_size_per_gpu: 4, gradient_accumulation_steps: 8 }, "'train_batch_size' (100) must be train_micro_batch_size_per_gpu × gradient_accumulation_steps × the number of GPUs (4 × 8 × N)", 2, 23],
  ];
  for (const [value, message, line, column] of cases) {
    const result = scanFiles([{ path: 'ds.json', text: json(value) }]);
    assert.deepEqual(result.findings[0].error, { message, line, column }, JSON.stringify(value));
  }
  // a truncated file is recognised by its keys; line 2 `  "zero_optimization": {"stage": 2` ends at column 34
  const truncated = scanFiles([{ path: 'ds.json', text: '{\n  "zero_optimization": {"stage": 2' }]);
  assert.deepEqual(truncated.findings, [
    { path: 'ds.json', kind: 'deepspeed-config', fields: [], error: { message: 'unexpected end of file (truncated JSON?)', line: 2, column: 35 } },
  ]);
  // both fp16 and bf16 on
  const both = scanFiles([{ path: 'ds.json', text: json({ zero_optimization: { stage: 1 }, fp16: { enabled: true }, bf16: { enabled: true } }) }]);
  assert.equal(both.findings[0].error?.message, 'DeepSpeed cannot enable fp16 and bf16 at the same time');
});

test('comments are read (DeepSpeed uses hjson) with a warning that transformers cannot', () => {
  const result = scanFiles([{ path: 'ds.json', text: '{\n  // ZeRO-2\n  "zero_optimization": {"stage": 2},\n  "train_micro_batch_size_per_gpu": 4,\n}' }]);
  assert.equal(result.findings[0].error, undefined);
  assert.deepEqual(result.findings[0].fields.map((f) => [f.name, f.value]), [['zero_optimization.stage', 2], ['train_micro_batch_size_per_gpu', 4]]);
  assert.deepEqual([result.warnings[0].line, result.warnings[0].column], [2, 3]);
  assert.match(result.warnings[0].message, /comments are not allowed in JSON: DeepSpeed reads this file \(hjson\), but transformers/);
});

test('zero_optimization: the bucket keys are read (5e8 written with an exponent is a whole number), a fraction is an error', () => {
  const files = (zero: string): ScanFile[] => [
    { path: 'args.json', text: json({ output_dir: 'o', model_name_or_path: 'gpt2', learning_rate: 1e-5, deepspeed: 'ds.json' }) },
    { path: 'ds.json', text: `{"train_micro_batch_size_per_gpu": 1, "zero_optimization": ${zero}}` },
  ];
  const stated = scanFiles(files('{"stage": 2, "reduce_bucket_size": 5e8, "overlap_comm": true, "contiguous_gradients": false}'));
  assert.deepEqual(stated.jobs[0]?.settings.deepspeedZero, { reduceBucketSize: 500_000_000, overlapComm: true, contiguousGradients: false });
  // A zero_optimization section that states none of them still marks the job's ZeRO as DeepSpeed's.
  const bare = scanFiles(files('{"stage": 2}'));
  assert.deepEqual(bare.jobs[0]?.settings.deepspeedZero, {});
  const bad = scanFiles(files('{"stage": 2, "reduce_bucket_size": 2.5}'));
  const error = bad.findings.find((f) => f.path === 'ds.json')?.error;
  assert.match(error?.message ?? '', /reduce_bucket_size' must be a whole number of elements, not 2\.5/);
  assert.equal(error?.line, 1);
});

test('the estimate gets DeepSpeed buckets only for a DeepSpeed ZeRO: FSDP gets none, an unknown ZeRO DeepSpeed\'s defaults', () => {
  const result = scanFiles([
    { path: 'args.json', text: json({ output_dir: 'o', model_name_or_path: 'gpt2', learning_rate: 1e-5, deepspeed: 'ds.json' }) },
    { path: 'ds.json', text: json({ zero_optimization: { stage: 2, reduce_bucket_size: 2e8 } }) },
  ]);
  const job = result.jobs[0];
  assert.ok(job !== undefined);
  const model = inventoryForRef('gpt2');
  assert.deepEqual(jobZeroBuckets(job, model), { reduceBucketSize: 2e8 });
  const { deepspeedZero: _, ...others } = job.settings;
  assert.equal(jobZeroBuckets({ ...job, settings: { ...others, fsdp: 'accelerate' } }, model), null);
  assert.equal(jobZeroBuckets({ ...job, settings: others }, model), undefined);
});

test('data_types.grad_accum_dtype: kept with the ZeRO settings; refused by DeepSpeed without ZeRO; a note where it is not modelled', () => {
  // DeepSpeed @ edaa7221 engine.py get_data_types / _do_optimizer_sanity_check; DtypeEnum's spellings (runtime/config.py)
  const files = (ds: unknown): ScanFile[] => [
    { path: 'args.json', text: json({ output_dir: 'o', model_name_or_path: 'gpt2', learning_rate: 1e-5, deepspeed: 'ds.json' }) },
    { path: 'ds.json', text: json(ds) },
  ];
  // bf16 at ZeRO-1: BF16_Optimizer, whose fp32 buffer the estimator counts (memory-zero.test.ts): no note
  const bf16 = scanFiles(files({ bf16: { enabled: true }, zero_optimization: { stage: 1 }, data_types: { grad_accum_dtype: 'float32' } })).jobs[0];
  assert.deepEqual(bf16?.settings.deepspeedZero, { gradAccumDtype: 'fp32' });
  assert.deepEqual(bf16?.sources['deepspeedZero.gradAccumDtype']?.range.line, 9);
  assert.equal(bf16?.notModelled, undefined);
  // ZeRO-2: DeepSpeedZeroOptimizer accumulates in fp32, not modelled, said so
  const stage2 = scanFiles(files({ bf16: { enabled: true }, zero_optimization: { stage: 2 }, data_types: { grad_accum_dtype: 'fp32' } })).jobs[0];
  assert.ok((stage2?.notModelled ?? []).some((n) => /^ds\.json:9: data_types\.grad_accum_dtype fp32 with a bf16 model at ZeRO-2: DeepSpeed's ZeRO optimizer accumulates the gradients in fp32/.test(n)), JSON.stringify(stage2?.notModelled));
  // no ZeRO: DeepSpeed raises "unsupported mix", a warning at the key
  const none = scanFiles(files({ train_micro_batch_size_per_gpu: 1, fp16: { enabled: true }, data_types: { grad_accum_dtype: 'fp32' } }));
  const warning = none.warnings.find((w) => w.path === 'ds.json');
  assert.match(warning?.message ?? '', /'data_types\.grad_accum_dtype' fp32 differs from the fp16 model without ZeRO: DeepSpeed refuses the mix/);
  // the model's own dtype changes nothing; an unknown spelling is an error at its position
  const same = scanFiles(files({ bf16: { enabled: true }, zero_optimization: { stage: 2 }, data_types: { grad_accum_dtype: 'bf16' } })).jobs[0];
  assert.equal(same?.notModelled, undefined);
  const bad = scanFiles(files({ zero_optimization: { stage: 1 }, data_types: { grad_accum_dtype: 'double' } }));
  assert.match(bad.findings.find((f) => f.path === 'ds.json')?.error?.message ?? '', /'data_types\.grad_accum_dtype' must be fp32, fp16 or bf16 \(DeepSpeed's DtypeEnum spellings\), not "double"/);
});

test("an autotuning config's list of ZeRO stages is the autotuner's search space: a warning, not an error", () => {
  // SOURCE: EleutherAI/gpt-neox, configs/autotuning_configs/small_tune.json ("autotuning": {"enabled": true}, "stage": [0, 1, 2, 3]).
  const tuned = scanFiles([{ path: 'ds_config.json', text: json({ train_micro_batch_size_per_gpu: 1, autotuning: { enabled: true }, zero_optimization: { stage: [0, 1, 2, 3] } }) }]);
  const finding = tuned.findings.find((f) => f.path === 'ds_config.json');
  assert.equal(finding?.error, undefined);
  assert.ok(tuned.warnings.some((w) => /autotuner .* tries each listed ZeRO stage \(0, 1, 2, 3\)/.test(w.message)), JSON.stringify(tuned.warnings));
  // without autotuning, a list is still a wrong type
  const plain = scanFiles([{ path: 'ds_config.json', text: json({ train_micro_batch_size_per_gpu: 1, zero_optimization: { stage: [0, 1, 2, 3] } }) }]);
  assert.match(plain.findings.find((f) => f.path === 'ds_config.json')?.error?.message ?? '', /'zero_optimization\.stage' must be an integer, not an array/);
});
