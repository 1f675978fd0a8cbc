/** A CodeLens on each job's optimizer line: current optimizer, its peak on the budget, the recommendation. */
import * as vscode from 'vscode';
import type { AdvisorService } from '../advisor-service';
import { jobKey } from '../advisor-service';
import { PICK_MODEL_COMMAND } from '../commands/pick-model';
import type { Config } from '../config';
import { relativeTo, toRange } from './convert';

export const RECOMMEND_COMMAND = 'optimizerAdvisor.recommend';

export class AdvisorCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly service: AdvisorService, private readonly config: Config) {
    this.onDidChangeCodeLenses = service.onDidChange;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.config.codeLensEnabled) return [];
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) return [];
    const rel = relativeTo(folder, document.uri);
    const hints = this.service.hintsFor(folder);
    if (rel === null || hints === undefined) return [];
    return hints.lenses
      .filter((l) => l.path === rel)
      .map((l) => new vscode.CodeLens(toRange(l.range), { title: l.title, tooltip: l.tooltip, command: l.command === 'pickModelConfig' ? PICK_MODEL_COMMAND : RECOMMEND_COMMAND, arguments: [{ key: jobKey(folder, l.jobId) }] }));
  }
}
