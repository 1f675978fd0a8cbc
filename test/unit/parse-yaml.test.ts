import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseYaml } from '../../src/core/parse/yaml';
import { findExcessiveYamlNesting } from '../../src/core/parse/yaml-depth';
import { getMember, getPath, type ObjectNode } from '../../src/core/parse/node';
import { InputError } from '../../src/core/types';

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an InputError');
}

const AXOLOTL_LIKE = [
  'base_model: meta-llama/Llama-2-7b-hf   # the model', // 1
  'optimizer: paged_adamw_8bit',                         // 2
  'learning_rate: 2e-4',                                 // 3
  'lora:',                                               // 4
  '  r: 16',                                             // 5
  '  targets:',                                          // 6
  '    - q_proj',                                        // 7
  '    - v_proj',                                        // 8
  'flow: {a: [1, 2], "b c": true}',                      // 9
  'empty:',                                              // 10
  '',
].join('\n');

test('YAML values and keys carry hand-checked 1-based ranges', () => {
  const { root, warnings } = parseYaml(AXOLOTL_LIKE, 'a.yaml');
  assert.deepEqual(warnings, []);
  assert.equal(root.kind, 'object');
  // line 1: the plain scalar ends before the spaces and comment
  assert.deepEqual(getPath(root, 'base_model')?.range, { line: 1, column: 13, endLine: 1, endColumn: 37 });
  assert.deepEqual(getMember(root as ObjectNode, 'base_model')?.keyRange, { line: 1, column: 1, endLine: 1, endColumn: 11 });
  // line 3: `learning_rate: 2e-4` -> number at columns 16..19, raw text kept
  const lr = getPath(root, 'learning_rate');
  assert.ok(lr && lr.kind === 'number');
  assert.equal(lr.value, 2e-4);
  assert.equal(lr.raw, '2e-4');
  assert.deepEqual(lr.range, { line: 3, column: 16, endLine: 3, endColumn: 20 });
  assert.deepEqual(getPath(root, 'lora.r')?.range, { line: 5, column: 6, endLine: 5, endColumn: 8 });
  assert.deepEqual(getPath(root, 'lora.targets.1')?.range, { line: 8, column: 7, endLine: 8, endColumn: 13 });
  // a block mapping's range ends at its last character, not after the trailing newline
  assert.deepEqual(getPath(root, 'lora')?.range, { line: 5, column: 3, endLine: 8, endColumn: 13 });
  // line 9: flow collections; quoted key "b c" at columns 19..23
  assert.deepEqual(getPath(root, 'flow.a.1')?.range, { line: 9, column: 15, endLine: 9, endColumn: 16 });
  assert.deepEqual(getMember(getPath(root, 'flow') as ObjectNode, 'b c')?.keyRange, { line: 9, column: 19, endLine: 9, endColumn: 24 });
  assert.equal(getPath(root, 'empty')?.kind, 'null');
  assert.deepEqual(root.value, {
    base_model: 'meta-llama/Llama-2-7b-hf',
    optimizer: 'paged_adamw_8bit',
    learning_rate: 2e-4,
    lora: { r: 16, targets: ['q_proj', 'v_proj'] },
    flow: { a: [1, 2], 'b c': true },
    empty: null,
  });
});

test('merge keys, anchors and aliases resolve; duplicates warn with the last value kept', () => {
  const text = 'base: &b {lr: 1, wd: 0}\nrun:\n  <<: *b\n  wd: 0.1\nsame: *b\nx: 1\nx: 2\n';
  const { root, warnings } = parseYaml(text, 'm.yaml');
  assert.deepEqual(root.value, { base: { lr: 1, wd: 0 }, run: { lr: 1, wd: 0.1 }, same: { lr: 1, wd: 0 }, x: 2 });
  // merged members keep the range where they were written (inside the anchored mapping)
  assert.deepEqual(getPath(root, 'run.lr')?.range, { line: 1, column: 15, endLine: 1, endColumn: 16 });
  assert.deepEqual(getPath(root, 'run.wd')?.range, { line: 4, column: 7, endLine: 4, endColumn: 10 });
  assert.deepEqual(warnings, [{ message: "duplicate key 'x' (the last value is used)", line: 7, column: 1 }]);
});

test('only the first document is read, with a warning at the second', () => {
  const { root, warnings } = parseYaml('lr: 1e-5\n---\nlr: 2e-5\n', 'd.yaml');
  assert.deepEqual(root.value, { lr: 1e-5 });
  assert.deepEqual(warnings, [{ message: 'the file holds 2 YAML documents; only the first one is read', line: 2, column: 1 }]);
});

