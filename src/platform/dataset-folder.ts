/**
 * Listing a local dataset folder for core's split resolution (src/core/dataset-splits.ts; README "Hyperparameters bounded
 * by their sources and the job"), bounded: at most MAX_FOLDER_FILES files, MAX_FOLDER_ENTRIES entries read and
 * MAX_FOLDER_DEPTH levels, hidden folders and folders starting `__` not entered (datasets leaves them out; a cloned Hub dataset's .git stays unread), links to
 * folders not followed, links to files kept only when they stay inside the workspace, and a folder that resolves
 * outside the workspace not opened. Only names and sizes are read, and the first 64 KiB of the folder's README.md (its
 * YAML `configs:` choose the files). One job's lister (jobFolderLister) holds the entries of all its listings to
 * MAX_FOLDER_ENTRIES together: a config naming one large folder many times is not listed past it. Problems are
 * returned, never thrown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FolderFile, FolderListing } from '../core/dataset-splits';
import { MAX_DATASET_BYTES } from './dataset-records';
import { errorCode } from './error-code';
import { READ_NON_BLOCKING } from './non-blocking';
import { insideFolder as inside } from './inside-folder';

/** The most files listed in one dataset folder. */
export const MAX_FOLDER_FILES = 1000;
/** The deepest folder level entered below the dataset folder. */
export const MAX_FOLDER_DEPTH = 8;
/** The most entries (files, folders, links, hidden ones too) read from the folders entered. */
export const MAX_FOLDER_ENTRIES = 10 * MAX_FOLDER_FILES;
const README_BYTES = 64 * 1024;

function readHead(file: string, bytes: number): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, READ_NON_BLOCKING);
  } catch {
    return null;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return null;
    const buffer = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n).toString('utf8');
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * One job's lister of its dataset folders (workspace-relative paths under `root`): each listing bounded as
 * listDatasetFolderSync bounds it, and the entries of all of them together within MAX_FOLDER_ENTRIES. Make one per job
 * evaluation.
 */
export function jobFolderLister(root: string, textBytesCap = MAX_DATASET_BYTES): (rel: string) => FolderListing | null {
  const tally = { entries: 0 };
  return (rel) => listDatasetFolderSync(root, rel, textBytesCap, tally);
}

/**
 * The files of the workspace folder `rel` under `root` (absolute), or null when it is not a folder. `textBytesCap` is the
 * per-file cap of the caller's reader, which also bounds the text files of one folder together. The entries read are
 * added to `tally` (one job's listings together).
 */
export function listDatasetFolderSync(root: string, rel: string, textBytesCap = MAX_DATASET_BYTES, tally = { entries: 0 }): FolderListing | null {
  const folder = path.join(root, rel);
  let real: string;
  try {
    if (!fs.statSync(folder).isDirectory()) return null;
    real = fs.realpathSync(folder);
    if (!inside(fs.realpathSync(root), real)) return { ok: false, message: 'the folder resolves outside the workspace (a link) and is not opened' };
  } catch (e) {
    const code = errorCode(e);
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : { ok: false, message: `cannot be read (${code})` };
  }
  const realRoot = fs.realpathSync(root);
  const files: FolderFile[] = [];
  let visited = 0;
  const pending: { abs: string; rel: string; depth: number }[] = [{ abs: real, rel: '', depth: 0 }];
  try {
    while (pending.length > 0) {
      const dir = pending.shift()!;
      const entries: fs.Dirent[] = [];
      const handle = fs.opendirSync(dir.abs);
      try {
        for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) {
          if (++visited > MAX_FOLDER_ENTRIES) return { ok: false, message: `more than ${MAX_FOLDER_ENTRIES} entries` };
          if (++tally.entries > MAX_FOLDER_ENTRIES) return { ok: false, message: `the job's dataset folders together hold more than ${MAX_FOLDER_ENTRIES} entries` };
          entries.push(entry);
        }
      } finally {
        handle.closeSync();
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const abs = path.join(dir.abs, entry.name);
        const relPath = dir.rel === '' ? entry.name : `${dir.rel}/${entry.name}`;
        if (entry.isDirectory()) {
          if (entry.name.startsWith('.') || entry.name.startsWith('__')) continue;
          if (dir.depth + 1 > MAX_FOLDER_DEPTH) return { ok: false, message: `folders nested deeper than ${MAX_FOLDER_DEPTH} levels (${relPath})` };
          pending.push({ abs, rel: relPath, depth: dir.depth + 1 });
          continue;
        }
        let size: number;
        if (entry.isFile()) size = fs.lstatSync(abs).size;
        else if (entry.isSymbolicLink()) {
          let target: fs.Stats;
          try {
            target = fs.statSync(abs);
          } catch {
            continue; // a dangling link
          }
          if (!target.isFile() || !inside(realRoot, fs.realpathSync(abs))) continue;
          size = target.size;
        } else continue;
        files.push({ path: relPath, size });
        if (files.length > MAX_FOLDER_FILES) return { ok: false, message: `more than ${MAX_FOLDER_FILES} files` };
      }
    }
  } catch (e) {
    return { ok: false, message: `cannot be listed (${errorCode(e)})` };
  }
  const readme = files.some((f) => f.path === 'README.md') ? readHead(path.join(real, 'README.md'), README_BYTES) : null;
  return { ok: true, files, readme, textBytesCap };
}
