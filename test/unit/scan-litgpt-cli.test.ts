/**
 * litgpt command lines (`litgpt finetune_lora CHECKPOINT --train.micro_batch_size 4 ...`, `litgpt pretrain NAME ...`) in a
 * shell script and in a notebook's `!litgpt` line, with and without `--config`. The expected values are litgpt's own rules
 * at Lightning-AI/litgpt 26857050: setup()'s first parameter is the positional argument and its defaults stand for what
 * the line leaves out (finetune/lora.py: devices=1, micro_batch_size=1, global_batch_size=16, lora_r=8 over query and
 * value; pretrain.py: micro_batch_size=4, global_batch_size=512), gradient accumulation is
 * global_batch_size / devices / micro_batch_size (args.py), and a `--config` file is overridden by the arguments after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';
import { readLaunch } from '../../src/core/scan/shell/launch';
import { readShell } from '../../src/core/scan/shell/words';

const launch = (line: string) => {
  const l = readLaunch(readShell(line).commands[0]);
  assert.ok(l !== null, line);
  return l;
};

/** The text a range covers in a one-line-per-row file. */
const slice = (text: string, r: { line: number; column: number; endLine: number; endColumn: number }): string => {
  assert.equal(r.line, r.endLine);
  return text.split('\n')[r.line - 1].slice(r.column - 1, r.endColumn - 1);
};

test('the litgpt launcher: the positional checkpoint, --config taken out with its place, --devices x --num_nodes', () => {
  const l = launch('litgpt finetune_lora checkpoints/meta-llama/Llama-3.2-1B --devices 4 --num_nodes=2 --config cfg.yaml --train.micro_batch_size=4');
  assert.equal(l.launcher, 'litgpt');
  assert.equal(l.script?.value, 'litgpt finetune_lora');
  assert.equal(l.config?.value, 'cfg.yaml');
  assert.deepEqual(l.args.map((w) => w.text), ['--checkpoint_dir=checkpoints/meta-llama/Llama-3.2-1B', '--devices', '4', '--num_nodes=2', '--train.micro_batch_size=4']);
  // checkpoint_dir, --devices 4 and --num_nodes=2 come before --config
  assert.equal(l.configAt, 4);
  assert.equal(l.gpus?.value, 8);
  assert.equal(launch('litgpt pretrain pythia-14m').args[0].text, '--model_name=pythia-14m');
  const auto = launch('litgpt finetune_full checkpoints/a/b --devices auto');
  assert.equal(auto.gpus, null);
  assert.match(auto.unknowns[0].message, /--devices auto: every visible GPU/);
  // not training commands
  assert.equal(readLaunch(readShell('litgpt download meta-llama/Llama-3.2-1B').commands[0]), null);
  assert.equal(readLaunch(readShell('litgpt chat checkpoints/a/b').commands[0]), null);
});

test('a litgpt finetune_lora line in a shell script forms a job: model from the checkpoint, dotted flags, QLoRA', () => {
  const text = [
    '#!/bin/bash',
    'litgpt finetune_lora checkpoints/meta-llama/Llama-3.2-1B \\',
    '  --devices 2 --precision bf16-true --lora_r 16 --quantize bnb.nf4 \\',
    '  --train.micro_batch_size=4 --train.global_batch_size 64 --train.max_seq_length 512',
    '',
  ].join('\n');
  const report = scanFiles([{ path: 'finetune.sh', text }]);
  assert.deepEqual(report.findings.map((f) => [f.path, f.kind, f.error]), [['finetune.sh', 'shell-script', undefined]]);
  const job = report.jobs[0];
  assert.equal(job.id, 'finetune.sh');
  // litgpt download saves meta-llama/Llama-3.2-1B under checkpoints/meta-llama/Llama-3.2-1B
  assert.equal(job.model?.kind === 'hub-id' ? job.model.id : null, 'meta-llama/Llama-3.2-1B');
  assert.deepEqual(job.settings, {
    pretraining: false,
    gpus: 2,
    // bf16-true casts the model, so its weights and the adapters are bf16
    precision: 'bf16',
    loadDtype: 'bf16',
    lora: { rank: 16, targets: ['q_proj', 'v_proj'], qlora: true, adapterDtype: 'bf16' },
    qloraComputeDtype: 'bf16',
    perDeviceBatchSize: 4,
    // 64 / 2 GPUs / micro-batch 4
    gradAccum: 8,
    seqLen: 512,
    // finetune_lora's optimizer="AdamW", a default
    optimizer: 'AdamW',
  });
  assert.equal(slice(text, job.sources['perDeviceBatchSize'].range), '--train.micro_batch_size=4');
  assert.equal(slice(text, job.sources['lora.rank'].range), '16');
  assert.deepEqual(job.defaults.map((d) => d.setting), ['optimizer']);
});

