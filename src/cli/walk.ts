/**
 * Reads the candidate config files of a workspace folder for the scanner (Node I/O lives here, not
 * in src/core). Iterative (a queue of folders, no recursion) with limited concurrency.
 *
 * Skipped: dependency, cache and build folders (node_modules, __pycache__, dist, build, out,
 * .next, target, site-packages), hidden folders (.git, .venv, ...), Python virtual environments
 * (a folder holding pyvenv.cfg) and conda environments (a folder holding conda-meta/), symlinks
 * that leave the root, symlinked folders, files over the size cap, binary or non-UTF-8 files,
 * and paths matching `exclude` patterns. Only files with candidate extensions are read, and the files named in
 * SYNTAX_BY_NAME (nanoGPT's meta.pkl), which are binary and read as one character per byte.
 */
import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { forEachLimited } from '../core/for-each-limited';
import { anyMatches, compileGlob } from '../core/glob';
import { latin1Text } from '../core/parse/pickle';
import { decodeText, formatBytes } from '../core/parse/text';
import { MAX_FILE_SIZE_CEILING } from '../core/units';
import type { ScanFile } from '../core/scan/types';
import { BINARY_SYNTAXES, DEFAULT_MAX_FILES, SKIPPED_FOLDER_NAMES, syntaxOfPath } from '../core/scan/walk-rules';
import { InputError } from '../core/types';
import { errorCode } from '../platform/error-code';
import { insideFolder } from '../platform/inside-folder';
import { READ_NON_BLOCKING } from '../platform/non-blocking';

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;
const CONCURRENCY = 32;

export interface WalkOptions {
  /** Files larger than this are skipped (default 2 MiB; never more than MAX_FILE_SIZE_CEILING, 4 MiB). */
  readonly maxFileBytes?: number;
  /** At most this many candidate files are read (default 20 000); the rest are reported skipped. */
  readonly maxFiles?: number;
  /**
   * Glob patterns of paths to leave out. A pattern without `/` matches a file or folder name at
   * any depth (`*.log`, `checkpoints`); one with `/` matches the path from the root
   * (`data/raw`, `runs/**`). `*` matches within a name, `**` across folders, `?` one character,
   * `{a,b}` alternatives: the syntax of src/core/glob.ts, which the editor's settings share.
   */
  readonly exclude?: readonly string[];
}

export interface SkippedPath {
  /** Relative to the root, `/` separators. */
  readonly path: string;
  readonly reason: string;
}

export interface WalkResult {
  /** Sorted by path. */
  readonly files: ScanFile[];
  /** Sorted by path. */
  readonly skipped: SkippedPath[];
}

interface Candidate {
  readonly rel: string;
  readonly abs: string;
}

/**
 * Lists and reads the candidate files under `root`. Throws InputError when `root` is not a
 * readable folder; problems with single files or folders are reported in `skipped`.
 */
