/**
 * "Optimizer Advisor: Pick a Model Config": for a job whose model could not be resolved, choose a
 * config.json (file dialog), an entry of the local Hugging Face cache, or a bundled preset (same family
 * first). The choice is remembered per job in workspace state; "Forget" removes it.
 */
import * as vscode from 'vscode';
import { familyWord, listPresets } from '../../core/models';
import { hubCacheDir } from '../../platform/hf-env';
import { listCachedModels } from '../../platform/hf-cache';
import type { AdvisorService, JobEntry } from '../advisor-service';
import type { ModelChoice } from '../model-lookup';
import { isJobArgs, pickJob, type JobArgs } from './pick-job';

export const PICK_MODEL_COMMAND = 'optimizerAdvisor.pickModelConfig';

export interface PickModelArgs extends JobArgs {
  /** Choose without UI (tests, other extensions); `null` forgets the choice. */
  readonly choice?: ModelChoice | null;
}

type Item = vscode.QuickPickItem & { readonly choice?: ModelChoice | 'browse' | 'forget' };

function presetItems(entry: JobEntry): Item[] {
  const id = entry.outcome.kind === 'needs-config' ? entry.outcome.modelId : undefined;
  const word = id !== undefined ? familyWord(id) : undefined;
  const all = listPresets();
  const same = word === undefined ? [] : all.filter((p) => familyWord(p.hubId) === word || (p.aliases ?? []).some((a) => familyWord(a) === word));
  const rest = all.filter((p) => !same.includes(p));
  return [...same, ...rest].map((p) => ({
    label: p.hubId,
    description: same.includes(p) ? vscode.l10n.t('bundled preset, same family') : vscode.l10n.t('bundled preset'),
    choice: { kind: 'preset', id: p.hubId },
  }));
}

async function ask(entry: JobEntry, service: AdvisorService): Promise<ModelChoice | null | undefined> {
  const t = vscode.l10n.t;
  const items: Item[] = [{ label: t('$(folder-opened) Browse for a config.json…'), choice: 'browse' }];
  if (service.models.choice(entry.key) !== undefined) items.push({ label: t('$(close) Forget the model picked for this job'), choice: 'forget' });
  const cached = listCachedModels(hubCacheDir(process.env));
  if (cached.length > 0) items.push({ label: t('Hugging Face cache'), kind: vscode.QuickPickItemKind.Separator });
  for (const c of cached) items.push({ label: c.id, description: t('cache, revision {0}', c.revision), detail: c.configPath, choice: { kind: 'cache', id: c.id, revision: c.revision } });
  items.push({ label: t('Bundled presets'), kind: vscode.QuickPickItemKind.Separator });
  items.push(...presetItems(entry));
  const reason = entry.outcome.kind === 'needs-config' ? entry.outcome.message : entry.job.id;
  const picked = await vscode.window.showQuickPick(items, { title: t('Model config for {0}', entry.job.id), placeHolder: reason, matchOnDescription: true, matchOnDetail: true });
  if (picked?.choice === undefined) return undefined;
  if (picked.choice === 'forget') return null;
  if (picked.choice === 'browse') {
    const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: t('Use this model config'), filters: { 'config.json': ['json'] } });
    const uri = uris?.[0];
    return uri === undefined ? undefined : { kind: 'file', path: uri.fsPath };
  }
  return picked.choice;
}

/** Returns the job's outcome kind after the choice ('evaluated' when the choice worked), or undefined when cancelled. */
export async function pickModelCommand(arg: unknown, service: AdvisorService): Promise<{ readonly jobId: string; readonly outcome: string; readonly message: string | null } | undefined> {
  const args: PickModelArgs = isJobArgs(arg) ? (arg as PickModelArgs) : {};
  await service.ready();
  const interactive = args.interactive !== false;
  let entry: JobEntry | undefined;
  if (args.key !== undefined || args.jobId !== undefined) entry = service.findJob(args);
  else {
    const waiting = service.entries().filter((e) => e.outcome.kind === 'needs-config');
    entry = waiting.length === 1 ? waiting[0] : await pickJob(service, args, vscode.l10n.t('Which job needs a model config?'));
  }
  if (entry === undefined) return undefined;
  const choice = args.choice !== undefined ? args.choice : interactive ? await ask(entry, service) : undefined;
  if (choice === undefined) return undefined;
  await service.models.setChoice(entry.key, choice ?? undefined);
  // The choice re-evaluates the jobs in yielding time slices: answer with the new evaluation.
  await service.ready();
  const after = service.entry(entry.key);
  const outcome = after?.outcome;
  const message = outcome === undefined || outcome.kind === 'evaluated' ? null : outcome.message;
  if (interactive && outcome?.kind === 'failed') void vscode.window.showWarningMessage(vscode.l10n.t('The picked model config cannot be used: {0}', outcome.message));
  return { jobId: entry.job.id, outcome: outcome?.kind ?? 'gone', message };
}
