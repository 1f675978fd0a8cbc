// Settings and workspace changes in a real VS Code: silencing a rule or a file, the GPU budget
// "auto" on a machine without GPUs, new and bad files picked up by the file watcher.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { DEFAULT_BUDGET_SECONDS } from '../../../src/cli/commands/profile';
import { Config, PROFILE_DEFAULTS, PROFILE_LIMITS } from '../../../src/extension/config';
import { DEFAULT_STEPS } from '../../../src/profiler/sweep/plan';
import { advisorApi, codeLenses, codeOf, fileUri, openDocument, ourDiagnostics, setBudget, waitFor } from './helpers';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('optimizerAdvisor');

suite('settings and workspace changes', () => {
  suiteSetup(async () => {
    await setBudget('rtx-4090');
  });

  suiteTeardown(async () => {
    await config().update('diagnostics.disabledRules', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('diagnostics.exclude', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('profile.budgetSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('profile.steps', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('optimizerAdvisor.diagnostics.disabledRules silences one rule and only that one', async () => {
    await waitFor('the lr diagnostic', () => ourDiagnostics('lion/training_args.json').length === 1);
    await config().update('diagnostics.disabledRules', ['lr-out-of-range'], vscode.ConfigurationTarget.Workspace);
    await waitFor('the lr diagnostic to be silenced', () => ourDiagnostics('lion/training_args.json').length === 0);
    assert.deepEqual(ourDiagnostics('llama/training_args.json').map(codeOf), ['does-not-fit'], 'other rules still report');
    await config().update('diagnostics.disabledRules', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor('the lr diagnostic to come back', () => ourDiagnostics('lion/training_args.json').length === 1);
  });

  test('the "don\'t show diagnostics in this file" quick fix adds the file to optimizerAdvisor.diagnostics.exclude', async () => {
    const doc = await openDocument('typo/training_args.json');
    const diag = await waitFor('the unknown-optimizer diagnostic', () => ourDiagnostics('typo/training_args.json')[0]);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    const ignore = actions.find((a) => a.title.startsWith("Don't show Optimizer Advisor diagnostics in typo/training_args.json"));
    assert.ok(ignore?.command, actions.map((a) => a.title).join(' | '));
    await vscode.commands.executeCommand(ignore.command.command, ...(ignore.command.arguments ?? []));
    assert.deepEqual(config().get('diagnostics.exclude'), ['./typo/training_args.json']);
    await waitFor('the file to be silenced', () => ourDiagnostics('typo/training_args.json').length === 0);
    assert.equal(ourDiagnostics('broken/training_args.json').length, 1, 'other files still report');
  });

  test('with "auto" and no GPU on this machine, the budget is unknown: no fits, the lens says so', async () => {
    const api = await advisorApi();
    await setBudget('auto');
    assert.equal(api.budget().memoryBytes, null);
    assert.equal(api.statusBarText(), '$(circuit-board) GPU: not set');
    await waitFor('the does-not-fit diagnostic to go', () => ourDiagnostics('llama/training_args.json').length === 0);
    const lens = await waitFor('an unknown-memory lens', async () => (await codeLenses('llama/training_args.json')).find((l) => l.command?.title.includes('GPU memory unknown')));
    assert.match(lens.command?.title ?? '', /^AdamW · peak \d+\.\d GiB per GPU · GPU memory unknown · Recommended: /);
    await setBudget('rtx-4090');
  });

  test('a new training config is picked up by the file watcher; a binary file and a broken one do not stop the scan', async () => {
    const api = await advisorApi();
    const enc = new TextEncoder();
    await vscode.workspace.fs.writeFile(fileUri('added/training_args.json'), enc.encode(JSON.stringify({ output_dir: 'o', model_name_or_path: 'gpt2', optim: 'adafactor', learning_rate: 1e-3 }, null, 2)));
    await vscode.workspace.fs.writeFile(fileUri('added/garbage.json'), new Uint8Array([0, 159, 146, 150, 0, 1, 2]));
    await vscode.workspace.fs.writeFile(fileUri('added/half.yaml'), enc.encode('optimizer:\n  _component_: torch.optim.AdamW\n  lr: [unterminated\n'));
    // 60 s: the watcher, the scan and the evaluation all queue behind whatever else the machine runs (a timing bound, not a speed test).
    const job = await waitFor('the new job', () => api.jobs().find((j) => j.id === 'added/training_args.json'), 60_000);
    assert.ok(job.evaluated, job.error ?? '');
    assert.equal(api.evaluation('added/training_args.json')?.currentEstimate?.resolved.id, 'adafactor');
    assert.equal(api.jobs().length, 8, 'the seven fixture jobs and the new one');
    await vscode.workspace.fs.delete(fileUri('added'), { recursive: true });
    await waitFor('the job to go with its folder', () => !api.jobs().some((j) => j.id === 'added/training_args.json'));
  });

  test('optimizerAdvisor.profile.*: the CLI\'s defaults, values read as set, bad values fall back to the defaults', async () => {
    assert.deepEqual(PROFILE_DEFAULTS, { budgetSeconds: DEFAULT_BUDGET_SECONDS, steps: DEFAULT_STEPS });
    const inspect = (key: string) => config().inspect<number>(key);
    assert.equal(inspect('profile.budgetSeconds')?.defaultValue, DEFAULT_BUDGET_SECONDS, 'package.json declares the CLI\'s budget');
    assert.equal(inspect('profile.steps')?.defaultValue, DEFAULT_STEPS, 'package.json declares the CLI\'s steps');
    assert.deepEqual(new Config().profile, PROFILE_DEFAULTS);
    await config().update('profile.budgetSeconds', 30, vscode.ConfigurationTarget.Workspace);
    await config().update('profile.steps', 12, vscode.ConfigurationTarget.Workspace);
    assert.deepEqual(new Config().profile, { budgetSeconds: 30, steps: 12 });
    await config().update('profile.budgetSeconds', PROFILE_LIMITS.budgetSeconds[0] - 1, vscode.ConfigurationTarget.Workspace);
    await config().update('profile.steps', 2.5, vscode.ConfigurationTarget.Workspace);
    assert.deepEqual(new Config().profile, PROFILE_DEFAULTS);
    await config().update('profile.budgetSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('profile.steps', undefined, vscode.ConfigurationTarget.Workspace);
  });
});
