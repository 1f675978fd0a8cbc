/**
 * GaLore as it is used: target modules (HF optim_target_modules), rank from optim_args, the SVD
 * refresh's temporaries and layer-wise updates. Expected values derived by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEstimateInput } from '../../src/core/memory/defaults';
import { estimateMemory } from '../../src/core/memory/estimate';
import { optimizerStateBytes, resolveOptimizer } from '../../src/core/optimizers';
import { isGaloreTarget } from '../../src/core/optimizers/galore-adamw';
import type { ParamTensor } from '../../src/core/types';
import { llamaLike } from './memory-fixtures';

const q: ParamTensor = { name: 'model.layers.0.self_attn.q_proj.weight', shape: [64, 64], role: 'matrix', trainable: true, module: 'q_proj' };
const up: ParamTensor = { name: 'model.layers.0.mlp.up_proj.weight', shape: [256, 64], role: 'matrix', trainable: true, module: 'up_proj' };

test('target modules match substrings of the module path, as the Trainer does; absent = every hidden Linear', () => {
  assert.equal(isGaloreTarget(q, ['attn']), true);
  assert.equal(isGaloreTarget(up, ['attn']), false);
  assert.equal(isGaloreTarget(up, ['attn', 'mlp']), true);
  assert.equal(isGaloreTarget(up, null), true);
  assert.equal(isGaloreTarget({ ...up, role: 'lm-head' }, null), false);
});

test('rank and target modules shape the state: only targets keep low-rank moments', () => {
  const galore = resolveOptimizer('galore_adamw');
  assert.ok(galore);
  const hyper = { ...galore.spec.defaults, rank: 16 };
  const all = optimizerStateBytes(galore, [q, up], { paramDtype: 'fp32', hyper });
  const attn = optimizerStateBytes(galore, [q, up], { paramDtype: 'fp32', hyper: { ...hyper, target_modules: 'attn' } });
  // q 64x64 (m >= n): ortho [16, 64] + two moments [64, 16]; up 256x64: ortho [16, 64] + two moments [256, 16].
  const qBytes = (16 * 64 + 2 * 64 * 16) * 4;
  assert.equal(all.bytes, qBytes + (16 * 64 + 2 * 256 * 16) * 4);
  // With targets 'attn' the MLP weight keeps full AdamW moments.
  assert.equal(attn.bytes, qBytes + 2 * 256 * 64 * 4);
});

test('step temporaries: the SVD refresh of the largest target (fp32 copy, U, S, Vh) or the full-rank update', () => {
  const galore = resolveOptimizer('galore_adamw');
  assert.ok(galore?.spec.stepTemporaryBytes);
  const ctx = { paramDtype: 'bf16' as const, hyper: { ...galore.spec.defaults }, variant: galore.variant };
  // up 256x64 in bf16: fp32 copy 256*64*4 + U 256*64*4 + S 64*4 + Vh 64*64*4 = 147,712 > 2 x 256*64*2.
  assert.equal(galore.spec.stepTemporaryBytes([q, up], ctx), 256 * 64 * 4 + (256 * 64 + 64 + 64 * 64) * 4);
});

test('layer-wise GaLore: one gradient and one SVD refresh in flight during backward', () => {
  const model = llamaLike({ vocab: 1000, hidden: 64, layers: 2, heads: 4, kvHeads: 4, headDim: 16, intermediate: 256, tied: false });
  const layerwise = resolveOptimizer('galore_adamw_layerwise');
  assert.ok(layerwise);
  const e = estimateMemory(resolveEstimateInput({ model, optimizer: layerwise, precision: 'bf16', batchSize: 1, seqLen: 8, hyperparameters: { rank: 16 } }));
  assert.equal(e.bytes.gradients, 64_000 * 2); // embed_tokens / lm_head, bf16
  // Largest one-tensor temporaries: AdamW's sqrt over the 64,000-value embedding (bf16) = 128,000 B,
  // or the SVD of a 256x64 target = 147,712 B.
  assert.equal(e.bytes.optimizerTemporaries, 147_712);
});

test("Trainer arguments: optim_args and optim_target_modules become GaLore's settings", async () => {
  const { scanFiles } = await import('../../src/core/scan');
  const text = JSON.stringify({
    output_dir: 'out', per_device_train_batch_size: 1, learning_rate: 1e-5, optim: 'galore_adamw_8bit_layerwise',
    optim_args: 'rank=1024, update_proj_gap=500, scale=0.25', optim_target_modules: ['attn', 'mlp'],
  }, null, 2);
  const job = scanFiles([{ path: 'training_args.json', text }]).jobs[0];
  assert.ok(job);
  assert.deepEqual(job.settings.optimizerParams, { rank: 1024, update_proj_gap: 500, scale: 0.25, target_modules: 'attn,mlp' });
  const galore = resolveOptimizer(job.settings.optimizer as string, job.settings.optimizerParams, job.optimizerEcosystem);
  assert.equal(galore?.variant.stepInBackward, true);
  assert.equal(galore?.variant.stateBits, 8);
});

test('the profiler projects the same tensors as the catalog: target_modules restricts the 2-D matrix weights', async () => {
  const { GaloreAdamWOptimizer } = await import('../../src/profiler/optimizers/galore-adamw');
  const roleOf = (name: string) => (name.includes('embed') ? ('embedding' as const) : ('matrix' as const));
  const attnOnly = new GaloreAdamWOptimizer({ target_modules: 'attn' }, { roleOf });
  assert.equal(attnOnly.isTarget(q.name, q.shape), true);
  assert.equal(attnOnly.isTarget(up.name, up.shape), false);
  assert.equal(attnOnly.isTarget('model.embed_tokens.weight', [1000, 64]), false);
  const all = new GaloreAdamWOptimizer({}, { roleOf });
  assert.equal(all.isTarget(up.name, up.shape), true);
  assert.throws(() => new GaloreAdamWOptimizer({ target_modules: 3 }), /string or null/);
});
