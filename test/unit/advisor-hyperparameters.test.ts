import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveHyperparameters, nearestRow, selectRecipe, type CatalogFacts } from '../../src/core/advisor/hyperparameters';
import { GPT3_LR_BY_SIZE } from '../../src/core/advisor/recipes';
import type { JobFacts } from '../../src/core/advisor/types';
import type { OptimizerId } from '../../src/core/optimizers/types';

function job(over: Partial<JobFacts> = {}): JobFacts {
  return {
    family: 'transformer', stacks: 'decoder', params: 6.74e9, trainableParams: 6.74e9, fineTune: false,
    lora: false, qlora: false, globalBatch: 512, microBatch: 4, seqLen: 4096, gpus: 128, precision: 'bf16-mixed',
    priority: 'quality', gradientCheckpointing: false, zeroStage: 0, memoryKnown: true, memoryBound: false,
    task: 'unspecified', detection: null, architecture: 'generic',
    ...over,
  };
}

const NO_CATALOG: CatalogFacts = { defaults: {} };
const hp = (optimizer: OptimizerId, facts: JobFacts, catalog: CatalogFacts = NO_CATALOG) =>
  deriveHyperparameters({ optimizer, facts, catalog });

test('decoder pre-training follows GPT-3: nearest Table 2.1 row, betas (0.9, 0.95), wd 0.1, 375M warmup tokens', () => {
  const { advice, basis } = hp('adamw', job());
  assert.equal(advice.lr, 1.2e-4); // GPT-3 6.7B row for a 6.74B model
  assert.deepEqual(advice.betas, [0.9, 0.95]);
  assert.equal(advice.eps, 1e-8);
  assert.equal(advice.weightDecay, 0.1);
  // 375e6 tokens / (512 sequences x 4096 tokens) = 178.8 -> 179 steps
  assert.deepEqual(advice.warmup, { unit: 'steps', value: Math.ceil(375e6 / (512 * 4096)) });
  assert.equal(advice.warmup?.value, 179);
  assert.equal(advice.schedule.kind, 'cosine');
  assert.ok(basis[0].rule === 'hp:recipe:gpt3-pretrain' && basis[0].evidence.some((e) => e.id === 'brown-2020-gpt3'));
});

test('nearest GPT-3 row on a log scale', () => {
  assert.equal(nearestRow(GPT3_LR_BY_SIZE, 124e6).lr, 6.0e-4); // GPT-2 small -> GPT-3 Small
  // 1e9: ln(1e9/760e6) = 0.274 > ln(1.3e9/1e9) = 0.262 -> the 1.3B row
  assert.equal(nearestRow(GPT3_LR_BY_SIZE, 1e9).lr, 2.0e-4);
  assert.equal(nearestRow(GPT3_LR_BY_SIZE, 70e9).lr, 0.6e-4); // ln(175/70) = 0.92 < ln(70/13) = 1.68 -> the 175B row
});

test('Lion is AdamW with lr divided and weight decay multiplied by the cited factor 3', () => {
  const facts = job();
  const adamw = hp('adamw', facts).advice;
  const lion = hp('lion', facts);
  assert.equal(lion.advice.lr, (adamw.lr as number) / 3);
  assert.equal(lion.advice.weightDecay, adamw.weightDecay * 3);
  assert.deepEqual(lion.advice.betas, [0.9, 0.99]);
  assert.deepEqual(lion.advice.warmup, adamw.warmup);
  const rule = lion.basis.find((r) => r.rule === 'hp:lion-from-adamw');
  assert.ok(rule && rule.evidence.some((e) => e.id === 'chen-2023-lion-hyperparameters'));
  // Fine-tuning with LoRA: QLoRA's 2e-4 for a 7B model, so Lion gets 2e-4 / 3.
  const lora = job({ fineTune: true, lora: true });
  assert.equal(hp('adamw', lora).advice.lr, 2e-4);
  assert.equal(hp('lion', lora).advice.lr, 2e-4 / 3);
});

