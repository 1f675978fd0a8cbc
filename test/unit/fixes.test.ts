/**
 * Quick-fix edits (src/core/fixes): for each syntax, the edits applied to the input give exactly the
 * expected file, and scanning the result reads the target optimizer back. The advice objects are
 * written out here (not taken from the advisor), so every expected value is visible in the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { HyperparameterAdvice } from '../../src/core/advisor/types';
import { resolveCurrentOptimizer } from '../../src/core/current-optimizer';
import { applyEdits, formatNumber, isFix, learningRateFix, optimizerFix, type FixResult, type OptimizerFix } from '../../src/core/fixes';
import type { OptimizerId } from '../../src/core/optimizers/types';
import { scanFiles } from '../../src/core/scan';
import type { ScanJob } from '../../src/core/scan/results';
import type { ScanFile } from '../../src/core/scan/types';

const GPT2_CONFIG = JSON.stringify({
  architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_ctx: 1024, n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, vocab_size: 50257,
});

function advice(over: Partial<HyperparameterAdvice>): HyperparameterAdvice {
  return { lr: 1e-4, betas: null, eps: null, weightDecay: 0, warmup: null, schedule: { kind: 'cosine', detail: 'cosine decay' }, extra: {}, ...over };
}

const LION = advice({ lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0.1 });
const ADAMW_8BIT = advice({ lr: 2e-5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 });
const SGD_MOMENTUM = advice({ lr: 0.1, weightDecay: 1e-4, extra: { momentum: 0.9, dampening: 0, nesterov: false, maximize: false, foreach: null } });

function jobOf(files: ScanFile[], path: string): ScanJob {
  const report = scanFiles(files);
  const job = report.jobs.find((j) => j.files.includes(path));
  assert.ok(job, `no job holds ${path}: ${JSON.stringify(report.findings.map((f) => [f.path, f.kind, f.error?.message]))}`);
  return job;
}

function fixed(result: FixResult): OptimizerFix {
  assert.ok(isFix(result), `no fix: ${'unavailable' in result ? result.unavailable : ''}`);
  return result;
}

/** Applies the fix and checks the scanner reads the target back from the new text. */
function check(files: ScanFile[], path: string, target: OptimizerId, hp: HyperparameterAdvice, expected: string): OptimizerFix {
  const file = files.find((f) => f.path === path);
  assert.ok(file);
  const fix = fixed(optimizerFix({ path, text: file.text, job: jobOf(files, path), target, hyperparameters: hp }));
  const after = applyEdits(file.text, fix.edits);
  assert.equal(after, expected);
  const rescanned = jobOf(files.map((f) => (f.path === path ? { path, text: after } : f)), path);
  const current = resolveCurrentOptimizer(rescanned);
  assert.equal(current.kind === 'resolved' ? current.resolved.id : current.kind, target, 'the scanner reads the new optimizer back');
  return fix;
}

const python3 = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;

function assertPythonParses(source: string): void {
  if (!python3) return;
  const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: source, encoding: 'utf8' });
  assert.equal(r.status, 0, `python3 cannot parse the result:\n${r.stderr}\n${source}`);
}

test('numbers are written so YAML 1.1 (PyYAML), YAML 1.2, JSON and Python all read floats', () => {
  assert.equal(formatNumber(1e-4), '1.0e-4');
  assert.equal(formatNumber(2e-5), '2.0e-5');
  assert.equal(formatNumber(0.0001 / 15), '6.667e-6');
  assert.equal(formatNumber(0.001), '0.001');
  assert.equal(formatNumber(0.1), '0.1');
  assert.equal(formatNumber(0), '0.0');
  assert.equal(formatNumber(1), '1.0');
  assert.equal(formatNumber(0.999), '0.999');
});

test('HF TrainingArguments JSON: optim string, learning_rate, weight_decay, adam_beta2 (Lion betas differ from the Trainer default)', () => {
  const args = `{
  "output_dir": "./out",
  "optim": "adamw_torch",
  "learning_rate": 5e-05,
  "weight_decay": 0.01,
  "per_device_train_batch_size": 8
}
`;
  const files = [{ path: 'config.json', text: GPT2_CONFIG }, { path: 'training_args.json', text: args }];
  const fix = check(files, 'training_args.json', 'lion', LION, `{
  "output_dir": "./out",
  "optim": "lion_32bit",
  "adam_beta2": 0.99,
  "learning_rate": 1.0e-4,
  "weight_decay": 0.1,
  "per_device_train_batch_size": 8
}
`);
  assert.equal(fix.spelling, 'lion_32bit');
  assert.equal(fix.ecosystem, 'hf');
});

