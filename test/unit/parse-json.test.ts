import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson } from '../../src/core/parse/json';
import { getPath, getMember, typeOfNode, type ObjectNode } from '../../src/core/parse/node';
import { InputError } from '../../src/core/types';

/** Runs `fn`, expecting an InputError; returns it for position checks. */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an InputError');
}

const MULTILINE = [
  '{',                                  // 1
  '  "optimizer": {',                   // 2
  '    "type": "AdamW",',               // 3
  '    "params": {"lr": 3e-4, "betas": [0.9, 0.95]}', // 4
  '  },',                               // 5
  '  "name": "caf\\u00e9 ☕",',          // 6
  '  "steps": -12,',                    // 7
  '  "ok": true,',                      // 8
  '  "none": null',                     // 9
  '}',                                  // 10
].join('\n');

test('values carry 1-based ranges with exclusive ends, hand-checked', () => {
  const { root } = parseJson(MULTILINE, 'm.json');
  assert.equal(root.kind, 'object');
  assert.deepEqual(root.range, { line: 1, column: 1, endLine: 10, endColumn: 2 });
  // line 4: `    "params": {"lr": 3e-4, ...` -> "lr" key at col 16..19, value 3e-4 at col 22..25
  const lr = getPath(root, 'optimizer.params.lr');
  assert.ok(lr && lr.kind === 'number');
  assert.equal(lr.value, 3e-4);
  assert.equal(lr.raw, '3e-4');
  assert.deepEqual(lr.range, { line: 4, column: 22, endLine: 4, endColumn: 26 });
  const params = getPath(root, 'optimizer.params') as ObjectNode;
  assert.deepEqual(getMember(params, 'lr')?.keyRange, { line: 4, column: 16, endLine: 4, endColumn: 20 });
  // betas[1] = 0.95: `"betas": [0.9, 0.95]` starts at col 28; `[` at col 37, 0.95 at col 43
  const beta2 = getPath(root, ['optimizer', 'params', 'betas', 1]);
  assert.deepEqual(beta2?.range, { line: 4, column: 43, endLine: 4, endColumn: 47 });
  assert.equal(getPath(root, 'optimizer.params.betas.1')?.value, 0.95);
  // the optimizer object spans from its `{` (line 2 col 16) to after its `}` (line 5 col 4)
  assert.deepEqual(getPath(root, 'optimizer')?.range, { line: 2, column: 16, endLine: 5, endColumn: 4 });
  // line 6: the escape \u00e9 is 6 source characters; ranges count source text, not the decoded value
  const name = getPath(root, 'name');
  assert.equal(name?.value, 'café ☕');
  assert.deepEqual(name?.range, { line: 6, column: 11, endLine: 6, endColumn: 11 + '"caf\\u00e9 ☕"'.length });
  assert.deepEqual(getPath(root, 'steps')?.range, { line: 7, column: 12, endLine: 7, endColumn: 15 });
  assert.equal(getPath(root, 'steps')?.value, -12);
  assert.equal(typeOfNode(getPath(root, 'ok')!), 'boolean');
  assert.equal(typeOfNode(getPath(root, 'none')!), 'null');
  assert.deepEqual(root.value, {
    optimizer: { type: 'AdamW', params: { lr: 3e-4, betas: [0.9, 0.95] } },
    name: 'café ☕',
    steps: -12,
    ok: true,
    none: null,
  });
  assert.equal(getPath(root, 'optimizer.missing'), undefined);
  assert.equal(getPath(root, 'optimizer.params.betas.x'), undefined);
  assert.equal(getPath(root, 'steps.0'), undefined);
});

test('columns count UTF-16 code units: an astral character is two columns', () => {
  // '😀' is one code point but two UTF-16 units, as editors count it
  const { root } = parseJson('{"e": "😀", "n": 1}', 'u.json');
  // `{"e": "😀", "n": 1}`: `"😀"` spans columns 7..10 (4 units), `"n"` starts at 13
  assert.deepEqual(getPath(root, 'e')?.range, { line: 1, column: 7, endLine: 1, endColumn: 11 });
  assert.deepEqual(getMember(root as ObjectNode, 'n')?.keyRange, { line: 1, column: 13, endLine: 1, endColumn: 16 });
});

test('CRLF and lone CR both end a line', () => {
  const { root } = parseJson('{\r\n"a": 1,\r"b": 2\r\n}', 'crlf.json');
  assert.deepEqual(getPath(root, 'a')?.range, { line: 2, column: 6, endLine: 2, endColumn: 7 });
  assert.deepEqual(getPath(root, 'b')?.range, { line: 3, column: 6, endLine: 3, endColumn: 7 });
});

test('duplicate keys: the last value wins and a warning points at the second key', () => {
  const result = parseJson('{\n  "lr": 1,\n  "lr": 2\n}', 'd.json');
  assert.deepEqual(result.root.value, { lr: 2 });
  assert.equal((result.root as ObjectNode).members.length, 2);
  assert.deepEqual(result.warnings, [{ message: "duplicate key 'lr' (the last value is used)", line: 3, column: 3 }]);
});

