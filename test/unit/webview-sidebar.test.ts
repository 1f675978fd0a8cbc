/**
 * The host side of the sidebar without VS Code: the controller over fake deps (real scanner,
 * inventory, advisor and estimator on examples/), the page's CSP, and the toggle -> estimate mapping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recommend } from '../../src/core/advisor';
import { advisorInputForJob } from '../../src/core/job';
import { estimateMemory, resolveEstimateInput } from '../../src/core/memory';
import { resolveOptimizer } from '../../src/core/optimizers';
import { isOptimizerId } from '../../src/core/optimizers/registry';
import { SidebarController } from '../../src/extension/sidebar/controller';
import { evaluateJob, pasteViews, toSnippetViews } from '../../src/extension/sidebar/evaluate';
import { applyEdits, isFix, optimizerFix, pasteFormatOf } from '../../src/core/fixes';
import type { HyperparameterAdvice, StrategyPlan } from '../../src/core/advisor/types';
import type { RecommendJson } from '../../src/cli/json/recommend';
import { runCli } from '../../src/cli/main';
import { TRAINER_ADAM_BETAS } from '../../src/core/scan/hf-defaults';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contentSecurityPolicy, sidebarHtml } from '../../src/extension/sidebar/html';
import type { HostMessage, HostNotification, HostResponse, JobEvaluationView, MemoryView, ProfilesView, RequestType, TraceView } from '../../src/webview-protocol';
import { makeCommand, makeRequest } from '../../src/webview-protocol';
import { savedProfileUse } from '../../src/core/advisor/saved-profile';
import type { ProfileResultDocument } from '../../src/core/profile/profile-types';
import { fakeDeps, GiB, inventoryFor, recordingPort, type FakeDeps, type RecordingPort } from './webview-harness';

const LLAMA = 'llama2-7b-sft/training_args.json';

function setup(): { deps: FakeDeps; port: RecordingPort; controller: SidebarController } {
  const deps = fakeDeps();
  const port = recordingPort('en', 'dark');
  return { deps, port, controller: new SidebarController(deps, port) };
}

function response<T>(port: RecordingPort, id: number, type: RequestType): T {
  const r = port.sent.find((m): m is HostResponse => m.kind === 'response' && m.id === id);
  assert.ok(r, `no response ${id}`);
  assert.equal(r.type, type);
  if (!r.ok) assert.fail(`request ${id} failed: ${r.error}`);
  return r.payload as T;
}

function errorOf(port: RecordingPort, id: number): string {
  const r = port.sent.find((m): m is HostResponse => m.kind === 'response' && m.id === id);
  assert.ok(r && !r.ok, `request ${id} did not fail`);
  return r.ok ? '' : r.error;
}

const notifications = (sent: readonly HostMessage[], type: HostNotification['type']): HostNotification[] =>
  sent.filter((m): m is HostNotification => m.kind === 'notification' && m.type === type);

/** The job exactly as the CLI evaluates it: the scanner's job, the inventory, the advisor input. */
async function llamaInput(deps: FakeDeps) {
  const job = (await deps.listJobs()).find((j) => j.id === LLAMA)!;
  return { job, input: advisorInputForJob(job, inventoryFor(job), { gpuMemoryBytes: 24 * GiB, priority: 'quality' }) };
}

test('ready: the host sends the environment, the budget and the jobs of the workspace', async () => {
  const { port, controller } = setup();
  await controller.handle(makeCommand('ready', { protocol: 1 }));
  assert.deepEqual(port.sent.map((m) => m.type), ['environment', 'budget', 'profileStatus', 'jobs']);
  const n = notifications(port.sent, 'jobs')[0];
  assert.ok(n && n.type === 'jobs');
  const jobs = n.payload;
  assert.equal(jobs.jobs.length, 8); // one per example folder
  assert.equal(jobs.activeJobId, LLAMA);
  assert.equal(jobs.jobs.find((j) => j.id === LLAMA)?.label, 'llama2-7b-sft (meta-llama/Llama-2-7b-hf)');
});

