import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  makeCommand, makeErrorResponse, makeNotification, makeRequest, makeResponse, parseHostMessage, parseViewMessage,
  type EstimateToggles, type JobEvaluationView, type MemoryView,
} from '../../src/webview-protocol';
import { fixtureProfile } from './charts-fixtures';

/** Messages travel as JSON between the host and the webview. */
const wire = (m: unknown): unknown => JSON.parse(JSON.stringify(m));

const TOGGLES: EstimateToggles = {
  precision: 'bf16-mixed', batchSize: 4, seqLen: 2048, gradientCheckpointing: false, loadDtype: null, adapter: 'none', loraRank: 8, zeroStage: 0, offload: 'none', gpus: 1,
};

const MEMORY: MemoryView = {
  jobId: 'job-a',
  toggles: TOGGLES,
  budgetBytes: 24 * 2 ** 30,
  bars: [
    {
      optimizer: 'adamw',
      name: 'AdamW',
      bytes: { weights: 1, gradients: 2, optimizerState: 3, masterWeights: 0, optimizerTemporaries: 0, activations: 4, overhead: 5, cudaContext: 4, allocatorReserve: 1, cublasWorkspace: 0, pagedOptimizerState: 0, peakAllocated: 10, peakReserved: 11, peak: 15 },
      fits: true,
      error: null,
    },
    { optimizer: 'shampoo', name: 'Shampoo', bytes: null, fits: null, error: 'not modelled' },
  ],
  notes: ['precision: bf16 mixed.'],
};

const EVALUATION: JobEvaluationView = {
  recommendation: {
    jobId: 'job-a',
    model: { label: 'meta-llama/Llama-2-7b-hf', family: 'llama', params: 6.7e9, trainableParams: 6.7e9 },
    budget: { bytesPerGpu: 24 * 2 ** 30, gpus: 1, label: 'RTX 4090', source: 'setting' },
    ranked: [{
      optimizer: 'adamw-8bit',
      name: 'AdamW 8-bit',
      rank: 1,
      tier: 'ok',
      fits: true,
      peakBytes: 20e9,
      score: 3,
      current: false,
      reasons: [{ rule: 'memory-bound', text: 'Memory is the constraint.', sources: [{ title: '8-bit Optimizers', url: 'https://arxiv.org/abs/2110.02861' }] }],
      hyperparameters: {
        lr: 2e-5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, warmup: { unit: 'ratio', value: 0.03 },
        schedule: { kind: 'cosine', detail: 'cosine decay' }, extra: { amsgrad: false },
      },
      own: ['lr'],
      suggestions: [{ field: 'lr', text: '2e-5 instead of 1e-4 — the QLoRA scripts' }],
      snippets: [{ framework: 'pytorch', label: 'PyTorch', language: 'python', code: 'bnb.optim.AdamW8bit(params, lr=2e-5)' }],
      paste: [
        { format: 'hf-trainer', label: 'HF Trainer', language: 'python', code: 'args = TrainingArguments(\n    optim="adamw_bnb_8bit",\n)', package: 'transformers, bitsandbytes', minVersion: null, source: 'transformers TrainingArguments.optim' },
        { format: 'axolotl', label: 'axolotl', language: 'yaml', code: 'optimizer: galore_adamw', package: 'axolotl, transformers, galore-torch', minVersion: '4.39.0', source: 'https://github.com/huggingface/transformers/pull/29588' },
      ],
      evidence: [{
        cite: 'Dettmers et al. 2022 (8-bit optimizers)', url: 'https://arxiv.org/abs/2110.02861', setting: 'GLUE fine-tuning', locator: 'Abstract',
        text: 'Dettmers et al. 2022 (8-bit optimizers), self-reported, GLUE fine-tuning: 8-bit Adam no better than AdamW (stated)',
        excerpt: 'our 8-bit optimizers maintain 32-bit performance', selfReported: true, similarity: 0.5,
      }],
    }],
    plan: {
      optimizer: 'adamw-8bit',
      steps: [{ id: 'gradient-checkpointing', text: 'Turn on gradient checkpointing', changes: 'slower steps; the updates are unchanged', peakBytes: 19e9 }],
      peakBytes: 19e9,
      fits: true,
    },
    notes: [],
    assumptions: ['fine-tuning assumed'],
    facts: [{ name: 'microBatch', label: 'micro-batch', value: '4', source: 'train.json:3:5', assumed: false }],
    canApply: true,
  },
  memory: MEMORY,
};

