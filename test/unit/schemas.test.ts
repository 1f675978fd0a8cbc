/**
 * schemas/*.json are generated from the declarations of the CLI's JSON documents (src/cli/json/,
 * `npm run schemas`): the committed files must be exactly what the generator writes, and every file
 * under schemas/ must come from a declaration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedSchemaFiles } from '../../src/cli/json';

const ROOT = path.resolve(__dirname, '..', '..', '..');

test('each committed schema file is the one generated from its declaration (run `npm run schemas` after changing one)', () => {
  const generated = generatedSchemaFiles();
  for (const [file, text] of Object.entries(generated)) {
    assert.equal(fs.readFileSync(path.join(ROOT, 'schemas', file), 'utf8'), text, `schemas/${file} differs from its declaration`);
  }
});

test('every file under schemas/ is generated (none kept by hand)', () => {
  const hand = fs.readdirSync(path.join(ROOT, 'schemas')).filter((f) => f.endsWith('.json') && !(f in generatedSchemaFiles()));
  assert.deepEqual(hand, []);
});
