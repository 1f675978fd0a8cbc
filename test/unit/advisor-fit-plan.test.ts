/**
 * When nothing fits, the advisor orders the optimizers by the smallest change that makes each fit (README "When
 * nothing fits"): a 7B full fine-tune on one 24 GiB GPU lists first the cheapest plan, with GaLore at its authors'
 * settings for that size (jiaweizzhao/GaLore README, "Train 7B model with a single GPU with 24GB memory"). The plan's
 * peak and the rungs below it are checked against the estimator run independently on the inputs the plan describes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { recommend } from '../../src/core/advisor/engine';
import type { AdvisorInput } from '../../src/core/advisor/types';
import { resolveEstimateInput } from '../../src/core/memory/defaults';
import { estimateMemory } from '../../src/core/memory/estimate';
import { inventoryForRef } from '../../src/core/models';
import { resolveOptimizer } from '../../src/core/optimizers';
import { runCli } from '../../src/cli/main';
import type { RecommendJson } from '../../src/cli/json/recommend';

const GiB = 2 ** 30;
const ROOT = path.resolve(__dirname, '..', '..', '..');
const llama = inventoryForRef('meta-llama/Llama-2-7b-hf');
/** Full fine-tune, bf16 weights (the GaLore README's --dtype bfloat16), micro-batch 4 x 8 accumulation, one 24 GiB GPU. */
const job: AdvisorInput = {
  model: llama,
  estimateBase: { gpuMemoryBytes: 24 * GiB, batchSize: 4, gradAccum: 8, precision: 'bf16' },
  fineTune: true,
  priority: 'quality',
};

test('7B full fine-tune on one 24 GiB GPU: nothing fits, and the first entry carries the cheapest plan that does', () => {
  const r = recommend(job);
  assert.ok(r.recommendations.every((x) => x.fits !== true));
  const top = r.recommendations[0]!;
  const plan = top.fitPlan;
  assert.ok(plan, 'the first entry has a plan');
  assert.equal(plan.fits, true);
  assert.ok(plan.peakBytes <= 24 * GiB);
  // GaLore is the lowest rung that fits: checkpointing, then GaLore's 8-bit per-layer run; nothing above it.
  assert.equal(top.optimizer, 'galore-adamw');
  assert.deepEqual(plan.steps.map((s) => s.id), ['gradient-checkpointing', 'galore']);
  assert.equal(plan.level, 3);
  const galore = plan.steps[1]!;
  assert.match(galore.text, /galore_adamw_8bit_layerwise/);
  assert.match(galore.text, /rank=1024,update_proj_gap=500,scale=0\.25/);
  assert.match(galore.text, /learning_rate=0\.005/);
  assert.ok(galore.changes.length > 0 && plan.steps.every((s) => s.changes.length > 0));
  // The advised hyperparameters of the entry are the same recipe.
  assert.deepEqual([top.hyperparameters.extra.rank, top.hyperparameters.extra.update_proj_gap, top.hyperparameters.extra.scale, top.hyperparameters.lr], [1024, 500, 0.25, 0.005]);
  // The result's plan (what the sidebar and the CLI show) is the first entry's.
  assert.deepEqual(r.strategyPlan, plan);
  assert.ok(r.notes.some((n) => n.rule === 'nothing-fits-smallest-change'));
});

test('7B on 24 GiB: the plan\'s peak is the estimator\'s for the job it describes, and the rungs below do not fit', () => {
  const r = recommend(job);
  const plan = r.recommendations[0]!.fitPlan!;
  const batch = Number(/per_device_train_batch_size=(\d+)/.exec(plan.steps[1]!.text)?.[1]);
  assert.ok(batch >= 1 && batch <= 4);
  const hyperparameters = { rank: 1024, update_proj_gap: 500, scale: 0.25 };
  const galore = resolveOptimizer('galore_adamw_8bit_layerwise', hyperparameters, 'hf')!;
  const base = { model: llama, gpuMemoryBytes: 24 * GiB, precision: 'bf16' as const };
  const after = estimateMemory(resolveEstimateInput({ ...base, optimizer: galore, hyperparameters, gradientCheckpointing: true, batchSize: batch, gradAccum: 1 }));
  assert.equal(after.bytes.peak, plan.peakBytes);
  assert.equal(after.fits, true);
  // Rung 1 (checkpointing, micro-batch 1 with the same global batch) and rung 2 (+ 8-bit AdamW) do not fit.
  const adamw = resolveOptimizer('adamw')!;
  const adamw8 = resolveOptimizer('AdamW8bit', {}, 'bitsandbytes')!;
  for (const optimizer of [adamw, adamw8]) {
    const e = estimateMemory(resolveEstimateInput({ ...base, optimizer, hyperparameters: {}, gradientCheckpointing: true, batchSize: 1, gradAccum: 32 }));
    assert.equal(e.fits, false, optimizer.spelling);
  }
});

