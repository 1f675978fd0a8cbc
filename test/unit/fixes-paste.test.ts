/**
 * The change to paste (src/core/fixes/paste.ts) in each format, and the quick fix writing the same values: the
 * advice objects are written out here, so every expected text is visible in the test. YAML and JSON pastes are
 * parsed back; Python pastes are parsed by python3 when it is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { HyperparameterAdvice, StrategyPlan } from '../../src/core/advisor/types';
import { applyEdits, isFix, optimizerFix, pasteChanges, pasteFormatOf, pasteOptionsOf, type PasteChange } from '../../src/core/fixes';
import { TORCH_MUON_ARGUMENTS } from '../../src/core/optimizers/muon';
import type { ObjectNode, ParsedNode } from '../../src/core/parse/node';
import { parseYaml } from '../../src/core/parse/yaml';
import { scanFiles } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';

function advice(over: Partial<HyperparameterAdvice>): HyperparameterAdvice {
  return { lr: 1e-4, betas: null, eps: null, weightDecay: 0, warmup: null, schedule: { kind: 'cosine', detail: 'cosine decay' }, extra: {}, ...over };
}

/** GaLore for a 7B model as its authors run it (rank 1024, update_proj_gap 500, scale 0.25, lr 0.005, 10% warmup). */
const GALORE = advice({ lr: 0.005, betas: [0.9, 0.999], eps: 1e-6, weightDecay: 0, warmup: { unit: 'ratio', value: 0.1 }, extra: { rank: 1024, update_proj_gap: 500, scale: 0.25 } });
const ADAMW = advice({ lr: 2e-5, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.1, warmup: { unit: 'steps', value: 100 } });
const SCHEDULE_FREE = advice({ lr: 2e-5, betas: [0.9, 0.999], eps: 1e-8, warmup: { unit: 'steps', value: 30 }, schedule: { kind: 'constant', detail: 'no decay' }, extra: { warmup_steps: 30 } });

const byFormat = (changes: readonly PasteChange[], format: PasteChange['format']): PasteChange => {
  const c = changes.find((x) => x.format === format);
  assert.ok(c, `no ${format} change`);
  return c;
};

const python3 = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;
function assertPythonParses(source: string): void {
  if (!python3) return;
  const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: source.replace('...,  #', '#'), encoding: 'utf8' });
  assert.equal(r.status, 0, `python3 cannot parse:\n${r.stderr}\n${source}`);
}

test('GaLore: HF TrainingArguments with optim_args and optim_target_modules, the transformers version that added it', () => {
  const changes = pasteChanges('galore-adamw', GALORE);
  const hf = byFormat(changes, 'hf-trainer');
  assert.equal(hf.code, [
    'args = TrainingArguments(',
    "    ...,  # the job's other arguments",
    '    optim="galore_adamw",',
    '    learning_rate=0.005,',
    '    weight_decay=0.0,',
    '    optim_args="rank=1024,update_proj_gap=500,scale=0.25",',
    '    optim_target_modules=["attn", "mlp"],',
    '    lr_scheduler_type="cosine",',
    '    warmup_ratio=0.1,',
    ')',
  ].join('\n'));
  assert.equal(hf.package, 'transformers, galore-torch');
  assert.equal(hf.minVersion, '4.39.0');
  assert.match(hf.source, /transformers\/pull\/29588/);
  assertPythonParses(hf.code);
  const axolotl = byFormat(changes, 'axolotl');
  assert.equal(axolotl.code, [
    'optimizer: galore_adamw',
    'learning_rate: 0.005',
    'weight_decay: 0.0',
    "optim_args: 'rank=1024,update_proj_gap=500,scale=0.25'",
    'optim_target_modules: [attn, mlp]',
    'lr_scheduler: cosine',
    'warmup_ratio: 0.1',
  ].join('\n'));
  const parsed = parseYaml(axolotl.code, 'paste.yaml').root;
  assert.equal(parsed.kind, 'object');
  // No DeepSpeed type names GaLore.
  assert.ok(!changes.some((c) => c.format === 'deepspeed'));
});

