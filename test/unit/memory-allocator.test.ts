import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockSize, CachingAllocatorSim, segmentSize } from '../../src/core/memory/allocator';
import { replayTraining } from '../../src/core/memory/allocation-trace';

const MiB = 2 ** 20;

test('round_size and get_allocation_size: 512-byte blocks; 2 MiB, 20 MiB or 2 MiB-rounded segments', () => {
  assert.equal(blockSize(1), 512);
  assert.equal(blockSize(513), 1024);
  assert.equal(segmentSize(MiB), 2 * MiB); // small pool
  assert.equal(segmentSize(MiB + 512), 20 * MiB); // large pool, under 10 MiB
  assert.equal(segmentSize(10 * MiB), 10 * MiB); // from kMinLargeAlloc: rounded to 2 MiB
  assert.equal(segmentSize(10 * MiB + 512), 12 * MiB);
});

test('small requests share a 2 MiB segment; a freed block is reused and nothing is returned', () => {
  const a = new CachingAllocatorSim();
  const ids = [1000, 2000, 3000].map((b) => a.alloc(b));
  assert.equal(a.reserved, 2 * MiB);
  assert.equal(a.allocated, 1024 + 2048 + 3072);
  for (const id of ids) a.free(id);
  assert.equal(a.allocated, 0);
  assert.equal(a.reserved, 2 * MiB); // cached, not released
  a.alloc(MiB); // a small request: served from the merged free block of that segment, no new segment
  assert.equal(a.reserved, 2 * MiB);
});

test('large pool: best fit among cached blocks, split only when more than 1 MiB remains', () => {
  const a = new CachingAllocatorSim();
  const big = a.alloc(30 * MiB); // own segment of 30 MiB
  const mid = a.alloc(12 * MiB); // own segment of 12 MiB
  a.free(big);
  a.free(mid);
  const x = a.alloc(11.5 * MiB); // best fit is the 12 MiB block; 0.5 MiB left: not split, whole block counted
  assert.equal(a.reserved, 42 * MiB);
  assert.equal(a.allocated, 12 * MiB);
  a.alloc(20 * MiB); // from the 30 MiB block, split (10 MiB left)
  assert.equal(a.allocated, 32 * MiB);
  a.alloc(10 * MiB); // the 10 MiB remainder, exactly
  assert.equal(a.reserved, 42 * MiB);
  a.free(x);
  a.alloc(13 * MiB); // no cached block is large enough: a new segment
  assert.equal(a.reserved, 42 * MiB + 14 * MiB);
});

test('fragmentation: blocks freed between live ones cannot serve a larger request', () => {
  const a = new CachingAllocatorSim();
  const ids = Array.from({ length: 4 }, () => a.alloc(12 * MiB)); // four 12 MiB segments
  a.free(ids[0] as number);
  a.free(ids[2] as number);
  a.alloc(20 * MiB); // 24 MiB free in total but in two segments: a new one
  assert.equal(a.reserved, 48 * MiB + 20 * MiB);
  assert.equal(a.peakAllocated, 48 * MiB);
});

test('a training replay reserves at least what it allocates, and the cache is reused from the second step on', () => {
  const trace = {
    resident: [64 * MiB, 64 * MiB],
    trainable: [{ gradient: 64 * MiB, states: [64 * MiB, 64 * MiB], position: 0.5 }, { gradient: 64 * MiB, states: [64 * MiB, 64 * MiB], position: 1 }],
    globalStates: [],
    activations: [{ bytes: 24 * MiB, count: 8 }, { bytes: 3 * MiB, count: 8 }],
    stepTemporaries: 128 * MiB,
    backwardTemporaries: 0,
    gradAccum: 1,
    keepGradients: false,
    stepInBackward: false,
    workspaces: [8_519_680, 8_519_680],
  };
  const one = replayTraining(trace, 1);
  const three = replayTraining(trace, 3);
  assert.ok(one.peakReserved >= one.peakAllocated && one.peakAllocated >= one.peakRequested);
  assert.equal(three.peakReserved, replayTraining(trace, 5).peakReserved); // steady after the first steps
  assert.ok(three.peakReserved >= one.peakReserved);
});