test('selectJob: the ranking is the advisor’s and every bar is the estimator’s, for the job’s own settings', async () => {
  const { deps, port, controller } = setup();
  await controller.handle(makeRequest(1, 'selectJob', { jobId: LLAMA }));
  const ev = response<JobEvaluationView>(port, 1, 'selectJob');
  const { input } = await llamaInput(deps);
  const expected = recommend(input).recommendations;
  assert.deepEqual(ev.recommendation.ranked.map((r) => [r.optimizer, r.peakBytes, r.fits]), expected.map((r) => [r.optimizer, r.peakBytes, r.fits]));
  assert.equal(ev.recommendation.ranked.find((r) => r.current)?.optimizer, 'adamw'); // optim: adamw_torch
  assert.equal(ev.recommendation.canApply, true);
  // The toggles start from the file: micro-batch 4, max_seq_length 2048, bf16 mixed, no checkpointing.
  assert.deepEqual(ev.memory.toggles, { precision: 'bf16-mixed', batchSize: 4, seqLen: 2048, gradientCheckpointing: false, loadDtype: null, adapter: 'none', loraRank: 8, zeroStage: 0, offload: 'none', gpus: 1 });
  // AdamW's bar, estimated here directly: the job's AdamW with its own betas/eps, micro-batch 4, seq 2048, bf16 mixed.
  const adamw = resolveOptimizer('adamw_torch', { betas: [0.9, 0.999], eps: 1e-8 })!;
  const direct = estimateMemory(resolveEstimateInput({
    model: input.model, optimizer: adamw, hyperparameters: { betas: [0.9, 0.999], eps: 1e-8 },
    batchSize: 4, gradAccum: 8, seqLen: 2048, precision: 'bf16-mixed', gradientCheckpointing: false, gpuMemoryBytes: 24 * GiB,
  }));
  const bar = ev.memory.bars.find((b) => b.optimizer === 'adamw');
  assert.deepEqual(bar?.bytes, direct.bytes);
  assert.equal(bar?.fits, false);
  assert.equal(ev.memory.budgetBytes, 24 * GiB);
  assert.equal(ev.memory.bars.length, ev.recommendation.ranked.length);
});

test('selectJob: the answer\'s parts — the measured rows the ranking attached, the change to paste in the job\'s format, the plan\'s optimizer', async () => {
  const { deps, port, controller } = setup();
  await controller.handle(makeRequest(1, 'selectJob', { jobId: LLAMA }));
  const ev = response<JobEvaluationView>(port, 1, 'selectJob');
  const { input } = await llamaInput(deps);
  const result = recommend(input);
  // Each entry carries the advisor's nearest measured rows, in its order, with their sources.
  ev.recommendation.ranked.forEach((r, i) => {
    const nearest = result.recommendations[i]!.measured.nearest;
    assert.deepEqual(r.evidence.map((e) => [e.text, e.cite, e.url, e.locator, e.selfReported]), nearest.map((n) => [n.text, n.cite, n.url, n.locator, n.selfReported]), r.optimizer);
  });
  assert.ok(ev.recommendation.ranked[0]!.evidence.length > 0, 'the top pick has a measured row');
  // The plan names the optimizer it was computed for, and each step says what it changes in the job (the core's words).
  assert.equal(ev.recommendation.plan?.optimizer, result.strategyBase?.optimizer);
  assert.deepEqual(ev.recommendation.plan?.steps.map((s) => [s.id, s.text, s.changes]), result.strategyPlan?.steps.map((s) => [s.id, s.text, s.changes]));
  assert.ok(ev.recommendation.plan!.steps.every((s) => s.changes.length > 0));
});

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** `optimizer-advisor recommend <examples> --gpu-memory 24GiB --json [...]`, as a user runs it. */
async function cliRecommend(extra: readonly string[] = []): Promise<RecommendJson> {
  let out = '';
  const code = await runCli(['recommend', 'examples', '--gpu-memory', '24GiB', ...extra, '--json'], { cwd: ROOT, out: (t) => (out += t), err: () => undefined });
  assert.ok(code === 0 || code === 3, `recommend exited ${code}`);
  return JSON.parse(out) as RecommendJson;
}

