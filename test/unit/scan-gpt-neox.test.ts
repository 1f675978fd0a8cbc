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
  });
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
