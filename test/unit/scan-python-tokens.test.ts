/** The Python tokenizer and the static program view: tricky lexical input, constants, imports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PythonNestingError, PythonProgram, type PyValue } from '../../src/core/scan/python/program';
import { tokenize } from '../../src/core/scan/python/tokenizer';

const kinds = (text: string) => tokenize(text).filter((t) => t.kind !== 'newline').map((t) => [t.kind, text.slice(t.start, t.end)]);
const callees = (text: string) => new PythonProgram(text).calls.map((c) => c.callee);

test('strings of every form are single tokens with their decoded value', () => {
  const cases: [string, string | null][] = [
    [`'torch.optim.Adam('`, 'torch.optim.Adam('],
    [`"a\\"b"`, 'a"b'],
    [`r"\\d+\\""`, '\\d+\\"'],
    [`b'\\x41'`, 'A'],
    [`'''x\ny'''`, 'x\ny'],
    [`"""it's "quoted" here"""`, `it's "quoted" here`],
    [`f"{{literal}}"`, '{literal}'],
    [`f"{x}"`, null],
    [`f"{d['k']:>{width}}"`, null],
    [`rb'\\n'`, '\\n'],
    [`'caf\\u00e9 \\N{DASH}'`, 'café \\N{DASH}'],
  ];
  for (const [source, value] of cases) {
    const tokens = tokenize(source);
    assert.equal(tokens.length, 2, source); // the string and the end of the logical line
    assert.deepEqual([tokens[0].kind, tokens[0].start, tokens[0].end, tokens[0].value], ['string', 0, source.length, value], source);
  }
  // an f-string's replacement field may hold quotes of its own kind (Python 3.12)
  assert.deepEqual(kinds(`f"{x["a"]}" + 1`), [['string', `f"{x["a"]}"`], ['op', '+'], ['number', '1']]);
  // an unterminated string ends at its line, and the next line is read normally
  const broken = tokenize(`s = "oops\nlr = 3\n`);
  assert.deepEqual(broken.filter((t) => t.kind !== 'newline').map((t) => [t.kind, t.unterminated]), [
    ['name', false], ['op', false], ['string', true], ['name', false], ['op', false], ['number', false],
  ]);
});

test('numbers: exponents, underscores, prefixes, floats without a leading digit, imaginary', () => {
  const cases: [string, number, boolean][] = [
    ['1e-3', 1e-3, false], ['3_000', 3000, true], ['0x1F', 31, true], ['0o17', 15, true], ['0b101', 5, true],
    ['.5', 0.5, false], ['1.', 1, false], ['2.5E+2', 250, false], ['1_000.000_1', 1000.0001, false],
  ];
  for (const [source, value, integer] of cases) {
    const [t] = tokenize(source);
    assert.deepEqual([t.kind, t.number, t.integer, t.end], ['number', value, integer, source.length], source);
  }
  assert.ok(Number.isNaN(tokenize('1j')[0].number));
});

test('comments, line joining and brackets: logical lines and indentation', () => {
  const text = 'x = (1 +  # comment with torch.optim.SGD(\n     2)\ny = 3 \\\n    + 4\nif y:\n\tz = [\n  5]\n';
  const tokens = tokenize(text);
  const lines = tokens.filter((t) => t.kind === 'newline').length;
  assert.equal(lines, 4); // x = ..., y = ..., if y:, z = ...
  const starts = tokens.filter((t) => t.indent >= 0).map((t) => [text.slice(t.start, t.end), t.indent]);
  // a tab indents to column 8
  assert.deepEqual(starts, [['x', 0], ['y', 0], ['if', 0], ['z', 8]]);
  const open = tokens.find((t) => text.slice(t.start, t.end) === '(');
  const close = tokens.find((t) => text.slice(t.start, t.end) === ')');
  assert.deepEqual([open?.depth, close?.depth], [0, 0]);
  assert.equal(tokens.find((t) => text.slice(t.start, t.end) === '2')?.depth, 1);
  assert.deepEqual(callees(text), []);
  // operators are matched longest first
  assert.deepEqual(kinds('a **= b // c -> d := e').map(([, s]) => s), ['a', '**=', 'b', '//', 'c', '->', 'd', ':=', 'e']);
});

test('calls are found outside strings and comments, through nesting and across lines', () => {
  const text = [
    'import torch',
    's = "torch.optim.Adam(params)"',
    '# torch.optim.SGD(params)',
    'doc = """',
    'optimizer = torch.optim.RMSprop(p)',
    '"""',
    'opt = torch.optim.AdamW(',
    '    [p for p in model.parameters() if p.requires_grad],',
    '    lr=1e-3,',
    ')',
    'def make(model):',
    '    return torch.optim.SGD(model.parameters(), lr=0.1)',
  ].join('\n');
  assert.deepEqual(callees(text), ['torch.optim.AdamW', 'model.parameters', 'torch.optim.SGD', 'model.parameters']);
  const program = new PythonProgram(text);
  const adamw = program.calls[0];
  assert.deepEqual(adamw.args.map((a) => [a.name, a.value.kind]), [[null, 'unknown'], ['lr', 'number']]);
  assert.equal(adamw.target, 'opt');
});

/** The value of keyword `name` in the first call of `callee`. */
function arg(text: string, callee: string, name: string): PyValue | undefined {
  return new PythonProgram(text).calls.find((c) => c.callee === callee)?.args.find((a) => a.name === name)?.value;
}
const num = (v: PyValue | undefined) => (v?.kind === 'number' ? v.value : v?.kind);

