/**
 * Model resolution (src/core/model-source.ts) with the machine lookups of src/platform/hf-cache.ts:
 * a fake Hugging Face cache tree in a temp folder (refs -> snapshots, snapshot files as symlinks to
 * blobs, as huggingface_hub lays them out), paths outside the workspace, preset aliases, same-family
 * suggestions, the generic MoE inventory and composite configs. No network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hubIdsToFetch, resolveModelSource, type ModelLookup } from '../../src/core/model-source';
import { buildInventory, countParams, similarPresets } from '../../src/core/models';
import { scanFiles } from '../../src/core/scan';
import type { ScanJob } from '../../src/core/scan/results';
import type { ModelRef } from '../../src/core/scan/types';
import { listCachedModels, readCachedConfig, readConfigAt, readOutsideFile } from '../../src/platform/hf-cache';
import { hfHome, hubCacheDir, hubEndpoint, envOffline, hubToken } from '../../src/platform/hf-env';
import { withWorkspace } from '../support/temp-workspace';

const RANGE = { line: 3, column: 25, endLine: 3, endColumn: 40 };
const TINY = { model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, num_key_value_heads: 2, num_hidden_layers: 2, vocab_size: 100, tie_word_embeddings: false, torch_dtype: 'bfloat16' };
/**
 * TINY by hand: embed 100x64 = 6,400; per layer q 64x64 + k 64x32 + v 64x32 + o 64x64 = 12,288,
 * MLP 3 x 64x128 = 24,576, two norms 128 -> 36,992; two layers 73,984; final norm 64; lm_head 6,400.
 */
const TINY_PARAMS = 6_400 + 2 * 36_992 + 64 + 6_400;

function job(model: ModelRef | null): ScanJob {
  return { id: 'args.json', folder: '.', files: ['args.json'], model, settings: {}, sources: {}, defaults: [], pendingLora: null };
}
const hubRef = (id: string): ModelRef => ({ kind: 'hub-id', id, path: 'args.json', range: RANGE });
const noFiles = { readText: (p: string): string => { throw new Error(`unexpected read of ${p}`); } };

/** A cache in huggingface_hub's layout: blobs, a snapshot of symlinks, refs/main. */
function fakeCache(root: string, id: string, files: Record<string, string>, hash = 'a'.repeat(40), ref = 'main'): string {
  const repo = path.join(root, `models--${id.replace('/', '--')}`);
  const snapshot = path.join(repo, 'snapshots', hash);
  fs.mkdirSync(path.join(repo, 'blobs'), { recursive: true });
  fs.mkdirSync(snapshot, { recursive: true });
  fs.mkdirSync(path.dirname(path.join(repo, 'refs', ref)), { recursive: true });
  fs.writeFileSync(path.join(repo, 'refs', ref), hash);
  let n = 0;
  for (const [name, text] of Object.entries(files)) {
    const blob = path.join(repo, 'blobs', `${hash.slice(0, 8)}-${n++}`);
    fs.writeFileSync(blob, text);
    fs.symlinkSync(path.relative(snapshot, blob), path.join(snapshot, name));
  }
  return snapshot;
}

test('environment: HF_HOME, HF_HUB_CACHE, XDG_CACHE_HOME, the endpoint, offline switches and the token file', () => {
  assert.equal(hfHome({}, '/home/u'), '/home/u/.cache/huggingface');
  assert.equal(hfHome({ XDG_CACHE_HOME: '/x' }, '/home/u'), '/x/huggingface');
  assert.equal(hubCacheDir({ HF_HOME: '/h' }, '/home/u'), '/h/hub');
  assert.equal(hubCacheDir({ HF_HOME: '/h', HF_HUB_CACHE: '/c' }, '/home/u'), '/c');
  assert.equal(hubEndpoint({ HF_ENDPOINT: 'https://mirror.example/' }), 'https://mirror.example');
  assert.equal(hubEndpoint({}), 'https://huggingface.co');
  assert.deepEqual(['1', 'ON', 'yes', 'true', '0', ''].map((v) => envOffline({ HF_HUB_OFFLINE: v })), [true, true, true, true, false, false]);
  withWorkspace({}, (dir) => {
    fs.writeFileSync(path.join(dir, 'token'), 'hf_from_file\n');
    assert.equal(hubToken({ HF_HOME: dir }), 'hf_from_file');
    assert.equal(hubToken({ HF_HOME: dir, HF_TOKEN: 'hf_env' }), 'hf_env');
    assert.equal(hubToken({ HF_HOME: path.join(dir, 'none') }), undefined);
  });
});