test('YAML syntax errors become InputError with line:column', () => {
  const indent = inputError(() => parseYaml('model:\n  name: llama\n lr: 1e-5\n', 'i.yaml'));
  assert.equal(indent.message, 'All mapping items must start at the same column');
  assert.deepEqual([indent.file, indent.line, indent.column], ['i.yaml', 3, 1]);
  const tab = inputError(() => parseYaml('a:\n\tb: 1\n', 't.yaml'));
  assert.equal(tab.message, 'Tabs are not allowed as indentation');
  assert.equal(tab.line, 2);
  // the yaml package reports an unclosed quote where the file ends
  const quote = inputError(() => parseYaml('a: "open\nb: 1\n', 'q.yaml'));
  assert.equal(quote.message, 'Missing closing "quote');
  assert.deepEqual([quote.line, quote.column], [3, 1]);
  assert.equal(inputError(() => parseYaml('', 'e.yaml')).message, 'empty file');
  assert.equal(inputError(() => parseYaml('# nothing\n', 'e.yaml')).message, 'empty file (no YAML content)');
});

test('alias bombs and recursive aliases are rejected', () => {
  const names = 'abcdefghi';
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]`);
  // expanded sizes: a 10, b 1 + 9*10 = 91, c 820, d 7381, e 66430, f 597871 > 100000 extra nodes
  const bomb = inputError(() => parseYaml(lines.join('\n'), 'bomb.yaml'));
  assert.equal(bomb.message, 'aliases expand to more than 100000 extra nodes (YAML alias bomb?)');
  assert.deepEqual([bomb.line, bomb.column], [6, 7]);
  const many = inputError(() => parseYaml('a: &a 1\nb: [*a, *a, *a]\n', 'many.yaml', { maxAliases: 2 }));
  assert.equal(many.message, 'more than 2 aliases (YAML alias bomb?)');
  assert.deepEqual([many.line, many.column], [2, 13]);
  const recursive = inputError(() => parseYaml('a: &x [1, *x]\n', 'r.yaml'));
  assert.equal(recursive.message, 'alias *x refers to a collection that contains it');
  assert.deepEqual([recursive.line, recursive.column], [1, 11]);
});

test('100000-deep YAML nesting is rejected before the yaml package sees it', () => {
  const n = 100_000;
  const flow = inputError(() => parseYaml('['.repeat(n) + ']'.repeat(n), 'flow.yaml'));
  assert.equal(flow.message, 'nesting deeper than 128 levels');
  assert.deepEqual([flow.line, flow.column], [1, 129]);
  // `- - - ... x`: each `- ` opens a sequence; the 129th dash is at column 2 * 128 + 1
  const dashes = inputError(() => parseYaml('- '.repeat(n) + 'x', 'dash.yaml'));
  assert.deepEqual([dashes.line, dashes.column], [1, 257]);
  // block mappings indented one more space per level: line k+1 holds level k+1 at column k+1
  let block = '';
  for (let i = 0; i < 200; i++) block += `${' '.repeat(i)}k${i}:\n`;
  const blocks = inputError(() => parseYaml(block, 'block.yaml'));
  assert.deepEqual([blocks.line, blocks.column], [129, 129]);
  // flow inside a block mapping: `a: ` is one level, so the 128th bracket is the 129th level
  const mixed = inputError(() => parseYaml('a: ' + '['.repeat(200) + ']'.repeat(200), 'mixed.yaml'));
  assert.deepEqual([mixed.line, mixed.column], [1, 4 + 127]);
  // 128 levels parse
  assert.equal(parseYaml('['.repeat(128) + ']'.repeat(128), 'ok.yaml').root.kind, 'array');
});

test('the nesting pre-check ignores brackets in block scalars, quotes and comments', () => {
  const text = [
    'script: |',
    `  ${'['.repeat(500)}`,
    `quoted: "${'['.repeat(500)}"`,
    `single: '${'{'.repeat(500)}'`,
    `plain: a${'['.repeat(500)}`,
    `# ${'['.repeat(500)}`,
    'ok: 1',
  ].join('\n');
  assert.equal(findExcessiveYamlNesting(text, 128), -1);
  const { root } = parseYaml(text, 's.yaml');
  assert.equal(getPath(root, 'ok')?.value, 1);
  assert.equal((getPath(root, 'quoted')?.value as string).length, 500);
});

