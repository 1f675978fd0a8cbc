// "Install GPU Backend" in a real VS Code, with `optimizerAdvisor.npmPath` pointing at a fake npm (no
// network): the command installs into the extension's global storage, checks the package with the
// profiler child, and traces run from the sidebar's deps then name the installed package when they say
// why the GPU backend was not used; "Remove GPU Backend" undoes it. The modal confirmation is skipped
// with the `{ confirmed: true }` argument, which the palette and the sidebar never pass.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { GpuBackendInstallAnswer, GpuBackendRemoveAnswer } from '../../../src/extension/gpu-backend/command';
import type { TraceResult } from '../../../src/profiler/trace';
import { writeFakeNpm } from '../../unit/gpu-backend-fakes';
import { advisorApi } from './helpers';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('optimizerAdvisor');

async function traceGpuReason(): Promise<string> {
  const deps = (await advisorApi()).sidebar.deps();
  const trace = (await deps.runTrace({ optimizer: 'adam', problem: 'saddle', steps: 2 }, new AbortController().signal)) as TraceResult;
  assert.equal(trace.points.length, 3);
  const gpu = trace.backend.reasons.find((r) => r.backend === 'tfjs-node-gpu');
  assert.ok(gpu, `the trace ran on ${trace.backend.name} and says why the GPU backend did not`);
  return gpu.why;
}

suite('GPU backend', () => {
  let tmp = '';

  suiteSetup(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-gpu-backend-vscode-'));
    // npmPath is a machine setting: user settings only.
    await config().update('npmPath', writeFakeNpm(tmp), vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('optimizerAdvisor.removeGpuBackend', { confirmed: true });
    await config().update('npmPath', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('Install GPU Backend and Remove GPU Backend are registered and contributed', async () => {
    const commands = await vscode.commands.getCommands(true);
    const contributed = (vscode.extensions.getExtension('optimizer-advisor.optimizer-advisor')?.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    for (const id of ['optimizerAdvisor.installGpuBackend', 'optimizerAdvisor.removeGpuBackend']) {
      assert.ok(commands.includes(id), `${id} is registered`);
      assert.ok(contributed.includes(id), `${id} is in package.json`);
    }
  });

  test('installs into global storage with the configured npm; the profiler check and the sidebar\'s traces name the install', async () => {
    const answer = await vscode.commands.executeCommand<GpuBackendInstallAnswer>('optimizerAdvisor.installGpuBackend', { confirmed: true });
    assert.ok(answer && answer.outcome === 'installed', JSON.stringify(answer));
    assert.match(answer.dir.split(path.sep).join('/'), /\/optimizer-advisor\.optimizer-advisor\/gpu-backend$/);
    assert.ok(fs.existsSync(path.join(answer.dir, 'optimizer-advisor-install.json')));
    const index = path.join(answer.dir, 'node_modules', '@tensorflow', 'tfjs-node-gpu', 'index.js');
    assert.equal(answer.verification.outcome, 'fallback');
    assert.equal(answer.verification.backend, 'wasm');
    assert.ok(answer.verification.gpuReason?.startsWith(`installed at ${index} but `), answer.verification.gpuReason);
    assert.ok(answer.message.includes(answer.dir) && answer.message.includes('wasm'), answer.message);

    const why = await traceGpuReason();
    assert.ok(why.startsWith(`installed at ${index} but `), why);
  });

  test('Remove GPU Backend deletes the install; traces no longer look there', async () => {
    const answer = await vscode.commands.executeCommand<GpuBackendRemoveAnswer>('optimizerAdvisor.removeGpuBackend', { confirmed: true });
    assert.ok(answer && answer.outcome === 'removed', JSON.stringify(answer));
    assert.equal(fs.existsSync(answer.dir), false);
    const why = await traceGpuReason();
    assert.ok(!why.includes(answer.dir), why);
    const again = await vscode.commands.executeCommand<GpuBackendRemoveAnswer>('optimizerAdvisor.removeGpuBackend', { confirmed: true });
    assert.equal(again?.outcome, 'nothing-installed');
  });
});
