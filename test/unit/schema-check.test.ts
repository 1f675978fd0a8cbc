/**
 * The adapter from TypeBox's errors (JSON pointers, error kinds) to our one-line problems, and the
 * positions of those problems in a parsed file (src/core/schema/check.ts, locate.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { checkValue, firstProblem, formatPath, pointerPath } from '../../src/core/schema/check';
import { OneOf, OrNull } from '../../src/core/schema/declare';
import { checkParsed, locate } from '../../src/core/schema/locate';
import { parseJson } from '../../src/core/parse/json';
import { parseProfileDocument, parseProfileFile } from '../../src/core/profile/profile-validate';
import { fixtureProfile } from './charts-fixtures';

const Point = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 8 }),
  kind: OneOf(['a', 'b'] as const),
  size: OrNull(Type.Integer({ minimum: 1, maximum: 10 })),
  lr: Type.Number({ exclusiveMinimum: 0 }),
  tags: Type.Array(Type.String(), { maxItems: 2 }),
  at: Type.Tuple([Type.Number(), Type.Number()]),
  extra: Type.Record(Type.String({ pattern: '^(?!__proto__$).{0,20}$' }), Type.Number(), { additionalProperties: false }),
  id: Type.String({ pattern: '^[a-z]+$', errorMessage: { pattern: "'{value}' is not an id" } }),
});
const GOOD = { name: 'p', kind: 'a', size: null, lr: 0.1, tags: ['x'], at: [1, 2], extra: { k: 1 }, id: 'abc' };

function problem(patch: Record<string, unknown>): string {
  const value = { ...GOOD, ...patch };
  const p = firstProblem(Point, value);
  assert.ok(p, `accepted ${JSON.stringify(patch)}`);
  return `${formatPath(p.path)}: ${p.problem}`;
}

test('paths: JSON pointers become dotted paths with array indexes, escapes undone', () => {
  const value = { 'a/b': [{ '~c': 1 }] };
  assert.deepEqual(pointerPath('/a~1b/0/~0c', value), ['a/b', 0, '~c']);
  assert.equal(formatPath(['results', 2, 'runs', 0, 'lr']), 'results[2].runs[0].lr');
  assert.equal(formatPath([]), '');
  // A numeric key of an object stays a key.
  assert.deepEqual(pointerPath('/m/0', { m: { 0: 'x' } }), ['m', '0']);
});

test('each kind of error reads as the sentence the hand-written readers used', () => {
  assert.equal(problem({ name: 3 }), 'name: expected a string, got number 3');
  assert.equal(problem({ name: '' }), 'name: must not be empty');
  assert.equal(problem({ name: 'x'.repeat(9) }), 'name: longer than 8 characters');
  assert.equal(problem({ kind: 'c' }), 'kind: expected one of "a", "b", got string "c"');
  assert.equal(problem({ size: 2.5 }), 'size: expected a whole number, got 2.5');
  assert.equal(problem({ size: 0 }), 'size: must be at least 1, got 0');
  assert.equal(problem({ size: 11 }), 'size: must be at most 10, got 11');
  assert.equal(problem({ size: 'big' }), 'size: expected a finite number, got string "big"');
  assert.equal(problem({ lr: 0 }), 'lr: must be greater than 0, got 0');
  assert.equal(problem({ lr: Number.NaN }), 'lr: expected a finite number, got NaN');
  assert.equal(problem({ lr: undefined }), 'lr: is missing');
  assert.equal(problem({ tags: 'x' }), 'tags: expected an array, got string "x"');
  assert.equal(problem({ tags: ['a', 'b', 'c'] }), 'tags: more than 2 items');
  assert.equal(problem({ tags: ['a', null] }), 'tags[1]: expected a string, got null');
  assert.equal(problem({ at: [1, 2, 3] }), 'at: more than 2 items');
  assert.equal(problem({ at: [1] }), 'at: expected 2 items, got 1');
  assert.equal(problem({ extra: JSON.parse('{"__proto__": 1}') }), 'extra.__proto__: is not an allowed key');
  assert.equal(problem({ extra: [] }), 'extra: expected an object, got an array');
  assert.equal(problem({ id: 'A-1' }), "id: 'A-1' is not an id");
  const { name: _name, ...noName } = GOOD;
  assert.equal(formatPath(firstProblem(Point, noName)!.path), 'name');
  assert.equal(firstProblem(Point, noName)!.problem, 'is missing');
  assert.equal(firstProblem(Point, GOOD), null);
});

test('a union that is not nullable reports the variant that went deepest', () => {
  const Shape = Type.Union([Type.Object({ r: Type.Number() }), Type.Object({ w: Type.Number(), h: Type.Object({ v: Type.Number() }) })]);
  const p = firstProblem(Shape, { w: 1, h: { v: 'x' } });
  assert.deepEqual(p, { path: ['h', 'v'], problem: 'expected a finite number, got string "x"' });
});

test('a tagged union reports the problem of the variant the value names, or the unknown tag', () => {
  const Shape = Type.Union([
    Type.Object({ kind: Type.Literal('circle'), r: Type.Number(), centre: Type.Object({ x: Type.Number() }) }),
    Type.Object({ kind: Type.Literal('square'), side: Type.Number() }),
  ]);
  // The circle variant goes deeper, but the value says it is a square.
  assert.deepEqual(firstProblem(Shape, { kind: 'square', centre: { x: 'x' } }), { path: ['side'], problem: 'is missing' });
  assert.deepEqual(firstProblem(Shape, { kind: 'square', side: 'x' }), { path: ['side'], problem: 'expected a finite number, got string "x"' });
  assert.deepEqual(firstProblem(Shape, { kind: 'hexagon', side: 1 }), { path: ['kind'], problem: 'expected one of "circle", "square", got string "hexagon"' });
  // Without the tag, the tag is what is missing.
  assert.deepEqual(firstProblem(Shape, { centre: { x: 1 }, r: 1 }), { path: ['kind'], problem: 'is missing' });
});

test('checkValue returns a copy without undeclared fields and leaves its input alone', () => {
  const input = { ...GOOD, evil: true, extra: { k: 1 } };
  const r = checkValue(Point, input);
  assert.ok(r.ok);
  assert.deepEqual(r.value, GOOD);
  assert.equal((input as Record<string, unknown>)['evil'], true);
  assert.notEqual(r.value.extra, input.extra);
  // An own "__proto__" key (JSON.parse makes one) is not declared: it is dropped, never made the prototype.
  const hostile = checkValue(Point, JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(GOOD).slice(1)}`));
  assert.ok(hostile.ok);
  assert.equal(Object.getPrototypeOf(hostile.value), Object.prototype);
  assert.equal((hostile.value as Record<string, unknown>)['polluted'], undefined);
  const bad = checkValue(Point, { ...GOOD, tags: [1] });
  assert.deepEqual(bad, { ok: false, error: 'tags[0]: expected a string, got number 1' });
  assert.deepEqual(checkValue(Point, null), { ok: false, error: 'message: expected an object, got null' });
  const refined = checkValue(Point, GOOD, (v) => (v.tags.length < 2 ? { path: ['tags'], problem: 'needs two tags' } : null));
  assert.deepEqual(refined, { ok: false, error: 'tags: needs two tags' });
});

test('a problem in a parsed file points at the line and column of the node it names', () => {
  const text = '{\n  "name": "p",\n  "kind": "a",\n  "size": null,\n  "lr": 0.1,\n  "tags": ["x", 7],\n  "at": [1, 2],\n  "extra": {},\n  "id": "abc"\n}\n';
  const { root } = parseJson(text, 'p.json');
  assert.equal(checkParsed(Point, 'p.json', root), 'p.json:6:17: tags[1]: expected a string, got number 7');
  // A missing field points at the object that lacks it.
  const missing = parseJson('{\n  "tags": []\n}', 'q.json').root;
  assert.match(checkParsed(Point, 'q.json', missing) ?? '', /^q\.json:1:1: name: is missing$/);
  assert.deepEqual(locate(root, ['at', 5]), { line: 7, column: 9, endLine: 7, endColumn: 15 });
  assert.equal(checkParsed(Point, 'ok.json', parseJson(JSON.stringify(GOOD), 'ok.json').root), null);
});

test('profile documents: the schema plus the rules across fields', () => {
  const doc = JSON.parse(JSON.stringify(fixtureProfile())) as Record<string, unknown>;
  assert.ok(parseProfileDocument(doc).ok);
  const results = doc['results'] as Record<string, unknown>[];
  const twice = { ...doc, results: [...results, results[0]] };
  assert.match((parseProfileDocument(twice) as { error: string }).error, /^results\[\d+\]: optimizer '.*' appears twice$/);
  const stray = { ...doc, paretoFront: ['nope'] };
  assert.deepEqual(parseProfileDocument(stray), { ok: false, error: "paretoFront[0]: 'nope' is not one of the results" });
  assert.deepEqual(parseProfileDocument({ ...doc, schemaVersion: 2 }), { ok: false, error: 'schemaVersion: this version reads schema 1, the file has 2' });
});

test('a saved profile file: its problems, the rules across fields included, name line:column', () => {
  const doc = JSON.parse(JSON.stringify(fixtureProfile())) as { results: Record<string, unknown>[]; paretoFront: string[] };
  const text = (d: unknown): string => JSON.stringify(d, null, 2);
  // line:column of the first occurrence of `needle`, counted independently of the parser.
  const at = (t: string, needle: string): string => {
    const before = t.slice(0, t.indexOf(needle)).split('\n');
    return `${before.length}:${before[before.length - 1]!.length + 1}`;
  };
  const bad = { ...doc, results: [{ ...doc.results[0], stepTimeMs: 'fast' }, ...doc.results.slice(1)] };
  const badText = text(bad);
  const r = parseProfileFile('p.json', parseJson(badText, 'p.json').root);
  assert.deepEqual(r, { ok: false, error: `p.json:${at(badText, '"fast"')}: results[0].stepTimeMs: expected a finite number, got string "fast"` });
  const stray = text({ ...doc, paretoFront: ['nope'] });
  const s = parseProfileFile('q.json', parseJson(stray, 'q.json').root);
  assert.deepEqual(s, { ok: false, error: `q.json:${at(stray, '"nope"')}: paretoFront[0]: 'nope' is not one of the results` });
  assert.ok(parseProfileFile('ok.json', parseJson(text(doc), 'ok.json').root).ok);
});