export async function walkWorkspace(root: string, opts: WalkOptions = {}): Promise<WalkResult> {
  const maxFileBytes = Math.min(opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, MAX_FILE_SIZE_CEILING);
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_FILES;
  const excludes = (opts.exclude ?? []).map(compileGlob);

  let rootReal: string;
  try {
    rootReal = await fs.realpath(root);
    if (!(await fs.stat(rootReal)).isDirectory()) throw new InputError('not a folder', root);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read the folder (${errorCode(e)})`, root);
  }

  const skipped: SkippedPath[] = [];
  const candidates: Candidate[] = [];
  let level: string[] = ['.'];
  while (level.length > 0) {
    const next: string[] = [];
    await forEachLimited(level, CONCURRENCY, async (rel) => {
      const abs = rel === '.' ? rootReal : path.join(rootReal, ...rel.split('/'));
      let entries: Dirent[];
      try {
        entries = await fs.readdir(abs, { withFileTypes: true });
      } catch (e) {
        skipped.push({ path: rel, reason: `cannot read the folder (${errorCode(e)})` });
        return;
      }
      // Names that are not valid UTF-8 come back with U+FFFD in them and cannot be opened by that
      // name: skip them with the reason (not as a confusing ENOENT later).
      const undecodable = entries.some((e) => e.name.includes('\uFFFD')) ? await undecodableNames(abs) : null;
      if (undecodable !== null && undecodable.size > 0) {
        entries = entries.filter((entry) => {
          if (!undecodable.has(entry.name)) return true;
          if (!entry.isFile() || isCandidate(entry.name)) {
            skipped.push({ path: rel === '.' ? entry.name : `${rel}/${entry.name}`, reason: 'the name is not valid UTF-8 (shown with U+FFFD); rename it to scan it' });
          }
          return false;
        });
      }
      if (rel !== '.') {
        const env = environmentMarker(entries);
        if (env !== null) {
          skipped.push({ path: rel, reason: env });
          return;
        }
      }
      for (const entry of entries) {
        const childRel = rel === '.' ? entry.name : `${rel}/${entry.name}`;
        const pattern = anyMatches(excludes, childRel);
        if (pattern !== undefined) {
          if (!entry.isFile() || isCandidate(entry.name)) {
            skipped.push({ path: childRel, reason: `excluded by pattern '${pattern.pattern}'` });
          }
          continue;
        }
        const childAbs = path.join(abs, entry.name);
        if (entry.isDirectory()) {
          const reason = skippedFolderReason(entry.name);
          if (reason !== null) skipped.push({ path: childRel, reason });
          else next.push(childRel);
        } else if (entry.isFile()) {
          if (isCandidate(entry.name)) candidates.push({ rel: childRel, abs: childAbs });
        } else if (entry.isSymbolicLink()) {
          const link = await followLink(childAbs, rootReal);
          if (typeof link === 'string') {
            if (link !== 'not a candidate') skipped.push({ path: childRel, reason: link });
          } else if (isCandidate(entry.name)) {
            candidates.push({ rel: childRel, abs: link.target });
          }
        }
      }
    });
    level = next;
  }

  candidates.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const toRead = candidates.slice(0, maxFiles);
  if (candidates.length > maxFiles) {
    skipped.push({
      path: '.',
      reason: `file limit reached: read ${maxFiles} candidate files, ${candidates.length - maxFiles} more not read`,
    });
  }

  const files: ScanFile[] = [];
  await forEachLimited(toRead, CONCURRENCY, async (c) => {
    const read = await readCandidate(c, maxFileBytes);
    if (typeof read === 'string') skipped.push({ path: c.rel, reason: read });
    else files.push(read);
  });

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped };
}

/** The names in `dir` that are not valid UTF-8, as Node decodes them (with U+FFFD). */
async function undecodableNames(dir: string): Promise<Set<string>> {
  const out = new Set<string>();
  let raw: Buffer[];
  try {
    raw = await fs.readdir(dir, { encoding: 'buffer' });
  } catch {
    return out;
  }
  const strict = new TextDecoder('utf-8', { fatal: true });
  for (const name of raw) {
    try {
      strict.decode(name);
    } catch {
      out.add(name.toString('utf8'));
    }
  }
  return out;
}

function isCandidate(name: string): boolean {
  return syntaxOfPath(name) !== null;
}

function skippedFolderReason(name: string): string | null {
  if (SKIPPED_FOLDER_NAMES.includes(name)) return `dependency, cache or build folder (${name})`;
  if (name.startsWith('.')) return 'hidden folder';
  return null;
}

/** A reason when the folder's entries show a Python virtual environment or a conda environment. */
function environmentMarker(entries: readonly Dirent[]): string | null {
  for (const e of entries) {
    if (e.name === 'pyvenv.cfg' && !e.isDirectory()) return 'Python virtual environment (pyvenv.cfg)';
    if (e.name === 'conda-meta' && e.isDirectory()) return 'conda environment (conda-meta)';
  }
  return null;
}

/** The real path of a symlinked file inside the root (`rootReal`, links resolved), or the reason it is skipped. Exported for the tests. */
export async function followLink(abs: string, rootReal: string): Promise<{ target: string } | string> {
  let target: string;
  try {
    target = await fs.realpath(abs);
  } catch {
    return 'broken symlink';
  }
  if (!insideFolder(rootReal, target)) return 'symlink out of the workspace';
  let stat;
  try {
    stat = await fs.stat(target);
  } catch (e) {
    return `cannot read the symlink target (${errorCode(e)})`;
  }
  if (stat.isDirectory()) return 'symlinked folder (its target is scanned at its own path)';
  if (!stat.isFile()) return 'not a candidate';
  return { target };
}

/** Reads one file with the size cap and the text checks; a string is the reason it was skipped. */
async function readCandidate(c: Candidate, maxFileBytes: number): Promise<ScanFile | string> {
  let handle: fs.FileHandle | undefined;
  try {
    // Non-blocking: a file swapped for a FIFO after the listing must not block the walk.
    handle = await fs.open(c.abs, READ_NON_BLOCKING);
    const stat = await handle.stat();
    if (!stat.isFile()) return 'not a regular file';
    if (stat.size > maxFileBytes) return `file too large: ${stat.size} bytes (the limit is ${formatBytes(maxFileBytes)})`;
    const bytes = await handle.readFile();
    const syntax = syntaxOfPath(c.rel);
    if (syntax !== null && BINARY_SYNTAXES.has(syntax)) return { path: c.rel, text: latin1Text(bytes) };
    return { path: c.rel, text: decodeText(bytes, c.rel, maxFileBytes) };
  } catch (e) {
    if (e instanceof InputError) return e.line !== undefined ? `${e.message} at ${e.line}:${e.column}` : e.message;
    return `cannot read the file (${errorCode(e)})`;
  } finally {
    await handle?.close();
  }
}
