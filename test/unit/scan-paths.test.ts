/**
 * pathBelow (src/core/scan/paths.ts): an editor URI's path below its workspace folder's, the one check the
 * providers and the workspace index use to tell a workspace file from any other.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathBelow } from '../../src/core/scan/paths';

test('pathBelow: a path below the folder, with or without its trailing slash, and below the root folder', () => {
  assert.equal(pathBelow('/w', '/w/a/b.json'), 'a/b.json');
  assert.equal(pathBelow('/w/', '/w/a/b.json'), 'a/b.json');
  assert.equal(pathBelow('/w', '/w/..x/c.yaml'), '..x/c.yaml');
  assert.equal(pathBelow('/', '/a.json'), 'a.json');
  assert.equal(pathBelow('/c:/Users/me/proj', '/c:/Users/me/proj/train.py'), 'train.py');
});

test('pathBelow: the folder itself, a sibling whose name extends it and other folders are not below it', () => {
  assert.equal(pathBelow('/w', '/w'), null);
  assert.equal(pathBelow('/w', '/w-old/a.json'), null);
  assert.equal(pathBelow('/w', '/wx'), null);
  assert.equal(pathBelow('/w/a', '/w/b/c.json'), null);
});
