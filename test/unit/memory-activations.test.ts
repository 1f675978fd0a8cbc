import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEstimateInput } from '../../src/core/memory/defaults';
import type { PartialEstimateInput } from '../../src/core/memory/defaults';
import { estimateMemory } from '../../src/core/memory/estimate';
import { adamLike, llamaLike } from './memory-fixtures';

// A tiny Llama-layout model: h = 8, 2 heads of 4 (kv heads 2), intermediate 16, 2 layers,
// vocab 10, untied lm_head. Micro-batch 2 x 4 tokens = 8 tokens, sequence s = 4.
const tiny = llamaLike({ vocab: 10, hidden: 8, layers: 2, heads: 2, kvHeads: 2, headDim: 4, intermediate: 16, tied: false });
const TOKENS = 8;

function activations(extra: Omit<PartialEstimateInput, 'model' | 'optimizer'>): number {
  const e = estimateMemory(resolveEstimateInput({ model: tiny, optimizer: adamLike(), batchSize: 2, seqLen: 4, ...extra }));
  assert.equal(e.peakPhase, 'forward-backward');
  assert.equal(e.bytes.gradients, 0); // gradients do not exist yet at the start of backward
  return e.bytes.activations;
}

// Loss buffers (logits are 8 tokens x 10 = 80 values): bf16 logits 2 B + fp32 log-softmax 4 B +
// fp32 gradients of log-probs and of the upcast logits 4 + 4 B = 14 B per value.
const LOSS = 80 * (2 + 4 + 4 + 4);

test('pure bf16, SDPA, no checkpointing: per-layer saved tensors by hand', () => {
  // Per token per layer (bytes): RMSNorm fp32 input 4h + normalised bf16 2h = 48; q/k/v input 2h = 16;
  // q, k, v 16 each; SDPA output 16; logsumexp 4 x 2 heads = 8; o_proj input 16  -> attention 152.
  // RMSNorm 48; MLP input 16; gate, SiLU output, up, down input 2 x 16 each = 128 -> MLP 192.
  const perLayer = 152 + 192;
  const head = 48 * TOKENS + 2 * 8 * TOKENS; // final norm + lm_head input
  assert.equal(activations({ precision: 'bf16', attention: 'sdpa' }), perLayer * TOKENS * 2 + head + LOSS); // 7136
});

test('eager attention stores the s x s softmax output instead of SDPA output and logsumexp', () => {
  // q, k, v 16 each + softmax output 2 B x 2 heads x s=4 = 16; no dropout in this stack.
  const perLayer = 48 + 16 + 48 + 16 + 16 + 192;
  const head = 48 * TOKENS + 16 * TOKENS;
  assert.equal(activations({ precision: 'bf16', attention: 'eager' }), perLayer * TOKENS * 2 + head + LOSS); // 7008
});

test('eager attention grows with s^2 while SDPA grows with s', () => {
  const at = (seqLen: number, attention: 'eager' | 'sdpa'): number =>
    estimateMemory(resolveEstimateInput({ model: tiny, optimizer: adamLike(), batchSize: 2, seqLen, precision: 'bf16', attention })).bytes.activations;
  // Softmax output per layer: 2 B x 2 heads x s^2 x batch 2; SDPA has no such term.
  const eagerGrowth = at(64, 'eager') - 2 * at(32, 'eager');
  const sdpaGrowth = at(64, 'sdpa') - 2 * at(32, 'sdpa');
  assert.equal(sdpaGrowth, 0);
  assert.equal(eagerGrowth, 2 * 2 * 2 * 2 * (64 * 64 - 2 * 32 * 32));
});

test('gradient checkpointing keeps each layer input and recomputes one layer after the loss backward', () => {
  // Layer inputs: 2 B x h = 16 B per token per layer. Backward runs the loss and the head first
  // (their buffers are freed), then recomputes the last layer (344 B per token) while the model
  // output still holds the bf16 logits (80 values x 2 B): the peak is the larger of the two.
  const inputs = 16 * TOKENS * 2;
  const head = 48 * TOKENS + 16 * TOKENS;
  const recompute = 344 * TOKENS + 80 * 2;
  assert.equal(activations({ precision: 'bf16', gradientCheckpointing: true }), inputs + Math.max(head + LOSS, recompute)); // 3168
});

