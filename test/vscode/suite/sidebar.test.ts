// The sidebar view in a real VS Code: its container opens, VS Code resolves the webview provider the
// extension registers, and what the view's deps compute for a job (the advisor input and, from it,
// the ranking) is the engine's own answer for the same files and GPU budget.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { recommend } from '../../../src/core/advisor';
import { snippetsFor } from '../../../src/core/fixes/snippets';
import { advisorApi, engineEvaluation, GiB, openDocument, setBudget, waitFor } from './helpers';

const LLAMA = 'llama/training_args.json';

suite('sidebar', () => {
  suiteSetup(async () => {
    await setBudget('rtx-4090');
  });

  test('the Optimizer Advisor view opens and VS Code resolves its webview provider', async () => {
    const api = await advisorApi();
    await vscode.commands.executeCommand('workbench.view.extension.optimizerAdvisor');
    await vscode.commands.executeCommand('optimizerAdvisor.sidebar.focus');
    await waitFor('the sidebar view to be resolved', () => api.sidebar.resolvedCount > 0, 30_000);
  });

  test('the deps list the scanned jobs and report the RTX 4090 budget', async () => {
    const api = await advisorApi();
    const deps = api.sidebar.deps();
    const jobs = await deps.listJobs();
    assert.deepEqual(jobs.map((j) => j.id).sort(), api.jobs().map((j) => j.id).sort());
    assert.ok(jobs.some((j) => j.id === LLAMA));
    assert.equal(deps.isScanning(), false);
    const budget = deps.gpuBudget();
    assert.ok(budget, 'a preset budget is known');
    assert.equal(budget.bytesPerGpu, 24 * GiB);
    assert.equal(budget.source, 'setting');
  });

  test('the recommendation computed from the deps for the llama job is the engine\'s', async () => {
    const deps = (await advisorApi()).sidebar.deps();
    const input = await deps.advisorInput(LLAMA);
    const ours = recommend(input);
    const engine = await engineEvaluation(LLAMA, 24 * GiB);
    assert.deepEqual(ours.recommendations.map((r) => r.optimizer), engine.result.recommendations.map((r) => r.optimizer));
    assert.deepEqual(ours.recommendations.map((r) => r.peakBytes), engine.result.recommendations.map((r) => r.peakBytes));
    assert.equal(ours.recommendations[0].optimizer, 'adamw-8bit');
    const top = ours.recommendations[0];
    // The Recommend command's snippets; frameworks with no spelling for 8-bit AdamW (DeepSpeed, optax) are left out of the view.
    const views = deps.snippets(top.optimizer, top.hyperparameters);
    const generated = snippetsFor(top.optimizer, top.hyperparameters).flatMap((s) => ('code' in s ? [[s.kind, s.code]] : []));
    assert.deepEqual(views.map((v) => [v.framework, v.code]), generated);
    assert.ok(views.find((v) => v.framework === 'hf-trainer')?.code.includes('optim="adamw_bnb_8bit"'));
  });

  test('the active editor selects its job; the fix is planned without touching the file', async () => {
    const deps = (await advisorApi()).sidebar.deps();
    const doc = await openDocument(LLAMA);
    await waitFor('the llama job to become active', () => deps.activeJobId() === LLAMA);
    const before = doc.getText();
    const engine = await engineEvaluation(LLAMA, 24 * GiB);
    const top = engine.result.recommendations[0];
    const plan = await deps.planFix(LLAMA, top.optimizer, top.hyperparameters, top.fitPlan ?? null);
    assert.ok(plan, 'the job names its optimizer, so the quick fix can rewrite it');
    assert.match(plan.description, /^llama\/training_args\.json:\d+: adamw_torch -> adamw_bnb_8bit\b/);
    assert.equal(doc.getText(), before, 'planning a fix does not edit');
    assert.equal(doc.isDirty, false);
  });

  test('an unknown job is a one-line input error, and saved profiles are read as a list', async () => {
    const deps = (await advisorApi()).sidebar.deps();
    await assert.rejects(deps.advisorInput('no/such/job.json'), (e: Error) => e.name === 'InputError' && /no job no\/such\/job\.json/.test(e.message));
    const saved = await deps.loadSavedProfiles(LLAMA);
    assert.ok(Array.isArray(saved));
  });
});
