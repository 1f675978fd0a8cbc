/**
 * Counting a local dataset file's records from disk with a hard byte cap (README "Hyperparameters bounded by their
 * sources and the job"): the file is opened non-blocking (a FIFO would block the read), must be a regular file no
 * larger than the cap, and is read in 1 MiB chunks into core's streaming counter (src/core/parse/record-count.ts), so
 * memory stays at one chunk plus the longest JSON line. A file over the cap is not read at all; it and any other
 * problem is a RecordCount problem with its position, never an exception. Given the workspace folder, a file that
 * resolves outside it (through a link) is not opened, as the folder listing (dataset-folder.ts) does not open one. A
 * Parquet file is not read through: its first 4
bytes, its last 8 and then its footer are read at their positions (src/core/parse/parquet-footer.ts), whatever the
file's size, the footer capped at MAX_PARQUET_FOOTER_BYTES (or the caller's smaller cap). One job's reader
(jobRecordCounter) holds the files it counts to the same cap together: a config naming one large file a thousand times,
or many large files, is not read past it (a Parquet footer may overshoot it once, as in a folder).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_PARQUET_FOOTER_BYTES, parquetFooterPlace, parquetRowCount } from '../core/parse/parquet-footer';
import { RecordCounter, type RecordCount, type RecordFormat } from '../core/parse/record-count';
import { errorCode } from './error-code';
import { insideFolder } from './inside-folder';
import { READ_NON_BLOCKING } from './non-blocking';

/** The largest dataset file counted (the CLI; the editor passes a smaller cap, read on its main thread). */
export const MAX_DATASET_BYTES = 256 * 2 ** 20;

const CHUNK_BYTES = 2 ** 20;

function mib(bytes: number): string {
  return bytes < 2 ** 20 ? `${bytes} bytes` : `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
}

/**
 * The records of the file at `file` (an absolute path); null when it does not exist. With `workspace` (the absolute
 * folder the job's paths are inside), a file whose links lead outside it is not opened.
 */
export function countDatasetRecordsSync(file: string, format: RecordFormat, maxBytes = MAX_DATASET_BYTES, workspace?: string): RecordCount | null {
  return countFile(file, format, maxBytes, maxBytes, workspace, { bytes: 0 });
}

/**
 * One job's reader of its dataset files (workspace-relative paths under `workspace`): each file within `maxBytes`, and
 * all the files it is asked for together within `maxBytes` too. Make one per job evaluation.
 */
export function jobRecordCounter(workspace: string, maxBytes = MAX_DATASET_BYTES): (rel: string, format: RecordFormat) => RecordCount | null {
  const tally = { bytes: 0 };
  return (rel, format) => countFile(path.join(workspace, rel), format, maxBytes, maxBytes - tally.bytes, workspace, tally);
}

/** countDatasetRecordsSync with `left` of the job's bytes to read; the bytes read are added to `tally`. */
function countFile(file: string, format: RecordFormat, maxBytes: number, left: number, workspace: string | undefined, tally: { bytes: number }): RecordCount | null {
  const together = `the job's dataset files together take over the ${mib(maxBytes)} read to count records`;
  let fd: number;
  try {
    if (workspace !== undefined && !insideFolder(fs.realpathSync(workspace), fs.realpathSync(file))) {
      return { ok: false, message: 'resolves outside the workspace (a link) and is not opened', line: 1, column: 1 };
    }
    fd = fs.openSync(file, READ_NON_BLOCKING);
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    return { ok: false, message: `cannot be read (${code})`, line: 1, column: 1 };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, message: 'not a regular file', line: 1, column: 1 };
    if (format === 'parquet') {
      if (left <= 0) return { ok: false, message: together, offset: 0 };
      return parquetRecords(fd, stat.size, Math.min(MAX_PARQUET_FOOTER_BYTES, maxBytes), tally);
    }
    const tooLarge = (size: number): RecordCount => ({ ok: false, message: `${mib(size)}, over the ${mib(maxBytes)} read to count its records`, line: 1, column: 1 });
    if (stat.size > maxBytes) return tooLarge(stat.size);
    if (stat.size > left) return { ok: false, message: together, line: 1, column: 1 };
    const limit = Math.min(maxBytes, left);
    const counter = new RecordCounter(format);
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let total = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, limit + 1 - total), null);
      if (n === 0) break;
      total += n;
      tally.bytes += n;
      // The file grew past the cap while it was read.
      if (total > limit) return total > maxBytes ? tooLarge(total) : { ok: false, message: together, line: 1, column: 1 };
      counter.push(buffer.subarray(0, n));
    }
    return counter.end();
  } catch (e) {
    return { ok: false, message: `cannot be read (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, line: 1, column: 1 };
  } finally {
    fs.closeSync(fd);
  }
}

/** `length` bytes at `position` (fewer when the file is shorter). */
function readAt(fd: number, position: number, length: number): Uint8Array {
  const buffer = Buffer.alloc(Math.max(0, length));
  let got = 0;
  while (got < buffer.length) {
    const n = fs.readSync(fd, buffer, got, buffer.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buffer.subarray(0, got);
}

/** A Parquet file's rows from its footer: three positional reads, never the column data. */
function parquetRecords(fd: number, size: number, maxFooterBytes: number, tally: { bytes: number }): RecordCount {
  const place = parquetFooterPlace(size, readAt(fd, 0, 4), readAt(fd, Math.max(0, size - 8), 8), maxFooterBytes);
  tally.bytes += 12;
  if (!place.ok) return place;
  const footer = readAt(fd, place.start, place.length);
  tally.bytes += footer.length;
  // The file shrank since it was measured.
  if (footer.length < place.length) return { ok: false, message: `the file ends before its ${place.length}-byte footer does`, offset: place.start + footer.length };
  const counted = parquetRowCount(footer, place.start);
  return counted.ok ? { ok: true, records: counted.records, bytesRead: 12 + footer.length } : counted;
}
