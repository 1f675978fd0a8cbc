// Launchers in a real VS Code: a DeepSpeed config with "auto" (the Hugging Face spelling) gives no
// error diagnostic, only information notes for the "auto" nothing fills; an accelerate ZeRO-3
// launcher config added beside a job changes the job's per-GPU peak, in the hints and in the
// sidebar's memory view. The files are written into the (copied) workspace and removed afterwards.
import * as assert from 'node:assert/strict';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { memoryView } from '../../../src/extension/sidebar/evaluate';
import { advisorApi, codeOf, fileUri, ourDiagnostics, waitFor } from './helpers';

const FOLDER = 'launch-check';
const JOB = `${FOLDER}/training_args.json`;

async function write(rel: string, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(fileUri(rel), new TextEncoder().encode(text));
}

/** The job's current-optimizer peak per GPU once the extension has evaluated the files as they are now. */
async function peakOnceIndexed(expectFiles: readonly string[]): Promise<number> {
  const api = await advisorApi();
  return waitFor(`job ${JOB} with ${expectFiles.join(', ')}`, async () => {
    await api.ready();
    const job = api.jobs().find((j) => j.id === JOB);
    if (job === undefined || job.files.join() !== [...expectFiles].sort().join() || !job.evaluated) return undefined;
    return api.evaluation(JOB)?.currentEstimate?.estimate.bytes.peak;
  }, 30_000);
}

suite('launchers', () => {
  suiteTeardown(async () => {
    await vscode.workspace.fs.delete(fileUri(FOLDER), { recursive: true, useTrash: false });
    const api = await advisorApi();
    await waitFor('the launch-check job to go away', async () => {
      await api.ready();
      return !api.jobs().some((j) => j.id === JOB) || undefined;
    }, 30_000);
  });

  test('a DeepSpeed config with "auto" has no error diagnostic; an "auto" nothing fills is an information note', async () => {
    await vscode.workspace.fs.createDirectory(fileUri(FOLDER));
    await write(`${FOLDER}/ds_auto.json`, [
      '{',
      '  "train_batch_size": "auto",',
      '  "train_micro_batch_size_per_gpu": "auto",',
      '  "gradient_accumulation_steps": "auto",',
      '  "gradient_clipping": "auto",',
      '  "bf16": {"enabled": "auto"},',
      '  "zero_optimization": {"reduce_bucket_size": "auto"}',
      '}',
      '',
    ].join('\n'));
    await write(JOB, JSON.stringify({ output_dir: 'out', model_name_or_path: 'gpt2', optim: 'adamw_torch', per_device_train_batch_size: 4, bf16: true, deepspeed: 'ds_auto.json' }, null, 2));
    await peakOnceIndexed([`${FOLDER}/ds_auto.json`, JOB]);
    const api = await advisorApi();
    const evaluation = api.evaluation(JOB);
    assert.ok(evaluation);
    assert.equal(evaluation.job.settings.zeroStage, undefined, 'the DeepSpeed file states no stage');
    const auto = new Map(evaluation.autoValues.map((v) => [v.key, v.value]));
    assert.equal(auto.get('train_micro_batch_size_per_gpu'), 4);
    assert.equal(auto.get('bf16.enabled'), true);
    // gpt2's hidden size (n_embd) 768: reduce_bucket_size = 768²
    assert.equal(auto.get('zero_optimization.reduce_bucket_size'), 768 * 768);
    const diagnostics = await waitFor('the note on train_batch_size', () => {
      const list = ourDiagnostics(`${FOLDER}/ds_auto.json`);
      return list.length > 0 ? list : undefined;
    });
    assert.deepEqual(diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error), []);
    assert.deepEqual(diagnostics.map((d) => [codeOf(d), d.severity, d.range.start.line]), [['config-note', vscode.DiagnosticSeverity.Information, 1]]);
    assert.match(diagnostics[0].message, /"train_batch_size" is "auto" and stays unknown/);
  });

  test('an accelerate ZeRO-3 launcher config beside the job lowers its per-GPU peak, in the hints and in the sidebar', async () => {
    const api = await advisorApi();
    const before = await peakOnceIndexed([`${FOLDER}/ds_auto.json`, JOB]);
    const sidebarBefore = await api.sidebar.deps().advisorInput(JOB);
    await write(`${FOLDER}/zero3.yaml`, [
      'compute_environment: LOCAL_MACHINE',
      'distributed_type: DEEPSPEED',
      'deepspeed_config:',
      '  zero_stage: 3',
      '  offload_optimizer_device: none',
      '  offload_param_device: none',
      'mixed_precision: bf16',
      'num_machines: 1',
      'num_processes: 8',
      '',
    ].join('\n'));
    const after = await peakOnceIndexed([`${FOLDER}/ds_auto.json`, JOB, `${FOLDER}/zero3.yaml`]);
    const evaluation = api.evaluation(JOB);
    assert.equal(evaluation?.job.settings.gpus, 8);
    assert.equal(evaluation?.job.settings.zeroStage, 3);
    assert.ok(after < before, `ZeRO-3 over 8 GPUs: ${after} < ${before}`);
    const sidebarAfter = await api.sidebar.deps().advisorInput(JOB);
    assert.equal(sidebarAfter.estimateBase.gpus, 8);
    const ids = ['adamw'] as const;
    const barBefore = memoryView(JOB, sidebarBefore, sidebarBefore.estimateBase, ids).bars[0].bytes?.peak;
    const barAfter = memoryView(JOB, sidebarAfter, sidebarAfter.estimateBase, ids).bars[0].bytes?.peak;
    assert.ok(barBefore !== undefined && barAfter !== undefined && barAfter < barBefore, `${barAfter} < ${barBefore}`);
    assert.equal(barAfter, after, 'the sidebar shows the peak the hints use');
  });
});
