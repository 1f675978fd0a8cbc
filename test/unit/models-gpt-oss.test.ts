/**
 * The gpt_oss family and the openai/gpt-oss-20b / -120b presets (README: Models). Expectations: OpenAI's model card
 * (arXiv 2508.10925, Table 1: totals 20.91B and 116.83B; MLP 19.12B / 114.71B; attention 0.64B / 0.96B; embed +
 * unembed 1.16B), checked within their rounding, and exact counts derived by hand below from transformers'
 * modeling_gpt_oss.py (GptOssAttention with `sinks` and biases on q/k/v/o, GptOssTopKRouter with a bias,
 * GptOssExperts' four stacked tensors, two RMSNorms per layer, final norm, untied lm_head).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveModelSource } from '../../src/core/model-source';
import { buildInventory, countParams, inventoryForRef } from '../../src/core/models';
import type { ScanJob } from '../../src/core/scan/results';

/** Parameters of a gpt-oss model by hand, split as the model card's Table 1 splits them. */
function byHand(d: { V: number; H: number; L: number; heads: number; kv: number; hd: number; I: number; E: number }) {
  const q = d.heads * d.hd;
  const kvw = d.kv * d.hd;
  // q, k, v, o weights and biases, plus one sink per query head
  const attention = d.L * (d.H * q + q + 2 * (d.H * kvw + kvw) + q * d.H + d.H + d.heads);
  // router weight + bias; gate_up [E, H, 2I] + bias [E, 2I]; down [E, I, H] + bias [E, H]
  const mlp = d.L * (d.E * d.H + d.E + d.E * d.H * 2 * d.I + d.E * 2 * d.I + d.E * d.I * d.H + d.E * d.H);
  const embedUnembed = 2 * d.V * d.H;
  const norms = d.L * 2 * d.H + d.H;
  return { attention, mlp, embedUnembed, total: attention + mlp + embedUnembed + norms };
}

const DIMS = { V: 201_088, H: 2_880, heads: 64, kv: 8, hd: 64, I: 2_880 };
const within = (value: number, billions: number) => Math.abs(value / 1e9 - billions) <= 0.005;

test('openai/gpt-oss-20b: 20,914,757,184 parameters by hand; the model card rounds it to 20.91B', () => {
  const inv = inventoryForRef('openai/gpt-oss-20b');
  assert.equal(inv.family, 'gpt_oss');
  assert.equal(inv.architecture, 'GptOssForCausalLM');
  const total = countParams(inv).total;
  const hand = byHand({ ...DIMS, L: 24, E: 32 });
  assert.equal(total, hand.total);
  assert.equal(total, 20_914_757_184);
  assert.ok(within(total, 20.91), `${total}`);
  assert.ok(within(hand.mlp, 19.12) && within(hand.attention, 0.64) && within(hand.embedUnembed, 1.16));
});

test('openai/gpt-oss-120b: 116,829,156,672 parameters by hand; the model card rounds it to 116.83B', () => {
  const total = countParams(inventoryForRef('openai/gpt-oss-120b')).total;
  const hand = byHand({ ...DIMS, L: 36, E: 128 });
  assert.equal(total, hand.total);
  assert.equal(total, 116_829_156_672);
  assert.ok(within(total, 116.83), `${total}`);
  assert.ok(within(hand.mlp, 114.71) && within(hand.attention, 0.96) && within(hand.embedUnembed, 1.16));
});

