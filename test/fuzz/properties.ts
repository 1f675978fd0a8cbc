/**
 * Property tests of the parsers' contract (README: Reliability, the fuzzing campaign), with
 * fast-check: for any input, the JSON and YAML parsers, the Python reader and the glob matcher
 * either succeed or fail with an InputError whose position (when given) is a 1-based line and
 * column inside the input; they never throw anything else; and their counted steps stay within
 * their caps (YAML: linear in the input plus the alias expansion cap; globs: name x pattern).
 * Inputs: arbitrary strings, grammar-aware fragments (brackets, anchors and aliases, merge keys,
 * quotes, comments) and mutations of the example configs and the test corpus (seed files).
 *
 * Used by the seeded unit test (test/unit/fuzz-parsers.test.ts) and by `npm run fuzz` (run.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { compileGlob } from '../../src/core/glob';
import { parseJson } from '../../src/core/parse/json';
import { DEFAULT_YAML_MAX_ALIAS_EXPANSION, parseYaml } from '../../src/core/parse/yaml';
import { PythonNestingError, PythonProgram } from '../../src/core/scan/python/program';
import { tokenize } from '../../src/core/scan/python/tokenizer';
import { InputError } from '../../src/core/types';

export const REPO = path.resolve(__dirname, '..', '..', '..');

/** Example configs and the test corpus: the seeds that mutations start from. */
export function seedFiles(): { readonly path: string; readonly text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(json|jsonc|ya?ml|py|ipynb|sh)$/.test(e.name) && fs.statSync(p).size < 256 * 1024) {
        out.push({ path: path.relative(REPO, p).split(path.sep).join('/'), text: fs.readFileSync(p, 'latin1') });
      }
    }
  };
  walk(path.join(REPO, 'examples'));
  walk(path.join(REPO, 'test', 'fixtures'));
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Characters that matter to the grammars. */
const SYNTAX = ['{', '}', '[', ']', ',', ':', '"', "'", '\\', '\n', ' ', '  ', '#', '&a', '*a', '<<: *a', '- ', '? ', '|', '>', '(', ')', '=', '\t', '\u0000', '\ufeff', '\u202e', '1e309', '-0', 'null', 'true', '"""', 'f"{', '\r\n', '---'];

/** One edit of a text: insert, delete, replace or duplicate a slice, or splice syntax characters. */
const edit = fc.tuple(fc.nat(), fc.nat({ max: 64 }), fc.constantFrom(...SYNTAX), fc.integer({ min: 0, max: 4 }));

function applyEdits(text: string, edits: readonly (readonly [number, number, string, number])[]): string {
  let t = text;
  for (const [at, len, syntax, kind] of edits) {
    const i = t.length === 0 ? 0 : at % (t.length + 1);
    if (kind === 0) t = t.slice(0, i) + syntax + t.slice(i);
    else if (kind === 1) t = t.slice(0, i) + t.slice(i + len);
    else if (kind === 2) t = t.slice(0, i) + syntax + t.slice(i + len);
    else if (kind === 3) t = t.slice(0, i) + t.slice(i, i + len).repeat(1 + (len % 5)) + t.slice(i);
    else t = t.slice(0, i) + syntax.repeat(1 + (len % 40)) + t.slice(i);
  }
  return t;
}

/** Inputs for the parsers: mutated seeds, syntax soup and arbitrary strings. */
export function inputArbitrary(seeds: readonly { readonly text: string }[]): fc.Arbitrary<string> {
  const mutated = fc
    .tuple(fc.integer({ min: 0, max: Math.max(0, seeds.length - 1) }), fc.array(edit, { minLength: 1, maxLength: 8 }))
    .map(([k, edits]) => applyEdits(seeds[k]?.text ?? '', edits));
  const soup = fc.array(fc.constantFrom(...SYNTAX, 'a', 'b', 'lr', '0.1', 'x'), { maxLength: 200 }).map((parts) => parts.join(''));
  const aliases = fc
    .tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), fc.boolean())
    .map(([keys, refs, merge]) => {
      const lines = ['base: &a', ...Array.from({ length: keys }, (_, i) => `  k${i}: ${i}`)];
      for (let r = 0; r < refs; r++) lines.push(merge ? `r${r}:\n  <<: *a` : `r${r}: *a`);
      return lines.join('\n');
    });
  return fc.oneof({ weight: 5, arbitrary: mutated }, { weight: 2, arbitrary: soup }, { weight: 1, arbitrary: aliases }, { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) });
}

