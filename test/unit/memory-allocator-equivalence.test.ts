/**
 * The caching-allocator simulation (src/core/memory/allocator.ts, free pools sorted by size and address)
 * against the plain reference it replaced (test/support/linear-allocator.ts, a linear scan of each free
 * pool): on random alloc/free sequences and on the estimator's own replay of every memory validation
 * case, both must hand out the same block (segment, offset, size) for every request and agree on every
 * counter and peak after every operation. Also: the estimator's caches (allocation replays, per-tensor step
 * temporaries) answer a repeated question with what computing it anew gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CachingAllocatorSim } from '../../src/core/memory/allocator';
import { REPLAY_CACHE_ENTRIES, replayTraining, type TrainingTrace } from '../../src/core/memory/allocation-trace';
import { resolveEstimateInput } from '../../src/core/memory/defaults';
import { clearEstimatorCaches, estimateMemory } from '../../src/core/memory/estimate';
import { inventoryForRef } from '../../src/core/models';
import { resolveOptimizer } from '../../src/core/optimizers';
import { optimizerState } from '../../src/core/memory/optimizer-state';
import { caseInput, VALIDATION_CASES } from '../../src/core/memory/validation';
import { Prng } from '../reference/prng';
import { LinearAllocatorSim } from '../support/linear-allocator';

const MiB = 2 ** 20;

type Sim = CachingAllocatorSim | LinearAllocatorSim;

function counters(s: Sim): string {
  return JSON.stringify([s.reserved, s.allocated, s.peakReserved, s.peakAllocated, s.requested, s.peakRequested]);
}

/** Compares the two after one operation; returns a description of the first difference, or null. */
function differ(fast: CachingAllocatorSim, ref: LinearAllocatorSim, handle: number, what: string): string | null {
  if (counters(fast) !== counters(ref)) return `${what}: counters ${counters(fast)} vs reference ${counters(ref)}`;
  const a = JSON.stringify(fast.placement(handle));
  const b = JSON.stringify(ref.placement(handle));
  return a === b ? null : `${what}: block ${a} vs reference ${b}`;
}

/** A request size drawn from the ranges the rules treat differently (small, 1 MiB edge, 1–10 MiB, large). */
function drawSize(rng: Prng, palette: readonly number[]): number {
  const r = rng.next();
  if (r < 0.25) return palette[Math.floor(rng.next() * palette.length)] as number; // repeated sizes: ties in the pools
  if (r < 0.5) return 1 + Math.floor(rng.next() * MiB); // small pool, any byte count
  if (r < 0.55) return MiB - 512 + Math.floor(rng.next() * 1024); // around kSmallSize
  if (r < 0.8) return MiB + Math.floor(rng.next() * 9 * MiB); // large pool, kLargeBuffer segments
  if (r < 0.97) return 10 * MiB + Math.floor(rng.next() * 200 * MiB); // own 2 MiB-rounded segments
  return r < 0.985 ? 0 : rng.next() * 4096; // nothing, and fractional byte counts (split temporaries)
}

test('random alloc/free sequences: the same blocks and counters as the linear reference after every operation', () => {
  let ops = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const rng = new Prng(seed);
    const palette = Array.from({ length: 6 }, () => (rng.next() < 0.5 ? 512 * (1 + Math.floor(rng.next() * 2048)) : 2 * MiB * (1 + Math.floor(rng.next() * 20))));
    const fast = new CachingAllocatorSim();
    const ref = new LinearAllocatorSim();
    const live: number[] = [];
    const freeBias = 0.3 + 0.4 * rng.next(); // some sequences grow, some churn
    for (let i = 0; i < 1500; i++, ops++) {
      if (live.length > 0 && rng.next() < freeBias) {
        const k = Math.floor(rng.next() * live.length);
        const id = live[k] as number;
        live.splice(k, 1);
        fast.free(id);
        ref.free(id);
        const d = differ(fast, ref, id, `seed ${seed}, op ${i}: free(${id})`);
        assert.equal(d, null, d ?? '');
      } else {
        const bytes = drawSize(rng, palette);
        const id = fast.alloc(bytes);
        assert.equal(ref.alloc(bytes), id, `seed ${seed}, op ${i}: handles differ`);
        if (id !== 0) live.push(id);
        const d = differ(fast, ref, id, `seed ${seed}, op ${i}: alloc(${bytes})`);
        assert.equal(d, null, d ?? '');
      }
      if (rng.next() < 0.01) {
        // freeing nothing, or a handle twice, changes nothing in either
        fast.free(0);
        ref.free(0);
        const stale = 1 + Math.floor(rng.next() * (i + 1));
        if (!live.includes(stale)) {
          fast.free(stale);
          ref.free(stale);
        }
        assert.equal(counters(fast), counters(ref));
      }
    }
    for (const id of live) assert.deepEqual(fast.placement(id), ref.placement(id));
    assert.ok(fast.peakReserved > 0 && fast.peakAllocated > 0);
  }
  assert.equal(ops, 40 * 1500);
});