test('the change to paste is the recommend command\'s `change` for the same job, in every format, the job\'s own first', async () => {
  const { deps, port, controller } = setup();
  const doc = await cliRecommend();
  const jobs = await deps.listJobs();
  // The examples are written in each format the paste knows (README "Recommend: the change to paste").
  const own: Record<string, string> = {
    [LLAMA]: 'hf-trainer',
    'mistral-7b-qlora/config.yml': 'axolotl',
    'llama3.2-3b-lora-torchtune/3B_lora_single_device.yaml': 'torchtune',
    'qwen2.5-7b-zero2/training_args.json': 'deepspeed',
    'resnet50-imagenet/train.py': 'pytorch',
  };
  let compared = 0;
  let id = 0;
  for (const cliJob of doc.jobs) {
    if (cliJob.recommendations === undefined) continue;
    const job = jobs.find((j) => j.id === cliJob.source);
    assert.ok(job, cliJob.source);
    await controller.handle(makeRequest(++id, 'selectJob', { jobId: job.id }));
    const ev = response<JobEvaluationView>(port, id, 'selectJob');
    const format = pasteFormatOf(job);
    if (own[job.id] !== undefined) {
      assert.equal(format, own[job.id], job.id);
      assert.ok(ev.recommendation.ranked.some((r) => r.paste[0]?.format === format), `${job.id}: a change in the job's own format`);
    }
    for (const view of ev.recommendation.ranked) {
      // The job's own format comes first wherever it can express the optimizer; no format twice.
      if (view.paste.some((c) => c.format === format)) assert.equal(view.paste[0]!.format, format, `${job.id} ${view.optimizer}`);
      assert.equal(new Set(view.paste.map((c) => c.format)).size, view.paste.length);
    }
    for (const r of cliJob.recommendations) {
      if (r.change === undefined) continue;
      const view = ev.recommendation.ranked.find((x) => x.optimizer === r.optimizer)!;
      assert.deepEqual(view.paste.map(({ label: _l, ...c }) => c), r.change, `${job.id} ${r.optimizer}`);
      compared++;
    }
  }
  assert.ok(compared >= 9, `${compared} changes compared`);
});

test('7B full fine-tune on 24 GiB (bf16 weights): the answer carries GaLore\'s plan with its settings and what each step changes; the paste is recommend\'s', async () => {
  const { deps } = setup();
  const { job, input } = await llamaInput(deps);
  const bf16 = { ...input, estimateBase: { ...input.estimateBase, loadDtype: 'bf16' as const } };
  const parts = evaluateJob(job, bf16, null, () => []);
  const plan = parts.recommendation.plan;
  const top = parts.recommendation.ranked[0]!;
  assert.equal(top.optimizer, 'galore-adamw');
  assert.equal(top.fits, false);
  assert.equal(plan?.optimizer, 'galore-adamw');
  assert.deepEqual(plan.steps.map((s) => s.id), ['gradient-checkpointing', 'galore']);
  assert.equal(plan.fits, true);
  const galore = plan.steps[1]!;
  assert.match(galore.text, /galore_adamw_8bit_layerwise/);
  assert.match(galore.text, /rank=1024,update_proj_gap=500,scale=0\.25/);
  assert.match(galore.changes, /low-rank projection/);
  // The same text as `recommend --load-dtype bf16 --json`'s change for the job.
  const doc = await cliRecommend(['--load-dtype', 'bf16']);
  const cli = doc.jobs.find((j) => j.source.endsWith(LLAMA))!.recommendations![0]!;
  assert.equal(cli.optimizer, 'galore-adamw');
  assert.deepEqual(top.paste.map(({ label: _l, ...c }) => c), cli.change);
  assert.equal(top.paste[0]!.label, 'HF Trainer');
  assert.equal(top.paste[0]!.minVersion, '4.39.0');
  assert.equal(top.paste[0]!.package, 'transformers, galore-torch');
  assert.deepEqual(cli.fitPlan?.steps.map((s) => s.changes), plan.steps.map((s) => s.changes));
});

