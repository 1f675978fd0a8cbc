/** Conversions between the engine's 1-based ranges and VS Code's 0-based ones. */
import * as vscode from 'vscode';
import { CANDIDATE_EXTENSIONS } from '../../core/scan/walk-rules';
import { pathBelow } from '../../core/scan/paths';
import type { SourceRange } from '../../core/scan/types';
import type { TextEdit } from '../../core/fixes/types';
import type { HintSeverity } from '../hints/rules';

export function toRange(r: SourceRange): vscode.Range {
  return new vscode.Range(Math.max(0, r.line - 1), Math.max(0, r.column - 1), Math.max(0, r.endLine - 1), Math.max(0, r.endColumn - 1));
}

export function toTextEdit(e: TextEdit): vscode.TextEdit {
  return new vscode.TextEdit(toRange(e.range), e.newText);
}

export function toSeverity(s: HintSeverity): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

/** The document's path relative to its workspace folder, with `/` separators. */
export function relativeTo(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string | null {
  if (uri.scheme !== folder.uri.scheme || uri.authority !== folder.uri.authority) return null;
  return pathBelow(folder.uri.path, uri.path);
}

export function fileUri(folder: vscode.WorkspaceFolder, rel: string): vscode.Uri {
  return vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
}

/** Documents the hints apply to: configs and scripts, in any file system. */
export const DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  { language: 'json' },
  { language: 'jsonc' },
  { language: 'yaml' },
  { language: 'python' },
  // Every extension the scanner reads except notebooks, which open in the notebook editor, not as a text document.
  { pattern: `**/*.{${CANDIDATE_EXTENSIONS.filter((e) => e !== '.ipynb').map((e) => e.slice(1)).join(',')}}` },
];

export const DIAGNOSTIC_SOURCE = 'Optimizer Advisor';
