import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { followLink, walkWorkspace } from '../../src/cli/walk';
import { InputError } from '../../src/core/types';

/** Creates `files` (relative path -> contents) under a fresh temp folder. */
function makeTree(files: Record<string, string | Uint8Array>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'walk-test-'));
  for (const [rel, body] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, body);
  }
  return root;
}

test('reads candidate files and skips dependency, build, hidden and environment folders', async (t) => {
  const root = makeTree({
    'config.json': '{"model_type": "gpt2"}',
    'train.py': 'print(1)\n',
    'notes.txt': 'not a candidate',
    'Makefile': 'all:',
    'bom.json': '\uFEFF{}',
    'src/deep/a/b/c/d/e.yaml': 'a: 1\n',
    'env/settings.yml': 'b: 2\n', // a folder named env without pyvenv.cfg is ordinary
    'node_modules/pkg/config.json': '{}',
    '.git/config.json': '{}',
    '.hidden/x.json': '{}',
    '__pycache__/x.py': '',
    'dist/a.json': '{}',
    'build/a.json': '{}',
    'out/a.json': '{}',
    'target/a.json': '{}',
    '.next/a.json': '{}',
    'venv/lib/x.py': '',
    'myenv/pyvenv.cfg': 'home = /usr/bin\n',
    'myenv/lib/site.py': '',
    'conda/conda-meta/history': '',
    'conda/lib/x.py': '',
    'pkg/site-packages/x.py': '',
  });
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const result = await walkWorkspace(root);
  assert.deepEqual(result.files.map((f) => f.path), ['bom.json', 'config.json', 'env/settings.yml', 'src/deep/a/b/c/d/e.yaml', 'train.py']);
  assert.equal(result.files.find((f) => f.path === 'config.json')?.text, '{"model_type": "gpt2"}');
  // the BOM is kept for the parsers, which report it
  assert.equal(result.files.find((f) => f.path === 'bom.json')?.text, '\uFEFF{}');
  assert.deepEqual(result.skipped, [
    { path: '.git', reason: 'hidden folder' },
    { path: '.hidden', reason: 'hidden folder' },
    { path: '.next', reason: 'hidden folder' },
    { path: '__pycache__', reason: 'dependency, cache or build folder (__pycache__)' },
    { path: 'build', reason: 'dependency, cache or build folder (build)' },
    { path: 'conda', reason: 'conda environment (conda-meta)' },
    { path: 'dist', reason: 'dependency, cache or build folder (dist)' },
    { path: 'myenv', reason: 'Python virtual environment (pyvenv.cfg)' },
    { path: 'node_modules', reason: 'dependency, cache or build folder (node_modules)' },
    { path: 'out', reason: 'dependency, cache or build folder (out)' },
    { path: 'pkg/site-packages', reason: 'dependency, cache or build folder (site-packages)' },
    { path: 'target', reason: 'dependency, cache or build folder (target)' },
    { path: 'venv', reason: 'dependency, cache or build folder (venv)' },
  ]);
});

test('files over the cap, binary files and non-UTF-8 files are skipped with a reason', async (t) => {
  const root = makeTree({
    'small.json': '{"a": 1}',
    'big.json': `{"a": "${'x'.repeat(100)}"}`,
    'bin.json': Uint8Array.from([0x7b, 0x0a, 0x22, 0x00, 0x22, 0x7d]),
    'latin1.yaml': Uint8Array.from([0x61, 0x3a, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a]),
  });
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const result = await walkWorkspace(root, { maxFileBytes: 100 });
  assert.deepEqual(result.files.map((f) => f.path), ['small.json']);
  assert.deepEqual(result.skipped, [
    // `{"a": "` + 100 x + `"}` = 109 bytes
    { path: 'big.json', reason: 'file too large: 109 bytes (the limit is 100 bytes)' },
    // the NUL is the 2nd character of line 2
    { path: 'bin.json', reason: 'binary file (contains a NUL byte) at 2:2' },
    // `a: caf` then 0xE9
    { path: 'latin1.yaml', reason: 'binary file or not UTF-8 text (invalid UTF-8 byte 0xE9) at 1:7' },
  ]);
});

test("nanoGPT's meta.pkl is read by its name as bytes (one character per byte); other pickles are not candidates", async (t) => {
  const bytes = Uint8Array.from([0x80, 0x02, 0x7d, 0x00, 0x0a, 0xe9, 0x8c, 0xff, 0x2e]);
  const root = makeTree({
    'data/tiny/meta.pkl': bytes,
    'data/tiny/train.pkl': bytes,
    'model.pkl': bytes,
    'data/big/meta.pkl': new Uint8Array(101),
  });
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const result = await walkWorkspace(root, { maxFileBytes: 100 });
  assert.deepEqual(result.files.map((f) => f.path), ['data/tiny/meta.pkl']);
  // NUL and bytes that are not UTF-8 are kept: the text holds each byte as the character of that code.
  assert.deepEqual([...result.files[0]!.text].map((c) => c.charCodeAt(0)), [...bytes]);
  assert.deepEqual(result.skipped, [{ path: 'data/big/meta.pkl', reason: 'file too large: 101 bytes (the limit is 100 bytes)' }]);
});

