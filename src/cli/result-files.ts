/**
 * Result files that survive failed writes (README: Reliability, "nothing measured is lost").
 *
 * - Every write is atomic: the text goes to a temporary file in the same folder, which is then
 *   renamed over the target (a rename within one file system replaces the target in one step), so a
 *   reader never sees half a document. A failed write removes its temporary file.
 * - A failed write does not stop the work: the writer remembers the first failure per path and
 *   the caller prints the document on stdout instead, naming the path that failed.
 * - A document saved while the work ran says so (`"outcome": "running"`); when the final write of
 *   that path fails, the stale file is removed, so no file claims "running" after the process ends.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorCode } from '../platform/error-code';

/** The file operations used (tests pass failing ones: a full disk, an immutable file). */
export interface WriteOps {
  writeFileSync(file: string, text: string): void;
  renameSync(from: string, to: string): void;
  rmSync(file: string, options: { force: boolean }): void;
}

const NODE_OPS: WriteOps = {
  writeFileSync: (file, text) => fs.writeFileSync(file, text),
  renameSync: (from, to) => fs.renameSync(from, to),
  rmSync: (file, options) => fs.rmSync(file, options),
};

/** Writes `text` to `file` atomically; throws the write's error after removing the temporary file. */
export function writeAtomically(file: string, text: string, ops: WriteOps = NODE_OPS): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    ops.writeFileSync(tmp, text);
    ops.renameSync(tmp, file);
  } catch (e) {
    try {
      ops.rmSync(tmp, { force: true });
    } catch {
      // nothing more can be done; the caller reports the write's own error
    }
    throw e;
  }
}

export interface FailedWrite {
  readonly path: string;
  /** The system's error code (ENOSPC, EACCES, EISDIR, ...) or message. */
  readonly reason: string;
}

/** Saves documents to files, keeping going when a write fails. */
export class ResultFiles {
  private readonly failures = new Map<string, string>();
  /** Paths this writer wrote a provisional ("running") document to. */
  private readonly provisional = new Set<string>();

  constructor(private readonly ops: WriteOps = NODE_OPS) {}

  /** Writes a provisional document (the work goes on); a failure is remembered, not thrown. */
  saveProvisional(file: string, text: string): void {
    if (this.failures.has(file)) return;
    if (this.write(file, text)) this.provisional.add(file);
  }

  /** Writes the final document; on failure a provisional file written earlier is removed. */
  saveFinal(file: string, text: string): boolean {
    this.failures.delete(file);
    if (this.write(file, text)) {
      this.provisional.delete(file);
      return true;
    }
    if (this.provisional.has(file)) {
      try {
        this.ops.rmSync(file, { force: true });
        this.provisional.delete(file);
      } catch {
        // reported below: the stale file could not be removed
      }
    }
    return false;
  }

  /** Removes every provisional file not replaced by a final one (the work stopped before its end). */
  abandonProvisional(): void {
    for (const file of this.provisional) {
      try {
        this.ops.rmSync(file, { force: true });
        this.provisional.delete(file);
      } catch {
        // left as it is; nothing more can be done
      }
    }
  }

  /** Paths whose last write failed, with the reason (and whether a stale provisional file is left). */
  failed(): FailedWrite[] {
    return [...this.failures].map(([file, reason]) => ({
      path: file,
      reason: this.provisional.has(file) ? `${reason}; the partial file left there could not be removed` : reason,
    }));
  }

  private write(file: string, text: string): boolean {
    try {
      writeAtomically(file, text, this.ops);
      return true;
    } catch (e) {
      this.failures.set(file, errorCode(e));
      return false;
    }
  }
}
