import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVIDENCE, isEvidenceId } from '../../src/core/advisor/evidence';
import { evaluate, factsRead, templateSlots, render } from '../../src/core/advisor/predicate';
import { RECIPES } from '../../src/core/advisor/recipes';
import { CANDIDATE_RULES, JOB_RULES, WEIGHT } from '../../src/core/advisor/rules';
import { applyCandidateRules, applyJobRules, compareCandidates } from '../../src/core/advisor/score';
import { STRATEGIES } from '../../src/core/advisor/strategies';
import { STRATEGY_IDS, type CandidateFacts, type Facts, type JobFacts } from '../../src/core/advisor/types';
import type { OptimizerId } from '../../src/core/optimizers/types';
import { OPTIMIZER_IDS } from '../../src/core/optimizers/registry';

/** A hand-made job: a 7B decoder fine-tune on one GPU that does not fit with AdamW. */
function job(over: Partial<JobFacts> = {}): JobFacts {
  return {
    family: 'transformer', stacks: 'decoder', params: 6.74e9, trainableParams: 6.74e9, fineTune: true,
    lora: false, qlora: false, globalBatch: 8, microBatch: 8, seqLen: 2048, gpus: 1, precision: 'bf16-mixed',
    priority: 'quality', gradientCheckpointing: false, zeroStage: 0, memoryKnown: true, memoryBound: true,
    task: 'unspecified', detection: null, architecture: 'generic',
    ...over,
  };
}

function candidate(optimizer: OptimizerId, over: Partial<CandidateFacts> = {}): CandidateFacts {
  return { optimizer, fits: 'yes', estimated: true, needsHessian: false, current: false, ...over };
}

const VALUES = {
  name: 'X', optimizer: 'x', peak: '1.00 GiB', gpuMemory: '24.00 GiB', globalBatch: '8', params: '6.74B', gpus: '1',
  precision: 'bf16-mixed', memoryReason: 'AdamW needs 80 GiB', estimateError: '',
};

const JOB_FACT_NAMES = Object.keys(job());
const FACT_NAMES = [...JOB_FACT_NAMES, ...Object.keys(candidate('adamw'))];

