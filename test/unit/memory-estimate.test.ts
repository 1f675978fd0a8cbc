import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEstimateInput } from '../../src/core/memory/defaults';
import { estimateMemory } from '../../src/core/memory/estimate';
import { adamLike, llamaLike, matricesOnly } from './memory-fixtures';

const MiB = 2 ** 20;
const CONTEXT = 1343 * MiB; // transformers "Model training anatomy": 1343 MB occupied after loading kernels

test('optimizer-step phase sets the peak when the step temporaries dominate', () => {
  // One 1000x1000 matrix in pure bf16 (Ψ = 1e6): weights 2e6, gradients 2e6, two bf16 states 4e6;
  // the optimizer double allocates 100 B per element during the step: 1e8.
  const e = estimateMemory(resolveEstimateInput({ model: matricesOnly(1, 1000), optimizer: adamLike(100), precision: 'bf16' }));
  assert.equal(e.peakPhase, 'optimizer-step');
  assert.equal(e.bytes.weights, 2e6);
  assert.equal(e.bytes.gradients, 2e6);
  assert.equal(e.bytes.optimizerState, 4e6);
  assert.equal(e.bytes.optimizerTemporaries, 1e8);
  assert.equal(e.bytes.activations, 0);
  assert.equal(e.bytes.peakAllocated, 2e6 + 2e6 + 4e6 + 1e8);
  // Overhead: context + PyTorch's default cuBLAS workspace (":4096:2:16:8" = 8,519,680 B) for the
  // forward and the backward thread's handles + the caching allocator's reserve, replayed by hand:
  // weights (2e6 B -> a 2,000,384 B block) open a 20 MiB segment (requests under 10 MiB); both
  // workspaces are split off its tail, leaving 1,931,776 B; the gradient (2,000,384 B) does not fit
  // there and opens a second 20 MiB segment, whose tail also holds the two states; the 1e8 B
  // temporaries (100,000,256 B block) get their own segment rounded to 2 MiB: 48 x 2 MiB.
  // Reserved: 2 x 20 MiB + 100,663,296 = 142,606,336 B; requested at the peak: 4 x 2e6 +
  // 2 x 8,519,680 + 1e8 = 125,039,360 B; the reserve is the difference.
  assert.equal(e.bytes.allocatorReserve, 142_606_336 - 125_039_360);
  assert.equal(e.bytes.overhead, CONTEXT + 2 * 8_519_680 + 17_566_976);
  assert.equal(e.bytes.peakReserved, 142_606_336);
  assert.equal(e.bytes.peak, e.bytes.peakAllocated + e.bytes.overhead);
});

test('forward/backward phase sets the peak with large activations; gradients only with accumulation', () => {
  const model = llamaLike({ vocab: 1000, hidden: 64, layers: 2, heads: 4, kvHeads: 4, headDim: 16, intermediate: 256, tied: true });
  const base = { model, optimizer: adamLike(), precision: 'bf16', batchSize: 8, seqLen: 512 } as const;
  const one = estimateMemory(resolveEstimateInput(base));
  assert.equal(one.peakPhase, 'forward-backward');
  assert.equal(one.bytes.gradients, 0);
  assert.equal(one.bytes.optimizerTemporaries, 0);
  assert.ok(one.bytes.activations > 0);
  const accum = estimateMemory(resolveEstimateInput({ ...base, gradAccum: 4 }));
  assert.equal(accum.peakPhase, 'forward-backward');
  assert.equal(accum.bytes.gradients, one.params.trainable * 2); // bf16 gradients kept across micro-batches
  assert.equal(accum.bytes.activations, one.bytes.activations);
  for (const e of [one, accum]) {
    const b = e.bytes;
    assert.equal(b.peakAllocated, b.weights + b.gradients + b.optimizerState + b.masterWeights + b.optimizerTemporaries + b.activations);
    assert.equal(b.peak, b.peakAllocated + b.overhead);
    assert.ok(b.overhead >= CONTEXT);
  }
});

test('with tiny activations the backward ends with all gradients alive', () => {
  // 1000x1000 matrices, no activations model: forward/backward = states + gradients (no temporaries).
  const e = estimateMemory(resolveEstimateInput({ model: matricesOnly(1, 1000), optimizer: adamLike(), precision: 'bf16' }));
  assert.equal(e.peakPhase, 'forward-backward');
  assert.equal(e.bytes.gradients, 2e6);
  assert.equal(e.bytes.peakAllocated, 2e6 + 2e6 + 4e6);
});

test('fits compares the peak with the GPU size, null when unknown', () => {
  const input = { model: matricesOnly(1, 1000), optimizer: adamLike(), precision: 'bf16' } as const;
  const peak = estimateMemory(resolveEstimateInput(input)).bytes.peak;
  assert.equal(estimateMemory(resolveEstimateInput({ ...input, gpuMemoryBytes: peak })).fits, true);
  assert.equal(estimateMemory(resolveEstimateInput({ ...input, gpuMemoryBytes: peak - 1 })).fits, false);
  assert.equal(estimateMemory(resolveEstimateInput(input)).fits, null);
});

test('notes state the assumptions', () => {
  const e = estimateMemory(resolveEstimateInput({ model: matricesOnly(1, 1000), optimizer: adamLike(), precision: 'bf16' }));
  assert.ok(e.notes.some((n) => n.startsWith('precision: bf16')));
  assert.ok(e.notes.some((n) => n.includes('CUDA context 1343 MiB')));
});
