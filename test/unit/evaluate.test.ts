/**
 * Evaluating a scanned job end to end (src/core/evaluate.ts): model resolution through a text
 * callback, the optimizer resolved in the ecosystem of the file that names it, the advisor, and the
 * current optimizer's estimate made with the advisor's own inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recommend } from '../../src/core/advisor';
import { resolveCurrentOptimizer, resolveJobSpelling } from '../../src/core/current-optimizer';
import { evaluateJob, type FileAccess } from '../../src/core/evaluate';
import { OPTIMIZER_IDS } from '../../src/core/optimizers/registry';
import { inventoryForRef } from '../../src/core/models';
import { scanFiles } from '../../src/core/scan';
import type { ScanJob } from '../../src/core/scan/results';
import type { ScanFile } from '../../src/core/scan/types';
import { InputError } from '../../src/core/types';

/** GPT-2 small as published (huggingface.co/openai-community/gpt2 config.json). */
const GPT2_CONFIG = JSON.stringify({
  activation_function: 'gelu_new', architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_ctx: 1024, n_embd: 768, n_head: 12,
  n_inner: null, n_layer: 12, n_positions: 1024, vocab_size: 50257, tie_word_embeddings: true, layer_norm_epsilon: 1e-5,
});
/** GPT-2 small's parameter count with the tied LM head counted once (the figure transformers reports). */
const GPT2_PARAMS = 124_439_808;
const GiB = 2 ** 30;

function files(...list: ScanFile[]): { job: ScanJob; access: FileAccess } {
  const report = scanFiles(list);
  assert.equal(report.jobs.length, 1, JSON.stringify(report.findings));
  return { job: report.jobs[0], access: { readText: (p) => list.find((f) => f.path === p)?.text ?? '' } };
}

test('a Trainer job with its config.json: AdamW states are 2 x fp32 per parameter, and the estimate is the advisor\'s', () => {
  const { job, access } = files(
    { path: 'config.json', text: GPT2_CONFIG },
    { path: 'training_args.json', text: '{"output_dir": "o", "optim": "adamw_torch", "learning_rate": 5e-5, "per_device_train_batch_size": 8, "bf16": true}' },
  );
  const e = evaluateJob(job, access, { gpuMemoryBytes: 24 * GiB, priority: 'quality' });
  assert.equal(e.model.source, 'config.json');
  assert.ok(e.currentEstimate);
  assert.equal(e.currentEstimate.resolved.id, 'adamw');
  assert.equal(e.currentEstimate.estimate.params.total, GPT2_PARAMS);
  // bf16 mixed precision keeps fp32 parameters, so AdamW's exp_avg and exp_avg_sq are fp32: 8 bytes per parameter.
  assert.equal(e.currentEstimate.estimate.bytes.optimizerState, GPT2_PARAMS * 8);
  assert.equal(e.currentEstimate.input.batchSize, 8);
  assert.equal(e.currentEstimate.input.seqLen, 1024, 'capped at n_positions');
  // The same peak the ranking shows for the current optimizer.
  assert.equal(e.currentEstimate.recommendation.peakBytes, e.currentEstimate.estimate.bytes.peak);
  assert.equal(e.currentEstimate.estimate.fits, e.currentEstimate.estimate.bytes.peak <= 24 * GiB);
  // And the whole ranking equals recommend() on the same input.
  assert.deepEqual(e.result.recommendations.map((r) => r.optimizer), recommend(e.input).recommendations.map((r) => r.optimizer));
});

test('a hub id resolves to the bundled preset; an unknown one is an InputError at its position', () => {
  const { job, access } = files({ path: 'args.json', text: '{"output_dir": "o", "model_name_or_path": "gpt2", "optim": "adamw_torch"}' });
  const e = evaluateJob(job, access, { gpuMemoryBytes: null, priority: 'memory' });
  assert.equal(e.model.source, 'gpt2');
  assert.equal(e.currentEstimate?.estimate.fits, null);
  const unknown = files({ path: 'args.json', text: '{\n  "output_dir": "o",\n  "model_name_or_path": "nobody/no-such-model",\n  "optim": "adamw_torch"\n}' });
  assert.throws(() => evaluateJob(unknown.job, unknown.access, { gpuMemoryBytes: null, priority: 'quality' }), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.equal(err.file, 'args.json');
    assert.equal(err.line, 3);
    return true;
  });
});