test('Apply writes the values the paste shows: the quick fix gets the hyperparameters the paste was made from', async () => {
  const { deps, port, controller } = setup();
  await controller.handle(makeRequest(1, 'selectJob', { jobId: LLAMA }));
  const ev = response<JobEvaluationView>(port, 1, 'selectJob');
  const top = ev.recommendation.ranked[0]!;
  const target = top.optimizer;
  assert.ok(isOptimizerId(target));
  const asked: HyperparameterAdvice[] = [];
  const plans: (StrategyPlan | null)[] = [];
  deps.planFix = async (_jobId, _optimizer, hyperparameters, plan) => {
    asked.push(hyperparameters);
    plans.push(plan);
    return null;
  };
  await controller.handle(makeRequest(2, 'applyToConfig', { jobId: LLAMA, optimizer: top.optimizer }));
  const given = asked[0];
  assert.ok(given, 'Apply asked for the quick fix');
  const job = (await deps.listJobs()).find((j) => j.id === LLAMA)!;
  // With the plan that makes it fit (nothing fits the job as set up), which Apply gets too.
  const plan = plans[0] ?? null;
  assert.ok(plan?.steps.some((x) => x.settings !== undefined), 'Apply got the plan with its settings');
  assert.deepEqual(pasteViews(job, target, given, plan), top.paste);
  // The quick fix on the example file with those hyperparameters writes keys and values the paste holds.
  const text = fs.readFileSync(path.join(ROOT, 'examples', LLAMA), 'utf8');
  const fix = optimizerFix({ path: LLAMA, text, job, target, hyperparameters: given, plan });
  assert.ok(isFix(fix));
  const after = JSON.parse(applyEdits(text, fix.edits)) as Record<string, unknown>;
  const paste = top.paste[0]!.code;
  assert.ok(paste.includes(`optim="${String(after['optim'])}"`), paste);
  // The paste leaves out the Trainer's defaults; the fix also rewrites the betas and eps keys the file already sets
  // (TrainingArguments: adam_beta1 0.9, adam_beta2 0.999, adam_epsilon 1e-8; transformers training_args.py).
  const trainerDefault: Record<string, number> = { adam_beta1: TRAINER_ADAM_BETAS[0], adam_beta2: TRAINER_ADAM_BETAS[1], adam_epsilon: 1e-8 };
  for (const key of Object.keys(fix.written)) {
    const v = after[key];
    const m = new RegExp(`\\b${key}=([^,\\n]+),`).exec(paste);
    if (m === null) {
      assert.equal(v, trainerDefault[key], `${key} is not in the paste, so the fix writes the Trainer's default:\n${paste}`);
      continue;
    }
    assert.deepEqual(JSON.parse(m[1]!.replace(/^True$/, 'true')), v, key);
  }
});

test('reestimate: toggles change the bars to the estimator’s numbers for those settings', async () => {
  const { deps, port, controller } = setup();
  await controller.handle(makeRequest(1, 'selectJob', { jobId: LLAMA }));
  const toggles = { precision: 'bf16-mixed' as const, batchSize: 1, seqLen: 1024, gradientCheckpointing: true, loadDtype: 'bf16' as const, adapter: 'lora' as const, loraRank: 16, zeroStage: 0 as const, offload: 'none' as const, gpus: 1 };
  await controller.handle(makeRequest(2, 'reestimate', { jobId: LLAMA, toggles }));
  const memory = response<MemoryView>(port, 2, 'reestimate');
  assert.deepEqual(memory.toggles, toggles);
  const { input } = await llamaInput(deps);
  // LoRA switched on without targets in the files: PEFT's default for llama is q_proj and v_proj.
  const lora = { rank: 16, targets: ['q_proj', 'v_proj'], qlora: false };
  const adamw = resolveOptimizer('adamw_torch', { betas: [0.9, 0.999], eps: 1e-8 })!;
  const direct = estimateMemory(resolveEstimateInput({
    model: input.model, optimizer: adamw, hyperparameters: { betas: [0.9, 0.999], eps: 1e-8 },
    batchSize: 1, gradAccum: 8, seqLen: 1024, precision: 'bf16-mixed', gradientCheckpointing: true, lora, gpuMemoryBytes: 24 * GiB, loadDtype: 'bf16',
  }));
  assert.deepEqual(memory.bars.find((b) => b.optimizer === 'adamw')?.bytes, direct.bytes);
  // The frozen base loaded in bf16 holds 2 bytes per weight, not the 4 assumed when the load dtype is not stated.
  await controller.handle(makeRequest(3, 'reestimate', { jobId: LLAMA, toggles: { ...toggles, loadDtype: null } }));
  const unstated = response<MemoryView>(port, 3, 'reestimate');
  const frozen = input.model.tensors.reduce((s, t) => s + (t.tiedTo ? 0 : t.shape.reduce((a, b) => a * b, 1)), 0);
  assert.equal(unstated.bars.find((b) => b.optimizer === 'adamw')!.bytes!.weights - direct.bytes.weights, 2 * frozen);
  assert.ok(memory.notes.some((n) => n.includes("PEFT's default for llama (q_proj, v_proj)")), memory.notes.join('\n'));
  // Smaller micro-batch, shorter sequences, checkpointing and LoRA: far less than the job as written.
  const before = response<JobEvaluationView>(port, 1, 'selectJob').memory.bars.find((b) => b.optimizer === 'adamw')!.bytes!.peak;
  assert.ok(direct.bytes.peak < before / 2);
});

