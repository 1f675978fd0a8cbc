/**
 * "Optimizer Advisor: Recommend Optimizer": pick a job, show the ranked answer with reasons, then
 * copy a snippet (PyTorch / HF Trainer / DeepSpeed / optax), apply the switch to the job's file, or
 * open the full report. The answer is also the command's return value (tests, other extensions).
 */
import * as vscode from 'vscode';
import type { AdvisorResult, Recommendation } from '../../core/advisor/types';
import { isFix, optimizerFix } from '../../core/fixes';
import { snippetsFor, type Snippet } from '../../core/fixes/snippets';
import type { AdvisorService, JobEntry } from '../advisor-service';
import { PICK_MODEL_COMMAND } from './pick-model';
import { jobAnchor, recommendedText } from '../hints/analysis';
import { fitLabel, hyperparameterText, recommendationReport, snippetTitle } from '../hints/report';
import type { Log } from '../log';
import { fileUri, toTextEdit } from '../providers/convert';
import { DEFAULT_INLINE_MAX_CHARS } from '../scan-pool';
import type { WorkspaceIndex } from '../workspace-index';
import { isJobArgs, pickJob, type JobArgs } from './pick-job';

export interface RankedOptimizer {
  readonly optimizer: string;
  readonly rank: number;
  readonly fits: boolean | null;
  readonly peakBytes: number | null;
  readonly tier: string;
}

export interface RecommendAnswer {
  readonly folder: string;
  readonly jobId: string;
  /** `adamw-8bit + LoRA`, as the CodeLens shows it. */
  readonly recommended: string;
  readonly ranking: readonly RankedOptimizer[];
  readonly currentOptimizer: string | null;
  readonly currentPeakBytes: number | null;
  readonly gpuMemoryBytes: number | null;
  readonly result: AdvisorResult;
  /** Snippets for the top choice. */
  readonly snippets: readonly Snippet[];
}

export type RecommendOutcome =
  | RecommendAnswer
  | { readonly jobId: string; readonly error: string }
  | { readonly jobId: string; readonly needsModelConfig: string }
  | undefined;

export function answerFor(entry: JobEntry, service: AdvisorService): RecommendOutcome {
  if (entry.outcome.kind === 'failed') return { jobId: entry.job.id, error: entry.outcome.message };
  if (entry.outcome.kind === 'needs-config') return { jobId: entry.job.id, needsModelConfig: entry.outcome.message };
  const evaluation = entry.outcome.evaluation;
  const result = evaluation.result;
  const top = result.recommendations[0];
  return {
    folder: entry.folder.name,
    jobId: entry.job.id,
    recommended: recommendedText(result, vscode.l10n.t),
    ranking: result.recommendations.map((r) => ({ optimizer: r.optimizer, rank: r.rank, fits: r.fits, peakBytes: r.peakBytes, tier: r.tier })),
    currentOptimizer: evaluation.currentEstimate?.resolved.id ?? null,
    currentPeakBytes: evaluation.currentEstimate?.estimate.bytes.peak ?? null,
    gpuMemoryBytes: service.budget.memoryBytes,
    result,
    snippets: top === undefined ? [] : snippetsFor(top.optimizer, top.hyperparameters),
  };
}

async function openMarkdown(content: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(doc, { preview: true });
}

interface ActionItem extends vscode.QuickPickItem {
  readonly run: () => Promise<void>;
}

async function applySwitch(entry: JobEntry, rec: Recommendation, index: WorkspaceIndex): Promise<boolean> {
  const anchor = jobAnchor(entry.job);
  const uri = fileUri(entry.folder, anchor.path);
  const doc = await vscode.workspace.openTextDocument(uri);
  const request = { path: anchor.path, text: doc.getText(), job: entry.job, target: rec.optimizer, hyperparameters: rec.hyperparameters };
  // A large file is parsed in the scan worker (README: Reliability).
  const outcome = request.text.length <= DEFAULT_INLINE_MAX_CHARS ? { kind: 'fixed' as const, result: optimizerFix(request) } : await index.optimizerFix(request);
  if (outcome.kind === 'cancelled') return false; // the extension is shutting down
  if (outcome.kind === 'failed') {
    void vscode.window.showWarningMessage(vscode.l10n.t('Optimizer Advisor cannot rewrite {0} for {1}: {2}', anchor.path, rec.optimizer, outcome.message));
    return false;
  }
  const fix = outcome.result;
  if (!isFix(fix)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Optimizer Advisor cannot rewrite {0} for {1}: {2}', anchor.path, rec.optimizer, fix.unavailable));
    return false;
  }
  if (doc.isDirty && index.indexedVersion(uri) !== doc.version) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} changed since the last scan; try again in a moment.', anchor.path));
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.set(uri, fix.edits.map(toTextEdit));
  const ok = await vscode.workspace.applyEdit(edit);
  if (ok) await vscode.window.showTextDocument(doc);
  return ok;
}