test('PyTorch < 1.11: eager softmax keeps its input beside its output', () => {
  // The s x s input in bf16: 2 B x 2 heads x s=4 = 16 B per token per layer; nothing changes under SDPA.
  const eager = { precision: 'bf16', attention: 'eager' } as const;
  assert.equal(activations({ ...eager, softmaxSavesInput: true }) - activations(eager), 16 * TOKENS * 2);
  const sdpa = { precision: 'bf16', attention: 'sdpa' } as const;
  assert.equal(activations({ ...sdpa, softmaxSavesInput: true }), activations(sdpa));
});

test('QLoRA under bitsandbytes < 0.43.2: every 4-bit Linear keeps its input', () => {
  // Per token per layer, bf16: q/k/v input 2h = 16, o_proj input 16, MLP input 16, down_proj input 2i = 32.
  const qlora = { precision: 'bf16', lora: { rank: 2, targets: ['q_proj', 'v_proj'], qlora: true, computeDtype: 'bf16' } } as const;
  const legacy = { ...qlora, lora: { ...qlora.lora, savesQuantisedInputs: true } } as const;
  assert.equal(activations(legacy) - activations(qlora), 80 * TOKENS * 2);
});

test('grouped-query attention stores K and V with the kv heads only (SDPA)', () => {
  const gqa = llamaLike({ vocab: 10, hidden: 8, layers: 2, heads: 2, kvHeads: 1, headDim: 4, intermediate: 16, tied: false });
  const e = estimateMemory(resolveEstimateInput({ model: gqa, optimizer: adamLike(), batchSize: 2, seqLen: 4, precision: 'bf16' }));
  // K and V each shrink from 2 B x 8 to 2 B x 4 per token: 16 B less per token per layer.
  assert.equal(e.bytes.activations, (344 - 2 * 8) * TOKENS * 2 + 64 * TOKENS + LOSS);
});

test('dropout adds masks (1 byte) and, with eager attention, the dropped softmax', () => {
  const drop = llamaLike({ vocab: 10, hidden: 8, layers: 2, heads: 2, kvHeads: 2, headDim: 4, intermediate: 16, tied: false, dropout: true });
  const e = estimateMemory(resolveEstimateInput({ model: drop, optimizer: adamLike(), batchSize: 2, seqLen: 4, precision: 'bf16', attention: 'eager' }));
  // + softmax dropout mask 2 heads x 4 = 8, its output 2 B x 8 = 16, attention and MLP output masks 8 + 8.
  const perLayer = 336 + 8 + 16 + 8 + 8;
  const head = 64 * TOKENS + 8 * TOKENS; // + embedding dropout mask h = 8
  assert.equal(e.bytes.activations, perLayer * TOKENS * 2 + head + LOSS);
});

test('LoRA: frozen matmuls do not keep their inputs; adapters keep an fp32 copy of theirs', () => {
  // Per layer: RMSNorm fp32 input only 32 (scale frozen), q/k/v/out/lse 72, RMSNorm 32,
  // gate, SiLU output, up 96 (down_proj frozen) = 232. Adapters on q_proj and v_proj (r = 2):
  // lora_A input in fp32 (8 x 4 B) + rank output (2 x 4 B) = 40 B per module per token.
  const perLayer = 32 + 72 + 32 + 96;
  const adapters = 2 * 40 * 2 * TOKENS;
  const head = 32 * TOKENS; // final norm fp32 input only; lm_head frozen
  assert.equal(
    activations({ precision: 'bf16', lora: { rank: 2, targets: ['q_proj', 'v_proj'], qlora: false } }),
    perLayer * TOKENS * 2 + adapters + head + LOSS,
  ); // 6368
});

test('torch AMP (bf16-mixed): fp32 residual stream, bf16 matmul activations, saved bf16 weight copies', () => {
  // RMSNorm: fp32 input 4h + fp32 normalised 4h = 64; attention 16 + 64 + 8 + 16 = 104; MLP 16 + 128.
  const perLayer = 64 + 104 + 64 + 144;
  const head = 64 * TOKENS + 16 * TOKENS;
  // Half copies of every fp32 matmul weight: per layer 4 x 64 + 3 x 128 = 640 values, x 2 layers,
  // + lm_head 80 = 1360 values x 2 B.
  const copies = 1360 * 2;
  assert.equal(activations({ precision: 'bf16-mixed' }), perLayer * TOKENS * 2 + head + LOSS + copies); // 10496
});