test('HF TrainingArguments JSON without optim (Trainer default): the key is added', () => {
  const args = '{\n  "output_dir": "./out",\n  "learning_rate": 5e-05\n}\n';
  const files = [{ path: 'config.json', text: GPT2_CONFIG }, { path: 'training_args.json', text: args }];
  check(files, 'training_args.json', 'adamw-8bit', ADAMW_8BIT, '{\n  "output_dir": "./out",\n  "learning_rate": 2.0e-5,\n  "optim": "adamw_bnb_8bit",\n  "weight_decay": 0.0\n}\n');
});

test('axolotl YAML: the optimizer key takes the HF string, siblings keep their comments', () => {
  const yaml = `base_model: gpt2
micro_batch_size: 2
optimizer: adamw_torch  # Trainer default
learning_rate: 0.0002
sequence_len: 1024
`;
  check([{ path: 'axolotl.yml', text: yaml }], 'axolotl.yml', 'lion', LION, `base_model: gpt2
micro_batch_size: 2
optimizer: lion_32bit  # Trainer default
weight_decay: 0.1
adam_beta2: 0.99
learning_rate: 1.0e-4
sequence_len: 1024
`);
});

const DEEPSPEED = `{
  "train_micro_batch_size_per_gpu": 4,
  "optimizer": {
    "type": "AdamW",
    "params": {
      "lr": 3e-5,
      "betas": [0.9, 0.999],
      "eps": 1e-8,
      "weight_decay": 0.01
    }
  },
  "zero_optimization": {"stage": 2}
}
`;
const DS_FILES = (ds: string): ScanFile[] => [
  { path: 'config.json', text: GPT2_CONFIG },
  { path: 'training_args.json', text: '{"output_dir": "x", "deepspeed": "ds.json", "per_device_train_batch_size": 4}' },
  { path: 'ds.json', text: ds },
];

test('DeepSpeed JSON: optimizer.type and params; eps goes (FusedLion takes none)', () => {
  const fix = check(DS_FILES(DEEPSPEED), 'ds.json', 'lion', LION, `{
  "train_micro_batch_size_per_gpu": 4,
  "optimizer": {
    "type": "Lion",
    "params": {
      "lr": 1.0e-4,
      "betas": [0.9, 0.99],
      "weight_decay": 0.1
    }
  },
  "zero_optimization": {"stage": 2}
}
`);
  assert.deepEqual(fix.removed, ['eps']);
});

test('DeepSpeed JSON: a torch.optim fallback type (SGD with momentum) drops the Adam arguments', () => {
  check(DS_FILES(DEEPSPEED), 'ds.json', 'sgd-momentum', SGD_MOMENTUM, `{
  "train_micro_batch_size_per_gpu": 4,
  "optimizer": {
    "type": "SGD",
    "params": {
      "lr": 0.1,
      "weight_decay": 1.0e-4,
      "momentum": 0.9
    }
  },
  "zero_optimization": {"stage": 2}
}
`);
});

test('DeepSpeed JSON without a params object: one is added after the type (betas equal to Lion\'s defaults are not written)', () => {
  const ds = '{\n  "train_micro_batch_size_per_gpu": 4,\n  "optimizer": {\n    "type": "AdamW"\n  }\n}\n';
  check(DS_FILES(ds), 'ds.json', 'lion', LION, '{\n  "train_micro_batch_size_per_gpu": 4,\n  "optimizer": {\n    "type": "Lion",\n    "params": {"lr": 1.0e-4, "weight_decay": 0.1}\n  }\n}\n');
});

const TORCHTUNE = `model:
  _component_: torchtune.models.llama3_2.lora_llama3_2_1b
  lora_attn_modules: ['q_proj', 'v_proj']
  lora_rank: 8
batch_size: 2
optimizer:
  _component_: torch.optim.AdamW
  fused: True
  weight_decay: 0.01
  lr: 3e-4
dtype: bf16
`;

test('torchtune YAML: _component_ import path and arguments; fused goes (bitsandbytes takes none)', () => {
  const fix = check([{ path: 'lora.yaml', text: TORCHTUNE }], 'lora.yaml', 'adamw-8bit', ADAMW_8BIT, `model:
  _component_: torchtune.models.llama3_2.lora_llama3_2_1b
  lora_attn_modules: ['q_proj', 'v_proj']
  lora_rank: 8
batch_size: 2
optimizer:
  _component_: bitsandbytes.optim.AdamW8bit
  weight_decay: 0.0
  lr: 2.0e-5
dtype: bf16
`);
  assert.equal(fix.spelling, 'bitsandbytes.optim.AdamW8bit');
  assert.deepEqual(fix.removed, ['fused']);
});