test('fine-tuning recipes: Alpaca for billion-parameter decoders, BERT code for encoders, QLoRA for adapters', () => {
  const full = hp('adamw', job({ fineTune: true })).advice;
  assert.equal(full.lr, 2e-5);
  assert.equal(full.weightDecay, 0);
  assert.deepEqual(full.warmup, { unit: 'ratio', value: 0.03 });
  assert.equal(full.schedule.kind, 'cosine');

  const bert = hp('adamw', job({ fineTune: true, stacks: 'encoder', params: 110e6 })).advice;
  assert.equal(bert.lr, 5e-5);
  assert.equal(bert.eps, 1e-6);
  assert.equal(bert.weightDecay, 0.01);
  assert.deepEqual(bert.warmup, { unit: 'ratio', value: 0.1 });

  const small = hp('adamw', job({ fineTune: true, params: 124e6 })).advice;
  assert.equal(small.lr, 5e-5); // HF Trainer default
  assert.equal(small.warmup, null);

  assert.equal(hp('adamw', job({ fineTune: true, lora: true, params: 65e9 })).advice.lr, 1e-4);
  assert.equal(hp('adamw', job({ fineTune: true, lora: true, params: 13e9 })).advice.lr, 2e-4);
  assert.equal(selectRecipe(job({ fineTune: true, lora: true })).schedule.kind, 'constant');
});

test('CNN from scratch: Goyal et al. linear scaling 0.1 per 256, 5 warmup epochs only for larger batches', () => {
  const cnn = job({ family: 'cnn', stacks: 'cnn', params: 25.6e6, globalBatch: 1024 });
  const nesterov = hp('nesterov', cnn).advice;
  assert.equal(nesterov.lr, (0.1 * 1024) / 256);
  assert.deepEqual(nesterov.warmup, { unit: 'epochs', value: 5 });
  assert.equal(nesterov.weightDecay, 1e-4);
  assert.deepEqual(nesterov.extra, { momentum: 0.9, nesterov: true });
  assert.deepEqual(hp('sgd-momentum', cnn).advice.extra, { momentum: 0.9, nesterov: false });
  assert.equal(hp('sgd', cnn).advice.extra.momentum, 0);
  const base = hp('sgd-momentum', { ...cnn, globalBatch: 256 }).advice;
  assert.equal(base.lr, 0.1);
  assert.equal(base.warmup, null);
  assert.equal(base.schedule.kind, 'step');
  // AdamW on a CNN: torch defaults, keeping the recipe's warmup and schedule.
  const adamw = hp('adamw', cnn).advice;
  assert.equal(adamw.lr, 1e-3);
  assert.equal(adamw.weightDecay, 1e-2);
  assert.deepEqual(adamw.warmup, { unit: 'epochs', value: 5 });
  // Fine-tuning a CNN: the PyTorch transfer-learning tutorial.
  assert.equal(hp('sgd-momentum', { ...cnn, fineTune: true }).advice.lr, 0.001);
});

test('Adafactor: HF fixed-lr settings when fine-tuning, relative step from scratch', () => {
  const ft = hp('adafactor', job({ fineTune: true, stacks: 'encoder-decoder', params: 220e6 })).advice;
  assert.equal(ft.lr, 1e-3);
  assert.equal(ft.extra.relative_step, false);
  assert.equal(ft.extra.scale_parameter, false);
  assert.equal(ft.extra.warmup_init, false);
  const scratch = hp('adafactor', job()).advice;
  assert.equal(scratch.lr, null);
  assert.equal(scratch.extra.relative_step, true);
  assert.equal(scratch.schedule.kind, 'relative-step');
});

test('Shampoo grafts from AdamW, Schedule-Free keeps the AdamW lr without decay, Adam drops decoupled decay', () => {
  const facts = job();
  const adamw = hp('adamw', facts).advice;
  const shampoo = hp('shampoo', facts).advice;
  assert.equal(shampoo.lr, adamw.lr);
  assert.equal(shampoo.eps, 1e-12);
  assert.equal(shampoo.extra.grafting_epsilon, adamw.eps);
  assert.equal(shampoo.extra.grafting_beta2, 0.95);
  const sf = hp('schedule-free-adamw', facts).advice;
  assert.equal(sf.lr, adamw.lr);
  assert.equal(sf.schedule.kind, 'constant');
  const adam = hp('adam', facts);
  assert.equal(adam.advice.weightDecay, 0);
  assert.ok(adam.basis.some((r) => r.rule === 'hp:adam-l2'));
});