test('the HF cache: refs/main -> snapshots/<hash>/config.json, its index checks the count, and the origin is recorded', () => {
  withWorkspace({}, (cache) => {
    // total_size at bf16 (2 bytes) = the hand count: the check agrees.
    const snapshot = fakeCache(cache, 'acme/tiny-llama', {
      'config.json': JSON.stringify(TINY),
      'model.safetensors.index.json': JSON.stringify({ metadata: { total_size: 2 * TINY_PARAMS }, weight_map: {} }),
    });
    const lookup: ModelLookup = { hfCache: (id, rev) => readCachedConfig(cache, id, rev) };
    const r = resolveModelSource(job(hubRef('acme/tiny-llama')), noFiles, lookup);
    assert.equal(r.status, 'resolved');
    if (r.status !== 'resolved') return;
    assert.deepEqual(r.model.origin, { kind: 'hf-cache', location: path.join(snapshot, 'config.json') });
    assert.equal(countParams(r.model.inventory).total, TINY_PARAMS);
    assert.equal(r.model.approximate, false);
    assert.match(r.model.notes?.[0] ?? '', /parameters at bfloat16 .*the inventory counts 86,848 \(they agree\)/);
    // a revision that is a commit hash names the snapshot directly; an unknown ref is a miss
    assert.equal(readCachedConfig(cache, 'acme/tiny-llama', 'a'.repeat(40)).kind, 'found');
    const miss = readCachedConfig(cache, 'acme/tiny-llama', 'v9');
    assert.equal(miss.kind, 'missing');
    // a ref name may hold '/', never a way out of refs/: a revision written in a job's file does not make the reader open a file elsewhere
    fs.mkdirSync(path.join(cache, 'models--acme--tiny-llama', 'refs', 'pr'));
    fs.writeFileSync(path.join(cache, 'models--acme--tiny-llama', 'refs', 'pr', '1'), 'a'.repeat(40));
    assert.equal(readCachedConfig(cache, 'acme/tiny-llama', 'pr/1').kind, 'found');
    fs.writeFileSync(path.join(cache, 'not-a-ref'), 'a'.repeat(40));
    assert.deepEqual(readCachedConfig(cache, 'acme/tiny-llama', '../../not-a-ref'), {
      kind: 'missing', reason: `revision '../../not-a-ref' leads out of the cache's refs folder (${path.join(cache, 'models--acme--tiny-llama', 'refs')})`,
    });
    assert.deepEqual(listCachedModels(cache).map((e) => [e.id, e.revision]), [['acme/tiny-llama', 'main']]);
    // the cache wins over a bundled preset of the same id (the user's own files come first)
    fakeCache(cache, 'gpt2', { 'config.json': JSON.stringify({ ...TINY, hidden_size: 32, num_attention_heads: 2, num_key_value_heads: 2 }) });
    const g = resolveModelSource(job(hubRef('gpt2')), noFiles, lookup);
    assert.equal(g.status === 'resolved' && g.model.origin?.kind, 'hf-cache');
  });
});

