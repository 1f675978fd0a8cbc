// Shared by the extension-host tests: the extension's API, waiting for its asynchronous updates, the
// fixture workspace's files, and the engine's own answer for a job (computed here from the core
// modules, independently of the extension's index, cache and providers).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { evaluateJob, type JobEvaluation } from '../../../src/core/evaluate';
import { scanFiles } from '../../../src/core/scan';
import type { ScanFile } from '../../../src/core/scan/types';
import type { OptimizerAdvisorApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'optimizer-advisor.optimizer-advisor';
export const GiB = 2 ** 30;

export async function advisorApi(): Promise<OptimizerAdvisorApi> {
  const extension = vscode.extensions.getExtension<OptimizerAdvisorApi | undefined>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  const api = await extension.activate();
  assert.ok(api, 'the extension exported no API (activation failed: see its log)');
  await api.ready();
  return api;
}

export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder;
}

export function fileUri(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder().uri, ...rel.split('/'));
}

export async function openDocument(rel: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fileUri(rel));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sets the GPU budget through the extension's own command (no UI) and waits for the status bar. */
export async function setBudget(gpu: string, gpuCount: number | null = null): Promise<void> {
  const api = await advisorApi();
  await vscode.commands.executeCommand('optimizerAdvisor.setGpuBudget', { gpu, gpuCount, interactive: false });
  await waitFor(`the budget ${gpu}`, () => (gpu === 'auto' ? api.budget().source !== 'preset' : api.budget().source === 'preset') || undefined);
  await api.ready();
}

/** The workspace's candidate files as they are on disk now. */
async function readWorkspace(): Promise<ScanFile[]> {
  const folder = workspaceFolder();
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.{json,yaml,yml,py}'), '**/.vscode/**');
  const out: ScanFile[] = [];
  for (const uri of uris) {
    const rel = uri.path.slice(folder.uri.path.length + 1);
    // The files as the editor has them, like the extension's index: an open document's text (an earlier
    // test may have undone an edit without saving), else the file on disk.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    out.push({ path: rel, text: open !== undefined ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) });
  }
  return out;
}

/** The engine's evaluation of the job `jobId`, from the files on disk, with a GPU of `gpuMemoryBytes`. */
export async function engineEvaluation(jobId: string, gpuMemoryBytes: number | null): Promise<JobEvaluation> {
  const files = await readWorkspace();
  const job = scanFiles(files).jobs.find((j) => j.id === jobId);
  assert.ok(job, `the engine finds no job ${jobId}`);
  return evaluateJob(job, { readText: (p) => files.find((f) => f.path === p)?.text ?? '' }, { gpuMemoryBytes, priority: 'quality', unknownOptimizer: 'ignore' });
}

export function ourDiagnostics(rel: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(fileUri(rel)).filter((d) => d.source === 'Optimizer Advisor');
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export async function codeLenses(rel: string): Promise<vscode.CodeLens[]> {
  await vscode.workspace.openTextDocument(fileUri(rel)); // the provider command needs the document loaded
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fileUri(rel), 10)) ?? [];
  return lenses.filter((l) => l.command?.command === 'optimizerAdvisor.recommend');
}