test('litgpt finetune with no flags: a LoRA run on finetune_lora\'s defaults, each stated as an assumption', () => {
  const job = scanFiles([{ path: 'run.sh', text: 'litgpt finetune checkpoints/microsoft/phi-2\n' }]).jobs[0];
  assert.equal(job.model?.kind === 'hub-id' ? job.model.id : null, 'microsoft/phi-2');
  assert.deepEqual(job.settings.lora, { rank: 8, targets: ['q_proj', 'v_proj'], qlora: false });
  assert.equal(job.settings.gpus, 1);
  assert.equal(job.settings.perDeviceBatchSize, 1);
  // global_batch_size 16 / 1 device / micro-batch 1
  assert.equal(job.settings.gradAccum, 16);
  assert.equal(job.settings.precision, 'bf16-mixed');
  const defaulted = new Map(job.defaults.map((d) => [d.setting, d.value]));
  for (const [setting, value] of [['gpus', 1], ['perDeviceBatchSize', 1], ['gradAccum', 16], ['lora.rank', 8], ['precision', 'bf16-mixed'], ['optimizer', 'AdamW']] as const) {
    assert.equal(defaulted.get(setting), value, setting);
  }
  assert.deepEqual(job.sources['gpus'], undefined);
});

// A litgpt config_hub-style LoRA config, the file a --config names.
const LORA_YAML = [
  'checkpoint_dir: checkpoints/meta-llama/Meta-Llama-3.1-8B',
  'precision: bf16-true',
  'devices: 1',
  'lora_r: 32',
  'lora_mlp: true',
  'train:',
  '  global_batch_size: 8',
  '  micro_batch_size: 1',
  '  max_seq_length: 512',
  'optimizer:',
  '  class_path: torch.optim.AdamW',
  '  init_args:',
  '    lr: 0.0002',
  '',
].join('\n');

test('litgpt with --config: the config joins the job and the flags after it override its values', () => {
  const script = 'litgpt finetune_lora --config configs/lora.yaml --train.micro_batch_size 2 --precision bf16-mixed --lora_r 64\n';
  const report = scanFiles([{ path: 'configs/lora.yaml', text: LORA_YAML }, { path: 'train.sh', text: script }]);
  assert.equal(report.jobs.length, 1);
  const job = report.jobs[0];
  assert.equal(job.id, 'configs/lora.yaml');
  assert.deepEqual([...job.files].sort(), ['configs/lora.yaml', 'train.sh']);
  assert.equal(job.model?.kind === 'hub-id' ? job.model.id : null, 'meta-llama/Meta-Llama-3.1-8B');
  // the command's values over the config's
  assert.equal(job.settings.perDeviceBatchSize, 2);
  assert.equal(job.sources['perDeviceBatchSize'].path, 'train.sh');
  assert.equal(job.settings.precision, 'bf16-mixed');
  // -mixed keeps fp32 weights, not the bf16 the config's bf16-true would give
  assert.equal(job.settings.loadDtype, 'fp32');
  // the config's values where the command says nothing
  assert.equal(job.settings.seqLen, 512);
  assert.equal(job.settings.learningRate, 0.0002);
  assert.equal(job.settings.optimizer, 'torch.optim.AdamW');
  // --lora_r is not merged into the config's LoRA settings: that is stated
  assert.equal(job.settings.lora?.rank, 32);
  assert.ok((job.assumptions ?? []).some((a) => a.startsWith('train.sh:1:') && a.includes('--lora_r') && a.includes('not merged')), JSON.stringify(job.assumptions));
  // the config's global batch with the command's micro-batch: stated, not recomputed
  assert.ok((job.assumptions ?? []).some((a) => a.includes('train.global_batch_size comes from --config configs/lora.yaml')), JSON.stringify(job.assumptions));
  // the command line brings no defaults of its own when a config is named
  assert.ok(!job.defaults.some((d) => d.setting === 'gpus' || d.setting === 'perDeviceBatchSize'));
});

test('litgpt: a flag written before --config is overridden by the config where it sets the value, which is stated', () => {
  const script = 'litgpt finetune_lora --precision 32-true --config configs/lora.yaml\n';
  const job = scanFiles([{ path: 'configs/lora.yaml', text: LORA_YAML }, { path: 'run.sh', text: script }]).jobs[0];
  assert.ok((job.assumptions ?? []).some((a) => a.startsWith('run.sh:1:22: --precision is written before --config')), JSON.stringify(job.assumptions));
});

const notebook = (lines: string[]) =>
  JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, outputs: [], source: lines }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);

