/**
 * Memory features of real recipes (README "Memory the way recipes run"): optimizer step in backward,
 * chunked / fused linear cross-entropy, activation offloading, paged optimizer state, and the CUDA
 * context as its own line. Expected values are derived by hand from the fixtures' shapes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEstimateInput } from '../../src/core/memory/defaults';
import { estimateMemory, fitVerdict } from '../../src/core/memory/estimate';
import { ligerChunkTokens } from '../../src/core/memory/loss';
import { CUDA_CONTEXT } from '../../src/core/memory/overhead';
import { resolveOptimizer } from '../../src/core/optimizers';
import { adamLike, llamaLike } from './memory-fixtures';

// vocab 1000, hidden 64, 2 layers, untied: embed_tokens and lm_head are the largest tensors (64,000 values).
const model = llamaLike({ vocab: 1000, hidden: 64, layers: 2, heads: 4, kvHeads: 4, headDim: 16, intermediate: 256, tied: false });
const base = { model, optimizer: adamLike(), precision: 'bf16', batchSize: 8, seqLen: 512 } as const;

test('optimizer in backward: one gradient in flight (the largest tensor), no optimizer-step phase', () => {
  const after = estimateMemory(resolveEstimateInput({ ...base, gradAccum: 2 }));
  const fused = estimateMemory(resolveEstimateInput({ ...base, optimizerInBackward: true }));
  assert.equal(fused.bytes.gradients, 64_000 * 2); // bf16 gradient of a 1000 x 64 matrix
  assert.equal(fused.peakPhase, 'forward-backward');
  // Same resident states and the same activations as the accumulating run, minus all gradients but one.
  assert.equal(fused.bytes.activations, after.bytes.activations);
  assert.equal(after.bytes.peakAllocated - fused.bytes.peakAllocated, after.bytes.gradients - 64_000 * 2);
  assert.ok(fused.notes.some((n) => n.includes('model.embed_tokens.weight')));
  assert.ok(!fused.notes.some((n) => n.startsWith('error:')));
});

test('optimizer in backward with gradient accumulation is flagged as an error torchtune raises', () => {
  const e = estimateMemory(resolveEstimateInput({ ...base, optimizerInBackward: true, gradAccum: 4 }));
  assert.ok(e.notes.some((n) => n.startsWith('error: gradient accumulation (4)') && n.includes('torchtune')));
  assert.equal(e.bytes.gradients, 64_000 * 2);
});

test("HF's layer-wise GaLore spellings step in backward; the plain spelling does not", () => {
  const layerwise = resolveOptimizer('galore_adamw_8bit_layerwise');
  const plain = resolveOptimizer('galore_adamw_8bit');
  assert.ok(layerwise && plain);
  assert.equal(layerwise.variant.stepInBackward, true);
  assert.notEqual(plain.variant.stepInBackward, true);
  const lw = estimateMemory(resolveEstimateInput({ ...base, optimizer: layerwise }));
  const pl = estimateMemory(resolveEstimateInput({ ...base, optimizer: plain, optimizerInBackward: true }));
  assert.equal(lw.bytes.gradients, 64_000 * 2);
  assert.equal(lw.bytes.peakAllocated, pl.bytes.peakAllocated);
});

test('chunked loss: logits stay in bf16, no fp32 copies, one chunk gradient at a time', () => {
  // With accumulation the forward/backward phase holds every activation, so the loss difference shows whole.
  const tokens = 8 * 512;
  const logits = tokens * 1000;
  const standard = estimateMemory(resolveEstimateInput({ ...base, gradAccum: 2 }));
  const chunked = estimateMemory(resolveEstimateInput({ ...base, gradAccum: 2, loss: { kind: 'chunked', chunks: 8, compiled: true } }));
  // standard: logits bf16 + 3 fp32 buffers = 14 B/value; chunked: 2 B/value + one chunk's bf16 gradient.
  assert.equal(standard.bytes.activations - chunked.bytes.activations, logits * 14 - (logits * 2 + (logits / 8) * 2));
  const more = estimateMemory(resolveEstimateInput({ ...base, gradAccum: 2, loss: { kind: 'chunked', chunks: 16, compiled: true } }));
  assert.equal(chunked.bytes.activations - more.bytes.activations, (logits / 8) * 2 - (logits / 16) * 2);
});

test('chunked loss without compile: every chunk keeps its fp32 log-softmax; one chunk of fp32 gradients at a time', () => {
  const logits = 8 * 512 * 1000;
  const compiled = estimateMemory(resolveEstimateInput({ ...base, gradAccum: 2, loss: { kind: 'chunked', chunks: 8, compiled: true } }));
  const eager = estimateMemory(resolveEstimateInput({ ...base, gradAccum: 2, loss: { kind: 'chunked', chunks: 8, compiled: false } }));
  // eager: 2 + 4 B per logit + 8 B per value of one chunk; compiled: 2 B per logit + 2 B per value of one chunk.
  assert.equal(eager.bytes.activations - compiled.bytes.activations, logits * 4 + (logits / 8) * 8 - (logits / 8) * 2);
  assert.ok(eager.notes.some((n) => n.includes('eager')));
});

test("fused linear loss: Liger's chunk of tokens, grad_input and the head's grad_weight instead of logits", () => {
  assert.equal(ligerChunkTokens(4096, 4096, 128_256), 128); // next_power_of_2(cdiv(4096, cdiv(128256, 4096) = 32))
  assert.equal(ligerChunkTokens(4096, 64, 1000), 256); // cdiv(1000, 64) = 16 -> 4096 / 16 = 256
  assert.equal(ligerChunkTokens(10, 4096, 1000), 10); // never more than the tokens
  const tokens = 8 * 512;
  const logits = tokens * 1000;
  const standard = estimateMemory(resolveEstimateInput({ ...base, gradAccum: 2 }));
  const fused = estimateMemory(resolveEstimateInput({ ...base, gradAccum: 2, loss: { kind: 'fused-linear' } }));
  const gradInput = tokens * 64 * 2;
  const gradWeight = 64_000 * 2; // lm_head trains (full fine-tune), bf16
  const chunk = 256 * 1000 * 2;
  assert.equal(standard.bytes.activations - fused.bytes.activations, logits * 14 - (gradInput + gradWeight + chunk));
});

test('activation offloading: one layer plus five in-flight layer inputs stay on the GPU', () => {
  const deep = llamaLike({ vocab: 1000, hidden: 64, layers: 12, heads: 4, kvHeads: 4, headDim: 16, intermediate: 256, tied: false });
  const b = { ...base, model: deep, gradAccum: 2, gradientCheckpointing: true } as const;
  const kept = estimateMemory(resolveEstimateInput(b));
  const off = estimateMemory(resolveEstimateInput({ ...b, activationOffload: true }));
  const input = 8 * 512 * 64 * 2; // one bf16 layer input
  assert.equal(kept.bytes.activations - off.bytes.activations, (12 - 5) * input);
  assert.ok(off.notes.some((n) => n.startsWith('activation offloading to CPU')));
  // With fewer layers than the stash nothing is saved.
  const shallow = { ...b, model };
  assert.equal(estimateMemory(resolveEstimateInput({ ...shallow, activationOffload: true })).bytes.activations, estimateMemory(resolveEstimateInput(shallow)).bytes.activations);
});

test('paged optimizer state: state1/state2 of tensors >= 1e5 values leave the peak; verdict "fits with paging"', () => {
  // hidden 512, vocab 1000: embed_tokens/lm_head 512,000 values (paged), q/k/v/o 262,144 (paged),
  // gate/up/down 512 x 256 = 131,072 (paged), norms 512 (device).
  const m = llamaLike({ vocab: 1000, hidden: 512, layers: 1, heads: 8, kvHeads: 8, headDim: 64, intermediate: 256, tied: false });
  const paged = resolveOptimizer('PagedAdamW8bit', {}, 'bitsandbytes');
  const plain = resolveOptimizer('AdamW8bit', {}, 'bitsandbytes');
  assert.ok(paged && plain);
  const b = { model: m, precision: 'bf16', batchSize: 1, seqLen: 16 } as const;
  const p = estimateMemory(resolveEstimateInput({ ...b, optimizer: paged }));
  const q = estimateMemory(resolveEstimateInput({ ...b, optimizer: plain }));
  const big = 2 * 512_000 + 4 * 262_144 + 3 * 131_072; // values of the paged tensors
  assert.equal(p.bytes.pagedOptimizerState, 2 * big); // two uint8 states per value
  assert.equal(p.bytes.optimizerState + p.bytes.pagedOptimizerState, q.bytes.optimizerState);
  assert.equal(q.bytes.pagedOptimizerState, 0);
  assert.equal(q.bytes.peakAllocated - p.bytes.peakAllocated, 2 * big);
  // A GPU that holds the peak but not the paged state beside it.
  const budget = p.bytes.peak + p.bytes.pagedOptimizerState - 1;
  const tight = estimateMemory(resolveEstimateInput({ ...b, optimizer: paged, gpuMemoryBytes: budget }));
  assert.equal(tight.verdict, 'fits-with-paging');
  assert.equal(tight.fits, true);
  assert.ok(tight.notes.some((n) => n.startsWith('fits with paging')));
  assert.equal(estimateMemory(resolveEstimateInput({ ...b, optimizer: paged, gpuMemoryBytes: budget + 1 })).verdict, 'fits');
  assert.equal(estimateMemory(resolveEstimateInput({ ...b, optimizer: paged, gpuMemoryBytes: p.bytes.peak - 1 })).verdict, 'does-not-fit');
});

test('fit verdict', () => {
  assert.equal(fitVerdict(10, 5, null), null);
  assert.equal(fitVerdict(10, 5, 15), 'fits');
  assert.equal(fitVerdict(10, 5, 14), 'fits-with-paging');
  assert.equal(fitVerdict(10, 0, 9), 'does-not-fit');
});

test('CUDA context and cuBLAS workspaces are their own lines: peak = reserved + context, reserved = allocated + rounding + workspaces', () => {
  const e = estimateMemory(resolveEstimateInput(base));
  assert.equal(e.bytes.cudaContext, CUDA_CONTEXT.bytes);
  assert.equal(e.bytes.cudaContext, 1343 * 2 ** 20); // transformers "Model training anatomy": 1343 MB after loading kernels
  assert.equal(e.bytes.cublasWorkspace, 2 * (2 * 4096 * 1024 + 8 * 16 * 1024)); // ":4096:2:16:8", forward + backward handles
  assert.equal(e.bytes.peakReserved, e.bytes.peakAllocated + e.bytes.allocatorReserve + e.bytes.cublasWorkspace);
  assert.equal(e.bytes.peak, e.bytes.peakReserved + e.bytes.cudaContext);
  assert.equal(e.bytes.overhead, e.bytes.cudaContext + e.bytes.cublasWorkspace + e.bytes.allocatorReserve);
});

test('ranking: a paged optimizer goes behind an equally scored one without paging; its paged state counts in the tie-break', async () => {
  const { compareCandidates } = await import('../../src/core/advisor/score');
  const plain = { optimizer: 'adamw-8bit', tier: 'does-not-fit', score: 4, peakBytes: 100 } as const;
  const paged = { optimizer: 'paged-adamw-8bit', tier: 'does-not-fit', score: 4, peakBytes: 60, pagedBytes: 40 } as const;
  assert.ok(compareCandidates(plain, paged) < 0);
  assert.ok(compareCandidates(paged, plain) > 0);
  // A better tier still wins: paging that makes a job fit ranks it first.
  assert.ok(compareCandidates({ ...paged, tier: 'ok' }, plain) < 0);
  // Two paged candidates compare by peak + paged state.
  assert.ok(compareCandidates({ ...paged, peakBytes: 50, pagedBytes: 60 }, paged) > 0);
});
