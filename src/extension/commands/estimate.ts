/**
 * "Optimizer Advisor: Estimate Memory": the per-GPU memory of a job, asking for what it lacks — a
 * model (bundled presets) when its files name none, an optimizer when none is named, the GPU size
 * when no budget is set — or of a model and optimizer picked by hand when the workspace has no job.
 */
import * as vscode from 'vscode';
import { evaluateJob, type JobEvaluation } from '../../core/evaluate';
import type { MemoryEstimate } from '../../core/memory/types';
import { inventoryForRef, listPresets } from '../../core/models';
import { OPTIMIZERS } from '../../core/optimizers';
import type { ScanJob } from '../../core/scan/results';
import { InputError } from '../../core/types';
import { parseSize } from '../../core/units';
import type { AdvisorService, JobEntry } from '../advisor-service';
import { hoverMarkdown } from '../hints/analysis';
import type { GpuBudget } from '../hints/budget';
import type { Log } from '../log';
import type { WorkspaceIndex } from '../workspace-index';
import { isJobArgs, type JobArgs } from './pick-job';

export interface EstimateArgs extends JobArgs {
  /** Hub id of a bundled preset, for a job without a model (or without a job). */
  readonly model?: string;
  /** Optimizer id or spelling, for a job that names none (or without a job). */
  readonly optimizer?: string;
  /** Size of one GPU, when no budget is set (`24GiB`). */
  readonly gpuMemory?: string;
}

export interface EstimateAnswer {
  readonly jobId: string;
  readonly optimizer: string;
  readonly model: string;
  readonly gpuMemoryBytes: number | null;
  readonly estimate: MemoryEstimate;
}

const MANUAL_JOB_ID = '(no job)';

function manualJob(): ScanJob {
  return { id: MANUAL_JOB_ID, folder: '.', files: [], model: null, settings: {}, sources: {}, defaults: [], pendingLora: null };
}

async function askModel(args: EstimateArgs, interactive: boolean): Promise<string | undefined> {
  if (args.model !== undefined) return args.model;
  if (!interactive) return undefined;
  const items = listPresets().map((p) => ({ label: p.hubId, description: p.aliases?.join(', ') ?? '' }));
  return (await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('This job names no model the advisor can read: pick a bundled model') }))?.label;
}

async function askOptimizer(args: EstimateArgs, interactive: boolean): Promise<string | undefined> {
  if (args.optimizer !== undefined) return args.optimizer;
  if (!interactive) return undefined;
  const items = OPTIMIZERS.map((o) => ({ label: o.id, description: o.name, detail: o.summary }));
  return (await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('No optimizer is named: which one?') }))?.label;
}

async function askGpuMemory(args: EstimateArgs, budget: GpuBudget, interactive: boolean): Promise<number | null | undefined> {
  if (budget.memoryBytes !== null) return budget.memoryBytes;
  const text = args.gpuMemory ?? (interactive
    ? await vscode.window.showInputBox({
        prompt: vscode.l10n.t('GPU memory per GPU (e.g. 24GiB or 80GB); leave empty to estimate without a budget'),
        validateInput: (v) => {
          if (v.trim() === '') return undefined;
          try {
            parseSize(v, 'GPU memory');
            return undefined;
          } catch (e) {
            return e instanceof InputError ? e.message : String(e);
          }
        },
      })
    : undefined);
  if (text === undefined) return interactive ? undefined : null;
  return text.trim() === '' ? null : parseSize(text, 'GPU memory');
}

