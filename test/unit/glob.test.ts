/**
 * The one glob module (src/core/glob.ts): syntax shared by the CLI walk and the editor's settings,
 * and matching work bounded by name length × pattern length (counted steps, not time).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anyMatches, compileGlob, toSearchGlobs } from '../../src/core/glob';

function steps(pattern: string, name: string): { matched: boolean; steps: number } {
  const counter = { steps: 0 };
  const matched = compileGlob(pattern).matches(name, counter);
  return { matched, steps: counter.steps };
}

test('the audit pattern *a*a*a*a*a*a*a*a*b takes steps linear in the name length', () => {
  const pattern = '*a*a*a*a*a*a*a*a*b';
  const n = steps(pattern, 'a'.repeat(50));
  const n4 = steps(pattern, 'a'.repeat(200));
  assert.equal(n.matched, false);
  assert.equal(n4.matched, false);
  // at most a few states per pattern character, each visited a bounded number of times per name character
  assert.ok(n.steps <= 8 * (50 + 1) * pattern.length, `${n.steps} steps for 50 characters`);
  assert.ok(n4.steps <= 4.5 * n.steps, `${n4.steps} steps at 4n against ${n.steps} at n`);
  assert.equal(steps(pattern, 'a'.repeat(49) + 'b').matched, true);
});

test('work grows linearly with the pattern too, braces and globstars included', () => {
  const unit = '{x,*a}**/?';
  const name = 'a/'.repeat(40) + 'zz';
  const one = steps(unit.repeat(4), name);
  const four = steps(unit.repeat(16), name);
  assert.ok(four.steps <= 4.5 * one.steps, `${four.steps} steps at 4m against ${one.steps} at m`);
  // nested braces of depth 200 compile and match without recursion blowing up the work
  const nested = '{'.repeat(200) + 'a' + '}'.repeat(200);
  assert.ok(compileGlob(nested).matches('a'));
});

test('syntax: names at any depth, anchored paths, ./, **, ?, braces (nested, with wildcards), folders cover their content', () => {
  assert.ok(compileGlob('checkpoints').matches('runs/checkpoints/step-1/config.json'));
  assert.ok(!compileGlob('checkpoints').matches('checkpoints2/config.json'));
  assert.ok(compileGlob('data/raw').matches('data/raw/x.json'));
  assert.ok(!compileGlob('data/raw').matches('other/data/raw/x.json'));
  assert.ok(compileGlob('./args.json').matches('args.json'));
  assert.ok(!compileGlob('./args.json').matches('sub/args.json'));
  assert.ok(compileGlob('runs/**/*.{yaml,yml}').matches('runs/a/b/c.yml'));
  assert.ok(compileGlob('runs/**/*.{yaml,yml}').matches('runs/c.yaml'));
  assert.ok(!compileGlob('runs/**/*.{yaml,yml}').matches('runs/c.json'));
  assert.ok(compileGlob('**/tmp/*.json').matches('tmp/u.json'));
  assert.ok(compileGlob('**/tmp/*.json').matches('x/y/tmp/u.json'));
  assert.ok(!compileGlob('**/tmp/*.json').matches('x/tmp/sub/u.json'));
  assert.ok(compileGlob('{ckpt-*,logs}').matches('a/ckpt-5/x.json'));
  assert.ok(compileGlob('{a,{b,c}d}').matches('cd'));
  assert.ok(!compileGlob('{a,{b,c}d}').matches('c'));
  assert.ok(compileGlob('file{1').matches('file{1'));
  assert.ok(compileGlob('?.json').matches('a.json') && !compileGlob('?.json').matches('ab.json'));
  assert.ok(!compileGlob('a?b').matches('a/b'));
  assert.ok(compileGlob('.*').matches('.venv/lib/site.py'));
  assert.ok(compileGlob('data\\raw').matches('data/raw/x.json'), 'a backslash is a separator');
  assert.ok(!compileGlob('  ').matches('x'));
  assert.equal(anyMatches([compileGlob('x'), compileGlob('*.log')], 'a/b.log')?.pattern, '*.log');
  assert.deepEqual(toSearchGlobs('checkpoints'), ['**/checkpoints', '**/checkpoints/**']);
  assert.deepEqual(toSearchGlobs('data/raw/'), ['data/raw', 'data/raw/**']);
});

test('every setting that changes what runs or how much work is done is restricted in untrusted workspaces', () => {
  const manifest = require('../../../package.json') as {
    capabilities: { untrustedWorkspaces: { restrictedConfigurations?: string[] } };
    contributes: { configuration: { properties: Record<string, unknown> } };
  };
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];
  const work = ['exclude', 'diagnostics.exclude', 'maxFileSize', 'npmPath', 'detectGpus', 'profile.budgetSeconds', 'profile.steps'];
  for (const name of work) {
    const key = `optimizerAdvisor.${name}`;
    assert.ok(key in manifest.contributes.configuration.properties, `${key} is a contributed setting`);
    assert.ok(restricted.includes(key), `${key} is in restrictedConfigurations`);
  }
});