// ---- valid messages -----------------------------------------------------------------------------------

test('every view -> host message built by the constructors is accepted, field for field', () => {
  const messages = [
    makeCommand('ready', { protocol: 1 }),
    makeCommand('copySnippet', { label: 'PyTorch', text: 'torch.optim.AdamW(...)' }),
    makeCommand('runAction', { action: 'setGpuBudget' }),
    makeCommand('cancelProfile', { runId: 'run-1' }),
    makeCommand('reportProblem', { message: 'bad message' }),
    makeRequest(1, 'selectJob', { jobId: 'job-a' }),
    makeRequest(2, 'reestimate', { jobId: 'job-a', toggles: { ...TOGGLES, seqLen: null, adapter: 'qlora', zeroStage: 3, gpus: 8 } }),
    makeRequest(3, 'applyToConfig', { jobId: 'job-a', optimizer: 'adamw-8bit' }),
    makeRequest(4, 'loadProfiles', { jobId: 'job-a' }),
    makeRequest(5, 'runProfile', { jobId: 'job-a', optimizers: null }),
    makeRequest(6, 'runProfile', { jobId: 'job-a', optimizers: ['adamw', 'lion'] }),
    makeRequest(7, 'trace', { problem: 'beale', optimizers: ['adam'], steps: 300, lr: 0.01 }),
    makeRequest(8, 'trace', { problem: 'saddle', optimizers: ['sgd', 'adam'], steps: 1, lr: null }),
  ];
  for (const m of messages) {
    const parsed = parseViewMessage(wire(m));
    assert.ok(parsed.ok, `${m.type}: ${parsed.ok ? '' : parsed.error}`);
    assert.deepEqual(parsed.value, m);
  }
});

test('every host -> view message built by the constructors is accepted, field for field', () => {
  const doc = fixtureProfile();
  const messages = [
    makeNotification('environment', { locale: 'zh-cn', theme: 'high-contrast' }),
    makeNotification('jobs', {
      jobs: [{ id: 'job-a', label: 'job a', folder: '.', files: ['train.py'], model: null, optimizer: 'torch.optim.AdamW' }],
      activeJobId: 'job-a',
      scanning: false,
    }),
    makeNotification('activeJob', { jobId: null }),
    makeNotification('budget', { budget: null }),
    makeNotification('profileProgress', { runId: 'r', jobId: 'job-a', done: 3, total: 48, message: 'adamw lr 1e-3 seed 0' }),
    makeNotification('profileFinished', { runId: 'r', jobId: 'job-a', outcome: 'cancelled', message: null }),
    makeNotification('profileStatus', { runs: [{ runId: 'r', jobId: 'job-a', done: 0, total: 0, message: null }] }),
    makeNotification('problem', { message: 'rejected' }),
    makeResponse(1, 'selectJob', EVALUATION),
    makeResponse(2, 'reestimate', MEMORY),
    makeResponse(3, 'applyToConfig', { outcome: 'applied', message: 'train.py: AdamW -> AdamW8bit' }),
    makeResponse(4, 'loadProfiles', { jobId: 'job-a', profiles: [{ id: 'p.json', savedAt: '2025-01-01T00:00:00Z', document: doc }], unreadable: [{ id: 'q.json', error: 'truncated' }] }),
    makeResponse(5, 'runProfile', { runId: 'run-5' }),
    makeResponse(6, 'trace', {
      problem: 'rosenbrock', steps: 2, backend: 'wasm',
      lines: [{ optimizer: 'adam', name: 'Adam', lr: 0.01, points: [[-1.5, 2], [-1.49, 1.99], [-1.48, 1.98]], divergedAtStep: null, error: null }],
    }),
    makeErrorResponse(7, 'selectJob', 'train.py:3:1: unknown optimizer'),
  ];
  for (const m of messages) {
    const parsed = parseHostMessage(wire(m));
    assert.ok(parsed.ok, `${m.type}: ${parsed.ok ? '' : parsed.error}`);
    assert.deepEqual(parsed.value, m);
  }
});

