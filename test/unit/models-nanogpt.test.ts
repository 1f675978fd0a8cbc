/**
 * nanoGPT's GPT (src/core/models/families/nanogpt.ts), the model a nanoGPT-style script builds from its globals: the
 * counts nanoGPT prints for its shakespeare-char config, and the biases `bias=True` adds, counted by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInventory, countParams } from '../../src/core/models';

const SHAKESPEARE_CHAR = { model_type: 'nanogpt', n_layer: 6, n_head: 6, n_embd: 384, block_size: 256, vocab_size: 65, bias: false, dropout: 0.2 };

test("bias=False: nanoGPT's own optimizer lines for the shakespeare-char config, 10,740,096 decayed + 4,992 non-decayed", () => {
  const inv = buildInventory(SHAKESPEARE_CHAR, 'config');
  assert.equal(inv.family, 'nanogpt');
  assert.equal(countParams(inv).total, 10_740_096 + 4_992);
  const t = new Map(inv.tensors.map((x) => [x.name, x]));
  assert.equal(t.has('transformer.h.0.attn.c_attn.bias'), false);
  assert.equal(t.has('transformer.ln_f.bias'), false);
  assert.deepEqual(t.get('transformer.h.0.attn.c_attn.weight')?.shape, [1152, 384], 'nn.Linear, [out, in]');
  assert.equal(t.get('lm_head.weight')?.tiedTo, 'transformer.wte.weight');
});

test('bias=True adds every Linear and LayerNorm bias: 6 x (3·384 + 384 + 4·384 + 384 + 2·384) + 384', () => {
  const inv = buildInventory({ ...SHAKESPEARE_CHAR, bias: true }, 'config');
  assert.equal(countParams(inv).total, 10_745_088 + 6 * (11 * 384) + 384);
});
