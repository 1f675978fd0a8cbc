/**
 * OpenMMLab / MMEngine Python configs (`configs/**.py` with a `_base_` list): composed with their base files by
 * MMEngine's rules (dicts merge key by key, other values are replaced, `_delete_=True` replaces a dict, `_base_.x`
 * references) and read — optimizer, batch, AMP, accumulation, warmup, image size, an mmpretrain ResNet — each value
 * pointing at the file that writes it; what is not read is a note with its file, line and column (README: What the
 * scanner reads).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { runLength } from '../../src/core/run-length';
import { joinReads, scanFiles } from '../../src/core/scan';
import type { ScanReport } from '../../src/core/scan/results';

// open-mmlab/mmpretrain's layout: a config inheriting its _base_ files, launched by tools/dist_train.sh with the GPU count.
const MODEL = "model = dict(\n    type='ImageClassifier',\n    backbone=dict(type='ResNet', depth=50, num_stages=4, out_indices=(3, ), style='pytorch'),\n    neck=dict(type='GlobalAveragePooling'),\n    head=dict(type='LinearClsHead', num_classes=1000, in_channels=2048))\n";
const DATA = "dataset_type = 'ImageNet'\ntrain_pipeline = [\n    dict(type='LoadImageFromFile'),\n    dict(type='RandomResizedCrop', scale=224),\n]\ntrain_dataloader = dict(\n    batch_size=32,\n    dataset=dict(type=dataset_type, pipeline=train_pipeline),\n)\n";
const SCHEDULE = "optim_wrapper = dict(\n    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0001))\nparam_scheduler = dict(type='MultiStepLR', by_epoch=True, milestones=[30, 60, 90], gamma=0.1)\n";
const BASES = "_base_ = [\n    '../_base_/models/resnet50.py', '../_base_/datasets/imagenet_bs32.py',\n    '../_base_/schedules/imagenet_bs256.py'\n]\n";
const LAUNCH: Readonly<Record<string, string>> = {
  'tools/dist_train.sh': 'CONFIG=$1\nGPUS=$2\npython -m torch.distributed.launch --nproc_per_node=$GPUS $(dirname "$0")/train.py $CONFIG --launcher pytorch\n',
  'run.sh': 'bash ./tools/dist_train.sh configs/resnet/resnet50_8xb32_in1k.py 8\n',
};
const CONFIG = 'configs/resnet/resnet50_8xb32_in1k.py';

function scan(own: string, extra: Readonly<Record<string, string>> = {}): ScanReport {
  const files: Record<string, string> = {
    'configs/_base_/models/resnet50.py': MODEL,
    'configs/_base_/datasets/imagenet_bs32.py': DATA,
    'configs/_base_/schedules/imagenet_bs256.py': SCHEDULE,
    [CONFIG]: own,
    ...LAUNCH,
    ...extra,
  };
  return scanFiles(Object.entries(files).map(([p, text]) => ({ path: p, text })));
}

function onlyJob(report: ScanReport) {
  assert.equal(report.jobs.length, 1, JSON.stringify(report.jobs.map((j) => j.id)));
  return report.jobs[0];
}

test('a config inheriting its _base_ files is composed and read, each value from the file that writes it', () => {
  const job = onlyJob(scan(BASES));
  assert.equal(job.id, 'run.sh');
  assert.deepEqual(job.files, ['configs/_base_/datasets/imagenet_bs32.py', 'configs/_base_/models/resnet50.py', 'configs/_base_/schedules/imagenet_bs256.py', CONFIG, 'run.sh']);
  assert.equal(job.settings.gpus, 8);
  assert.equal(job.settings.perDeviceBatchSize, 32);
  assert.equal(job.sources['perDeviceBatchSize']?.path, 'configs/_base_/datasets/imagenet_bs32.py');
  assert.equal(job.sources['perDeviceBatchSize']?.range.line, 7);
  assert.equal(job.settings.optimizer, 'torch.optim.SGD');
  assert.equal(job.optimizerEcosystem, 'pytorch');
  assert.deepEqual(job.settings.optimizerParams, { momentum: 0.9 });
  assert.equal(job.settings.learningRate, 0.1);
  assert.equal(job.settings.weightDecay, 0.0001);
  assert.equal(job.sources['learningRate']?.path, 'configs/_base_/schedules/imagenet_bs256.py');
  assert.equal(job.settings.imageSize, 224);
  assert.equal(job.sources['imageSize']?.path, 'configs/_base_/datasets/imagenet_bs32.py');
  assert.equal(job.sources['imageSize']?.range.line, 4);
  // not written: MMEngine's OptimWrapper (fp32), no accumulation, no warmup — assumptions naming MMEngine
  const defaulted = Object.fromEntries(job.defaults.map((d) => [d.setting, d.value]));
  assert.deepEqual(defaulted, { precision: 'fp32', gradAccum: 1, warmupSteps: 0 });
  assert.ok(job.defaults.every((d) => /MMEngine/.test(d.source.title)), JSON.stringify(job.defaults));
  // the model: mmpretrain's ResNet-50 with a 1000-class head, torchvision's resnet50, pointing at the backbone's type
  assert.ok(job.model?.kind === 'script-config');
  assert.deepEqual(job.model.config, { architecture: 'resnet50', num_classes: 1000 });
  assert.equal(job.model.path, 'configs/_base_/models/resnet50.py');
  assert.equal(job.model.range.line, 3);
});

test('recommend evaluates the job: 25,557,032 parameters (torchvision resnet50), SGD with momentum read from the schedule file', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mmengine-'));
  try {
    const files: Record<string, string> = { 'configs/_base_/models/resnet50.py': MODEL, 'configs/_base_/datasets/imagenet_bs32.py': DATA, 'configs/_base_/schedules/imagenet_bs256.py': SCHEDULE, [CONFIG]: BASES, ...LAUNCH };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    let out = '';
    const code = await runCli(['recommend', root, '--offline', '--json', '--gpu-memory', '24GiB'], { cwd: root, out: (t) => (out += t), err: () => undefined });
    assert.equal(code, 0);
    const doc = JSON.parse(out) as { jobs: { status: string; facts: Record<string, { value: unknown; source: { kind: string; path?: string } }> }[] };
    const facts = doc.jobs[0].facts;
    assert.equal(doc.jobs[0].status, 'ok');
    assert.equal(facts['parameters']?.value, 25557032);
    assert.equal(facts['optimizer']?.value, 'sgd-momentum');
    assert.equal(facts['optimizer']?.source.path, 'configs/_base_/schedules/imagenet_bs256.py');
    assert.equal(facts['precision']?.source.kind, 'assumption');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("the config's own dicts merge into the bases' key by key; other values replace; _delete_=True replaces the dict", () => {
  const merged = onlyJob(scan(`${BASES}optim_wrapper = dict(type='AmpOptimWrapper', optimizer=dict(lr=0.2), accumulative_counts=4)\ntrain_dataloader = dict(batch_size=64)\n`));
  assert.equal(merged.settings.optimizer, 'torch.optim.SGD');
  assert.deepEqual(merged.settings.optimizerParams, { momentum: 0.9 });
  assert.equal(merged.settings.learningRate, 0.2);
  assert.equal(merged.sources['learningRate']?.path, CONFIG);
  assert.equal(merged.sources['learningRate']?.range.line, 5);
  assert.equal(merged.settings.weightDecay, 0.0001);
  assert.equal(merged.sources['weightDecay']?.path, 'configs/_base_/schedules/imagenet_bs256.py');
  assert.equal(merged.settings.precision, 'fp16-mixed');
  assert.equal(merged.sources['precision']?.path, CONFIG);
  assert.equal(merged.settings.gradAccum, 4);
  assert.equal(merged.settings.perDeviceBatchSize, 64);
  // the dataset's pipeline is still the base's
  assert.equal(merged.settings.imageSize, 224);

  const replaced = onlyJob(scan(`${BASES}optim_wrapper = dict(\n    _delete_=True, type='AmpOptimWrapper', dtype='bfloat16',\n    optimizer=dict(type='AdamW', lr=0.001, betas=(0.9, 0.95)))\n`));
  assert.equal(replaced.settings.optimizer, 'torch.optim.AdamW');
  assert.deepEqual(replaced.settings.optimizerParams, { betas: [0.9, 0.95] });
  assert.equal(replaced.settings.weightDecay, undefined);
  assert.equal(replaced.settings.precision, 'bf16-mixed');
  assert.equal(replaced.sources['precision']?.range.line, 6);

  // a list is replaced whole: a pipeline without RandomResizedCrop gives no image size
  const list = onlyJob(scan(`${BASES}train_pipeline = [dict(type='LoadImageFromFile')]\ntrain_dataloader = dict(dataset=dict(pipeline=train_pipeline))\n`));
  assert.equal(list.settings.imageSize, undefined);
  assert.equal(list.settings.perDeviceBatchSize, 32);
});

test('_base_.x and {{_base_.x}} take the bases\' values; a LinearLR first in param_scheduler is the warmup', () => {
  const own = `${BASES}lr_config = _base_.optim_wrapper.optimizer\noptim_wrapper = dict(optimizer=dict(lr={{_base_.optim_wrapper.optimizer.momentum}}))\nparam_scheduler = [\n    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=2500),\n    dict(type='CosineAnnealingLR', T_max=95, by_epoch=True, begin=5, end=100)]\n`;
  const job = onlyJob(scan(own));
  assert.equal(job.settings.learningRate, 0.9);
  assert.equal(job.settings.warmupSteps, 2500);
  assert.equal(job.sources['warmupSteps']?.path, CONFIG);
  const epochs = onlyJob(scan(`${BASES}param_scheduler = [dict(type='LinearLR', start_factor=0.25, end=5), dict(type='CosineAnnealingLR', begin=5)]\n`));
  assert.equal(epochs.settings.warmupEpochs, 5);
});

test('what is not read is an assumption with its file, line and column; the rest of the config is still read', () => {
  const report = scan(`${BASES}import math\noptim_wrapper = dict(optimizer=dict(lr=0.1 * num_gpus))\n`, {
    'configs/_base_/datasets/imagenet_bs32.py': `${DATA}num_workers = len(range(4))\n`,
  });
  const job = onlyJob(report);
  const assumptions = job.assumptions ?? [];
  assert.ok(assumptions.some((a) => a.startsWith(`${CONFIG}:5:1: 'import math' is not read`)), JSON.stringify(assumptions));
  assert.ok(assumptions.some((a) => a.startsWith(`${CONFIG}:6:44: lr: the expression '0.1 * num_gpus' is not read`)), JSON.stringify(assumptions));
  assert.ok(assumptions.some((a) => a.startsWith('configs/_base_/datasets/imagenet_bs32.py:10:15: num_workers:')), JSON.stringify(assumptions));
  // the written but unknown lr hides the base's: it is not taken from the schedule file
  assert.equal(job.settings.learningRate, undefined);
  assert.equal(job.settings.optimizer, 'torch.optim.SGD');
  assert.equal(job.settings.perDeviceBatchSize, 32);
});

test('missing, package, cyclic and duplicate bases are notes, never errors or hangs', () => {
  const report = scan("_base_ = ['./a.py', './missing.py', 'mmdet::_base_/default_runtime.py']\n", {
    'configs/resnet/a.py': "_base_ = ['./b.py']\nx = dict(v=1)\n",
    'configs/resnet/b.py': "_base_ = ['./a.py', './c.py', './d.py']\n",
    'configs/resnet/c.py': 'train_dataloader = dict(batch_size=8)\n',
    'configs/resnet/d.py': 'train_dataloader = dict(batch_size=16)\n',
  });
  const job = report.jobs.find((j) => j.id === 'run.sh');
  assert.ok(job !== undefined);
  const notes = (job.assumptions ?? []).join('\n');
  assert.match(notes, /the base '\.\/missing\.py' is not among the scanned files/);
  assert.match(notes, /the base 'mmdet::_base_\/default_runtime\.py' is a config of an installed package/);
  assert.match(notes, /inherits from itself \(configs\/resnet\/resnet50_8xb32_in1k\.py -> configs\/resnet\/a\.py -> configs\/resnet\/b\.py -> configs\/resnet\/a\.py\)/);
  assert.match(notes, /'train_dataloader' is set by both configs\/resnet\/c\.py and configs\/resnet\/d\.py, which MMEngine refuses/);
  assert.equal(job.settings.perDeviceBatchSize, 16);
});

test('bad input: nesting past Python\'s limit is an error finding with its position; an over-long file is a note', () => {
  const deep = scan(`x = ${'('.repeat(250)}1${')'.repeat(250)}\n${BASES}`);
  const finding = deep.findings.find((f) => f.path === CONFIG);
  assert.ok(finding?.error !== undefined, JSON.stringify(finding));
  assert.match(finding.error.message, /nested deeper than 200/);
  assert.deepEqual([finding.error.line, finding.error.column], [1, 206]);
  const big = scan(`${BASES}${'# padding\n'.repeat(7000)}`);
  const job = onlyJob(big);
  assert.ok((job.assumptions ?? []).some((a) => a.includes('MMEngine configs are read up to 65536')), JSON.stringify(job.assumptions));
  assert.equal(job.settings.optimizer, undefined);
});

test('models other than an mmpretrain ResNet classifier are a warning at their key, and no model', () => {
  const v1c = scan(`${BASES}model = dict(backbone=dict(type='ResNetV1c'))\n`);
  assert.equal(onlyJob(v1c).model, null);
  const w = v1c.warnings.find((x) => x.message.startsWith('the model is not read'));
  assert.ok(w !== undefined, JSON.stringify(v1c.warnings));
  assert.equal(w.path, CONFIG);
  assert.equal(w.line, 5);
  assert.match(w.message, /model\.backbone\.type 'ResNetV1c'/);
  assert.ok((onlyJob(v1c).assumptions ?? []).some((a) => a.startsWith("the model is not read: model.backbone.type 'ResNetV1c'")));
  // mmpretrain's own Lamb is timm's; another registry name is a warning at its key
  const lamb = onlyJob(scan(`${BASES}optim_wrapper = dict(optimizer=dict(_delete_=True, type='Lamb', lr=0.005, weight_decay=0.02))\n`));
  assert.equal(lamb.settings.optimizer, 'timm.optim.Lamb');
  assert.equal(lamb.optimizerEcosystem, 'timm');
  const custom = scan(`${BASES}optim_wrapper = dict(optimizer=dict(_delete_=True, type='MyOptim', lr=0.1))\n`);
  assert.equal(onlyJob(custom).settings.optimizer, undefined);
  assert.ok(custom.warnings.some((x) => x.path === CONFIG && x.line === 5 && x.message.startsWith("optim_wrapper.optimizer.type 'MyOptim'")), JSON.stringify(custom.warnings));
  const deepStem = scan(`${BASES}model = dict(backbone=dict(deep_stem=True))\n`);
  assert.equal(onlyJob(deepStem).model, null);
  // a warning about a value written in a base file is that file's
  const vit = scan(BASES, { 'configs/_base_/models/resnet50.py': "model = dict(type='ImageClassifier', backbone=dict(type='VisionTransformer', arch='b'))\n" });
  const v = vit.warnings.find((x) => x.message.startsWith('the model is not read'));
  assert.equal(v?.path, 'configs/_base_/models/resnet50.py');
  const cifar = onlyJob(scan(`${BASES}model = dict(backbone=dict(depth=101), head=dict(num_classes=10))\n`));
  assert.ok(cifar.model?.kind === 'script-config');
  assert.deepEqual(cifar.model.config, { architecture: 'resnet101', num_classes: 10 });
});

test('the join keeps the texts it reads: MMEngine configs and the base files they list', () => {
  assert.ok(joinReads({ path: CONFIG, text: BASES }));
  assert.ok(joinReads({ path: 'configs/_base_/models/resnet50.py', text: MODEL }));
  assert.ok(!joinReads({ path: 'train.py', text: 'import torch\nmodel = torch.nn.Linear(2, 2)\n' }));
  assert.ok(joinReads({ path: 'configs/_base_/datasets/pipelines.py', text: "train_pipeline = [dict(type='LoadImageFromFile')]\n" }));
});

// MMEngine's loops (mmengine/runner/loops.py @ 25434293): EpochBasedTrainLoop runs max_epochs x len(dataloader)
// iterations, IterBasedTrainLoop max_iters; the OptimWrapper steps every accumulative_counts iterations of the run and at
// its last (optimizer_wrapper.py should_update, max_counts = max_iters). mmpretrain's ImageNet train split: 1,281,167
// images (mmpretrain/datasets/imagenet.py docstring @ ee7f2e88).
const DATA_SPLIT = DATA.replace('dataset=dict(type=dataset_type, pipeline=train_pipeline)', "dataset=dict(type=dataset_type, data_root='data/imagenet', split='train', pipeline=train_pipeline)");

test('train_cfg by epoch: the epochs; an ImageNet train split is assumed at 1,281,167 images, so the run is counted', () => {
  const job = onlyJob(scan(BASES, { 'configs/_base_/datasets/imagenet_bs32.py': DATA_SPLIT, 'configs/_base_/schedules/imagenet_bs256.py': `${SCHEDULE}train_cfg = dict(by_epoch=True, max_epochs=100, val_interval=1)\n` }));
  assert.equal(job.settings.epochs, 100);
  assert.deepEqual([job.sources['epochs']?.path, job.sources['epochs']?.range.line], ['configs/_base_/schedules/imagenet_bs256.py', 4]);
  assert.equal(job.settings.trainSamples, 1281167);
  assert.equal(job.sources['trainSamples'], undefined, 'not read: an assumption');
  assert.match(job.defaults.find((d) => d.setting === 'trainSamples')?.source.url ?? '', /mmpretrain\/blob\/[0-9a-f]{40}\/mmpretrain\/datasets\/imagenet\.py$/);
  // ⌈1,281,167 / (32 x 8 GPUs)⌉ = 5,005 batches an epoch; 100 epochs = 500,500 iterations, accumulation 1
  const run = runLength(job);
  assert.equal(run.totalSteps, 500500);
  assert.match(run.basis, /^100 epochs \(configs\/_base_\/schedules\/imagenet_bs256\.py:4\) × 5,005 batches = 500,500 iterations, ÷ 1 accumulation/);
  assert.match(run.basis, /1,281,167 training examples \(assumed: the default of train_dataloader\.dataset, ImageNet split='train'/);
  // with accumulation 3 the steps are counted over the run: ⌈500,500 / 3⌉ = 166,834 (per epoch it would be 1,669 x 100)
  const accum = onlyJob(scan(`${BASES}optim_wrapper = dict(accumulative_counts=3)\n`, { 'configs/_base_/datasets/imagenet_bs32.py': DATA_SPLIT, 'configs/_base_/schedules/imagenet_bs256.py': `${SCHEDULE}train_cfg = dict(by_epoch=True, max_epochs=100)\n` }));
  assert.equal(runLength(accum).totalSteps, 166834);
});

test('train_cfg by epoch with another dataset: the run\'s length names the missing training examples', () => {
  const job = onlyJob(scan(`${BASES}train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12)\n`));
  assert.equal(job.settings.epochs, 12);
  // DATA names no split (nor a dataset MMEngine's files count): the examples are not known
  assert.equal(job.settings.trainSamples, undefined);
  const run = runLength(job);
  assert.equal(run.totalSteps, null);
  assert.match(run.basis, /^no max_steps, and 12 epochs \(configs\/resnet\/resnet50_8xb32_in1k\.py:5\) are stated but not the training examples per epoch/);
  // a subset through ann_file, or a wrapper, is not assumed to be the whole train split
  const subset = onlyJob(scan(BASES, { 'configs/_base_/datasets/imagenet_bs32.py': DATA_SPLIT.replace("split='train',", "split='train', ann_file='meta/train_10pct.txt',") }));
  assert.equal(subset.settings.trainSamples, undefined);
});

test('train_cfg by iteration: max_iters are the steps, ÷ accumulative_counts rounded up; other loops are warnings', () => {
  const iter = onlyJob(scan(`${BASES}train_cfg = dict(type='IterBasedTrainLoop', max_iters=160000)\n`));
  assert.equal(iter.settings.maxSteps, 160000);
  assert.equal(iter.settings.epochs, undefined);
  assert.equal(runLength(iter).totalSteps, 160000);
  const accum = onlyJob(scan(`${BASES}optim_wrapper = dict(accumulative_counts=3)\ntrain_cfg = dict(by_epoch=False, max_iters=1000)\n`));
  // ⌈1000 / 3⌉ = 334: the last, incomplete accumulation steps too
  assert.equal(accum.settings.maxSteps, 334);
  assert.ok((accum.assumptions ?? []).some((a) => a.includes('train_cfg.max_iters 1000 iterations are ⌈1000 ÷ accumulative_counts 3⌉ = 334 optimizer steps')), JSON.stringify(accum.assumptions));
  // a custom loop, or type and by_epoch together (the Runner refuses it): a warning at the key, no length
  const custom = scan(`${BASES}train_cfg = dict(type='MyLoop', max_epochs=3)\n`);
  assert.equal(onlyJob(custom).settings.epochs, undefined);
  assert.ok(custom.warnings.some((w) => w.path === CONFIG && w.line === 5 && /^train_cfg\.type 'MyLoop' is not MMEngine's EpochBasedTrainLoop or IterBasedTrainLoop/.test(w.message)), JSON.stringify(custom.warnings));
  const both = onlyJob(scan(`${BASES}train_cfg = dict(type='EpochBasedTrainLoop', by_epoch=True, max_epochs=3)\n`));
  assert.equal(both.settings.epochs, undefined);
});
