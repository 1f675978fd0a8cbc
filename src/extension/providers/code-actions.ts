/**
 * Quick fixes for the extension's diagnostics (keyed by `diagnostic.code`): switch the optimizer to a
 * recommended one with its hyperparameters, or set the learning rate, as one WorkspaceEdit (one undo
 * step); and silence a rule or a file through the settings. The same switches are offered as
 * refactorings on an optimizer line without a diagnostic. A job that needs a model config gets
 * "Pick a model config" (a config.json, a Hugging Face cache entry or a bundled preset). Nothing changes a file unless the user
 * picks an action. A switch on a file over 64 KiB is computed in the scan worker (the fix parses the file; README:
 * Reliability), so the editor stays responsive while VS Code asks for actions.
 */
import * as vscode from 'vscode';
import type { Recommendation } from '../../core/advisor/types';
import type { JobEvaluation } from '../../core/evaluate';
import { isFix, learningRateFix, optimizerFix, type FixResult, type OptimizerFixRequest } from '../../core/fixes';
import type { AdvisorService, JobEntry } from '../advisor-service';
import { PICK_MODEL_COMMAND } from '../commands/pick-model';
import { formatRate, jobAnchor } from '../hints/analysis';
import { isDiagnosticCode, type DiagnosticCode } from '../hints/rules';
import { DEFAULT_INLINE_MAX_CHARS } from '../scan-pool';
import type { WorkspaceIndex } from '../workspace-index';
import { DIAGNOSTIC_SOURCE, fileUri, relativeTo, toRange, toTextEdit } from './convert';
import { advisedLearningRate } from '../../core/own-hyperparameters';

export const DISABLE_RULE_COMMAND = 'optimizerAdvisor.disableRule';
export const IGNORE_FILE_COMMAND = 'optimizerAdvisor.ignoreFileDiagnostics';

/** How many recommended optimizers are offered as switches. */
const SWITCH_CHOICES = 3;

/**
 * Candidates to switch to, best first: the ranked optimizers in the 'ok' tier (else all of them),
 * never the current one. The first SWITCH_CHOICES that the file's syntax can express are offered.
 */
export function switchCandidates(evaluation: JobEvaluation): Recommendation[] {
  const currentId = evaluation.current.kind === 'resolved' ? evaluation.current.resolved.id : null;
  const others = evaluation.result.recommendations.filter((r) => r.optimizer !== currentId);
  const ok = others.filter((r) => r.tier === 'ok');
  return ok.length > 0 ? ok : others;
}