test('every memory validation case: the estimator\'s replay hands out the same blocks as the linear reference', (t) => {
  const proto = CachingAllocatorSim.prototype;
  const alloc = proto.alloc;
  const free = proto.free;
  const shadows = new WeakMap<CachingAllocatorSim, LinearAllocatorSim>();
  const shadowOf = (s: CachingAllocatorSim): LinearAllocatorSim => {
    let r = shadows.get(s);
    if (r === undefined) {
      r = new LinearAllocatorSim();
      shadows.set(s, r);
    }
    return r;
  };
  let first: string | null = null;
  let ops = 0;
  let sims = 0;
  proto.alloc = function (this: CachingAllocatorSim, bytes: number): number {
    if (!shadows.has(this)) sims++;
    const ref = shadowOf(this);
    const id = alloc.call(this, bytes);
    const refId = ref.alloc(bytes);
    ops++;
    if (first === null) first = refId !== id ? `alloc(${bytes}): handle ${id} vs ${refId}` : differ(this, ref, id, `alloc(${bytes})`);
    return id;
  };
  proto.free = function (this: CachingAllocatorSim, id: number): void {
    const ref = shadowOf(this);
    free.call(this, id);
    ref.free(id);
    ops++;
    if (first === null) first = differ(this, ref, id, `free(${id})`);
  };
  t.after(() => {
    proto.alloc = alloc;
    proto.free = free;
  });
  // A case whose trace an earlier case already replayed (and compared) is answered from the replay cache.
  for (const c of VALIDATION_CASES) {
    estimateMemory(caseInput(c));
    assert.equal(first, null, `${c.id}: ${first ?? ''}`);
  }
  assert.ok(sims >= VALIDATION_CASES.length / 2, `${sims} replays for ${VALIDATION_CASES.length} cases`);
  assert.ok(ops > 10_000, `${ops} operations compared`);
});

test('the replay cache: a repeated trace gets what a fresh replay gives, and different traces are not confused', () => {
  const trace = (gradAccum: number, extra: number): TrainingTrace => ({
    resident: [64 * MiB, 3 * MiB + extra],
    trainable: [{ gradient: 64 * MiB, states: [64 * MiB, 64 * MiB], position: 0.5 }, { gradient: 5 * MiB, states: [5 * MiB], position: 1 }],
    globalStates: [],
    activations: [{ bytes: 24 * MiB, count: 8 }, { bytes: 700_000, count: 8 }],
    stepTemporaries: 40 * MiB,
    backwardTemporaries: 0,
    gradAccum,
    keepGradients: false,
    stepInBackward: false,
    workspaces: [8_519_680, 8_519_680],
  });
  const one = replayTraining(trace(1, 0));
  const two = replayTraining(trace(2, 0));
  assert.notDeepEqual(one, two, 'accumulation keeps gradients through the forward: another peak');
  assert.deepEqual(replayTraining(trace(1, 0)), one);
  assert.deepEqual(replayTraining(trace(1, 0), 1), replayTraining(trace(1, 0), 1));
  // The step count is part of the key: in the first step the optimizer state is not yet there during backward.
  assert.ok(replayTraining(trace(1, 0), 1).peakRequested < one.peakRequested);
  // Push the first trace out of the cache, then replay it anew: the same figures.
  for (let i = 1; i <= REPLAY_CACHE_ENTRIES; i++) replayTraining(trace(1, 512 * i));
  assert.deepEqual(replayTraining(trace(1, 0)), one);
});

test('the estimator caches: estimates answered from them equal the same estimates computed with them empty', () => {
  // A layer-wise (step-in-backward) GaLore: per-tensor step temporaries and a replay per estimate, on two models and
  // two ranks, so that a key missing the tensor, the model or the settings would hand one setup another's figures.
  const setups = [
    { ref: 'meta-llama/Llama-2-7b-hf', rank: 128 }, { ref: 'gpt2', rank: 128 }, { ref: 'meta-llama/Llama-2-7b-hf', rank: 1024 },
  ];
  const inputFor = (i: number): ReturnType<typeof resolveEstimateInput> => {
    const { ref, rank } = setups[i]!;
    const optimizer = resolveOptimizer('galore_adamw_8bit_layerwise', { rank }, 'hf');
    assert.ok(optimizer !== undefined);
    return resolveEstimateInput({ model: inventoryForRef(ref), optimizer, hyperparameters: { rank }, batchSize: 2, seqLen: 512, precision: 'bf16' });
  };
  const fresh = setups.map((_, i) => {
    clearEstimatorCaches();
    return estimateMemory(inputFor(i));
  });
  assert.equal(new Set(fresh.map((e) => e.bytes.peak)).size, setups.length, 'three different setups');
  // Within one estimate: the backward's step temporaries are the largest of each trainable tensor's own (bf16, pure).
  fresh.forEach((e, i) => {
    const input = inputFor(i);
    const own = input.model.tensors.filter((t) => t.trainable && t.tiedTo === undefined).map((t) => optimizerState(input.optimizer, [t], 'bf16', { rank: setups[i]!.rank }).temporaries);
    assert.equal(e.peakPhase, 'forward-backward');
    assert.equal(e.bytes.optimizerTemporaries, Math.max(...own), setups[i]!.ref);
  });
  clearEstimatorCaches();
  for (const i of [0, 1, 2, 1, 0, 2, 2]) assert.deepEqual(estimateMemory(inputFor(i)), fresh[i], setups[i]!.ref);
});
