/**
 * Reads one file a user named (or a job's file), never blocking and never failing with anything but
 * an InputError naming the file: the file is opened non-blocking (a FIFO or a device would otherwise
 * block the open or the read forever), must be a regular file, and is read up to its size cap.
 */
import * as fs from 'node:fs';
import { InputError } from '../core/types';
import { errorCode } from '../platform/error-code';
import { READ_NON_BLOCKING } from '../platform/non-blocking';

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * The bytes of `file`. `tooLarge(size)` words the error for a file over `maxBytes`. Throws
 * InputError (with `file`) for a missing, unreadable or non-regular file.
 */
export function readUserFileSync(file: string, maxBytes: number, tooLarge: (size: number) => string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, READ_NON_BLOCKING);
  } catch (e) {
    throw new InputError(`cannot read the file (${errorCode(e)})`, file);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new InputError(`cannot read the file: it is ${kindOf(stat)}`, file);
    if (stat.size > maxBytes) throw new InputError(tooLarge(stat.size), file);
    // Read to the end, at most one byte over the cap (the file may grow while it is read).
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw new InputError(tooLarge(total), file);
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read the file (${errorCode(e)})`, file);
  } finally {
    fs.closeSync(fd);
  }
}
