/**
 * Tensor names, shapes, roles and modules of the inventory, and the architecture shapes the
 * activation model reads. Expected values are written out from the transformers/torchvision module
 * definitions (hand-derived), not printed by the code under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInventory, countParams, findPreset, inventoryForRef, listPresets } from '../../src/core/models';
import type { ParamTensor } from '../../src/core/types';
import type { JsonObject, ModelInventory, TransformerStack } from '../../src/core/models/types';

function byName(inv: ModelInventory): Map<string, ParamTensor> {
  return new Map(inv.tensors.map((t) => [t.name, t]));
}

function stacks(inv: ModelInventory): readonly TransformerStack[] {
  assert.equal(inv.shape.kind, 'transformer');
  return inv.shape.kind === 'transformer' ? inv.shape.stacks : [];
}

function preset(ref: string, override: JsonObject = {}): JsonObject {
  const p = findPreset(ref);
  assert.ok(p);
  return { ...p.config, ...override };
}

test('Llama-3-8B GQA: k/v projections have 8 kv heads x 128 = 1024 rows', () => {
  const t = byName(inventoryForRef('meta-llama/Meta-Llama-3-8B'));
  assert.deepEqual(t.get('model.layers.0.self_attn.q_proj.weight')?.shape, [32 * 128, 4096]);
  assert.deepEqual(t.get('model.layers.0.self_attn.k_proj.weight')?.shape, [8 * 128, 4096]);
  assert.deepEqual(t.get('model.layers.31.self_attn.v_proj.weight')?.shape, [8 * 128, 4096]);
  assert.deepEqual(t.get('model.layers.0.self_attn.o_proj.weight')?.shape, [4096, 32 * 128]);
  const [s] = stacks(inventoryForRef('meta-llama/Meta-Llama-3-8B'));
  assert.equal(s.kvHeads, 8);
  assert.equal(s.headDim, 128);
});

test('Llama tensor names, roles and modules', () => {
  const inv = inventoryForRef('meta-llama/Llama-2-7b-hf');
  const t = byName(inv);
  const expect = (name: string, shape: number[], role: string, module: string) => {
    const x = t.get(name);
    assert.ok(x, name);
    assert.deepEqual(x.shape, shape, name);
    assert.equal(x.role, role, name);
    assert.equal(x.module, module, name);
    assert.equal(x.trainable, true);
  };
  expect('model.embed_tokens.weight', [32000, 4096], 'embedding', 'embed_tokens');
  expect('model.layers.0.self_attn.q_proj.weight', [4096, 4096], 'matrix', 'q_proj');
  expect('model.layers.0.mlp.gate_proj.weight', [11008, 4096], 'matrix', 'gate_proj');
  expect('model.layers.0.mlp.down_proj.weight', [4096, 11008], 'matrix', 'down_proj');
  expect('model.layers.0.input_layernorm.weight', [4096], 'norm', 'input_layernorm');
  expect('model.layers.31.post_attention_layernorm.weight', [4096], 'norm', 'post_attention_layernorm');
  expect('model.norm.weight', [4096], 'norm', 'norm');
  expect('lm_head.weight', [32000, 4096], 'lm-head', 'lm_head');
  // 9 tensors per layer (4 attention, 3 MLP, 2 norms) + embed + final norm + head.
  assert.equal(inv.tensors.length, 32 * 9 + 3);
  // LoRA-style targeting by leaf module name.
  assert.equal(inv.tensors.filter((x) => x.module === 'q_proj' || x.module === 'v_proj').length, 64);
  assert.equal(inv.tensors.some((x) => x.name.endsWith('.bias')), false);
});

test('LlamaModel (base) names have no model. prefix', () => {
  const t = byName(buildInventory(preset('meta-llama/Llama-2-7b-hf', { architectures: ['LlamaModel'] })));
  assert.ok(t.has('embed_tokens.weight'));
  assert.ok(t.has('layers.0.self_attn.q_proj.weight'));
  assert.equal(t.has('lm_head.weight'), false);
});

test('Llama attention_bias / mlp_bias add biases of the right size', () => {
  const inv = buildInventory(preset('meta-llama/Meta-Llama-3-8B', { attention_bias: true, mlp_bias: true }));
  const t = byName(inv);
  assert.deepEqual(t.get('model.layers.0.self_attn.k_proj.bias')?.shape, [1024]);
  assert.deepEqual(t.get('model.layers.0.self_attn.o_proj.bias')?.shape, [4096]);
  assert.deepEqual(t.get('model.layers.0.mlp.up_proj.bias')?.shape, [14336]);
  assert.equal(t.get('model.layers.0.mlp.up_proj.bias')?.role, 'bias');
  const base = countParams(inventoryForRef('meta-llama/Meta-Llama-3-8B')).total;
  assert.equal(countParams(inv).total - base, 32 * (4096 + 1024 + 1024 + 4096 + 14336 + 14336 + 4096));
});

test('Qwen2: q/k/v biases present, o_proj bias absent', () => {
  const t = byName(inventoryForRef('Qwen/Qwen2.5-7B'));
  assert.deepEqual(t.get('model.layers.0.self_attn.q_proj.bias')?.shape, [3584]);
  assert.deepEqual(t.get('model.layers.0.self_attn.k_proj.bias')?.shape, [4 * 128]);
  assert.deepEqual(t.get('model.layers.27.self_attn.v_proj.bias')?.shape, [4 * 128]);
  assert.equal(t.get('model.layers.0.self_attn.q_proj.bias')?.role, 'bias');
  assert.equal(t.get('model.layers.0.self_attn.q_proj.bias')?.module, 'q_proj');
  assert.equal(t.has('model.layers.0.self_attn.o_proj.bias'), false);
  assert.equal(t.has('model.layers.0.mlp.gate_proj.bias'), false);
});

test('Mixtral: router and expert tensors', () => {
  const inv = inventoryForRef('mistralai/Mixtral-8x7B-v0.1');
  const t = byName(inv);
  const router = t.get('model.layers.0.block_sparse_moe.gate.weight');
  assert.deepEqual(router?.shape, [8, 4096]);
  assert.equal(router?.role, 'router');
  assert.equal(router?.module, 'gate');
  assert.deepEqual(t.get('model.layers.0.block_sparse_moe.experts.0.w1.weight')?.shape, [14336, 4096]);
  assert.deepEqual(t.get('model.layers.0.block_sparse_moe.experts.7.w2.weight')?.shape, [4096, 14336]);
  assert.deepEqual(t.get('model.layers.31.block_sparse_moe.experts.3.w3.weight')?.shape, [14336, 4096]);
  assert.equal(t.get('model.layers.0.block_sparse_moe.experts.7.w2.weight')?.role, 'matrix');
  assert.equal(t.has('model.layers.0.block_sparse_moe.experts.8.w1.weight'), false);
  assert.equal(t.has('model.layers.0.mlp.gate_proj.weight'), false);
  assert.equal(inv.tensors.filter((x) => /experts\.\d+\.w[123]\.weight$/.test(x.name)).length, 32 * 8 * 3);
  const [s] = stacks(inv);
  assert.deepEqual(s.experts, { count: 8, perToken: 2 });
  assert.equal(s.intermediate, 14336);
});

test('Phi-3 fused projections', () => {
  const t = byName(inventoryForRef('microsoft/Phi-3-mini-4k-instruct'));
  assert.deepEqual(t.get('model.layers.0.self_attn.qkv_proj.weight')?.shape, [(32 + 2 * 32) * 96, 3072]);
  assert.deepEqual(t.get('model.layers.0.mlp.gate_up_proj.weight')?.shape, [2 * 8192, 3072]);
  assert.equal(t.get('model.layers.0.mlp.gate_up_proj.weight')?.module, 'gate_up_proj');
  assert.equal(t.has('model.layers.0.self_attn.q_proj.weight'), false);
});

test('GPT-2 Conv1D weights are [in, out]', () => {
  const t = byName(inventoryForRef('gpt2'));
  assert.deepEqual(t.get('transformer.h.0.attn.c_attn.weight')?.shape, [768, 2304]);
  assert.equal(t.get('transformer.h.0.attn.c_attn.weight')?.module, 'c_attn');
  assert.deepEqual(t.get('transformer.h.11.mlp.c_fc.weight')?.shape, [768, 3072]);
  assert.deepEqual(t.get('transformer.h.11.mlp.c_proj.weight')?.shape, [3072, 768]);
  assert.equal(t.get('transformer.wpe.weight')?.role, 'position-embedding');
  assert.deepEqual(t.get('transformer.wpe.weight')?.shape, [1024, 768]);
  assert.equal(t.get('transformer.ln_f.bias')?.role, 'norm');
});

test('GPT-NeoX names', () => {
  const t = byName(inventoryForRef('EleutherAI/pythia-1b'));
  assert.deepEqual(t.get('gpt_neox.layers.0.attention.query_key_value.weight')?.shape, [6144, 2048]);
  assert.deepEqual(t.get('gpt_neox.layers.0.attention.query_key_value.bias')?.shape, [6144]);
  assert.deepEqual(t.get('gpt_neox.layers.15.mlp.dense_4h_to_h.weight')?.shape, [2048, 8192]);
  assert.deepEqual(t.get('embed_out.weight')?.shape, [50304, 2048]);
  assert.equal(t.get('embed_out.weight')?.tiedTo, undefined);
});

// Heads as transformers builds them (modeling_gpt2.py / modeling_gpt_neox.py): `score` = nn.Linear(hidden,
// num_labels, bias=False); token classification `classifier` = nn.Linear(hidden, num_labels) with bias; the LM head
// tied to the input embedding unless tie_word_embeddings is false.
test('GPT-2 and GPT-NeoX heads: tied or untied LM head, score without bias, classifier with bias', () => {
  const gpt2 = findPreset('gpt2')!.config;
  const lm = byName(buildInventory({ ...gpt2, architectures: ['GPT2LMHeadModel'] }));
  assert.equal(lm.get('lm_head.weight')?.tiedTo, 'transformer.wte.weight');
  const untied = byName(buildInventory({ ...gpt2, architectures: ['GPT2LMHeadModel'], tie_word_embeddings: false }));
  assert.deepEqual(untied.get('lm_head.weight')?.shape, [50257, 768]);
  assert.equal(untied.get('lm_head.weight')?.tiedTo, undefined);
  const seq = buildInventory({ ...gpt2, architectures: ['GPT2ForSequenceClassification'], num_labels: 3 });
  assert.deepEqual(byName(seq).get('score.weight')?.shape, [3, 768]);
  assert.equal(byName(seq).get('score.bias'), undefined);
  assert.equal(seq.shape.kind === 'transformer' ? seq.shape.numLabels : -1, 3);
  const tok = byName(buildInventory({ ...gpt2, architectures: ['GPT2ForTokenClassification'], num_labels: 5 }));
  assert.deepEqual(tok.get('classifier.weight')?.shape, [5, 768]);
  assert.deepEqual(tok.get('classifier.bias')?.shape, [5]);
  const pythia = findPreset('EleutherAI/pythia-1b')!.config;
  const neoxSeq = byName(buildInventory({ ...pythia, architectures: ['GPTNeoXForSequenceClassification'], num_labels: 2 }));
  assert.deepEqual(neoxSeq.get('score.weight')?.shape, [2, 2048]);
  assert.equal(neoxSeq.get('embed_out.weight'), undefined);
  const neoxTied = byName(buildInventory({ ...pythia, architectures: ['GPTNeoXForCausalLM'], tie_word_embeddings: true }));
  assert.equal(neoxTied.get('embed_out.weight')?.tiedTo, 'gpt_neox.embed_in.weight');
});

test('BERT and ViT names', () => {
  const b = byName(inventoryForRef('bert-base-uncased'));
  assert.equal(b.get('bert.encoder.layer.0.attention.self.query.weight')?.module, 'query');
  assert.deepEqual(b.get('bert.encoder.layer.11.intermediate.dense.weight')?.shape, [3072, 768]);
  assert.equal(b.get('bert.embeddings.token_type_embeddings.weight')?.role, 'position-embedding');
  assert.equal(b.get('bert.embeddings.word_embeddings.weight')?.role, 'embedding');
  assert.equal(b.get('bert.encoder.layer.0.output.LayerNorm.weight')?.role, 'norm');

  const v = byName(inventoryForRef('google/vit-base-patch16-224'));
  assert.deepEqual(v.get('vit.embeddings.cls_token')?.shape, [1, 1, 768]);
  assert.deepEqual(v.get('vit.embeddings.position_embeddings')?.shape, [1, 197, 768]);
  assert.equal(v.get('vit.embeddings.position_embeddings')?.role, 'position-embedding');
  assert.deepEqual(v.get('vit.embeddings.patch_embeddings.projection.weight')?.shape, [768, 3, 16, 16]);
  assert.equal(v.get('vit.embeddings.patch_embeddings.projection.weight')?.role, 'conv');
  assert.equal(v.get('vit.encoder.layer.0.attention.attention.value.weight')?.module, 'value');
  assert.deepEqual(v.get('classifier.weight')?.shape, [1000, 768]);
  assert.equal(v.get('classifier.weight')?.role, 'lm-head');
  assert.equal(v.has('vit.pooler.dense.weight'), false);
});

test('T5 names: relative bias only in block 0, gated-gelu uses wi_0/wi_1', () => {
  const t = byName(inventoryForRef('t5-small'));
  assert.deepEqual(t.get('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight')?.shape, [32, 8]);
  assert.deepEqual(t.get('decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight')?.shape, [32, 8]);
  assert.equal(t.has('encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight'), false);
  assert.equal(t.has('decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight'), false);
  assert.deepEqual(t.get('decoder.block.5.layer.1.EncDecAttention.q.weight')?.shape, [512, 512]);
  assert.deepEqual(t.get('decoder.block.5.layer.2.DenseReluDense.wi.weight')?.shape, [2048, 512]);
  const gated = byName(buildInventory(preset('t5-small', { feed_forward_proj: 'gated-gelu', tie_word_embeddings: false })));
  assert.deepEqual(gated.get('encoder.block.0.layer.1.DenseReluDense.wi_1.weight')?.shape, [2048, 512]);
  assert.equal(gated.has('encoder.block.0.layer.1.DenseReluDense.wi.weight'), false);
  assert.equal(gated.get('lm_head.weight')?.tiedTo, undefined);
});

test('architecture shapes for the activation model', () => {
  const [llama] = stacks(inventoryForRef('meta-llama/Llama-2-7b-hf'));
  assert.deepEqual(llama, {
    role: 'decoder', layers: 32, hidden: 4096, heads: 32, kvHeads: 32, headDim: 128, intermediate: 11008,
    mlp: 'swiglu', sequence: 'text', dropout: false, norm: 'rmsnorm',
  });
  const llamaInv = inventoryForRef('meta-llama/Llama-2-7b-hf');
  assert.equal(llamaInv.shape.kind === 'transformer' && llamaInv.shape.logitsVocab, 32000);

  assert.equal(stacks(inventoryForRef('google/gemma-2b'))[0].mlp, 'geglu');
  const [bert] = stacks(inventoryForRef('bert-base-uncased'));
  assert.equal(bert.dropout, true);
  assert.equal(bert.norm, 'layernorm');
  assert.equal(bert.mlp, 'gelu');

  const t5 = stacks(inventoryForRef('t5-base'));
  assert.deepEqual(t5.map((s) => [s.role, s.layers, s.mlp, s.norm]), [
    ['encoder', 12, 'relu', 'rmsnorm'],
    ['cross-decoder', 12, 'relu', 'rmsnorm'],
  ]);

  const vitInv = inventoryForRef('google/vit-base-patch16-224');
  assert.equal(stacks(vitInv)[0].sequence, (224 / 16) ** 2 + 1);
  assert.equal(vitInv.shape.kind === 'transformer' && vitInv.shape.numLabels, 1000);

  const clip = stacks(inventoryForRef('openai/clip-vit-base-patch32'));
  assert.deepEqual(clip.map((s) => [s.role, s.sequence, s.mlp]), [
    ['text-encoder', 77, 'quick-gelu'],
    ['vision-encoder', (224 / 32) ** 2 + 1, 'quick-gelu'],
  ]);

  const bertModel = buildInventory(preset('bert-base-uncased', { architectures: ['BertModel'] }));
  assert.equal(bertModel.shape.kind === 'transformer' && bertModel.shape.logitsVocab, 0);
});

test('config echo holds the resolved fields', () => {
  const inv = inventoryForRef('google/gemma-2b');
  assert.equal(inv.config.head_dim, 256);
  assert.equal(inv.config.tie_word_embeddings, true);
  assert.equal(inv.config.num_key_value_heads, 1);
});

test('unsupported head class: base model built with a warning', () => {
  const inv = buildInventory(preset('meta-llama/Llama-2-7b-hf', { architectures: ['LlamaForQuestionAnswering'] }));
  assert.equal(inv.architecture, 'LlamaModel');
  assert.equal(inv.warnings.length, 1);
  assert.match(inv.warnings[0], /LlamaForQuestionAnswering/);
  assert.equal(countParams(inv).total, 6_738_415_616 - 32000 * 4096);
});

test('config without model_type: family found from architectures[0]', () => {
  const p = preset('gpt2');
  const { model_type: _drop, ...rest } = p;
  void _drop;
  const inv = buildInventory(rest);
  assert.equal(inv.family, 'gpt2');
  assert.equal(countParams(inv).total, 124_439_808);
});

test('CLIP sub-towers and defaults', () => {
  const text = buildInventory({ model_type: 'clip_text_model', hidden_size: 512, num_hidden_layers: 12, num_attention_heads: 8, intermediate_size: 2048, vocab_size: 49408, max_position_embeddings: 77 });
  assert.equal(text.architecture, 'CLIPTextModel');
  assert.ok(text.tensors.every((t) => t.name.startsWith('text_model.')));
  const full = buildInventory({ model_type: 'clip', architectures: ['CLIPModel'] });
  assert.equal(countParams(full).total, 151_277_313);
  assert.equal(full.warnings.length, 2);
});

test('every preset: builds without warnings, unique names, ties point at an owner of equal shape', () => {
  for (const p of listPresets()) {
    const inv = inventoryForRef(p.hubId);
    assert.deepEqual(inv.warnings, [], p.hubId);
    const names = new Map<string, ParamTensor>();
    for (const t of inv.tensors) {
      assert.equal(names.has(t.name), false, `${p.hubId}: duplicate ${t.name}`);
      names.set(t.name, t);
      assert.ok(t.shape.every((d) => Number.isInteger(d) && d > 0), `${p.hubId}: ${t.name} shape`);
    }
    for (const t of inv.tensors) {
      if (t.tiedTo === undefined) continue;
      const owner = names.get(t.tiedTo);
      assert.ok(owner && owner.tiedTo === undefined, `${p.hubId}: ${t.name} tied to a missing owner`);
      assert.deepEqual(owner.shape, t.shape, `${p.hubId}: ${t.name}`);
    }
  }
});

test('required hub ids and CNN names are bundled; lookup is case-insensitive and accepts aliases', () => {
  const required = [
    'meta-llama/Llama-2-7b-hf', 'meta-llama/Llama-2-13b-hf', 'meta-llama/Meta-Llama-3-8B', 'meta-llama/Llama-3.1-8B',
    'meta-llama/Llama-3.2-1B', 'meta-llama/Llama-3.2-3B', 'meta-llama/Llama-3.1-70B', 'mistralai/Mistral-7B-v0.1',
    'mistralai/Mixtral-8x7B-v0.1', 'Qwen/Qwen2.5-0.5B', 'Qwen/Qwen2.5-7B', 'google/gemma-2b', 'google/gemma-7b',
    'microsoft/Phi-3-mini-4k-instruct', 'gpt2', 'gpt2-medium', 'EleutherAI/pythia-1b', 'bert-base-uncased',
    'bert-large-uncased', 'roberta-base', 't5-small', 't5-base', 'google/vit-base-patch16-224',
    'openai/clip-vit-base-patch32', 'resnet18', 'resnet34', 'resnet50', 'resnet101', 'convnext_tiny', 'efficientnet_b0',
  ];
  for (const id of required) assert.equal(findPreset(id)?.hubId, id);
  assert.equal(findPreset('META-LLAMA/llama-2-7B-HF')?.hubId, 'meta-llama/Llama-2-7b-hf');
  assert.equal(findPreset('google-bert/bert-base-uncased')?.hubId, 'bert-base-uncased');
  assert.equal(findPreset('https://huggingface.co/Qwen/Qwen2.5-7B/')?.hubId, 'Qwen/Qwen2.5-7B');
  assert.equal(findPreset('timm/resnet50.a1_in1k')?.hubId, 'resnet50');
  assert.equal(findPreset('no/such-model'), undefined);
  assert.equal(findPreset('  '), undefined);
});

test('presets hold config fields only', () => {
  for (const p of listPresets()) {
    for (const key of Object.keys(p.config)) {
      assert.doesNotMatch(key, /param|count|total/i, `${p.hubId}: ${key}`);
    }
    assert.match(p.source.url ?? '', /^https:\/\//);
  }
});
