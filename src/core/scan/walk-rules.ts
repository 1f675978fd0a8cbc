/**
 * What a walk of a workspace reads and skips, shared by the CLI's walk (src/cli/walk.ts) and the
 * extension's workspace index (src/extension/workspace-index.ts), so both find the same files.
 */

/** At most this many candidate files are read per folder; the rest are reported skipped. */
export const DEFAULT_MAX_FILES = 20_000;
/** Extensions the scanner reads. */
export const CANDIDATE_EXTENSIONS: readonly string[] = ['.json', '.yaml', '.yml', '.py', '.ipynb', '.sh'];
/** Folder names never entered. */
export const SKIPPED_FOLDER_NAMES: readonly string[] = [
  'node_modules', '__pycache__', 'site-packages', 'dist', 'build', 'out', 'target', 'venv',
];
