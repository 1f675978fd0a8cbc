/**
 * A Parquet file's row count from its footer (src/core/parse/parquet-footer.ts, the Thrift compact reader
 * src/core/parse/thrift-compact.ts, the positional reads of src/platform/dataset-records.ts). Expectations come from
 * outside the reader: files hand-assembled from the parquet-format and Thrift specs (test/support/parquet-bytes.ts; the
 * file of row groups [3, 4, 2] was read back by pyarrow 25.0.1 as 9 rows when this test was written), and files written
 * by pyarrow itself (test/fixtures/parquet, made by make-fixtures.py there: 100 rows in row groups of 40, 40 and 20, with
 * string, list, struct columns, snappy, statistics and key/value metadata; and an empty table). Broken files are
 * problems with the byte offset, never exceptions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_PARQUET_FOOTER_BYTES, parquetFooterPlace, parquetRowCount } from '../../src/core/parse/parquet-footer';
import { MAX_NESTING, readStructI64 } from '../../src/core/parse/thrift-compact';
import { countDatasetRecordsSync } from '../../src/platform/dataset-records';
import { binary, list, parquetFile, parquetParts, struct, T, varint, withFooter, zigzag } from '../support/parquet-bytes';
import { withWorkspace } from '../support/temp-workspace';

function fixture(name: string): string {
  for (const base of [path.resolve(process.cwd(), 'test', 'fixtures'), path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures')]) {
    const file = path.join(base, 'parquet', name);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`fixture ${name} not found`);
}

/** The count of the bytes, through the same steps as the disk reader but in memory. */
function countBytes(bytes: Uint8Array) {
  const place = parquetFooterPlace(bytes.length, bytes.subarray(0, 4), bytes.subarray(Math.max(0, bytes.length - 8)));
  if (!place.ok) return place;
  return parquetRowCount(bytes.subarray(place.start, place.start + place.length), place.start);
}

test('a hand-assembled file: num_rows of one row group, and of several (the file total, not the first group)', () => {
  assert.deepEqual(countBytes(parquetFile([5])), { ok: true, records: 5 });
  assert.deepEqual(countBytes(parquetFile([3, 4, 2])), { ok: true, records: 9 });
  // 300 rows: num_rows takes a two-byte varint (zigzag 600 = 0xd8 0x04), the row-group list still the short form.
  assert.deepEqual(countBytes(parquetFile([150, 150])), { ok: true, records: 300 });
  // 16 row groups: the row-group list takes its long form (size 16 as a varint after 0xfc).
  assert.deepEqual(countBytes(parquetFile(Array.from({ length: 16 }, (_, i) => i + 1))), { ok: true, records: 136 });
});

test('files written by pyarrow: 100 rows in three row groups with nested columns and statistics; an empty table', () => {
  // The disk reader also says how many bytes it read: the footer, its length and the two magics (12 bytes).
  for (const [name, records] of [['train-00000-of-00001.parquet', 100], ['empty.parquet', 0]] as const) {
    const file = fixture(name);
    const footer = fs.readFileSync(file).readUInt32LE(fs.statSync(file).size - 8);
    assert.deepEqual(countDatasetRecordsSync(file, 'parquet'), { ok: true, records, bytesRead: footer + 12 }, name);
  }
});

test('unknown fields of every type are skipped: maps, sets of bools, doubles, uuids, nested lists, long field ids', () => {
  const extra: [number, number, number[]][] = [
    // 20: map<binary, list<i64>> with two entries (size, then key and value types 8 and 9).
    [20, T.MAP, [...varint(2n), 0x89, ...binary('a'), ...list(T.I64, [zigzag(1), zigzag(-2)]), ...binary('b'), ...list(T.I64, [])]],
    // 21: set<bool> of three elements (each one byte); 22: a double; 23: a uuid; 24: an empty map; 25: an i8, 26: i16.
    [21, 10, [0x31, 1, 2, 1]],
    [22, 7, [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]],
    [23, 13, Array.from({ length: 16 }, (_, i) => i)],
    [24, T.MAP, [0]],
    [25, 3, [0x7f]],
    [26, 4, zigzag(-300)],
    // 300: bool fields (their value in the header), then a struct holding a list of lists.
    [300, 1, []],
    [301, 2, []],
    [302, T.STRUCT, struct([[1, T.LIST, list(T.LIST, [list(T.I32, [zigzag(7)]), list(T.I32, [])])]])],
  ];
  assert.deepEqual(countBytes(parquetFile([3, 4], extra)), { ok: true, records: 7 });
});

