import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measured, opt, setting, stated } from '../../src/core/advisor/measurements/build';
import { measuredRows } from '../../src/core/advisor/measurements';
import type { Measurement, MeasurementSource, Setting } from '../../src/core/advisor/measurements/types';
import { outcomes, rankByEvidence, RANKING, similarity, type EvidenceJob } from '../../src/core/advisor/ranking';

// Constructed evidence; every expected number below is worked out by hand from the rules in ranking.ts.

const LM: EvidenceJob = {
  family: 'decoder-lm', modality: 'text', params: 125e6, fineTune: false,
  globalBatch: [{ value: 524288, unit: 'tokens' }], tokensPerParam: null,
};

function lmSetting(id: string, extra: Partial<Setting> = {}): Setting {
  return setting({
    id, locator: 'Table 1', task: 'test LM', family: 'decoder-lm', modality: 'text', params: 125e6, fineTune: false,
    tuning: 'per-optimizer', budget: 'equal steps',
    metric: { name: 'loss', kind: 'final', better: 'lower', basis: 'equal-budget' }, reference: 'adamw', ...extra,
  });
}

function source(id: string, year: number, proposes: string[], settings: Setting[], rows: Measurement[]): MeasurementSource {
  return { id, cite: id, title: id, authors: 'A. Author', year, venue: 'test', readAt: 'https://example.org', url: 'https://example.org', proposes, settings, rows };
}

const ADAMW = opt('adamw', 'adamw', 'AdamW');
const X = opt('x', null, 'X');
const Y = opt('y', null, 'Y');
const EX = 'an excerpt long enough to count';

test('similarity: halves per decade of parameters, halves across fine-tune/pre-train, 0.5 for another family of the same modality, 0.1 across modalities', () => {
  const s = lmSetting('s', { globalBatch: { value: 524288, unit: 'tokens' } });
  assert.equal(similarity(s, LM), 1);
  assert.equal(similarity(s, { ...LM, params: 1.25e9 }), 0.5);
  assert.equal(similarity(s, { ...LM, params: 12.5e9 }), 0.25);
  assert.equal(similarity(s, { ...LM, fineTune: true }), 0.5);
  assert.equal(similarity(s, { ...LM, family: 'encoder-lm' }), 0.5);
  assert.equal(similarity(s, { ...LM, family: 'cnn', modality: 'image', globalBatch: [{ value: 256, unit: 'images' }] }), 0.1);
  // batch: one decade more tokens halves it; a batch in another unit is not compared.
  assert.equal(similarity(s, { ...LM, globalBatch: [{ value: 5242880, unit: 'tokens' }] }), 0.5);
  assert.equal(similarity(s, { ...LM, globalBatch: [{ value: 512, unit: 'sequences' }] }), 1);
  // inside a stated range of sizes: no decay
  assert.equal(similarity(lmSetting('r', { params: 100e6, paramsMax: 1e9 }), { ...LM, params: 500e6 }), 1);
});

test('outcomes: advantage over the reference in units of the setting\'s spread; sign only with two numbers; stated outcomes ±1/0; step cost charged for speed', () => {
  const three = lmSetting('three');
  const two = lmSetting('two');
  const src = source('s', 2024, [], [three, two], [
    measured('three', ADAMW, 3.0, EX, { stepMs: 100 }),
    measured('three', X, 2.7, EX, { stepMs: 200 }),
    measured('three', Y, 3.3, EX),
    measured('two', ADAMW, 3.0, EX),
    measured('two', X, 2.99, EX),
    stated('two', Y, 'worse', EX),
  ]);
  const rows = measuredRows([src]);
  const z = outcomes(rows);
  const get = (setting: string, key: string) => z.get(rows.find((r) => r.setting.id === setting && r.row.optimizer.key === key)!)!;
  // advantages 0, +0.1, −0.1 → root mean square sqrt(0.02/3) = 0.08165 → z = ±1.2247
  assert.ok(Math.abs(get('three', 'x').quality - 0.1 / Math.sqrt(0.02 / 3)) < 1e-9);
  assert.ok(Math.abs(get('three', 'y').quality + 0.1 / Math.sqrt(0.02 / 3)) < 1e-9);
  assert.equal(get('three', 'adamw').quality, 0);
  // X's step costs twice the reference's: one unit less for speed
  assert.ok(Math.abs(get('three', 'x').speed - (0.1 / Math.sqrt(0.02 / 3) - 1)) < 1e-9);
  assert.equal(get('two', 'x').quality, 1);
  assert.equal(get('two', 'y').quality, -1);
});