export class AdvisorCodeActionProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  constructor(private readonly service: AdvisorService, private readonly index: WorkspaceIndex) {}

  /** The text a fix starts from: the open document, else the indexed file. Null when the index is behind the editor. */
  private textOf(uri: vscode.Uri, folder: vscode.WorkspaceFolder, rel: string): string | null {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc !== undefined) {
      const indexed = this.index.indexedVersion(uri);
      if (doc.isDirty && indexed !== doc.version) return null; // the scan has not caught up with the typing yet
      return doc.getText();
    }
    const text = this.index.text(folder, rel);
    return text === undefined || text === '' ? null : text;
  }

  /** The fix, made here for a small file and in the scan worker for a large one; null when it could not be made. */
  private async optimizerFix(request: OptimizerFixRequest): Promise<FixResult | null> {
    if (request.text.length <= DEFAULT_INLINE_MAX_CHARS) return optimizerFix(request);
    const outcome = await this.index.optimizerFix(request);
    return outcome.kind === 'fixed' ? outcome.result : null;
  }

  /** "Switch to X" actions for a job, editing the file that names its optimizer. */
  async switchActions(folder: vscode.WorkspaceFolder, entry: JobEntry, kind: vscode.CodeActionKind, diagnostic: vscode.Diagnostic | undefined, token?: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    if (entry.outcome.kind !== 'evaluated') return [];
    const evaluation = entry.outcome.evaluation;
    const anchor = jobAnchor(entry.job);
    const uri = fileUri(folder, anchor.path);
    const text = this.textOf(uri, folder, anchor.path);
    if (text === null) return [];
    const actions: vscode.CodeAction[] = [];
    for (const rec of switchCandidates(evaluation)) {
      if (actions.length >= SWITCH_CHOICES) break;
      const fix = await this.optimizerFix({ path: anchor.path, text, job: entry.job, target: rec.optimizer, hyperparameters: rec.hyperparameters, plan: rec.fitPlan ?? null });
      if (token?.isCancellationRequested) return [];
      if (fix === null || !isFix(fix)) continue;
      const lr = rec.hyperparameters.lr === null ? vscode.l10n.t('relative step') : `lr ${formatRate(rec.hyperparameters.lr)}`;
      const action = new vscode.CodeAction(vscode.l10n.t('Switch to {0} ({1}) — ranked #{2} by Optimizer Advisor', fix.label ?? fix.spelling, lr, rec.rank), kind);
      const edit = new vscode.WorkspaceEdit();
      edit.set(uri, fix.edits.map(toTextEdit));
      action.edit = edit;
      if (diagnostic) action.diagnostics = [diagnostic];
      action.isPreferred = actions.length === 0 && kind.value === vscode.CodeActionKind.QuickFix.value;
      actions.push(action);
    }
    return actions;
  }

  private learningRateAction(folder: vscode.WorkspaceFolder, entry: JobEntry, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
    if (entry.outcome.kind !== 'evaluated') return [];
    const cur = entry.outcome.evaluation.currentEstimate;
    const src = entry.job.sources['learningRate'];
    const advised = cur === null ? null : advisedLearningRate(cur.recommendation);
    if (cur === null || src === undefined || advised === null) return [];
    const uri = fileUri(folder, src.path);
    const text = this.textOf(uri, folder, src.path);
    if (text === null) return [];
    const fix = learningRateFix({ path: src.path, text, job: entry.job, lr: advised });
    if ('unavailable' in fix) return [];
    const action = new vscode.CodeAction(vscode.l10n.t('Set the learning rate to {0} (advised for {1})', fix.written, cur.resolved.spec.name), vscode.CodeActionKind.QuickFix);
    const edit = new vscode.WorkspaceEdit();
    edit.set(uri, fix.edits.map(toTextEdit));
    action.edit = edit;
    action.diagnostics = [diagnostic];
    action.isPreferred = true;
    return [action];
  }

  private silenceActions(folder: vscode.WorkspaceFolder, rel: string, code: DiagnosticCode, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
    const rule = new vscode.CodeAction(vscode.l10n.t("Don't show '{0}' diagnostics (setting)", code), vscode.CodeActionKind.QuickFix);
    rule.command = { title: rule.title, command: DISABLE_RULE_COMMAND, arguments: [code] };
    rule.diagnostics = [diagnostic];
    const file = new vscode.CodeAction(vscode.l10n.t("Don't show Optimizer Advisor diagnostics in {0} (setting)", rel), vscode.CodeActionKind.QuickFix);
    file.command = { title: file.title, command: IGNORE_FILE_COMMAND, arguments: [fileUri(folder, rel)] };
    file.diagnostics = [diagnostic];
    return [rule, file];
  }

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext, token?: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) return [];
    const rel = relativeTo(folder, document.uri);
    if (rel === null) return [];
    const hints = this.service.diagnosticsFor(folder);
    const entries = this.service.entries().filter((e) => e.folder.uri.toString() === folder.uri.toString());
    const actions: vscode.CodeAction[] = [];
    const handledJobs = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const code = typeof diagnostic.code === 'string' ? diagnostic.code : typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
      if (!isDiagnosticCode(code)) continue;
      const hint = hints.find((h) => h.path === rel && h.code === code && toRange(h.range).isEqual(diagnostic.range));
      const entry = hint?.jobId == null ? undefined : entries.find((e) => e.job.id === hint.jobId);
      if (entry !== undefined) {
        if (code === 'lr-out-of-range') actions.push(...this.learningRateAction(folder, entry, diagnostic));
        if (code === 'needs-model-config') {
          const pick = new vscode.CodeAction(vscode.l10n.t('Pick a model config for this job (config.json, Hugging Face cache or preset)…'), vscode.CodeActionKind.QuickFix);
          pick.command = { title: pick.title, command: PICK_MODEL_COMMAND, arguments: [{ key: entry.key }] };
          pick.diagnostics = [diagnostic];
          pick.isPreferred = true;
          actions.push(pick);
        }
        if (code === 'does-not-fit' || code === 'unknown-optimizer' || code === 'lr-out-of-range') {
          actions.push(...(await this.switchActions(folder, entry, vscode.CodeActionKind.QuickFix, diagnostic, token)));
          handledJobs.add(entry.key);
        }
      }
      actions.push(...this.silenceActions(folder, rel, code, diagnostic));
    }
    // On an optimizer line without a diagnostic: the switches as refactorings.
    if (context.only === undefined || context.only.contains(vscode.CodeActionKind.RefactorRewrite) || vscode.CodeActionKind.RefactorRewrite.contains(context.only)) {
      for (const entry of entries) {
        if (handledJobs.has(entry.key)) continue;
        const anchor = jobAnchor(entry.job);
        if (!anchor.written || anchor.path !== rel || !toRange(anchor.range).intersection(range)) continue;
        actions.push(...(await this.switchActions(folder, entry, vscode.CodeActionKind.RefactorRewrite, undefined, token)));
      }
    }
    return actions;
  }
}