test('the disk reader reads the head, the tail and the footer only: a sparse 300 MiB file over the text cap is counted', () => {
  withWorkspace({}, (dir) => {
    const { footer } = parquetParts([7]);
    const file = path.join(dir, 'big.parquet');
    const size = 300 * 2 ** 20;
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, Buffer.from('PAR1'), 0, 4, 0);
    fs.ftruncateSync(fd, size - footer.length - 8); // a hole where the column data would be
    const tail = Buffer.alloc(footer.length + 8);
    Buffer.from(footer).copy(tail);
    tail.writeUInt32LE(footer.length, footer.length);
    tail.write('PAR1', footer.length + 4, 'latin1');
    fs.writeSync(fd, tail, 0, tail.length, size - tail.length);
    fs.closeSync(fd);
    assert.equal(fs.statSync(file).size, size);
    assert.deepEqual(countDatasetRecordsSync(file, 'parquet'), { ok: true, records: 7, bytesRead: footer.length + 12 });
  });
});

test('broken files: wrong magic, truncated, encrypted, a footer length past the file or over the cap', () => {
  const good = parquetFile([3, 4, 2]);
  const n = good.length;
  const ending = (last4: string) => Uint8Array.from([...good.subarray(0, n - 4), ...new TextEncoder().encode(last4)]);
  assert.deepEqual(countBytes(ending('PAR0')), { ok: false, message: 'not a Parquet file: it does not end with PAR1', offset: n - 4 });
  assert.deepEqual(countBytes(ending('PARE')), { ok: false, message: 'the footer is encrypted (it ends with PARE): its row count is not readable', offset: n - 4 });
  const noHead = Uint8Array.from(good);
  noHead[0] = 0x51;
  assert.deepEqual(countBytes(noHead), { ok: false, message: 'not a Parquet file: it does not begin with PAR1', offset: 0 });
  // A download cut short: the end is column or footer bytes, not PAR1.
  assert.deepEqual(countBytes(good.subarray(0, n - 3)), { ok: false, message: 'not a Parquet file: it does not end with PAR1', offset: n - 7 });
  assert.deepEqual(countBytes(new TextEncoder().encode('PAR1PAR1')), { ok: false, message: '8 bytes: too short for a Parquet file (PAR1, a footer, its length and PAR1 take at least 12)', offset: 0 });
  // A footer length of 4 GiB - 16 in a file of a few hundred bytes.
  const huge = Uint8Array.from(good);
  new DataView(huge.buffer).setUint32(n - 8, 0xfffffff0, true);
  assert.deepEqual(countBytes(huge), { ok: false, message: `the footer length ${0xfffffff0} is larger than the ${n - 12} bytes between the magics`, offset: n - 8 });
  // Within the file but over the cap (a small cap here; MAX_PARQUET_FOOTER_BYTES is 16 MiB).
  assert.equal(MAX_PARQUET_FOOTER_BYTES, 16 * 2 ** 20);
  const place = parquetFooterPlace(n, good.subarray(0, 4), good.subarray(n - 8), 64);
  assert.equal(place.ok, false);
  assert.match((place as { message: string }).message, /^a footer of \d+ bytes, over the 64 read to count the rows$/);
  // The footer without its stop byte (declared length one less): the struct runs off the end of the footer.
  const { footer } = parquetParts([3]);
  const cut = withFooter(footer.slice(0, -1));
  const start = 4;
  assert.deepEqual(countBytes(cut), { ok: false, message: 'malformed footer: the metadata ends in the middle of a value', offset: start + footer.length - 1 });
});