test('a notebook !litgpt pretrain line forms a job: the model name, GPUs, batch, and pretrain\'s defaults', () => {
  const text = notebook(['!pip install litgpt\n', '!litgpt pretrain pythia-160m --devices 4 --train.micro_batch_size 8\n']);
  const report = scanFiles([{ path: 'train.ipynb', text }]);
  assert.deepEqual(report.findings.map((f) => [f.path, f.kind, f.error]), [['train.ipynb', 'jupyter-notebook', undefined]]);
  const job = report.jobs[0];
  assert.equal(job.id, 'train.ipynb');
  // litgpt's pythia-160m config is converted from EleutherAI/pythia-160m
  assert.equal(job.model?.kind === 'hub-id' ? job.model.id : null, 'EleutherAI/pythia-160m');
  assert.equal(job.settings.pretraining, true);
  assert.equal(job.settings.gpus, 4);
  assert.equal(job.settings.perDeviceBatchSize, 8);
  // pretrain's global_batch_size 512 / 4 GPUs / micro-batch 8
  assert.equal(job.settings.gradAccum, 16);
  assert.equal(job.defaults.find((d) => d.setting === 'gradAccum')?.value, 16);
  // the ranges point into the .ipynb text
  assert.equal(slice(text, job.sources['perDeviceBatchSize'].range), '8');
  assert.equal(slice(text, job.sources['gpus'].range), '4');
});

test('a notebook !litgpt line with --config joins that config\'s job; an IPython {substitution} is unknown', () => {
  const text = notebook(['mbs = 4\n', '!litgpt finetune_lora --config lora.yaml --train.micro_batch_size {mbs} --train.max_seq_length 256\n']);
  const report = scanFiles([{ path: 'lora.yaml', text: LORA_YAML }, { path: 'nb.ipynb', text }]);
  assert.equal(report.jobs.length, 1);
  const job = report.jobs[0];
  assert.equal(job.id, 'lora.yaml');
  assert.ok(job.files.includes('nb.ipynb'));
  assert.equal(job.settings.seqLen, 256);
  assert.equal(job.sources['seqLen'].path, 'nb.ipynb');
  // {mbs} is not evaluated: the config's micro-batch stays, and the unknown value is an assumption
  assert.equal(job.settings.perDeviceBatchSize, 1);
  assert.ok((job.assumptions ?? []).some((a) => a.includes('--train.micro_batch_size is {mbs}')), JSON.stringify(job.assumptions));
});

test('litgpt: a checkpoint written after --config is the job\'s model; one written before it yields to the config\'s', () => {
  const after = scanFiles([{ path: 'lora.yaml', text: LORA_YAML }, { path: 'a.sh', text: 'litgpt finetune_lora --config lora.yaml checkpoints/microsoft/phi-2\n' }]);
  assert.equal(after.jobs.length, 1);
  assert.deepEqual(after.jobs[0].model?.kind === 'hub-id' ? [after.jobs[0].model.id, after.jobs[0].model.path] : null, ['microsoft/phi-2', 'a.sh']);
  const before = scanFiles([{ path: 'lora.yaml', text: LORA_YAML }, { path: 'b.sh', text: 'litgpt finetune_lora checkpoints/microsoft/phi-2 --config lora.yaml\n' }]);
  assert.deepEqual(before.jobs[0].model?.kind === 'hub-id' ? [before.jobs[0].model.id, before.jobs[0].model.path] : null, ['meta-llama/Meta-Llama-3.1-8B', 'lora.yaml']);
  assert.ok((before.jobs[0].assumptions ?? []).some((a) => a.startsWith('b.sh:1:22: --checkpoint_dir is written before --config')), JSON.stringify(before.jobs[0].assumptions));
});

test('litgpt: --optimizer as a class name or as dotted class_path / init_args; a dotted key beside a value is a note', () => {
  const byName = scanFiles([{ path: 'a.sh', text: 'litgpt finetune_full checkpoints/a/b --optimizer SGD --optimizer.lr 0.1\n' }]).jobs[0];
  assert.equal(byName.settings.optimizer, 'SGD');
  assert.ok((byName.assumptions ?? []).some((a) => a.includes('--optimizer.lr is not read beside --optimizer')), JSON.stringify(byName.assumptions));
  const dotted = scanFiles([{ path: 'b.sh', text: 'litgpt finetune_full checkpoints/a/b --optimizer.class_path torch.optim.SGD --optimizer.init_args.lr=0.1\n' }]).jobs[0];
  assert.equal(dotted.settings.optimizer, 'torch.optim.SGD');
  assert.equal(dotted.settings.learningRate, 0.1);
});