test('rule ids are unique across candidate and job rules', () => {
  const ids = [...CANDIDATE_RULES, ...JOB_RULES].map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('every rule, recipe and strategy references existing evidence and known facts', () => {
  for (const rule of [...CANDIDATE_RULES, ...JOB_RULES]) {
    assert.ok(rule.evidence.length > 0, `${rule.id} has no evidence`);
    for (const e of rule.evidence) assert.ok(isEvidenceId(e), `${rule.id} cites unknown evidence ${e}`);
  }
  for (const rule of CANDIDATE_RULES) {
    for (const f of factsRead(rule.when)) assert.ok(FACT_NAMES.includes(f), `${rule.id} reads unknown fact ${f}`);
  }
  for (const rule of JOB_RULES) {
    for (const f of factsRead(rule.when)) assert.ok(JOB_FACT_NAMES.includes(f), `${rule.id} reads unknown fact ${f}`);
  }
  assert.deepEqual(RECIPES[RECIPES.length - 1].when, { always: true }, 'the last recipe must always match');
  for (const recipe of RECIPES) {
    assert.ok(recipe.evidence.length > 0);
    for (const p of templateSlots(recipe.text)) assert.equal(p, 'row', `${recipe.id}: {${p}}`);
    for (const e of recipe.evidence) assert.ok(isEvidenceId(e), `${recipe.id} cites unknown evidence ${e}`);
    for (const f of factsRead(recipe.when)) assert.ok(JOB_FACT_NAMES.includes(f), `${recipe.id} reads unknown fact ${f}`);
  }
  for (const rule of JOB_RULES) {
    if (rule.effect.kind !== 'strategies') continue;
    for (const id of rule.effect.ids) assert.ok(STRATEGIES.some((s) => s.id === id), `no strategy spec for ${id}`);
  }
});

test('every strategy id has exactly one spec and some rule that can select it', () => {
  for (const id of STRATEGY_IDS) {
    assert.equal(STRATEGIES.filter((s) => s.id === id).length, 1, id);
    assert.ok(JOB_RULES.some((r) => r.effect.kind === 'strategies' && r.effect.ids.includes(id)), id);
  }
});

test('rule effects only name catalog optimizer ids and templates only known slots', () => {
  for (const rule of CANDIDATE_RULES) {
    for (const id of rule.effect.ids ?? []) assert.ok((OPTIMIZER_IDS as readonly string[]).includes(id), `${rule.id}: ${id}`);
    for (const p of templateSlots(rule.text)) assert.ok(p in VALUES, `${rule.id}: {${p}}`);
  }
});

test('evidence entries carry a title, authors, year, url, locator and claim', () => {
  for (const [id, e] of Object.entries(EVIDENCE)) {
    assert.ok(e.title.length > 0 && e.authors.length > 0 && e.url.length > 0 && e.locator.length > 0 && e.claim.length > 0, id);
    assert.ok(e.year >= 1980 && e.year <= 2030, id);
  }
});

test('the predicate engine: numbers, booleans, membership, all/any/not', () => {
  const f = job({ globalBatch: 32768 });
  assert.equal(evaluate({ fact: 'globalBatch', gt: 8192 }, f), true);
  assert.equal(evaluate({ fact: 'globalBatch', lte: 8192 }, f), false);
  assert.equal(evaluate({ fact: 'globalBatch', gte: 32768, lt: 32769 }, f), true);
  assert.equal(evaluate({ fact: 'family', in: ['cnn'] }, f), false);
  assert.equal(evaluate({ fact: 'fineTune', is: true }, f), true);
  assert.equal(evaluate({ all: [{ fact: 'fineTune', is: true }, { fact: 'gpus', eq: 2 }] }, f), false);
  assert.equal(evaluate({ any: [{ fact: 'fineTune', is: false }, { fact: 'gpus', eq: 1 }] }, f), true);
  assert.equal(evaluate({ not: { fact: 'memoryBound', is: true } }, f), false);
  assert.equal(evaluate({ always: true }, f), true);
  assert.throws(() => evaluate({ fact: 'nonexistent', is: true } as never, f), /unknown fact/);
});

test('templates are filled, and a missing value is an error rather than a hole', () => {
  assert.equal(render('{name} needs {peak}', { name: 'AdamW', peak: '3 GiB' }), 'AdamW needs 3 GiB');
  assert.throws(() => render('{name} needs {peak}', { name: 'AdamW' }), /slot \{peak\}/);
});

function outcome(optimizer: OptimizerId, j: JobFacts, c: Partial<CandidateFacts> = {}) {
  const facts: Facts = { ...j, ...candidate(optimizer, c) };
  return applyCandidateRules(CANDIDATE_RULES, facts, VALUES);
}

test('memory-bound transformer: memory savers score above AdamW and the path names the memory rules', () => {
  const j = job();
  const adamw = outcome('adamw', j);
  const eightBit = outcome('adamw-8bit', j);
  const adafactor = outcome('adafactor', j);
  // Quality is the priority, but AdamW does not fit: the quality rule for AdamW stays silent.
  assert.deepEqual(adamw.reasons.map((r) => r.rule), ['transformer-default-adamw']);
  assert.equal(adamw.score, WEIGHT.strong);
  assert.deepEqual(eightBit.reasons.map((r) => r.rule), ['transformer-8bit-parity', 'memory-8bit-states']);
  assert.equal(eightBit.score, WEIGHT.weak + WEIGHT.strong);
  assert.ok(eightBit.score > adamw.score);
  assert.ok(adafactor.reasons.some((r) => r.rule === 'memory-factored-adafactor'));
  // Not memory-bound and quality first: AdamW leads the 8-bit variant.
  const relaxed = job({ memoryBound: false });
  assert.ok(outcome('adamw', relaxed).score > outcome('adamw-8bit', relaxed).score);
});

test('tiers: not fitting demotes, needing a Hessian demotes further, each with its reason', () => {
  const j = job();
  const noFit = outcome('adamw', j, { fits: 'no' });
  assert.equal(noFit.tier, 'does-not-fit');
  assert.equal(noFit.reasons[0].rule, 'does-not-fit');
  const hessian = outcome('adahessian', j, { needsHessian: true, fits: 'no' });
  assert.equal(hessian.tier, 'not-recommended');
  assert.deepEqual(hessian.reasons.slice(0, 2).map((r) => r.rule), ['needs-hessian', 'does-not-fit']);
});

test('CNN: SGD with (Nesterov) momentum gets the CNN rule; transformers penalise SGD', () => {
  const cnn = job({ family: 'cnn', stacks: 'cnn', fineTune: false, memoryBound: false, params: 25.6e6 });
  for (const id of ['sgd-momentum', 'nesterov'] as const) {
    const o = outcome(id, cnn);
    assert.ok(o.reasons.some((r) => r.rule === 'cnn-sgd-momentum'));
    assert.ok(o.score > outcome('adamw', cnn).score);
  }
  assert.ok(outcome('sgd-momentum', job()).score < 0);
});

test('large global batch boosts LAMB above AdamW and Lion, with the large-batch rules in their paths', () => {
  const j = job({ fineTune: false, globalBatch: 32768, memoryBound: false });
  const lamb = outcome('lamb', j);
  const lion = outcome('lion', j);
  assert.ok(lamb.reasons.some((r) => r.rule === 'large-batch-lamb'));
  assert.ok(lion.reasons.some((r) => r.rule === 'large-batch-lion'));
  assert.ok(lamb.score > outcome('adamw', j).score);
  // At 8192 (not beyond) the rule does not fire.
  assert.equal(outcome('lamb', { ...j, globalBatch: 8192 }).score, 0);
});

test('priority memory vs quality moves a memory saver relative to AdamW', () => {
  const fits = job({ memoryBound: false });
  const gap = (p: JobFacts['priority']) => outcome('adafactor', { ...fits, priority: p }).score - outcome('adamw', { ...fits, priority: p }).score;
  assert.ok(gap('memory') > gap('quality'));
  assert.ok(gap('memory') >= 0);
  assert.ok(gap('quality') < 0);
});

test('speed priority when pre-training brings in the AlgoPerf winners', () => {
  const j = job({ fineTune: false, memoryBound: false, priority: 'speed' });
  assert.ok(outcome('shampoo', j).reasons.some((r) => r.rule === 'speed-algoperf-shampoo'));
  assert.ok(outcome('schedule-free-adamw', j).reasons.some((r) => r.rule === 'speed-algoperf-schedule-free'));
  assert.ok(outcome('shampoo', j).score > outcome('adamw', j).score);
  // Fine-tuning is not what AlgoPerf measured: no boost.
  assert.equal(outcome('shampoo', { ...j, fineTune: true }).score, 0);
});

test('every fired reason carries evidence with a title and url', () => {
  for (const id of OPTIMIZER_IDS) {
    for (const r of outcome(id, job({ priority: 'speed', fineTune: false, globalBatch: 16384 }), { current: true }).reasons) {
      assert.ok(r.evidence.length > 0, `${id}: ${r.rule}`);
      for (const e of r.evidence) assert.ok(e.title && e.url);
    }
  }
});

test('job rules: the crowded-valley note always, strategies only when they apply', () => {
  const single = applyJobRules(JOB_RULES, job(), VALUES);
  assert.deepEqual(single.notes.map((n) => n.rule), ['no-optimizer-dominates']);
  const ids = single.strategies.map((s) => s.id);
  assert.ok(ids.includes('lora') && ids.includes('qlora') && ids.includes('gradient-checkpointing'));
  assert.ok(!ids.includes('zero-1'), 'ZeRO needs more than one GPU');
  assert.ok(!ids.includes('freeze-layers'));
  const multi = applyJobRules(JOB_RULES, job({ gpus: 8, gradientCheckpointing: true, fineTune: false }), VALUES).strategies.map((s) => s.id);
  assert.ok(multi.includes('zero-3'));
  assert.ok(!multi.includes('lora') && !multi.includes('gradient-checkpointing'));
});

test('ranking order is total and deterministic: tier, score, peak, catalog order', () => {
  const rows = [
    { optimizer: 'lion' as const, tier: 'ok' as const, score: 1, peakBytes: 10 },
    { optimizer: 'adamw' as const, tier: 'ok' as const, score: 3, peakBytes: 20 },
    { optimizer: 'adafactor' as const, tier: 'ok' as const, score: 3, peakBytes: 15 },
    { optimizer: 'adam' as const, tier: 'does-not-fit' as const, score: 9, peakBytes: 5 },
    { optimizer: 'sgd' as const, tier: 'ok' as const, score: 1, peakBytes: 10 },
    { optimizer: 'sophia' as const, tier: 'not-recommended' as const, score: 9, peakBytes: null },
  ];
  const order = (xs: typeof rows) => [...xs].sort(compareCandidates).map((r) => r.optimizer);
  const expected = ['adafactor', 'adamw', 'sgd', 'lion', 'adam', 'sophia'];
  assert.deepEqual(order(rows), expected);
  assert.deepEqual(order([...rows].reverse()), expected);
});