test('size cap, BOM and NUL', () => {
  const big = inputError(() => parseYaml('a: 1\n'.repeat(100), 'big.yaml', { maxChars: 100 }));
  assert.equal(big.message, 'YAML file too large: 500 characters (the limit is 100)');
  const bom = parseYaml('\uFEFFa: 1', 'bom.yaml');
  assert.equal(bom.bom, true);
  assert.deepEqual(getPath(bom.root, 'a')?.range, { line: 1, column: 4, endLine: 1, endColumn: 5 });
  const nul = inputError(() => parseYaml('a: 1\nb: "\u0000"\n', 'n.yaml'));
  assert.equal(nul.message, 'binary file (contains a NUL byte)');
  assert.deepEqual([nul.line, nul.column], [2, 5]);
});

/**
 * Counts the nodes the `yaml` package's tree walker visits during `fn` (the walk its
 * `Alias.resolve` does for every alias) plus the parser's own counted steps.
 */
function yamlWork(fn: (counter: { steps: number }) => void): number {
  const visitModule = require(path.join(path.dirname(require.resolve('yaml')), 'visit.js')) as { visit: (node: unknown, visitor: unknown) => unknown };
  const original = visitModule.visit;
  let visited = 0;
  const counting = (f: unknown): unknown =>
    typeof f === 'function'
      ? (...args: unknown[]) => {
          visited++;
          return (f as (...a: unknown[]) => unknown)(...args);
        }
      : f;
  visitModule.visit = (node: unknown, visitor: unknown) => {
    const wrapped =
      typeof visitor === 'function'
        ? counting(visitor)
        : Object.fromEntries(Object.entries(visitor as Record<string, unknown>).map(([k, v]) => [k, counting(v)]));
    return original(node, wrapped);
  };
  const counter = { steps: 0 };
  try {
    fn(counter);
  } finally {
    visitModule.visit = original;
  }
  return visited + counter.steps;
}

test('aliases resolve in linear work: n and 4n aliases over n and 4n nodes differ by about 4x, not 16x', () => {
  const doc = (n: number): string => {
    const lines = ['base: &b', ...Array.from({ length: n }, (_, i) => `  k${i}: v${i}`), 'list:'];
    for (let i = 0; i < n; i++) lines.push(`  - *b`);
    return lines.join('\n') + '\n';
  };
  const n = 250;
  const small = yamlWork((counter) => parseYaml(doc(n), 's.yaml', { maxAliasExpansion: Infinity, counter }));
  const large = yamlWork((counter) => parseYaml(doc(4 * n), 'l.yaml', { maxAliasExpansion: Infinity, maxAliases: Infinity, counter }));
  assert.ok(small >= 2 * n, `the parser counts its steps (${small})`);
  assert.ok(large <= 4.5 * small, `work at 4n (${large}) is more than 4.5 times the work at n (${small})`);
  // the shared node is still one node: every list item is the anchored mapping
  const { root } = parseYaml(doc(3), 'v.yaml', { counter: { steps: 0 } });
  assert.deepEqual(getPath(root, 'list.2')?.value, { k0: 'v0', k1: 'v1', k2: 'v2' });
});

test('members merged with `<<` count toward the alias expansion cap, failing at the merge that passes it', () => {
  const keys = Array.from({ length: 2000 }, (_, i) => `  k${i}: ${i}`);
  const runs = Array.from({ length: 60 }, (_, i) => `r${i}:\n  <<: *b`);
  const text = ['base: &b', ...keys, ...runs, ''].join('\n');
  // 50 merges add 100,000 members; the 51st (r50, line 2002 + 2 * 50 + 1) passes the cap
  const e = inputError(() => parseYaml(text, 'merge.yaml'));
  assert.equal(e.message, 'aliases expand to more than 100000 extra nodes (YAML alias bomb?)');
  assert.deepEqual([e.file, e.line, e.column], ['merge.yaml', 2103, 3]);
});

test('integers with underscore separators are integers, as PyYAML (and OmegaConf, Hydra) read them', () => {
  // SOURCE: axolotl-ai-cloud/axolotl, examples/alst/llama3-8b-deepspeed-alst.yaml (`sequence_len: 500_000`).
  const { root } = parseYaml('sequence_len: 500_000\nneg: -2_048\nquoted: "500_000"\nexp: 1e-5\nfloaty: 1_0.5\n', 'c.yaml');
  assert.equal(root.kind, 'object');
  const get = (k: string) => (root.kind === 'object' ? root.index.get(k)?.node : undefined);
  const seq = get('sequence_len');
  assert.deepEqual([seq?.kind, seq?.value, seq?.kind === 'number' ? seq.raw : null], ['number', 500000, '500000']);
  assert.equal(get('neg')?.value, -2048);
  // a quoted scalar stays a string; floats keep YAML 1.2's reading (OmegaConf also reads 1e-5 as a float)
  assert.deepEqual([get('quoted')?.kind, get('exp')?.value, get('floaty')?.kind], ['string', 1e-5, 'string']);
});
