/**
 * The qwen3 family and the Qwen2.5 / Qwen3 / Mistral v0.3 / Llama 3.3 presets (README: Models). Expectations: Keras
 * Hub's published parameter counts of the same checkpoints (keras-hub qwen3_presets.py at 1df65dab, qwen_presets.py at
 * d7a5c31f: "params") and counts by hand from transformers' modeling_qwen3.py (q_norm / k_norm of [head_dim]).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInventory, countParams, inventoryForRef } from '../../src/core/models';

const total = (id: string) => countParams(inventoryForRef(id)).total;

/** A Llama-layout decoder by hand; qkNorm adds two [head_dim] norms per layer (Qwen3). */
function decoderCount(d: { V: number; H: number; L: number; heads: number; kv: number; hd: number; I: number; tied: boolean; qkvBias?: boolean; qkNorm?: boolean }): number {
  const q = d.heads * d.hd;
  const kvw = d.kv * d.hd;
  const attn = d.H * q + 2 * d.H * kvw + q * d.H + (d.qkvBias ? q + 2 * kvw : 0) + (d.qkNorm ? 2 * d.hd : 0);
  const layer = attn + 3 * d.H * d.I + 2 * d.H;
  return d.V * d.H + d.L * layer + d.H + (d.tied ? 0 : d.V * d.H);
}

test('Qwen3 presets: Keras Hub published totals (0.6B 596,049,920; 4B 4,022,468,096; 8B 8,190,735,360; 14B 14,768,307,200)', () => {
  assert.equal(total('Qwen/Qwen3-0.6B'), 596_049_920);
  assert.equal(total('Qwen/Qwen3-4B'), 4_022_468_096);
  assert.equal(total('Qwen/Qwen3-4B-Base'), 4_022_468_096);
  assert.equal(total('Qwen/Qwen3-4B-Instruct-2507'), 4_022_468_096);
  assert.equal(total('Qwen/Qwen3-8B'), 8_190_735_360);
  assert.equal(total('Qwen/Qwen3-14B'), 14_768_307_200);
  assert.equal(total('Qwen/Qwen3-8B'), decoderCount({ V: 151936, H: 4096, L: 36, heads: 32, kv: 8, hd: 128, I: 12288, tied: false, qkNorm: true }));
});

test('qwen3 family: q_norm / k_norm [head_dim] after o_proj, head_dim defaults to 128, attention_bias on all four projections', () => {
  const cfg = { model_type: 'qwen3', architectures: ['Qwen3ForCausalLM'], hidden_size: 64, intermediate_size: 96, num_attention_heads: 4, num_key_value_heads: 2, num_hidden_layers: 2, vocab_size: 100 };
  const inv = buildInventory(cfg);
  const names = inv.tensors.filter((t) => t.name.startsWith('model.layers.0.self_attn.')).map((t) => `${t.name} ${t.shape.join('x')}`);
  assert.deepEqual(names, [
    'model.layers.0.self_attn.q_proj.weight 512x64',
    'model.layers.0.self_attn.k_proj.weight 256x64',
    'model.layers.0.self_attn.v_proj.weight 256x64',
    'model.layers.0.self_attn.o_proj.weight 64x512',
    'model.layers.0.self_attn.q_norm.weight 128',
    'model.layers.0.self_attn.k_norm.weight 128',
  ]);
  // Qwen3Config: tie_word_embeddings=False -> lm_head counted.
  assert.equal(countParams(inv).total, decoderCount({ V: 100, H: 64, L: 2, heads: 4, kv: 2, hd: 128, I: 96, tied: false, qkNorm: true }));
  const biased = buildInventory({ ...cfg, head_dim: 16, attention_bias: true });
  assert.ok(biased.tensors.some((t) => t.name === 'model.layers.1.self_attn.o_proj.bias'));
  assert.equal(countParams(biased).total, decoderCount({ V: 100, H: 64, L: 2, heads: 4, kv: 2, hd: 16, I: 96, tied: false, qkNorm: true, qkvBias: true }) + 2 * 64);
  const cls = buildInventory({ ...cfg, architectures: ['Qwen3ForSequenceClassification'], num_labels: 3 });
  assert.deepEqual(cls.tensors.at(-1), { ...cls.tensors.at(-1), name: 'score.weight', shape: [3, 64] });
});

test('Qwen2.5 1.5B / 3B presets: 3B is Keras Hub\'s 3,085,938,688; 1.5B (tied, q/k/v bias) by hand', () => {
  assert.equal(total('Qwen/Qwen2.5-3B'), 3_085_938_688);
  assert.equal(total('Qwen/Qwen2.5-3B-Instruct'), 3_085_938_688);
  const q15 = decoderCount({ V: 151936, H: 1536, L: 28, heads: 12, kv: 2, hd: 128, I: 8960, tied: true, qkvBias: true });
  assert.equal(total('Qwen/Qwen2.5-1.5B'), q15);
  assert.equal(total('Qwen/Qwen2.5-1.5B-Instruct'), q15);
  assert.equal(q15, 1_543_714_304);
});

test('Llama-3.3-70B-Instruct counts as Llama-3.1-70B (torchtune: identical apart from the checkpoints)', () => {
  assert.equal(total('meta-llama/Llama-3.3-70B-Instruct'), total('meta-llama/Llama-3.1-70B'));
  assert.equal(total('meta-llama/Llama-3.3-70B-Instruct'), decoderCount({ V: 128256, H: 8192, L: 80, heads: 64, kv: 8, hd: 128, I: 28672, tied: false }));
});
