import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseInput, VALIDATION_CASES } from '../../src/core/memory/validation';
import { accelerateEstimate, deepspeedEstimate, eleutherEstimate } from '../../scripts/peer-estimators';

const input = (id: string): ReturnType<typeof caseInput> => {
  const c = VALIDATION_CASES.find((x) => x.id === id);
  assert.ok(c, id);
  return caseInput(c);
};

test('DeepSpeed ZeRO estimators on the ZeRO paper model (7.5e9 params, 64 GPUs)', () => {
  // estimate_zero2_model_states_mem_needs without offload: 2P + 18P / gpus.
  assert.equal(deepspeedEstimate(input('zero-fig1-pos+g')).bytes, 2 * 7.5e9 + Math.floor((18 * 7.5e9) / 64));
  // estimate_zero3_model_states_mem_needs without offload: 4 x largest layer (one 10000 x 10000 matrix) + 18P / gpus.
  assert.equal(deepspeedEstimate(input('zero-fig1-pos+g+p')).bytes, 4 * 1e8 + Math.floor((18 * 7.5e9) / 64));
});

test('accelerate estimate-memory prints the largest of model / gradients / optimizer / step sizes', () => {
  const fp32 = input('hf-bert-large-bs4-adamw'); // float32: step = 4 x the fp32 size = 16 B/param
  const p = fp32.model.tensors.filter((t) => t.tiedTo === undefined).reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
  assert.equal(accelerateEstimate(fp32).bytes, 16 * p);
  const mixed = input('hf-bert-large-bs4-fp16-adamw'); // float16: optimizer = step = 2 x the fp32 size = 8 B/param
  assert.equal(accelerateEstimate(mixed).bytes, 8 * p);
});

test('EleutherAI cookbook: 4P gradients + 12P optimizer + model + the s·b·h·L activation formula', () => {
  const i = input('hf-bert-large-bs4-adamw'); // fp32 (no mixed precision): model 4P
  const p = i.model.tensors.filter((t) => t.tiedTo === undefined).reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
  const s = 512, b = 4, h = 1024, L = 24, a = 16;
  const acts = s * b * h * L * ((16 * 2 + 2) + (2 * 2 + 1) * ((a * s) / h));
  assert.equal(eleutherEstimate(i).bytes, acts + 4 * p + 4 * p + 12 * p);
  assert.equal(eleutherEstimate(i, true).bytes, 4 * p + 4 * p + 12 * p);
});
