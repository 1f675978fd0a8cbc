/**
 * The bounded pickle reader (src/core/parse/pickle.ts): pickles written by Python's own `pickle` module (the
 * corpus' nanoGPT meta.pkl, and byte strings printed by `pickle.dumps(...).hex()` with Python 3.11) read to
 * their values; any opcode outside the dict/int/str set stops the reading without executing anything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { latin1Bytes, latin1Text, pickleDictInt, pickleDictIntAt, readPickle, type PickleDict } from '../../src/core/parse/pickle';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

test("nanoGPT's meta.pkl (protocol 4: FRAME, MEMOIZE, SHORT_BINUNICODE, BINGET) reads vocab_size 65 and both tables", () => {
  const file = path.resolve(__dirname, '..', '..', '..', 'test', 'corpus', 'nanogpt-shakespeare-char', 'data', 'shakespeare_char', 'meta.pkl');
  const read = readPickle(fs.readFileSync(file));
  assert.equal(pickleDictInt(read, 'vocab_size'), 65);
  assert.ok(read.ok && typeof read.value === 'object');
  const itos = read.value.entries.get('itos') as PickleDict;
  const stoi = read.value.entries.get('stoi') as PickleDict;
  assert.equal(itos.entries.size, 65);
  assert.equal(itos.entries.get(0), '\n');
  assert.equal(stoi.entries.get('a'), 39, 'sorted: newline, space, 11 punctuation/digit characters, 26 capitals, then a');
  // Where the file states it: the BININT1 opcode ('K', 65) after the memoized key (SHORT_BINUNICODE 10 'vocab_size', MEMOIZE).
  const bytes = fs.readFileSync(file);
  const key = Buffer.from('\x8c\x0avocab_size\x94', 'latin1');
  const at = bytes.indexOf(key) + key.length;
  assert.deepEqual([bytes[at], bytes[at + 1]], [0x4b, 65]);
  assert.deepEqual(pickleDictIntAt(read, 'vocab_size'), { value: 65, offset: at });
});

test('a binary file as the scanner text: one character per byte, and back', () => {
  const all = Uint8Array.from({ length: 256 }, (_, n) => n);
  const text = latin1Text(all);
  assert.equal(text.length, 256);
  assert.equal(text.charCodeAt(0x8c), 0x8c, 'no windows-1252 remapping of 0x80-0x9f');
  assert.deepEqual(latin1Bytes(text), all);
  const big = new Uint8Array(20_000).fill(0x4b);
  assert.equal(latin1Text(big), 'K'.repeat(20_000), 'read in chunks');
});

test('protocol 2 (BINPUT, BININT2, BININT, BINUNICODE over 255 bytes, nested int-keyed dict, SETITEMS)', () => {
  // pickle.dumps({'vocab_size': 300, 'name': 'x'*300, 'n': -5, 'd': {1: 'a'}}, protocol=2)
  const read = readPickle(hex('80027d710028580a000000766f6361625f73697a6571014d2c0158040000006e616d657102582c010000' + '78'.repeat(300) + '710358010000006e71044afbffffff58010000006471057d71064b01580100000061710773752e'));
  assert.ok(read.ok && typeof read.value === 'object', JSON.stringify(read));
  assert.equal(read.value.entries.get('vocab_size'), 300);
  assert.equal(read.value.entries.get('name'), 'x'.repeat(300));
  assert.equal(read.value.entries.get('n'), -5);
  assert.equal((read.value.entries.get('d') as PickleDict).entries.get(1), 'a');
});

test('anything else stops the reading with its reason: a float, a global (never resolved), truncation, no STOP', () => {
  // pickle.dumps({'f': 1.5}, protocol=4): BINFLOAT is not read
  const float = readPickle(hex('80049511000000000000007d948c016694473ff8000000000000732e'));
  assert.deepEqual(float, { ok: false, reason: 'opcode 0x47 not read at byte 17', offset: 17 });
  // pickle.dumps(os.getcwd, protocol=2): GLOBAL 'posix getcwd'
  const global = readPickle(hex('800263706f7369780a6765746377640a71002e'));
  assert.equal(global.ok, false);
  assert.match((global as { reason: string }).reason, /opcode 0x63 not read/);
  assert.equal(pickleDictInt(global, 'vocab_size'), undefined);
  assert.equal(readPickle(hex('80027d7100285801000000')).ok, false, 'truncated string');
  assert.equal(readPickle(hex('80027d')).ok, false, 'no STOP');
  assert.equal(readPickle(hex('2e')).ok, false, 'STOP with nothing');
  assert.equal(readPickle(new Uint8Array(1024 * 1024 + 1)).ok, false, 'over the size bound');
});
