/**
 * The load dtype: base weights stored as loaded under fp32 training and torch AMP, the precision
 * mode deciding under pure half precision and DeepSpeed, 'auto' through config.json, the stated
 * assumption when unknown, adapters, and QLoRA's dequantisation temporaries. Byte counts by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEstimateInput } from '../../src/core/memory/defaults';
import type { PartialEstimateInput } from '../../src/core/memory/defaults';
import { estimateMemory, estimateModelStates } from '../../src/core/memory/estimate';
import { inventoryForRef } from '../../src/core/models';
import { resolveOptimizer } from '../../src/core/optimizers';
import { InputError } from '../../src/core/types';
import { adamLike, llamaLike, LLAMA_3_2_3B, matricesOnly } from './memory-fixtures';

// Llama-2-7B by hand: embeddings 32000 x 4096 = 131,072,000 and an untied lm_head of the same size;
// per layer q/k/v/o 4 x 4096 x 4096 = 67,108,864, MLP 3 x 4096 x 11008 = 135,266,304, two norms
// 8,192 -> 202,383,360; 32 layers = 6,476,267,520; final norm 4,096. Total 6,738,415,616.
const LLAMA2_7B = 2 * 131_072_000 + 32 * 202_383_360 + 4_096;
// LoRA r = 16 on q_proj and v_proj (4096 x 4096 each): A 16 x 4096 + B 4096 x 16 = 131,072 per
// module, 2 modules x 32 layers = 8,388,608 adapter parameters.
const ADAPTERS = 32 * 2 * 16 * (4096 + 4096);

const llama2 = inventoryForRef('meta-llama/Llama-2-7b-hf');
const adamw = (): NonNullable<ReturnType<typeof resolveOptimizer>> => {
  const o = resolveOptimizer('adamw');
  assert.ok(o);
  return o;
};
const lora16 = { rank: 16, targets: ['q_proj', 'v_proj'], qlora: false } as const;

function statesOf(extra: Omit<PartialEstimateInput, 'model' | 'optimizer'>, model = llama2, optimizer = adamw()) {
  return estimateModelStates(resolveEstimateInput({ model, optimizer, seqLen: 16, ...extra }));
}

test('7B LoRA loaded in bf16 under bf16 AMP: base = params x 2 B, adapters fp32 with fp32 grads and AdamW states', () => {
  assert.equal(LLAMA2_7B, 6_738_415_616);
  assert.equal(ADAPTERS, 8_388_608);
  const ms = statesOf({ precision: 'bf16-mixed', loadDtype: 'bf16', lora: lora16 });
  const s = ms.perGpu;
  assert.equal(s.weights, LLAMA2_7B * 2 + ADAPTERS * 4);
  assert.equal(s.gradients, ADAPTERS * 4);
  assert.equal(s.optimizerState, 2 * ADAPTERS * 4); // exp_avg + exp_avg_sq in fp32 (torch AdamW, foreach)
  assert.equal(s.masterWeights, 0);
  assert.deepEqual(ms.base, { dtype: 'bf16', source: 'load', reason: 'the model is loaded in bf16' });

  const e = estimateMemory(resolveEstimateInput({ model: llama2, optimizer: adamw(), seqLen: 16, precision: 'bf16-mixed', loadDtype: 'bf16', lora: lora16 }));
  assert.deepEqual(e.weightStorage, [
    { part: 'base', trainable: false, dtype: 'bf16', tensors: 2 + 32 * 9 + 1, elements: LLAMA2_7B, bytes: LLAMA2_7B * 2 },
    { part: 'adapter', trainable: true, dtype: 'fp32', tensors: 32 * 2 * 2, elements: ADAPTERS, bytes: ADAPTERS * 4 },
  ]);
  assert.equal(e.baseDtype.dtype, 'bf16');
});

test('the same job without a load dtype keeps the old fp32 base and says it was assumed, and why', () => {
  const ms = statesOf({ precision: 'bf16-mixed', lora: lora16 });
  assert.equal(ms.perGpu.weights, LLAMA2_7B * 4 + ADAPTERS * 4);
  assert.equal(ms.base.source, 'assumed');
  assert.equal(ms.base.dtype, 'fp32');
  // Llama-2's config.json says float16: transformers >= 5 would load that.
  assert.match(ms.base.reason, /assumed fp32/);
  assert.match(ms.base.reason, /transformers >= 5/);
  assert.match(ms.base.reason, /torch_dtype "float16"/);
  const e = estimateMemory(resolveEstimateInput({ model: llama2, optimizer: adamw(), seqLen: 16, lora: lora16 }));
  assert.ok(e.notes.some((n) => n.startsWith('base weights: fp32 (assumed)')), e.notes.join('\n'));
});

test("'auto' takes config.json's torch_dtype (Llama-2: float16); without one it stays unknown", () => {
  const ms = statesOf({ precision: 'bf16-mixed', loadDtype: 'auto', lora: lora16 });
  assert.equal(ms.perGpu.weights, LLAMA2_7B * 2 + ADAPTERS * 4);
  assert.equal(ms.base.dtype, 'fp16');
  assert.equal(ms.base.source, 'config');
  // a model config without a dtype: 'auto' cannot be resolved, the fp32 assumption applies
  const plain = statesOf({ precision: 'bf16-mixed', loadDtype: 'auto' }, matricesOnly(2, 100), adamLike());
  assert.equal(plain.base.source, 'assumed');
  assert.equal(plain.perGpu.weights, 2 * 100 * 100 * 4);
});

test('full fine-tune: bf16 load under bf16 AMP, or without autocast, costs exactly what pure bf16 costs', () => {
  const model = llamaLike(LLAMA_3_2_3B);
  const bytes = (extra: Omit<PartialEstimateInput, 'model' | 'optimizer'>) =>
    estimateMemory(resolveEstimateInput({ model, optimizer: adamLike(), batchSize: 2, seqLen: 64, ...extra })).bytes;
  const pure = bytes({ precision: 'bf16' });
  assert.deepEqual(bytes({ precision: 'bf16-mixed', loadDtype: 'bf16' }), pure);
  assert.deepEqual(bytes({ precision: 'fp32', loadDtype: 'bf16' }), pure);
  assert.deepEqual(bytes({ precision: 'fp16-mixed', loadDtype: 'fp16' }), bytes({ precision: 'fp16' }));
  // an fp32 load is what the AMP row of the table already assumes
  assert.deepEqual(bytes({ precision: 'bf16-mixed', loadDtype: 'fp32' }), bytes({ precision: 'bf16-mixed' }));
});

test('pure half precision and DeepSpeed mixed precision cast the model: the load dtype does not change the bytes', () => {
  const model = matricesOnly(2, 1000);
  const psi = 2 * 1000 * 1000;
  for (const precision of ['bf16', 'fp16'] as const) {
    const a = statesOf({ precision, loadDtype: 'fp32' }, model, adamLike());
    assert.equal(a.perGpu.weights, 2 * psi);
    assert.equal(a.base.source, 'precision');
    assert.deepEqual(a.perGpu, statesOf({ precision }, model, adamLike()).perGpu);
  }
  const ds = statesOf({ precision: 'bf16-mixed', zeroStage: 2, gpus: 2, loadDtype: 'fp32' }, model, adamLike());
  assert.deepEqual(ds.perGpu, statesOf({ precision: 'bf16-mixed', zeroStage: 2, gpus: 2 }, model, adamLike()).perGpu);
  assert.equal(ds.base.dtype, 'bf16');
  assert.match(ds.base.reason, /DeepSpeed mixed precision casts the whole model to bf16/);
});

test('adapters: PEFT fp32 by default; a tool-stated dtype (torchtune) keeps them, their gradients and states in it', () => {
  const model = llamaLike(LLAMA_3_2_3B);
  // Llama-3.2-3B LoRA r = 32 on q_proj, v_proj: 9,175,040 adapter parameters (memory-lora.test.ts)
  const n = 9_175_040;
  const lora = { rank: 32, targets: ['q_proj', 'v_proj'], qlora: false } as const;
  const peft = statesOf({ precision: 'bf16', lora }, model, adamLike()).perGpu;
  assert.equal(peft.gradients, n * 4);
  const tt = statesOf({ precision: 'bf16', loadDtype: 'bf16', lora: { ...lora, adapterDtype: 'bf16' } }, model, adamLike()).perGpu;
  assert.equal(tt.gradients, n * 2);
  assert.equal(tt.optimizerState, 2 * n * 2);
  assert.equal(tt.weights - peft.weights, -n * 2);
});

test('QLoRA: one dequantised weight in flight, sized by the stored, compute and autocast dtypes', () => {
  const model = llamaLike(LLAMA_3_2_3B);
  // The largest quantised weight is an MLP projection, 8192 x 3072 = 25,165,824 values.
  const big = 8192 * 3072;
  const qlora = { rank: 8, targets: ['q_proj'], qlora: true } as const;
  const est = (extra: Omit<PartialEstimateInput, 'model' | 'optimizer'>) =>
    estimateMemory(resolveEstimateInput({ model, optimizer: adamLike(), batchSize: 1, seqLen: 32, ...extra }));
  // bf16 AMP, compute dtype not stated: dequantised bf16 (the stored half dtype) + fp32 (the
  // assumed compute dtype) + bf16 (autocast) = 8 B per value; compute bf16: the bf16 copy only, 2 B.
  const assumed = est({ precision: 'bf16-mixed', lora: qlora });
  const bf16 = est({ precision: 'bf16-mixed', lora: { ...qlora, computeDtype: 'bf16' } });
  assert.equal(assumed.bytes.activations - bf16.bytes.activations, big * (8 - 2));
  assert.ok(assumed.notes.some((n) => /dequantised 4-bit weight/.test(n) && /float32/.test(n)), assumed.notes.join('\n'));
  // fp32 training (no autocast), weights loaded in fp16, compute fp16: fp16 copy only, 2 B;
  // compute fp32: fp16 + fp32 = 6 B.
  const fp16 = est({ precision: 'fp32', loadDtype: 'fp16', lora: { ...qlora, computeDtype: 'fp16' } });
  const fp32 = est({ precision: 'fp32', loadDtype: 'fp16', lora: { ...qlora, computeDtype: 'fp32' } });
  assert.equal(fp32.bytes.activations - fp16.bytes.activations, big * (6 - 2));
  // the embeddings, norms and lm_head of a QLoRA model stay in the load dtype
  assert.deepEqual(fp16.weightStorage.filter((g) => g.part === 'base').map((g) => g.dtype), ['fp16', 'nf4']);
});

test('input checks: a load dtype outside fp32/bf16/fp16/auto is rejected; the compute dtype needs QLoRA', () => {
  const base = { model: matricesOnly(1, 10), optimizer: adamLike() };
  assert.throws(() => resolveEstimateInput({ ...base, loadDtype: 'int8' as 'bf16' }), (e: unknown) => e instanceof InputError && /load dtype/.test(e.message));
  const model = llamaLike(LLAMA_3_2_3B);
  const plain = resolveEstimateInput({ model, optimizer: adamLike(), lora: { rank: 8, targets: ['q_proj'], qlora: false, computeDtype: 'bf16' } });
  assert.equal(plain.lora?.computeDtype, undefined, 'dropped without 4-bit weights');
  const q = resolveEstimateInput({ model, optimizer: adamLike(), lora: { rank: 8, targets: ['q_proj'], qlora: true, computeDtype: 'bf16' } });
  assert.equal(q.lora?.computeDtype, 'bf16');
  assert.equal(resolveEstimateInput(base).loadDtype, null);
});
