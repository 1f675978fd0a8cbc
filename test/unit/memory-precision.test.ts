import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEstimateInput } from '../../src/core/memory/defaults';
import { estimateModelStates } from '../../src/core/memory/estimate';
import type { PartialEstimateInput } from '../../src/core/memory/defaults';
import { adamLike, matricesOnly } from './memory-fixtures';

// Two 1000x1000 matrices: Ψ = 2,000,000 trainable parameters. The optimizer double keeps two
// states shaped like each parameter in the dtype the optimizer steps in.
const PSI = 2 * 1000 * 1000;
const model = matricesOnly(2, 1000);

function states(extra: Omit<PartialEstimateInput, 'model' | 'optimizer'>) {
  return estimateModelStates(resolveEstimateInput({ model, optimizer: adamLike(), ...extra })).perGpu;
}

test('fp32: 4-byte weights, gradients and states, no master copy', () => {
  const s = states({ precision: 'fp32' });
  assert.equal(s.weights, 4 * PSI);
  assert.equal(s.gradients, 4 * PSI);
  assert.equal(s.optimizerState, 2 * 4 * PSI);
  assert.equal(s.masterWeights, 0);
});

test('bf16-mixed / fp16-mixed (torch AMP): fp32 weights, gradients, states; no master copy', () => {
  for (const precision of ['bf16-mixed', 'fp16-mixed'] as const) {
    const s = states({ precision });
    assert.equal(s.weights, 4 * PSI);
    assert.equal(s.gradients, 4 * PSI);
    assert.equal(s.optimizerState, 2 * 4 * PSI);
    assert.equal(s.masterWeights, 0);
  }
});

test('bf16 / fp16 pure: weights, gradients and states in 2 bytes', () => {
  for (const precision of ['bf16', 'fp16'] as const) {
    const s = states({ precision });
    assert.equal(s.weights, 2 * PSI);
    assert.equal(s.gradients, 2 * PSI);
    assert.equal(s.optimizerState, 2 * 2 * PSI);
    assert.equal(s.masterWeights, 0);
  }
});

test('DeepSpeed mixed precision (ZeRO-1 on 1 GPU): half weights/grads + fp32 grad copy, fp32 master and states', () => {
  // Without DeepSpeed's reduction buckets (their sizes are memory-zero.test.ts's subject).
  const s = states({ precision: 'bf16-mixed', zeroStage: 1, gpus: 1, zeroBuckets: null });
  assert.equal(s.weights, 2 * PSI);
  assert.equal(s.gradients, 2 * PSI + 4 * PSI); // half grads + DeepSpeed's fp32 gradient partition
  assert.equal(s.masterWeights, 4 * PSI);
  assert.equal(s.optimizerState, 2 * 4 * PSI); // states in fp32 (the master dtype)
});

test('master weights exist only under DeepSpeed/ZeRO mixed precision', () => {
  assert.equal(states({ precision: 'bf16-mixed', zeroStage: 0 }).masterWeights, 0);
  assert.equal(states({ precision: 'fp32', zeroStage: 1, gpus: 4 }).masterWeights, 0);
  assert.equal(states({ precision: 'bf16', zeroStage: 2, gpus: 4 }).masterWeights, 0);
  assert.equal(states({ precision: 'fp16-mixed', zeroStage: 1, gpus: 4 }).masterWeights, (4 * PSI) / 4);
  // The ZeRO paper's accounting keeps the fp32 copy even without partitioning (its baseline).
  assert.equal(states({ precision: 'bf16-mixed', zeroStage: 0, zeroAccounting: 'paper' }).masterWeights, 4 * PSI);
});
