/**
 * A short seeded run of the fuzzing properties (test/fuzz/properties.ts): the parsers' contract
 * (only positioned InputErrors, counted steps within caps) over mutated example configs, syntax
 * soup and arbitrary strings. `npm run fuzz` runs the same properties and the CLI contract for longer.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import { checkGlob, checkPython, checkYaml, properties, seedFiles } from '../fuzz/properties';

const SEED = 20_261_207;

test('fuzz (seeded, short): JSON, YAML, Python reader and globs keep their contract', () => {
  for (const { property } of properties(seedFiles())) fc.assert(property, { seed: SEED, numRuns: 150 });
});

test('fuzz regressions: minimised inputs that once broke a bound', () => {
  checkGlob('*a*a*a*a*a*a*a*a*b', 'a'.repeat(60)); // exponential backtracking (defect 2)
  checkYaml(['base: &a', ...Array.from({ length: 300 }, (_, i) => `  k${i}: ${i}`), ...Array.from({ length: 300 }, (_, i) => `r${i}: *a`)].join('\n')); // alias walk per alias (defect 1)
  checkPython(`x = ${'f('.repeat(5000)}`); // nesting past Python's limit
});
