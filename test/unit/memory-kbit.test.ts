/**
 * 8-bit base weights (LLM.int8), prepare_model_for_kbit_training's fp32 upcast, PEFT modules_to_save
 * and the DPO reference model. Expected bytes are derived by hand from the fixture's shapes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEstimateInput } from '../../src/core/memory/defaults';
import { estimateMemory } from '../../src/core/memory/estimate';
import { int8WeightBytes } from '../../src/core/memory/int8';
import { nf4Bytes } from '../../src/core/memory/nf4';
import { InputError } from '../../src/core/types';
import { adamLike, llamaLike } from './memory-fixtures';

// 2 layers; per layer q/k/v/o 64x64 (4,096 values each), gate/up [256, 64], down [64, 256] (16,384 each);
// embed_tokens and lm_head [1000, 64] (64,000 each, untied); 5 norms of 64.
const model = llamaLike({ vocab: 1000, hidden: 64, layers: 2, heads: 4, kvHeads: 4, headDim: 16, intermediate: 256, tied: false });
const lora = { rank: 4, targets: ['q_proj', 'v_proj'], qlora: false } as const;
const base = { model, optimizer: adamLike(), precision: 'bf16', batchSize: 1, seqLen: 8 } as const;
const group = (e: ReturnType<typeof estimateMemory>, part: string, dtype: string) =>
  e.weightStorage.find((g) => g.part === part && g.dtype === dtype);

test('LLM.int8 weights: one byte per value plus one fp32 scale per output row', () => {
  assert.equal(int8WeightBytes([256, 64]), 256 * 64 + 4 * 256);
  const e = estimateMemory(resolveEstimateInput({ ...base, lora: { ...lora, int8: true } }));
  const int8 = group(e, 'base', 'int8');
  assert.ok(int8);
  assert.equal(int8.tensors, 14); // every Linear but lm_head
  // Per layer: 4 x (4096 + 4*64) + 2 x (16384 + 4*256) + (16384 + 4*64).
  assert.equal(int8.bytes, 2 * (4 * (4096 + 256) + 2 * (16384 + 1024) + (16384 + 256)));
  // One dequantised weight in flight in backward: the largest int8 weight (16,384 values) in bf16.
  assert.ok(e.notes.some((n) => n.startsWith('LLM.int8: activations include one int8 weight dequantised to bf16') && n.includes('16,384')));
});

test('prepare_model_for_kbit_training casts the unquantised base weights to fp32', () => {
  const plain = estimateMemory(resolveEstimateInput({ ...base, lora: { ...lora, qlora: true } }));
  const prep = estimateMemory(resolveEstimateInput({ ...base, lora: { ...lora, qlora: true, prepareKbit: true } }));
  const unquantised = 2 * 64_000 + 5 * 64; // embed_tokens, lm_head and the norms
  assert.equal(group(plain, 'base', 'bf16')?.elements, unquantised);
  assert.equal(group(prep, 'base', 'fp32')?.bytes, unquantised * 4);
  assert.equal(prep.bytes.weights - plain.bytes.weights, unquantised * 2);
  assert.throws(() => resolveEstimateInput({ ...base, lora: { ...lora, prepareKbit: true } }), InputError);
  assert.throws(() => resolveEstimateInput({ ...base, lora: { ...lora, qlora: true, int8: true } }), InputError);
});

test('modules_to_save: a trainable copy with its gradients and optimizer state, in the base dtype', () => {
  const plain = estimateMemory(resolveEstimateInput({ ...base, gradAccum: 2, lora }));
  const saved = estimateMemory(resolveEstimateInput({ ...base, gradAccum: 2, lora: { ...lora, modulesToSave: ['lm_head'] } }));
  const copy = group(saved, 'modules-to-save', 'bf16');
  assert.deepEqual([copy?.tensors, copy?.elements, copy?.trainable], [1, 64_000, true]);
  assert.equal(saved.params.trainable - plain.params.trainable, 64_000);
  assert.equal(saved.bytes.weights - plain.bytes.weights, 64_000 * 2);
  assert.equal(saved.bytes.gradients - plain.bytes.gradients, 64_000 * 2); // bf16 gradients of the copy
  assert.equal(saved.bytes.optimizerState - plain.bytes.optimizerState, 2 * 64_000 * 2); // two bf16 moments (adapters keep fp32)
  assert.ok(saved.notes.some((n) => n.includes('modules_to_save lm_head')));
  // The trained head keeps its input for backward: 1 x 8 tokens x 64 hidden in bf16.
  assert.equal(saved.bytes.activations - plain.bytes.activations, 8 * 64 * 2);
});

test('DPO reference model: a frozen copy of the base for a full fine-tune, none under LoRA', () => {
  const full = estimateMemory(resolveEstimateInput(base));
  const dpo = estimateMemory(resolveEstimateInput({ ...base, referenceModel: true }));
  assert.equal(dpo.bytes.weights, 2 * full.bytes.weights);
  assert.equal(group(dpo, 'reference', 'bf16')?.bytes, full.bytes.weights);
  assert.equal(dpo.bytes.gradients, full.bytes.gradients);
  assert.equal(dpo.bytes.optimizerState, full.bytes.optimizerState);
  const l = estimateMemory(resolveEstimateInput({ ...base, lora }));
  const ldpo = estimateMemory(resolveEstimateInput({ ...base, lora, referenceModel: true }));
  assert.equal(ldpo.bytes.weights, l.bytes.weights);
  assert.ok(ldpo.notes.some((n) => n.includes('adapter disabled')));
});

test('modules_to_save on a head tied to the embeddings copies it as its own trainable weight', () => {
  const tied = llamaLike({ vocab: 1000, hidden: 64, layers: 2, heads: 4, kvHeads: 4, headDim: 16, intermediate: 256, tied: true });
  const e = estimateMemory(resolveEstimateInput({ ...base, model: tied, lora: { ...lora, modulesToSave: ['lm_head'] } }));
  const copy = group(e, 'modules-to-save', 'bf16');
  assert.deepEqual([copy?.tensors, copy?.elements], [1, 64_000]);
  assert.equal(e.params.trainable, 64_000 + 2 * 2 * (4 * 64 + 64 * 4)); // the copy + A/B of q_proj and v_proj in 2 layers
});

test('NF4 without double quantisation keeps one fp32 absmax per 64 weights', () => {
  // 16,384 values: 8,192 packed bytes + 256 blocks x 4 B absmax + the 16-entry fp32 code.
  assert.equal(nf4Bytes(16384, false), 8192 + 256 * 4 + 64);
  // Double-quantised: 256 uint8 absmax + one fp32 per 256 blocks + the fp32 offset + the code.
  assert.equal(nf4Bytes(16384), 8192 + 256 + 4 + 4 + 64);
  const qlora = { ...lora, qlora: true, computeDtype: 'bf16' } as const;
  const dq = group(estimateMemory(resolveEstimateInput({ ...base, lora: qlora })), 'base', 'nf4');
  const plain = group(estimateMemory(resolveEstimateInput({ ...base, lora: { ...qlora, doubleQuant: false } })), 'base', 'nf4');
  assert.ok(dq && plain);
  // 14 quantised weights: 8 of 4,096 values (64 blocks) and 6 of 16,384 (256 blocks).
  assert.equal(plain.bytes - dq.bytes, 8 * (nf4Bytes(4096, false) - nf4Bytes(4096)) + 6 * (nf4Bytes(16384, false) - nf4Bytes(16384)));
});

test('QLoRA under Lightning Fabric: the head is quantised too, and dequantised weights come back in fp16', () => {
  const qlora = { ...lora, qlora: true, computeDtype: 'bf16' } as const;
  const e = estimateMemory(resolveEstimateInput({ ...base, lora: { ...qlora, quantiseHead: true } }));
  const nf4 = group(e, 'base', 'nf4');
  assert.ok(nf4);
  assert.equal(nf4.tensors, 15); // every Linear, lm_head [1000, 64] included
  // The largest 4-bit weight is now the head (64,000 values): dequantised to bf16 in flight.
  assert.ok(e.notes.some((n) => n.includes('64,000 values: bf16;')));
  const fp16 = estimateMemory(resolveEstimateInput({ ...base, lora: { ...qlora, quantiseHead: true, quantisedFrom: 'fp16' } }));
  // dequantize_4bit returns fp16, then MatMul4Bit casts to the bf16 input: one more 2-byte copy.
  assert.equal(fp16.bytes.activations - e.bytes.activations, 64000 * 2);
  assert.ok(fp16.notes.some((n) => n.includes('64,000 values: fp16 + bf16;')));
});
