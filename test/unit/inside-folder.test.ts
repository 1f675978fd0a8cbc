/**
 * insideFolder (src/platform/inside-folder.ts), the one check that a path lies in a folder: by segments, so that a
 * first segment that only starts with two dots (`..x`) is inside, and `..`, `../x` and another root are not.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { insideFolder } from '../../src/platform/inside-folder';

const root = path.resolve(path.sep, 'work', 'project');

test('insideFolder: the folder itself and the paths below it are inside, a first segment "..x" included', () => {
  assert.equal(insideFolder(root, root), true);
  assert.equal(insideFolder(root, path.join(root, 'data', 'train.jsonl')), true);
  assert.equal(insideFolder(root, path.join(root, '..x')), true);
  assert.equal(insideFolder(root, path.join(root, '..x', 'install.js')), true);
  assert.equal(insideFolder(root, path.join(root, '...')), true);
});

test('insideFolder: the parent, its other folders and a sibling whose name extends the folder\'s are outside', () => {
  assert.equal(insideFolder(root, path.dirname(root)), false);
  assert.equal(insideFolder(root, path.join(path.dirname(root), 'other', 'x.json')), false);
  assert.equal(insideFolder(root, `${root}-old`), false);
  assert.equal(insideFolder(root, path.join(root, '..', '..x')), false);
});

test('insideFolder: every path is inside the file system\'s root', () => {
  assert.equal(insideFolder(path.parse(root).root, root), true);
  assert.equal(insideFolder(path.parse(root).root, path.parse(root).root), true);
});