test("a model in a pipeline repo's folder (diffusers' subfolder='unet') is read from that folder of the cached snapshot, never from outside it", () => {
  withWorkspace({}, (cache) => {
    const snapshot = fakeCache(cache, 'acme/pipe', { 'model_index.json': '{"_class_name": "StableDiffusionPipeline"}' });
    fs.mkdirSync(path.join(snapshot, 'unet'));
    fs.writeFileSync(path.join(snapshot, 'unet', 'config.json'), JSON.stringify(TINY));
    const lookup: ModelLookup = { hfCache: (id, rev, sub) => readCachedConfig(cache, id, rev, sub) };
    const ref: ModelRef = { kind: 'hub-id', id: 'acme/pipe', path: 'train.sh', range: RANGE, subfolder: 'unet' };
    const r = resolveModelSource(job(ref), noFiles, lookup);
    assert.equal(r.status === 'resolved' && r.model.origin?.location, path.join(snapshot, 'unet', 'config.json'));
    assert.equal(r.status === 'resolved' && countParams(r.model.inventory).total, TINY_PARAMS);
    // the repo's root has no config.json; a folder that is not one name is refused
    assert.match(resolveModelSource(job(hubRef('acme/pipe')), noFiles, lookup).status, /needs-config/);
    assert.deepEqual(readCachedConfig(cache, 'acme/pipe', 'main', '..'), { kind: 'missing', reason: "'..' is not a folder name" });
    // not in the cache: the Hub and the presets are not asked for a pipeline's folder, and the reason says so
    const missing = resolveModelSource(job({ ...ref, id: 'acme/other' }), noFiles, lookup);
    assert.match(missing.status === 'needs-config' ? missing.reason : '', /folder 'unet'.*not asked for the model in the 'unet' folder of a pipeline repo/);
    assert.deepEqual(hubIdsToFetch([job({ ...ref, id: 'acme/other' })], lookup), []);
  });
});

test('an index that disagrees is reported, not ignored', () => {
  withWorkspace({}, (cache) => {
    fakeCache(cache, 'acme/q', { 'config.json': JSON.stringify(TINY), 'model.safetensors.index.json': JSON.stringify({ metadata: { total_size: TINY_PARAMS } }) });
    const r = resolveModelSource(job(hubRef('acme/q')), noFiles, { hfCache: (id, rev) => readCachedConfig(cache, id, rev) });
    assert.match(r.status === 'resolved' ? r.model.notes?.[0] ?? '' : '', /-50\.0% apart: the checkpoint may be quantized/);
  });
});

test('reads outside the workspace: only config.json / *.safetensors.index.json regular files up to 1 MiB', () => {
  withWorkspace({}, (dir) => {
    fs.writeFileSync(path.join(dir, 'secrets.json'), '{}');
    assert.throws(() => readOutsideFile(path.join(dir, 'secrets.json')), /only files named config.json/);
    fs.mkdirSync(path.join(dir, 'config.json'));
    assert.throws(() => readOutsideFile(path.join(dir, 'config.json')), /not a regular file/);
    fs.mkdirSync(path.join(dir, 'big'));
    fs.writeFileSync(path.join(dir, 'big', 'config.json'), `{"x": "${'a'.repeat(2 ** 20)}"}`);
    assert.match(readConfigAt(path.join(dir, 'big')).kind === 'missing' ? (readConfigAt(path.join(dir, 'big')) as { reason: string }).reason : '', /over the 1 MiB limit/);
    assert.match((readConfigAt(path.join(dir, 'nowhere')) as { reason: string }).reason, /does not exist/);
  });
});

test('a local path the job names outside the workspace is read; untrusted (no lookup) asks for a config', () => {
  withWorkspace({}, (dir) => {
    fs.mkdirSync(path.join(dir, 'ckpt'));
    fs.writeFileSync(path.join(dir, 'ckpt', 'config.json'), JSON.stringify(TINY));
    const ref: ModelRef = { kind: 'local-path', value: path.join(dir, 'ckpt'), path: 'args.json', range: RANGE };
    const r = resolveModelSource(job(ref), noFiles, { localPath: (v) => readConfigAt(v) });
    assert.deepEqual(r.status === 'resolved' && r.model.origin, { kind: 'local-path', location: path.join(dir, 'ckpt', 'config.json') });
    const untrusted = resolveModelSource(job(ref), noFiles, {});
    assert.equal(untrusted.status, 'needs-config');
    assert.deepEqual(untrusted.status === 'needs-config' && untrusted.at, { path: 'args.json', line: 3, column: 25 });
  });
});

