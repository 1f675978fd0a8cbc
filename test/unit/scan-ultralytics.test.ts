/**
 * Ultralytics YOLO training jobs: the `yolo train key=value` CLI in shell scripts, `YOLO(...).train(...)` in Python files
 * and notebooks, the dataset YAML's classes, Ultralytics' defaults (default.yaml) as assumptions, optimizer=auto resolved
 * by build_optimizer's rule, AutoBatch, DDP over `device`, and bad input as messages with file:line:column.
 */
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { countParams } from '../../src/core/models';
import { resolveModelSource } from '../../src/core/model-source';
import { resolveCurrentOptimizer } from '../../src/core/current-optimizer';
import { scanFiles } from '../../src/core/scan';
import type { ScanJob } from '../../src/core/scan/results';
import { pasteChanges, pasteFormatOf, pasteOptionsOf } from '../../src/core/fixes/paste';
import type { HyperparameterAdvice } from '../../src/core/advisor/types';
import { applyEdits, isFix, optimizerFix, type FixResult } from '../../src/core/fixes';
import type { OptimizerId } from '../../src/core/optimizers/types';

function params(job: ScanJob): { total: number; trainable: number } {
  const resolved = resolveModelSource(job, { readText: () => '' });
  assert.equal(resolved.status, 'resolved');
  return resolved.status === 'resolved' ? countParams(resolved.model.inventory) : { total: NaN, trainable: NaN };
}

function defaultOf(job: ScanJob, setting: string) {
  return job.defaults.find((d) => d.setting === setting);
}

