/**
 * GPT-NeoX config YAML (configs/*.yml): DeepSpeed keys and NeoX arguments in one file, the network built from the
 * config's own shape arguments. The parameter count is checked against the published Pythia-160M figure (Biderman et
 * al. 2023, Pythia, Table 1: 162,322,944), the rules against NeoX's own code (neox_args.py, ParallelMLP).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFix, optimizerFix } from '../../src/core/fixes';
import { pasteFormatOf } from '../../src/core/fixes/paste';
import { countParams } from '../../src/core/models';
import { resolveModelSource } from '../../src/core/model-source';
import { resolveOptimizer } from '../../src/core/optimizers';
import { scanFiles } from '../../src/core/scan';

// EleutherAI/gpt-neox configs/pythia/160M.yml, the keys that bear on the model, memory and the optimizer.
const PYTHIA_160M = `{
  "pipe_parallel_size": 1,
  "model_parallel_size": 1,
  "num_layers": 12,
  "hidden_size": 768,
  "num_attention_heads": 12,
  "seq_length": 2048,
  "max_position_embeddings": 2048,
  "pos_emb": "rotary",
  "rotary_pct": 0.25,
  "no_weight_tying": true,
  "gpt_j_residual": true,
  "optimizer": {
    "type": "Adam",
    "params": { "lr": 0.0006, "betas": [0.9, 0.95], "eps": 1.0e-8 }
  },
  "zero_optimization": { "stage": 1 },
  "train_micro_batch_size_per_gpu": 32,
  "checkpoint_activations": true,
  "weight_decay": 0.1,
  "fp16": { "enabled": true },
  "train_iters": 143000,
  "lr_decay_iters": 143000,
  "warmup": 0.01,
  "tokenizer_type": "HFTokenizer"
}
`;

test('a GPT-NeoX config forms a job: DeepSpeed keys, NeoX arguments, and its own network counted as Pythia-160M', () => {
  const result = scanFiles([{ path: '160M.yml', text: PYTHIA_160M }]);
  assert.deepEqual(result.findings.map((f) => [f.path, f.kind, f.error]), [['160M.yml', 'gpt-neox-config', undefined]]);
  const job = result.jobs[0];
  assert.deepEqual(job.settings, {
    optimizer: 'Adam',
    optimizerParams: { betas: [0.9, 0.95], eps: 1e-8 },
    learningRate: 0.0006,
    zeroStage: 1,
    // zero_optimization states no bucket key: DeepSpeed's defaults apply (memory/zero.ts)
    deepspeedZero: {},
    perDeviceBatchSize: 32,
    precision: 'fp16-mixed',
    weightDecay: 0.1,
    maxSteps: 143000,
    // warmup is a share of lr_decay_iters, here the whole run
    warmupRatio: 0.01,
    seqLen: 2048,
    gradientCheckpointing: true,
    // neither gradient_accumulation_steps nor train_batch_size written: NeoX's calculate_batch_parameters sets 1 (a default)
    gradAccum: 1,
  });
  assert.equal(job.sources['gradAccum'], undefined);
  assert.match(job.defaults.find((d) => d.setting === 'gradAccum')?.source.url ?? '', /gpt-neox\/blob\/[0-9a-f]{40}\/megatron\/neox_arguments\/arguments\.py$/);
  // NeoX's "Adam" is apex FusedAdam with adam_w_mode=True: AdamW, as DeepSpeed's "Adam" resolves
  assert.equal(resolveOptimizer('Adam', job.settings.optimizerParams, job.optimizerEcosystem)?.id, 'adamw');
  assert.equal(job.model?.kind, 'script-config');
  const resolved = resolveModelSource(job, { readText: () => '' });
  assert.equal(resolved.status, 'resolved');
  if (resolved.status !== 'resolved') return;
  // Pythia-160M: 162,322,944 parameters (untied embed_out, vocabulary 50,277 padded to 50,304)
  assert.equal(countParams(resolved.model.inventory).total, 162322944);
  const vocab = job.model?.kind === 'script-config' ? job.model.vocab : undefined;
  assert.equal(vocab?.value, 50304);
  assert.ok(vocab !== undefined && 'assumption' in vocab && /GPT-NeoX-20B tokenizer/.test(vocab.assumption));
});

test('GPT-NeoX: padded_vocab_size is read with its position; unwritten weight_decay and warmup are NeoX defaults', () => {
  const text = '{\n  "num_layers": 2,\n  "hidden_size": 64,\n  "num_attention_heads": 4,\n  "pos_emb": "rotary",\n  "padded_vocab_size": 1024,\n  "train_micro_batch_size_per_gpu": 2\n}\n';
  const job = scanFiles([{ path: 'tiny.yml', text }]).jobs[0];
  const vocab = job.model?.kind === 'script-config' ? job.model.vocab : undefined;
  assert.deepEqual(vocab, { value: 1024, source: { path: 'tiny.yml', range: { line: 6, column: 24, endLine: 6, endColumn: 28 } } });
  // NeoX ties the output to the input embedding unless no_weight_tying
  assert.equal(job.model?.kind === 'script-config' && job.model.config['tie_word_embeddings'], true);
  assert.deepEqual(job.defaults.filter((d) => d.setting === 'weightDecay' || d.setting === 'warmupRatio').map((d) => [d.setting, d.value]), [['weightDecay', 0.1], ['warmupRatio', 0.01]]);
});

test('GPT-NeoX: a layout other than GPT-NeoX\'s (RMSNorm, SwiGLU, learned positions) is a warning at its key and no model, never a wrong count', () => {
  const llama = '{\n  "num_layers": 32,\n  "hidden_size": 4096,\n  "num_attention_heads": 32,\n  "pos_emb": "rotary",\n  "norm": "rmsnorm",\n  "activation": "swiglu",\n  "optimizer": {"type": "Adam", "params": {"lr": 3.0e-4}},\n}\n';
  const r = scanFiles([{ path: '7B.yml', text: llama }]);
  assert.equal(r.findings[0].kind, 'gpt-neox-config');
  assert.equal(r.jobs[0].model, null);
  const w = r.warnings.find((x) => x.message.includes('GPT-NeoX network is not built'));
  assert.ok(w !== undefined, JSON.stringify(r.warnings));
  assert.match(w.message, /norm "rmsnorm"/);
  assert.equal(w.line, 6);
  // learned positions are NeoX's default: a table of parameters the gpt_neox layout does not have
  const learned = scanFiles([{ path: 'x.yml', text: '{"num_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "train_micro_batch_size_per_gpu": 1}\n' }]);
  assert.equal(learned.jobs[0].model, null);
  assert.ok(learned.warnings.some((x) => /pos_emb "learned" \(NeoX's default\)/.test(x.message)), JSON.stringify(learned.warnings));
  // a tokenizer whose vocabulary only its file knows
  const spm = scanFiles([{ path: 'y.yml', text: '{"num_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "pos_emb": "rotary", "tokenizer_type": "SPMTokenizer", "optimizer": {"type": "Adam"}}\n' }]);
  assert.equal(spm.jobs[0].model, null);
  assert.ok(spm.warnings.some((x) => /tokenizer_type "SPMTokenizer"/.test(x.message)));
});

test('GPT-NeoX: a bad precision is the error at its position', () => {
  const r = scanFiles([{ path: 'z.yml', text: '{\n  "num_layers": 2,\n  "hidden_size": 64,\n  "num_attention_heads": 4,\n  "precision": "fp8",\n  "optimizer": {"type": "Adam"}\n}\n' }]);
  assert.deepEqual([r.findings[0].error?.line, r.findings[0].error?.column], [5, 16]);
  assert.match(r.findings[0].error?.message ?? '', /'precision' must be fp16, bfloat16 or fp32, not "fp8"/);
});

test('GPT-NeoX: the optimizer fix does not write DeepSpeed spellings into NeoX\'s own type names, and the change to paste is not a DeepSpeed block', () => {
  const job = scanFiles([{ path: '160M.yml', text: PYTHIA_160M }]).jobs[0];
  const hp = { lr: 1e-4, betas: [0.9, 0.99], eps: null, weightDecay: 0.1, warmup: null, schedule: { kind: 'cosine', detail: 'cosine decay' }, extra: {} } as const;
  const result = optimizerFix({ path: '160M.yml', text: PYTHIA_160M, job, target: 'lion', hyperparameters: hp });
  assert.ok(!isFix(result));
  assert.match('unavailable' in result ? result.unavailable : '', /GPT-NeoX's optimizer types/);
  assert.equal(pasteFormatOf(job), 'pytorch');
});

// EleutherAI/gpt-neox README: `python ./deepy.py train.py -d configs 125M.yml local_setup.yml`, the configs merged by
// NeoXArgs.from_ymls (megatron/neox_arguments/arguments.py): in order, `-` read as `_`, a key two files set refused.
const LOCAL_SETUP = '{\n  "data_path": "data/enwik8/enwik8_text_document",\n  "vocab_file": "data/gpt2-vocab.json",\n  "num-gpus": 8\n}\n';

test('GPT-NeoX: a deepy.py launch with several config files (and a -d folder) reads them merged, each value from its file', () => {
  for (const launch of ['python ./deepy.py train.py -d configs 160M.yml local_setup.yml', 'python deepy.py train.py --conf_dir=configs 160M.yml local_setup.yml', 'python ./deepy.py train.py configs/160M.yml configs/local_setup.yml']) {
    const report = scanFiles([
      { path: 'configs/160M.yml', text: PYTHIA_160M },
      { path: 'configs/local_setup.yml', text: LOCAL_SETUP },
      { path: 'scripts/run.sh', text: `#!/bin/bash\n${launch}\n` },
    ]);
    assert.equal(report.jobs.length, 1, launch);
    const job = report.jobs[0];
    assert.equal(job.id, 'configs/160M.yml');
    assert.deepEqual(job.files, ['configs/160M.yml', 'configs/local_setup.yml', 'scripts/run.sh'], launch);
    // `num-gpus` of the second file, read as NeoX reads it (num_gpus)
    assert.equal(job.settings.gpus, 8, launch);
    assert.equal(job.sources['gpus']?.path, 'configs/local_setup.yml');
    assert.equal(job.sources['gpus']?.range.line, 4);
    assert.equal(job.settings.perDeviceBatchSize, 32);
    assert.equal(job.sources['perDeviceBatchSize']?.path, 'configs/160M.yml');
    assert.equal(job.model?.kind, 'script-config');
  }
});

test('GPT-NeoX: a key two launch files set is refused by NeoX: a note at the later key, the first value read; a missing file is a note', () => {
  const report = scanFiles([
    { path: 'configs/160M.yml', text: PYTHIA_160M },
    { path: 'configs/override.yml', text: '{\n  "train_micro_batch_size_per_gpu": 8,\n  "num_gpus": 2\n}\n' },
    { path: 'run.sh', text: 'python ./deepy.py train.py configs/160M.yml configs/override.yml configs/missing.yml\n' },
  ]);
  const job = report.jobs[0];
  assert.equal(job.settings.perDeviceBatchSize, 32);
  assert.equal(job.settings.gpus, 2);
  const notes = (job.assumptions ?? []).join('\n');
  assert.match(notes, /configs\/override\.yml:2:3: 'train_micro_batch_size_per_gpu' is also set by configs\/160M\.yml, and NeoX refuses the launch/);
  assert.match(notes, /run\.sh:1:66: the config file 'configs\/missing\.yml' is not among the scanned files/);
});

// NeoX's batch arithmetic (megatron/neox_arguments/arguments.py @ ea7aefd8, NeoXArgs.calculate_derived and
// calculate_batch_parameters): dp = global_num_gpus / pipe_parallel_size / model_parallel_size; DeepSpeed's world size is dp.
const SHAPE = '  "num_layers": 2,\n  "hidden_size": 64,\n  "num_attention_heads": 4,\n  "pos_emb": "rotary",\n  "padded_vocab_size": 1024,\n  "zero_optimization": { "stage": 1 },\n';
const neox = (keys: string) => scanFiles([{ path: 'c.yml', text: `{\n${SHAPE}${keys}\n}\n` }]);

test('GPT-NeoX: global_num_gpus is the GPU count; the accumulation or micro-batch left out is derived over the data-parallel size', () => {
  // 16 GPUs, pipe 2 x model 2: dp 4. train 256 / micro 8 = 32, / dp 4 = 8 steps of accumulation.
  const a = neox('  "global_num_gpus": 16,\n  "pipe_parallel_size": 2,\n  "model_parallel_size": 2,\n  "train_batch_size": 256,\n  "train_micro_batch_size_per_gpu": 8').jobs[0];
  assert.equal(a.settings.gpus, 16);
  assert.equal(a.sources['gpus']?.range.line, 8, 'at global_num_gpus');
  assert.equal(a.settings.gradAccum, 8);
  assert.equal(a.sources['gradAccum']?.range.line, 11, 'at train_batch_size, which it is derived from');
  assert.equal(a.defaults.find((d) => d.setting === 'gradAccum'), undefined);
  // train 256 and accumulation 4 over dp 4: micro 256 / 4 / 4 = 16
  const b = neox('  "global_num_gpus": 16,\n  "pipe_parallel_size": 2,\n  "model_parallel_size": 2,\n  "train_batch_size": 256,\n  "gradient_accumulation_steps": 4').jobs[0];
  assert.deepEqual([b.settings.perDeviceBatchSize, b.settings.gradAccum, b.settings.gpus], [16, 4, 16]);
  // only train_batch_size: accumulation 1, micro = 64 / dp 8 (pipe_parallel_size 0 and model 1 count as 1)
  const c = neox('  "global_num_gpus": 8,\n  "pipe_parallel_size": 0,\n  "train_batch_size": 64').jobs[0];
  assert.deepEqual([c.settings.perDeviceBatchSize, c.settings.gradAccum], [8, 1]);
  assert.equal(c.sources['gradAccum'], undefined, "NeoX's 1, a default");
  // global_num_gpus wins over num_gpus (calculate_derived uses it first)
  const d = neox('  "global_num_gpus": 4,\n  "num_gpus": 8,\n  "train_micro_batch_size_per_gpu": 2').jobs[0];
  assert.equal(d.settings.gpus, 4);
  assert.equal(d.settings.gradAccum, 1);
});

test('GPT-NeoX: batch keys that do not fit the data-parallel size, or a GPU count pipe x model does not divide, are errors at their key', () => {
  const split = neox('  "global_num_gpus": 6,\n  "model_parallel_size": 4,\n  "train_micro_batch_size_per_gpu": 2');
  assert.equal(split.findings[0].error?.line, 8);
  assert.match(split.findings[0].error?.message ?? '', /\(global_num_gpus \/ pipe_parallel_size\) \/ model_parallel_size \[\(6 \/ 1\) \/ 4\] must be a whole number/);
  // all three written: 64 != 4 x 2 x dp 4
  const all = neox('  "global_num_gpus": 8,\n  "model_parallel_size": 2,\n  "train_batch_size": 64,\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 2');
  assert.equal(all.findings[0].error?.line, 10);
  assert.match(all.findings[0].error?.message ?? '', /train_batch_size 64 must be train_micro_batch_size_per_gpu x gradient_accumulation_steps x the data-parallel size: 4 x 2 x 4/);
  // 100 over micro 8 and dp 4 is no whole accumulation
  const odd = neox('  "global_num_gpus": 4,\n  "train_batch_size": 100,\n  "train_micro_batch_size_per_gpu": 8');
  assert.match(odd.findings[0].error?.message ?? '', /train_batch_size 100 is not train_micro_batch_size_per_gpu x gradient_accumulation_steps x the data-parallel size 4/);
});

test('GPT-NeoX: with all three batch keys and no global_num_gpus, the GPUs are their data-parallel size times pipe x model', () => {
  // 128 = 4 x 2 x dp 16; pipe 4 x model 2: 128 GPUs
  const job = neox('  "pipe_parallel_size": 4,\n  "model_parallel_size": 2,\n  "train_batch_size": 128,\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 2').jobs[0];
  assert.equal(job.settings.gpus, 128);
  assert.equal(job.sources['gpus']?.range.line, 10);
  // no model or pipeline parallelism: DeepSpeed's world size is the GPU count
  const plain = neox('  "train_batch_size": 128,\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 2').jobs[0];
  assert.equal(plain.settings.gpus, 16);
});