test('reestimate: the ZeRO stage, CPU offload and GPU count toggles are estimate --zero-stage/--offload/--gpus', async () => {
  const { deps, port, controller } = setup();
  await controller.handle(makeRequest(1, 'selectJob', { jobId: LLAMA }));
  const own = response<JobEvaluationView>(port, 1, 'selectJob').memory.toggles;
  assert.equal(own.offload, 'none');
  const toggles = { ...own, zeroStage: 3 as const, offload: 'params' as const, gpus: 8 };
  await controller.handle(makeRequest(2, 'reestimate', { jobId: LLAMA, toggles }));
  const memory = response<MemoryView>(port, 2, 'reestimate');
  assert.deepEqual(memory.toggles, toggles);
  const { input } = await llamaInput(deps);
  const adamw = resolveOptimizer('adamw_torch', { betas: [0.9, 0.999], eps: 1e-8 })!;
  const direct = estimateMemory(resolveEstimateInput({
    model: input.model, optimizer: adamw, hyperparameters: { betas: [0.9, 0.999], eps: 1e-8 },
    batchSize: own.batchSize, gradAccum: 8, seqLen: own.seqLen ?? undefined, precision: own.precision, gradientCheckpointing: own.gradientCheckpointing,
    zeroStage: 3, offload: 'params', gpus: 8, gpuMemoryBytes: 24 * GiB,
  }));
  assert.deepEqual(memory.bars.find((b) => b.optimizer === 'adamw')?.bytes, direct.bytes);
  // Offload without ZeRO is not a DeepSpeed setup: estimated without it, and said so.
  await controller.handle(makeRequest(3, 'reestimate', { jobId: LLAMA, toggles: { ...toggles, zeroStage: 0 as const } }));
  const noZero = response<MemoryView>(port, 3, 'reestimate');
  assert.ok(noZero.notes.some((n) => n.startsWith('Offloading the params needs ZeRO')), noZero.notes.join('\n'));
});

test('reestimate: settings the estimator rejects come back as one clear error', async () => {
  const { port, controller } = setup();
  const toggles = { precision: 'bf16' as const, batchSize: 1, seqLen: 128, gradientCheckpointing: false, loadDtype: null, adapter: 'lora' as const, loraRank: 99_999, zeroStage: 0 as const, offload: 'none' as const, gpus: 1 };
  await controller.handle(makeRequest(1, 'reestimate', { jobId: LLAMA, toggles }));
  assert.match(errorOf(port, 1), /LoRA rank 99999 is larger than every targeted dimension \(the largest is \d+\)/);
});

test('a malformed message is rejected, logged and reported, and nothing is done', async () => {
  const { deps, port, controller } = setup();
  let listed = 0;
  const listJobs = deps.listJobs;
  deps.listJobs = async () => {
    listed++;
    return listJobs();
  };
  await controller.handle({ kind: 'request', id: 1, type: 'selectJob', payload: { jobId: 7 } });
  await controller.handle({ kind: 'request', id: 2, type: 'applyToConfig', payload: { jobId: LLAMA, optimizer: 'lion', force: true, extra: '' }, junk: 1 });
  await controller.handle('{"kind":"command"}');
  assert.equal(listed, 1); // only the well-formed applyToConfig (extra fields dropped) reached the deps
  const problems = notifications(port.sent, 'problem').map((n) => (n.payload as { message: string }).message);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /payload\.jobId: expected a string/);
  assert.ok(deps.logs.filter((l) => l.startsWith('warn: sidebar: rejected')).length === 2);
  assert.equal(port.sent.filter((m) => m.kind === 'response' && m.id === 1).length, 0);
});

