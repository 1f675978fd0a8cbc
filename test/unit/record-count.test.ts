/**
 * Counting a local dataset file's records (src/core/parse/record-count.ts) and the bounded reader that feeds it from
 * disk (src/platform/dataset-records.ts): counts written out by hand per format, the same counts whatever the chunk
 * boundaries, and every problem (binary, malformed, too large) a position rather than an exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countRecords, RecordCounter, type TextRecordFormat } from '../../src/core/parse/record-count';
import { countDatasetRecordsSync, MAX_DATASET_BYTES } from '../../src/platform/dataset-records';

const bytes = (text: string) => new TextEncoder().encode(text);

/** The count with the bytes fed in chunks of `size`. */
function chunked(format: TextRecordFormat, text: string, size: number) {
  const all = bytes(text);
  const counter = new RecordCounter(format);
  for (let i = 0; i < all.length; i += size) counter.push(all.slice(i, i + size));
  return counter.end();
}

const JSONL = '{"instruction": "a", "output": "b"}\n\n{"instruction": "c\\nd", "output": "[e]"}\r\n{"instruction": "é", "output": ""}';
const JSON_ARRAY = '\ufeff[\n  {"text": "a, b"},\n  {"text": "] not the end", "tags": [1, 2, {"x": "}"}]},\n  {"text": "\\" quoted"}\n]\n';
const CSV = 'sentence,label\n"a, b",1\n"line one\nline two",0\nplain,1\n"say ""hi""",0\n\n';

test('records per format: JSON Lines without blank lines, a JSON array\'s items, CSV records after the header', () => {
  assert.deepEqual(countRecords('jsonl', bytes(JSONL)), { ok: true, records: 3 });
  assert.deepEqual(countRecords('json', bytes(JSON_ARRAY)), { ok: true, records: 3 });
  assert.deepEqual(countRecords('csv', bytes(CSV)), { ok: true, records: 4 });
  assert.deepEqual(countRecords('json', bytes('[]')), { ok: true, records: 0 });
  // pandas' C parser (the csv loader's) ends a line at \n, \r\n or a lone \r (old Mac exports): the same records.
  assert.deepEqual(countRecords('csv', bytes('a,b\r1,2\r"x\ry",4\r')), { ok: true, records: 2 });
  assert.deepEqual(countRecords('csv', bytes('a,b\r\n1,2\r\n\r\n3,4')), { ok: true, records: 2 });
  // A line of spaces is blank to pandas (skip_blank_lines: tokenizer.c WHITESPACE_LINE); a space before text is not.
  assert.deepEqual(countRecords('csv', bytes('a,b\n1,2\n   \n  3,4\n \n')), { ok: true, records: 2 });
  // The same counts whatever the chunk boundaries (a multi-byte character and a CRLF split across chunks).
  for (const size of [1, 2, 3, 5, 7, 64]) {
    assert.deepEqual(chunked('jsonl', JSONL, size), { ok: true, records: 3 }, `jsonl ${size}`);
    assert.deepEqual(chunked('json', JSON_ARRAY, size), { ok: true, records: 3 }, `json ${size}`);
    assert.deepEqual(chunked('csv', CSV, size), { ok: true, records: 4 }, `csv ${size}`);
  }
});

