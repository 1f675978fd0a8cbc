/**
 * Counting the training images below a workspace folder for an Ultralytics job (core/ultralytics-images.ts; README
 * "Ultralytics YOLO"), as Ultralytics lists them (BaseDataset.get_img_files: every file below the folder whose suffix is
 * an image format; names starting with a dot are not matched by its glob), bounded: at most MAX_IMAGE_ENTRIES entries
 * read, MAX_IMAGE_DEPTH levels and IMAGE_COUNT_MS of time, after which the count is reported as not made (never a partial
 * count). Links to folders are not followed (no loop can form; a count that would need one is refused and says so), a
 * link to a file counts only when it stays inside the workspace, and a folder that resolves outside the workspace is not
 * opened. Only names are read. Problems are returned, never thrown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isUltralyticsImage, type ImageCount } from '../core/ultralytics-images';
import { errorCode } from './error-code';
import { insideFolder as inside } from './inside-folder';

/** The most entries (files, folders, links) read below one folder. */
export const MAX_IMAGE_ENTRIES = 200_000;
/** The deepest folder level entered below the folder. */
export const MAX_IMAGE_DEPTH = 16;
/** The longest one count may take, in milliseconds. */
export const IMAGE_COUNT_MS = 1500;
/** The editor counts on the extension host's main loop: fewer entries and less time. */
export const EDITOR_IMAGE_ENTRIES = 50_000;
export const EDITOR_IMAGE_COUNT_MS = 300;

export interface ImageCountLimits {
  readonly maxEntries: number;
  readonly maxDepth: number;
  readonly budgetMs: number;
  /** The clock (tests pass their own). */
  readonly now: () => number;
}

export const DEFAULT_IMAGE_LIMITS: ImageCountLimits = { maxEntries: MAX_IMAGE_ENTRIES, maxDepth: MAX_IMAGE_DEPTH, budgetMs: IMAGE_COUNT_MS, now: () => Date.now() };

/** The images below the workspace folder `rel` under `root` (absolute), or null when it is not a folder. */
export function countImagesSync(root: string, rel: string, limits: ImageCountLimits = DEFAULT_IMAGE_LIMITS): ImageCount | null {
  const start = limits.now();
  const folder = path.join(root, rel);
  let real: string;
  let realRoot: string;
  try {
    if (!fs.statSync(folder).isDirectory()) return null;
    real = fs.realpathSync(folder);
    realRoot = fs.realpathSync(root);
    if (!inside(realRoot, real)) return { ok: false, message: 'the folder resolves outside the workspace (a link) and is not opened' };
  } catch (e) {
    const code = errorCode(e);
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : { ok: false, message: `cannot be read (${code})` };
  }
  let images = 0;
  let visited = 0;
  const pending: { abs: string; rel: string; depth: number }[] = [{ abs: real, rel: '', depth: 0 }];
  try {
    while (pending.length > 0) {
      const dir = pending.pop()!;
      const handle = fs.opendirSync(dir.abs);
      try {
        for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) {
          if (++visited > limits.maxEntries) return { ok: false, message: `more than ${limits.maxEntries.toLocaleString('en-US')} entries below it` };
          if (limits.now() - start > limits.budgetMs) return { ok: false, message: `listing it took over ${limits.budgetMs} ms (${visited.toLocaleString('en-US')} entries read)` };
          if (entry.name.startsWith('.')) continue;
          const relPath = dir.rel === '' ? entry.name : `${dir.rel}/${entry.name}`;
          const abs = path.join(dir.abs, entry.name);
          if (entry.isDirectory()) {
            if (dir.depth + 1 > limits.maxDepth) return { ok: false, message: `folders nested deeper than ${limits.maxDepth} levels (${relPath})` };
            pending.push({ abs, rel: relPath, depth: dir.depth + 1 });
          } else if (entry.isFile()) {
            if (isUltralyticsImage(entry.name)) images++;
          } else if (entry.isSymbolicLink()) {
            let target: fs.Stats;
            try {
              target = fs.statSync(abs);
            } catch {
              continue; // a dangling link
            }
            if (target.isDirectory()) return { ok: false, message: `${relPath} is a link to a folder, which is not followed (Ultralytics' glob would list it)` };
            if (target.isFile() && isUltralyticsImage(entry.name) && inside(realRoot, fs.realpathSync(abs))) images++;
          }
        }
      } finally {
        handle.closeSync();
      }
    }
  } catch (e) {
    return { ok: false, message: `cannot be listed (${errorCode(e)})` };
  }
  return { ok: true, images };
}
