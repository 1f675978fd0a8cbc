/**
 * The job's own choices (src/core/own-hyperparameters.ts): the optimizer the job uses keeps the
 * job's hyperparameters; a cited rule that disagrees is a suggestion beside them, never a replacement.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Recommendation } from '../../src/core/advisor/types';
import { evaluateJob } from '../../src/core/evaluate';
import { isOwnRecommendation, LR_DISAGREEMENT_FACTOR, scheduleKindOf, suggestionText, withOwnHyperparameters } from '../../src/core/own-hyperparameters';
import { scanFiles } from '../../src/core/scan';
import { runCli } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '..', '..', '..');

const REC: Recommendation = {
  optimizer: 'adamw', rank: 1, fits: true, peakBytes: 1, score: 0, tier: 'ok',
  measured: { score: 0, uncertainty: 1, weight: 0, comparableRows: 0, independentRows: 0, beatsIncumbent: false, basis: 'incumbent', sentence: '', nearest: [] },
  reasons: [
    { rule: 'default-transformer', text: 'AdamW is the default.', evidence: [{ id: 'a', title: 'A', claim: 'c' }], score: 1 },
    { rule: 'hp:recipe', text: 'The published recipe uses lr 2e-4 and no weight decay.', evidence: [{ id: 'qlora', title: 'QLoRA scripts', claim: 'c' }], score: 0 },
  ],
  hyperparameters: {
    lr: 2e-4, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, warmup: { unit: 'ratio', value: 0.03 }, schedule: { kind: 'constant', detail: 'constant' }, extra: {},
  },
};

test('the job\'s values replace the advice; disagreements become suggestions citing the rule', () => {
  const r = withOwnHyperparameters(REC, {
    learningRate: 3e-4, weightDecay: 0.01, optimizerParams: { betas: [0.9, 0.95] }, warmupSteps: 100, scheduler: 'cosine',
  });
  assert.equal(r.hyperparameters.lr, 3e-4);
  assert.equal(r.hyperparameters.weightDecay, 0.01);
  assert.deepEqual(r.hyperparameters.betas, [0.9, 0.95]);
  assert.deepEqual(r.hyperparameters.warmup, { unit: 'steps', value: 100 });
  assert.equal(r.hyperparameters.schedule.kind, 'cosine');
  assert.deepEqual([...r.own], ['lr', 'weightDecay', 'betas', 'warmup', 'schedule']);
  // 3e-4 is within a factor 2 of 2e-4: no lr suggestion. The rest disagree.
  assert.deepEqual(r.suggestions.map((s) => s.field), ['weightDecay', 'betas', 'warmup', 'schedule']);
  const wd = r.suggestions[0];
  assert.equal(wd.own, 0.01);
  assert.equal(wd.suggested, 0);
  assert.equal(wd.reason, 'The published recipe uses lr 2e-4 and no weight decay.');
  assert.deepEqual(wd.evidence.map((e) => e.title), ['QLoRA scripts']);
  assert.equal(suggestionText(wd), '0 instead of 0.01 — The published recipe uses lr 2e-4 and no weight decay.');
  // eps was not written: the advice's eps stays, not marked as the job's.
  assert.equal(r.hyperparameters.eps, 1e-8);
  assert.ok(isOwnRecommendation(r));
  assert.ok(!isOwnRecommendation(REC));
});

test('an lr more than the disagreement factor away is suggested; nothing written keeps the advice', () => {
  const far = withOwnHyperparameters(REC, { learningRate: 2e-4 * LR_DISAGREEMENT_FACTOR * 1.5 });
  assert.deepEqual(far.suggestions.map((s) => [s.field, s.suggested]), [['lr', 2e-4]]);
  const none = withOwnHyperparameters(REC, {});
  assert.deepEqual(none.hyperparameters, REC.hyperparameters);
  assert.deepEqual(none.own, []);
  assert.deepEqual(none.suggestions, []);
});

test('scheduler names as the tools spell them map to schedule shapes, unknown ones to none', () => {
  assert.equal(scheduleKindOf('cosine_with_restarts'), 'cosine');
  assert.equal(scheduleKindOf('torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup'), 'cosine');
  assert.equal(scheduleKindOf('WarmupDecayLR'), 'linear');
  assert.equal(scheduleKindOf('WarmupLR'), 'constant');
  assert.equal(scheduleKindOf('torch.optim.lr_scheduler.MultiStepLR'), 'step');
  assert.equal(scheduleKindOf('polynomial'), null);
  const kept = withOwnHyperparameters(REC, { scheduler: 'polynomial' });
  assert.equal(kept.hyperparameters.schedule.kind, 'constant', 'an unknown shape is not invented');
  assert.ok(!kept.own.includes('schedule'));
});

test('a job that keeps its optimizer shows its own hyperparameters (evaluateJob, recommend --json)', async () => {
  const gpt2 = JSON.stringify({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_ctx: 1024, n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, vocab_size: 50257 });
  const files = [
    { path: 'config.json', text: gpt2 },
    { path: 'training_args.json', text: '{"output_dir": "o", "optim": "adamw_torch", "learning_rate": 0.01, "weight_decay": 0.05, "warmup_steps": 10}' },
  ];
  const job = scanFiles(files).jobs[0];
  const e = evaluateJob(job, { readText: (p) => files.find((f) => f.path === p)?.text ?? '' }, { gpuMemoryBytes: null, priority: 'quality' });
  const mine = e.result.recommendations.find((r) => r.optimizer === 'adamw');
  assert.ok(mine && isOwnRecommendation(mine));
  assert.equal(mine.hyperparameters.lr, 0.01);
  assert.equal(mine.hyperparameters.weightDecay, 0.05);
  assert.deepEqual(mine.hyperparameters.warmup, { unit: 'steps', value: 10 });
  // 0.01 is far from any published GPT-2 AdamW rate: the rule's lr is a suggestion, not a replacement.
  assert.ok(mine.suggestions.some((s) => s.field === 'lr' && s.own === 0.01));
  // Other optimizers keep the advisor's values.
  assert.ok(e.result.recommendations.filter((r) => r.optimizer !== 'adamw').every((r) => !isOwnRecommendation(r)));

  let out = '';
  const code = await runCli(['recommend', 'examples/resnet50-imagenet', '--gpu-memory', '24GiB', '--json'], { cwd: ROOT, out: (t) => (out += t), err: () => undefined });
  assert.equal(code, 0);
  const nesterov = (JSON.parse(out).jobs[0].recommendations as { optimizer: string; own?: string[]; hyperparameters: { lr: number; weightDecay: number } }[]).find((r) => r.own !== undefined);
  assert.ok(nesterov);
  assert.equal(nesterov.optimizer, 'nesterov');
  assert.equal(nesterov.hyperparameters.lr, 0.1, 'train.py LR = 0.1');
  assert.equal(nesterov.hyperparameters.weightDecay, 1e-4, 'train.py WEIGHT_DECAY = 1e-4');
});