test('order: preset ids never reach the Hub; unknown ids do; a re-upload resolves to the preset with an assumption', () => {
  let asked: string[] = [];
  const lookup: ModelLookup = {
    hfCache: () => ({ kind: 'missing', reason: 'not cached' }),
    hub: (id) => {
      asked.push(id);
      return { kind: 'missing', reason: 'not on the Hub (HTTP 404)' };
    },
  };
  const preset = resolveModelSource(job(hubRef('meta-llama/Llama-2-7b-hf')), noFiles, lookup);
  assert.deepEqual(preset.status === 'resolved' && preset.model.origin, { kind: 'preset', location: 'meta-llama/Llama-2-7b-hf' });
  assert.deepEqual(asked, []);
  const alias = resolveModelSource(job(hubRef('NousResearch/Meta-Llama-3-8B')), noFiles, lookup);
  assert.equal(alias.status, 'resolved');
  if (alias.status !== 'resolved') return;
  assert.deepEqual(alias.model.origin, { kind: 'preset-alias', location: 'meta-llama/Meta-Llama-3-8B' });
  assert.match(alias.model.assumptions?.[0] ?? '', /'NousResearch\/Meta-Llama-3-8B' is taken to be the bundled preset meta-llama\/Meta-Llama-3-8B/);
  assert.deepEqual(asked, ['NousResearch/Meta-Llama-3-8B'], 'the Hub is asked before an alias is assumed');
  assert.deepEqual(hubIdsToFetch([job(hubRef('gpt2')), job(hubRef('acme/x')), job(hubRef('acme/x')), job(hubRef('torchvision/resnet18'))], lookup), [{ id: 'acme/x', revision: 'main' }]);
  asked = [];
});

test('an unknown id: needs a model config, with what was tried and suggestions from its own family only', () => {
  const qwen = resolveModelSource(job(hubRef('Qwen/Qwen3-4B-Thinking-2507')), noFiles, {});
  assert.equal(qwen.status, 'needs-config');
  if (qwen.status !== 'needs-config') return;
  assert.match(qwen.reason, /Hugging Face Hub: not asked/);
  assert.match(qwen.reason, /did you mean Qwen\/Qwen[^,?]+(, Qwen\/Qwen[^,?]+)*\?/);
  assert.doesNotMatch(qwen.reason, /llama/i);
  assert.deepEqual(qwen.at, { path: 'args.json', line: 3, column: 25 });
  assert.deepEqual(similarPresets('TinyLlama/TinyLlama-1.1B-Chat-v1.0'), []);
  assert.ok(similarPresets('meta-llama/Llama-9-1b').every((id) => /llama/i.test(id)));
  const none = resolveModelSource(job(null), noFiles, {});
  assert.equal(none.status, 'needs-config');
});

test('generic inventory: MoE fields under any spelling build experts (hand count), unmodelled ones are named', () => {
  const cfg = {
    model_type: 'deepseek_v9', architectures: ['DeepseekV9ForCausalLM'], hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4,
    vocab_size: 100, n_routed_experts: 4, num_experts_per_tok: 2, moe_intermediate_size: 32, intermediate_size: 999, n_shared_experts: 1, tie_word_embeddings: false,
  };
  const inv = buildInventory(cfg);
  // embed 6,400; per layer attention 4 x 64x64 = 16,384, router 64x4 = 256, experts 4 x 3 x 64x32 = 24,576,
  // norms 128 -> 41,344; two layers 82,688; final norm 64; lm_head 6,400.
  assert.equal(countParams(inv).total, 6_400 + 2 * 41_344 + 64 + 6_400);
  assert.equal(inv.family, 'generic');
  assert.match(inv.warnings[0], /4 gated experts of 32 per layer with 2 routed per token/);
  assert.match(inv.warnings[0], /'n_shared_experts' .* not modelled/);
  const shape = inv.shape.kind === 'transformer' ? inv.shape.stacks[0].experts : undefined;
  assert.deepEqual(shape, { count: 4, perToken: 2 });
});

