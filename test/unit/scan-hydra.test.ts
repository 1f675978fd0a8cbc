/**
 * Hydra `defaults:` composition (src/core/scan/hydra-compose.ts) with hand-made config trees: list
 * order, `_self_`, `override` entries, packages, launch overrides, missing groups, interpolations and caps.
 * Expected values follow Hydra's documented rules (https://hydra.cc/docs/advanced/defaults_list/,
 * https://hydra.cc/docs/upgrades/1.0_to_1.1/default_composition_order).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HYDRA_MAX_COMPOSED_CHARS, HYDRA_MAX_FILE_CHARS, scanFiles } from '../../src/core/scan';
import { HYDRA_MAX_CONFIGS, HYDRA_MAX_DEPTH, composeHydra, type ReadYaml } from '../../src/core/scan/hydra-compose';
import { parseScanFile } from '../../src/core/scan/parse-file';
import type { ScanFile } from '../../src/core/scan/types';
import { on } from './scan-formats-helpers';

const GROUPS: Record<string, string> = {
  'configs/model/gpt2_small.yaml': `_target_: transformers.AutoModelForCausalLM.from_pretrained
pretrained_model_name_or_path: gpt2
`,
  'configs/optimizer/adamw.yaml': `_target_: torch.optim.AdamW
lr: 0.0003
weight_decay: 0.1
`,
  'configs/optimizer/sgd.yaml': `_target_: torch.optim.SGD
lr: 0.1
momentum: 0.9
`,
  'configs/trainer/gpu.yaml': `_target_: lightning.pytorch.Trainer
precision: bf16-mixed
devices: 4
`,
  'configs/data/small.yaml': `batch_size: 64
`,
};

function files(primary: string, extra: Record<string, string> = {}): ScanFile[] {
  const all: Record<string, string> = { ...GROUPS, 'configs/train.yaml': primary, ...extra };
  return Object.entries(all).map(([path, text]) => ({ path, text }));
}

function readerOf(list: readonly ScanFile[]): ReadYaml {
  const byPath = new Map(list.map((f) => [f.path, f]));
  return (path) => {
    const f = byPath.get(path);
    return f === undefined ? undefined : { parsed: parseScanFile(f, 'yaml'), text: f.text };
  };
}

test('groups merge under their keys in list order; each fact keeps the group file it came from', () => {
  const primary = `defaults:
  - model: gpt2_small
  - optimizer: adamw
  - trainer: gpu
  - data: small
  - _self_

data:
  batch_size: 32
`;
  const result = scanFiles(files(primary));
  assert.equal(result.jobs.length, 1, JSON.stringify(result.jobs.map((j) => j.id)));
  const job = result.jobs[0];
  assert.equal(job.id, 'configs/train.yaml');
  assert.deepEqual(job.files, ['configs/data/small.yaml', 'configs/model/gpt2_small.yaml', 'configs/optimizer/adamw.yaml', 'configs/train.yaml', 'configs/trainer/gpu.yaml']);
  assert.equal(job.settings.optimizer, 'torch.optim.AdamW');
  assert.equal(job.settings.learningRate, 0.0003);
  assert.equal(job.settings.weightDecay, 0.1);
  assert.equal(job.settings.precision, 'bf16-mixed');
  assert.equal(job.settings.gpus, 4);
  // _self_ last: the primary's own batch size wins over the data group's.
  assert.equal(job.settings.perDeviceBatchSize, 32);
  assert.deepEqual(job.sources['perDeviceBatchSize'], { path: 'configs/train.yaml', range: on(9, 15, 17) });
  // line 2 of adamw.yaml `lr: 0.0003`
  assert.deepEqual(job.sources['learningRate'], { path: 'configs/optimizer/adamw.yaml', range: on(2, 5, 11) });
  assert.equal(job.sources['precision']?.path, 'configs/trainer/gpu.yaml');
  assert.deepEqual(job.model, { kind: 'hub-id', id: 'gpt2', path: 'configs/model/gpt2_small.yaml', range: on(2, 32, 36) });
  // the primary's finding holds only what is written in it
  const finding = result.findings.find((f) => f.path === 'configs/train.yaml');
  assert.deepEqual(finding?.fields.map((f) => f.name), ['data.batch_size']);
});

test('_self_ first: the groups override the primary; without _self_ the primary comes last (Hydra 1.1)', () => {
  const first = `defaults:
  - _self_
  - optimizer: adamw
  - data: small

data:
  batch_size: 32
`;
  assert.equal(scanFiles(files(first)).jobs[0].settings.perDeviceBatchSize, 64);
  const absent = `defaults:
  - optimizer: adamw
  - data: small

data:
  batch_size: 32
`;
  assert.equal(scanFiles(files(absent)).jobs[0].settings.perDeviceBatchSize, 32);
});

test('an override entry reselects a group; a later group entry wins over an earlier one for the same key', () => {
  const primary = `defaults:
  - optimizer: adamw
  - override optimizer: sgd
  - _self_
`;
  const job = scanFiles(files(primary)).jobs[0];
  assert.equal(job.settings.optimizer, 'torch.optim.SGD');
  assert.equal(job.settings.learningRate, 0.1);
  assert.equal(job.sources['learningRate']?.path, 'configs/optimizer/sgd.yaml');
});

test('group files composed by a primary form no job of their own; without a primary they do', () => {
  // lightning-hydra-template's shape: the model group file holds the optimizer (a job on its own)
  const lit = { 'configs/model/lit.yaml': `optimizer:
  _target_: torch.optim.Adam
  _partial_: true
  lr: 0.001
` };
  const primary = `defaults:
  - model: lit
  - data: small
  - _self_
`;
  const composed = scanFiles(files(primary, lit));
  assert.deepEqual(composed.jobs.map((j) => j.id), ['configs/train.yaml']);
  assert.equal(composed.jobs[0].sources['learningRate']?.path, 'configs/model/lit.yaml');
  // the group file keeps its own finding (its values, in its own file)
  assert.ok(composed.findings.some((f) => f.path === 'configs/model/lit.yaml' && f.fields.some((x) => x.name === 'optimizer.lr')));
  const alone = scanFiles([{ path: 'configs/model/lit.yaml', text: lit['configs/model/lit.yaml'] }]);
  assert.deepEqual(alone.jobs.map((j) => j.files), [['configs/model/lit.yaml']]);
});

test('a package: @pkg on the entry and a # @package _global_ header', () => {
  const primary = `defaults:
  - optimizer@model.optim: adamw
  - experiment: big
  - _self_
`;
  const extra = { 'configs/experiment/big.yaml': `# @package _global_
data:
  batch_size: 8
` };
  const list = files(primary, extra);
  const composed = composeHydra('configs/train.yaml', readerOf(list));
  assert.equal(composed.kind, 'composed');
  if (composed.kind !== 'composed') return;
  assert.deepEqual(composed.config.parsed.root?.value, { model: { optim: { _target_: 'torch.optim.AdamW', lr: 0.0003, weight_decay: 0.1 } }, data: { batch_size: 8 } });
  const job = scanFiles(list).jobs[0];
  assert.equal(job.settings.perDeviceBatchSize, 8);
  assert.equal(job.sources['perDeviceBatchSize']?.path, 'configs/experiment/big.yaml');
});

test('missing group files and unresolved interpolations are notes; optional and null entries are skipped silently', () => {
  const primary = `defaults:
  - optimizer: adamw
  - model: no_such_model
  - optional trainer: no_such_trainer
  - data: null
  - _self_

base_lr: 0.002
optimizer:
  lr: \${base_lr}
  weight_decay: \${oc.env:WD}
`;
  const result = scanFiles(files(primary));
  assert.equal(result.jobs.length, 1);
  const job = result.jobs[0];
  assert.equal(job.settings.learningRate, 0.002);
  // the interpolation takes the value, and the place, of the key it names (line 8 `base_lr: 0.002`)
  assert.deepEqual(job.sources['learningRate'], { path: 'configs/train.yaml', range: on(8, 10, 15) });
  assert.equal(job.settings.weightDecay, undefined);
  const notes = job.assumptions ?? [];
  assert.ok(notes.some((n) => n.startsWith('configs/train.yaml:3:5:') && n.includes("'model: no_such_model'")), notes.join('\n'));
  assert.ok(notes.some((n) => n.includes("'optimizer.weight_decay' is '${oc.env:WD}'")), notes.join('\n'));
  assert.ok(!notes.some((n) => n.includes('no_such_trainer')));
  assert.equal(notes.length, 2, notes.join('\n'));
});

test('launch overrides apply after composition, with the launch script as their source', () => {
  const primary = `defaults:
  - optimizer: adamw
  - data: small
  - _self_
`;
  const list = files(primary);
  const at = (column: number) => ({ path: 'run.sh', range: on(1, column, column + 10) });
  const overrides = [
    { text: 'optimizer=sgd', ...at(17) },
    { text: 'optimizer.lr=0.01', ...at(31) },
    { text: '~data.batch_size', ...at(49) },
    { text: '+trainer.devices=2', ...at(66) },
    { text: 'no.such.key=1', ...at(85) },
  ];
  const composed = composeHydra('configs/train.yaml', readerOf(list), overrides);
  assert.equal(composed.kind, 'composed');
  if (composed.kind !== 'composed') return;
  const c = composed.config;
  assert.deepEqual(c.parsed.root?.value, { optimizer: { _target_: 'torch.optim.SGD', lr: 0.01, momentum: 0.9 }, data: {}, trainer: { devices: 2 } });
  const lr = (c.parsed.root?.kind === 'object' ? c.parsed.root.index.get('optimizer')?.node : undefined);
  assert.ok(lr?.kind === 'object');
  assert.equal(c.originOf(lr.index.get('lr')!.node.range), 'run.sh');
  assert.equal(c.originOf(lr.index.get('momentum')!.node.range), 'configs/optimizer/sgd.yaml');
  assert.ok(c.composedFrom.includes('run.sh'));
  assert.deepEqual(c.notes, ["run.sh:1:85: the Hydra override 'no.such.key=1' names a key the composed config does not have (Hydra rejects it); it is not applied"]);
});

test('depth and count caps give an error at the primary entry they came through', () => {
  // a chain of nested defaults one deeper than the cap: chain/c0 -> chain/c1 -> ...
  const chain: Record<string, string> = {};
  for (let i = 0; i <= HYDRA_MAX_DEPTH; i++) chain[`configs/chain/c${i}.yaml`] = `defaults:\n  - /chain: c${i + 1}\n  - _self_\nx${i}: 1\n`;
  chain[`configs/chain/c${HYDRA_MAX_DEPTH + 1}.yaml`] = 'end: 1\n';
  const deep = scanFiles(files('defaults:\n  - optimizer: adamw\n  - chain: c0\n  - _self_\n', chain));
  const finding = deep.findings.find((f) => f.path === 'configs/train.yaml');
  assert.equal(finding?.error?.line, 3);
  assert.equal(finding?.error?.column, 5);
  assert.match(finding?.error?.message ?? '', new RegExp(`nest deeper than ${HYDRA_MAX_DEPTH}`));
  assert.ok(!deep.jobs.some((j) => j.id === 'configs/train.yaml'));

  const many: Record<string, string> = {};
  const names: string[] = [];
  for (let i = 0; i <= HYDRA_MAX_CONFIGS; i++) {
    many[`configs/part/p${i}.yaml`] = `k${i}: ${i}\n`;
    names.push(`p${i}`);
  }
  const wide = scanFiles(files(`defaults:\n  - optimizer: adamw\n  - part: [${names.join(', ')}]\n`, many));
  const error = wide.findings.find((f) => f.path === 'configs/train.yaml')?.error;
  assert.match(error?.message ?? '', new RegExp(`more than ${HYDRA_MAX_CONFIGS} config files`));
  assert.equal(error?.line, 3);
});

test('a YAML file whose defaults list names no group folder beside it is not a Hydra primary', () => {
  const result = scanFiles([{ path: 'configs/other.yaml', text: 'defaults:\n  - nothing: here\noptimizer:\n  _target_: torch.optim.AdamW\n  lr: 0.001\n' }]);
  assert.equal(result.jobs.length, 1);
  assert.equal(result.jobs[0].sources['learningRate']?.path, 'configs/other.yaml');
  assert.equal(result.jobs[0].files.length, 1);
});

const APP = `import hydra

@hydra.main(version_base="1.3", config_path="configs", config_name="train.yaml")
def main(cfg):
    pass
`;

test('a launch script running the Hydra app applies its overrides; a torchrun launch joins the job with its GPU count', () => {
  const primary = `defaults:
  - optimizer: adamw
  - data: small
  - _self_
`;
  // line 2 `python train.py optimizer=sgd optimizer.lr=0.01`: the override word at columns 31-48
  const plain = scanFiles(files(primary, { 'train.py': APP, 'scripts/run.sh': '#!/bin/bash\npython train.py optimizer=sgd optimizer.lr=0.01\n' }));
  assert.equal(plain.jobs.length, 1, JSON.stringify(plain.jobs.map((j) => j.id)));
  const job = plain.jobs[0];
  assert.equal(job.id, 'configs/train.yaml');
  assert.equal(job.settings.optimizer, 'torch.optim.SGD');
  assert.equal(job.settings.learningRate, 0.01);
  assert.deepEqual(job.sources['learningRate'], { path: 'scripts/run.sh', range: on(2, 31, 48) });
  assert.ok(job.files.includes('scripts/run.sh') && job.files.includes('configs/optimizer/sgd.yaml') && !job.files.includes('configs/optimizer/adamw.yaml'));

  const torchrun = scanFiles(files(primary, { 'train.py': APP, 'run.sh': 'torchrun --nproc_per_node 8 train.py data.batch_size=16 trainer=${TRAINER}\n' }));
  assert.deepEqual(torchrun.jobs.map((j) => j.id), ['configs/train.yaml']);
  const t = torchrun.jobs[0];
  assert.equal(t.settings.gpus, 8);
  assert.equal(t.sources['gpus']?.path, 'run.sh');
  assert.equal(t.settings.perDeviceBatchSize, 16);
  assert.equal(t.sources['perDeviceBatchSize']?.path, 'run.sh');
  assert.ok((t.assumptions ?? []).some((n) => n.startsWith('run.sh:1:57:') && n.includes('not known statically')), (t.assumptions ?? []).join('\n'));
});

test("Hydra's own flags: -cn/--config-name and -cp pick the primary, their values are no overrides; --multirun sweeps are noted, not applied", () => {
  const primary = `defaults:
  - optimizer: adamw
  - data: small
  - _self_
`;
  const other = `defaults:
  - optimizer: sgd
  - data: small
  - _self_
`;
  const extra = { 'train.py': APP, 'configs/finetune.yaml': other };
  // -cn finetune: the job is configs/finetune.yaml's (SGD), and 'finetune' is not taken for an override
  for (const launch of ['python train.py -cn finetune data.batch_size=8\n', 'python train.py --config-name=finetune.yaml data.batch_size=8\n', 'python train.py --config-name finetune --cfg job data.batch_size=8\n']) {
    const r = scanFiles(files(primary, { ...extra, 'run.sh': launch }));
    const job = r.jobs.find((j) => j.files.includes('run.sh'));
    assert.equal(job?.id, 'configs/finetune.yaml', launch);
    assert.equal(job?.settings.optimizer, 'torch.optim.SGD', launch);
    assert.equal(job?.settings.perDeviceBatchSize, 8, launch);
    assert.ok(!(job?.assumptions ?? []).some((a) => /finetune|'job'/.test(a)), (job?.assumptions ?? []).join('\n'));
  }
  // -cp: the config folder relative to the app's file
  const moved = scanFiles([...files(primary).filter((f) => !f.path.startsWith('configs/train')), { path: 'alt/train.yaml', text: other }, { path: 'alt/optimizer/sgd.yaml', text: GROUPS['configs/optimizer/sgd.yaml'] as string }, { path: 'alt/data/small.yaml', text: GROUPS['configs/data/small.yaml'] as string }, { path: 'train.py', text: APP }, { path: 'run.sh', text: 'python train.py -cp alt optimizer.lr=0.05\n' }]);
  const alt = moved.jobs.find((j) => j.files.includes('run.sh'));
  assert.equal(alt?.id, 'alt/train.yaml');
  assert.equal(alt?.settings.learningRate, 0.05);
  // --multirun: the swept optimizer is not applied (a note names it); the plain override is
  const sweep = scanFiles(files(primary, { ...extra, 'run.sh': 'python train.py --multirun optimizer=adamw,sgd optimizer.lr=0.01 "data.batch_size=range(8,33,8)"\n' }));
  const m = sweep.jobs.find((j) => j.files.includes('run.sh'));
  assert.equal(m?.id, 'configs/train.yaml');
  assert.equal(m?.settings.optimizer, 'torch.optim.AdamW');
  assert.equal(m?.settings.learningRate, 0.01);
  assert.equal(m?.settings.perDeviceBatchSize, 64);
  const notes = (m?.assumptions ?? []).filter((a) => a.includes('--multirun sweeps'));
  assert.deepEqual(notes.map((n) => /'([^']+)'/.exec(n)?.[1]), ['optimizer=adamw,sgd', 'data.batch_size=range(8,33,8)']);
});

test('Trainer arguments nested under trainer.args and from_pretrained arguments under model.model_args (open-unlearning): read from the composed config, each from its group file', () => {
  const list: ScanFile[] = [
    { path: 'configs/train.yaml', text: 'defaults:\n  - _self_\n  - model: small\n  - trainer: finetune\n  - experiment: null\n' },
    { path: 'configs/model/small.yaml', text: 'model_args:\n  pretrained_model_name_or_path: "Qwen/Qwen2.5-0.5B-Instruct"\n  torch_dtype: bfloat16\n' },
    { path: 'configs/trainer/finetune.yaml', text: 'handler: FinetuneTrainer\nargs:\n  per_device_train_batch_size: 8\n  gradient_accumulation_steps: 4\n  learning_rate: 1e-5\n  bf16: True\n  optim: paged_adamw_32bit\n' },
    { path: 'configs/experiment/ft.yaml', text: '# @package _global_\ntrainer:\n  args:\n    weight_decay: 0.01\n    warmup_epochs: 1.0\n' },
    { path: 'src/train.py', text: 'import hydra\n\n@hydra.main(version_base=None, config_path="../configs", config_name="train.yaml")\ndef main(cfg):\n    pass\n' },
    { path: 'run.sh', text: 'python src/train.py --config-name train.yaml experiment=ft trainer.args.learning_rate=5e-5\n' },
  ];
  const [job] = scanFiles(list).jobs;
  assert.equal(job?.id, 'configs/train.yaml');
  assert.equal(job?.model?.kind === 'hub-id' && job.model.id, 'Qwen/Qwen2.5-0.5B-Instruct');
  assert.equal(job?.settings.perDeviceBatchSize, 8);
  assert.equal(job?.sources['perDeviceBatchSize']?.path, 'configs/trainer/finetune.yaml');
  assert.equal(job?.settings.learningRate, 5e-5);
  assert.equal(job?.sources['learningRate']?.path, 'run.sh');
  assert.equal(job?.settings.weightDecay, 0.01);
  assert.equal(job?.sources['weightDecay']?.path, 'configs/experiment/ft.yaml');
  assert.equal(job?.settings.loadDtype, 'bf16');
  // open-unlearning's warmup_epochs: a warmup in epochs, not the Trainer's default of 0 steps
  assert.equal(job?.settings.warmupEpochs, 1);
  assert.equal(job?.settings.warmupSteps, undefined);
});

test('a wrong value in a group file is an error naming the group file; an unparsable group file is a note', () => {
  const primary = `defaults:
  - optimizer: bad
  - data: broken
  - _self_
`;
  const extra = {
    'configs/optimizer/bad.yaml': '_target_: torch.optim.AdamW\nlr: [1, 2]\n',
    'configs/data/broken.yaml': 'batch_size: [1\n',
  };
  const result = scanFiles(files(primary, extra));
  const finding = result.findings.find((f) => f.path === 'configs/train.yaml');
  assert.match(finding?.error?.message ?? '', /^configs\/optimizer\/bad\.yaml:2:5: 'optimizer\.lr' must be/);
  assert.deepEqual([finding?.error?.line, finding?.error?.column], [1, 1]);

  const ok = scanFiles(files('defaults:\n  - optimizer: adamw\n  - data: broken\n', extra));
  const notes = ok.jobs.find((j) => j.id === 'configs/train.yaml')?.assumptions ?? [];
  assert.ok(notes.some((n) => n.startsWith("configs/train.yaml:3:5: 'configs/data/broken.yaml' could not be read")), notes.join('\n'));
});

test('experiment=x from the launch fills a null placeholder: its defaults list overrides a group and adds one; list order still holds', () => {
  const primary = `defaults:
  - optimizer: adamw
  - data: small
  - experiment: null
  - _self_

data:
  batch_size: 32
`;
  const extra = {
    'configs/experiment/big.yaml': `# @package _global_
defaults:
  - override /optimizer: sgd
  - /trainer@trainer: gpu

data:
  batch_size: 8
`,
  };
  const list = files(primary, extra);
  const composed = composeHydra('configs/train.yaml', readerOf(list), [{ text: 'experiment=big', path: 'run.sh', range: on(1, 17, 31) }]);
  assert.equal(composed.kind, 'composed');
  if (composed.kind !== 'composed') return;
  const root = composed.config.parsed.root?.value as Record<string, Record<string, unknown>>;
  assert.equal(root['optimizer']?.['_target_'], 'torch.optim.SGD');
  assert.equal(root['trainer']?.['devices'], 4);
  // the experiment's entry comes before _self_, so the primary's own batch size (32) wins over its 8
  assert.equal(root['data']?.['batch_size'], 32);
  assert.deepEqual(composed.config.composedFrom, ['configs/optimizer/sgd.yaml', 'configs/data/small.yaml', 'configs/experiment/big.yaml', 'configs/trainer/gpu.yaml', 'run.sh']);
});

test('the join composes YAML files up to HYDRA_MAX_FILE_CHARS, and up to HYDRA_MAX_COMPOSED_CHARS in one composition; a group beyond is a note', () => {
  const primary = `defaults:
  - optimizer: adamw
  - trainer: gpu
  - _self_
`;
  // a comment line pads a group file past the per-file cap
  const pad = (chars: number): string => `# ${'x'.repeat(chars)}\n`;
  const big = `${GROUPS['configs/trainer/gpu.yaml']}${pad(HYDRA_MAX_FILE_CHARS)}`;
  const one = scanFiles(files(primary, { 'configs/trainer/gpu.yaml': big }));
  assert.deepEqual(one.jobs.map((j) => j.id), ['configs/train.yaml']);
  assert.equal(one.jobs[0].settings.learningRate, 0.0003);
  assert.equal(one.jobs[0].settings.precision, undefined);
  const notes = one.jobs[0].assumptions ?? [];
  assert.ok(notes.some((n) => n.startsWith('configs/train.yaml:3:5:') && n.includes(`'configs/trainer/gpu.yaml' could not be read`) && n.includes(`it has ${big.length} characters`)), notes.join('\n'));

  // each file under the cap, together over the composition's budget: the groups read first are composed
  const each = Math.floor(HYDRA_MAX_FILE_CHARS * 0.9);
  const groups = Math.ceil(HYDRA_MAX_COMPOSED_CHARS / each) + 1;
  const extra: Record<string, string> = {};
  for (let i = 0; i < groups; i++) extra[`configs/part/p${i}.yaml`] = `k${i}: ${i}\n${pad(each)}`;
  const list = `defaults:\n  - optimizer: adamw\n${Array.from({ length: groups }, (_, i) => `  - part@p${i}: p${i}\n`).join('')}  - _self_\n`;
  const many = scanFiles(files(list, extra));
  const job = many.jobs.find((j) => j.id === 'configs/train.yaml');
  assert.ok(job !== undefined);
  assert.equal(job.settings.learningRate, 0.0003);
  const budget = (job.assumptions ?? []).filter((n) => n.includes(`one composition reads up to ${HYDRA_MAX_COMPOSED_CHARS}`));
  const composedParts = Math.floor((HYDRA_MAX_COMPOSED_CHARS - list.length - GROUPS['configs/optimizer/adamw.yaml'].length) / extra['configs/part/p0.yaml'].length);
  assert.equal(budget.length, groups - composedParts, (job.assumptions ?? []).join('\n'));
  assert.ok(budget[0].includes(`'configs/part/p${composedParts}.yaml'`), budget[0]);
});

test('a composition of more than a hundred small files, as real evaluation configs have, is composed', () => {
  // SOURCE: locuslab/open-unlearning, configs/eval/tofu.yaml: seven metric configs, each pulling its own pre-computed
  // metrics through `.@pre_compute.<name>: <name>` entries (model_utility nine of them) — the earlier cap of 64
  // files stopped it. Here: 12 metrics × 10 sub-metrics = 132 files.
  const extra: Record<string, string> = {};
  const metrics: string[] = [];
  for (let m = 0; m < 12; m++) {
    const subs: string[] = [];
    for (let k = 0; k < 10; k++) {
      extra[`configs/metric/sub${m}_${k}.yaml`] = `score${m}_${k}: ${k}\n`;
      subs.push(`  - sub${m}_${k}`);
    }
    extra[`configs/metric/m${m}.yaml`] = `# @package _global_\ndefaults:\n${subs.join('\n')}\nm${m}: true\n`;
    metrics.push(`m${m}`);
  }
  const result = scanFiles(files(`defaults:\n  - optimizer: adamw\n  - metric: [${metrics.join(', ')}]\n`, extra));
  assert.equal(result.findings.find((f) => f.path === 'configs/train.yaml')?.error, undefined);
  const job = result.jobs.find((j) => j.id === 'configs/train.yaml');
  assert.equal(job?.settings.learningRate, 0.0003);
  assert.ok(132 < HYDRA_MAX_CONFIGS);
});

test("a group's file read on its own: an interpolation of the composed config is unknown there, not a wrong type", () => {
  // SOURCE: by-liu/CALS, configs/optim/adam.yaml (`object: {_target_: torch.optim.Adam, lr: ${optim.lr}}` beside `lr: 0.01`).
  const adam = 'name: adam\nlr: 0.01\nweight_decay: 5e-4\n\nobject:\n  _target_: torch.optim.Adam\n  lr: ${optim.lr}\n  betas: [0.9, 0.999]\n  weight_decay: ${optim.weight_decay}\n';
  const result = scanFiles([{ path: 'configs/optim/adam.yaml', text: adam }]);
  assert.deepEqual(result.findings.map((f) => f.error), result.findings.map(() => undefined));
  // a literal string where a number goes is still an error
  const bad = scanFiles([{ path: 'configs/optim/adam.yaml', text: adam.replace('${optim.lr}', 'fast') }]);
  assert.match(bad.findings.map((f) => f.error?.message ?? '').join(' '), /'object\.lr' must be a number, not a string \("fast"\)/);
});