test('gpt_oss layer tensors, names, shapes and roles as transformers registers them', () => {
  const cfg = {
    model_type: 'gpt_oss', architectures: ['GptOssForCausalLM'], hidden_size: 32, intermediate_size: 48,
    num_attention_heads: 4, num_key_value_heads: 2, head_dim: 16, num_hidden_layers: 2, num_local_experts: 5, vocab_size: 100,
  };
  const inv = buildInventory(cfg);
  const layer0 = inv.tensors
    .filter((t) => t.name.startsWith('model.layers.0.'))
    .map((t) => `${t.name.slice('model.layers.0.'.length)} ${t.shape.join('x')} ${t.role}`);
  assert.deepEqual(layer0, [
    'self_attn.sinks 4 other',
    'self_attn.q_proj.weight 64x32 matrix',
    'self_attn.q_proj.bias 64 bias',
    'self_attn.k_proj.weight 32x32 matrix',
    'self_attn.k_proj.bias 32 bias',
    'self_attn.v_proj.weight 32x32 matrix',
    'self_attn.v_proj.bias 32 bias',
    'self_attn.o_proj.weight 32x64 matrix',
    'self_attn.o_proj.bias 32 bias',
    'mlp.router.weight 5x32 router',
    'mlp.router.bias 5 bias',
    'mlp.experts.gate_up_proj 5x32x96 matrix',
    'mlp.experts.gate_up_proj_bias 5x96 bias',
    'mlp.experts.down_proj 5x48x32 matrix',
    'mlp.experts.down_proj_bias 5x32 bias',
    'input_layernorm.weight 32 norm',
    'post_attention_layernorm.weight 32 norm',
  ]);
  const names = inv.tensors.map((t) => t.name);
  assert.equal(names[0], 'model.embed_tokens.weight');
  assert.deepEqual(names.slice(-2), ['model.norm.weight', 'lm_head.weight']);
  assert.equal(inv.tensors.find((t) => t.name === 'lm_head.weight')?.tiedTo, undefined);
  assert.deepEqual(inv.warnings, []);
  // the Hub's config.json names MXFP4 experts in quantization_config: said, and the precision assumption with it
  const mxfp4 = buildInventory({ ...cfg, quantization_config: { quant_method: 'mxfp4', modules_to_not_convert: ['lm_head'] } });
  assert.equal(mxfp4.warnings.length, 1);
  assert.match(mxfp4.warnings[0], /quantization_config says mxfp4: .*gate_up_proj \/ down_proj .*assumed: every tensor, experts included, is held at the run's precision/);
  assert.equal(countParams(mxfp4).total, countParams(inv).total);
  // GptOssConfig's defaults: num_experts_per_tok 4, an untied lm_head
  assert.deepEqual(inv.config.num_experts_per_tok, 4);
  assert.equal(inv.config.tie_word_embeddings, false);
});

test('gpt_oss defaults and heads: head_dim 64 when omitted, a tied lm_head when the config says so, the base model unprefixed', () => {
  const cfg = {
    model_type: 'gpt_oss', hidden_size: 32, intermediate_size: 48, num_attention_heads: 4, num_key_value_heads: 2,
    num_hidden_layers: 1, num_local_experts: 4, num_experts_per_tok: 2, vocab_size: 100,
  };
  const causal = buildInventory({ ...cfg, architectures: ['GptOssForCausalLM'], tie_word_embeddings: true });
  const q = causal.tensors.find((t) => t.name === 'model.layers.0.self_attn.q_proj.weight');
  assert.deepEqual(q?.shape, [4 * 64, 32]);
  assert.equal(causal.tensors.find((t) => t.name === 'lm_head.weight')?.tiedTo, 'model.embed_tokens.weight');
  const base = buildInventory({ ...cfg, architectures: ['GptOssModel'] });
  assert.equal(base.tensors[0].name, 'embed_tokens.weight');
  assert.equal(base.tensors.some((t) => t.name.startsWith('lm_head')), false);
  assert.ok(base.tensors.some((t) => t.name === 'layers.0.mlp.experts.down_proj'));
  assert.throws(() => buildInventory({ ...cfg, num_experts_per_tok: 5 }), /'num_experts_per_tok' \(5\) exceeds 'num_local_experts' \(4\)/);
});

function job(id: string): ScanJob {
  return {
    id: 'train.py', folder: '.', files: ['train.py'], settings: {}, sources: {}, defaults: [], pendingLora: null,
    model: { kind: 'hub-id', id, path: 'train.py', range: { line: 1, column: 1, endLine: 1, endColumn: 2 } },
  };
}
const noFiles = { readText: (p: string): string => { throw new Error(`unexpected read of ${p}`); } };

test("Unsloth's gpt-oss mirrors stand for the presets; the -BF16 upload is not matched by its similar name", () => {
  for (const [id, hub] of [['unsloth/gpt-oss-20b', 'openai/gpt-oss-20b'], ['unsloth/gpt-oss-120b', 'openai/gpt-oss-120b']]) {
    const r = resolveModelSource(job(id), noFiles, {});
    assert.equal(r.status, 'resolved', id);
    if (r.status === 'resolved') {
      assert.equal(r.model.inventory.family, 'gpt_oss');
      assert.equal(countParams(r.model.inventory).total, countParams(inventoryForRef(hub)).total);
    }
  }
  // Unsloth's loader (mapper.py) does not list unsloth/gpt-oss-20b-BF16, and its name is not the preset's.
  assert.equal(resolveModelSource(job('unsloth/gpt-oss-20b-BF16'), noFiles, {}).status, 'needs-config');
});
