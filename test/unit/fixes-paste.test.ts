/**
 * The change to paste (src/core/fixes/paste.ts) in each format, and the quick fix writing the same values: the
 * advice objects are written out here, so every expected text is visible in the test. YAML and JSON pastes are
 * parsed back; Python pastes are parsed by python3 when it is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { HyperparameterAdvice, StrategyPlan } from '../../src/core/advisor/types';
import { applyEdits, isFix, optimizerFix, pasteChanges, pasteFormatOf, type PasteChange } from '../../src/core/fixes';
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
  assert.deepEqual(changes.map((c) => c.format), ['torchtune', 'hf-trainer', 'axolotl', 'lightning-cli', 'deepspeed', 'pytorch']);
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