test('apply to config: nothing changes unless the user confirms', async () => {
  const { deps, port, controller } = setup();
  await controller.handle(makeRequest(1, 'selectJob', { jobId: LLAMA }));
  port.confirmAnswer = false;
  await controller.handle(makeRequest(2, 'applyToConfig', { jobId: LLAMA, optimizer: 'adamw-8bit' }));
  assert.deepEqual(response(port, 2, 'applyToConfig'), { outcome: 'cancelled', message: null });
  assert.deepEqual(deps.applied, []);
  port.confirmAnswer = true;
  await controller.handle(makeRequest(3, 'applyToConfig', { jobId: LLAMA, optimizer: 'adamw-8bit' }));
  assert.deepEqual(response(port, 3, 'applyToConfig'), { outcome: 'applied', message: `${LLAMA}: optimizer -> adamw-8bit` });
  assert.deepEqual(deps.applied, [`${LLAMA}:adamw-8bit`]);
  deps.planFix = async () => null;
  await controller.handle(makeRequest(4, 'applyToConfig', { jobId: LLAMA, optimizer: 'lion' }));
  assert.equal(response<{ outcome: string }>(port, 4, 'applyToConfig').outcome, 'unavailable');
});

test('profile runs stream progress, refuse a second run for the job, and cancel', async () => {
  const { deps, port, controller } = setup();
  await controller.handle(makeRequest(1, 'runProfile', { jobId: LLAMA, optimizers: ['adamw', 'lion'] }));
  const { runId } = response<{ runId: string }>(port, 1, 'runProfile');
  assert.ok(deps.profileControl);
  deps.profileControl.progress({ done: 1, total: 12, message: 'adamw lr 1e-3 seed 0' });
  deps.profileControl.progress({ done: 2, total: 12 }); // within 100 ms of the last: coalesced
  deps.profileControl.progress({ done: 12, total: 12 }); // the last one always goes out
  const progress = notifications(port.sent, 'profileProgress').map((n) => n.payload as { done: number; runId: string; message: string | null });
  assert.deepEqual(progress.map((p) => p.done), [1, 12]);
  assert.equal(progress[0]?.runId, runId);
  assert.equal(progress[0]?.message, 'adamw lr 1e-3 seed 0');
  await controller.handle(makeRequest(2, 'runProfile', { jobId: LLAMA, optimizers: null }));
  assert.match(errorOf(port, 2), /already running/);
  // A view shown again (new page, `ready`) learns about the run in progress.
  port.sent.length = 0;
  await controller.handle(makeCommand('ready', { protocol: 1 }));
  const status = notifications(port.sent, 'profileStatus')[0];
  assert.ok(status && status.type === 'profileStatus');
  assert.deepEqual(status.payload.runs, [{ runId, jobId: LLAMA, done: 12, total: 12, message: null }]);
  await controller.handle(makeCommand('cancelProfile', { runId }));
  await new Promise((r) => setImmediate(r));
  const finished = notifications(port.sent, 'profileFinished').map((n) => n.payload);
  assert.deepEqual(finished, [{ runId, jobId: LLAMA, outcome: 'cancelled', message: null }]);
});

test('saved profiles are checked; an unreadable file is reported, not shown', async () => {
  const { port, controller } = setup();
  await controller.handle(makeRequest(1, 'loadProfiles', { jobId: LLAMA }));
  const view = response<ProfilesView>(port, 1, 'loadProfiles');
  assert.deepEqual(view.profiles.map((p) => p.id), ['profile-2025-01-01.json']);
  assert.equal(view.profiles[0]?.document.backend.name, 'wasm');
  assert.deepEqual(view.unreadable.map((u) => u.id), ['profile-broken.json']);
  // The first problem in the declaration's order: the required fields the file lacks come first.
  assert.match(view.unreadable[0]!.error, /^backend: is missing/);
});

test('a saved file that could not be read or parsed is listed with the reader\'s problem (its position), not a schema message about its text', async () => {
  const { deps, port, controller } = setup();
  deps.profileFiles = [{ id: 'profile-cut.json', savedAt: '2025-03-01T00:00:00.000Z', json: null, problem: 'profile-cut.json:40:7: unexpected end of file (truncated JSON?)' }, ...deps.profileFiles];
  await controller.handle(makeRequest(1, 'loadProfiles', { jobId: LLAMA }));
  const view = response<ProfilesView>(port, 1, 'loadProfiles');
  assert.deepEqual(view.profiles.map((p) => p.id), ['profile-2025-01-01.json']);
  assert.deepEqual(view.unreadable.map((u) => [u.id, u.error]), [
    ['profile-cut.json', 'profile-cut.json:40:7: unexpected end of file (truncated JSON?)'],
    ['profile-broken.json', view.unreadable[1]!.error],
  ]);
});