test('a "__proto__" key is an ordinary property, not a prototype change', () => {
  const { root } = parseJson('{"__proto__": {"polluted": true}}', 'p.json');
  const value = root.value as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.keys(value), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('Python json spellings NaN, Infinity, -Infinity are numbers', () => {
  const { root } = parseJson('[NaN, Infinity, -Infinity, 1e400]', 'n.json');
  const v = root.value as number[];
  assert.ok(Number.isNaN(v[0]));
  assert.equal(v[1], Infinity);
  assert.equal(v[2], -Infinity);
  assert.equal(v[3], Infinity);
});

test('a UTF-8 BOM is accepted, reported, and not counted in columns', () => {
  const result = parseJson('\uFEFF{"a": 1}', 'b.json');
  assert.equal(result.bom, true);
  assert.deepEqual(getPath(result.root, 'a')?.range, { line: 1, column: 7, endLine: 1, endColumn: 8 });
  assert.equal(parseJson('{"a": 1}', 'b.json').bom, false);
});

test('JSONC mode accepts comments and trailing commas; strict mode reports them', () => {
  const text = '// header\n{\n  "a": [1, 2,], /* note */\n  "b": {"c": 3,},\n}\n';
  const { root } = parseJson(text, 'c.jsonc', { jsonc: true });
  assert.deepEqual(root.value, { a: [1, 2], b: { c: 3 } });
  assert.deepEqual(getPath(root, 'b.c')?.range, { line: 4, column: 14, endLine: 4, endColumn: 15 });
  const comment = inputError(() => parseJson(text, 'c.json'));
  assert.equal(comment.message, 'comments are not allowed in JSON');
  assert.deepEqual([comment.line, comment.column], [1, 1]);
  const trailing = inputError(() => parseJson('{\n  "a": [1, 2,]\n}', 't.json'));
  assert.equal(trailing.message, 'trailing comma is not allowed in JSON');
  assert.deepEqual([trailing.line, trailing.column], [2, 13]);
  const unterminated = inputError(() => parseJson('{"a": 1 /* open', 'u.jsonc', { jsonc: true }));
  assert.equal(unterminated.message, 'unterminated /* comment');
  assert.deepEqual([unterminated.line, unterminated.column], [1, 9]);
});

test('syntax errors name the problem and its line:column', () => {
  const cases: [string, string, number, number][] = [
    ['{"a": 1,', 'unexpected end of file (truncated JSON?)', 1, 9],
    ['{"a" 1}', "expected ':' after property name", 1, 6],
    ['{"a": }', "expected a value after ':'", 1, 7],
    ['{"a": 1 "b": 2}', "expected ',' or '}' after object member", 1, 9],
    ['[1 2]', "expected ',' or ']' after array element", 1, 4],
    ['{\n  "a": tru\n}', "unexpected 'tru' (strings must be in double quotes)", 2, 8],
    ['{"a": True}', "unexpected 'True' (JSON spells these true, false and null)", 1, 7],
    ["{'a': 1}", 'property names must use double quotes', 1, 2],
    ['{"a": \'x\'}', 'strings must use double quotes', 1, 7],
    ['{"a": "x\ny"}', 'line break in a string (unterminated string?)', 1, 9],
    ['"abc', 'unexpected end of file inside a string (truncated JSON?)', 1, 5],
    ['{"a": 01}', 'invalid number (leading zeros are not allowed)', 1, 7],
    ['[1.]', "invalid number (expected a digit after '.')", 1, 2],
    ['[1e+]', 'invalid number (expected a digit in the exponent)', 1, 2],
    ['["\\x"]', "invalid escape '\\x' in a string", 1, 3],
    ['{"a": 1} {"b": 2}', 'unexpected content after the JSON value', 1, 10],
    ['{"a": #}', "unexpected character '#'", 1, 7],
    ['{,}', "expected a double-quoted property name or '}'", 1, 2],
  ];
  for (const [text, message, line, column] of cases) {
    const e = inputError(() => parseJson(text, 'e.json'));
    assert.equal(e.message, message, text);
    assert.deepEqual([e.file, e.line, e.column], ['e.json', line, column], text);
    assert.equal(e.format(), `e.json:${line}:${column}: ${message}`);
  }
});

test('100000-deep nesting is rejected at the first level past the limit, without overflowing the stack', () => {
  const depth = 100_000;
  const arrays = inputError(() => parseJson('['.repeat(depth) + ']'.repeat(depth), 'deep.json'));
  assert.equal(arrays.message, 'nesting deeper than 256 levels');
  // the 257th `[` is at column 257
  assert.deepEqual([arrays.line, arrays.column], [1, 257]);
  const objects = inputError(() => parseJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth), 'deep.json'));
  // each level is 5 characters: the 257th `{` starts at column 256 * 5 + 1
  assert.deepEqual([objects.line, objects.column], [1, 256 * 5 + 1]);
  // exactly 256 levels are fine, and so is a custom limit
  assert.equal(parseJson('['.repeat(256) + ']'.repeat(256), 'ok.json').root.kind, 'array');
  assert.equal(inputError(() => parseJson('[[[1]]]', 'x.json', { maxDepth: 2 })).column, 3);
  // a truncated deep file reports the end of the file
  const truncated = inputError(() => parseJson('['.repeat(depth), 'cut.json'));
  assert.equal(truncated.message, 'nesting deeper than 256 levels');
  const shallowCut = inputError(() => parseJson('[[[[', 'cut.json'));
  assert.deepEqual([shallowCut.message, shallowCut.column], ['unexpected end of file (truncated JSON?)', 5]);
});

test('empty and binary text', () => {
  assert.equal(inputError(() => parseJson('', 'e.json')).message, 'empty file');
  assert.equal(inputError(() => parseJson(' \n\t', 'e.json')).message, 'empty file');
  const nul = inputError(() => parseJson('{"a":\n "x\u0000"}', 'b.json'));
  assert.equal(nul.message, 'binary file (contains a NUL byte)');
  assert.deepEqual([nul.line, nul.column], [2, 4]);
});

test('an invalid escape of a control character names it: the message stays one line (found by npm run fuzz)', () => {
  assert.throws(() => parseJson('["\\\n"]', 'e.json'), (e: unknown) => e instanceof InputError && e.message === 'invalid escape \\ followed by U+000A in a string' && e.line === 1 && e.column === 3);
});