test('7B on 24 GiB: entries are ordered by the rung their plan needs; equal plans keep the measured order', () => {
  const r = recommend(job);
  const planned = r.recommendations.filter((x) => x.tier === 'does-not-fit');
  const levels = planned.map((x) => (x.fitPlan ? x.fitPlan.level! : Number.POSITIVE_INFINITY));
  for (let i = 1; i < levels.length; i++) assert.ok(levels[i - 1]! <= levels[i]!, `${planned[i - 1]!.optimizer} before ${planned[i]!.optimizer}`);
  // SGD keeps no state, yet needs adapters to fit (its full gradients and bf16 weights do not fit): below GaLore's rung.
  const sgd = r.recommendations.find((x) => x.optimizer === 'sgd')!;
  assert.ok(sgd.fitPlan && sgd.fitPlan.level! > 3);
  // Not-recommended (Hessian) candidates stay last, without a plan.
  assert.deepEqual(r.recommendations.slice(-2).map((x) => [x.optimizer, x.fitPlan]).sort(), [['adahessian', undefined], ['sophia', undefined]]);
});

test('when something fits, no plan is computed and the order is the measured one', () => {
  const r = recommend({ ...job, estimateBase: { ...job.estimateBase, gpuMemoryBytes: 160 * GiB } });
  assert.ok(r.recommendations.some((x) => x.fits === true));
  assert.ok(r.recommendations.every((x) => x.fitPlan === undefined));
  assert.ok(!r.notes.some((n) => n.rule === 'nothing-fits-smallest-change'));
});

test('CLI: recommend --json on the Llama-2-7B example with 24 GiB and bf16 weights lists GaLore\'s plan first, in the declared schema', async () => {
  let out = '';
  const code = await runCli(['recommend', 'examples/llama2-7b-sft', '--gpu-memory', '24GiB', '--load-dtype', 'bf16', '--json'], { cwd: ROOT, out: (t) => (out += t), err: () => undefined });
  assert.equal(code, 0);
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'recommend.schema.json'), 'utf8')));
  assert.ok(validate(JSON.parse(out)), ajv.errorsText(validate.errors));
  const doc = JSON.parse(out) as RecommendJson;
  const first = doc.jobs[0]!.recommendations![0]!;
  assert.equal(first.optimizer, 'galore-adamw');
  assert.deepEqual(first.fitPlan?.steps.map((s) => s.id), ['gradient-checkpointing', 'galore']);
  assert.equal(first.fitPlan?.fits, true);
  // The change to paste comes in the job's own format first (an HF TrainingArguments JSON file), with the plan that
  // makes GaLore fit: 8-bit per-layer GaLore on attn/mlp, checkpointing, micro-batch 2 (the plan's text says the same).
  const change = first.change![0]!;
  assert.equal(change.format, 'hf-trainer');
  assert.match(change.code, /optim="galore_adamw_8bit_layerwise"/);
  assert.match(change.code, /optim_target_modules=\["attn", "mlp"\]/);
  assert.match(change.code, /gradient_checkpointing=True/);
  assert.match(change.code, /per_device_train_batch_size=2,/);
  assert.match(change.code, /optim_args="rank=1024,update_proj_gap=500,scale=0\.25"/);
  assert.equal(change.minVersion, '4.39.0');
  let table = '';
  await runCli(['recommend', 'examples/llama2-7b-sft', '--gpu-memory', '24GiB', '--load-dtype', 'bf16'], { cwd: ROOT, out: (t) => (table += t), err: () => undefined });
  assert.match(table, /to fit/);
  assert.match(table, /1\s+galore-adamw\s+no\s+[\d.]+ GiB\s+checkpointing \+ GaLore/);
  assert.match(table, /Smallest change that fits/);
  assert.match(table, /Change to paste \(hf-trainer; needs transformers, galore-torch, transformers >= 4\.39\.0\)/);
});

test('7B with fp32 base weights (mixed precision keeps them) on 24 GiB: nothing below QLoRA fits, so QLoRA alone comes first', () => {
  const r = recommend({ model: llama, estimateBase: { gpuMemoryBytes: 24 * GiB }, fineTune: null, hubId: 'meta-llama/Llama-2-7b-hf', priority: 'quality' });
  const top = r.recommendations[0]!;
  assert.deepEqual(top.fitPlan?.steps.map((s) => s.id), ['qlora']);
  assert.equal(top.fitPlan?.level, 5);
  // The fp32 weights alone (4 bytes per parameter) exceed the budget, which is why no lower rung can fit.
  assert.ok(6.7e9 * 4 > 24 * GiB);
});
