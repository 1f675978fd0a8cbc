/**
 * What a walk of a workspace reads and skips, shared by the CLI's walk (src/cli/walk.ts) and the
 * extension's workspace index (src/extension/workspace-index.ts), so both find the same files.
 */
import type { FileSyntax } from './detector';
import { baseName, extensionOf } from './paths';

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
/**
 * Files read by their name whatever their extension says, with their syntax. 'pickle' files are binary: the walks
 * read their bytes as text of one character per byte (core/parse/pickle.ts `latin1Text`), and only the pickle
 * reader looks at them. Only nanoGPT's dataset metadata (data/<dataset>/meta.pkl, whose `vocab_size` its train.py
 * reads) is read: `.pkl` is not an extension of SYNTAX_BY_EXTENSION, so other pickles are never opened.
 */
export const SYNTAX_BY_NAME: Readonly<Record<string, FileSyntax>> = {
  'meta.pkl': 'pickle',
};
/** Syntaxes whose files are read as bytes (one character per byte), not as UTF-8 text. */
export const BINARY_SYNTAXES: ReadonlySet<FileSyntax> = new Set<FileSyntax>(['pickle']);

/** The syntax a file is read in, by its name (SYNTAX_BY_NAME) then its extension; null for files not read. */
export function syntaxOfPath(path: string): FileSyntax | null {
  return SYNTAX_BY_NAME[baseName(path)] ?? SYNTAX_BY_EXTENSION[extensionOf(path)] ?? null;
}
/** Folder names never entered. */
export const SKIPPED_FOLDER_NAMES: readonly string[] = [
  'node_modules', '__pycache__', 'site-packages', 'dist', 'build', 'out', 'target', 'venv',
];
