// Quick fixes in a real VS Code: the code action switches the optimizer (and its hyperparameters) in
// the file's own syntax as one edit, the hints follow the unsaved text, and one undo restores the file.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { advisorApi, codeOf, engineEvaluation, GiB, openDocument, ourDiagnostics, setBudget, waitFor } from './helpers';
import { advisedLearningRate } from '../../../src/core/own-hyperparameters';

async function actionsAt(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
}

/** Four significant digits, as the fixes write numbers. */
const sig4 = (x: number): number => Number(x.toPrecision(4));

suite('quick fixes', () => {
  suiteSetup(async () => {
    await setBudget('rtx-4090');
  });

  test('does-not-fit: "Switch to adamw_bnb_8bit" rewrites optim and learning_rate as one edit; the hints follow; undo restores', async () => {
    const api = await advisorApi();
    const doc = await openDocument('llama/training_args.json');
    const original = doc.getText();
    const diag = await waitFor('the does-not-fit diagnostic', () => ourDiagnostics('llama/training_args.json').find((d) => codeOf(d) === 'does-not-fit'));
    const actions = await actionsAt(doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const engine = await engineEvaluation('llama/training_args.json', 24 * GiB);
    const top = engine.result.recommendations[0];
    assert.equal(top.optimizer, 'adamw-8bit');
    const action = actions.find((a) => a.title.startsWith('Switch to adamw_bnb_8bit'));
    assert.ok(action?.edit, `no switch action among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(action.isPreferred, true);
    assert.ok(actions.some((a) => a.title.startsWith("Don't show 'does-not-fit' diagnostics")), 'a silence action is offered too');
    assert.ok(await vscode.workspace.applyEdit(action.edit));

    const args = JSON.parse(doc.getText()) as Record<string, unknown>;
    assert.equal(args['optim'], 'adamw_bnb_8bit');
    assert.equal(args['learning_rate'], sig4(top.hyperparameters.lr ?? NaN));
    assert.equal(args['weight_decay'], top.hyperparameters.weightDecay);
    assert.equal(args['model_name_or_path'], 'meta-llama/Llama-2-7b-hf', 'other keys untouched');
    // The unsaved text is rescanned: the job now uses AdamW 8-bit.
    await waitFor('the job to be re-evaluated with adamw-8bit', () => api.evaluation('llama/training_args.json')?.currentEstimate?.resolved.id === 'adamw-8bit');

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), original, 'one undo brings the file back');
    await waitFor('the job to be re-evaluated with AdamW again', () => api.evaluation('llama/training_args.json')?.currentEstimate?.resolved.id === 'adamw');
  });

  test('lr-out-of-range: "Set the learning rate" writes the rate the advisor derives for Lion', async () => {
    const doc = await openDocument('lion/training_args.json');
    const diag = await waitFor('the lr diagnostic', () => ourDiagnostics('lion/training_args.json').find((d) => codeOf(d) === 'lr-out-of-range'));
    const actions = await actionsAt(doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const setLr = actions.find((a) => a.title.startsWith('Set the learning rate to'));
    assert.ok(setLr?.edit, actions.map((a) => a.title).join(' | '));
    const engine = await engineEvaluation('lion/training_args.json', 24 * GiB);
    // The job keeps its own lr on its own optimizer; the advised one is the suggestion beside it.
    const advised = engine.currentEstimate ? advisedLearningRate(engine.currentEstimate.recommendation) : undefined;
    assert.ok(advised !== undefined && advised !== null && advised < 2e-4);
    assert.ok(await vscode.workspace.applyEdit(setLr.edit));
    assert.equal((JSON.parse(doc.getText()) as { learning_rate: number }).learning_rate, sig4(advised));
    await waitFor('the lr diagnostic to go', () => ourDiagnostics('lion/training_args.json').length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('Python: the refactoring on the optimizer call switches torch.optim.AdamW to a bitsandbytes class and adds the import', async () => {
    // With memory as the priority, a bitsandbytes optimizer (8-bit AdamW, paged or not, or its Lion) is among
    // the three switches offered for this small job (`recommend test/fixtures/vscode-ws/scripts/train.py --priority memory`).
    const settings = vscode.workspace.getConfiguration('optimizerAdvisor');
    await settings.update('priority', 'memory', vscode.ConfigurationTarget.Global);
    const api = await advisorApi();
    try {
      await waitFor('the job to be re-evaluated for memory', () => api.evaluation('scripts/train.py')?.input.priority === 'memory');
      const doc = await openDocument('scripts/train.py');
      const line = doc.getText().split('\n').findIndex((l) => l.includes('torch.optim.AdamW('));
      const at = new vscode.Range(line, 14, line, 14);
      const actions = await actionsAt(doc.uri, at, vscode.CodeActionKind.RefactorRewrite.value);
      const to8bit = actions.find((a) => /^Switch to bnb\.optim\.\w+ /.test(a.title));
      assert.ok(to8bit?.edit, actions.map((a) => a.title).join(' | '));
      const cls = /^Switch to bnb\.optim\.(\w+) /.exec(to8bit.title)?.[1] ?? '';
      assert.ok(await vscode.workspace.applyEdit(to8bit.edit));
      const text = doc.getText();
      assert.match(text, /^import bitsandbytes as bnb$/m);
      assert.match(text, new RegExp(`optimizer = bnb\\.optim\\.${cls}\\(\\n {4}model\\.parameters\\(\\),`));
      assert.doesNotMatch(text, /fused=True/, 'bitsandbytes classes take no fused argument');
      await vscode.commands.executeCommand('workbench.action.files.revert');
    } finally {
      await settings.update('priority', undefined, vscode.ConfigurationTarget.Global);
      await waitFor('the job to be re-evaluated for quality', () => api.evaluation('scripts/train.py')?.input.priority === 'quality');
    }
  });

  test('DeepSpeed JSON: the refactoring rewrites optimizer.type to a DeepSpeed (or torch.optim) name the scanner reads back', async () => {
    const doc = await openDocument('deepspeed/ds_config.json');
    const line = doc.getText().split('\n').findIndex((l) => l.includes('"type"'));
    const actions = await actionsAt(doc.uri, new vscode.Range(line, 14, line, 14), vscode.CodeActionKind.RefactorRewrite.value);
    const engine = await engineEvaluation('deepspeed/training_args.json', 24 * GiB);
    const first = actions[0];
    assert.ok(first?.edit, 'a switch is offered on the DeepSpeed optimizer');
    const spelling = /^Switch to (\S+) /.exec(first.title)?.[1];
    assert.ok(spelling, first.title);
    assert.ok(await vscode.workspace.applyEdit(first.edit));
    const ds = JSON.parse(doc.getText()) as { optimizer: { type: string; params: Record<string, unknown> } };
    assert.equal(ds.optimizer.type, spelling);
    const api = await advisorApi();
    const now = await waitFor('the job to be re-evaluated', () => {
      const id = api.evaluation('deepspeed/training_args.json')?.currentEstimate?.resolved.id;
      return id !== undefined && id !== 'adamw' ? id : undefined;
    });
    const rec = engine.result.recommendations.find((r) => r.optimizer === now);
    assert.equal(rec?.tier, 'ok', `${now} is one of the recommendations that fit`);
    assert.equal(ds.optimizer.params['lr'], sig4(rec?.hyperparameters.lr ?? NaN));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