test('a difference inside the spread the source reports is no difference', () => {
  const s = lmSetting('s', { spread: 0.02 });
  const rows = measuredRows([source('s', 2024, [], [s], [measured('s', ADAMW, 3.0, EX), measured('s', X, 2.99, EX)])]);
  assert.equal(outcomes(rows).get(rows[1]!)!.quality, 0);
});

test('score and uncertainty: one fully similar independent row with z = +1 gives 1/(1+1) = 0.5 ± 0.5', () => {
  const rows = measuredRows([source('s', 2024, [], [lmSetting('s')], [measured('s', ADAMW, 3.0, EX), measured('s', X, 2.9, EX)])]);
  const r = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows });
  const x = r.entries.find((e) => e.key === 'x')!;
  assert.equal(x.weight, 1);
  assert.equal(x.score, 0.5);
  // observed variance 0 pooled with the prior's 1: v = (0·1 + 1)/2, uncertainty sqrt(v/2) = 0.5
  assert.ok(Math.abs(x.uncertainty - 0.5) < 1e-12);
  // the incumbent stays first: 0.5 − 0 does not exceed sqrt(0.5² + 0·u_inc²) = 0.5 (X's row is side by side with it)
  assert.deepEqual(r.entries.map((e) => e.key), ['adamw', 'x']);
  assert.equal(x.beatsIncumbent, false);
});

test('another optimizer goes above the incumbent only when its advantage exceeds the uncertainty of the difference', () => {
  // Eight independent sources, one fully similar row each.
  const sources = Array.from({ length: 8 }, (_, i) =>
    source(`s${i}`, 2024, [], [lmSetting('s')], [measured('s', ADAMW, 3.0, EX), measured('s', X, 2.9, EX)]));
  // X: evidence E = 8, mean 1, score 8/9, uncertainty sqrt((1/9)/9) = 1/9; 0.889 > 1/9
  const r = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows: measuredRows(sources) });
  assert.deepEqual(r.entries.map((e) => e.key), ['x', 'adamw']);
  assert.ok(Math.abs(r.entries[0]!.score - 8 / 9) < 1e-12);
  assert.equal(r.entries[0]!.beatsIncumbent, true);
});

test('a source counts at most once in the evidence: eight settings of one source are not eight sources', () => {
  const settings = Array.from({ length: 8 }, (_, i) => lmSetting(`s${i}`));
  const one = source('s', 2024, [], settings, settings.flatMap((s) => [measured(s.id, ADAMW, 3.0, EX), measured(s.id, X, 2.9, EX)]));
  // X: Σw = 8 but E = 1 (its strongest row): score 1·1/2 = 0.5, uncertainty sqrt((1/2)/2) = 0.5; 0.5 does not exceed 0.5
  const r = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows: measuredRows([one]) });
  const x = r.entries.find((e) => e.key === 'x')!;
  assert.equal(x.weight, 8);
  assert.equal(x.score, 0.5);
  assert.ok(Math.abs(x.uncertainty - 0.5) < 1e-12);
  assert.deepEqual(r.entries.map((e) => e.key), ['adamw', 'x']);
});

test('self-reports weigh half; a same-year-or-later independent measurement that finds less is what counts', () => {
  const own = source('own', 2023, ['x'], [lmSetting('a')], [measured('a', ADAMW, 3.0, EX), measured('a', X, 2.9, EX)]);
  const later = source('later', 2024, [], [lmSetting('b')], [stated('b', X, 'similar', EX)]);
  const earlier = source('earlier', 2022, [], [lmSetting('b')], [stated('b', X, 'similar', EX)]);
  const alone = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows: measuredRows([own]) });
  assert.equal(alone.entries.find((e) => e.key === 'x')!.weight, RANKING.SELF_REPORT);
  const overruled = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows: measuredRows([own, later]) });
  const x = overruled.entries.find((e) => e.key === 'x')!;
  assert.equal(x.overruled.length, 1);
  assert.equal(x.overruled[0]!.overruledBy?.source.id, 'later');
  assert.equal(x.score, 0); // only the independent "similar" row (z = 0) remains
  const notOverruled = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows: measuredRows([own, earlier]) });
  assert.equal(notOverruled.entries.find((e) => e.key === 'x')!.overruled.length, 0);
});