test('optimizers without a transfer rule use their reference defaults, and the basis says so', () => {
  const catalog: CatalogFacts = {
    defaults: { lr: 0.01, momentum: 0.9, weight_decay: 0, l2: 0 },
    reference: { title: 'MXNet Signum', url: 'https://mxnet.apache.org/versions/master/api/python/docs/_modules/mxnet/optimizer/signum.html' },
  };
  const { advice, basis } = hp('signum', job(), catalog);
  assert.equal(advice.lr, 0.01);
  assert.deepEqual(advice.extra, { momentum: 0.9, l2: 0 });
  assert.equal(advice.schedule.kind, 'cosine'); // the job's schedule
  assert.equal(basis[0].rule, 'hp:reference-defaults');
  assert.ok(basis[0].evidence.some((e) => e.id === 'catalog:signum'));
});

test('a derived lr outside the catalog range is flagged; a published recipe value is not', () => {
  const range = { low: 1e-4, high: 3e-4, source: { title: 'range source' } };
  const lion = hp('lion', job(), { defaults: {}, lrRange: range });
  assert.ok(lion.basis.some((r) => r.rule === 'hp:outside-catalog-range')); // 1.2e-4 / 3 = 4e-5 < 1e-4
  const adamw = hp('adamw', job({ fineTune: true }), { defaults: {}, lrRange: range });
  assert.ok(!adamw.basis.some((r) => r.rule === 'hp:outside-catalog-range')); // Alpaca's 2e-5 is a published value
});

test('every basis reason cites at least one source', () => {
  const jobs = [job(), job({ fineTune: true }), job({ family: 'cnn', stacks: 'cnn' }), job({ stacks: 'vision' })];
  const ids: OptimizerId[] = ['adamw', 'adam', 'lion', 'adafactor', 'shampoo', 'schedule-free-adamw', 'sgd-momentum', 'lamb', 'adamw-8bit'];
  for (const facts of jobs) {
    for (const id of ids) {
      for (const r of hp(id, facts, { defaults: { lr: 1e-3 }, reference: { title: 'ref' } }).basis) {
        assert.ok(r.evidence.length > 0, `${id} ${r.rule}`);
      }
    }
  }
});

// ---- Bounded by the job and by each optimizer's own source ---------------------------------------------

test('warmup is bounded by the job\'s total steps: GPT-3\'s 375M tokens at batch 32 x 512 would be 22,889 steps', () => {
  const facts = job({ globalBatch: 32, seqLen: 512 });
  // Unknown length: the recipe's warmup stays, and the basis says it could not be checked.
  const unknown = hp('adamw', facts);
  assert.deepEqual(unknown.advice.warmup, { unit: 'steps', value: Math.ceil(375e6 / (32 * 512)) });
  assert.equal(unknown.advice.warmup?.value, 22889);
  assert.ok(unknown.basis.some((r) => r.rule === 'hp:warmup-unchecked' && /total steps are unknown/.test(r.text)));
  // max_steps 5000: at most 1/5 of it (LAMB's 32K row, the longest warmup of the cited recipes).
  const known = hp('adamw', { ...facts, totalSteps: 5000 });
  assert.deepEqual(known.advice.warmup, { unit: 'steps', value: 1000 });
  assert.ok(known.basis.some((r) => r.rule === 'hp:warmup-bound' && r.text.includes('22889 to 1000')));
  // A warmup inside the bound is left alone and says nothing.
  const long = hp('adamw', { ...facts, totalSteps: 200000 });
  assert.equal(long.advice.warmup?.value, 22889);
  assert.ok(!long.basis.some((r) => r.rule.startsWith('hp:warmup-')));
});

