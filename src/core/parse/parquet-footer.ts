/**
 * The row count of a Parquet file from its footer alone (README "Hyperparameters bounded by their sources and the
 * job"). Apache Parquet format (parquet-format README "File Format"; src/main/thrift/parquet.thrift): a file is
 * `PAR1`, the column chunks, the FileMetaData, the FileMetaData's length as a 4-byte little-endian integer, and `PAR1`
 * again; FileMetaData is a Thrift struct in the compact protocol whose field 3 is `required i64 num_rows`, the number of
 * rows in the file (the sum over its row groups). A footer in encrypted mode ends with `PARE` instead and holds
 * FileCryptoMetaData, not the row count. The caller (src/platform/dataset-records.ts) reads the first 4 bytes, the last
 * 8, then the footer, never the column data; this module checks what it is given. Every problem names the byte offset in
 * the file. Pure.
 */
import { readStructI64, THRIFT_I64 } from './thrift-compact';
import type { RecordCount } from './record-count';

/** The largest footer read (a footer lists every column of every row group; 16 MiB holds tens of thousands of them). */
export const MAX_PARQUET_FOOTER_BYTES = 16 * 2 ** 20;

/** `PAR1` (first and last 4 bytes of a plain Parquet file). */
const MAGIC = [0x50, 0x41, 0x52, 0x31];
/** `PARE` (the last 4 bytes of a file whose footer is encrypted). */
const MAGIC_ENCRYPTED = [0x50, 0x41, 0x52, 0x45];
/** FileMetaData's `3: required i64 num_rows`. */
const NUM_ROWS_FIELD = 3;

/** Where the footer is: its first byte in the file and its length. */
export type FooterPlace = { readonly ok: true; readonly start: number; readonly length: number } | { readonly ok: false; readonly message: string; readonly offset: number };

function same(bytes: Uint8Array, at: number, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[at + i] === b);
}

/**
 * Where the footer lies, from the file's size, its first 4 bytes and its last 8 (`head` and `tail`, as many as the file
 * has). The length must leave room for both magics and be at most `maxFooterBytes`.
 */
export function parquetFooterPlace(fileSize: number, head: Uint8Array, tail: Uint8Array, maxFooterBytes = MAX_PARQUET_FOOTER_BYTES): FooterPlace {
  if (fileSize < 12 || head.length < 4 || tail.length < 8) return { ok: false, message: `${fileSize} bytes: too short for a Parquet file (PAR1, a footer, its length and PAR1 take at least 12)`, offset: 0 };
  const end = fileSize - 4;
  if (same(tail, 4, MAGIC_ENCRYPTED)) return { ok: false, message: 'the footer is encrypted (it ends with PARE): its row count is not readable', offset: end };
  if (!same(tail, 4, MAGIC)) return { ok: false, message: 'not a Parquet file: it does not end with PAR1', offset: end };
  if (!same(head, 0, MAGIC)) return { ok: false, message: 'not a Parquet file: it does not begin with PAR1', offset: 0 };
  const length = (tail[0]! | (tail[1]! << 8) | (tail[2]! << 16) | (tail[3]! << 24)) >>> 0;
  const lengthAt = fileSize - 8;
  if (length > fileSize - 12) return { ok: false, message: `the footer length ${length} is larger than the ${fileSize - 12} bytes between the magics`, offset: lengthAt };
  if (length > maxFooterBytes) return { ok: false, message: `a footer of ${length} bytes, over the ${maxFooterBytes} read to count the rows`, offset: lengthAt };
  if (length === 0) return { ok: false, message: 'the footer is empty (length 0)', offset: lengthAt };
  return { ok: true, start: lengthAt - length, length };
}

/** The file's row count: FileMetaData.num_rows of the footer's bytes (`footer`, found at `start` in the file). */
export function parquetRowCount(footer: Uint8Array, start: number): RecordCount {
  const read = readStructI64(footer, NUM_ROWS_FIELD);
  if (!read.ok) return { ok: false, message: `malformed footer: ${read.message}`, offset: start + read.offset };
  if (read.value === undefined) return { ok: false, message: `the footer has no num_rows (FileMetaData field ${NUM_ROWS_FIELD}, i64 type ${THRIFT_I64})`, offset: start };
  if (read.value < 0n || read.value > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: `num_rows ${read.value} is not a row count`, offset: start };
  return { ok: true, records: Number(read.value) };
}