test('symlinks: files inside the root are read, links out of it and linked folders are skipped', async (t) => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'walk-outside-'));
  fs.writeFileSync(path.join(outside, 'secret.json'), '{}');
  const root = makeTree({ 'config.json': '{"a": 1}', 'src/x.py': '' });
  t.after(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });
  fs.symlinkSync(path.join(root, 'config.json'), path.join(root, 'alias.json'));
  fs.symlinkSync(path.join(outside, 'secret.json'), path.join(root, 'escape.json'));
  fs.symlinkSync(outside, path.join(root, 'escape-dir'));
  fs.symlinkSync(path.join(root, 'src'), path.join(root, 'src-link'));
  fs.symlinkSync(path.join(root, 'missing.json'), path.join(root, 'broken.json'));
  const result = await walkWorkspace(root);
  assert.deepEqual(result.files.map((f) => [f.path, f.text]), [['alias.json', '{"a": 1}'], ['config.json', '{"a": 1}'], ['src/x.py', '']]);
  assert.deepEqual(result.skipped, [
    { path: 'broken.json', reason: 'broken symlink' },
    { path: 'escape-dir', reason: 'symlink out of the workspace' },
    { path: 'escape.json', reason: 'symlink out of the workspace' },
    { path: 'src-link', reason: 'symlinked folder (its target is scanned at its own path)' },
  ]);
});

test('a symlinked file is inside a root that is the file system\'s root, and inside a folder whose name starts with two dots', async (t) => {
  const root = makeTree({ '..odd/config.json': '{}' });
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const rootReal = fs.realpathSync(root);
  fs.symlinkSync(path.join(rootReal, '..odd', 'config.json'), path.join(rootReal, 'alias.json'));
  const target = path.join(rootReal, '..odd', 'config.json');
  // The walk of `/` (or `C:\`): the root and its separator are one character, which a prefix test of root + separator missed.
  assert.deepEqual(await followLink(path.join(rootReal, 'alias.json'), path.parse(rootReal).root), { target });
  assert.deepEqual(await followLink(path.join(rootReal, 'alias.json'), path.join(rootReal, '..odd')), { target });
  assert.equal(await followLink(path.join(rootReal, 'alias.json'), path.join(rootReal, '..od')), 'symlink out of the workspace');
});

test('exclude patterns and the file limit', async (t) => {
  const root = makeTree({
    'a.json': '{}',
    'b.json': '{}',
    'c.yaml': 'c: 1\n',
    'data/raw/dump.json': '{}',
    'data/clean.json': '{}',
    'checkpoint-500/config.json': '{}',
    'x/tmp/t.json': '{}',
    'tmp/u.json': '{}',
    'tmp/keep.py': '',
  });
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const excluded = await walkWorkspace(root, { exclude: ['data/raw', 'checkpoint-*', '**/tmp/*.json'] });
  assert.deepEqual(excluded.files.map((f) => f.path), ['a.json', 'b.json', 'c.yaml', 'data/clean.json', 'tmp/keep.py']);
  assert.deepEqual(excluded.skipped, [
    { path: 'checkpoint-500', reason: "excluded by pattern 'checkpoint-*'" },
    { path: 'data/raw', reason: "excluded by pattern 'data/raw'" },
    { path: 'tmp/u.json', reason: "excluded by pattern '**/tmp/*.json'" },
    { path: 'x/tmp/t.json', reason: "excluded by pattern '**/tmp/*.json'" },
  ]);

  const limited = await walkWorkspace(root, { maxFiles: 2, exclude: ['data', 'checkpoint-*', 'x', 'tmp'] });
  assert.deepEqual(limited.files.map((f) => f.path), ['a.json', 'b.json']);
  assert.deepEqual(limited.skipped.filter((s) => s.path === '.'), [
    { path: '.', reason: 'file limit reached: read 2 candidate files, 1 more not read' },
  ]);
});

test('a missing root is an InputError', async () => {
  const missing = path.join(os.tmpdir(), `walk-missing-${process.pid}-${Date.now()}`);
  await assert.rejects(walkWorkspace(missing), (e: unknown) => e instanceof InputError && e.message === 'cannot read the folder (ENOENT)');
  const file = makeTree({ 'f.json': '{}' });
  try {
    await assert.rejects(walkWorkspace(path.join(file, 'f.json')), (e: unknown) => e instanceof InputError && e.message === 'not a folder');
  } finally {
    fs.rmSync(file, { recursive: true, force: true });
  }
});