/** The error contract: an InputError, positioned inside the text when it gives a position. */
function checkError(e: unknown, text: string, what: string): void {
  if (!(e instanceof InputError)) throw new Error(`${what} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  if (e.line !== undefined) {
    const lines = text.split(/\r\n|\r|\n/).length;
    if (!Number.isInteger(e.line) || e.line < 1 || e.line > lines + 1) throw new Error(`${what}: line ${e.line} outside 1..${lines + 1} (${e.message})`);
    if (e.column !== undefined && (!Number.isInteger(e.column) || e.column < 1)) throw new Error(`${what}: column ${e.column} (${e.message})`);
  }
  if (e.message.includes('\n')) throw new Error(`${what}: a message of several lines: ${JSON.stringify(e.message)}`);
}

export function checkJson(text: string): void {
  try {
    parseJson(text, 'f.json');
  } catch (e) {
    checkError(e, text, 'parseJson');
  }
}

export function checkYaml(text: string): void {
  const counter = { steps: 0 };
  try {
    parseYaml(text, 'f.yaml', { counter });
  } catch (e) {
    checkError(e, text, 'parseYaml');
  }
  const cap = 3 * (text.length + 1) + DEFAULT_YAML_MAX_ALIAS_EXPANSION;
  if (counter.steps > cap) throw new Error(`parseYaml took ${counter.steps} steps on ${text.length} characters (cap ${cap})`);
}

export function checkPython(text: string): void {
  tokenize(text);
  try {
    const program = new PythonProgram(text);
    for (const call of program.calls) void call.args;
  } catch (e) {
    if (!(e instanceof PythonNestingError)) throw new Error(`PythonProgram threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    if (e.offset < 0 || e.offset > text.length) throw new Error(`PythonNestingError at ${e.offset} outside the text`);
  }
}

/** Glob patterns and names from the glob alphabet. */
export const globCase = fc.tuple(
  fc.array(fc.constantFrom('*', '**', '**/', '?', '{', '}', ',', '/', 'a', 'b', '.', '\\', 'x'), { maxLength: 30 }).map((p) => p.join('')),
  fc.array(fc.constantFrom('a', 'b', '/', '.', 'x', '{', '}'), { maxLength: 60 }).map((p) => p.join('')),
);

export function checkGlob(pattern: string, name: string): void {
  const counter = { steps: 0 };
  compileGlob(pattern).matches(name, counter);
  const cap = 16 * (name.length + 2) * (pattern.length + 2);
  if (counter.steps > cap) throw new Error(`glob ${JSON.stringify(pattern)} on ${JSON.stringify(name)}: ${counter.steps} steps (cap ${cap})`);
}

/** The properties, for fc.assert (seeded unit test) or a time-bounded campaign. */
export function properties(seeds: readonly { readonly text: string }[]): { readonly name: string; readonly property: fc.IProperty<unknown> }[] {
  const input = inputArbitrary(seeds);
  return [
    { name: 'json', property: fc.property(input, (t) => checkJson(t)) as fc.IProperty<unknown> },
    { name: 'yaml', property: fc.property(input, (t) => checkYaml(t)) as fc.IProperty<unknown> },
    { name: 'python', property: fc.property(input, (t) => checkPython(t)) as fc.IProperty<unknown> },
    { name: 'glob', property: fc.property(globCase, ([p, n]) => checkGlob(p, n)) as fc.IProperty<unknown> },
  ];
}