test('Schedule-Free AdamW always warms up: the recipe\'s warmup, else 0.02 x 0.75 of the steps (the authors\' AlgoPerf entry)', () => {
  // Fine-tuning a vision transformer: the HF Trainer defaults, no warmup.
  const facts = job({ fineTune: true, stacks: 'vision' });
  assert.equal(hp('adamw', facts).advice.warmup, null);
  const unknown = hp('schedule-free-adamw', facts);
  assert.deepEqual(unknown.advice.warmup, { unit: 'ratio', value: 0.015 });
  assert.ok(unknown.basis.some((r) => r.evidence.some((e) => e.id === 'schedule-free-warmup')));
  const known = hp('schedule-free-adamw', { ...facts, totalSteps: 2000 });
  assert.deepEqual(known.advice.warmup, { unit: 'steps', value: 30 }); // 0.02 x 0.75 x 2000
  assert.equal(known.advice.extra.warmup_steps, 30);
  // With a recipe warmup (Alpaca's 3%), that one, given to the optimizer's own warmup_steps.
  const alpaca = hp('schedule-free-adamw', job({ fineTune: true, totalSteps: 1000 }));
  assert.deepEqual(alpaca.advice.warmup, { unit: 'steps', value: 30 });
  assert.equal(alpaca.advice.schedule.kind, 'constant');
});

test('LAMB takes its warmup as the fraction of steps its BERT table used, not BERT\'s absolute 10k steps', () => {
  const bertPretrain = (globalBatch: number) => job({ stacks: 'encoder', params: 336e6, globalBatch });
  assert.deepEqual(hp('adamw', bertPretrain(32768)).advice.warmup, { unit: 'steps', value: 10000 });
  const at32k = hp('lamb', bertPretrain(32768));
  assert.deepEqual(at32k.advice.warmup, { unit: 'ratio', value: 0.2 }); // 3125 of 15625 iterations
  assert.equal(at32k.advice.lr, 5e-3);
  assert.ok(at32k.basis.some((r) => r.rule === 'hp:lamb-bert-table'));
  // Inside the table: square-root lr scaling and warmup in proportion to the batch (the 8K row: 5/(2 x 10^3), 1/20).
  const at8k = hp('lamb', bertPretrain(8192)).advice;
  assert.ok(Math.abs(at8k.lr! - 2.5e-3) < 1e-12);
  assert.ok(Math.abs((at8k.warmup?.value ?? 0) - 1 / 20) < 1e-12);
  // Below the table (batch 32): the nearest row, 512 (lr 5/(2^3 x 10^3), warmup 1/320).
  const small = hp('lamb', bertPretrain(32)).advice;
  assert.equal(small.lr, 6.25e-4);
  assert.deepEqual(small.warmup, { unit: 'ratio', value: 1 / 320 });
});

test('Muon gets the weight decay of the source that scaled it (Liu et al. 2025: 0.1)', () => {
  const { advice, basis } = hp('muon', job(), { defaults: { lr: 0.02, momentum: 0.95, weight_decay: 0 }, reference: { title: 'ref' } });
  assert.equal(advice.weightDecay, 0.1);
  assert.ok(basis.some((r) => r.rule === 'hp:muon-match-rms-adamw' && r.evidence.some((e) => e.id === 'liu-2025-muon-scalable')));
});

test('GaLore takes rank, update_proj_gap, scale and lr from its reference script of the nearest model size', () => {
  const at = (params: number) => hp('galore-adamw', job({ params })).advice;
  assert.deepEqual([at(6.74e9).extra.rank, at(6.74e9).extra.update_proj_gap, at(6.74e9).extra.scale, at(6.74e9).lr], [1024, 500, 0.25, 0.005]);
  assert.deepEqual([at(60e6).extra.rank, at(60e6).extra.update_proj_gap, at(60e6).lr], [128, 200, 0.01]);
  assert.deepEqual([at(350e6).extra.rank, at(1.1e9).extra.rank], [256, 1024]);
  assert.deepEqual(at(6.74e9).warmup, { unit: 'ratio', value: 0.1 });
  assert.equal(at(6.74e9).weightDecay, 0);
});
