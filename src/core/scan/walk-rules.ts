/**
 * What a walk of a workspace reads and skips, shared by the CLI's walk (src/cli/walk.ts) and the
 * extension's workspace index (src/extension/workspace-index.ts), so both find the same files.
 */
import type { FileSyntax } from './detector';

/** At most this many candidate files are read per folder; the rest are reported skipped. */
export const DEFAULT_MAX_FILES = 20_000;
/**
 * Each extension the scanner reads, with the syntax it parses it in (parse-file.ts). A new config
 * format with a new extension adds its line here; the walk, the workspace index and the editor's
 * document selector (src/extension/providers/convert.ts) follow.
 */
export const SYNTAX_BY_EXTENSION: Readonly<Record<string, FileSyntax>> = {
  '.json': 'json',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.py': 'text',
  '.ipynb': 'json',
  '.sh': 'text',
};
/** Extensions the scanner reads. */
export const CANDIDATE_EXTENSIONS: readonly string[] = Object.keys(SYNTAX_BY_EXTENSION);
/** Folder names never entered. */
export const SKIPPED_FOLDER_NAMES: readonly string[] = [
  'node_modules', '__pycache__', 'site-packages', 'dist', 'build', 'out', 'target', 'venv',
];