test('yolo train on the CLI: written values with their ranges, DDP over device, the rest as default.yaml assumptions', () => {
  const sh = 'yolo detect train model=yolov8s.pt data=coco.yaml epochs=300 imgsz=640 batch=64 optimizer=SGD lr0=0.02 momentum=0.9 device=0,1 amp=False\n';
  const result = scanFiles([{ path: 'train.sh', text: sh }]);
  assert.equal(result.jobs.length, 1);
  const job = result.jobs[0];
  assert.equal(job.settings.gpus, 2);
  assert.equal(job.settings.perDeviceBatchSize, 32, 'batch 64 is the total over two GPUs');
  assert.equal(job.settings.gradAccum, 1, 'accumulate = max(round(64 / 64), 1)');
  assert.equal(job.settings.epochs, 300);
  assert.equal(job.settings.imageSize, 640);
  assert.equal(job.settings.precision, 'fp32');
  assert.equal(job.settings.optimizer, 'SGD');
  assert.equal(job.settings.learningRate, 0.02);
  assert.deepEqual(job.settings.optimizerParams, { momentum: 0.9, nesterov: true });
  assert.equal(job.settings.weightDecay, 0.0005);
  assert.equal(defaultOf(job, 'weightDecay')?.source.title, 'Ultralytics default.yaml');
  assert.equal(defaultOf(job, 'warmupEpochs')?.value, 3);
  const col = sh.indexOf('lr0=') + 1;
  assert.deepEqual(job.sources['learningRate'], { path: 'train.sh', range: { line: 1, column: col, endLine: 1, endColumn: col + 'lr0=0.02'.length } });
  const current = resolveCurrentOptimizer(job);
  assert.equal(current.kind === 'resolved' && current.resolved.id, 'nesterov', "Ultralytics' SGD is nesterov=True");
  assert.equal(job.settings.pretraining, false, 'a .pt checkpoint is fine-tuned');
  // coco.yaml is Ultralytics' bundled dataset: 80 classes, stated as an assumption
  assert.deepEqual(params(job), { total: 11_166_560, trainable: 11_166_544 });
  assert.ok(job.assumptions?.some((n: string) => /coco\.yaml is Ultralytics' bundled dataset: 80 classes/.test(n)), JSON.stringify(job.assumptions));
});

test('optimizer=auto: SGD when the iterations exceed 10,000 (a bundled dataset states its images), else AdamW with lr from nc', () => {
  // coco.yaml: 118,287 images; ceil(118287 / 64) x 100 epochs = 184,900 iterations > 10,000
  const coco = scanFiles([{ path: 'a.sh', text: 'yolo train model=yolov8n.yaml data=coco.yaml\n' }]).jobs[0];
  assert.equal(coco.settings.optimizer, 'SGD');
  assert.equal(coco.settings.learningRate, 0.01);
  assert.deepEqual(coco.settings.optimizerParams, { momentum: 0.9, nesterov: true });
  assert.match(defaultOf(coco, 'optimizer')?.note ?? '', /184900 iterations/);
  assert.equal(coco.settings.pretraining, true, 'a .yaml definition starts from random weights');
  assert.equal(coco.settings.perDeviceBatchSize, 16);
  assert.equal(coco.settings.gradAccum, 4);
  assert.equal(coco.settings.imageSize, 640);
  assert.equal(coco.settings.precision, 'fp16-mixed');
  // coco8.yaml: 4 images -> 1 iteration per epoch x 100: AdamW, lr round(0.01 / 84, 6) = 0.000119
  const coco8 = scanFiles([{ path: 'b.sh', text: 'yolo train model=yolov8n.pt data=coco8.yaml lr0=0.05\n' }]).jobs[0];
  assert.equal(coco8.settings.optimizer, 'AdamW');
  assert.equal(coco8.settings.learningRate, 0.000119);
  assert.deepEqual(coco8.settings.optimizerParams, { betas: [0.9, 0.999] });
  assert.ok(coco8.assumptions?.some((n: string) => /^b\.sh:1:\d+: optimizer=auto ignores lr0/.test(n)), JSON.stringify(coco8.assumptions));
  // a workspace dataset: its classes read; its images not counted -> AdamW with the threshold said
  const files = [
    { path: 'proj/train.py', text: 'from ultralytics import YOLO\n\nYOLO("yolov8n.pt").train(data="data/birds.yaml", epochs=50, batch=32)\n' },
    { path: 'proj/data/birds.yaml', text: 'path: ../datasets/birds\ntrain: images/train\nval: images/val\nnames:\n  0: sparrow\n  1: finch\n  2: crow\n' },
  ];
  const birds = scanFiles(files).jobs.find((j) => j.id === 'proj/train.py');
  assert.ok(birds !== undefined);
  assert.deepEqual([...birds.files].sort(), ['proj/data/birds.yaml', 'proj/train.py']);
  assert.equal(birds.settings.optimizer, 'AdamW');
  assert.equal(birds.settings.learningRate, Math.round((0.01 / 7) * 1e6) / 1e6);
  assert.match(defaultOf(birds, 'optimizer')?.note ?? '', /above 12800 images/);
  assert.equal(birds.settings.gradAccum, 2);
  // Detect with nc 3: only cv3's outputs and (c3 = max(64, 3) = 64 instead of 80) change
  const cv3 = (c3: number, nc: number) => [64, 128, 256].reduce((n, ch) => n + (ch * c3 * 9 + 2 * c3) + (c3 * c3 * 9 + 2 * c3) + (c3 * nc + nc), 0);
  assert.equal(params(birds).total, 3_157_200 - cv3(80, 80) + cv3(64, 3));
});

test('Python: a named YOLO object, device lists, AutoBatch and the weight decay scaling; a notebook reads the same', () => {
  const py = [
    'from ultralytics import YOLO',
    'model = YOLO("weights/yolov8l.pt")',
    'results = model.train(data="coco128.yaml", batch=-1, weight_decay=0.001, optimizer="AdamW", device=[0])',
    '',
  ].join('\n');
  const job = scanFiles([{ path: 'train.py', text: py }]).jobs[0];
  assert.equal(job.settings.perDeviceBatchSize, 16);
  assert.equal(defaultOf(job, 'perDeviceBatchSize')?.value, 16);
  assert.ok(job.assumptions?.some((n: string) => /^train\.py:3:\d+: batch=-1 is AutoBatch/.test(n)), JSON.stringify(job.assumptions));
  assert.equal(job.settings.gpus, 1);
  assert.equal(job.settings.optimizer, 'AdamW');
  assert.deepEqual(job.settings.optimizerParams, { betas: [0.937, 0.999] });
  assert.equal(job.settings.weightDecay, 0.001);
  // batch 24: accumulate round(64 / 24) = 3, weight decay x 24 x 3 / 64
  const scaled = scanFiles([{ path: 's.py', text: 'from ultralytics import YOLO\nYOLO("yolov8n.pt").train(data="coco8.yaml", batch=24, weight_decay=0.0005)\n' }]).jobs[0];
  assert.equal(scaled.settings.gradAccum, 3);
  assert.equal(scaled.settings.weightDecay, 0.0005 * 24 * 3 / 64);
  const notebook = JSON.stringify({
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: [
      { cell_type: 'code', metadata: {}, source: ['from ultralytics import YOLO\n', 'model = YOLO("yolov8m.pt")\n'] },
      { cell_type: 'code', metadata: {}, source: ['model.train(data="coco.yaml", epochs=10, imgsz=1280, batch=8)\n'] },
    ],
  }, null, 1);
  const nb = scanFiles([{ path: 'yolo.ipynb', text: notebook }]).jobs[0];
  assert.equal(nb.settings.imageSize, 1280);
  assert.equal(nb.settings.perDeviceBatchSize, 8);
  assert.equal(nb.settings.gradAccum, 8);
  assert.equal(nb.sources['imageSize']?.path, 'yolo.ipynb');
  assert.equal(nb.sources['imageSize']?.range.line, notebook.split('\n').findIndex((l) => l.includes('imgsz=1280')) + 1);
  assert.deepEqual(params(nb), { total: 25_902_640, trainable: 25_902_624 });
});

test('bad input: a dataset whose nc disagrees with its names, values that are not numbers, unknown models and tasks', () => {
  const files = [
    { path: 'go.sh', text: 'yolo train model=yolov8n.pt data=data.yaml epochs=ten batch=$BATCH\n' },
    { path: 'data.yaml', text: 'train: images/train\nval: images/val\nnc: 3\nnames: [a, b]\n' },
  ];
  const result = scanFiles(files);
  const data = result.findings.find((f) => f.path === 'data.yaml');
  assert.deepEqual(data?.error, { message: "'nc' is 3 but 'names' lists 2 classes (Ultralytics refuses the dataset)", line: 3, column: 5 });
  const job = result.jobs.find((j) => j.id === 'go.sh');
  assert.ok(job !== undefined);
  assert.ok(job.assumptions?.some((n: string) => n.startsWith('go.sh:1:44: epochs=ten is not a number of epochs')), JSON.stringify(job.assumptions));
  assert.ok(job.assumptions?.some((n: string) => /^go\.sh:1:55: batch is \$BATCH/.test(n)), JSON.stringify(job.assumptions));
  assert.equal(job.settings.epochs, 100);
  const other = scanFiles([{ path: 'obb.sh', text: 'yolo obb train model=yolo11n-obb.pt data=dota8.yaml\n' }]).jobs[0];
  assert.ok(other.assumptions?.some((n: string) => /task=obb: only detection, segmentation, pose and classification models are built/.test(n)), JSON.stringify(other.assumptions));
  assert.ok(other.assumptions?.some((n: string) => /model=yolo11n-obb\.pt is not a YOLOv8 or YOLO11 model this reader builds/.test(n)), JSON.stringify(other.assumptions));
  assert.equal(other.model, null);
  const huge = scanFiles([{ path: 'h.sh', text: 'yolo train model=yolov8n.pt data=coco8.yaml imgsz=99999\n' }]).jobs[0];
  assert.ok(huge.assumptions?.some((n: string) => n.startsWith('h.sh:1:45: imgsz=99999 is not an image size of 1 to 16384 pixels')), JSON.stringify(huge.assumptions));
  assert.equal(huge.settings.imageSize, 640);
  assert.equal(resolveModelSource(huge, { readText: () => '' }).status, 'resolved');
  // predict and val are not training
  assert.equal(scanFiles([{ path: 'p.sh', text: 'yolo predict model=yolov8n.pt source=img.jpg\n' }]).jobs.length, 0);
});

test('cfg=: a cfg YAML read over the call, as Ultralytics merges it, each value with its own file', () => {
  const cfg = 'task: detect\nmode: train\nmodel: yolov8s.pt\ndata: data.yaml\nepochs: 50\nbatch: 32\nimgsz: 512\noptimizer: SGD\nlr0: 0.02\nlrf: 0.01\nmosaic: 1.0\nclose_mosaic: 10\n';
  const data = 'train: images/train\nval: images/val\nnames: [cat, dog]\n';
  // the CLI: epochs=5 after cfg= wins, batch=4 before it is replaced by the file's batch
  const cli = scanFiles([
    { path: 'run.sh', text: 'yolo train batch=4 cfg=cfg/custom.yaml epochs=5\n' },
    { path: 'cfg/custom.yaml', text: cfg },
    { path: 'data.yaml', text: data },
  ]).jobs.find((j) => j.id === 'run.sh');
  assert.ok(cli !== undefined);
  assert.deepEqual([...cli.files].sort(), ['cfg/custom.yaml', 'data.yaml', 'run.sh']);
  assert.equal(cli.settings.epochs, 5);
  assert.equal(cli.sources['epochs']?.path, 'run.sh');
  assert.equal(cli.settings.perDeviceBatchSize, 32);
  assert.deepEqual(cli.sources['perDeviceBatchSize'], { path: 'cfg/custom.yaml', range: { line: 6, column: 8, endLine: 6, endColumn: 10 } });
  assert.equal(cli.settings.optimizer, 'SGD');
  assert.equal(cli.sources['learningRate']?.path, 'cfg/custom.yaml');
  assert.equal(cli.settings.learningRate, 0.02);
  assert.equal(cli.settings.imageSize, 512);
  assert.ok(cli.assumptions?.some((n: string) => n.startsWith('run.sh:1:12: batch is replaced by the cfg= file')), JSON.stringify(cli.assumptions));
  // nc 2 from the data.yaml the cfg names; YOLOv8s: c3 = max(128, 2) = 128, so only the class convs change
  assert.equal(params(cli).total, 11_166_560 - 3 * 129 * 78);
  // Python: the call's keywords win over the file
  const py = scanFiles([
    { path: 'train.py', text: 'from ultralytics import YOLO\nYOLO("yolov8s.pt").train(cfg="cfg/custom.yaml", batch=8)\n' },
    { path: 'cfg/custom.yaml', text: cfg },
    { path: 'data.yaml', text: data },
  ]).jobs.find((j) => j.id === 'train.py');
  assert.equal(py?.settings.perDeviceBatchSize, 8);
  assert.equal(py?.settings.epochs, 50);
  assert.equal(py?.sources['epochs']?.path, 'cfg/custom.yaml');
  // a cfg YAML beside a call that does not name it is not read over it; a named one that is missing is said
  const beside = scanFiles([{ path: 'train.py', text: 'from ultralytics import YOLO\nYOLO("yolov8s.pt").train(data="coco.yaml")\n' }, { path: 'custom.yaml', text: cfg }]).jobs.find((j) => j.id === 'train.py');
  assert.equal(beside?.settings.epochs, 100);
  const missing = scanFiles([{ path: 'm.sh', text: 'yolo train cfg=gone.yaml\n' }]).jobs[0];
  assert.ok(missing.assumptions?.some((n: string) => /cfg=gone\.yaml: no readable Ultralytics cfg YAML/.test(n)), JSON.stringify(missing.assumptions));
});

test('the change to paste for an Ultralytics job whose optimizer a cfg YAML writes is that YAML\'s keys, not a torchtune block', () => {
  const cfg = 'model: yolov8n.pt\nepochs: 50\nimgsz: 512\noptimizer: SGD\nlr0: 0.02\nmosaic: 1.0\nclose_mosaic: 10\n';
  for (const call of [{ path: 'run.sh', text: 'yolo train cfg=custom.yaml data=coco.yaml\n' }, { path: 'train.py', text: 'from ultralytics import YOLO\nYOLO("yolov8n.pt").train(cfg="custom.yaml", data="coco.yaml")\n' }]) {
    const job = scanFiles([call, { path: 'custom.yaml', text: cfg }]).jobs.find((j) => j.id === call.path);
    assert.ok(job !== undefined);
    assert.equal(job.sources['optimizer']?.path, 'custom.yaml');
    assert.equal(pasteFormatOf(job), 'ultralytics-yaml', call.path);
    const first = pasteChanges('adamw', YOLO_ADAMW, pasteFormatOf(job), null, pasteOptionsOf(job))[0];
    assert.equal(first?.format, 'ultralytics-yaml');
    assert.equal(first?.language, 'yaml');
    // batch 16 (default): accumulate 4, factor 16 x 4 / 64 = 1, so the typed decay is the advice's
    const keys = (first?.code ?? '').split('\n').filter((l) => !l.startsWith('#'));
    assert.deepEqual(keys, ['optimizer: AdamW', 'lr0: 0.001', 'momentum: 0.9', 'weight_decay: 0.05']);
  }
});

/** AdamW as the advice gives it for a detection fine-tune (values chosen for the test, not a recipe). */
const YOLO_ADAMW: HyperparameterAdvice = { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.05, warmup: null, schedule: { kind: 'linear', detail: 'linear decay' }, extra: {} };

/** The job a scan finds for one file. */
function onlyJob(path: string, text: string): ScanJob {
  const job = scanFiles([{ path, text }]).jobs.find((j) => j.id === path);
  assert.ok(job !== undefined, path);
  return job;
}

test('the change to paste for a yolo line: optimizer= lr0= momentum= weight_decay= (typed, unscaled), which the scanner reads back as the advice', () => {
  // batch 128: accumulate max(round(64 / 128), 1) = 1, the trainer's factor 128 x 1 / 64 = 2
  const job = onlyJob('train.sh', 'yolo detect train model=yolov8n.pt data=coco.yaml batch=128 optimizer=SGD lr0=0.01\n');
  assert.equal(pasteFormatOf(job), 'ultralytics-cli');
  const changes = pasteChanges('adamw', YOLO_ADAMW, pasteFormatOf(job), null, pasteOptionsOf(job));
  const first = changes[0];
  assert.equal(first?.format, 'ultralytics-cli');
  assert.equal(first?.language, 'shell');
  assert.equal(first?.package, 'ultralytics');
  assert.match(first?.source ?? '', /blob\/[0-9a-f]{40}\/ultralytics\/engine\/trainer\.py/);
  const lines = (first?.code ?? '').split('\n');
  const line = lines.at(-1) ?? '';
  assert.equal(line, 'yolo train ... optimizer=AdamW lr0=0.001 momentum=0.9 weight_decay=0.025', '0.05 / 2');
  assert.ok(lines.some((l) => /^# weight_decay is the value typed: .*batch x accumulate \/ nbs \(2 for this job\), so the optimizer gets 0\.05/.test(l)), first?.code);
  assert.ok(changes.some((c) => c.format === 'pytorch'), 'the PyTorch line follows');
  // the scanner reads the pasted arguments back as the advice: AdamW, lr 0.001, beta1 0.9, decay 0.025 x 2
  const pasted = onlyJob('train.sh', `yolo detect train model=yolov8n.pt data=coco.yaml batch=128 ${line.replace('yolo train ... ', '')}\n`);
  const current = resolveCurrentOptimizer(pasted);
  assert.equal(current.kind === 'resolved' && current.resolved.id, 'adamw');
  assert.equal(pasted.settings.learningRate, 0.001);
  assert.deepEqual(pasted.settings.optimizerParams, { betas: [0.9, 0.999] });
  assert.equal(pasted.settings.weightDecay, 0.05);
});

test('the change to paste for YOLO(...).train(...): the same as keywords; Nesterov SGD and RMSProp by Ultralytics\' names', () => {
  const job = onlyJob('train.py', 'from ultralytics import YOLO\nYOLO("yolov8s.pt").train(data="coco.yaml", batch=48)\n');
  assert.equal(pasteFormatOf(job), 'ultralytics-python');
  // batch 48: accumulate round(64 / 48) = 1, factor 48 / 64 = 0.75
  const adamw = pasteChanges('adamw', YOLO_ADAMW, pasteFormatOf(job), null, pasteOptionsOf(job))[0];
  assert.equal(adamw?.format, 'ultralytics-python');
  const code = adamw?.code ?? '';
  assert.ok(code.includes('model.train(\n'), code);
  // the paste is Python that parses (the comments and the `...` of the call's other arguments included)
  const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: code, encoding: 'utf8' });
  if (!parsed.error) assert.equal(parsed.status, 0, parsed.stderr);
  for (const kw of ['optimizer="AdamW"', 'lr0=0.001', 'momentum=0.9', 'weight_decay=0.06667']) assert.ok(code.includes(`    ${kw},`), `${kw} in ${code}`);
  const sgd = pasteChanges('nesterov', { ...YOLO_ADAMW, lr: 0.02, betas: null, extra: { momentum: 0.95 } }, pasteFormatOf(job), null, pasteOptionsOf(job))[0];
  assert.equal(sgd?.format, 'ultralytics-python');
  assert.ok(sgd?.code.includes('    optimizer="SGD",') && sgd.code.includes('    momentum=0.95,'), sgd?.code);
  const rms = pasteChanges('rmsprop', { ...YOLO_ADAMW, lr: 0.0001, betas: null, extra: { momentum: 0 } }, pasteFormatOf(job), null, pasteOptionsOf(job))[0];
  assert.equal(rms?.format, 'ultralytics-python');
  assert.ok(rms?.code.includes('    optimizer="RMSProp",') && rms.code.includes('    momentum=0.0,'), rms?.code);
});

test('an optimizer Ultralytics does not build: the PyTorch line first, saying a custom trainer is needed, never a name build_optimizer rejects', () => {
  const job = onlyJob('train.sh', 'yolo train model=yolov8n.pt data=coco.yaml optimizer=AdamW\n');
  const accepted = /^(sgd|adam|adamax|adamw|nadam|radam|rmsprop|auto)$/i;
  for (const [target, a] of [
    ['lion', { ...YOLO_ADAMW, lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0.5 }],
    ['adamw-8bit', YOLO_ADAMW],
    ['sgd-momentum', { ...YOLO_ADAMW, lr: 0.01, betas: null, extra: { momentum: 0.9 } }],
  ] as const) {
    const changes = pasteChanges(target, a, pasteFormatOf(job), null, pasteOptionsOf(job));
    assert.equal(changes[0]?.format, 'pytorch', target);
    assert.match(changes[0]?.code ?? '', /^# Ultralytics' trainer does not build .*needs a custom trainer/, target);
    assert.ok(!changes.some((c) => c.format.startsWith('ultralytics')), target);
    for (const c of changes) for (const m of c.code.matchAll(/\boptimizer=(\w+)/g)) assert.match(m[1] ?? '', accepted, `${target}: ${c.code}`);
  }
  // a job that is not Ultralytics gets no Ultralytics format and no sentence
  const plain = pasteChanges('lion', YOLO_ADAMW, 'pytorch');
  assert.ok(!plain.some((c) => c.format.startsWith('ultralytics') || c.code.includes('custom trainer')));
});

test('a model definition of the workspace: built from its own layers and scale with the dataset\'s classes; a module it does not build is said', () => {
  // ultralytics/cfg/models/v8/yolov8.yaml's layers (the family's bundled definition), as a file of the workspace
  const yaml = [
    'nc: 80',
    'scales:',
    '  n: [0.33, 0.25, 1024]',
    '  s: [0.33, 0.50, 1024]',
    'backbone:',
    '  - [-1, 1, Conv, [64, 3, 2]]',
    '  - [-1, 1, Conv, [128, 3, 2]]',
    '  - [-1, 3, C2f, [128, True]]',
    '  - [-1, 1, Conv, [256, 3, 2]]',
    '  - [-1, 6, C2f, [256, True]]',
    '  - [-1, 1, Conv, [512, 3, 2]]',
    '  - [-1, 6, C2f, [512, True]]',
    '  - [-1, 1, Conv, [1024, 3, 2]]',
    '  - [-1, 3, C2f, [1024, True]]',
    '  - [-1, 1, SPPF, [1024, 5]]',
    'head:',
    '  - [-1, 1, nn.Upsample, [None, 2, "nearest"]]',
    '  - [[-1, 6], 1, Concat, [1]]',
    '  - [-1, 3, C2f, [512]]',
    '  - [-1, 1, nn.Upsample, [None, 2, "nearest"]]',
    '  - [[-1, 4], 1, Concat, [1]]',
    '  - [-1, 3, C2f, [256]]',
    '  - [-1, 1, Conv, [256, 3, 2]]',
    '  - [[-1, 12], 1, Concat, [1]]',
    '  - [-1, 3, C2f, [512]]',
    '  - [-1, 1, Conv, [512, 3, 2]]',
    '  - [[-1, 9], 1, Concat, [1]]',
    '  - [-1, 3, C2f, [1024]]',
    '  - [[15, 18, 21], 1, Detect, [nc]]',
    '',
  ].join('\n');
  const job = scanFiles([
    { path: 'train.py', text: 'from ultralytics import YOLO\nYOLO("models/yolov8s-birds.yaml").train(data="coco.yaml", epochs=3)\n' },
    { path: 'models/yolov8s-birds.yaml', text: yaml },
  ]).jobs.find((j) => j.id === 'train.py');
  assert.ok(job !== undefined);
  assert.ok(job.files.includes('models/yolov8s-birds.yaml'));
  assert.equal(job.settings.pretraining, true);
  // scale s from the file's name, 80 classes of coco.yaml: YOLOv8s's published 11,166,560
  assert.deepEqual(params(job), { total: 11_166_560, trainable: 11_166_544 });
  const other = yaml.replace('[-1, 3, C2f, [256]]', '[-1, 3, A2C2f, [256]]');
  const scanned = scanFiles([
    { path: 'go.sh', text: 'yolo train model=cfg/yolo-x.yaml data=coco.yaml\n' },
    { path: 'cfg/yolo-x.yaml', text: other },
  ]);
  const definition = scanned.findings.find((f) => f.path === 'cfg/yolo-x.yaml');
  assert.equal(definition?.kind, 'ultralytics-model');
  const line = other.split('\n').findIndex((l) => l.includes('A2C2f')) + 1;
  assert.ok(scanned.warnings.some((w) => w.path === 'cfg/yolo-x.yaml' && w.line === line && w.column === 13 && /head\[5\]: module 'A2C2f' is not built/.test(w.message)), JSON.stringify(scanned.warnings));
  const refused = scanned.jobs.find((j) => j.id === 'go.sh');
  assert.ok(refused !== undefined);
  const resolved = resolveModelSource(refused, { readText: () => '' });
  assert.notEqual(resolved.status, 'resolved');
  assert.match(JSON.stringify(resolved), /head\[5\]: module 'A2C2f' is not modelled/);
  // a bundled name is Ultralytics' own definition: no link, no warning
  const bundled = scanFiles([{ path: 'b.sh', text: 'yolo train model=yolov8m.yaml data=coco8.yaml\n' }]);
  assert.equal(bundled.jobs[0]?.model?.kind, 'script-config');
  assert.deepEqual(params(bundled.jobs[0] as ScanJob), { total: 25_902_640, trainable: 25_902_624 });
});

test('a notebook\'s !yolo shell escape (Roboflow\'s notebooks) is read as the CLI; a Jupyter {expression} is unknown, said where', () => {
  const cell = '!yolo task=detect mode=train model=yolov8s.pt data={dataset.location}/data.yaml epochs=25 imgsz=800 plots=True\n';
  const notebook = JSON.stringify({
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: [
      { cell_type: 'code', metadata: {}, source: ['!pip install ultralytics==8.0.196\n', 'from IPython import display\n'] },
      { cell_type: 'code', metadata: {}, source: ['%cd {HOME}\n', cell] },
    ],
  }, null, 1);
  const job = scanFiles([{ path: 'train-yolov8.ipynb', text: notebook }]).jobs[0];
  assert.ok(job !== undefined);
  assert.equal(job.settings.epochs, 25);
  assert.equal(job.settings.imageSize, 800);
  const line = notebook.split('\n').findIndex((l) => l.includes('!yolo task=detect')) + 1;
  const text = notebook.split('\n')[line - 1] as string;
  assert.deepEqual(job.sources['epochs'], { path: 'train-yolov8.ipynb', range: { line, column: text.indexOf('epochs=25') + 1, endLine: line, endColumn: text.indexOf('epochs=25') + 1 + 'epochs=25'.length } });
  assert.ok(job.assumptions?.some((n: string) => n.startsWith(`train-yolov8.ipynb:${line}:${text.indexOf('data=') + 1}: data is {dataset.location}/data.yaml, a Jupyter {expression}`)), JSON.stringify(job.assumptions));
  assert.ok(job.assumptions?.some((n: string) => /classes 80: the dataset is not known/.test(n)), JSON.stringify(job.assumptions));
  assert.deepEqual(params(job), { total: 11_166_560, trainable: 11_166_544 });
  // a !yolo predict line trains nothing
  const predict = notebook.replace('mode=train', 'mode=predict');
  assert.equal(scanFiles([{ path: 'p.ipynb', text: predict }]).jobs.length, 0);
});

/** The quick fix's text for `path` of `files`, switching the job `id` to `target` with YOLO_ADAMW-like advice. */
function fixed(files: { path: string; text: string }[], id: string, path: string, target: OptimizerId, a: HyperparameterAdvice = YOLO_ADAMW): { text: string | null; result: FixResult } {
  const job = scanFiles(files).jobs.find((j) => j.id === id);
  assert.ok(job !== undefined, id);
  const text = files.find((f) => f.path === path)?.text ?? '';
  const result = optimizerFix({ path, text, job, target, hyperparameters: a });
  return { text: isFix(result) ? applyEdits(text, result.edits) : null, result };
}

test('the quick fix rewrites a yolo line\'s optimizer= lr0= in place and adds momentum= weight_decay= after optimizer=; the scanner reads back the advice', () => {
  const line = 'yolo detect train model=yolov8n.pt data=coco.yaml batch=128 optimizer=SGD lr0=0.01 epochs=5\n';
  const { text, result } = fixed([{ path: 'train.sh', text: line }], 'train.sh', 'train.sh', 'adamw');
  assert.equal(text, 'yolo detect train model=yolov8n.pt data=coco.yaml batch=128 optimizer=AdamW momentum=0.9 weight_decay=0.025 lr0=0.001 epochs=5\n');
  assert.ok(isFix(result) && result.spelling === 'AdamW' && result.edits.length === 2, JSON.stringify(result));
  const again = onlyJob('train.sh', text ?? '');
  const current = resolveCurrentOptimizer(again);
  assert.equal(current.kind === 'resolved' && current.resolved.id, 'adamw');
  assert.equal(again.settings.learningRate, 0.001);
  assert.equal(again.settings.weightDecay, 0.05, '0.025 typed x the trainer\'s factor 2');
});

test('the quick fix for .train(...) keywords and a cfg YAML\'s keys; an optimizer Ultralytics does not build, or auto, is no fix', () => {
  const py = 'from ultralytics import YOLO\nYOLO("yolov8n.pt").train(data="coco.yaml", optimizer="SGD", momentum=0.95, weight_decay=0.001)\n';
  const viaPy = fixed([{ path: 'train.py', text: py }], 'train.py', 'train.py', 'adamw');
  assert.equal(viaPy.text, 'from ultralytics import YOLO\nYOLO("yolov8n.pt").train(data="coco.yaml", optimizer="AdamW", lr0=0.001, momentum=0.9, weight_decay=0.05)\n');
  const cfg = 'model: yolov8n.pt\nimgsz: 512\noptimizer: SGD  # tuned\nlr0: 0.02\nmosaic: 1.0\n';
  const files = [{ path: 'run.sh', text: 'yolo train cfg=custom.yaml data=coco.yaml\n' }, { path: 'custom.yaml', text: cfg }];
  const viaCfg = fixed(files, 'run.sh', 'custom.yaml', 'adamw');
  assert.equal(viaCfg.text, 'model: yolov8n.pt\nimgsz: 512\noptimizer: AdamW  # tuned\nmomentum: 0.9\nweight_decay: 0.05\nlr0: 0.001\nmosaic: 1.0\n');
  const again = scanFiles([files[0] as { path: string; text: string }, { path: 'custom.yaml', text: viaCfg.text ?? '' }]).jobs.find((j) => j.id === 'run.sh');
  assert.equal(again?.settings.optimizer, 'AdamW');
  assert.equal(again?.settings.learningRate, 0.001);
  const lion = fixed([{ path: 'train.py', text: py }], 'train.py', 'train.py', 'lion', { ...YOLO_ADAMW, lr: 1e-4, betas: [0.9, 0.99] });
  assert.ok(!isFix(lion.result) && /does not build Lion.*custom trainer/.test(lion.result.unavailable), JSON.stringify(lion.result));
  const auto = fixed([{ path: 'a.sh', text: 'yolo train model=yolov8n.pt data=coco.yaml\n' }], 'a.sh', 'a.sh', 'adamw');
  assert.ok(!isFix(auto.result) && /optimizer=auto is not written/.test(auto.result.unavailable), JSON.stringify(auto.result));
});

test('YOLO11: yolo11n..x .pt / .yaml by name on the CLI and in Python, and a workspace copy of yolo11.yaml', () => {
  // YOLO11n's published summary (ultralytics/cfg/models/11/yolo11.yaml): 2,624,080 parameters, 2,624,064 gradients
  const cli = scanFiles([{ path: 'a.sh', text: 'yolo detect train model=yolo11n.pt data=coco8.yaml epochs=10\n' }]).jobs[0] as ScanJob;
  assert.equal(cli.model?.kind, 'script-config');
  assert.equal(cli.settings.pretraining, false);
  assert.deepEqual(params(cli), { total: 2_624_080, trainable: 2_624_064 });
  assert.ok(!(cli.assumptions ?? []).some((n: string) => /not a YOLOv8/.test(n)), JSON.stringify(cli.assumptions));
  // yolo11s from its definition for a 3-class dataset: c3 = max(128, min(3, 100)) = 128 as at 80 classes, so only the
  // three 1x1 class convs shrink: 3 x (128 + 1) x (80 - 3) fewer than YOLO11s's published 9,458,752
  const py = scanFiles([
    { path: 'train.py', text: 'from ultralytics import YOLO\nmodel = YOLO("yolo11s.yaml")\nmodel.train(data="birds.yaml", epochs=5)\n' },
    { path: 'birds.yaml', text: 'train: images/train\nval: images/val\nnames: [a, b, c]\n' },
  ]).jobs.find((j) => j.id === 'train.py') as ScanJob;
  assert.equal(py.settings.pretraining, true);
  assert.deepEqual(params(py), { total: 9_458_752 - 3 * 129 * 77, trainable: 9_458_736 - 3 * 129 * 77 });
  // the bundled yaml name is Ultralytics' own file: no link to the workspace
  assert.ok(!py.files.includes('yolo11s.yaml'));
  // a workspace copy of yolo11.yaml named for scale m: parse_model's C3k blocks at m, YOLO11m's published 20,114,688
  const yaml = [
    'nc: 80',
    'scales:',
    '  n: [0.50, 0.25, 1024]',
    '  m: [0.50, 1.00, 512]',
    'backbone:',
    '  - [-1, 1, Conv, [64, 3, 2]]',
    '  - [-1, 1, Conv, [128, 3, 2]]',
    '  - [-1, 2, C3k2, [256, False, 0.25]]',
    '  - [-1, 1, Conv, [256, 3, 2]]',
    '  - [-1, 2, C3k2, [512, False, 0.25]]',
    '  - [-1, 1, Conv, [512, 3, 2]]',
    '  - [-1, 2, C3k2, [512, True]]',
    '  - [-1, 1, Conv, [1024, 3, 2]]',
    '  - [-1, 2, C3k2, [1024, True]]',
    '  - [-1, 1, SPPF, [1024, 5]]',
    '  - [-1, 2, C2PSA, [1024]]',
    'head:',
    '  - [-1, 1, nn.Upsample, [None, 2, "nearest"]]',
    '  - [[-1, 6], 1, Concat, [1]]',
    '  - [-1, 2, C3k2, [512, False]]',
    '  - [-1, 1, nn.Upsample, [None, 2, "nearest"]]',
    '  - [[-1, 4], 1, Concat, [1]]',
    '  - [-1, 2, C3k2, [256, False]]',
    '  - [-1, 1, Conv, [256, 3, 2]]',
    '  - [[-1, 13], 1, Concat, [1]]',
    '  - [-1, 2, C3k2, [512, False]]',
    '  - [-1, 1, Conv, [512, 3, 2]]',
    '  - [[-1, 10], 1, Concat, [1]]',
    '  - [-1, 2, C3k2, [1024, True]]',
    '  - [[16, 19, 22], 1, Detect, [nc]]',
    '',
  ].join('\n');
  const own = scanFiles([
    { path: 'go.sh', text: 'yolo train model=cfg/yolo11m-parts.yaml data=coco.yaml\n' },
    { path: 'cfg/yolo11m-parts.yaml', text: yaml },
  ]);
  assert.deepEqual(own.warnings.filter((w) => w.path === 'cfg/yolo11m-parts.yaml'), []);
  const job = own.jobs.find((j) => j.id === 'go.sh') as ScanJob;
  assert.ok(job.files.includes('cfg/yolo11m-parts.yaml'));
  assert.deepEqual(params(job), { total: 20_114_688, trainable: 20_114_672 });
});

test('segmentation, pose and classification models by name: built with the dataset\'s classes, their assumptions stated', () => {
  // yolo11n-seg at 80 classes: yolo11-seg.yaml's published 2,876,848 parameters, 2,876,832 gradients
  const seg = scanFiles([
    { path: 'seg.sh', text: 'yolo segment train model=yolo11n-seg.pt data=data.yaml\n' },
    { path: 'data.yaml', text: `train: images/train\nval: images/val\nnames: [${Array.from({ length: 80 }, (_, i) => `c${i}`).join(', ')}]\n` },
  ]).jobs.find((j) => j.id === 'seg.sh') as ScanJob;
  assert.deepEqual(params(seg), { total: 2_876_848, trainable: 2_876_832 });
  assert.ok(!(seg.assumptions ?? []).some((n: string) => /task=segment/.test(n)), JSON.stringify(seg.assumptions));
  // yolov8n-pose (1 class, 17 x 3 keypoints): Ultralytics' fused summary of the released weights, 3,289,964, is the
  // count less one bias-sized vector per BatchNorm; here the unfused count of the same network
  const pose = scanFiles([{ path: 'train.py', text: 'from ultralytics import YOLO\nYOLO("yolov8n-pose.pt").train(data="people.yaml")\n' }, { path: 'people.yaml', text: 'train: a\nval: b\nnames: [person]\n' }])
    .jobs.find((j) => j.id === 'train.py') as ScanJob;
  assert.deepEqual(params(pose), { total: 3_295_470, trainable: 3_295_454 });
  assert.ok(pose.assumptions?.some((n: string) => /yolov8n-pose: 17 keypoints x 3 .* are assumed/.test(n)), JSON.stringify(pose.assumptions));
  // yolov8n-cls on a folder dataset: its classes are not counted, 80 are assumed and said so; a task that disagrees
  // with the model's name is a note and the model named is built
  const cls = scanFiles([{ path: 'c.sh', text: 'yolo task=detect mode=train model=yolov8n-cls.pt data=../flowers epochs=3\n' }]).jobs[0] as ScanJob;
  assert.ok(cls.assumptions?.some((n: string) => /yolov8n-cls: a classification dataset's classes are its class folders, which are not counted; 80 are assumed/.test(n)), JSON.stringify(cls.assumptions));
  assert.ok(cls.assumptions?.some((n: string) => /task=detect but model=yolov8n-cls\.pt is a classify model/.test(n)), JSON.stringify(cls.assumptions));
  // 80 classes: "YOLOv8n-cls summary: 56 layers, 1,440,850 parameters" at 2 classes + 78 x 1,281 for the linear layer
  assert.deepEqual(params(cls), { total: 1_440_850 + 78 * 1281, trainable: 1_440_850 + 78 * 1281 });
});

test('bundled pose and segmentation datasets: coco8-pose.yaml states 1 class and 17 x 3 keypoints, coco8-seg.yaml 80 classes', () => {
  const pose = scanFiles([{ path: 'p.sh', text: 'yolo pose train model=yolo11n-pose.pt data=coco8-pose.yaml epochs=3\n' }]).jobs[0] as ScanJob;
  assert.ok(pose.assumptions?.some((n: string) => /coco8-pose\.yaml is Ultralytics' bundled dataset: 1 class \(/.test(n)), JSON.stringify(pose.assumptions));
  assert.ok(!(pose.assumptions ?? []).some((n: string) => /keypoints .* are assumed/.test(n)), JSON.stringify(pose.assumptions));
  // yolo11-pose.yaml's published 2,908,507 at 80 classes; at 1 class the depthwise class branch narrows from
  // c3 = max(64, 80) = 80 to max(64, 1) = 64 and the last conv to 1 output, per input of 64, 128, 256 channels
  const cv3 = (c3: number, nc: number) =>
    [64, 128, 256].reduce((n, x) => n + (9 * x + 2 * x) + (x * c3 + 2 * c3) + (9 * c3 + 2 * c3) + (c3 * c3 + 2 * c3) + (c3 * nc + nc), 0);
  const total = 2_908_507 - cv3(80, 80) + cv3(64, 1);
  assert.deepEqual(params(pose), { total, trainable: total - 16 });
  // 4 training images: ceil(4 / 64) x 3 epochs <= 10,000, AdamW with lr round(0.002 x 5 / (4 + 1), 6)
  assert.equal(pose.settings.optimizer, 'AdamW');
  assert.equal(pose.settings.learningRate, 0.002);
  const seg = scanFiles([{ path: 's.sh', text: 'yolo segment train model=yolo11n-seg.yaml data=coco8-seg.yaml\n' }]).jobs[0] as ScanJob;
  assert.deepEqual(params(seg), { total: 2_876_848, trainable: 2_876_832 });
  assert.ok(!seg.files.includes('coco8-seg.yaml'));
});