test('thin evidence: nothing is promoted and the incumbent is first, labelled as the family default', () => {
  const cnn = setting({
    id: 'c', locator: 'T', task: 'cnn', family: 'cnn', modality: 'image', params: 25e6, fineTune: false, tuning: 'per-optimizer',
    budget: 'b', metric: { name: 'acc', kind: 'final', better: 'higher', basis: 'equal-budget' }, reference: 'sgd-momentum',
  });
  const rows = measuredRows([source('s', 2024, [], [cnn], [measured('c', opt('sgd-momentum', 'sgd-momentum', 'SGD'), 76, EX), measured('c', X, 80, EX)])]);
  // similarity 0.1 (other modality) × 0.5^(log10(125/25)) → total weight well under 1
  const r = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows });
  assert.equal(r.thin, true);
  assert.equal(r.entries[0]!.key, 'adamw');
  assert.equal(r.entries[0]!.basis, 'family-default-thin-evidence');
});

test('memory priority: lower peak first among those not measured worse than the incumbent; a measured loss of quality stays behind', () => {
  const rows = measuredRows([source('s', 2024, [], [lmSetting('s')], [measured('s', ADAMW, 3.0, EX), measured('s', X, 3.0, EX), measured('s', Y, 3.1, EX)])]);
  const peakBytes = new Map<string, number | null>([['adamw', 16], ['x', 8], ['y', 4]]);
  const r = rankByEvidence({ job: LM, priority: 'memory', candidates: ['adamw', 'x', 'y'], incumbent: 'adamw', peakBytes, rows });
  // X ties AdamW (z = 0) and needs less memory: first. Y needs the least memory but is measured worse
  // (z = -1, score -0.5), though not beyond the uncertainty (0.667 < 1.155): it stays behind.
  assert.deepEqual(r.entries.map((e) => e.key), ['x', 'adamw', 'y']);
});

test('overruling: the nearest independent later row decides, not any contradicting one', () => {
  const own = source('own', 2023, ['x'], [lmSetting('a')], [measured('a', ADAMW, 3.0, EX), measured('a', X, 2.9, EX)]);
  // Two independent 2024 rows: one at the self-report's size that agrees, one a decade larger that contradicts.
  const later = source('later', 2024, [], [lmSetting('near'), lmSetting('far', { params: 1.25e9 })],
    [stated('near', X, 'better', EX), stated('far', X, 'worse', EX)]);
  const r = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows: measuredRows([own, later]) });
  assert.equal(r.entries.find((e) => e.key === 'x')!.overruled.length, 0);
  // Only the contradicting one: it is the nearest (similarity 0.5 ≥ OVERRULE_SIMILARITY), so it overrules.
  const onlyFar = source('later', 2024, [], [lmSetting('far', { params: 1.25e9 })], [stated('far', X, 'worse', EX)]);
  const r2 = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows: measuredRows([own, onlyFar]) });
  assert.equal(r2.entries.find((e) => e.key === 'x')!.overruled.length, 1);
});

test('stability without any reported divergence falls back to the quality order and says so', () => {
  const rows = measuredRows([source('s', 2024, [], [lmSetting('s')], [measured('s', ADAMW, 3.0, EX), measured('s', X, 2.9, EX)])]);
  const r = rankByEvidence({ job: LM, priority: 'stability', candidates: ['adamw', 'x'], incumbent: 'adamw', rows });
  assert.equal(r.stabilityFellBack, true);
  const d = measuredRows([source('s', 2024, [], [lmSetting('s')], [measured('s', ADAMW, 3.0, EX), measured('s', X, 2.9, EX, { diverged: true })])]);
  const r2 = rankByEvidence({ job: LM, priority: 'stability', candidates: ['x', 'adamw'], incumbent: null, rows: d });
  assert.equal(r2.stabilityFellBack, false);
  assert.deepEqual(r2.entries.map((e) => e.key), ['adamw', 'x']);
});