test('trace: one line per optimizer; a failing optimizer reports its error and the others still draw', async () => {
  const { deps, port, controller } = setup();
  const runTrace = deps.runTrace;
  deps.runTrace = async (call, signal) => {
    if (call.optimizer === 'shampoo') throw new Error('shampoo needs matrices');
    return runTrace(call, signal);
  };
  await controller.handle(makeRequest(1, 'trace', { problem: 'rosenbrock', optimizers: ['adam', 'shampoo', 'no-such-optimizer'], steps: 20, lr: 0.001 }));
  const trace = response<TraceView>(port, 1, 'trace');
  assert.deepEqual(trace.lines.map((l) => [l.optimizer, l.points.length, l.error]), [
    ['adam', 21, null], ['shampoo', 0, 'shampoo needs matrices'], ['no-such-optimizer', 0, "unknown optimizer 'no-such-optimizer'"],
  ]);
  assert.deepEqual(trace.lines[0]?.points[0], [-1.5, 2]); // Rosenbrock's conventional start
  assert.equal(trace.backend, 'fixture');
});

test('workspace events become notifications', async () => {
  const { deps, port, controller } = setup();
  await controller.handle(makeCommand('ready', { protocol: 1 }));
  port.sent.length = 0;
  deps.activeChanged.fire('bert-sst2/training_args.json');
  deps.budget = null;
  deps.budgetChanged.fire(undefined);
  deps.jobsChanged.fire(undefined);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(port.sent.map((m) => m.type), ['activeJob', 'budget', 'jobs']);
  assert.deepEqual(port.sent[1]?.kind === 'notification' ? port.sent[1].payload : null, { budget: null });
  controller.dispose();
  deps.activeChanged.fire(null);
  assert.equal(port.sent.length, 3); // no messages after dispose
});

test('the page: strict CSP, the script by nonce only, every URL given, nothing inline', () => {
  const nonce = 'YWJjZGVmZ2hpamtsbW5vcA==';
  const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
  assert.equal(
    contentSecurityPolicy(cspSource, nonce),
    `default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; font-src ${cspSource}; img-src ${cspSource}; script-src 'nonce-${nonce}'`,
  );
  const html = sidebarHtml({ scriptUri: `${cspSource}/ext/dist/webview/main.js`, styleUri: `${cspSource}/ext/dist/webview/main.css`, cspSource, nonce, locale: 'zh-cn', title: 'Optimizer Advisor' });
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]![1]!, new RegExp(`nonce="${nonce}" src="${cspSource.replace(/[.+]/g, '\\$&')}/ext/dist/webview/main\\.js"`));
  assert.equal(scripts[0]![2], '');
  assert.ok(!/<style|\sstyle="|\son\w+="/.test(html), 'no inline styles or handlers');
  assert.match(html, /<html lang="zh-CN">/);
  assert.match(html, /<body data-locale="zh-cn">/);
  assert.match(html, new RegExp(`<meta property="csp-nonce" content="${nonce}">`));
  assert.throws(() => contentSecurityPolicy(cspSource, 'short'), RangeError);
  assert.throws(() => contentSecurityPolicy("x; script-src 'unsafe-inline'", nonce), RangeError);
  assert.throws(() => contentSecurityPolicy("'unsafe-inline'", nonce), RangeError);
  assert.throws(() => contentSecurityPolicy('https://a, https://b', nonce), RangeError);
  // code-server's webview.cspSource: the 'self' keyword and a wildcard host.
  const codeServer = "'self' https://*.vscode-cdn.net";
  assert.equal(contentSecurityPolicy(codeServer, nonce).split('; ')[1], `style-src 'self' https://*.vscode-cdn.net 'nonce-${nonce}'`);
});

test('generated snippets become copy buttons; frameworks without one are left out', () => {
  assert.deepEqual(
    toSnippetViews([
      { kind: 'pytorch', language: 'python', code: 'torch.optim.AdamW(model.parameters(), lr=2e-5)' },
      { kind: 'deepspeed', language: 'json', code: '{"optimizer": {"type": "AdamW"}}' },
      { kind: 'optax', unavailable: 'optax has no 8-bit AdamW' },
    ]),
    [
      { framework: 'pytorch', label: 'PyTorch', language: 'python', code: 'torch.optim.AdamW(model.parameters(), lr=2e-5)' },
      { framework: 'deepspeed', label: 'DeepSpeed', language: 'json', code: '{"optimizer": {"type": "AdamW"}}' },
    ],
  );
});