test('fields a validator does not know are dropped, never passed on', () => {
  const parsed = parseViewMessage({ kind: 'request', id: 1, type: 'selectJob', payload: { jobId: 'a', evil: 'x' }, extra: true });
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value, { kind: 'request', id: 1, type: 'selectJob', payload: { jobId: 'a' } });
});

// ---- malformed messages -------------------------------------------------------------------------------

function rejectsView(value: unknown, mentions: string): void {
  const parsed = parseViewMessage(value);
  assert.equal(parsed.ok, false, `accepted ${JSON.stringify(value)}`);
  if (!parsed.ok) assert.match(parsed.error, new RegExp(mentions), parsed.error);
}

function rejectsHost(value: unknown, mentions: string): void {
  const parsed = parseHostMessage(value);
  assert.equal(parsed.ok, false, `accepted ${JSON.stringify(value).slice(0, 200)}`);
  if (!parsed.ok) assert.match(parsed.error, new RegExp(mentions), parsed.error);
}

test('view messages: each malformed variant is rejected with the path of the problem', () => {
  rejectsView(null, 'expected an object');
  rejectsView('ready', 'expected an object');
  rejectsView([], 'expected an object, got an array');
  rejectsView({ type: 'ready', payload: { protocol: 1 } }, 'kind: is missing');
  rejectsView({ kind: 'notification', type: 'jobs', payload: {} }, 'kind: expected one of');
  rejectsView({ kind: 'command', type: 'deleteEverything', payload: {} }, "unknown command 'deleteEverything'");
  rejectsView({ kind: 'request', type: 'hack', id: 1, payload: {} }, "unknown request 'hack'");
  rejectsView({ kind: 'request', type: 'toString', id: 1, payload: {} }, "unknown request 'toString'");
  rejectsView({ kind: 'command', type: 'ready' }, 'payload: is missing');
  rejectsView({ kind: 'command', type: 'ready', payload: { protocol: '1' } }, 'payload.protocol: expected a finite number');
  rejectsView({ kind: 'request', type: 'selectJob', payload: { jobId: 'a' } }, 'id: is missing');
  rejectsView({ kind: 'request', type: 'selectJob', id: -1, payload: { jobId: 'a' } }, 'id: must be at least 0');
  rejectsView({ kind: 'request', type: 'selectJob', id: 1.5, payload: { jobId: 'a' } }, 'id: expected a whole number');
  rejectsView({ kind: 'request', type: 'selectJob', id: 1, payload: { jobId: '' } }, 'payload.jobId: must not be empty');
  rejectsView({ kind: 'request', type: 'selectJob', id: 1, payload: { jobId: 42 } }, 'payload.jobId: expected a string');
  rejectsView({ kind: 'command', type: 'runAction', payload: { action: 'rm -rf' } }, 'payload.action: expected one of');
  rejectsView({ kind: 'command', type: 'copySnippet', payload: { label: 'x', text: 'a'.repeat(200_001) } }, 'payload.text: longer than');
  rejectsView({ kind: 'request', type: 'applyToConfig', id: 1, payload: { jobId: 'a', optimizer: 'AdamW; drop' } }, 'payload.optimizer: .* is not an optimizer id');
  rejectsView({ kind: 'request', type: 'trace', id: 1, payload: { problem: 'himmelblau', optimizers: ['adam'], steps: 10, lr: null } }, 'payload.problem');
  rejectsView({ kind: 'request', type: 'trace', id: 1, payload: { problem: 'beale', optimizers: [], steps: 10, lr: null } }, 'payload.optimizers: must name at least one');
  rejectsView({ kind: 'request', type: 'trace', id: 1, payload: { problem: 'beale', optimizers: ['adam'], steps: 100_001, lr: null } }, 'payload.steps: must be at most 100000');
  rejectsView({ kind: 'request', type: 'trace', id: 1, payload: { problem: 'beale', optimizers: ['adam'], steps: 10, lr: 0 } }, 'payload.lr: must be greater than 0');
  rejectsView({ kind: 'request', type: 'runProfile', id: 1, payload: { jobId: 'a' } }, 'payload.optimizers: is missing');
});