test('adapters: Muon measured better on full weights is not placed above the incumbent of a LoRA job; a row on adapters lifts that', () => {
  const MUON = opt('muon', 'muon', 'Muon');
  const full = Array.from({ length: 8 }, (_, i) =>
    source(`f${i}`, 2025, [], [lmSetting('s', { fineTune: true })], [measured('s', ADAMW, 3.0, EX), measured('s', MUON, 2.9, EX)]));
  const loraJob: EvidenceJob = { ...LM, fineTune: true, adapters: true };
  const held = rankByEvidence({ job: loraJob, priority: 'quality', candidates: ['adamw', 'muon'], incumbent: 'adamw', rows: measuredRows(full) });
  assert.deepEqual(held.entries.map((e) => e.key), ['adamw', 'muon']);
  assert.deepEqual(held.heldBackForAdapters, ['muon']);
  // The same evidence on a full fine-tune promotes it (8 sources: 8/9 against hypot(1/3, 1/3)).
  const fullJob = rankByEvidence({ job: { ...loraJob, adapters: false }, priority: 'quality', candidates: ['adamw', 'muon'], incumbent: 'adamw', rows: measuredRows(full) });
  assert.deepEqual(fullJob.entries.map((e) => e.key), ['muon', 'adamw']);
  assert.deepEqual(fullJob.heldBackForAdapters, []);
  // One measurement on adapters is the evidence the constraint asks for.
  const onAdapters = source('a', 2025, [], [lmSetting('s', { fineTune: true, adapters: true })], [measured('s', ADAMW, 3.0, EX), measured('s', MUON, 2.9, EX)]);
  const lifted = rankByEvidence({ job: loraJob, priority: 'quality', candidates: ['adamw', 'muon'], incumbent: 'adamw', rows: measuredRows([...full, onAdapters]) });
  assert.equal(lifted.entries[0]!.key, 'muon');
  // Memory priority does not put it in the low-memory front either.
  const mem = rankByEvidence({ job: loraJob, priority: 'memory', candidates: ['adamw', 'muon'], incumbent: 'adamw', peakBytes: new Map([['adamw', 16], ['muon', 8]]), rows: measuredRows(full) });
  assert.deepEqual(mem.entries.map((e) => e.key), ['adamw', 'muon']);
});

test('a source counts once, at its strongest row: many distant settings add no more evidence than their nearest one', () => {
  // Four settings of one source, each ten times the job's size or more: similarities 0.5, 0.25, 0.125, 0.0625.
  const far = [1, 2, 3, 4].map((d) => lmSetting(`far${d}`, { params: 125e6 * 10 ** d }));
  const rows = measuredRows([source('s', 2024, [], far, far.flatMap((s) => [measured(s.id, ADAMW, 3.0, EX), measured(s.id, X, 2.9, EX)]))]);
  const x = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows }).entries.find((e) => e.key === 'x')!;
  // Σ w = 0.9375 (the old cap min(Σ w, 1) would have counted 0.9375); the strongest row is 0.5: E = 0.5.
  assert.ok(Math.abs(x.weight - 0.9375) < 1e-12);
  // every z is +1 (two numbers: sign only): score = 1 · 0.5/1.5, uncertainty = sqrt(((0·0.5 + 1)/1.5)/1.5) = 1/1.5
  assert.ok(Math.abs(x.score - 1 / 3) < 1e-12);
  assert.ok(Math.abs(x.uncertainty - 1 / 1.5) < 1e-12);
  // A self-report's strongest row counts SELF_REPORT of it, however large its table.
  const own = measuredRows([source('own', 2024, ['x'], far, far.flatMap((s) => [measured(s.id, ADAMW, 3.0, EX), measured(s.id, X, 2.9, EX)]))]);
  const xs = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows: own }).entries.find((e) => e.key === 'x')!;
  const e = 0.5 * RANKING.SELF_REPORT;
  assert.ok(Math.abs(xs.score - e / (e + 1)) < 1e-12);
});

test('rows of a setting that measured the incumbent are taken relative to it, not to the setting\'s own reference', () => {
  // Reference SGD 3.0; AdamW 2.9 and X 2.9 (advantages 0, +0.1, +0.1 → rms 0.0816, z = +1.2247 each).
  const SGD = opt('sgd-momentum', 'sgd-momentum', 'SGD');
  const s = lmSetting('s', { reference: 'sgd-momentum' });
  const rows = measuredRows([source('s', 2024, [], [s], [measured('s', SGD, 3.0, EX), measured('s', ADAMW, 2.9, EX), measured('s', X, 2.9, EX)])]);
  const r = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x', 'sgd-momentum'], incumbent: 'adamw', rows });
  const get = (k: string) => r.entries.find((e) => e.key === k)!;
  // Relative to AdamW: X ties it (z 0), SGD is 1.2247 below it; AdamW's own z is 0.
  assert.equal(get('adamw').score, 0);
  assert.equal(get('x').score, 0);
  assert.ok(Math.abs(get('sgd-momentum').rows[0]!.z + 0.1 / Math.sqrt(0.02 / 3)) < 1e-9);
});