test('an unknown optimizer spelling: an error by default, reported (and ranked without) when ignored', () => {
  const { job, access } = files({ path: 'args.json', text: '{\n  "output_dir": "o",\n  "model_name_or_path": "gpt2",\n  "optim": "adamw_torh"\n}' });
  assert.throws(() => evaluateJob(job, access, { gpuMemoryBytes: null, priority: 'quality' }), (err: unknown) => err instanceof InputError && err.line === 4 && /adamw_torh/.test(err.message));
  const e = evaluateJob(job, access, { gpuMemoryBytes: null, priority: 'quality', unknownOptimizer: 'ignore' });
  assert.deepEqual(e.current, {
    kind: 'unknown', spelling: 'adamw_torh', message: "unknown optimizer 'adamw_torh'",
    provenance: { kind: 'written', source: { path: 'args.json', range: { line: 4, column: 12, endLine: 4, endColumn: 24 } } },
  });
  assert.equal(e.input.current, null);
  assert.equal(e.currentEstimate, null);
  assert.equal(e.result.recommendations.length, OPTIMIZER_IDS.length, 'every catalog optimizer is ranked');
});

test('spellings resolve in the ecosystem of the file that names them (DeepSpeed "Adam" is AdamW)', () => {
  const ds = '{"train_micro_batch_size_per_gpu": 2, "optimizer": {"type": "Adam", "params": {"lr": 1e-4}}, "zero_optimization": {"stage": 1}}';
  const { job } = files(
    { path: 'config.json', text: GPT2_CONFIG },
    { path: 'training_args.json', text: '{"output_dir": "o", "deepspeed": "ds.json", "learning_rate": 1e-4}' },
    { path: 'ds.json', text: ds },
  );
  const current = resolveCurrentOptimizer(job);
  // DeepSpeed's docs: "Adam" runs FusedAdam with adam_w_mode=True (AdamW) unless adam_w_mode is false.
  assert.equal(current.kind === 'resolved' ? current.resolved.id : current.kind, 'adamw');
  // An import path read in another ecosystem still resolves by its module prefix.
  assert.equal(resolveJobSpelling('bitsandbytes.optim.Lion', {}, 'pytorch')?.id, 'lion');
  assert.equal(resolveJobSpelling('no.such.Optimizer', {}, 'pytorch'), undefined);
});

test('a given model replaces the job\'s own (Estimate Memory for a job without a model)', () => {
  const job: ScanJob = { id: '(no job)', folder: '.', files: [], model: null, settings: { optimizer: 'adamw-8bit' }, sources: {}, defaults: [], pendingLora: null };
  assert.throws(() => evaluateJob(job, { readText: () => '' }, { gpuMemoryBytes: null, priority: 'quality' }), InputError);
  const e = evaluateJob(job, { readText: () => '' }, { gpuMemoryBytes: 80 * GiB, priority: 'quality', model: { inventory: inventoryForRef('gpt2'), source: 'gpt2' } });
  assert.equal(e.currentEstimate?.resolved.id, 'adamw-8bit');
  assert.equal(e.currentEstimate?.estimate.params.total, GPT2_PARAMS);
});

test('the current optimizer carries its hyperparameters and where it comes from; the advisor input uses the same one', () => {
  const ds = '{"train_micro_batch_size_per_gpu": 2, "optimizer": {"type": "Adam", "params": {"lr": 1e-4, "betas": [0.9, 0.95]}}, "zero_optimization": {"stage": 1}}';
  const written = files(
    { path: 'config.json', text: GPT2_CONFIG },
    { path: 'training_args.json', text: '{"output_dir": "o", "deepspeed": "ds.json", "learning_rate": 1e-4}' },
    { path: 'ds.json', text: ds },
  );
  const current = resolveCurrentOptimizer(written.job);
  assert.equal(current.kind, 'resolved');
  if (current.kind !== 'resolved') return;
  assert.equal(current.provenance.kind, 'written');
  assert.equal(current.provenance.kind === 'written' ? current.provenance.source.path : null, 'ds.json');
  assert.deepEqual(current.hyperparameters['betas'], [0.9, 0.95]);
  const e = evaluateJob(written.job, written.access, { gpuMemoryBytes: 24 * GiB, priority: 'quality' });
  assert.equal(e.input.current?.id, 'adamw');
  assert.equal(e.current.kind === 'resolved' ? e.current.resolved.id : null, 'adamw');

  // HF Trainer without `optim`: the Trainer's default, named as a default with its citation.
  const defaulted = files(
    { path: 'config.json', text: GPT2_CONFIG },
    { path: 'training_args.json', text: '{"output_dir": "o", "learning_rate": 5e-5}' },
  );
  const d = resolveCurrentOptimizer(defaulted.job);
  assert.equal(d.kind, 'resolved');
  if (d.kind !== 'resolved') return;
  assert.equal(d.provenance.kind, 'default');
  assert.equal(d.provenance.kind === 'default' ? d.provenance.default?.key : null, 'optim');
});