test('AdamW in every format: the job\'s format first, DeepSpeed JSON and torchtune YAML parse, integers stay integers', () => {
  const changes = pasteChanges('adamw', ADAMW, 'torchtune');
  assert.deepEqual(changes.map((c) => c.format), ['torchtune', 'hf-trainer', 'hf-trainer-yaml', 'axolotl', 'lightning-cli', 'hydra', 'nemo', 'deepspeed', 'pytorch']);
  const tt = byFormat(changes, 'torchtune');
  assert.equal(tt.code, ['optimizer:', '  _component_: torch.optim.AdamW', '  lr: 2.0e-5', '  betas: [0.9, 0.95]', '  weight_decay: 0.1'].join('\n'));
  assert.equal(parseYaml(tt.code, 'paste.yaml').root.kind, 'object');
  const ds = byFormat(changes, 'deepspeed');
  assert.deepEqual(JSON.parse(ds.code), { optimizer: { type: 'AdamW', params: { lr: 2e-5, betas: [0.9, 0.95], eps: 1e-8, weight_decay: 0.1 } } });
  assert.equal(ds.package, 'deepspeed');
  const py = byFormat(changes, 'pytorch');
  assert.match(py.code, /optimizer = torch\.optim\.AdamW\(/);
  assert.equal(py.package, 'torch');
  assertPythonParses(py.code);
  assert.match(byFormat(changes, 'hf-trainer').code, /\n {4}warmup_steps=100,\n/);
  assert.match(byFormat(changes, 'axolotl').code, /\nwarmup_steps: 100(\n|$)/);
});

test('Schedule-Free: its own warmup_steps, so the Trainer\'s scheduler stays constant (it passes warmup_steps to the optimizer)', () => {
  const changes = pasteChanges('schedule-free-adamw', SCHEDULE_FREE);
  const hf = byFormat(changes, 'hf-trainer');
  assert.match(hf.code, /optim="schedule_free_adamw"/);
  assert.match(hf.code, /lr_scheduler_type="constant",/);
  assert.match(hf.code, /warmup_steps=30,/);
  assert.equal(hf.package, 'transformers, schedulefree');
  const py = byFormat(changes, 'pytorch');
  assert.match(py.code, /warmup_steps=30,/);
  assert.equal(py.package, 'schedulefree');
});

test('the job\'s format comes from its files: DeepSpeed, torchtune, axolotl YAML, HF JSON, a PyTorch script', () => {
  const gpt2 = { path: 'config.json', text: JSON.stringify({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, vocab_size: 50257 }) };
  const jobOf = (files: ScanFile[], path: string) => {
    const job = scanFiles(files).jobs.find((j) => j.files.includes(path));
    assert.ok(job, path);
    return job;
  };
  assert.equal(pasteFormatOf(jobOf([gpt2, { path: 'training_args.json', text: '{"output_dir": "o", "optim": "adamw_torch"}' }], 'training_args.json')), 'hf-trainer');
  assert.equal(pasteFormatOf(jobOf([gpt2, { path: 'train.py', text: 'import torch\noptimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)\n' }], 'train.py')), 'pytorch');
  assert.equal(pasteFormatOf(jobOf([gpt2, { path: 'axolotl.yml', text: 'base_model: gpt2\nmicro_batch_size: 2\noptimizer: adamw_torch\nlearning_rate: 0.0002\n' }], 'axolotl.yml')), 'axolotl');
  const ds = '{"train_micro_batch_size_per_gpu": 4, "optimizer": {"type": "AdamW", "params": {"lr": 3e-5}}}';
  assert.equal(pasteFormatOf(jobOf([gpt2, { path: 'training_args.json', text: '{"output_dir": "x", "deepspeed": "ds.json"}' }, { path: 'ds.json', text: ds }], 'ds.json')), 'deepspeed');
  const tt = "model:\n  _component_: torchtune.models.llama3_2.lora_llama3_2_1b\n  lora_attn_modules: ['q_proj', 'v_proj']\n  lora_rank: 8\nbatch_size: 2\noptimizer:\n  _component_: torch.optim.AdamW\n  lr: 3e-4\ndtype: bf16\n";
  assert.equal(pasteFormatOf(jobOf([{ path: 'lora.yaml', text: tt }], 'lora.yaml')), 'torchtune');
  // A LightningCLI config (trainer: with class_path/init_args groups) gets its own optimizer group, not torchtune's.
  const lightning = 'seed_everything: 42\ntrainer:\n  max_epochs: 3\nmodel:\n  class_path: mymodule.Classifier\n  init_args:\n    model_name_or_path: gpt2\ndata:\n  class_path: mydata.DataModule\n  init_args:\n    batch_size: 8\noptimizer:\n  class_path: torch.optim.AdamW\n  init_args:\n    lr: 5.0e-05\n';
  assert.equal(pasteFormatOf(jobOf([{ path: 'config.yaml', text: lightning }], 'config.yaml')), 'lightning-cli');
});

test('LightningCLI: an optimizer group with class_path (torch.optim, bitsandbytes or the package) and init_args', () => {
  const changes = pasteChanges('adamw', ADAMW, 'lightning-cli');
  assert.equal(changes[0]!.format, 'lightning-cli');
  assert.equal(changes[0]!.code, ['optimizer:', '  class_path: torch.optim.AdamW', '  init_args:', '    lr: 2.0e-5', '    betas: [0.9, 0.95]', '    weight_decay: 0.1'].join('\n'));
  assert.equal(parseYaml(changes[0]!.code, 'paste.yaml').root.kind, 'object');
  // An optimizer torch does not have comes from its package's module.
  const eight = byFormat(pasteChanges('adamw-8bit', ADAMW, 'lightning-cli'), 'lightning-cli');
  assert.match(eight.code, /^ {2}class_path: bitsandbytes\.optim\.AdamW8bit$/m);
  assert.match(eight.package, /bitsandbytes/);
  const lion = byFormat(pasteChanges('lion', advice({ lr: 1e-5, betas: [0.9, 0.99], weightDecay: 1 }), 'lightning-cli'), 'lightning-cli');
  assert.match(lion.code, /^ {2}class_path: (bitsandbytes\.optim\.Lion|lion_pytorch\.Lion)$/m);
});

test('the quick fix writes the values the paste shows (GaLore into an HF arguments file)', () => {
  const text = '{\n  "output_dir": "./out",\n  "optim": "adamw_torch",\n  "learning_rate": 2e-05\n}\n';
  const gpt2 = { path: 'config.json', text: JSON.stringify({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, vocab_size: 50257 }) };
  const job = scanFiles([gpt2, { path: 'training_args.json', text }]).jobs.find((j) => j.files.includes('training_args.json'))!;
  const fix = optimizerFix({ path: 'training_args.json', text, job, target: 'galore-adamw', hyperparameters: GALORE });
  assert.ok(isFix(fix));
  const after = JSON.parse(applyEdits(text, fix.edits)) as Record<string, unknown>;
  assert.deepEqual(after, {
    output_dir: './out',
    optim: 'galore_adamw',
    learning_rate: 0.005,
    weight_decay: 0,
    optim_args: 'rank=1024,update_proj_gap=500,scale=0.25',
    optim_target_modules: ['attn', 'mlp'],
  });
  // The same keys and values as the TrainingArguments paste (its scheduler lines aside).
  const paste = byFormat(pasteChanges('galore-adamw', GALORE), 'hf-trainer').code;
  for (const [k, v] of Object.entries(after)) if (k !== 'output_dir') assert.ok(paste.includes(`${k}=${typeof v === 'string' ? `"${v}"` : Array.isArray(v) ? JSON.stringify(v).replace(/,/g, ', ') : ''}`), k);
});

test('quick-fix titles tell SGD from SGD with momentum (both are torch.optim.SGD)', () => {
  const text = 'import torch\noptimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)\n';
  const job = scanFiles([{ path: 'train.py', text }]).jobs.find((j) => j.files.includes('train.py'))!;
  const label = (target: 'sgd' | 'sgd-momentum' | 'adamw', hp: HyperparameterAdvice) => {
    const fix = optimizerFix({ path: 'train.py', text, job, target, hyperparameters: hp });
    assert.ok(isFix(fix), target);
    return fix.label;
  };
  const sgd = label('sgd', advice({ lr: 0.1 }));
  const momentum = label('sgd-momentum', advice({ lr: 0.1, extra: { momentum: 0.9 } }));
  assert.equal(sgd, 'torch.optim.SGD (SGD)');
  assert.equal(momentum, 'torch.optim.SGD (SGD with momentum)');
  // A spelling only one optimizer has keeps its plain name.
  assert.equal(label('adamw', ADAMW), 'torch.optim.AdamW');
});

/** A plan as the advisor gives one when nothing fits: checkpointing, then GaLore 8-bit per-layer at micro-batch 2. */
const GALORE_PLAN = (switchesTo?: 'galore-adamw'): StrategyPlan => ({
  peakBytes: 20e9,
  fits: true,
  level: 3,
  steps: [
    { id: 'gradient-checkpointing', text: 'checkpointing', changes: 'slower', peakBytes: 40e9, settings: { gradient_checkpointing: true } },
    {
      id: 'galore',
      text: 'GaLore',
      changes: 'a different optimizer',
      peakBytes: 20e9,
      settings: { optim: 'galore_adamw_8bit_layerwise', optim_target_modules: ['attn', 'mlp'], optim_args: 'rank=1024,update_proj_gap=500,scale=0.25', learning_rate: 0.005, per_device_train_batch_size: 2, gradient_accumulation_steps: 1 },
      ...(switchesTo ? { optimizer: switchesTo } : {}),
    },
  ],
});

test('the paste carries the plan that makes its optimizer fit (optim spelling, target modules, checkpointing, micro-batch)', () => {
  const hf = byFormat(pasteChanges('galore-adamw', GALORE, 'hf-trainer', GALORE_PLAN()), 'hf-trainer').code;
  assert.match(hf, /^ {4}optim="galore_adamw_8bit_layerwise",$/m);
  assert.match(hf, /^ {4}optim_target_modules=\["attn", "mlp"\],$/m);
  assert.match(hf, /^ {4}gradient_checkpointing=True,$/m);
  assert.match(hf, /^ {4}per_device_train_batch_size=2,$/m);
  assert.match(hf, /^ {4}gradient_accumulation_steps=1,$/m);
  assert.doesNotMatch(hf, /optim="galore_adamw"/);
  const axolotl = byFormat(pasteChanges('galore-adamw', GALORE, 'axolotl', GALORE_PLAN()), 'axolotl').code;
  assert.equal(parseYaml(axolotl, 'paste.yaml').root.kind, 'object');
  for (const line of ['optimizer: galore_adamw_8bit_layerwise', 'optim_target_modules: [attn, mlp]', 'micro_batch_size: 2', 'gradient_checkpointing: true', 'gradient_accumulation_steps: 1']) {
    assert.ok(axolotl.split('\n').includes(line), line);
  }
  // A plan that switches to another optimizer (8-bit AdamW replaced by GaLore) is not pasted as 8-bit AdamW's change.
  const eight = byFormat(pasteChanges('adamw-8bit', ADAMW, 'hf-trainer', GALORE_PLAN('galore-adamw')), 'hf-trainer').code;
  assert.match(eight, /optim="adamw_bnb_8bit"/);
  assert.doesNotMatch(eight, /galore|gradient_checkpointing|per_device_train_batch_size/);
});

/**
 * lightning-hydra-template's MNIST setup (ashleve/lightning-hydra-template configs/train.yaml, data/mnist.yaml,
 * model/mnist.yaml, trainer/default.yaml; trimmed to the keys read here): a Hydra composition whose optimizer is a
 * `_target_` block with `_partial_: true`.
 */
const HYDRA_FILES: ScanFile[] = [
  { path: 'configs/train.yaml', text: 'defaults:\n  - _self_\n  - data: mnist\n  - model: mnist\n  - trainer: default\n\ntask_name: train\n' },
  { path: 'configs/data/mnist.yaml', text: '_target_: src.data.mnist_datamodule.MNISTDataModule\ndata_dir: ${paths.data_dir}\nbatch_size: 128\ntrain_val_test_split: [55_000, 5_000, 10_000]\nnum_workers: 0\npin_memory: False\n' },
  {
    path: 'configs/model/mnist.yaml',
    text: '_target_: src.models.mnist_module.MNISTLitModule\n\noptimizer:\n  _target_: torch.optim.Adam\n  _partial_: true\n  lr: 0.001\n  weight_decay: 0.0\n\nscheduler:\n  _target_: torch.optim.lr_scheduler.ReduceLROnPlateau\n  _partial_: true\n  mode: min\n\nnet:\n  _target_: src.models.components.simple_dense_net.SimpleDenseNet\n  input_size: 784\n  output_size: 10\n',
  },
  { path: 'configs/trainer/default.yaml', text: '_target_: lightning.pytorch.trainer.Trainer\n\ndefault_root_dir: ${paths.output_dir}\n\nmin_epochs: 1\nmax_epochs: 10\n\naccelerator: cpu\ndevices: 1\n' },
];

function hydraJob() {
  const job = scanFiles(HYDRA_FILES).jobs.find((j) => j.files.includes('configs/model/mnist.yaml'));
  assert.ok(job, 'the Hydra composition is a job');
  return job;
}

/** The members of the `optimizer:` mapping of a YAML text, as plain values. */
function optimizerBlock(yaml: string): Record<string, unknown> {
  const root = parseYaml(yaml, 'x.yaml').root as ObjectNode;
  const node = root.index.get('optimizer')?.node as ParsedNode;
  assert.equal(node.kind, 'object');
  return Object.fromEntries((node as ObjectNode).members.map((m) => [m.key, m.node.value]));
}

test('Hydra: a job whose optimizer is a _target_ block gets the Hydra format, _partial_ kept, the class path with its package', () => {
  const job = hydraJob();
  assert.equal(pasteFormatOf(job), 'hydra');
  assert.deepEqual(pasteOptionsOf(job), { hydraPartial: true });
  const changes = pasteChanges('adamw', ADAMW, pasteFormatOf(job), null, pasteOptionsOf(job));
  assert.equal(changes[0]!.format, 'hydra');
  assert.equal(changes[0]!.code, ['optimizer:', '  _target_: torch.optim.AdamW', '  _partial_: true', '  lr: 2.0e-5', '  betas: [0.9, 0.95]', '  weight_decay: 0.1'].join('\n'));
  assert.equal(changes[0]!.package, 'hydra-core, torch');
  assert.deepEqual(optimizerBlock(changes[0]!.code), { _target_: 'torch.optim.AdamW', _partial_: true, lr: 2e-5, betas: [0.9, 0.95], weight_decay: 0.1 });
  // Without _partial_ in the job's block, none in the paste; the torchtune block stays torchtune's.
  const plain = byFormat(pasteChanges('adamw', ADAMW, 'hydra'), 'hydra').code;
  assert.doesNotMatch(plain, /_partial_/);
  assert.match(byFormat(pasteChanges('adamw', ADAMW, 'hydra'), 'torchtune').code, /_component_: torch\.optim\.AdamW/);
  // Classes torch does not have come from their package, as in the LightningCLI group.
  const eight = byFormat(pasteChanges('adamw-8bit', ADAMW, 'hydra'), 'hydra');
  assert.match(eight.code, /^ {2}_target_: bitsandbytes\.optim\.AdamW8bit$/m);
  assert.equal(eight.package, 'hydra-core, bitsandbytes');
  const came = byFormat(pasteChanges('came', advice({ lr: 2e-4 }), 'hydra'), 'hydra');
  assert.match(came.code, /^ {2}_target_: came_pytorch\.CAME$/m);
  assert.equal(came.package, 'hydra-core, came-pytorch');
});

test('Hydra: the quick fix writes the paste\'s class and values into the _target_ block and keeps _partial_', () => {
  const job = hydraJob();
  const path = job.sources['optimizer']!.path;
  assert.equal(path, 'configs/model/mnist.yaml');
  const text = HYDRA_FILES.find((f) => f.path === path)!.text;
  const cases: [Parameters<typeof pasteChanges>[0], HyperparameterAdvice][] = [
    ['adamw', ADAMW],
    ['adamw-8bit', ADAMW],
    ['came', advice({ lr: 2e-4 })],
  ];
  for (const [target, hp] of cases) {
    const fix = optimizerFix({ path, text, job, target, hyperparameters: hp });
    assert.ok(isFix(fix), target);
    const fixed = optimizerBlock(applyEdits(text, fix.edits));
    const pasted = optimizerBlock(byFormat(pasteChanges(target, hp, 'hydra', null, pasteOptionsOf(job)), 'hydra').code);
    assert.deepEqual(fixed, pasted, target);
    // The rest of the file is untouched.
    assert.ok(applyEdits(text, fix.edits).includes('scheduler:\n  _target_: torch.optim.lr_scheduler.ReduceLROnPlateau\n  _partial_: true\n'), target);
  }
});

/** Muon as the advisor derives it (Moonlight's scaling: AdamW's lr and decay 0.1 for both parts). */
const MUON = advice({
  lr: 2e-5,
  weightDecay: 0.1,
  warmup: { unit: 'steps', value: 100 },
  extra: { momentum: 0.95, adjust_lr_fn: 'match_rms_adamw', adam_lr: 2e-5, adam_betas: [0.9, 0.95], adam_eps: 1e-8, adam_weight_decay: 0.1 },
});

test('Muon: torch.optim.Muon gets the hidden 2-D weights and only its own arguments; AdamW the rest with the adam_* values (PyTorch 2.9)', () => {
  const changes = pasteChanges('muon', MUON, 'pytorch');
  const py = byFormat(changes, 'pytorch');
  assert.match(py.code, /^muon = torch\.optim\.Muon\(\n {4}hidden,\n {4}lr=2\.0e-5,\n {4}weight_decay=0\.1,\n {4}adjust_lr_fn="match_rms_adamw",\n\)$/m);
  assert.match(py.code, /^adamw = torch\.optim\.AdamW\(\n {4}others,\n {4}lr=2\.0e-5,\n {4}betas=\(0\.9, 0\.95\),\n {4}eps=1\.0e-8,\n {4}weight_decay=0\.1,\n\)$/m);
  assert.match(py.code, /p\.ndim == 2/);
  assert.match(py.code, /^optimizers = \[muon, adamw\]/m);
  assert.doesNotMatch(py.code, /adam_/);
  assert.match(py.code, /docs\.pytorch\.org\/docs\/2\.9\/generated\/torch\.optim\.Muon\.html/);
  assert.equal(py.package, 'torch');
  assert.equal(py.minVersion, '2.9.0');
  assertPythonParses(py.code);
});

test('Muon: formats that cannot hold two optimizers say what to do instead, and write no adam_* key', () => {
  const changes = pasteChanges('muon', MUON, 'hydra');
  // HF: no optim string and one optimizer per Trainer: TrainingArguments for the schedule, the way to Muon in comments.
  const hf = byFormat(changes, 'hf-trainer');
  assert.doesNotMatch(hf.code, /optim=|adam_|torch\.optim\.Muon\(/);
  assert.match(hf.code, /# TrainingArguments has no optim string for Muon/);
  assert.match(hf.code, /create_optimizer\(\)/);
  assert.match(hf.code, /warmup_steps=100,/);
  assertPythonParses(hf.code);
  // torchtune, LightningCLI, Hydra: the block holds only torch.optim.Muon's own arguments, the comment the AdamW part.
  for (const format of ['torchtune', 'lightning-cli', 'hydra'] as const) {
    const c = byFormat(changes, format);
    const block = optimizerBlock(c.code);
    const args = format === 'lightning-cli' ? Object.keys((block['init_args'] ?? {}) as object) : Object.keys(block).filter((k) => !k.startsWith('_'));
    assert.deepEqual(args, ['lr', 'weight_decay', 'adjust_lr_fn'], format);
    for (const k of args) assert.ok((TORCH_MUON_ARGUMENTS as readonly string[]).includes(k), `${format}: ${k}`);
    assert.match(c.code, /^# torch\.optim\.Muon takes only the hidden 2-D weights/m, format);
    assert.match(c.code, /torch\.optim\.AdamW\(lr=2\.0e-5, betas=\(0\.9, 0\.95\), eps=1\.0e-8, weight_decay=0\.1\)/, format);
    assert.doesNotMatch(c.code, /^\s+adam_/m, format);
    assert.equal(c.minVersion, '2.9.0', format);
  }
  // DeepSpeed splits the parameters itself: its Muon type with the learning rate of each part, nothing else.
  const ds = JSON.parse(byFormat(changes, 'deepspeed').code) as { optimizer: { type: string; params: Record<string, unknown> } };
  assert.deepEqual(ds.optimizer, { type: 'Muon', params: { lr: 2e-5, weight_decay: 0.1, adam_lr: 2e-5 } });
});

test('Muon: the quick fix into a _target_ block writes torch.optim.Muon\'s own arguments and drops the ones it does not take', () => {
  const job = hydraJob();
  const path = 'configs/model/mnist.yaml';
  const text = HYDRA_FILES.find((f) => f.path === path)!.text.replace('  weight_decay: 0.0\n', '  weight_decay: 0.0\n  betas: [0.9, 0.99]\n');
  const fix = optimizerFix({ path, text, job: scanFiles(HYDRA_FILES.map((f) => (f.path === path ? { path, text } : f))).jobs.find((j) => j.id === job.id)!, target: 'muon', hyperparameters: MUON });
  assert.ok(isFix(fix));
  const after = applyEdits(text, fix.edits);
  assert.deepEqual(optimizerBlock(after), { _target_: 'torch.optim.Muon', _partial_: true, lr: 2e-5, weight_decay: 0.1, adjust_lr_fn: 'match_rms_adamw' });
  assert.deepEqual(fix.removed, ['betas']);
  // The paste's comment lines come along, inside the block: the code must give it the hidden weights and AdamW the rest.
  const comment = byFormat(pasteChanges('muon', MUON, 'hydra', null, { hydraPartial: true }), 'hydra').code.split('\n').filter((l) => l.startsWith('#'));
  assert.equal(comment.length, 4);
  assert.ok(after.includes(`optimizer:\n${comment.map((l) => `  ${l}\n`).join('')}  _target_: torch.optim.Muon\n`), after);
});

test('Muon: the quick fix on a torch.optim call writes Muon\'s own arguments, with the note on the hidden weights above the line', () => {
  const text = 'import torch\n\ndef main():\n    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.99))\n';
  const job = scanFiles([{ path: 'train.py', text }]).jobs.find((j) => j.files.includes('train.py'))!;
  const fix = optimizerFix({ path: 'train.py', text, job, target: 'muon', hyperparameters: MUON });
  assert.ok(isFix(fix));
  const lines = applyEdits(text, fix.edits).split('\n');
  assert.equal(lines[6], '    optimizer = torch.optim.Muon(model.parameters(), lr=2.0e-5, weight_decay=0.1, adjust_lr_fn="match_rms_adamw")');
  assert.match(lines[3]!, /^ {4}# torch\.optim\.Muon takes only the hidden 2-D weights \(https:\/\/docs\.pytorch\.org\/docs\/2\.9\/generated\/torch\.optim\.Muon\.html\):$/);
  assert.match(lines[5]!, /^ {4}# and 1-D gains\/biases with torch\.optim\.AdamW\(lr=2\.0e-5, betas=\(0\.9, 0\.95\), eps=1\.0e-8, weight_decay=0\.1\), stepping both$/);
  assert.deepEqual(fix.removed, ['betas']);
  assertPythonParses(applyEdits(text, fix.edits));
});

/** alignment-handbook's Zephyr-7B SFT recipe (test/fixtures/realproj/alignment-handbook-sft, SOURCE line inside). */
const RECIPE_PATH = 'test/fixtures/realproj/alignment-handbook-sft/config_full.yaml';
const RECIPE = readFileSync(RECIPE_PATH, 'utf8');

test('TrainingArguments YAML (TRL / alignment-handbook recipe): its own format first, with the Trainer\'s key names', () => {
  const job = scanFiles([{ path: 'config_full.yaml', text: RECIPE }]).jobs.find((j) => j.files.includes('config_full.yaml'));
  assert.ok(job);
  assert.equal(job.optimizerFileKind, 'hf-training-args-yaml');
  assert.equal(pasteFormatOf(job), 'hf-trainer-yaml');
  const changes = pasteChanges('adamw', ADAMW, pasteFormatOf(job), null, pasteOptionsOf(job));
  assert.equal(changes[0]!.format, 'hf-trainer-yaml');
  assert.equal(changes[0]!.language, 'yaml');
  assert.equal(changes[0]!.code, [
    'optim: adamw_torch',
    'learning_rate: 2.0e-5',
    'weight_decay: 0.1',
    'adam_beta2: 0.95',
    'lr_scheduler_type: cosine',
    'warmup_steps: 100',
  ].join('\n'));
  assert.equal(changes[0]!.package, 'transformers');
  // GaLore with the plan that makes it fit: the TrainingArguments names (not axolotl's optimizer / micro_batch_size).
  const galore = byFormat(pasteChanges('galore-adamw', GALORE, 'hf-trainer-yaml', GALORE_PLAN()), 'hf-trainer-yaml');
  assert.equal(galore.code, [
    'optim: galore_adamw_8bit_layerwise',
    'learning_rate: 0.005',
    'weight_decay: 0.0',
    "optim_args: 'rank=1024,update_proj_gap=500,scale=0.25'",
    'optim_target_modules: [attn, mlp]',
    'gradient_checkpointing: true',
    'per_device_train_batch_size: 2',
    'gradient_accumulation_steps: 1',
    'lr_scheduler_type: cosine',
    'warmup_ratio: 0.1',
  ].join('\n'));
  assert.equal(galore.minVersion, '4.39.0');
  assert.equal(parseYaml(galore.code, 'paste.yaml').root.kind, 'object');
  // An axolotl config keeps axolotl's keys.
  const axolotl = scanFiles([{ path: 'axolotl.yml', text: 'base_model: gpt2\nmicro_batch_size: 2\noptimizer: adamw_torch\nlearning_rate: 0.0002\n' }]).jobs[0]!;
  assert.equal(pasteFormatOf(axolotl), 'axolotl');
});

test('TrainingArguments YAML: the quick fix writes the paste\'s optimizer values into the recipe, the rest byte-identical', () => {
  const job = scanFiles([{ path: 'config_full.yaml', text: RECIPE }]).jobs.find((j) => j.files.includes('config_full.yaml'))!;
  // The recipe leaves optim to the Trainer's default: the fix adds it and the values it does not write.
  const fix = optimizerFix({ path: 'config_full.yaml', text: RECIPE, job, target: 'adamw', hyperparameters: ADAMW });
  assert.ok(isFix(fix));
  const after = applyEdits(RECIPE, fix.edits);
  const pasted = parseYaml(byFormat(pasteChanges('adamw', ADAMW, 'hf-trainer-yaml'), 'hf-trainer-yaml').code, 'paste.yaml').root as ObjectNode;
  const fixed = parseYaml(after, 'config_full.yaml').root as ObjectNode;
  for (const key of ['optim', 'learning_rate', 'weight_decay', 'adam_beta2']) {
    assert.deepEqual(fixed.index.get(key)?.node.value, pasted.index.get(key)?.node.value, key);
  }
  // Only the learning rate's value changes in place; the other values are added at the end; nothing else moves.
  assert.equal(after, `${RECIPE.replace('learning_rate: 2.0e-05\n', 'learning_rate: 2.0e-5\n')}optim: adamw_torch\nweight_decay: 0.1\nadam_beta2: 0.95\n`);
  // PyYAML (which TRL reads recipes with) would read the written numbers as numbers: a dot and a signed exponent.
  assert.doesNotMatch(after, /: \d+e-/);
  // A recipe that writes optim: the value is replaced where it is, the same keys follow.
  const withOptim = RECIPE.replace('learning_rate: 2.0e-05\n', 'learning_rate: 2.0e-05\noptim: adamw_torch_fused\n');
  const job2 = scanFiles([{ path: 'config_full.yaml', text: withOptim }]).jobs.find((j) => j.files.includes('config_full.yaml'))!;
  const fix2 = optimizerFix({ path: 'config_full.yaml', text: withOptim, job: job2, target: 'galore-adamw', hyperparameters: GALORE });
  assert.ok(isFix(fix2));
  const after2 = applyEdits(withOptim, fix2.edits);
  assert.match(after2, /^optim: galore_adamw$/m);
  const tail = withOptim.slice(withOptim.indexOf('lr_scheduler_type: cosine'));
  assert.ok(after2.includes(tail.slice(0, tail.indexOf('warmup_ratio'))), 'the keys after the optimizer are unchanged');
  assert.equal(after2.slice(0, withOptim.indexOf('# SFT trainer config')), withOptim.slice(0, withOptim.indexOf('# SFT trainer config')));
});

test('TrainingArguments YAML under a Hydra trainer.args: the paste nests the keys there', () => {
  // locuslab/open-unlearning's shape (configs/trainer/finetune.yaml under trainer:, TrainingArguments(**trainer_cfg.args)).
  const text = 'model:\n  model_args:\n    pretrained_model_name_or_path: gpt2\ntrainer:\n  handler: FinetuneTrainer\n  args:\n    per_device_train_batch_size: 4\n    gradient_accumulation_steps: 4\n    learning_rate: 1.0e-05\n    optim: paged_adamw_32bit\n    num_train_epochs: 10\n';
  const job = scanFiles([{ path: 'train.yaml', text }]).jobs.find((j) => j.files.includes('train.yaml'));
  assert.ok(job);
  assert.equal(job.optimizerFileKind, 'hydra-trainer-args');
  assert.equal(pasteFormatOf(job), 'hf-trainer-yaml');
  const code = pasteChanges('adamw', ADAMW, pasteFormatOf(job), null, pasteOptionsOf(job))[0]!.code;
  assert.equal(code, ['trainer:', '  args:', '    optim: adamw_torch', '    learning_rate: 2.0e-5', '    weight_decay: 0.1', '    adam_beta2: 0.95', '    lr_scheduler_type: cosine', '    warmup_steps: 100'].join('\n'));
  const fix = optimizerFix({ path: 'train.yaml', text, job, target: 'adamw', hyperparameters: ADAMW });
  assert.ok(isFix(fix));
  const after = applyEdits(text, fix.edits);
  assert.ok(after.startsWith('model:\n  model_args:\n    pretrained_model_name_or_path: gpt2\ntrainer:\n  handler: FinetuneTrainer\n  args:\n    per_device_train_batch_size: 4\n    gradient_accumulation_steps: 4\n    learning_rate: 2.0e-5\n    optim: adamw_torch\n'), after);
});

test('axolotl: the quick fix writes a plan\'s micro-batch as micro_batch_size, as the paste does', () => {
  const text = 'base_model: gpt2\nmicro_batch_size: 8\noptimizer: adamw_torch\nlearning_rate: 0.0002\n';
  const job = scanFiles([{ path: 'axolotl.yml', text }]).jobs[0]!;
  const fix = optimizerFix({ path: 'axolotl.yml', text, job, target: 'galore-adamw', hyperparameters: GALORE, plan: GALORE_PLAN() });
  assert.ok(isFix(fix));
  const after = parseYaml(applyEdits(text, fix.edits), 'axolotl.yml').root as ObjectNode;
  assert.equal(after.index.get('micro_batch_size')?.node.value, 2);
  assert.equal(after.index.has('per_device_train_batch_size'), false);  // The same when the config leaves the optimizer to axolotl's default (the fix adds it).
  const bare = 'base_model: gpt2\nmicro_batch_size: 8\nlearning_rate: 0.0002\n';
  const bareJob = scanFiles([{ path: 'axolotl.yml', text: bare }]).jobs[0]!;
  const added = optimizerFix({ path: 'axolotl.yml', text: bare, job: bareJob, target: 'galore-adamw', hyperparameters: GALORE, plan: GALORE_PLAN() });
  assert.ok(isFix(added), JSON.stringify(added));
  const addedRoot = parseYaml(applyEdits(bare, added.edits), 'axolotl.yml').root as ObjectNode;
  assert.equal(addedRoot.index.get('micro_batch_size')?.node.value, 2);
  assert.equal(addedRoot.index.has('per_device_train_batch_size'), false);
});
