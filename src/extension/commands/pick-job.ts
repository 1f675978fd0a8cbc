/** Choosing a job: from a command argument, the only job, or a QuickPick over the detected jobs. */
import { modelRefText } from '../../core/model-source';
import * as vscode from 'vscode';
import type { AdvisorService, JobEntry } from '../advisor-service';
import { listLanguage, noJobsMessage } from './no-jobs-message';

/** How a caller (a CodeLens, a test, a keybinding) names a job. */
export interface JobArgs {
  readonly key?: string;
  readonly jobId?: string;
  /** Workspace folder name, to tell jobs with the same id apart. */
  readonly folder?: string;
  /** False: no UI at all (tests, other extensions); the answer is only returned. Default true. */
  readonly interactive?: boolean;
}

export function isJobArgs(value: unknown): value is JobArgs {
  return typeof value === 'object' && value !== null && !(value instanceof vscode.Uri) && !Array.isArray(value);
}

function describe(entry: JobEntry): string {
  const parts: string[] = [];
  const model = entry.job.model;
  if (model !== null) parts.push(modelRefText(model));
  if (entry.job.settings.optimizer !== undefined) parts.push(entry.job.settings.optimizer);
  return parts.join(' · ');
}

/**
 * The job the user means. `undefined` when there is none or the pick was cancelled; with an explicit
 * reference that matches nothing, an error is shown (interactive) and `undefined` returned.
 */
export async function pickJob(service: AdvisorService, args: JobArgs, placeHolder: string): Promise<JobEntry | undefined> {
  const interactive = args.interactive !== false;
  if (args.key !== undefined || args.jobId !== undefined) {
    const found = service.findJob(args);
    if (found === undefined && interactive) void vscode.window.showErrorMessage(vscode.l10n.t('Optimizer Advisor: no job {0} in this workspace.', args.jobId ?? args.key ?? ''));
    return found;
  }
  const entries = service.entries();
  if (entries.length === 0) {
    if (interactive) {
      void vscode.window.showInformationMessage(noJobsMessage(vscode.l10n, listLanguage(vscode.l10n, vscode.env.language)));
    }
    return undefined;
  }
  if (entries.length === 1 || !interactive) return entries[0];
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const items = entries.map((entry) => ({
    label: entry.job.id,
    description: describe(entry),
    detail: `${multiRoot ? `${entry.folder.name}: ` : ''}${entry.job.files.join(', ')}`,
    entry,
  }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked?.entry;
}
