// The editor hints in a real VS Code, on the fixture workspace test/fixtures/vscode-ws: detected jobs,
// the status bar, CodeLens titles and hovers with the engine's numbers, diagnostics by code.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { formatBytes } from '../../../src/core/units';
import { recommendedText } from '../../../src/extension/hints/analysis';
import { englishTranslate } from '../../../src/extension/hints/translate';
import { profilesDir } from '../../../src/extension/saved-profiles';
import { advisorApi, codeLenses, codeOf, engineEvaluation, GiB, openDocument, ourDiagnostics, setBudget, waitFor } from './helpers';

const JOBS = [
  'deepspeed/training_args.json',
  'lion/training_args.json',
  'llama/training_args.json',
  'scripts/train.py',
  'torchtune/llama3_2_1b_lora.yaml',
  'training_args.json',
  'typo/training_args.json',
];

suite('hints', () => {
  suiteSetup(async () => {
    await setBudget('rtx-4090');
  });

  test('every job of the fixture workspace is detected and evaluated; the broken file joins none', async () => {
    const api = await advisorApi();
    const jobs = api.jobs();
    assert.deepEqual(jobs.map((j) => j.id).sort(), JOBS);
    for (const j of jobs) assert.ok(j.evaluated, `${j.id}: ${j.error ?? ''}`);
    assert.deepEqual(jobs.find((j) => j.id === 'deepspeed/training_args.json')?.files, ['deepspeed/ds_config.json', 'deepspeed/training_args.json']);
  });

  test('the status bar shows the GPU budget in use', async () => {
    const api = await advisorApi();
    assert.equal(api.budget().memoryBytes, 24 * GiB);
    assert.equal(api.statusBarText(), '$(circuit-board) 24.0 GiB');
  });

  test('CodeLens on the optimizer line: the engine\'s peak on 1×24 GiB, "does not fit", the recommendation', async () => {
    await openDocument('llama/training_args.json');
    const lenses = await waitFor('a CodeLens in llama/training_args.json', async () => {
      const l = await codeLenses('llama/training_args.json');
      return l.length > 0 ? l : undefined;
    });
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].range.start.line, 3, 'on the "optim" line');
    const engine = await engineEvaluation('llama/training_args.json', 24 * GiB);
    const peak = engine.currentEstimate?.estimate.bytes.peak;
    assert.ok(peak !== undefined && peak > 24 * GiB);
    const title = `AdamW · peak ${formatBytes(peak)} on 1×24.0 GiB — does not fit · Recommended: ${recommendedText(engine.result, englishTranslate)}`;
    assert.equal(lenses[0].command?.title, title);
    assert.match(title, /Recommended: adamw-8bit \+ /);
  });

  test('CodeLens in the other formats: DeepSpeed type, Python class, torchtune component, each with its own numbers', async () => {
    for (const [rel, jobId, line, name] of [
      ['deepspeed/ds_config.json', 'deepspeed/training_args.json', 5, 'AdamW'],
      ['scripts/train.py', 'scripts/train.py', 9, 'AdamW'],
      ['torchtune/llama3_2_1b_lora.yaml', 'torchtune/llama3_2_1b_lora.yaml', 12, 'AdamW'],
    ] as const) {
      const lenses = await codeLenses(rel);
      assert.equal(lenses.length, 1, rel);
      assert.equal(lenses[0].range.start.line, line, rel);
      const engine = await engineEvaluation(jobId, 24 * GiB);
      const est = engine.currentEstimate;
      assert.ok(est, rel);
      assert.ok(lenses[0].command?.title.startsWith(`${name} · peak ${formatBytes(est.estimate.bytes.peak)} on 1×24.0 GiB — ${est.estimate.fits ? 'fits' : 'does not fit'} · `), `${rel}: ${lenses[0].command?.title}`);
      assert.deepEqual(lenses[0].command?.arguments?.[0]?.key?.endsWith(`#${jobId}`), true);
    }
  });

  test('hover on the optimizer: the memory breakdown table with the engine\'s bytes and the rule path', async () => {
    const doc = await openDocument('training_args.json');
    const line = doc.getText().split('\n').findIndex((l) => l.includes('"optim"'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 14));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    const engine = await engineEvaluation('training_args.json', 24 * GiB);
    const bytes = engine.currentEstimate?.estimate.bytes;
    assert.ok(bytes);
    assert.ok(text.includes(`| Optimizer state | ${formatBytes(bytes.optimizerState)} |`), text);
    assert.ok(text.includes(`| Activations | ${formatBytes(bytes.activations)} |`), text);
    assert.ok(text.includes(`**${formatBytes(bytes.peak)}**`), text);
    const top = engine.result.recommendations[0];
    assert.ok(text.includes(`**Rule path for ${top.optimizer}**`), text);
    for (const reason of top.reasons) assert.ok(text.includes(`\`${reason.rule}\``), `the hover lists rule ${reason.rule}`);
  });

  test('hover under the stability priority: the ranking note names the saved profile whose robustness probes it used', async () => {
    const api = await advisorApi();
    assert.ok(api.storageUri, 'the test workspace has storage');
    const jobId = 'training_args.json';
    const engine = await engineEvaluation(jobId, 24 * GiB);
    const dir = profilesDir(api.storageUri, jobId);
    assert.ok(dir);
    const file = vscode.Uri.joinPath(dir, 'hover-test.json');
    const run = (lr: number) => ({ lr, seed: 1, lossCurve: [2, 1], finalLoss: 1, diverged: false });
    const result = (optimizer: string) => ({
      optimizer, stepTimeMs: 1, relativeStepCost: 1, measuredStateBytes: 8, estimatedStateBytes: 8, estimatedPeakBytes: null,
      runs: [1e-4, 1e-3].map(run), bestLr: 1e-3, lossCurve: [2, 1], finalLoss: 1, stepsToTarget: 1, diverged: false,
      robustness: [{ probe: 'explosion', diverged: false, finalLoss: 1, behaviour: 'loss stayed finite' }],
    });
    const doc = {
      schemaVersion: 1, createdAt: '2026-12-07T10:00:00Z', backend: { name: 'cpu', reasons: [] },
      machine: { platform: 'linux', arch: 'x64', cpuModel: 'Test CPU', cpuCount: 2, memoryBytes: 1e9, node: 'v20' },
      job: { id: jobId, model: engine.model.source }, results: [result('adamw'), result('lion')], paretoFront: [], copyBandwidthGBps: null,
    };
    await vscode.workspace.fs.createDirectory(dir);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(doc)));
    const settings = vscode.workspace.getConfiguration('optimizerAdvisor');
    const hoverText = async () => {
      const d = await openDocument(jobId);
      const line = d.getText().split('\n').findIndex((l) => l.includes('"optim"'));
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', d.uri, new vscode.Position(line, 14));
      // Markdown-escaped by the hover (escapeMarkdown): compared without the backslashes.
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n').replace(/\\/g, '');
    };
    try {
      await settings.update('priority', 'stability', vscode.ConfigurationTarget.Global);
      await waitFor('the job to be re-evaluated for stability', () => api.evaluation(jobId)?.input.priority === 'stability');
      await api.ready();
      const text = await hoverText();
      assert.ok(text.includes('the order follows the robustness measured in your saved profile hover-test.json (proxy model, Test CPU (cpu), 2026-12-07)'), text);
    } finally {
      await vscode.workspace.fs.delete(file);
      await settings.update('priority', undefined, vscode.ConfigurationTarget.Global);
      await waitFor('the job to be re-evaluated for quality', () => api.evaluation(jobId)?.input.priority === 'quality');
      await api.ready();
    }
    // Without a saved profile and under the quality priority, the note says how the order was reached and nothing about profiles.
    const text = await hoverText();
    assert.ok(text.includes('Ranked from published head-to-head measurements') || text.includes('Evidence near this job is thin'), text);
    assert.ok(!text.includes('saved profile'), text);
  });

  test('diagnostics keyed by code: does-not-fit, lr-out-of-range (Lion with an AdamW-sized lr), unknown-optimizer, config-error', async () => {
    const expected: [string, string, number, vscode.DiagnosticSeverity][] = [
      ['llama/training_args.json', 'does-not-fit', 3, vscode.DiagnosticSeverity.Warning],
      ['lion/training_args.json', 'lr-out-of-range', 4, vscode.DiagnosticSeverity.Warning],
      ['typo/training_args.json', 'unknown-optimizer', 3, vscode.DiagnosticSeverity.Warning],
      ['broken/training_args.json', 'config-error', 5, vscode.DiagnosticSeverity.Error],
    ];
    for (const [rel, code, line, severity] of expected) {
      const diags = await waitFor(`${code} in ${rel}`, () => {
        const d = ourDiagnostics(rel);
        return d.length > 0 ? d : undefined;
      });
      assert.deepEqual(diags.map(codeOf), [code], rel);
      assert.equal(diags[0].range.start.line, line, rel);
      assert.equal(diags[0].severity, severity, rel);
    }
    const lion = ourDiagnostics('lion/training_args.json')[0];
    assert.match(lion.message, /^Learning rate 0\.001 is above the range 6e-6–2e-4 recommended for Lion/);
    const engine = await engineEvaluation('llama/training_args.json', 24 * GiB);
    assert.ok(ourDiagnostics('llama/training_args.json')[0].message.includes(formatBytes(engine.currentEstimate?.estimate.bytes.peak ?? 0)));
    for (const rel of ['training_args.json', 'scripts/train.py', 'deepspeed/ds_config.json']) assert.deepEqual(ourDiagnostics(rel), [], `${rel} fits and is in range`);
  });
});
