/**
 * Unsloth's mirror ids (README: Models): `unsloth/<name>` with `-bnb-4bit` / `-unsloth-bnb-4bit` stands for a bundled
 * preset only when <name> is that preset's repo name or alias, or the upstream id Unsloth's loader names
 * (unsloth/models/mapper.py); a `-bnb-4bit` id makes the job QLoRA, read from the id. Expectations are the ids and
 * counts of the hub checkpoints, written out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveModelSource, type ModelLookup } from '../../src/core/model-source';
import { countParams } from '../../src/core/models';
import { isUnslothBnb4bit, unslothMirror } from '../../src/core/models/unsloth';
import { scanFiles } from '../../src/core/scan';
import type { ScanJob } from '../../src/core/scan/results';
import type { ModelRef } from '../../src/core/scan/types';

const RANGE = { line: 4, column: 21, endLine: 4, endColumn: 50 };
function job(id: string): ScanJob {
  const model: ModelRef = { kind: 'hub-id', id, path: 'train.py', range: RANGE };
  return { id: 'train.py', folder: '.', files: ['train.py'], model, settings: {}, sources: {}, defaults: [], pendingLora: null };
}
const noFiles = { readText: (p: string): string => { throw new Error(`unexpected read of ${p}`); } };

function resolved(id: string, lookup: ModelLookup = {}) {
  const r = resolveModelSource(job(id), noFiles, lookup);
  assert.equal(r.status, 'resolved', r.status === 'needs-config' ? r.reason : '');
  if (r.status !== 'resolved') throw new Error('unreachable');
  return r.model;
}

test('unslothMirror: the mirrored name, the 4-bit suffix and the upstream id; other organisations are not mirrors', () => {
  assert.deepEqual(unslothMirror('unsloth/llama-3-8b-bnb-4bit'), { id: 'unsloth/llama-3-8b-bnb-4bit', name: 'llama-3-8b', quantized: 'bnb-4bit', upstream: 'meta-llama/Meta-Llama-3-8B' });
  assert.deepEqual(unslothMirror('Unsloth/Qwen3-14B-unsloth-bnb-4bit'), { id: 'Unsloth/Qwen3-14B-unsloth-bnb-4bit', name: 'Qwen3-14B', quantized: 'dynamic-4bit', upstream: 'Qwen/Qwen3-14B' });
  assert.deepEqual(unslothMirror('unsloth/Phi-4'), { id: 'unsloth/Phi-4', name: 'Phi-4', quantized: null, upstream: 'microsoft/phi-4' });
  assert.deepEqual(unslothMirror('unsloth/Some-New-Model'), { id: 'unsloth/Some-New-Model', name: 'Some-New-Model', quantized: null });
  assert.equal(unslothMirror('meta-llama/Meta-Llama-3-8B'), undefined);
  assert.equal(unslothMirror('unsloth/'), undefined);
  assert.equal(unslothMirror('unsloth/-bnb-4bit'), undefined);
  assert.equal(isUnslothBnb4bit('unsloth/mistral-7b-instruct-v0.3-bnb-4bit'), true);
  assert.equal(isUnslothBnb4bit('unsloth/Qwen2.5-3B-Instruct'), false);
  assert.equal(isUnslothBnb4bit('someone/llama-3-8b-bnb-4bit'), false, 'only Unsloth repos are taken to hold bitsandbytes 4-bit weights');
});

test('unsloth/llama-3-8b-bnb-4bit is the bundled Meta-Llama-3-8B (8,030,261,248 parameters), with the mirror named in the assumption', () => {
  const m = resolved('unsloth/llama-3-8b-bnb-4bit');
  assert.deepEqual(m.origin, { kind: 'preset-alias', location: 'meta-llama/Meta-Llama-3-8B' });
  assert.equal(countParams(m.inventory).total, 8_030_261_248);
  assert.match(m.assumptions?.[0] ?? '', /bitsandbytes 4-bit upload of 'unsloth\/llama-3-8b', mirroring meta-llama\/Meta-Llama-3-8B/);
  assert.equal(resolved('unsloth/llama-3-8b-Instruct-bnb-4bit').origin?.location, 'meta-llama/Meta-Llama-3-8B');
});

test('mistral-7b-v0.3 mirrors resolve to Mistral-7B-v0.3 (vocab 32768), never to v0.1 (vocab 32000)', () => {
  for (const id of ['unsloth/mistral-7b-v0.3', 'unsloth/mistral-7b-v0.3-bnb-4bit', 'unsloth/mistral-7b-instruct-v0.3-bnb-4bit']) {
    const m = resolved(id);
    assert.equal(m.origin?.location, 'mistralai/Mistral-7B-v0.3', id);
    assert.equal(m.inventory.config['vocab_size'], 32768, id);
  }
  // v0.1's 7,241,732,096 plus 768 more rows in embed_tokens and lm_head: 2 x 768 x 4096 = 6,291,456.
  assert.equal(countParams(resolved('unsloth/mistral-7b-v0.3').inventory).total, 7_241_732_096 + 6_291_456);
  assert.equal(resolved('unsloth/mistral-7b-bnb-4bit').origin?.location, 'mistralai/Mistral-7B-v0.1');
});

test('the frequent notebook bases resolve to their own presets', () => {
  const cases: [string, string][] = [
    ['unsloth/Qwen2.5-1.5B-Instruct', 'Qwen/Qwen2.5-1.5B-Instruct'],
    ['unsloth/Qwen2.5-3B-Instruct', 'Qwen/Qwen2.5-3B'],
    ['unsloth/Qwen2.5-7B-Instruct-bnb-4bit', 'Qwen/Qwen2.5-7B'],
    ['unsloth/Qwen3-0.6B', 'Qwen/Qwen3-0.6B'],
    ['unsloth/Qwen3-4B-Base', 'Qwen/Qwen3-4B-Base'],
    ['unsloth/Qwen3-4B-Instruct-2507', 'Qwen/Qwen3-4B-Instruct-2507'],
    ['unsloth/Qwen3-8B', 'Qwen/Qwen3-8B'],
    ['unsloth/Qwen3-14B-unsloth-bnb-4bit', 'Qwen/Qwen3-14B'],
    ['unsloth/Llama-3.3-70B-Instruct', 'meta-llama/Llama-3.3-70B-Instruct'],
    ['unsloth/Llama-3.2-3B-Instruct', 'meta-llama/Llama-3.2-3B'],
    ['unsloth/Phi-3-mini-4k-instruct', 'microsoft/Phi-3-mini-4k-instruct'],
    ['unsloth/Phi-4', 'microsoft/phi-4'],
    ['unsloth/gemma-2-2b', 'google/gemma-2-2b'],
    ['unsloth/gemma-2-9b-bnb-4bit', 'google/gemma-2-9b'],
    ['unsloth/gemma-3-1b-it', 'google/gemma-3-1b-it'],
    ['unsloth/gemma-3-270m-it', 'google/gemma-3-270m'],
  ];
  for (const [id, preset] of cases) assert.equal(resolved(id).origin?.location, preset, id);
});

test('unsloth/Phi-4 is microsoft/phi-4, a Phi3ForCausalLM: 14,659,507,200 parameters by hand', () => {
  const m = resolved('unsloth/Phi-4');
  assert.equal(m.inventory.architecture, 'Phi3ForCausalLM');
  // embed 100,352 x 5,120; per layer qkv_proj 5,120 x (5,120 + 2 x 1,280), o_proj 5,120^2, gate_up_proj 5,120 x 35,840,
  // down_proj 17,920 x 5,120, two norms; 40 layers; final norm; untied lm_head.
  const layer = 5_120 * 7_680 + 5_120 * 5_120 + 5_120 * 35_840 + 17_920 * 5_120 + 2 * 5_120;
  assert.equal(countParams(m.inventory).total, 2 * 100_352 * 5_120 + 40 * layer + 5_120);
  assert.equal(countParams(m.inventory).total, 14_659_507_200);
});

test('an Unsloth mirror of a model without a preset needs a config, and the message names the upstream id', () => {
  const r = resolveModelSource(job('unsloth/granite-4.0-350m'), noFiles, {});
  assert.equal(r.status, 'needs-config');
  if (r.status !== 'needs-config') return;
  assert.match(r.reason, /'unsloth\/granite-4.0-350m' is Unsloth's re-upload mirroring ibm-granite\/granite-4.0-350m/);
  assert.match(r.reason, /no bundled preset is that model/);
  // Qwen3-4B-Thinking-2507 is not Qwen3-4B nor Qwen3-4B-Instruct-2507: not resolved by similarity.
  const q = resolveModelSource(job('unsloth/Qwen3-4B-Thinking-2507'), noFiles, {});
  assert.equal(q.status, 'needs-config');
  if (q.status === 'needs-config') assert.match(q.reason, /mirroring Qwen\/Qwen3-4B-Thinking-2507/);
  const unknown = resolveModelSource(job('unsloth/Some-New-Model-bnb-4bit'), noFiles, {});
  assert.equal(unknown.status, 'needs-config');
  if (unknown.status === 'needs-config') assert.match(unknown.reason, /bitsandbytes 4-bit upload of 'unsloth\/Some-New-Model' \(its upstream repo is not in the list/);
});

test('the Hub answer for the mirror id itself comes before the preset (cache -> Hub -> presets)', () => {
  const text = JSON.stringify({ model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, num_hidden_layers: 2, vocab_size: 100 });
  const m = resolved('unsloth/llama-3-8b-bnb-4bit', { hub: () => ({ kind: 'found', config: { text, location: 'https://huggingface.co/unsloth/llama-3-8b-bnb-4bit/resolve/main/config.json' } }) });
  assert.equal(m.origin?.kind, 'hub');
});

const NOTEBOOK = (id: string, load4: string) => `from unsloth import FastLanguageModel
from trl import SFTTrainer, SFTConfig
load_in_4bit = ${load4}
model, tokenizer = FastLanguageModel.from_pretrained(
    model_name = "${id}",
    max_seq_length = 2048,
    load_in_4bit = load_in_4bit,
)
model = FastLanguageModel.get_peft_model(model, r = 16, target_modules = ["q_proj", "k_proj", "v_proj", "o_proj"])
trainer = SFTTrainer(model = model, args = SFTConfig(per_device_train_batch_size = 2, optim = "adamw_8bit"))
`;

test('a -bnb-4bit id makes the LoRA job QLoRA even with load_in_4bit = False, the fact read from the id', () => {
  const [bnb] = scanFiles([{ path: 'train.py', text: NOTEBOOK('unsloth/llama-3-8b-bnb-4bit', 'False') }]).jobs;
  assert.deepEqual(bnb.settings.lora, { rank: 16, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], qlora: true });
  assert.equal(bnb.sources['lora.qlora']?.range.line, 5, 'the source of QLoRA is the model id');
  const [plain] = scanFiles([{ path: 'train.py', text: NOTEBOOK('unsloth/llama-3-8b', 'False') }]).jobs;
  assert.equal(plain.settings.lora?.qlora, false);
  const [flag] = scanFiles([{ path: 'train.py', text: NOTEBOOK('unsloth/llama-3-8b', 'True') }]).jobs;
  assert.equal(flag.settings.lora?.qlora, true);
  assert.equal(flag.sources['lora.qlora'], undefined, 'load_in_4bit keeps its own source');
  const scan = scanFiles([{ path: 'train.py', text: NOTEBOOK('unsloth/Qwen3-14B-unsloth-bnb-4bit', 'True') }]);
  assert.equal(scan.jobs[0].settings.lora?.qlora, true);
  const notes = JSON.stringify(scan);
  assert.match(notes, /dynamic 4-bit upload, which leaves some layers unquantized/);
});
