/** Offsets to editor positions and back (src/core/parse/positions.ts), and the edited text built on them (src/core/fixes/text.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../src/core/parse/positions';
import { EditableText } from '../../src/core/fixes/text';

test('LineIndex: \\n, \\r\\n and a lone \\r each end a line; offset() is the inverse of position(), clamped to the text', () => {
  const text = 'ab\r\ncd\ref\ng';
  const index = new LineIndex(text);
  // hand-counted: line 1 "ab" (offsets 0-1, the \r\n at 2-3), line 2 "cd" (4-5, \r at 6), line 3 "ef" (7-8, \n at 9), line 4 "g" (10)
  assert.deepEqual(index.position(0), { line: 1, column: 1 });
  assert.deepEqual(index.position(4), { line: 2, column: 1 });
  assert.deepEqual(index.position(7), { line: 3, column: 1 });
  assert.deepEqual(index.position(10), { line: 4, column: 1 });
  for (let o = 0; o <= text.length; o++) {
    const p = index.position(o);
    assert.equal(index.offset(p.line, p.column), o, `offset ${o}`);
  }
  assert.equal(index.offset(0, 0), 0);
  assert.equal(index.offset(9, 1), 10, 'a line past the end is the last line');
  assert.equal(index.offset(4, 50), text.length, 'a column past the end is the end of the text');
});

test('EditableText: positions skip the byte order mark and map back to the same offsets', () => {
  const t = new EditableText('\uFEFFlr: 1e-4\r\nwd: 0.1\n');
  assert.equal(t.text, 'lr: 1e-4\r\nwd: 0.1\n');
  const range = t.range(10, 12);
  assert.deepEqual(range, { line: 2, column: 1, endLine: 2, endColumn: 3 });
  assert.equal(t.slice(range), 'wd');
  assert.equal(t.startOf(range), 10);
  assert.equal(t.endOf(range), 12);
});
