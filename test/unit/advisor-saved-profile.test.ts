import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measured, opt, setting } from '../../src/core/advisor/measurements/build';
import { measuredRows } from '../../src/core/advisor/measurements';
import type { Measurement, MeasurementSource, Setting } from '../../src/core/advisor/measurements/types';
import { rankByEvidence, type EvidenceJob, type RobustnessCounts } from '../../src/core/advisor/ranking';
import { rankingNote, savedProfileNote } from '../../src/core/advisor/measured';
import { checkSavedProfiles, chooseSavedProfile, savedProfileUse, robustnessCounts, type SavedProfileUse } from '../../src/core/advisor/saved-profile';
import { recommend } from '../../src/core/advisor/engine';
import { inventoryForRef } from '../../src/core/models';
import type { ProfileResultDocument } from '../../src/core/profile/profile-types';
import { parseProfileDocument } from '../../src/core/profile/profile-validate';
import { readSavedProfile } from '../../src/cli/commands/recommend';
import { InputError } from '../../src/core/types';
import { runCli } from '../../src/cli/main';

// The stability priority with and without a saved profile (README, "How the advice is derived").

const LM: EvidenceJob = { family: 'decoder-lm', modality: 'text', params: 125e6, fineTune: false, globalBatch: [{ value: 524288, unit: 'tokens' }], tokensPerParam: null };
const lm = (id: string): Setting => setting({
  id, locator: 'Table 1', task: 'test LM', family: 'decoder-lm', modality: 'text', params: 125e6, fineTune: false,
  tuning: 'per-optimizer', budget: 'equal steps', metric: { name: 'loss', kind: 'final', better: 'lower', basis: 'equal-budget' }, reference: 'adamw',
});
const source = (rows: Measurement[]): MeasurementSource =>
  ({ id: 's', cite: 's', title: 's', authors: 'A. Author', year: 2024, venue: 'test', readAt: 'https://example.org', url: 'https://example.org', proposes: [], settings: [lm('s')], rows });
const ADAMW = opt('adamw', 'adamw', 'AdamW');
const X = opt('x', null, 'X');
const Y = opt('y', null, 'Y');
const EX = 'an excerpt long enough to count';
const counts = (probes: number, survived: number, runs: number, runsDiverged: number): RobustnessCounts => ({ probes, survived, runs, runsDiverged });

