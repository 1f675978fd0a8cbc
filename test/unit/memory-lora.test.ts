import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEstimateInput } from '../../src/core/memory/defaults';
import { estimateMemory, estimateModelStates } from '../../src/core/memory/estimate';
import { nf4Bytes } from '../../src/core/memory/nf4';
import { InputError } from '../../src/core/types';
import { adamLike, llamaLike, LLAMA_3_2_3B } from './memory-fixtures';

const llama = llamaLike(LLAMA_3_2_3B);
// Llama-3.2-3B parameters by hand: embeddings 128256*3072 = 394,002,432 (lm_head tied);
// per layer q 3072*3072 + k 1024*3072 + v 1024*3072 + o 3072*3072 + 3 MLP 8192*3072 + 2 norms 3072
//   = 9,437,184*2 + 3,145,728*2 + 25,165,824*3 + 6,144 = 100,669,440; 28 layers = 2,818,744,320;
// final norm 3,072. Total 3,212,749,824.
const BASE = 394_002_432 + 28 * 100_669_440 + 3_072;

test('hand-derived Llama-3.2-3B base parameter count', () => {
  assert.equal(BASE, 3_212_749_824);
  const e = estimateMemory(resolveEstimateInput({ model: llama, optimizer: adamLike(), precision: 'bf16', seqLen: 16 }));
  assert.deepEqual(e.params, { total: BASE, trainable: BASE });
});

test('LoRA r=32 on q_proj,v_proj of Llama-3.2-3B: 9,175,040 trainable parameters', () => {
  // q: A 32x3072 + B 3072x32 = 196,608; v: A 32x3072 + B 1024x32 = 131,072; per layer 327,680; x 28.
  const trainable = 28 * (32 * (3072 + 3072) + 32 * (3072 + 1024));
  assert.equal(trainable, 9_175_040);
  const input = resolveEstimateInput({
    model: llama, optimizer: adamLike(), precision: 'bf16', batchSize: 1, seqLen: 16,
    lora: { rank: 32, targets: ['q_proj', 'v_proj'], qlora: false },
  });
  const e = estimateMemory(input);
  assert.deepEqual(e.params, { total: BASE + trainable, trainable });
  const s = estimateModelStates(input).perGpu;
  // Frozen base in bf16; adapters upcast to fp32 by PEFT; gradients and states only for adapters.
  assert.equal(s.weights, BASE * 2 + trainable * 4);
  assert.equal(s.gradients, trainable * 4);
  assert.equal(s.optimizerState, 2 * trainable * 4);
  assert.equal(e.stateTensors.length, 28 * 4);
});

test("LoRA 'all-linear' adapts every Linear except lm_head", () => {
  // per layer (in + out): q 6144, k 4096, v 4096, o 6144, gate/up/down 11264 each = 54,272.
  const input = resolveEstimateInput({ model: llama, optimizer: adamLike(), precision: 'bf16', seqLen: 16, lora: { rank: 8, targets: 'all-linear', qlora: false } });
  assert.equal(estimateMemory(input).params.trainable, 28 * 8 * 54_272);
});

test('NF4 with double quantisation: 4-bit codes + 8-bit absmax per 64 + fp32 absmax per 256 blocks', () => {
  // 4096 x 4096 = 16,777,216 values: codes 8,388,608 B; 262,144 blocks -> 262,144 B of 8-bit absmax;
  // 1,024 second-level fp32 absmax = 4,096 B; fp32 offset 4 B; NF4 code table 16 x 4 = 64 B.
  assert.equal(nf4Bytes(4096 * 4096), 8_388_608 + 262_144 + 4_096 + 4 + 64);
  // ~4.127 bits per parameter (QLoRA paper, Section 3).
  const bits = (8 * nf4Bytes(4096 * 4096)) / (4096 * 4096);
  assert.ok(bits > 4.12 && bits < 4.13, `bits/param ${bits}`);
});

test('QLoRA: every Linear of the base in NF4, embeddings and norms stay bf16, adapters fp32', () => {
  const q = 4_718_592 + 147_456 + 576 * 4 + 68; // 3072x3072: codes + absmax + 2nd level + offset + code table
  const kv = 1_572_864 + 49_152 + 192 * 4 + 68; // 1024x3072
  const mlp = 12_582_912 + 393_216 + 1_536 * 4 + 68; // 8192x3072
  assert.equal(q, nf4Bytes(3072 * 3072));
  const perLayer = 2 * q + 2 * kv + 3 * mlp;
  const sixteenBit = (394_002_432 + 28 * 2 * 3_072 + 3_072) * 2;
  const adapters = 9_175_040 * 4;
  const input = resolveEstimateInput({
    model: llama, optimizer: adamLike(), precision: 'bf16', seqLen: 16,
    lora: { rank: 32, targets: ['q_proj', 'v_proj'], qlora: true },
  });
  assert.equal(estimateModelStates(input).perGpu.weights, 28 * perLayer + sixteenBit + adapters);
});

test('LoRA input errors: unknown targets list the available modules, rank bounds, QLoRA needs LoRA', () => {
  const base = { model: llama, optimizer: adamLike() };
  assert.throws(
    () => resolveEstimateInput({ ...base, lora: { rank: 8, targets: ['query', 'value'], qlora: false } }),
    (e: unknown) => e instanceof InputError && /query, value/.test(e.message) && /q_proj/.test(e.message) && /down_proj/.test(e.message),
  );
  assert.throws(() => resolveEstimateInput({ ...base, lora: { rank: 0, targets: ['q_proj'], qlora: false } }), InputError);
  // v_proj is 1024 x 3072: PEFT accepts a rank above its smaller dimension (1025), not one above both (3073).
  assert.throws(() => resolveEstimateInput({ ...base, lora: { rank: 3073, targets: ['v_proj'], qlora: false } }), /every targeted dimension \(the largest is 3072\)/);
  assert.doesNotThrow(() => resolveEstimateInput({ ...base, seqLen: 16, lora: { rank: 1025, targets: ['v_proj'], qlora: false } }));
  assert.throws(() => resolveEstimateInput({ ...base, qlora: true }), /QLoRA/);
});

test('a target list with one unknown name is accepted as PEFT does, with a note', () => {
  const input = resolveEstimateInput({ model: llama, optimizer: adamLike(), seqLen: 16, lora: { rank: 8, targets: ['q_proj', 'c_attn'], qlora: false } });
  const e = estimateMemory(input);
  assert.equal(e.params.trainable, 28 * 8 * 6144);
  assert.ok(e.notes.some((n) => n.includes('c_attn')));
});
