/**
 * The Pareto charts' quality axis (src/core/advisor/quality.ts): the median outcome vs AdamW over the nearest
 * published measurements, one value per source, with citations. Constructed evidence first (every expected
 * number worked out by hand from the rules in ranking.ts and quality.ts), then the real evidence base.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recommend } from '../../src/core/advisor';
import { measured, opt, setting } from '../../src/core/advisor/measurements/build';
import { measuredRows } from '../../src/core/advisor/measurements';
import type { Measurement, MeasurementSource, Setting } from '../../src/core/advisor/measurements/types';
import { evidenceJobLabel, evidenceQuality, evidenceQualityFor } from '../../src/core/advisor/quality';
import type { EvidenceJob } from '../../src/core/advisor/ranking';
import { parseProfileDocument } from '../../src/core/profile/profile-validate';
import { advisorInput } from '../support/sweep-fixtures';
import { fixtureProfile } from './charts-fixtures';

const LM: EvidenceJob = {
  family: 'decoder-lm', modality: 'text', params: 125e6, fineTune: false,
  globalBatch: [{ value: 524288, unit: 'tokens' }], tokensPerParam: null,
};
const CNN: EvidenceJob = { family: 'cnn', modality: 'image', params: 25e6, fineTune: false, globalBatch: [{ value: 256, unit: 'images' }], tokensPerParam: null };

function lmSetting(id: string, extra: Partial<Setting> = {}): Setting {
  return setting({
    id, locator: `Table ${id}`, task: 'test LM', family: 'decoder-lm', modality: 'text', params: 125e6, fineTune: false,
    tuning: 'per-optimizer', budget: 'equal steps',
    metric: { name: 'loss', kind: 'final', better: 'lower', basis: 'equal-budget' }, reference: 'adamw', ...extra,
  });
}

function source(id: string, year: number, settings: Setting[], rows: Measurement[]): MeasurementSource {
  return { id, cite: id, title: id, authors: 'A. Author', year, venue: 'test', readAt: 'https://example.org', url: `https://example.org/${id}`, proposes: [], settings, rows };
}

const ADAMW = opt('adamw', 'adamw', 'AdamW');
const ADAM = opt('adam', 'adam', 'Adam');
const SGD = opt('sgd-momentum', 'sgd-momentum', 'SGD');
const X = opt('x', null, 'X');
const Y = opt('y', null, 'Y');
const Z = opt('z', null, 'Z');
const EX = 'an excerpt long enough to count';

const ROWS = measuredRows([
  // near-a: two runs (two settings). a1 has three numbers: advantages X +0.1, Y −0.1, AdamW 0; their root mean
  // square is sqrt(0.02/3), so z(X) = +sqrt(1.5), z(Y) = −sqrt(1.5). a2 has two numbers: only the sign, z(X) = +1.
  source('near-a', 2024, [lmSetting('a1'), lmSetting('a2')], [
    measured('a1', ADAMW, 3.0, EX), measured('a1', X, 2.7, EX), measured('a1', Y, 3.3, EX),
    measured('a2', ADAMW, 3.0, EX), measured('a2', X, 2.9, EX),
  ]),
  // near-b: Adam is the reference (AdamW's stand-in) and AdamW was not measured: X is worse, z = −1. Adam's own
  // row is the reference (0 by construction) and says nothing about Adam vs AdamW.
  source('near-b', 2025, [lmSetting('b', { reference: 'adam' })], [measured('b', ADAM, 3.0, EX), measured('b', X, 3.1, EX)]),
  // far: three decades larger (similarity 0.5^3 = 0.125 < 0.5 x the nearest): not among the nearest.
  source('far', 2025, [lmSetting('f', { params: 125e9 })], [measured('f', ADAMW, 3.0, EX), measured('f', X, 2.0, EX)]),
  // sgd-ref: relative to SGD, not AdamW: not a quality vs AdamW.
  source('sgd-ref', 2025, [lmSetting('s', { reference: 'sgd-momentum' })], [measured('s', SGD, 3.0, EX), measured('s', X, 1.0, EX)]),
  // vision: Z measured only on images.
  source('vision', 2025, [setting({
    id: 'v', locator: 'Table v', task: 'test CNN', family: 'cnn', modality: 'image', params: 25e6, fineTune: false, tuning: 'per-optimizer',
    budget: 'equal epochs', metric: { name: 'accuracy', kind: 'final', better: 'higher', basis: 'equal-budget' }, reference: 'adamw',
  })], [measured('v', ADAMW, 90, EX), measured('v', Z, 91, EX)]),
]);

test('quality: one value per source (the mean of its nearest runs), the median over sources, each source cited with its value', () => {
  const x = evidenceQuality(LM, 'x', ROWS);
  const a = (Math.sqrt(1.5) + 1) / 2;
  assert.equal(x.basis, 'measured');
  assert.ok(Math.abs(x.median! - (a + -1) / 2) < 1e-12, `median ${x.median}`);
  assert.equal(x.runs, 3);
  assert.equal(x.sources, 2);
  assert.equal(x.nearestSimilarity, 1);
  assert.deepEqual(x.citations.map((c) => [c.cite, c.locator, c.runs, c.versus]), [['near-a', 'Table a1', 2, 'adamw'], ['near-b', 'Table b', 1, 'adam']]);
  assert.ok(Math.abs(x.citations[0]!.z - a) < 1e-12);
  assert.equal(x.citations[1]!.z, -1);
  assert.equal(x.citations[0]!.url, 'https://example.org/near-a');
  const y = evidenceQuality(LM, 'y', ROWS);
  assert.ok(Math.abs(y.median! + Math.sqrt(1.5)) < 1e-12);
  assert.deepEqual([y.runs, y.sources], [1, 1]);
});

test('quality: AdamW is the reference; a stand-in\'s own reference row, another reference, another modality or nothing is no evidence', () => {
  assert.deepEqual(evidenceQuality(LM, 'adamw', ROWS), { median: 0, basis: 'reference', runs: 0, sources: 0, nearestSimilarity: null, citations: [] });
  const none = { median: null, basis: 'none', runs: 0, sources: 0, nearestSimilarity: null, citations: [] };
  assert.deepEqual(evidenceQuality(LM, 'adam', ROWS), none);
  assert.deepEqual(evidenceQuality(LM, 'sgd-momentum', ROWS), none);
  assert.deepEqual(evidenceQuality(LM, 'z', ROWS), none, 'an image benchmark is not evidence about a language model');
  assert.deepEqual(evidenceQuality(LM, 'nobody', ROWS), none);
  // The same Z row is evidence about an image job.
  const z = evidenceQuality(CNN, 'z', ROWS);
  assert.equal(z.basis, 'measured');
  assert.equal(z.median, 1);
});

test('quality: the nearest rows decide; farther rows count only when nothing nearer exists', () => {
  // For a 125B job the 'far' setting is the nearest (similarity 1) and near-a/near-b are three decades away.
  const big = evidenceQuality({ ...LM, params: 125e9 }, 'x', ROWS);
  assert.deepEqual(big.citations.map((c) => c.cite), ['far']);
  assert.equal(big.median, 1);
  // For a 3.95B job (1.5 decades from both sizes), every setting is within one step of the nearest: all three sources count.
  const mid = evidenceQuality({ ...LM, params: 125e6 * 10 ** 1.5 }, 'x', ROWS);
  assert.deepEqual(mid.citations.map((c) => c.cite).sort(), ['far', 'near-a', 'near-b']);
});

test('quality on the real evidence base: Muon is measured better than AdamW for a GPT-2 pre-training job, with its sources cited', () => {
  const gpt2 = { ...LM, params: 124e6 };
  const muon = evidenceQuality(gpt2, 'muon');
  assert.equal(muon.basis, 'measured');
  assert.ok(muon.median! > 0, `Muon vs AdamW: ${muon.median}`);
  assert.ok(muon.citations.some((c) => c.cite.startsWith('Jordan et al. 2024')), muon.citations.map((c) => c.cite).join('; '));
  assert.ok(muon.citations.every((c) => c.url.startsWith('https://')));
  // SOAP's measurements are all on language models: for a ResNet there is no measured evidence.
  assert.equal(evidenceQuality(CNN, 'soap').basis, 'none');
});

test('quality for a job\'s facts: every optimizer keyed by id, the job labelled, and the document accepts it', () => {
  const facts = recommend(advisorInput('gpt2', false)).facts;
  const q = evidenceQualityFor(facts, ['adamw', 'muon', 'nesterov']);
  assert.deepEqual(Object.keys(q.optimizers), ['adamw', 'muon', 'nesterov']);
  assert.equal(q.reference, 'adamw');
  assert.match(q.job, /^decoder-lm, pre-training, 124M parameters, global batch [\d,]+ tokens$/);
  assert.equal(q.optimizers['adamw']!.basis, 'reference');
  const doc = parseProfileDocument({ ...fixtureProfile(), evidenceQuality: q });
  assert.ok(doc.ok, doc.ok ? '' : doc.error);
  assert.deepEqual(doc.ok && doc.value.evidenceQuality, JSON.parse(JSON.stringify(q)));
  assert.equal(evidenceJobLabel({ ...LM, params: 6.74e9, fineTune: true, adapters: true }), 'decoder-lm, fine-tune, LoRA adapters, 6.74B parameters, global batch 524,288 tokens');
});
