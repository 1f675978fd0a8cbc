// Models outside the workspace, in a real VS Code: a job whose model is only in a (fake) Hugging Face
// cache gets a recommendation from it; a job whose model cannot be resolved shows "needs a model config"
// as an information diagnostic with a working "pick a model config" quick fix, remembered per job.
// The cache is a temp folder named by HF_HUB_CACHE in this extension host's environment (the lookups
// read the environment on each use); HF_HUB_OFFLINE=1 keeps the Hub out of it. The two jobs are written
// into the workspace copy here and removed afterwards, so the other suites see the fixture unchanged.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { advisorApi, codeOf, fileUri, ourDiagnostics, waitFor } from './helpers';

const CACHED_JOB = 'hf-cached/training_args.json';
const UNKNOWN_JOB = 'needs-model/training_args.json';
/** A small Llama by hand: embed 1,000x64 = 64,000; per layer q,k,v,o 4 x 64x64 = 16,384, MLP 3 x 64x128 = 24,576, norms 128 -> 41,088; x2 = 82,176; final norm 64; lm_head tied. */
const TINY = { model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, num_hidden_layers: 2, vocab_size: 1000, tie_word_embeddings: true };
const TINY_PARAMS = 64_000 + 2 * 41_088 + 64;

const saved: Record<string, string | undefined> = {};
let cache = '';

async function write(rel: string, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(fileUri(rel), new TextEncoder().encode(text));
}

suite('models outside the workspace', () => {
  suiteSetup(async () => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-vscode-hf-'));
    const repo = path.join(cache, 'models--acme--tiny-cached');
    const hash = 'c'.repeat(40);
    fs.mkdirSync(path.join(repo, 'refs'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'snapshots', hash), { recursive: true });
    fs.writeFileSync(path.join(repo, 'refs', 'main'), hash);
    fs.writeFileSync(path.join(repo, 'snapshots', hash, 'config.json'), JSON.stringify(TINY));
    for (const k of ['HF_HUB_CACHE', 'HF_HUB_OFFLINE']) saved[k] = process.env[k];
    process.env['HF_HUB_CACHE'] = cache;
    process.env['HF_HUB_OFFLINE'] = '1';
    await advisorApi();
    const args = (model: string) => `{\n  "model_name_or_path": "${model}",\n  "output_dir": "out",\n  "optim": "adamw_torch",\n  "learning_rate": 2e-5\n}\n`;
    await write(CACHED_JOB, args('acme/tiny-cached'));
    await write(UNKNOWN_JOB, args('acme/not-anywhere-7b'));
  });

  suiteTeardown(async () => {
    const api = await advisorApi();
    const key = api.jobs().find((j) => j.id === UNKNOWN_JOB)?.key;
    if (key !== undefined) await vscode.commands.executeCommand('optimizerAdvisor.pickModelConfig', { key, choice: null, interactive: false });
    for (const rel of [CACHED_JOB, UNKNOWN_JOB]) await vscode.workspace.fs.delete(fileUri(rel.split('/')[0]), { recursive: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(cache, { recursive: true, force: true });
    await waitFor('the two jobs to leave the index', () => !api.jobs().some((j) => j.id === CACHED_JOB || j.id === UNKNOWN_JOB));
  });

  test('a model found only in the Hugging Face cache is evaluated from the cached config.json', async () => {
    const api = await advisorApi();
    const evaluation = await waitFor('the cached job to be evaluated', () => api.evaluation(CACHED_JOB));
    assert.deepEqual(evaluation.model.origin?.kind, 'hf-cache');
    assert.ok(evaluation.model.source.endsWith(path.join('snapshots', 'c'.repeat(40), 'config.json')), evaluation.model.source);
    assert.equal(evaluation.result.recommendations[0]?.rank, 1);
    const params = evaluation.model.inventory.tensors.filter((t) => t.tiedTo === undefined).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(params, TINY_PARAMS);
  });

  test('an unresolved model: "needs a model config" as information, and the quick fix picks a preset for the job', async () => {
    const api = await advisorApi();
    const job = await waitFor('the unknown job', () => api.jobs().find((j) => j.id === UNKNOWN_JOB && j.needsModelConfig !== null));
    assert.equal(job.error, null, 'not an error');
    assert.match(job.needsModelConfig ?? '', /acme\/not-anywhere-7b/);
    assert.match(job.needsModelConfig ?? '', /HF_HUB_OFFLINE/);
    const diag = await waitFor('the needs-model-config diagnostic', () => ourDiagnostics(UNKNOWN_JOB).find((d) => codeOf(d) === 'needs-model-config'));
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(diag.range.start.line, 1, 'at model_name_or_path');
    await vscode.workspace.openTextDocument(fileUri(UNKNOWN_JOB));
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', fileUri(UNKNOWN_JOB), diag.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    const pick = actions.find((a) => a.command?.command === 'optimizerAdvisor.pickModelConfig');
    assert.ok(pick?.command, `no pick action among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(pick.isPreferred, true);
    // Run the quick fix's own command with its own argument, choosing a preset without UI.
    const target = pick.command.arguments?.[0] as { key: string };
    assert.equal(target.key, job.key);
    const result = await vscode.commands.executeCommand<{ outcome: string }>(pick.command.command, { ...target, choice: { kind: 'preset', id: 'gpt2' }, interactive: false });
    assert.equal(result?.outcome, 'evaluated');
    const evaluation = await waitFor('the job evaluated with the picked preset', () => api.evaluation(UNKNOWN_JOB));
    assert.equal(evaluation.model.source, 'gpt2');
    assert.ok(evaluation.result.recommendations.length > 0);
    await waitFor('the diagnostic to go', () => !ourDiagnostics(UNKNOWN_JOB).some((d) => codeOf(d) === 'needs-model-config'));
    // Forgetting the choice brings the guidance back.
    await vscode.commands.executeCommand('optimizerAdvisor.pickModelConfig', { key: job.key, choice: null, interactive: false });
    await waitFor('needs a model config again', () => api.jobs().find((j) => j.id === UNKNOWN_JOB)?.needsModelConfig ?? undefined);
  });
});