test('stability without a saved profile: the order is unchanged and the note says no saved profile exists', () => {
  // X and Y measured exactly like AdamW: all three tie; no divergence reported, so the quality order (incumbent first, then catalog order).
  const rows = measuredRows([source([measured('s', ADAMW, 3.0, EX), measured('s', X, 3.0, EX), measured('s', Y, 3.0, EX)])]);
  const r = rankByEvidence({ job: LM, priority: 'stability', candidates: ['adamw', 'x', 'y'], incumbent: 'adamw', rows });
  assert.deepEqual(r.entries.map((e) => e.key), ['adamw', 'x', 'y']);
  assert.equal(r.robustnessUsed, false);
  const note = rankingNote(r, 'stability', 'AdamW', true);
  assert.match(note, /robustness probes were not used because no saved profile for this job exists/);
  assert.match(note, /profile --robustness --out DIR`, then `recommend --profile DIR\/profile\.json`/);
  // Other priorities say nothing about profiles, and ignore counts given to them.
  assert.doesNotMatch(rankingNote(r, 'quality', 'AdamW', true), /profile/);
  const q = rankByEvidence({ job: LM, priority: 'quality', candidates: ['adamw', 'x', 'y'], incumbent: 'adamw', rows, robustness: new Map([['adamw', counts(4, 0, 6, 6)]]) });
  assert.deepEqual(q.entries.map((e) => e.key), ['adamw', 'x', 'y']);
});

test('stability with a saved profile: an optimizer that fails probes goes below an otherwise tied one; the published divergence rate stays first', () => {
  const rows = measuredRows([source([measured('s', ADAMW, 3.0, EX), measured('s', X, 3.0, EX), measured('s', Y, 3.0, EX)])]);
  const robustness = new Map([['adamw', counts(4, 4, 6, 0)], ['x', counts(4, 3, 6, 0)], ['y', counts(4, 4, 6, 0)]]);
  const r = rankByEvidence({ job: LM, priority: 'stability', candidates: ['adamw', 'x', 'y'], incumbent: 'adamw', rows, robustness });
  assert.deepEqual(r.entries.map((e) => e.key), ['adamw', 'y', 'x']);
  assert.equal(r.robustnessUsed, true);
  // Same probes survived: the lr-grid runs decide (X 0 of 6 diverged, Y 3 of 6); one the profile did not measure comes last.
  const runs = new Map([['adamw', counts(4, 4, 6, 0)], ['x', counts(4, 4, 6, 0)], ['y', counts(4, 4, 6, 3)]]);
  assert.deepEqual(rankByEvidence({ job: LM, priority: 'stability', candidates: ['y', 'x', 'adamw'], incumbent: 'adamw', rows, robustness: runs }).entries.map((e) => e.key), ['adamw', 'x', 'y']);
  const partial = new Map([['y', counts(4, 2, 6, 0)]]);
  assert.deepEqual(rankByEvidence({ job: LM, priority: 'stability', candidates: ['adamw', 'x', 'y'], incumbent: 'adamw', rows, robustness: partial }).entries.map((e) => e.key), ['y', 'adamw', 'x']);
  // A published divergence of X keeps X last even when the profile has Y failing every probe.
  const d = measuredRows([source([measured('s', ADAMW, 3.0, EX), measured('s', X, 3.0, EX, { diverged: true }), measured('s', Y, 3.0, EX)])]);
  const worstY = new Map([['adamw', counts(4, 4, 6, 0)], ['x', counts(4, 4, 6, 0)], ['y', counts(4, 0, 6, 6)]]);
  assert.deepEqual(rankByEvidence({ job: LM, priority: 'stability', candidates: ['x', 'y', 'adamw'], incumbent: 'adamw', rows: d, robustness: worstY }).entries.map((e) => e.key), ['adamw', 'y', 'x']);
});

// ---- A profile document ----------------------------------------------------------------------

const run = (lr: number, diverged: boolean) => ({ lr, seed: 1, lossCurve: diverged ? [2, null] : [2, 1], finalLoss: diverged ? null : 1, diverged });
const probe = (p: 'explosion' | 'vanishing' | 'nan-inf' | 'sparse', diverged: boolean) => ({ probe: p, diverged, finalLoss: diverged ? null : 1, behaviour: diverged ? 'loss became NaN' : 'loss stayed finite' });
function result(optimizer: string, probesFailed: number, runsDiverged: number) {
  const probes = (['explosion', 'vanishing', 'nan-inf', 'sparse'] as const).map((p, i) => probe(p, i < probesFailed));
  return {
    optimizer, stepTimeMs: 1, relativeStepCost: 1, measuredStateBytes: 8, estimatedStateBytes: 8, estimatedPeakBytes: null,
    runs: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2].map((lr, i) => run(lr, i >= 6 - runsDiverged)),
    bestLr: 1e-3, lossCurve: [2, 1], finalLoss: 1, stepsToTarget: 1, diverged: false, robustness: probes,
  };
}
function profileDoc(job: { id: string; model: string } | undefined, results: ReturnType<typeof result>[]): ProfileResultDocument {
  const doc = {
    schemaVersion: 1, createdAt: '2026-12-01T10:00:00Z',
    backend: { name: 'cpu', reasons: [] },
    machine: { platform: 'linux', arch: 'x64', cpuModel: 'Test CPU', cpuCount: 2, memoryBytes: 1e9, node: 'v20' },
    ...(job ? { job } : {}),
    results, paretoFront: [], copyBandwidthGBps: null,
  };
  const parsed = parseProfileDocument(doc);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.value;
}

test('saved profile counts: probes survived (not diverged, finite loss) and lr-grid runs diverged, per optimizer', () => {
  const doc = profileDoc({ id: 'job', model: 'm' }, [result('adamw', 0, 0), result('lion', 1, 2)]);
  assert.deepEqual(robustnessCounts(doc).get('lion'), { probes: 4, survived: 3, runs: 6, runsDiverged: 2 });
  assert.deepEqual(robustnessCounts(doc).get('adamw'), { probes: 4, survived: 4, runs: 6, runsDiverged: 0 });
});

test('a profile of another job or model is ignored with a message saying why', () => {
  const doc = profileDoc({ id: 'other/config.json', model: 'gpt2' }, [result('adamw', 0, 0)]);
  const otherJob = savedProfileUse(doc, 'p.json', { id: 'job/config.json', model: 'gpt2' });
  assert.deepEqual(otherJob, { status: 'ignored', file: 'p.json', why: "it was measured for job 'other/config.json', not 'job/config.json'" });
  const otherModel = savedProfileUse(doc, 'p.json', { id: 'other/config.json', model: 'bert-base-uncased' });
  assert.equal(otherModel.status, 'ignored');
  assert.match(otherModel.status === 'ignored' ? otherModel.why : '', /measured for model gpt2; this job's model is bert-base-uncased/);
  assert.equal(savedProfileUse(profileDoc(undefined, [result('adamw', 0, 0)]), 'p.json', { id: 'x', model: null }).status, 'ignored');
  assert.equal(savedProfileUse(doc, 'p.json', { id: 'other/config.json', model: 'gpt2' }).status, 'used');

  // Through the engine: the note says it was ignored and why; the order is the one without a profile.
  const bert = inventoryForRef('bert-base-uncased');
  const base = { model: bert, estimateBase: {}, fineTune: false, priority: 'stability' as const };
  const none = recommend(base);
  const ignored = recommend({ ...base, savedProfile: otherJob });
  assert.deepEqual(ignored.recommendations.map((r) => r.optimizer), none.recommendations.map((r) => r.optimizer));
  assert.match(ignored.ranking.text, /the profile p\.json was ignored because it was measured for job 'other\/config\.json', not 'job\/config\.json'/);
  assert.deepEqual(ignored.ranking.savedProfile, { status: 'ignored', file: 'p.json', detail: otherJob.status === 'ignored' ? otherJob.why : '' });
  assert.deepEqual(none.ranking.savedProfile, { status: 'none', file: null, detail: null });
  assert.match(none.ranking.text, /no saved profile for this job exists/);
  assert.equal(recommend({ ...base, priority: 'quality' }).ranking.savedProfile, null);
});

test('choosing among saved profiles (newest first): the newest of this job is used; else the newest is ignored with its reason; else none', () => {
  const mine = profileDoc({ id: 'job', model: 'm' }, [result('adamw', 0, 0)]);
  const mineOlder = profileDoc({ id: 'job', model: 'm' }, [result('adamw', 1, 1)]);
  const other = profileDoc({ id: 'elsewhere', model: 'm' }, [result('adamw', 0, 0)]);
  const key = { id: 'job', model: 'm' };
  const used = chooseSavedProfile([{ file: 'new.json', document: other }, { file: 'mid.json', document: mine }, { file: 'old.json', document: mineOlder }], key);
  assert.equal(used.status, 'used');
  assert.equal(used.status === 'used' ? used.robustness.file : '', 'mid.json');
  const ignored = chooseSavedProfile([{ file: 'a.json', document: other }, { file: 'b.json', document: profileDoc(undefined, [result('adamw', 0, 0)]) }], key);
  assert.deepEqual(ignored, { status: 'ignored', file: 'a.json', why: "it was measured for job 'elsewhere', not 'job'" });
  assert.deepEqual(chooseSavedProfile([], key), { status: 'none' });
  // Files as read from storage, in order: one that could not be read or parsed (with its problem), one that is not a
  // profile (the schema's problem), one that is. The usable one is used; without it the newest other is named.
  const files = [
    { id: 'text.json', json: null, problem: 'text.json:1:12: unexpected end of file (truncated JSON?)' },
    { id: 'wrong.json', json: { schemaVersion: 1 } },
    { id: 'good.json', json: JSON.parse(JSON.stringify(mine)) },
  ];
  const checked = checkSavedProfiles(files);
  assert.deepEqual(checked.map((v) => ('document' in v ? ['valid', v.file] : ['unreadable', v.file])), [['unreadable', 'text.json'], ['unreadable', 'wrong.json'], ['valid', 'good.json']]);
  assert.equal(chooseSavedProfile(checked, key).status, 'used');
});

test('saved files none of which is a readable profile: the note names the newest and why, instead of saying none exists', () => {
  const key = { id: 'job', model: 'm' };
  const truncated = chooseSavedProfile(checkSavedProfiles([
    { id: 'new.json', json: null, problem: 'new.json:1:12: unexpected end of file (truncated JSON?)' },
    { id: 'old.json', json: { schemaVersion: 1 } },
  ]), key);
  assert.deepEqual(truncated, { status: 'ignored', file: 'new.json', why: 'it cannot be read as a profile (new.json:1:12: unexpected end of file (truncated JSON?))' });
  const schema = chooseSavedProfile(checkSavedProfiles([{ id: 'wrong.json', json: { schemaVersion: 1 } }]), key);
  assert.equal(schema.status, 'ignored');
  assert.match(schema.status === 'ignored' ? schema.why : '', /^it cannot be read as a profile \(.+\)$/);
  assert.match(savedProfileNote(truncated), /^The profiler's robustness probes were not used: the profile new\.json was ignored because it cannot be read as a profile \(new\.json:1:12: unexpected end of file/);
  // A readable profile of another job that is newer than an unreadable file: the newer is named.
  const other = profileDoc({ id: 'elsewhere', model: 'm' }, [result('adamw', 0, 0)]);
  const both = chooseSavedProfile([{ file: 'other.json', document: other }, ...checkSavedProfiles([{ id: 'bad.json', json: null, problem: 'cannot be read: EACCES' }])], key);
  assert.deepEqual(both, { status: 'ignored', file: 'other.json', why: "it was measured for job 'elsewhere', not 'job'" });
});

test('engine: a used profile cites its counts in the measured sentence; its failing optimizer does not rise', () => {
  const bert = inventoryForRef('bert-base-uncased');
  const base = { model: bert, estimateBase: {}, fineTune: false, priority: 'stability' as const };
  const before = recommend(base).recommendations.filter((r) => r.tier === 'ok').map((r) => r.optimizer);
  const [first, ...rest] = before;
  // The previous first fails 3 of 4 probes and 6 of 6 runs; every other survives all.
  const doc = profileDoc({ id: 'job', model: 'bert' }, [result(first!, 3, 6), ...rest.map((o) => result(o, 0, 0))]);
  const use: SavedProfileUse = savedProfileUse(doc, 'out/profile.json', { id: 'job', model: 'bert' });
  const after = recommend({ ...base, savedProfile: use });
  const entry = after.recommendations.find((r) => r.optimizer === first)!;
  assert.match(entry.measured.sentence, /Robustness from your saved profile \(proxy model, Test CPU \(cpu\), 2026-12-01\): survived 1 of 4 robustness probes; 6 of 6 learning-rate runs diverged\./);
  assert.notEqual(after.recommendations[0]!.optimizer, first);
  assert.match(after.ranking.text, /robustness measured in your saved profile out\/profile\.json/);
  assert.equal(after.ranking.savedProfile?.status, 'used');
});

test('--profile: a malformed or invalid profile file is one positioned message, not a crash', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saved-profile-'));
  const bad = path.join(dir, 'broken.json');
  fs.writeFileSync(bad, '{\n  "schemaVersion": 1,\n  "results": [\n');
  assert.throws(() => readSavedProfile(bad), (e: unknown) => e instanceof InputError && new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `).test(e.format()) && !e.format().includes('\n'));
  const invalid = path.join(dir, 'invalid.json');
  const doc = JSON.parse(JSON.stringify(profileDoc({ id: 'job', model: 'm' }, [result('adamw', 0, 0)]))) as { results: { runs: { lr: number }[] }[] };
  doc.results[0]!.runs[0]!.lr = -1;
  fs.writeFileSync(invalid, JSON.stringify(doc, null, 2));
  assert.throws(() => readSavedProfile(invalid), (e: unknown) => e instanceof InputError && /^\S*invalid\.json:\d+:\d+: results\[0\]\.runs\[0\]\.lr: must be greater than 0/.test(e.format()) && !e.format().includes('\n'));
  assert.throws(() => readSavedProfile(path.join(dir, 'missing.json')), (e: unknown) => e instanceof InputError && /missing\.json: cannot read the file/.test(e.format()));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('recommend --profile: a profile of another job is reported as ignored in the JSON; a truncated one exits 2 with one positioned line', async () => {
  const root = path.resolve(__dirname, '../../..');
  const fixture = 'test/fixtures/realproj/hf-run-clm';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saved-profile-cli-'));
  const other = path.join(dir, 'profile.json');
  fs.writeFileSync(other, JSON.stringify(profileDoc({ id: 'elsewhere.sh', model: 'gpt2' }, [result('adamw', 0, 0)])));
  const run = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(['recommend', fixture, '--gpu-memory', '80GiB', '--offline', ...args], { cwd: root, out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };
  const ignored = await run('--priority', 'stability', '--profile', other, '--json');
  const job = (JSON.parse(ignored.out) as { jobs: { ranking: { savedProfile: unknown; text: string } }[] }).jobs[0]!;
  assert.deepEqual(job.ranking.savedProfile, { status: 'ignored', file: other, detail: `it was measured for job 'elsewhere.sh', not 'train.sh'` });
  assert.match(job.ranking.text, /was ignored because it was measured for job 'elsewhere\.sh'/);
  const broken = path.join(dir, 'broken.json');
  fs.writeFileSync(broken, '{"schemaVersion": 1, "results": [');
  const bad = await run('--priority', 'stability', '--profile', broken);
  assert.equal(bad.code, 2);
  assert.equal(bad.out, '');
  assert.match(bad.err, new RegExp(`^optimizer-advisor recommend: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:\\d+: [^\\n]+\\n$`));
  fs.rmSync(dir, { recursive: true, force: true });
});
