/**
 * The profile results the sidebar saves for a job, under the extension's workspace storage (storageUri):
 * the folder, and the files read back newest first (the sidebar's Saved results, and the stability
 * priority's robustness probes in the sidebar and the hover: README, "How the advice is derived").
 */
import * as vscode from 'vscode';
import { parseJson } from '../core/parse/json';
import type { ParsedNode } from '../core/parse/node';
import { decodeText, formatBytes } from '../core/parse/text';
import { MAX_PROFILE_BYTES } from '../core/profile/profile-types';
import { InputError } from '../core/types';
import { jobFolderName } from './profile-folder';

const PROFILES_FOLDER = 'profiles';

/** A saved profile result file as read from storage. */
export interface SavedProfileFile {
  /** File name. */
  readonly id: string;
  /** ISO 8601 modification time. */
  readonly savedAt: string;
  /** The parsed JSON (checked by the sidebar before use); null when the file could not be read or parsed. */
  readonly json: unknown;
  /** The parsed file with positions, when it parsed: the sidebar's problems then name line:column. */
  readonly tree?: ParsedNode;
  /** Why the file could not be read or parsed (too large, binary, not JSON), with its position where known. */
  readonly problem?: string;
}

/** A file's text parsed, or why it is not JSON (`name:line:column: message`). */
function parseSaved(name: string, bytes: Uint8Array): Pick<SavedProfileFile, 'json' | 'tree' | 'problem'> {
  try {
    const { root } = parseJson(decodeText(bytes, name, MAX_PROFILE_BYTES), name);
    return { json: root.value, tree: root };
  } catch (e) {
    return { json: null, problem: e instanceof InputError ? e.format() : e instanceof Error ? e.message : String(e) };
  }
}

/** The folder of a job's saved results; null without workspace storage (no folder open). */
export function profilesDir(storageUri: vscode.Uri | undefined, jobId: string): vscode.Uri | null {
  return storageUri === undefined ? null : vscode.Uri.joinPath(storageUri, PROFILES_FOLDER, jobFolderName(jobId));
}

/** The job's saved result files, newest first (none when nothing was saved yet). */
export async function readSavedProfileFiles(storageUri: vscode.Uri | undefined, jobId: string): Promise<SavedProfileFile[]> {
  const dir = profilesDir(storageUri, jobId);
  if (dir === null) return [];
  let names: [string, vscode.FileType][];
  try {
    names = await vscode.workspace.fs.readDirectory(dir);
  } catch {
    return []; // nothing saved yet
  }
  const files: { file: SavedProfileFile; mtime: number }[] = [];
  for (const [name, type] of names) {
    if (type !== vscode.FileType.File || !name.endsWith('.json') || name.startsWith('.')) continue;
    const uri = vscode.Uri.joinPath(dir, name);
    let stat: vscode.FileStat;
    let bytes: Uint8Array;
    try {
      stat = await vscode.workspace.fs.stat(uri);
      // Read only when it can be a profile: the extension host holds it whole (the CLI's limit).
      if (stat.size > MAX_PROFILE_BYTES) {
        const problem = `${name}: file too large: ${stat.size} bytes (the limit is ${formatBytes(MAX_PROFILE_BYTES)})`;
        files.push({ file: { id: name, savedAt: new Date(stat.mtime).toISOString(), json: null, problem }, mtime: stat.mtime });
        continue;
      }
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (e) {
      // Gone or unreadable since the listing: kept with its problem (the sidebar lists it as unreadable, the advice
      // names it when no other file is usable), so that one such file does not hide the others.
      files.push({ file: { id: name, savedAt: new Date(0).toISOString(), json: null, problem: `${name}: cannot be read: ${e instanceof Error ? e.message : String(e)}` }, mtime: 0 });
      continue;
    }
    files.push({ file: { id: name, savedAt: new Date(stat.mtime).toISOString(), ...parseSaved(name, bytes) }, mtime: stat.mtime });
  }
  return files.sort((a, b) => b.mtime - a.mtime || b.file.id.localeCompare(a.file.id)).map((f) => f.file);
}