test('toggles: each out-of-range or mistyped value is rejected', () => {
  const bad: [Partial<Record<keyof EstimateToggles, unknown>>, string][] = [
    [{ precision: 'fp8' }, 'toggles.precision: expected one of'],
    [{ batchSize: 0 }, 'toggles.batchSize: must be at least 1'],
    [{ batchSize: 2.5 }, 'toggles.batchSize: expected a whole number'],
    [{ batchSize: 1e7 }, 'toggles.batchSize: must be at most 1000000'],
    [{ seqLen: -5 }, 'toggles.seqLen: must be at least 1'],
    [{ gradientCheckpointing: 'yes' }, 'toggles.gradientCheckpointing: expected true or false'],
    [{ adapter: 'dora' }, 'toggles.adapter: expected one of'],
    [{ loadDtype: 'int8' }, 'toggles.loadDtype: expected one of'],
    [{ loadDtype: undefined }, 'toggles.loadDtype: is missing'],
    [{ loraRank: 0 }, 'toggles.loraRank: must be at least 1'],
    [{ zeroStage: 4 }, 'toggles.zeroStage: expected one of 0, 1, 2, 3'],
    [{ zeroStage: '2' }, 'toggles.zeroStage: expected one of'],
    [{ gpus: 0 }, 'toggles.gpus: must be at least 1'],
    [{ gpus: undefined }, 'toggles.gpus: is missing'],
  ];
  for (const [patch, mentions] of bad) {
    rejectsView({ kind: 'request', type: 'reestimate', id: 1, payload: { jobId: 'a', toggles: { ...TOGGLES, ...patch } } }, mentions);
  }
});

test('host messages: each malformed variant is rejected', () => {
  rejectsHost({ kind: 'response', id: 1, type: 'selectJob', ok: true }, 'payload: is missing');
  rejectsHost({ kind: 'response', id: 1, type: 'selectJob', ok: false }, 'error: is missing');
  rejectsHost({ kind: 'response', id: 1, type: 'selectJob', ok: 'yes', payload: EVALUATION }, 'ok: expected true or false');
  rejectsHost({ kind: 'response', type: 'runProfile', ok: true, payload: { runId: 'r' } }, 'id: is missing');
  rejectsHost({ kind: 'response', id: 1, type: 'nope', ok: true, payload: {} }, "unknown response 'nope'");
  rejectsHost({ kind: 'notification', type: 'environment', payload: { locale: 'en', theme: 'solarized' } }, 'payload.theme');
  rejectsHost({ kind: 'notification', type: 'environment', payload: { locale: '', theme: 'dark' } }, 'payload.locale: must not be empty');
  rejectsHost({ kind: 'notification', type: 'profileProgress', payload: { runId: 'r', jobId: 'a', done: 5, total: 4, message: null } }, 'payload.done: 5 is more than the total 4');
  rejectsHost({ kind: 'notification', type: 'profileStatus', payload: { runs: [{ runId: 'r', jobId: 'a', done: 2, total: 1, message: null }] } }, 'payload.runs\\[0\\].done: 2 is more than the total 1');
  rejectsHost({ kind: 'notification', type: 'profileFinished', payload: { runId: 'r', jobId: 'a', outcome: 'exploded', message: null } }, 'payload.outcome');
  rejectsHost({ kind: 'notification', type: 'jobs', payload: { jobs: [{ id: 'a' }], activeJobId: null, scanning: false } }, 'payload.jobs\\[0\\].label: is missing');
  rejectsHost({ kind: 'request', id: 1, type: 'selectJob', payload: { jobId: 'a' } }, 'kind: expected one of');

  const memory = wire(MEMORY) as { bars: { bytes: Record<string, unknown> }[] };
  memory.bars[0]!.bytes['peak'] = -1;
  rejectsHost({ kind: 'response', id: 2, type: 'reestimate', ok: true, payload: memory }, 'payload.bars\\[0\\].bytes.peak: must be at least 0');
  const noPeak = wire(MEMORY) as { bars: { bytes: Record<string, unknown> }[] };
  delete noPeak.bars[0]!.bytes['overhead'];
  rejectsHost({ kind: 'response', id: 2, type: 'reestimate', ok: true, payload: noPeak }, 'payload.bars\\[0\\].bytes.overhead: is missing');

  const ev = wire(EVALUATION) as { recommendation: { ranked: { hyperparameters: { extra: unknown } }[] } };
  ev.recommendation.ranked[0]!.hyperparameters.extra = JSON.parse('{"__proto__": {"polluted": true}}');
  rejectsHost({ kind: 'response', id: 1, type: 'selectJob', ok: true, payload: ev }, '__proto__');
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  // The change to paste names a format the view knows, and a plan step says what it changes in the job.
  const badFormat = wire(EVALUATION) as { recommendation: { ranked: { paste: { format: string }[] }[] } };
  badFormat.recommendation.ranked[0]!.paste[1]!.format = 'keras';
  rejectsHost({ kind: 'response', id: 1, type: 'selectJob', ok: true, payload: badFormat }, 'payload.recommendation.ranked\\[0\\].paste\\[1\\].format: expected one of');
  const noChanges = wire(EVALUATION) as { recommendation: { plan: { steps: Record<string, unknown>[] } } };
  delete noChanges.recommendation.plan.steps[0]!['changes'];
  rejectsHost({ kind: 'response', id: 1, type: 'selectJob', ok: true, payload: noChanges }, 'payload.recommendation.plan.steps\\[0\\].changes: is missing');

  const doc = wire(fixtureProfile()) as Record<string, unknown>;
  doc['schemaVersion'] = 2;
  rejectsHost(
    { kind: 'response', id: 4, type: 'loadProfiles', ok: true, payload: { jobId: 'a', profiles: [{ id: 'p', savedAt: 'now', document: doc }], unreadable: [] } },
    'payload.profiles\\[0\\].document.schemaVersion: this version reads schema 1, the file has 2',
  );
  rejectsHost(
    { kind: 'response', id: 6, type: 'trace', ok: true, payload: { problem: 'beale', steps: 1, backend: null, lines: [{ optimizer: 'adam', name: 'Adam', lr: null, points: [[1, 2, 3]], divergedAtStep: null, error: null }] } },
    'points\\[0\\]: more than 2 items',
  );
});