test('a composite config: its text_config is built and the other sub-models are reported as not counted', () => {
  const inv = buildInventory({ model_type: 'acme_vlm', text_config: TINY, vision_config: { hidden_size: 32 } });
  assert.equal(countParams(inv).total, TINY_PARAMS);
  assert.match(inv.warnings[0], /built the language model of its 'text_config' \(LlamaForCausalLM\) only; the sub-models of 'vision_config' are not counted/);
  assert.throws(() => buildInventory({ model_type: 'acme_vlm', text_config: { model_type: 'nope' } }), /its 'text_config' cannot be built either/);
});

test('a revision the job names (model_revision, axolotl revision_of_model, from_pretrained revision=) picks that ref of the cache', () => {
  const jobs = scanFiles([
    { path: 'hf/args.json', text: JSON.stringify({ model_name_or_path: 'acme/tiny-llama', model_revision: 'v2', output_dir: 'o', learning_rate: 1e-5 }) },
    { path: 'ax/config.yml', text: 'base_model: acme/tiny-llama\nrevision_of_model: v2\noptimizer: adamw_torch\nlearning_rate: 0.00002\nmicro_batch_size: 1\n' },
    { path: 'py/train.py', text: 'from transformers import AutoModelForCausalLM\nimport torch\nmodel = AutoModelForCausalLM.from_pretrained("acme/tiny-llama", revision="v2")\nopt = torch.optim.AdamW(model.parameters(), lr=1e-5)\n' },
  ]).jobs;
  assert.deepEqual(jobs.map((j) => j.model?.kind === 'hub-id' && [j.model.id, j.model.revision]), [['acme/tiny-llama', 'v2'], ['acme/tiny-llama', 'v2'], ['acme/tiny-llama', 'v2']]);
  withWorkspace({}, (cache) => {
    // main and v2 point at different snapshots; v2's model is twice as deep.
    fakeCache(cache, 'acme/tiny-llama', { 'config.json': JSON.stringify(TINY) }, 'a'.repeat(40), 'main');
    fakeCache(cache, 'acme/tiny-llama', { 'config.json': JSON.stringify({ ...TINY, num_hidden_layers: 4 }) }, 'b'.repeat(40), 'v2');
    const lookup: ModelLookup = { hfCache: (id, rev) => readCachedConfig(cache, id, rev) };
    const main = resolveModelSource(job(hubRef('acme/tiny-llama')), noFiles, lookup);
    assert.equal(main.status === 'resolved' && countParams(main.model.inventory).total, TINY_PARAMS, 'main is its own snapshot');
    for (const j of jobs) {
      const r = resolveModelSource(j, noFiles, lookup);
      assert.equal(r.status === 'resolved' && countParams(r.model.inventory).total, TINY_PARAMS + 2 * 36_992, j.id);
      assert.match(r.status === 'resolved' ? r.model.source : '', /snapshots\/b{40}\/config\.json$/);
    }
  });
});

test('MoE fields that mean "every layer is sparse" are not reported; dense layers and shared experts are', () => {
  const base = { model_type: 'qwen9_moe', hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100, num_experts: 4, moe_intermediate_size: 32 };
  assert.doesNotMatch(buildInventory({ ...base, decoder_sparse_step: 1, mlp_only_layers: [] }).warnings[0], /not modelled/);
  assert.match(buildInventory({ ...base, decoder_sparse_step: 2 }).warnings[0], /'decoder_sparse_step' \(shared experts \/ dense layers\) are not modelled/);
  assert.match(buildInventory({ ...base, mlp_only_layers: [0], shared_expert_intermediate_size: 64 }).warnings[0], /'shared_expert_intermediate_size', 'mlp_only_layers'/);
});
