/**
 * The restricted reader of Python config modules (src/core/scan/python/literal-config.ts): literals, dict(...), dict
 * displays, lists, tuples, names assigned above and `_base_` references are read with their positions; everything
 * else is reported as not read at its line and column, and nothing is executed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedNode } from '../../src/core/parse/node';
import { getPath } from '../../src/core/parse/node';
import { readLiteralModule } from '../../src/core/scan/python/literal-config';

test('literals, dict(...), dict displays, lists, tuples and names assigned above become the tree, with their ranges', () => {
  const text = [
    "dataset_type = 'ImageNet'",
    'pipeline = [dict(type=\'RandomResizedCrop\', scale=224), dict(type="PackInputs")]',
    'train_dataloader = dict(',
    '    batch_size=32,',
    "    dataset=dict(type=dataset_type, pipeline=pipeline, data_root='data/' 'imagenet'),",
    '    sampler={"shuffle": True, \'seed\': None},',
    ')',
    'optim_wrapper = dict(optimizer=dict(type=\'AdamW\', lr=-1e-3, betas=(0.9, 0.999), eps=1_000))',
    'out_indices = (3, )',
    'one = (7)',
    '',
  ].join('\n');
  const m = readLiteralModule(text);
  assert.deepEqual(m.unread, []);
  assert.equal(m.error, null);
  assert.deepEqual(m.root.value, {
    dataset_type: 'ImageNet',
    pipeline: [{ type: 'RandomResizedCrop', scale: 224 }, { type: 'PackInputs' }],
    train_dataloader: {
      batch_size: 32,
      dataset: { type: 'ImageNet', pipeline: [{ type: 'RandomResizedCrop', scale: 224 }, { type: 'PackInputs' }], data_root: 'data/imagenet' },
      sampler: { shuffle: true, seed: null },
    },
    optim_wrapper: { optimizer: { type: 'AdamW', lr: -1e-3, betas: [0.9, 0.999], eps: 1000 } },
    out_indices: [3],
    one: 7,
  });
  const batch = getPath(m.root, 'train_dataloader.batch_size') as ParsedNode;
  assert.deepEqual([batch.range.line, batch.range.column, batch.range.endColumn], [4, 16, 18]);
  // a name takes the node assigned above: its range is where that value is written
  const type = getPath(m.root, 'train_dataloader.dataset.type') as ParsedNode;
  assert.deepEqual([type.range.line, type.range.column], [1, 16]);
  const lr = getPath(m.root, 'optim_wrapper.optimizer.lr') as ParsedNode;
  assert.equal(lr.kind === 'number' && lr.raw, '-1e-3');
});

test('what is not read is reported at its line and column, and the key holding it is kept as written but opaque', () => {
  const text = [
    'import torch',
    'base_lr = 0.1 * scale',
    'optim_wrapper = dict(optimizer=dict(type=\'SGD\', lr=base_lr, momentum=0.9, weight_decay=get_wd()))',
    'if True:',
    '    x = 1',
    'work_dir = f"./work/{name}"',
    'y = undefined_name',
    'a.b = 3',
    'z = dict(**other)',
    '',
  ].join('\n');
  const m = readLiteralModule(text);
  const at = m.unread.map((u) => `${u.line}:${u.column}`);
  assert.deepEqual(at, ['1:1', '2:15', '3:52', '3:88', '4:1', '6:12', '7:5', '8:1', '9:10']);
  assert.match(m.unread[0].message, /'import torch' is not read/);
  assert.match(m.unread[1].message, /^base_lr: the expression '0\.1 \* scale' is not read/);
  assert.match(m.unread[2].message, /^lr: the value of 'base_lr' is not known/);
  assert.match(m.unread[3].message, /^weight_decay: 'get_wd\(\)' is not read/);
  assert.match(m.unread[4].message, /a 'if' block is not read/);
  assert.match(m.unread[6].message, /the name 'undefined_name' is not assigned above/);
  // the optimizer keeps what was read; lr and weight_decay are written but unknown
  const optimizer = getPath(m.root, 'optim_wrapper.optimizer');
  assert.ok(optimizer?.kind === 'object');
  assert.deepEqual(optimizer.value, { type: 'SGD', momentum: 0.9 });
  assert.deepEqual([...(optimizer as unknown as { opaqueKeys: Set<string> }).opaqueKeys].sort(), ['lr', 'weight_decay']);
  assert.deepEqual([...m.root.opaqueKeys].sort(), ['base_lr', 'work_dir', 'y', 'z']);
  assert.equal(m.root.index.has('x'), false);
});

test('arithmetic on numbers is computed as Python computes it; on anything else it is not read', () => {
  const text = [
    'lr = 5e-4 * 1024 / 512',
    'max_epochs = 300',
    't_max = max_epochs - 20',
    'half = 1024 / 512',
    'a = 7 // 2',
    'b = -7 % 3',
    'c = 2 ** -1',
    'd = -2 ** 2',
    'e = (1 + 2) * 3',
    'f = 1 / 0',
    "g = 'a' * 3",
    'h = dict(lr=0.1 * 8 / 256, t=[max_epochs * 2, 1])',
    '',
  ].join('\n');
  const m = readLiteralModule(text);
  assert.deepEqual(m.root.value, { lr: 0.001, max_epochs: 300, t_max: 280, half: 2, a: 3, b: 2, c: 0.5, d: -4, e: 9, h: { lr: 0.1 * 8 / 256, t: [600, 1] } });
  const raw = (key: string): string => { const n = m.root.index.get(key)?.node; return n?.kind === 'number' ? n.raw : ''; };
  // `/` gives a float, as in Python: an integer rule refuses 2.0
  assert.deepEqual([raw('t_max'), raw('half'), raw('a')], ['280', '2.0', '3']);
  const lr = m.root.index.get('lr')?.node;
  assert.deepEqual([lr?.range.line, lr?.range.column, lr?.range.endColumn], [1, 6, 23]);
  assert.deepEqual(m.unread.map((u) => `${u.line}:${u.column}`), ['10:7', '11:9']);
  assert.match(m.unread[0].message, /^f: the expression '1 \/ 0' is not read/);
});

test('_base_ is handed to the caller, whose lookup answers _base_.x and {{_base_.x}} references', () => {
  const text = "_base_ = ['../a.py', \"./b.py\"]\nm = _base_.model.backbone\nn = {{_base_.model}}\nk = _base_.missing\n";
  const seen: string[][] = [];
  const base: ParsedNode = readLiteralModule("model = dict(backbone=dict(depth=50))\n").root;
  const m = readLiteralModule(text, (list) => {
    seen.push(list.paths.map((p) => p.value));
    return (path) => getPath(base, [...path]);
  });
  assert.deepEqual(seen, [['../a.py', './b.py']]);
  assert.deepEqual(m.base?.paths.map((p) => [p.value, p.range.line, p.range.column]), [['../a.py', 1, 11], ['./b.py', 1, 22]]);
  assert.deepEqual(m.root.value, { m: { depth: 50 }, n: { backbone: { depth: 50 } } });
  assert.equal(m.unread.length, 1);
  assert.match(m.unread[0].message, /^k: _base_\.missing is not a variable of the base files/);
  // without a caller that composes the bases, a reference is not read
  assert.match(readLiteralModule(text).unread[0].message, /_base_\.model\.backbone is not a variable/);
  // a single path is a base list of one
  assert.deepEqual(readLiteralModule("_base_ = './x.py'\n").base?.paths.map((p) => p.value), ['./x.py']);
});

test('brackets nested past Python\'s limit are an error at the deepest bracket; broken input never throws', () => {
  const deep = readLiteralModule(`x = ${'['.repeat(300)}${']'.repeat(300)}\n`);
  assert.ok(deep.error !== null);
  assert.match(deep.error.message, /nested deeper than 200/);
  assert.deepEqual([deep.error.line, deep.error.column], [1, 206]);
  for (const text of ['x = dict(a=1', 'x = [1, 2', "x = {'a': }", 'x = (', 'x = dict(a=)', '= 3', 'x =', "x = 'unterminated", 'x = {{_base_.a', '\x00\x01 = ]]', 'x = dict(1, 2)', "x = {1: 'a'}"]) {
    const m = readLiteralModule(text);
    assert.equal(m.root.kind, 'object', text);
    assert.ok(m.unread.length > 0 || m.error !== null || Object.keys(m.root.value).length === 0, `${text}: ${JSON.stringify(m.root.value)}`);
    for (const u of m.unread) assert.ok(u.line >= 1 && u.column >= 1, text);
  }
});