test('a config string over 4,096 characters is clipped in its field; the jobs message still arrives (README: Reliability)', () => {
  const long = 'meta-llama/' + 'x'.repeat(10_000);
  const job = { id: 'train.py', label: long, folder: 'ws', files: ['train.py', long], model: long, optimizer: `adamw ${'y'.repeat(5000)}` };
  const parsed = parseHostMessage(JSON.parse(JSON.stringify(makeNotification('jobs', { jobs: [job], activeJobId: 'train.py', scanning: false }))));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.ok(parsed.value.kind === 'notification' && parsed.value.type === 'jobs');
  const [got] = parsed.value.payload.jobs;
  assert.equal(got.id, 'train.py');
  assert.equal(got.model?.length, 4096);
  assert.ok(got.model?.startsWith('meta-llama/xxx') && got.model.endsWith('…'));
  assert.equal(got.label.length, 4096);
  assert.equal(got.files[1].length, 4096);
  assert.equal(got.optimizer?.length, 4096);
  // ids round-trip unclipped (the view sends them back)
  const longId = 'a/'.repeat(3000) + 'train.py';
  const withId = parseHostMessage(JSON.parse(JSON.stringify(makeNotification('jobs', { jobs: [{ ...job, id: longId }], activeJobId: longId, scanning: false }))));
  assert.ok(withId.ok && withId.value.kind === 'notification' && withId.value.type === 'jobs' && withId.value.payload.jobs[0].id === longId);
});

test('labels show control and bidi characters of file names as escapes (the sidebar shows them as text)', () => {
  const job = { id: 'a\u202eb/train.py', label: 'a\u202eb/train.py \u001b[2J', folder: 'ws', files: ['a\u202eb/train.py'], model: null, optimizer: null };
  const parsed = parseHostMessage(JSON.parse(JSON.stringify(makeNotification('jobs', { jobs: [job], activeJobId: null, scanning: false }))));
  assert.ok(parsed.ok && parsed.value.kind === 'notification' && parsed.value.type === 'jobs');
  const [got] = parsed.value.payload.jobs;
  assert.equal(got.id, 'a\u202eb/train.py', 'the id goes back to the host unchanged');
  assert.equal(got.label, 'a\\u{202e}b/train.py \\u{1b}[2J');
  assert.equal(got.files[0], 'a\\u{202e}b/train.py');
});