/** The second step: what to do with the chosen optimizer. */
async function chooseAction(entry: JobEntry, rec: Recommendation, answer: RecommendAnswer, service: AdvisorService, index: WorkspaceIndex): Promise<void> {
  const t = vscode.l10n.t;
  const snippets = snippetsFor(rec.optimizer, rec.hyperparameters);
  const items: ActionItem[] = [];
  for (const s of snippets) {
    if ('code' in s) {
      items.push({
        label: `$(copy) ${t('Copy the {0} snippet', snippetTitle(s.kind, t))}`,
        detail: s.code.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('import') && !l.startsWith('from')).slice(0, 2).join(' '),
        run: async () => {
          await vscode.env.clipboard.writeText(s.code);
          void vscode.window.showInformationMessage(t('Copied the {0} snippet for {1}.', snippetTitle(s.kind, t), rec.optimizer));
        },
      });
    } else {
      items.push({ label: `$(circle-slash) ${snippetTitle(s.kind, t)}`, detail: s.unavailable, run: async () => undefined });
    }
  }
  const anchor = jobAnchor(entry.job);
  if (anchor.written && entry.outcome.kind === 'evaluated' && entry.outcome.evaluation.currentEstimate?.resolved.id !== rec.optimizer) {
    items.push({ label: `$(edit) ${t('Switch {0} to {1}', anchor.path, rec.optimizer)}`, detail: t('Rewrites the optimizer and its hyperparameters in the file (one undoable edit).'), run: async () => void (await applySwitch(entry, rec, index)) });
  }
  items.push({
    label: `$(book) ${t('Open the full report')}`,
    run: async () => {
      if (entry.outcome.kind === 'evaluated') await openMarkdown(recommendationReport(entry.outcome.evaluation, service.budget, answer.snippets, t));
    },
  });
  const picked = await vscode.window.showQuickPick(items, { title: t('{0} for {1}', rec.optimizer, entry.job.id), placeHolder: hyperparameterText(rec, t) });
  await picked?.run();
}

export async function recommendCommand(arg: unknown, service: AdvisorService, index: WorkspaceIndex, log: Log): Promise<RecommendOutcome> {
  const t = vscode.l10n.t;
  const args: JobArgs = isJobArgs(arg) ? arg : {};
  const interactive = args.interactive !== false;
  await service.ready();
  const entry = await pickJob(service, args, t('Which training job?'));
  if (entry === undefined) return undefined;
  const answer = answerFor(entry, service);
  if (answer === undefined) return undefined;
  if ('needsModelConfig' in answer) {
    log.info(`recommend: ${entry.job.id}: needs a model config: ${answer.needsModelConfig}`);
    if (interactive) {
      const pick = t('Pick a Model Config…');
      const chosen = await vscode.window.showInformationMessage(t('{0} needs a model config: {1}', entry.job.id, answer.needsModelConfig), pick);
      if (chosen === pick) await vscode.commands.executeCommand(PICK_MODEL_COMMAND, { key: entry.key });
    }
    return answer;
  }
  if ('error' in answer) {
    log.warn(`recommend: ${entry.job.id}: ${answer.error}`);
    if (interactive) void vscode.window.showErrorMessage(t('Optimizer Advisor cannot evaluate {0}: {1}', entry.job.id, answer.error));
    return answer;
  }
  log.info(`recommend: ${entry.job.id}: ${answer.recommended} (${answer.ranking.slice(0, 5).map((r) => r.optimizer).join(', ')}, ...)`);
  if (!interactive) return answer;

  const result = answer.result;
  const items = result.recommendations.map((r) => ({
    label: `${r.fits === false ? '$(error)' : r.fits === true ? '$(pass)' : '$(question)'} ${r.rank}. ${r.optimizer}`,
    description: fitLabel(r, t),
    detail: `${hyperparameterText(r, t)} — ${r.reasons.find((x) => !x.rule.startsWith('hp:'))?.text ?? r.reasons[0]?.text ?? ''}`,
    rec: r,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: t('Optimizer Advisor: {0} — recommended {1}', entry.job.id, answer.recommended),
    placeHolder: service.budget.memoryBytes === null
      ? t('GPU memory unknown, so fits are not checked (run "Set GPU Budget"). Pick an optimizer to copy its snippet, apply it, or open the full report')
      : t('Pick an optimizer to copy its snippet, apply it, or open the full report'),
    matchOnDetail: true,
  });
  if (picked !== undefined) await chooseAction(entry, picked.rec, answer, service, index);
  return answer;
}