test('a footer length within the file but over the cap is refused without reading it (a sparse 40 MiB file)', () => {
  withWorkspace({}, (dir) => {
    const file = path.join(dir, 'wide.parquet');
    const size = 40 * 2 ** 20;
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, Buffer.from('PAR1'), 0, 4, 0);
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(20 * 2 ** 20, 0);
    tail.write('PAR1', 4, 'latin1');
    fs.writeSync(fd, tail, 0, 8, size - 8);
    fs.closeSync(fd);
    assert.deepEqual(countDatasetRecordsSync(file, 'parquet'), { ok: false, message: `a footer of ${20 * 2 ** 20} bytes, over the ${16 * 2 ** 20} read to count the rows`, offset: size - 8 });
    const text = path.join(dir, 'notes.parquet');
    fs.writeFileSync(text, 'this is not a parquet file at all\n');
    assert.deepEqual(countDatasetRecordsSync(text, 'parquet'), { ok: false, message: 'not a Parquet file: it does not end with PAR1', offset: 30 });
  });
});

test('the Thrift reader on hostile bytes: deep nesting, lists longer than the bytes, long varints, bad types', () => {
  // 100 nested structs in field 1: refused at the 65th level, not a stack overflow.
  let nested: number[] = [0];
  for (let i = 0; i < 100; i++) nested = [0x1c, ...nested];
  const deep = readStructI64(Uint8Array.from(nested), 3);
  assert.equal(deep.ok, false);
  assert.equal((deep as { message: string }).message, `nesting deeper than ${MAX_NESTING}`);
  // A list declaring 2^31 i64 elements in a few bytes.
  const long = Uint8Array.from([0x19, 0xf6, ...varint(2n ** 31n), 0x02, 0x00]);
  assert.deepEqual(readStructI64(long, 3), { ok: false, message: `a list of ${2 ** 31} declared where 2 bytes remain`, offset: 2 });
  // A short-form list of 14 elements with one byte left; a binary longer than the bytes.
  assert.deepEqual(readStructI64(Uint8Array.from([0x19, 0xe5, 0x00]), 3), { ok: false, message: 'a list of 14 declared where 1 bytes remain', offset: 1 });
  assert.deepEqual(readStructI64(Uint8Array.from([0x18, 0x20, 0x61]), 3), { ok: false, message: 'a binary of 32 declared where 1 bytes remain', offset: 1 });
  // An 11-byte varint; a field type 14; num_rows written as an i32; no num_rows; a negative num_rows.
  assert.deepEqual(readStructI64(Uint8Array.from([0x36, ...Array(10).fill(0xff), 0x01, 0x00]), 3), { ok: false, message: 'a varint longer than 10 bytes', offset: 1 });
  assert.deepEqual(readStructI64(Uint8Array.from([0x1e, 0x00]), 3), { ok: false, message: 'a field of unknown type id 14', offset: 0 });
  assert.deepEqual(parquetRowCount(Uint8Array.from(struct([[1, T.I32, zigzag(1)], [3, T.I32, zigzag(9)]])), 100), { ok: false, message: 'malformed footer: field 3 has compact type 5, not i64 (6)', offset: 102 });
  assert.deepEqual(parquetRowCount(Uint8Array.from(struct([[1, T.I32, zigzag(1)]])), 100), { ok: false, message: 'the footer has no num_rows (FileMetaData field 3, i64 type 6)', offset: 100 });
  assert.deepEqual(parquetRowCount(Uint8Array.from(struct([[3, T.I64, zigzag(-4)]])), 0), { ok: false, message: 'num_rows -4 is not a row count', offset: 0 });
  // Random bytes never throw.
  let seed = 12345;
  for (let k = 0; k < 500; k++) {
    const bytes = Uint8Array.from({ length: 1 + (k % 200) }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
    const r = readStructI64(bytes, 3);
    assert.ok(r.ok === true || (typeof r.message === 'string' && r.offset >= 0 && r.offset <= bytes.length));
  }
});