test('selectJob, stability priority: the newest saved result of this job orders equal divergence rates and its counts are cited; one of another job is ignored', async () => {
  const { deps, port, controller } = setup();
  const { job, input } = await llamaInput(deps);
  // A budget everything fits in: the measured order decides among all of them (not the smallest change that fits).
  const stability = { ...input, priority: 'stability' as const, estimateBase: { ...input.estimateBase, gpuMemoryBytes: 1024 * 1024 * GiB } };
  deps.advisorInput = async () => stability;
  // The fixture profile names another job: ignored, so the order is the one without a profile and no sentence cites it.
  await controller.handle(makeRequest(1, 'selectJob', { jobId: LLAMA }));
  const ignored = response<JobEvaluationView>(port, 1, 'selectJob');
  const withoutProfile = recommend(stability).recommendations.map((r) => r.optimizer);
  assert.deepEqual(ignored.recommendation.ranked.map((r) => r.optimizer), withoutProfile);
  assert.ok(!ignored.recommendation.ranked.some((r) => r.reasons.some((x) => x.text.includes('saved profile'))));
  // The view's notes open with the ranking's note, which says the profile was ignored.
  assert.match(ignored.recommendation.notes[0]!, /robustness probes were not used: the profile profile-2025-01-01\.json was ignored because/);
  // The same document saved for this job: used. AdamW fails two of its four probes, every other optimizer it measured survives all.
  const base = deps.profileFiles[0]!.json as ProfileResultDocument;
  const doc: ProfileResultDocument = {
    ...base,
    job: { id: LLAMA, model: 'meta-llama/Llama-2-7b-hf' },
    results: base.results.map((r) => ({
      ...r,
      robustness: (['explosion', 'vanishing', 'nan-inf', 'sparse'] as const).map((probe, i) => {
        const failed = r.optimizer === 'adamw' && i < 2;
        return { probe, diverged: failed, finalLoss: failed ? null : 1, behaviour: failed ? 'loss became NaN' : 'finite' };
      }),
    })),
  };
  deps.profileFiles = [{ id: 'profile-2025-02-01.json', savedAt: '2025-02-01T00:00:00.000Z', json: doc }, ...deps.profileFiles];
  await controller.handle(makeRequest(2, 'selectJob', { jobId: LLAMA }));
  const used = response<JobEvaluationView>(port, 2, 'selectJob');
  const adamw = used.recommendation.ranked.find((r) => r.optimizer === 'adamw')!;
  assert.match(adamw.reasons[0]!.text, /Robustness from your saved profile \(proxy model, Fixture CPU \(wasm\), 2025-01-01\): survived 2 of 4 robustness probes/);
  const expected = recommend({ ...stability, savedProfile: savedProfileUse(doc, 'profile-2025-02-01.json', { id: job.id, model: null }) }).recommendations.map((r) => r.optimizer);
  assert.deepEqual(used.recommendation.ranked.map((r) => r.optimizer), expected);
  assert.notDeepEqual(expected, withoutProfile);
  assert.match(used.recommendation.notes[0]!, /the order follows the robustness measured in your saved profile profile-2025-02-01\.json/);
});

test('selectJob, stability priority: when the only saved result cannot be read, the note names it and why instead of saying none exists', async () => {
  const { deps, port, controller } = setup();
  const { input } = await llamaInput(deps);
  deps.advisorInput = async () => ({ ...input, priority: 'stability' as const });
  deps.profileFiles = [{ id: 'profile-cut.json', savedAt: '2025-03-01T00:00:00.000Z', json: null, problem: 'profile-cut.json:40:7: unexpected end of file (truncated JSON?)' }];
  await controller.handle(makeRequest(1, 'selectJob', { jobId: LLAMA }));
  const view = response<JobEvaluationView>(port, 1, 'selectJob');
  assert.match(view.recommendation.notes[0]!, /robustness probes were not used: the profile profile-cut\.json was ignored because it cannot be read as a profile \(profile-cut\.json:40:7: unexpected end of file/);
  assert.doesNotMatch(view.recommendation.notes[0]!, /no saved profile for this job exists/);
});