async function pickEntry(service: AdvisorService, args: EstimateArgs, interactive: boolean): Promise<JobEntry | 'manual' | undefined> {
  if (args.key !== undefined || args.jobId !== undefined) return service.findJob(args);
  const entries = service.entries();
  if (entries.length === 0) return 'manual';
  if (!interactive) return entries[0];
  const items: (vscode.QuickPickItem & { entry: JobEntry | 'manual' })[] = entries.map((e) => ({ label: e.job.id, description: e.job.files.join(', '), entry: e }));
  items.push({ label: vscode.l10n.t('Another model…'), description: vscode.l10n.t('a bundled model and an optimizer of your choice'), entry: 'manual' });
  return (await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Estimate the memory of which job?') }))?.entry;
}

export async function estimateCommand(arg: unknown, service: AdvisorService, index: WorkspaceIndex, log: Log): Promise<EstimateAnswer | { readonly error: string } | undefined> {
  const t = vscode.l10n.t;
  const args: EstimateArgs = isJobArgs(arg) ? (arg as EstimateArgs) : {};
  const interactive = args.interactive !== false;
  await service.ready();
  const picked = await pickEntry(service, args, interactive);
  if (picked === undefined) return undefined;
  const job = picked === 'manual' ? manualJob() : picked.job;
  const folder = picked === 'manual' ? undefined : picked.folder;

  // What the job lacks.
  let jobToEvaluate: ScanJob = job;
  let modelRef: string | null = null;
  // No model, or one that no lookup resolved ("needs a model config"; the evaluation failed at the reference).
  const ref = job.model;
  const outcome = picked === 'manual' ? null : picked.outcome;
  const modelMissing = ref === null || outcome?.kind === 'needs-config' || (ref.kind === 'hub-id' && outcome?.kind === 'failed' && outcome.path === ref.path && outcome.line === ref.range.line);
  // The model the service resolved (HF cache, Hub, a picked config): used as is, not looked up again.
  const resolved = outcome?.kind === 'evaluated' ? outcome.evaluation.model : undefined;
  if (modelMissing) {
    const model = await askModel(args, interactive);
    if (model === undefined) return interactive ? undefined : { error: 'the job names no model and no model was given' };
    modelRef = model;
  }
  if (job.settings.optimizer === undefined || (picked !== 'manual' && picked.outcome.kind === 'evaluated' && picked.outcome.evaluation.current.kind === 'unknown')) {
    const optimizer = await askOptimizer(args, interactive);
    if (optimizer === undefined) return interactive ? undefined : { error: 'the job names no optimizer and none was given' };
    jobToEvaluate = { ...job, settings: { ...job.settings, optimizer }, optimizerEcosystem: undefined };
  }
  const gpuMemoryBytes = await askGpuMemory(args, service.budget, interactive);
  if (gpuMemoryBytes === undefined) return undefined;

  let evaluation: JobEvaluation;
  try {
    const base = service.evaluateOptions(jobToEvaluate);
    evaluation = evaluateJob(
      jobToEvaluate,
      {
        readText: (rel) => {
          const text = folder === undefined ? undefined : index.text(folder, rel);
          if (text === undefined || text === '') throw new InputError('the model config is not in the index', rel);
          return text;
        },
      },
      { ...base, gpuMemoryBytes, ...(modelRef !== null ? { model: { inventory: inventoryForRef(modelRef), source: modelRef } } : resolved !== undefined ? { model: resolved } : {}) },
    );
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const message = e.format();
    log.warn(`estimate: ${job.id}: ${message}`);
    if (interactive) void vscode.window.showErrorMessage(t('Optimizer Advisor cannot estimate {0}: {1}', job.id, message));
    return { error: message };
  }
  const current = evaluation.currentEstimate;
  if (current === null) {
    const message = evaluation.currentEstimateError ?? t('the optimizer could not be estimated');
    if (interactive) void vscode.window.showErrorMessage(t('Optimizer Advisor cannot estimate {0}: {1}', job.id, message));
    return { error: message };
  }
  const answer: EstimateAnswer = { jobId: job.id, optimizer: current.resolved.id, model: evaluation.model.source, gpuMemoryBytes, estimate: current.estimate };
  log.info(`estimate: ${job.id}: ${current.resolved.id} peak ${current.estimate.bytes.peak} bytes per GPU`);
  if (interactive) {
    const budget: GpuBudget = { ...service.budget, memoryBytes: gpuMemoryBytes, label: gpuMemoryBytes === service.budget.memoryBytes ? service.budget.label : t('entered size') };
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `${hoverMarkdown(evaluation, budget, t)}\n` });
    await vscode.window.showTextDocument(doc, { preview: true });
  }
  return answer;
}
