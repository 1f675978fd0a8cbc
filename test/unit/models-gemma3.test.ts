/**
 * The gemma2 and gemma3_text families and their presets (README: Models). Expectations: Keras Hub's published
 * parameter counts of the same checkpoints (keras-hub gemma_presets.py: gemma2_2b_en 2,614,341,888, gemma2_9b_en
 * 9,241,705,984; gemma3_presets.py: gemma3_1b 999,885,952, gemma3_270m 268,098,176) and the tensor list of transformers'
 * modeling_gemma2.py / modeling_gemma3.py (four RMSNorms per layer; Gemma 3 adds q_norm / k_norm of [head_dim]).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInventory, countParams, inventoryForRef } from '../../src/core/models';

const total = (id: string) => countParams(inventoryForRef(id)).total;

test('Gemma 2 presets: Keras Hub published totals (2B 2,614,341,888; 9B 9,241,705,984)', () => {
  assert.equal(total('google/gemma-2-2b'), 2_614_341_888);
  assert.equal(total('google/gemma-2-2b-it'), 2_614_341_888);
  assert.equal(total('google/gemma-2-9b'), 9_241_705_984);
});

test('Gemma 3 1B and 270M presets: Keras Hub published totals 999,885,952 and 268,098,176', () => {
  assert.equal(total('google/gemma-3-1b-it'), 999_885_952);
  assert.equal(total('google/gemma-3-270m'), 268_098_176);
  assert.equal(total('google/gemma-3-270m-it'), 268_098_176);
});

test('gemma3_text: Gemma3ForCausalLM layer tensors in transformers order, tied lm_head, Gemma3TextModel without head', () => {
  const cfg = { model_type: 'gemma3_text', architectures: ['Gemma3ForCausalLM'], hidden_size: 32, intermediate_size: 48, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 16, num_hidden_layers: 1, vocab_size: 50 };
  const inv = buildInventory(cfg);
  assert.equal(inv.family, 'gemma3_text');
  assert.deepEqual(inv.tensors.map((t) => `${t.name} ${t.shape.join('x')}`), [
    'model.embed_tokens.weight 50x32',
    'model.layers.0.self_attn.q_proj.weight 32x32',
    'model.layers.0.self_attn.k_proj.weight 16x32',
    'model.layers.0.self_attn.v_proj.weight 16x32',
    'model.layers.0.self_attn.o_proj.weight 32x32',
    'model.layers.0.self_attn.q_norm.weight 16',
    'model.layers.0.self_attn.k_norm.weight 16',
    'model.layers.0.mlp.gate_proj.weight 48x32',
    'model.layers.0.mlp.up_proj.weight 48x32',
    'model.layers.0.mlp.down_proj.weight 32x48',
    'model.layers.0.input_layernorm.weight 32',
    'model.layers.0.post_attention_layernorm.weight 32',
    'model.layers.0.pre_feedforward_layernorm.weight 32',
    'model.layers.0.post_feedforward_layernorm.weight 32',
    'model.norm.weight 32',
    'lm_head.weight 50x32',
  ]);
  // Tied: lm_head counted once. 1,600 + (1,024 + 512 + 512 + 1,024 + 32 + 4,608 + 128) + 32.
  assert.equal(countParams(inv).total, 1_600 + 7_840 + 32);
  const base = buildInventory({ ...cfg, architectures: ['Gemma3TextModel'] });
  assert.equal(base.tensors[0].name, 'embed_tokens.weight');
  assert.equal(countParams(base).total, 1_600 + 7_840 + 32);
});

test('gemma2: the four norms without q_norm / k_norm; head_dim defaults to 256', () => {
  const inv = buildInventory({ model_type: 'gemma2', architectures: ['Gemma2ForCausalLM'], hidden_size: 32, intermediate_size: 48, num_attention_heads: 2, num_key_value_heads: 1, num_hidden_layers: 1, vocab_size: 50 });
  const names = inv.tensors.map((t) => t.name);
  assert.ok(names.includes('model.layers.0.pre_feedforward_layernorm.weight'));
  assert.ok(!names.some((n) => n.endsWith('q_norm.weight')));
  assert.deepEqual(inv.tensors.find((t) => t.name === 'model.layers.0.self_attn.q_proj.weight')?.shape, [512, 32]);
});
