/** The walks' bounded concurrency (src/core/for-each-limited.ts): every item once, never more than the limit in flight. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachLimited } from '../../src/core/for-each-limited';

test('forEachLimited visits every item once, starts them in list order and keeps at most `limit` calls in flight', async () => {
  const items = Array.from({ length: 23 }, (_, i) => i);
  const started: number[] = [];
  let inFlight = 0;
  let most = 0;
  await forEachLimited(items, 4, async (i) => {
    started.push(i);
    inFlight++;
    most = Math.max(most, inFlight);
    // uneven waits, so that calls end out of order
    await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
    inFlight--;
  });
  assert.deepEqual(started, items);
  assert.equal(most, 4);
  assert.equal(inFlight, 0);
});

test('forEachLimited with fewer items than the limit, or none, runs each item and returns', async () => {
  const seen: string[] = [];
  await forEachLimited(['a', 'b'], 8, async (s) => {
    seen.push(s);
  });
  assert.deepEqual(seen, ['a', 'b']);
  await forEachLimited([], 3, async () => assert.fail('no item'));
});