test('malformed or binary files are problems with their position, never a count', () => {
  const broken = countRecords('jsonl', bytes('{"a": 1}\n{"a": 2}\n{"a": \n'));
  assert.ok(!broken.ok && broken.line === 3 && broken.column === 1 && broken.message.startsWith('not JSON ('), JSON.stringify(broken));
  const notObject = countRecords('jsonl', bytes('{"a": 1}\n[1, 2]\n'));
  assert.equal(notObject.ok, false);
  assert.equal(!notObject.ok && notObject.line, 2);
  const binary = countRecords('jsonl', bytes('{"a": 1}\n{"a"\u0000: 2}\n'));
  assert.deepEqual(binary, { ok: false, message: 'a NUL byte: the file is binary, not text', line: 2, column: 5 });
  assert.deepEqual(countRecords('csv', bytes('a,b\n1,2\n\u0000')), { ok: false, message: 'a NUL byte: the file is binary, not text', line: 3, column: 1 });
  assert.deepEqual(countRecords('json', bytes('{"rows": []}')), { ok: false, message: 'not a JSON array (the json loader reads a list of rows; an object needs its `field`)', line: 1, column: 1 });
  assert.deepEqual(countRecords('json', bytes('[{"a": 1},\n {"a": 2}\n')), { ok: false, message: 'the array is not closed at the end of the file', line: 3, column: 1 });
  assert.deepEqual(countRecords('json', bytes('[{"a": 1}] x')), { ok: false, message: 'text after the closing ] of the array', line: 1, column: 12 });
  assert.deepEqual(countRecords('json', bytes('[{"a": 1} {"a": 2}]')), { ok: false, message: 'a comma is missing between two items', line: 1, column: 11 });
  // Scalars are items too (the loader reads a list of strings as a `text` column); two without a comma are broken JSON.
  assert.deepEqual(countRecords('json', bytes('[1 2]')), { ok: false, message: 'a comma is missing between two items', line: 1, column: 4 });
  assert.deepEqual(countRecords('json', bytes('[{"a": 1} 2]')), { ok: false, message: 'a comma is missing between two items', line: 1, column: 11 });
  assert.deepEqual(countRecords('json', bytes('[true\n null]')), { ok: false, message: 'a comma is missing between two items', line: 2, column: 2 });
  for (const ok of ['[12]', '[ 1 , 2 ]', '[1\n,2]', '["a", -1.5e3, true, null]', '[[1, 2] , {"b": [3]}]']) {
    for (const size of [1, 2, 64]) assert.equal((chunked('json', ok, size) as { records?: number }).records, ok === '[12]' ? 1 : ok.startsWith('[[') ? 2 : ok.startsWith('["') ? 4 : 2, `${ok} ${size}`);
  }
  assert.deepEqual(countRecords('csv', bytes('a,b\n1,"open\n2,3\n')), { ok: false, message: 'a quoted field is not closed at the end of the file', line: 2, column: 3 });
  assert.deepEqual(countRecords('jsonl', Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0x7d, 0x0a)), { ok: false, message: 'invalid UTF-8', line: 1, column: 1 });
});

test('the disk reader: a file over the cap is refused unread (a sparse 300 MiB file), a missing one is null', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'records-'));
  try {
    const huge = path.join(dir, 'huge.jsonl');
    const fd = fs.openSync(huge, 'w');
    fs.ftruncateSync(fd, 300 * 2 ** 20); // sparse: no 300 MiB written, but that is its size
    fs.closeSync(fd);
    assert.deepEqual(countDatasetRecordsSync(huge, 'jsonl'), { ok: false, message: '300 MiB, over the 256 MiB read to count its records', line: 1, column: 1 });
    assert.equal(MAX_DATASET_BYTES, 256 * 2 ** 20);
    const small = path.join(dir, 'train.csv');
    fs.writeFileSync(small, CSV);
    assert.deepEqual(countDatasetRecordsSync(small, 'csv'), { ok: true, records: 4 });
    assert.deepEqual(countDatasetRecordsSync(small, 'csv', 16), { ok: false, message: `${Buffer.byteLength(CSV)} bytes, over the 16 bytes read to count its records`, line: 1, column: 1 });
    // A file of zeros within the cap is binary, at its first byte.
    const zeros = path.join(dir, 'zeros.jsonl');
    fs.writeFileSync(zeros, Buffer.alloc(3 * 2 ** 20));
    assert.deepEqual(countDatasetRecordsSync(zeros, 'jsonl'), { ok: false, message: 'a NUL byte: the file is binary, not text', line: 1, column: 1 });
    assert.equal(countDatasetRecordsSync(path.join(dir, 'missing.jsonl'), 'jsonl'), null);
    assert.deepEqual(countDatasetRecordsSync(dir, 'jsonl'), { ok: false, message: 'not a regular file', line: 1, column: 1 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
