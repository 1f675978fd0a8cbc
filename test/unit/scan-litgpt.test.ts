/**
 * litgpt config YAML (config_hub/finetune/*.yaml): the model from checkpoint_dir, Fabric precision, devices x
 * num_nodes, the lora_* switches, quantize, train.* batch sizes and the accumulation litgpt derives from them, the
 * optimizer component. The expected values are litgpt's own rules (litgpt/args.py, litgpt/finetune/lora.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJob, type FileAccess } from '../../src/core/evaluate';
import { scanFiles } from '../../src/core/scan';
import { litgptCheckpointHubId } from '../../src/core/scan/detectors/litgpt-config';
import { on } from './scan-formats-helpers';

// litgpt config_hub/finetune/llama-3.1-8b/lora.yaml, the keys that bear on memory and the optimizer.
const LORA = [
  'checkpoint_dir: checkpoints/meta-llama/Meta-Llama-3.1-8B', // 1
  'precision: bf16-true', // 2
  'quantize:', // 3
  'devices: 1', // 4
  'num_nodes: 1', // 5
  'lora_r: 32', // 6
  'lora_alpha: 16', // 7
  'lora_query: true', // 8
  'lora_key: false', // 9
  'lora_value: true', // 10
  'lora_mlp: false', // 11
  'train:', // 12
  '  global_batch_size: 8', // 13
  '  micro_batch_size: 1', // 14
  '  lr_warmup_steps: 10', // 15
  '  epochs: 2', // 16
  '  max_seq_length: 512', // 17
  'optimizer:', // 18
  '  class_path: torch.optim.AdamW', // 19
  '  init_args:', // 20
  '    lr: 0.0002', // 21
  '    weight_decay: 0.0', // 22
  '    betas: [0.9, 0.95]', // 23
  '',
].join('\n');

test('a litgpt LoRA config forms a job: model from checkpoint_dir, batch, accumulation, precision, LoRA, optimizer', () => {
  const result = scanFiles([{ path: 'lora.yaml', text: LORA }]);
  assert.deepEqual(result.findings.map((f) => [f.path, f.kind, f.error]), [['lora.yaml', 'litgpt-config', undefined]]);
  assert.equal(result.jobs.length, 1);
  const job = result.jobs[0];
  // litgpt download saves meta-llama/Meta-Llama-3.1-8B under checkpoints/meta-llama/Meta-Llama-3.1-8B
  assert.deepEqual(job.model, { kind: 'hub-id', id: 'meta-llama/Meta-Llama-3.1-8B', path: 'lora.yaml', range: on(1, 17, 57) });
  assert.deepEqual(job.settings, {
    pretraining: false,
    // bf16-true casts the model: pure bf16 weights, and the adapters built under init_module are bf16 too
    precision: 'bf16',
    loadDtype: 'bf16',
    gpus: 1,
    nodes: 1,
    // lora_query and lora_value on; key, projection, MLP and head off
    lora: { rank: 32, targets: ['q_proj', 'v_proj'], qlora: false, adapterDtype: 'bf16' },
    perDeviceBatchSize: 1,
    // global 8 / (1 GPU x 1 node) / micro 1
    gradAccum: 8,
    warmupSteps: 10,
    epochs: 2,
    seqLen: 512,
    optimizer: 'torch.optim.AdamW',
    learningRate: 0.0002,
    weightDecay: 0,
    optimizerParams: { betas: [0.9, 0.95] },
  });
  assert.deepEqual(job.sources['gradAccum'], { path: 'lora.yaml', range: on(13, 22, 23) });
  assert.deepEqual(job.sources['lora.rank'], { path: 'lora.yaml', range: on(6, 9, 11) });
  assert.deepEqual(job.sources['optimizer'], { path: 'lora.yaml', range: on(19, 15, 32) });
});

test('litgpt: QLoRA with the rank and the switches left to finetune_lora\'s defaults, the accumulation over 4 GPUs', () => {
  const text = 'checkpoint_dir: checkpoints/mistralai/Mistral-7B-v0.1\nprecision: bf16-true\nquantize: bnb.nf4\ndevices: 4\nlora_dropout: 0.05\ntrain:\n  global_batch_size: 32\n  micro_batch_size: 2\n';
  const job = scanFiles([{ path: 'qlora.yaml', text }]).jobs[0];
  // the rank is finetune_lora's default 8, with its source; query and value by default
  assert.deepEqual(job.settings.lora, { rank: 8, targets: ['q_proj', 'v_proj'], qlora: true, adapterDtype: 'bf16' });
  assert.deepEqual(job.defaults.find((d) => d.setting === 'lora.rank')?.value, 8);
  assert.equal(job.settings.qloraComputeDtype, 'bf16');
  // 32 / 4 GPUs = 8 per GPU, / micro 2 = 4
  assert.equal(job.settings.gradAccum, 4);
  assert.equal(job.settings.gpus, 4);
  // no optimizer written: finetune_lora's "AdamW", a default with its source
  assert.equal(job.settings.optimizer, 'AdamW');
  assert.equal(job.sources['optimizer'], undefined);
  assert.ok(job.defaults.some((d) => d.setting === 'optimizer' && d.source.title.includes('litgpt')));
});

test('litgpt: devices "auto" leaves the GPUs and the accumulation open, with a note naming the global batch', () => {
  const text = 'checkpoint_dir: checkpoints/meta-llama/Llama-3.2-1B\nprecision: bf16-mixed\ndevices: auto\ntrain:\n  global_batch_size: 512\n  micro_batch_size: 4\noptimizer: AdamW\n';
  const job = scanFiles([{ path: 'full.yaml', text }]).jobs[0];
  assert.equal(job.settings.gpus, undefined);
  assert.equal(job.settings.gradAccum, undefined);
  assert.equal(job.settings.precision, 'bf16-mixed');
  // -mixed keeps fp32 weights: the load dtype is not the precision's
  assert.equal(job.settings.loadDtype, undefined);
  assert.equal(job.settings.lora, undefined);
  assert.ok((job.assumptions ?? []).some((a) => a.includes('train.global_batch_size 512')), JSON.stringify(job.assumptions));
  // precision not written: litgpt's get_default_supported_precision(training=True), named as such
  const open = scanFiles([{ path: 'p.yaml', text: 'checkpoint_dir: checkpoints/a/b\ntrain:\n  micro_batch_size: 1\n' }]).jobs[0];
  assert.equal(open.settings.precision, 'bf16-mixed');
  assert.equal(open.sources['precision'], undefined);
  assert.match(open.defaults.find((d) => d.setting === 'precision')?.source.title ?? '', /litgpt get_default_supported_precision/);
});

test('litgpt: a precision or quantize value litgpt does not take is the finding\'s error at its position', () => {
  const bad = scanFiles([{ path: 'x.yaml', text: 'checkpoint_dir: checkpoints/a/b\nprecision: bf17\ntrain:\n  micro_batch_size: 1\n' }]);
  assert.equal(bad.findings[0].kind, 'litgpt-config');
  assert.equal(bad.findings[0].error?.line, 2);
  assert.equal(bad.findings[0].error?.column, 12);
  assert.match(bad.findings[0].error?.message ?? '', /'precision' is not a Lightning Fabric precision: "bf17"/);
  const q = scanFiles([{ path: 'x.yaml', text: 'checkpoint_dir: checkpoints/a/b\nquantize: gptq\nlora_r: 4\ntrain:\n  micro_batch_size: 1\n' }]);
  assert.deepEqual([q.findings[0].error?.line, q.findings[0].error?.column], [2, 11]);
  assert.match(q.findings[0].error?.message ?? '', /'quantize' must be one of bnb\.nf4/);
});

test('litgpt: a checkpoint folder in the workspace is the model; the Hub id only stands in for a missing folder', () => {
  const config = JSON.stringify({ model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 128, vocab_size: 100 });
  const result = scanFiles([
    { path: 'lora.yaml', text: LORA },
    { path: 'checkpoints/meta-llama/Meta-Llama-3.1-8B/config.json', text: config },
  ]);
  assert.deepEqual(result.jobs[0].model, { kind: 'config-file', path: 'checkpoints/meta-llama/Meta-Llama-3.1-8B/config.json' });
  assert.equal(litgptCheckpointHubId('checkpoints/meta-llama/Meta-Llama-3.1-8B/'), 'meta-llama/Meta-Llama-3.1-8B');
  assert.equal(litgptCheckpointHubId('/data/checkpoints/google/gemma-2b'), 'google/gemma-2b');
  assert.equal(litgptCheckpointHubId('out/finetune/lora'), null);
});

test('a config with train.micro_batch_size but none of litgpt\'s top-level keys is not taken for litgpt', () => {
  const result = scanFiles([{ path: 'other.yaml', text: 'train:\n  micro_batch_size: 4\nname: something\n' }]);
  assert.ok(!result.findings.some((f) => f.kind === 'litgpt-config'));
});

// litgpt config_hub/pretrain/debug.yaml: a pretraining config naming the model by litgpt's config name.
const PRETRAIN = ['model_name: pythia-14m', 'model_config:', 'precision: bf16-mixed', 'initial_checkpoint_dir:', 'train:', '  global_batch_size: 125', '  micro_batch_size: 5', 'devices: auto', ''].join('\n');

test('litgpt: model_name is the Hub model litgpt converts that config from, trained from scratch without an initial checkpoint', () => {
  const report = scanFiles([{ path: 'debug.yaml', text: PRETRAIN }]);
  const job = report.jobs[0];
  assert.deepEqual(job.model, { kind: 'hub-id', id: 'EleutherAI/pythia-14m', path: 'debug.yaml', range: on(1, 13, 23) });
  assert.equal(job.settings.pretraining, true);
  assert.ok((job.assumptions ?? []).some((a) => a.startsWith("model_name 'pythia-14m' is litgpt's config of the Hugging Face model EleutherAI/pythia-14m")), JSON.stringify(job.assumptions));
  // litgpt's names that differ from the Hub's, and the Hub names Config.from_name also takes
  const ids = ['Llama-3.1-8B', 'tiny-llama-1.1b', 'Meta-Llama-3.1-8B', 'google/gemma-2b'].map((n) => scanFiles([{ path: 'p.yaml', text: PRETRAIN.replace('pythia-14m', n) }]).jobs[0].model);
  assert.deepEqual(ids.map((m) => (m?.kind === 'hub-id' ? m.id : null)), ['meta-llama/Meta-Llama-3.1-8B', 'TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T', 'meta-llama/Meta-Llama-3.1-8B', 'google/gemma-2b']);
  // continued pretraining from a checkpoint
  const resumed = scanFiles([{ path: 'p.yaml', text: PRETRAIN.replace('initial_checkpoint_dir:', 'initial_checkpoint_dir: checkpoints/EleutherAI/pythia-14m') }]).jobs[0];
  assert.equal(resumed.settings.pretraining, false);
});

test("litgpt pretrain: an empty or absent max_seq_length is the model config's block_size, cited, not the estimator's 2048", () => {
  // litgpt/model.py: GPT() sets max_seq_length = config.block_size; pretrain.py replaces it only when
  // train.max_seq_length is set. Block sizes from litgpt/config.py @ 26857050: pythia-14m 512 (the Hub config.json
  // says max_position_embeddings 2048), tiny-llama-1.1b 2048, Gemma-2b none written (the Config default 4096).
  const seqOf = (text: string) => {
    const job = scanFiles([{ path: 'debug.yaml', text }]).jobs[0];
    return { seq: job.settings.seqLen, source: job.sources['seqLen'], defaulted: job.defaults.find((d) => d.setting === 'seqLen') };
  };
  const empty = seqOf(PRETRAIN.replace('  micro_batch_size: 5', '  micro_batch_size: 5\n  max_seq_length:'));
  assert.equal(empty.seq, 512);
  assert.equal(empty.source, undefined, 'not read from the file');
  assert.equal(empty.defaulted?.key, 'max_seq_length');
  assert.match(empty.defaulted?.source.url ?? '', /litgpt\/blob\/[0-9a-f]{40}\/litgpt\/pretrain\.py$/);
  assert.match(empty.defaulted?.note ?? '', /block_size 512 of litgpt's pythia-14m config/);
  assert.equal(seqOf(PRETRAIN).seq, 512, 'absent as empty');
  assert.equal(seqOf(PRETRAIN.replace('pythia-14m', 'tiny-llama-1.1b')).seq, 2048);
  assert.equal(seqOf(PRETRAIN.replace('pythia-14m', 'google/gemma-2b')).seq, 4096, 'a Hub name Config.from_name takes; the dataclass default');
  // A written length wins; a model_config mapping replaces the named config; fine-tuning (checkpoint_dir) is not pretrain.py.
  const written = seqOf(PRETRAIN.replace('  micro_batch_size: 5', '  micro_batch_size: 5\n  max_seq_length: 256'));
  assert.equal(written.seq, 256);
  assert.equal(written.defaulted, undefined);
  assert.equal(seqOf(PRETRAIN.replace('model_config:', 'model_config:\n  block_size: 128\n  n_layer: 2')).seq, undefined);
  assert.equal(seqOf(LORA.replace('  max_seq_length: 512\n', '')).seq, undefined, 'fine-tuning: see the next test');
});

test('litgpt: a model_name litgpt does not know is a warning at its position, and the job has no model', () => {
  const report = scanFiles([{ path: 'p.yaml', text: PRETRAIN.replace('pythia-14m', 'my-own-model') }]);
  assert.equal(report.jobs[0].model, null);
  const w = report.warnings.find((x) => x.message.includes("'my-own-model'"));
  assert.ok(w !== undefined, JSON.stringify(report.warnings));
  assert.deepEqual([w.path, w.line, w.column], ['p.yaml', 1, 13]);
  assert.match(w.message, /is not one of litgpt's model names/);
  assert.ok((report.jobs[0].assumptions ?? []).some((a) => a.startsWith(`p.yaml:1:13: model_name 'my-own-model' is not one of litgpt's model names`)), JSON.stringify(report.jobs[0].assumptions));
});

test('litgpt fine-tuning without max_seq_length: the length stays an assumption naming litgpt\'s rule and the block size', () => {
  // litgpt/finetune/lora.py fit() @ 26857050: model.max_seq_length = min(longest tokenized example of the train and
  // val data, train.max_seq_length or inf), and GPT's setter raises above config.block_size (litgpt/model.py);
  // Llama-3.1-8B's block_size is 131072 in litgpt/config.py. Neither the tokenized data nor that length is in the files.
  const absent = scanFiles([{ path: 'lora.yaml', text: LORA.replace('  max_seq_length: 512\n', '') }]).jobs[0];
  assert.equal(absent.settings.seqLen, undefined, 'no value is invented');
  assert.equal(absent.sources['seqLen'], undefined);
  const d = absent.defaults.find((x) => x.setting === 'seqLen');
  assert.equal(d?.key, 'train.max_seq_length');
  assert.equal(d?.value, null);
  assert.match(d?.source.url ?? '', /litgpt\/blob\/[0-9a-f]{40}\/litgpt\/finetune\/lora\.py$/);
  assert.match(d?.note ?? '', /longest tokenized example of the train and validation data, at most the model's block_size, 131072 in litgpt's config of meta-llama\/Meta-Llama-3\.1-8B/);
  // written empty: the same
  const empty = scanFiles([{ path: 'lora.yaml', text: LORA.replace('  max_seq_length: 512', '  max_seq_length:') }]).jobs[0];
  assert.equal(empty.defaults.find((x) => x.setting === 'seqLen')?.key, 'train.max_seq_length');
  // a checkpoint path that names no model litgpt knows: the rule without a number
  const local = scanFiles([{ path: 'lora.yaml', text: LORA.replace('checkpoints/meta-llama/Meta-Llama-3.1-8B', '../training/checkpoints/VinaSmol/stage_1').replace('  max_seq_length: 512\n', '') }]).jobs[0];
  assert.match(local.defaults.find((x) => x.setting === 'seqLen')?.note ?? '', /at most the model's block_size; the files do not state that length$/);
  // a written length is read, with no assumption beside it
  const written = scanFiles([{ path: 'lora.yaml', text: LORA }]).jobs[0];
  assert.equal(written.settings.seqLen, 512);
  assert.equal(written.defaults.find((x) => x.setting === 'seqLen'), undefined);
});

test('litgpt fine-tuning without max_seq_length: the sequence-length fact is the estimator\'s assumption with litgpt\'s rule as its reason', () => {
  // A workspace copy of the checkpoint's config (a small Llama) so the job is evaluated offline.
  const config = JSON.stringify({ model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 128, vocab_size: 100 });
  const files = [
    { path: 'lora.yaml', text: LORA.replace('  max_seq_length: 512\n', '') },
    { path: 'checkpoints/meta-llama/Meta-Llama-3.1-8B/config.json', text: config },
  ];
  const job = scanFiles(files).jobs[0];
  const access: FileAccess = { readText: (p) => files.find((f) => f.path === p)?.text ?? '' };
  const facts = evaluateJob(job, access, { gpuMemoryBytes: 24 * 2 ** 30, priority: 'quality' }).facts;
  // the estimator's 2048, an assumption whose reason is litgpt's rule
  assert.equal(facts.seqLen?.value, 2048);
  assert.equal(facts.seqLen?.source.kind, 'assumption');
  const reason = (facts.seqLen?.source as { reason: string }).reason;
  assert.match(reason, /^train\.max_seq_length is null \(also finetune_\*'s default when not written: litgpt fine-tuning trains at the longest tokenized example/);
  assert.match(reason, /litgpt finetune_lora fit\(\)\); assumed the estimator's default 2048$/);
});