test('memory priority: only an optimizer measured against the incumbent joins the low-memory front', () => {
  // X ties Adam in a setting without AdamW (reference Adam): no measurement against AdamW, so it stays behind
  // though it needs less memory; Y ties AdamW directly and goes first.
  const ADAM = opt('adam', 'adam', 'Adam');
  const viaAdam = lmSetting('via-adam', { reference: 'adam' });
  const rows = measuredRows([source('s', 2024, [], [viaAdam, lmSetting('direct')], [
    measured('via-adam', ADAM, 3.0, EX), measured('via-adam', X, 3.0, EX),
    measured('direct', ADAMW, 3.0, EX), measured('direct', Y, 3.0, EX),
  ])]);
  const peakBytes = new Map<string, number | null>([['adamw', 16], ['x', 4], ['y', 8]]);
  const r = rankByEvidence({ job: LM, priority: 'memory', candidates: ['adamw', 'x', 'y'], incumbent: 'adamw', peakBytes, rows });
  assert.deepEqual(r.entries.map((e) => e.key), ['y', 'adamw', 'x']);
});

test('the incumbent\'s uncertainty counts only for the share of a candidate\'s evidence not measured side by side with it', () => {
  // Three independent sources measured X against AdamW in the same setting; X is 0.1 better (two numbers: sign only, z = +1).
  const paired = Array.from({ length: 3 }, (_, i) =>
    source(`p${i}`, 2024, [], [lmSetting('s')], [measured('s', ADAMW, 3.0, EX), measured('s', X, 2.9, EX)]));
  const r = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows: measuredRows(paired) });
  const x = r.entries.find((e) => e.key === 'x')!;
  // E = 3, score 3/4, uncertainty sqrt((1/4)/4) = 1/4; all of X's weight is paired with AdamW: margin = 1/4 < 3/4
  assert.ok(Math.abs(x.score - 0.75) < 1e-12);
  assert.ok(Math.abs(x.uncertainty - 0.25) < 1e-12);
  assert.equal(x.beatsIncumbent, true);
  // The same three sources measuring X against SGD only (AdamW absent, the reference is SGD): the difference from
  // AdamW now rests on two separate estimates, and AdamW's uncertainty (no rows: sqrt(1/1) = 1) is added in full.
  const unpaired = Array.from({ length: 3 }, (_, i) =>
    source(`u${i}`, 2024, [], [lmSetting('s', { reference: 'sgd-momentum' })], [measured('s', opt('sgd-momentum', 'sgd-momentum', 'SGD'), 3.0, EX), measured('s', X, 2.9, EX)]));
  const r2 = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows: measuredRows(unpaired) });
  const x2 = r2.entries.find((e) => e.key === 'x')!;
  assert.ok(Math.abs(x2.score - 0.75) < 1e-12);
  assert.equal(x2.beatsIncumbent, false); // 0.75 < sqrt(1/16 + 1) = 1.03
  assert.deepEqual(r2.entries.map((e) => e.key), ['adamw', 'x']);
});

test('each optimizer at its best in a setting: a weaker variant of the same optimizer does not count against it', () => {
  // AdamW in two search spaces (3.0 and 3.2) and X once (2.9): AdamW is the reference and the anchor at its best.
  const s = lmSetting('s');
  const rows = measuredRows([source('s', 2024, [], [s], [measured('s', ADAMW, 3.0, EX), measured('s', opt('adamw', 'adamw', 'AdamW (other search space)'), 3.2, EX), measured('s', X, 2.9, EX)])]);
  const r = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x'], incumbent: 'adamw', rows });
  const adamw = r.entries.find((e) => e.key === 'adamw')!;
  assert.equal(adamw.rows.length, 1);
  assert.equal(adamw.score, 0);
  // X's z is unchanged by AdamW's weaker variant being left out of AdamW's own rows.
  assert.ok(r.entries.find((e) => e.key === 'x')!.score > 0);
});