test('names resolve to constants: module level, function scope, parameters, arithmetic, containers', () => {
  const text = [
    'BATCH_SIZE = 32',
    'LR = 1e-3 * 2',
    'BETAS = (0.9, 0.95)',
    'CFG = {"wd": 0.1, "nested": {"eps": 1e-8}}',
    'A, B = 1, 2',
    'N = 4',
    'N += 1',
    'def train(model, lr=LR):',
    '    BATCH_SIZE = 64',
    '    DataLoader(ds, batch_size=BATCH_SIZE)',
    '    f(lr=lr, betas=BETAS, wd=CFG["wd"], eps=CFG["nested"]["eps"], b=B, n=N, k=UNDEFINED)',
    'g(batch=BATCH_SIZE)',
  ].join('\n');
  // a function's own assignment shadows the module constant
  assert.equal(num(arg(text, 'DataLoader', 'batch_size')), 64);
  assert.equal(num(arg(text, 'g', 'batch')), 32);
  // a parameter with a default resolves to the default
  assert.equal(num(arg(text, 'f', 'lr')), 2e-3);
  const betas = arg(text, 'f', 'betas');
  assert.deepEqual(betas?.kind === 'list' ? betas.items.map(num) : betas, [0.9, 0.95]);
  assert.equal(num(arg(text, 'f', 'wd')), 0.1);
  assert.equal(num(arg(text, 'f', 'eps')), 1e-8);
  assert.equal(num(arg(text, 'f', 'b')), 2);
  // augmented assignments make the value unknown; undefined names are references
  assert.equal(num(arg(text, 'f', 'n')), 'unknown');
  assert.deepEqual(arg(text, 'f', 'k')?.kind, 'ref');
  // the range of a resolved constant is where it is written
  const lr = arg(text, 'f', 'lr');
  assert.equal(lr !== undefined ? text.slice(lr.start, lr.end) : '', '1e-3 * 2');
  const batch = arg(text, 'g', 'batch');
  assert.equal(batch !== undefined ? text.slice(batch.start, batch.end) : '', '32');
  // integer arithmetic keeps integers (for integer fields), division gives floats
  const raw = (v: PyValue | undefined) => (v?.kind === 'number' ? v.raw : '');
  assert.deepEqual([raw(arg('X = 2\nf(a=X * 16, b=X / 2, c=-X, d=2 ** 3)', 'f', 'a')), raw(arg('X = 2\nf(b=X / 2)', 'f', 'b')), raw(arg('X = 2\nf(c=-X)', 'f', 'c'))], ['32', '1.0', '-2']);
});

test('argparse defaults, config classes and imports', () => {
  const text = [
    'import argparse',
    'import torch.optim as topt',
    'from torch.optim import AdamW as AW, SGD',
    'from dataclasses import dataclass',
    '@dataclass',
    'class Config:',
    '    lr: float = 0.02',
    '    momentum = 0.9',
    'parser = argparse.ArgumentParser()',
    'parser.add_argument("--weight-decay", "-w", type=float, default=5e-4)',
    'parser.add_argument("--epochs", type=int)',
    'args = parser.parse_args()',
    'cfg = Config(momentum=0.8)',
    'topt.Adam(p, weight_decay=args.weight_decay, e=args.epochs)',
    'AW(p, lr=cfg.lr, m=cfg.momentum)',
    'SGD(p)',
  ].join('\n');
  const program = new PythonProgram(text);
  assert.deepEqual(program.calls.filter((c) => /Adam|AW|SGD/.test(c.written)).map((c) => [c.written, c.callee]), [
    ['topt.Adam', 'torch.optim.Adam'], ['AW', 'torch.optim.AdamW'], ['SGD', 'torch.optim.SGD'],
  ]);
  assert.equal(num(arg(text, 'torch.optim.Adam', 'weight_decay')), 5e-4);
  // no default: argparse gives None unless passed on the command line, so the value is unknown
  assert.equal(num(arg(text, 'torch.optim.Adam', 'e')), 'unknown');
  assert.equal(num(arg(text, 'torch.optim.AdamW', 'lr')), 0.02);
  assert.equal(num(arg(text, 'torch.optim.AdamW', 'm')), 0.8);
  // conventional names resolve when not imported: optim is torch.optim, models is torchvision.models
  assert.deepEqual(callees('opt = optim.SGD(p)\nnet = models.resnet50()'), ['torch.optim.SGD', 'torchvision.models.resnet50']);
  assert.deepEqual(callees('from mylib import optim\nopt = optim.SGD(p)'), ['mylib.optim.SGD']);
});

test('hostile input never throws: binary noise, huge lines, unbalanced brackets; nesting past 200 is a positioned InputError', () => {
  const inputs = [
    '\u0000\u0001\u0002 optim.SGD(\u0000',
    `y = ${')'.repeat(100)} + ]]]`,
    `s = "${'a'.repeat(1_000_000)}`,
    `z = ${'('.repeat(200)}1${')'.repeat(200)}`,
    "f'{'",
    '"""never closed',
  ];
  for (const input of inputs) {
    const program = new PythonProgram(input);
    for (const call of program.calls) void call.args;
  }
  const deep = new PythonProgram(`LR = ${'('.repeat(150)}0.1${')'.repeat(150)}\nf(lr=LR)`);
  assert.ok(['number', 'unknown'].includes(deep.calls[0].args[0].value.kind));
  // Python itself refuses more than 200 nested brackets; so does the reader, at the first token inside 201 (the 202nd bracket)
  for (const input of [`x = ${'['.repeat(5000)}`, `z = ${'('.repeat(2000)}1${')'.repeat(2000)}`]) {
    assert.throws(() => new PythonProgram(input), (e: unknown) => e instanceof PythonNestingError && e.offset === 4 + 201);
  }
});