test('Lightning CLI YAML: class_path and init_args (an SGD id needs momentum written)', () => {
  const yaml = `trainer:
  max_epochs: 3
optimizer:
  class_path: torch.optim.AdamW
  init_args:
    lr: 0.001
    amsgrad: true
`;
  check([{ path: 'config.yaml', text: yaml }], 'config.yaml', 'sgd-momentum', SGD_MOMENTUM, `trainer:
  max_epochs: 3
optimizer:
  class_path: torch.optim.SGD
  init_args:
    lr: 0.1
    weight_decay: 1.0e-4
    momentum: 0.9
`);
});

test('Lightning CLI YAML without init_args: the block is added under class_path', () => {
  const yaml = 'trainer:\n  max_epochs: 3\noptimizer:\n  class_path: torch.optim.Adam\nlr_scheduler:\n  class_path: torch.optim.lr_scheduler.ConstantLR\n';
  check([{ path: 'config.yaml', text: yaml }], 'config.yaml', 'sgd-momentum', SGD_MOMENTUM,
    'trainer:\n  max_epochs: 3\noptimizer:\n  class_path: torch.optim.SGD\n  init_args:\n    lr: 0.1\n    weight_decay: 1.0e-4\n    momentum: 0.9\nlr_scheduler:\n  class_path: torch.optim.lr_scheduler.ConstantLR\n');
});

test('Hydra YAML: _target_ and sibling arguments, _partial_ kept', () => {
  const yaml = 'optimizer:\n  _target_: torch.optim.Adam\n  _partial_: true\n  lr: 0.001\n  betas: [0.9, 0.999]\n';
  check([{ path: 'conf/optimizer.yaml', text: yaml }], 'conf/optimizer.yaml', 'lion', LION,
    'optimizer:\n  _target_: bitsandbytes.optim.Lion\n  _partial_: true\n  lr: 1.0e-4\n  betas: [0.9, 0.99]\n  weight_decay: 0.1\n');
});

const SCRIPT = `import torch
from transformers import AutoModelForCausalLM

model = AutoModelForCausalLM.from_pretrained("gpt2")
LR = 3e-4
optimizer = torch.optim.AdamW(
    model.parameters(),
    lr=LR,
    betas=(0.9, 0.95),  # nanoGPT
    weight_decay=0.1,
    fused=True,
)
`;

test('Python torch call: the class keeps its module prefix, the constant behind lr= is updated, Adam arguments go', () => {
  const expected = `import torch
from transformers import AutoModelForCausalLM

model = AutoModelForCausalLM.from_pretrained("gpt2")
LR = 0.1
optimizer = torch.optim.SGD(
    model.parameters(),
    lr=LR,
    weight_decay=1.0e-4,
    fused=True,
    momentum=0.9,
)
`;
  const fix = check([{ path: 'train.py', text: SCRIPT }], 'train.py', 'sgd-momentum', SGD_MOMENTUM, expected);
  assert.deepEqual(fix.removed, ['betas']);
  assertPythonParses(expected);
});

test('Python torch call to a bitsandbytes class: the import is added after the last import', () => {
  const expected = `import torch
from transformers import AutoModelForCausalLM
import bitsandbytes as bnb

model = AutoModelForCausalLM.from_pretrained("gpt2")
LR = 2.0e-5
optimizer = bnb.optim.AdamW8bit(
    model.parameters(),
    lr=LR,
    betas=(0.9, 0.999),  # nanoGPT
    weight_decay=0.0,
)
`;
  check([{ path: 'train.py', text: SCRIPT }], 'train.py', 'adamw-8bit', ADAMW_8BIT, expected);
  assertPythonParses(expected);
});

test('Python bare class name: the from-import line is extended', () => {
  const source = 'from torch.optim import AdamW\nfrom transformers import AutoModel\n\nmodel = AutoModel.from_pretrained("gpt2")\nopt = AdamW(model.parameters(), lr=1e-3)\n';
  const expected = 'from torch.optim import AdamW, SGD\nfrom transformers import AutoModel\n\nmodel = AutoModel.from_pretrained("gpt2")\nopt = SGD(model.parameters(), lr=0.1, weight_decay=1.0e-4, momentum=0.9)\n';
  check([{ path: 'train.py', text: source }], 'train.py', 'sgd-momentum', SGD_MOMENTUM, expected);
  assertPythonParses(expected);
});

