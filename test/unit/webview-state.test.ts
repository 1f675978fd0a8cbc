import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSummary, RankedOptimizerView } from '../../src/webview-protocol';
import {
  chooseJob, defaultTraceSettings, initialState, parsePositive, parseWholeNumber, restoreState, selectJob, STATE_VERSION,
} from '../../webview/src/state';

const job = (id: string): JobSummary => ({ id, label: id, folder: id, files: [], model: null, optimizer: null });

test('job choice: the active editor job when following, else the current selection, else the first', () => {
  const jobs = [job('a'), job('b'), job('c')];
  const s = { ...initialState('en'), selectedJobId: 'b' };
  assert.equal(chooseJob(s, jobs, 'c'), 'c'); // following the editor
  assert.equal(chooseJob({ ...s, followEditor: false }, jobs, 'c'), 'b'); // picked by hand
  assert.equal(chooseJob({ ...s, selectedJobId: 'gone', followEditor: false }, jobs, 'c'), 'c');
  assert.equal(chooseJob({ ...s, selectedJobId: 'gone' }, jobs, null), 'a');
  assert.equal(chooseJob(s, [], 'c'), null);
});

test('selecting another job forgets the previous job’s results; selecting the same keeps them', () => {
  const s = { ...initialState('en'), selectedJobId: 'a', trace: { problem: 'beale' as const, steps: 1, backend: null, lines: [] }, error: 'x' };
  assert.equal(selectJob(s, 'a'), s);
  const t = selectJob(s, 'b');
  assert.equal(t.selectedJobId, 'b');
  assert.equal(t.trace, null);
  assert.equal(t.evaluation, null);
  assert.equal(t.error, null);
  // The optimizers ticked for a profile were chosen from that job's ranking.
  assert.deepEqual(selectJob({ ...s, profileOptimizers: ['lion'] }, 'b').profileOptimizers, []);
});

test('saved state is restored only from this version, with the current locale and no stale error', () => {
  const saved = { ...initialState('en'), tab: 'memory', error: 'old', selectedJobId: 'a' };
  const restored = restoreState(JSON.parse(JSON.stringify(saved)), 'zh-cn');
  assert.ok(restored);
  assert.equal(restored.tab, 'memory');
  assert.equal(restored.selectedJobId, 'a');
  assert.equal(restored.locale, 'zh-cn');
  assert.equal(restored.error, null);
  assert.equal(restoreState({ ...saved, version: STATE_VERSION + 1 }, 'en'), null);
  assert.equal(restoreState({ ...saved, tab: 'settings' }, 'en'), null);
  assert.equal(restoreState(null, 'en'), null);
  assert.equal(restoreState('state', 'en'), null);
  // Optimizers ticked for the next profile run come back; a state from before they existed, or a
  // damaged list, gives none (the default sweep).
  assert.deepEqual(restoreState({ ...saved, profileOptimizers: ['lion', 'adamw-8bit'] }, 'en')?.profileOptimizers, ['lion', 'adamw-8bit']);
  const { profileOptimizers: _dropped, ...older } = saved;
  void _dropped;
  assert.deepEqual(restoreState(older, 'en')?.profileOptimizers, []);
  assert.deepEqual(restoreState({ ...saved, profileOptimizers: 'lion' }, 'en')?.profileOptimizers, []);
  // Any other field that does not match its declaration drops the saved state (never drawn half-checked).
  assert.equal(restoreState({ ...saved, jobs: [{ id: 'a' }] }, 'en'), null);
  assert.equal(restoreState({ ...saved, toggles: { precision: 'fp8' } }, 'en'), null);
  assert.deepEqual(restoreState({ ...saved, jobs: [job('a')] }, 'en')?.jobs, [job('a')]);
});

test('number fields accept whole numbers in range and positive decimals only', () => {
  assert.equal(parseWholeNumber(' 16 ', 1, 100), 16);
  assert.equal(parseWholeNumber('0', 1, 100), null);
  assert.equal(parseWholeNumber('101', 1, 100), null);
  assert.equal(parseWholeNumber('2.5', 1, 100), null);
  assert.equal(parseWholeNumber('1e3', 1, 10000), null);
  assert.equal(parseWholeNumber('', 1, 100), null);
  assert.equal(parsePositive('3e-4'), 3e-4);
  assert.equal(parsePositive('0.001'), 0.001);
  assert.equal(parsePositive('.5'), 0.5);
  assert.equal(parsePositive('0'), null);
  assert.equal(parsePositive('-1'), null);
  assert.equal(parsePositive('abc'), null);
});

test('default trajectory settings: the top three ranked plus the current optimizer', () => {
  const ranked = (id: string, rank: number, current = false): RankedOptimizerView => ({
    optimizer: id, name: id, rank, tier: 'ok', fits: true, peakBytes: 1, score: 0, current, reasons: [],
    hyperparameters: { lr: 1e-3, betas: null, eps: null, weightDecay: 0, warmup: null, schedule: { kind: 'constant', detail: '' }, extra: {} },
    own: [], suggestions: [],
    snippets: [], paste: [], evidence: [],
  });
  const evaluation = {
    recommendation: {
      jobId: 'a', model: { label: 'm', family: 'llama', params: 1, trainableParams: 1 }, budget: null,
      ranked: [ranked('lion', 1), ranked('adamw-8bit', 2), ranked('adafactor', 3), ranked('sgd', 4), ranked('adamw', 5, true)],
      plan: null, notes: [], assumptions: [], facts: [], canApply: true,
    },
    memory: { jobId: 'a', toggles: { precision: 'fp32' as const, batchSize: 1, seqLen: null, gradientCheckpointing: false, loadDtype: null, adapter: 'none' as const, loraRank: 8, zeroStage: 0 as const, offload: 'none' as const, gpus: 1 }, budgetBytes: null, bars: [], notes: [] },
  };
  assert.deepEqual(defaultTraceSettings(evaluation), { problem: 'rosenbrock', optimizers: ['lion', 'adamw-8bit', 'adafactor', 'adamw'], steps: 500, lr: null });
  // A view saved with this evaluation comes back; one saved before the answer's fields (each optimizer's measured
  // rows and change to paste) is dropped rather than drawn without them.
  const saved = { ...initialState('en'), selectedJobId: 'a', evaluation };
  assert.deepEqual(restoreState(JSON.parse(JSON.stringify(saved)), 'en')?.evaluation, evaluation);
  const older = { ...evaluation, recommendation: { ...evaluation.recommendation, ranked: evaluation.recommendation.ranked.map(({ paste: _p, evidence: _e, ...rest }) => rest) } };
  assert.equal(restoreState(JSON.parse(JSON.stringify({ ...saved, evaluation: older })), 'en'), null);
  // One saved when the paste was a single snippet (before it came in every format with its package) is dropped too.
  const snippetPaste = { ...evaluation, recommendation: { ...evaluation.recommendation, ranked: evaluation.recommendation.ranked.map((r) => ({ ...r, paste: null })) } };
  assert.equal(restoreState(JSON.parse(JSON.stringify({ ...saved, evaluation: snippetPaste })), 'en'), null);
  assert.deepEqual(defaultTraceSettings(null).optimizers, ['adamw', 'sgd-momentum']);
});