test('Python TrainingArguments(optim="..."): the string keeps its quotes, HF names for the values', () => {
  const source = `from transformers import TrainingArguments

args = TrainingArguments(
    output_dir="out",
    optim='adamw_torch',
    learning_rate=5e-5,
    per_device_train_batch_size=8,
)
`;
  const expected = `from transformers import TrainingArguments

args = TrainingArguments(
    output_dir="out",
    optim='lion_32bit',
    learning_rate=1.0e-4,
    per_device_train_batch_size=8,
    weight_decay=0.1,
    adam_beta2=0.99,
)
`;
  const files = [{ path: 'config.json', text: GPT2_CONFIG }, { path: 'train.py', text: source }];
  check(files, 'train.py', 'lion', LION, expected);
  assertPythonParses(expected);
});

test('no fix where the syntax has no spelling or is not rewritten', () => {
  const args = '{\n  "output_dir": "./out",\n  "optim": "adamw_torch",\n  "learning_rate": 5e-05\n}\n';
  const files = [{ path: 'config.json', text: GPT2_CONFIG }, { path: 'training_args.json', text: args }];
  const job = jobOf(files, 'training_args.json');
  const sgd = optimizerFix({ path: 'training_args.json', text: args, job, target: 'sgd-momentum', hyperparameters: SGD_MOMENTUM });
  assert.ok(!isFix(sgd), 'TrainingArguments has no optim string for SGD with momentum');
  const keras = 'import tensorflow as tf\nmodel = tf.keras.applications.ResNet50()\nopt = tf.keras.optimizers.Adam(learning_rate=1e-3)\nmodel.compile(optimizer=opt)\n';
  const kjob = scanFiles([{ path: 'k.py', text: keras }]).jobs.find((j) => j.files.includes('k.py'));
  if (kjob) assert.ok(!isFix(optimizerFix({ path: 'k.py', text: keras, job: kjob, target: 'lion', hyperparameters: LION })));
  const stale = optimizerFix({ path: 'training_args.json', text: '{"output_dir": "x"}', job, target: 'lion', hyperparameters: LION });
  assert.ok(!isFix(stale), 'a text that no longer matches the scan gives no fix');
});

test('learningRateFix replaces the literal where the file writes it', () => {
  const args = '{\n  "output_dir": "./out",\n  "optim": "lion_32bit",\n  "learning_rate": 0.001\n}\n';
  const files = [{ path: 'config.json', text: GPT2_CONFIG }, { path: 'training_args.json', text: args }];
  const fix = learningRateFix({ path: 'training_args.json', text: args, job: jobOf(files, 'training_args.json'), lr: 1e-4 / 3 });
  assert.ok(!('unavailable' in fix));
  assert.equal(applyEdits(args, fix.edits), '{\n  "output_dir": "./out",\n  "optim": "lion_32bit",\n  "learning_rate": 3.333e-5\n}\n');
});

test('applyEdits keeps a byte order mark and rejects overlapping edits', () => {
  const text = '\uFEFF{"a": 1}';
  assert.equal(applyEdits(text, [{ range: { line: 1, column: 7, endLine: 1, endColumn: 8 }, newText: '2' }]), '\uFEFF{"a": 2}');
  assert.throws(() => applyEdits('abcdef', [
    { range: { line: 1, column: 1, endLine: 1, endColumn: 4 }, newText: 'x' },
    { range: { line: 1, column: 3, endLine: 1, endColumn: 5 }, newText: 'y' },
  ]));
});

test('Python fixes split arguments with the scanner\'s tokenizer: commas and brackets in f-strings, comments and comparisons stay inside their argument', () => {
  const text = `import torch
optimizer = torch.optim.AdamW(
    params,  # groups (a, b)
    lr=3e-4,
    betas=(0.9, 0.95) if f"{cfg['a,b']})" == "x" else (0.9, 0.999),
    eps=1e-8,
)
`;
  const expected = `import torch
optimizer = torch.optim.SGD(
    params,  # groups (a, b)
    lr=0.1,
    weight_decay=1.0e-4,
    momentum=0.9,
)
`;
  const fix = check([{ path: 'train.py', text }], 'train.py', 'sgd-momentum', SGD_MOMENTUM, expected);
  assert.deepEqual([...fix.removed].sort(), ['betas', 'eps']);
});
