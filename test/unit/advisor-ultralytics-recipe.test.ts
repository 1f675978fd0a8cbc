/**
 * The detection recipe of an Ultralytics YOLO job (README "Ultralytics YOLO"): the task fact, Ultralytics' own recipe as
 * the advice (expected values taken from ultralytics/cfg/default.yaml at 8b40338ade349cabbc020fb7b5527c78ae8a84c6 and
 * ultralytics/engine/trainer.py at 3c5ac618ec954b0f238c8f4ae558dac6e7f9991b: lr0 0.01, lrf 0.01, momentum 0.937,
 * weight_decay 0.0005 x batch x accumulate / nbs with accumulate = max(round(nbs / batch), 1), warmup_epochs 3.0,
 * warmup_momentum 0.8, warmup_bias_lr 0.1; optimizer=auto: iterations = ceil(images / max(batch, nbs)) x epochs, SGD lr
 * 0.01 momentum 0.9 above 10000, else AdamW lr round(0.002 x 5 / (4 + nc), 6)), the training images counted in the
 * workspace (bounded), and the change to paste / quick fix in Ultralytics' own arguments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { recommend } from '../../src/core/advisor';
import { deriveHyperparameters, selectRecipe } from '../../src/core/advisor/hyperparameters';
import type { DetectionJob, JobFacts } from '../../src/core/advisor/types';
import { evaluateJob } from '../../src/core/evaluate';
import { applyEdits, isFix, optimizerFix } from '../../src/core/fixes';
import { pasteChanges, pasteFormatOf, pasteOptionsOf } from '../../src/core/fixes/paste';
import { advisorInputForJob, detectionOf } from '../../src/core/job';
import { resolveModelSource } from '../../src/core/model-source';
import { getOptimizer } from '../../src/core/optimizers';
import type { OptimizerId } from '../../src/core/optimizers/types';
import { scanFiles } from '../../src/core/scan';
import type { ScanJob } from '../../src/core/scan/results';
import { diskFiles } from '../../src/cli/model-source';
import { countImagesSync, DEFAULT_IMAGE_LIMITS } from '../../src/platform/image-folder';

function onlyJob(files: { path: string; text: string }[], id: string): ScanJob {
  const job = scanFiles(files).jobs.find((j) => j.id === id);
  assert.ok(job !== undefined, id);
  return job;
}

function detection(over: Partial<DetectionJob> = {}): DetectionJob {
  return {
    taskFrom: 'task=detect at train.sh:1', classes: { value: 80, at: null }, decayScale: 1, decayScaleFrom: 'batch x accumulate / nbs = 16 x 4 / 64',
    epochs: { value: 100, at: null }, lrf: { value: 0.01, at: null }, cosLr: { value: false, at: null }, warmupEpochs: { value: 3, at: null },
    warmupMomentum: { value: 0.8, at: null }, warmupBiasLr: { value: 0.1, at: null }, ...over,
  };
}

/** YOLOv8n fine-tuned (a .pt checkpoint): a CNN fine-tune, which without the task fact takes the classifier tutorial's recipe. */
function facts(d: DetectionJob | null): JobFacts {
  return {
    family: 'cnn', stacks: 'cnn', params: 3_157_200, trainableParams: 3_157_200, fineTune: true, lora: false, qlora: false,
    globalBatch: 16, microBatch: 16, seqLen: 1, gpus: 1, precision: 'fp16-mixed', priority: 'quality', gradientCheckpointing: false,
    zeroStage: 0, memoryKnown: false, memoryBound: false, task: d === null ? 'unspecified' : 'detection', detection: d, architecture: 'yolo',
  };
}

const hp = (optimizer: OptimizerId, f: JobFacts) => deriveHyperparameters({ optimizer, facts: f, catalog: { defaults: getOptimizer(optimizer).defaults } });

test('the task fact: a yolo detect line, a YOLO detection model by name, and not for another task or an unknown model', () => {
  const cli = onlyJob([{ path: 'train.sh', text: 'yolo detect train model=yolov8n.pt data=coco.yaml\n' }], 'train.sh');
  assert.equal(cli.ultralyticsJob?.task, 'detect');
  assert.match(cli.ultralyticsJob?.taskFrom ?? '', /^task=detect at train\.sh:1$/);
  const byModel = onlyJob([{ path: 'train.py', text: 'from ultralytics import YOLO\nYOLO("yolov8s.pt").train(data="coco.yaml")\n' }], 'train.py');
  assert.equal(byModel.ultralyticsJob?.task, 'detect');
  assert.match(byModel.ultralyticsJob?.taskFrom ?? '', /yolov8s\.pt \(train\.py:2\) is a YOLO detection model/);
  const segment = onlyJob([{ path: 's.sh', text: 'yolo segment train model=yolov8n.pt data=coco.yaml\n' }], 's.sh');
  assert.equal(segment.ultralyticsJob?.task, 'segment');
  assert.equal(detectionOf(segment), null, 'only detection takes the detection recipe');
  // values that are not what they should be: a note where written, default.yaml's value used
  const bad = onlyJob([{ path: 'b.sh', text: 'yolo detect train model=yolov8n.pt data=coco.yaml lrf=-1 cos_lr=maybe warmup_momentum=1.5\n' }], 'b.sh');
  assert.ok(bad.assumptions?.some((n) => /^b\.sh:1:\d+: lrf=-1 is not a final learning-rate fraction; Ultralytics' default is used$/.test(n)), JSON.stringify(bad.assumptions));
  assert.ok(bad.assumptions?.some((n) => /^b\.sh:1:\d+: cos_lr=maybe is not True or False; the linear schedule \(the default\) is assumed$/.test(n)), JSON.stringify(bad.assumptions));
  assert.deepEqual([bad.ultralyticsJob?.lrf, bad.ultralyticsJob?.cosLr, bad.ultralyticsJob?.warmupMomentum], [{ value: 0.01, at: null }, { value: false, at: null }, { value: 0.8, at: null }]);
  const unknown = onlyJob([{ path: 'u.sh', text: 'yolo train model=rtdetr-l.pt data=coco.yaml\n' }], 'u.sh');
  assert.equal(unknown.ultralyticsJob?.task, 'unknown');
  assert.equal(detectionOf(unknown), null);

  // threaded as a job fact: the advisor sees task 'detection' and the job's values
  const resolved = resolveModelSource(cli, { readText: () => '' });
  assert.equal(resolved.status, 'resolved');
  if (resolved.status !== 'resolved') return;
  const result = recommend(advisorInputForJob(cli, resolved.model.inventory, { gpuMemoryBytes: null, priority: 'quality' }));
  assert.equal(result.facts.task, 'detection');
  assert.equal(result.facts.detection?.classes.value, 80);
  // values the job leaves to default.yaml are said as assumptions
  assert.ok(result.assumptions.some((a) => a === "Ultralytics' recipe: lrf 0.01, cos_lr False, warmup_epochs 3, warmup_momentum 0.8, warmup_bias_lr 0.1 are default.yaml's values (the job does not set them)."), JSON.stringify(result.assumptions));
  const nesterov = result.recommendations.find((r) => r.optimizer === 'nesterov');
  assert.equal(nesterov?.hyperparameters.lr, 0.01);
  assert.ok(nesterov?.reasons.some((r) => r.rule === 'hp:recipe:ultralytics-detection' && r.evidence.some((e) => e.id === 'ultralytics-default-cfg')), JSON.stringify(nesterov?.reasons));
});

test("Ultralytics' recipe for a detection job: SGD (Nesterov) lr0 0.01 momentum 0.937, decay scaled by the trainer, 3 warmup epochs, linear to lr0 x lrf", () => {
  assert.equal(selectRecipe(facts(null)).id, 'pytorch-cnn-finetune', 'without the task fact: the image classifier fine-tune');
  assert.equal(selectRecipe(facts(detection())).id, 'ultralytics-detection');
  const { advice, basis } = hp('nesterov', facts(detection()));
  assert.equal(advice.lr, 0.01);
  assert.deepEqual(advice.extra, { momentum: 0.937, nesterov: true });
  assert.equal(advice.weightDecay, 0.0005);
  assert.deepEqual(advice.warmup, { unit: 'epochs', value: 3 });
  assert.equal(advice.schedule.kind, 'linear');
  assert.equal(advice.schedule.finalFraction, 0.01);
  assert.match(advice.schedule.detail, /lr0 x lrf = lr0 x 0\.01 over the 100 epochs/);
  assert.match(basis[0]?.text ?? '', /lrf 0\.01 \(default\.yaml's, assumed\).*warmup_momentum 0\.8.*warmup_bias_lr 0\.1/);
  // batch 48: accumulate = max(round(64 / 48), 1) = 1, factor 48 x 1 / 64 = 0.75: the optimizer gets 0.0005 x 0.75
  const batch48 = hp('nesterov', facts(detection({ decayScale: 0.75, decayScaleFrom: 'batch x accumulate / nbs = 48 x 1 / 64' })));
  assert.equal(batch48.advice.weightDecay, 0.0005 * 0.75);
  // the job's own values: lrf 0.1 and cos_lr written, warmup_epochs 0 (no warmup)
  const own = hp('nesterov', facts(detection({ lrf: { value: 0.1, at: 'a.sh:1' }, cosLr: { value: true, at: 'a.sh:1' }, warmupEpochs: { value: 0, at: 'a.sh:1' } })));
  assert.equal(own.advice.schedule.kind, 'cosine');
  assert.equal(own.advice.schedule.finalFraction, 0.1);
  assert.equal(own.advice.warmup, null);
});

test("AdamW for a detection job is optimizer=auto's: lr round(0.002 x 5 / (4 + nc), 6), betas (0.9, 0.999), the recipe's decay and schedule", () => {
  // 80 classes: 0.01 / 84 = 0.000119047... -> 0.000119; 3 classes: 0.01 / 7 = 0.00142857... -> 0.001429
  const coco = hp('adamw', facts(detection()));
  assert.equal(coco.advice.lr, 0.000119);
  assert.deepEqual(coco.advice.betas, [0.9, 0.999]);
  assert.equal(coco.advice.weightDecay, 0.0005);
  assert.deepEqual(coco.advice.warmup, { unit: 'epochs', value: 3 });
  assert.ok(coco.basis.some((r) => r.rule === 'hp:recipe:ultralytics-detection:adamw' && r.evidence.some((e) => e.id === 'ultralytics-build-optimizer')), JSON.stringify(coco.basis));
  assert.equal(hp('adamw', facts(detection({ classes: { value: 3, at: 'data.yaml:4' } }))).advice.lr, 0.001429);
});

/** A scratch workspace with the files given (paths relative to it) and `n` empty images in `folder`. */
function workspace(files: Record<string, string>, images: Record<string, number>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'yolo-recipe-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  for (const [folder, n] of Object.entries(images)) {
    fs.mkdirSync(path.join(root, folder), { recursive: true });
    for (let i = 0; i < n; i++) fs.writeFileSync(path.join(root, folder, `${i}.jpg`), '');
  }
  return root;
}

function evaluateIn(root: string, files: Record<string, string>, id: string) {
  const job = onlyJob(Object.entries(files).map(([p, text]) => ({ path: p, text })), id);
  return evaluateJob(job, diskFiles(root), { gpuMemoryBytes: null, priority: 'quality' });
}

test('optimizer=auto decided from the counted training images: 640 images at 1000 epochs are 10000 iterations (AdamW), 641 are 11000 (SGD)', () => {
  // batch 16 (default), nbs 64: ceil(640 / 64) x 1000 = 10000, not above 10000 -> AdamW lr round(0.01 / (4 + 2), 6) = 0.001667
  const files = {
    'train.sh': 'yolo detect train model=yolov8n.pt data=data/birds.yaml epochs=1000\n',
    'data/birds.yaml': 'train: images/train\nval: images/val\nnames: [sparrow, finch]\n',
  };
  const at640 = workspace(files, { 'data/images/train': 640 });
  try {
    const e = evaluateIn(at640, files, 'train.sh');
    assert.equal(e.job.settings.optimizer, 'AdamW');
    assert.equal(e.job.settings.learningRate, 0.001667);
    assert.equal(e.current.kind === 'resolved' && e.current.resolved.id, 'adamw');
    assert.ok(e.jobAssumptions.some((n) => /10000 iterations \(ceil\(640 images \/ 64\) x 1000 epochs\) <= 10000: AdamW/.test(n) && /640 images in data\/images\/train/.test(n)), JSON.stringify(e.jobAssumptions));
    // the task is a fact of the job, shown with where it is written
    assert.equal(e.facts.task?.value, 'detect');
    assert.deepEqual(e.facts.task?.source, { kind: 'launcher', path: 'train.sh', range: { line: 1, column: 6, endLine: 1, endColumn: 12 } });
    // the run's length from the same count: 640 / 16 = 40 batches, / accumulate 4 = 10 steps per epoch x 1000
    assert.equal(e.input.totalSteps, 10_000);
  } finally {
    fs.rmSync(at640, { recursive: true, force: true });
  }
  const at641 = workspace(files, { 'data/images/train': 641 });
  try {
    const e = evaluateIn(at641, files, 'train.sh');
    assert.equal(e.job.settings.optimizer, 'SGD');
    assert.equal(e.job.settings.learningRate, 0.01);
    assert.deepEqual(e.job.settings.optimizerParams, { momentum: 0.9, nesterov: true });
    assert.equal(e.current.kind === 'resolved' && e.current.resolved.id, 'nesterov');
    assert.ok(e.jobAssumptions.some((n) => /11000 iterations \(ceil\(641 images \/ 64\) x 1000 epochs\) > 10000: SGD/.test(n)), JSON.stringify(e.jobAssumptions));
  } finally {
    fs.rmSync(at641, { recursive: true, force: true });
  }
});

test("a Roboflow export's ../train/images is found without the ../; a missing folder, a datasets_dir root or a download stays an assumption, said", () => {
  const roboflow = {
    'proj/train.py': 'from ultralytics import YOLO\nYOLO("yolov8n.pt").train(data="data.yaml", epochs=1000, fraction=0.5)\n',
    'proj/data.yaml': 'train: ../train/images\nval: ../valid/images\nnc: 1\nnames: [\'crack\']\n',
  };
  const root = workspace(roboflow, { 'proj/train/images': 1282 });
  try {
    // fraction 0.5 keeps round(1282 x 0.5) = 641 images: 11000 iterations -> SGD
    const e = evaluateIn(root, roboflow, 'proj/train.py');
    assert.equal(e.job.settings.optimizer, 'SGD');
    assert.ok(e.jobAssumptions.some((n) => /1,282 images in proj\/train\/images/.test(n) && /fraction 0\.5 \(proj\/train\.py:2\) keeps the first 641/.test(n)), JSON.stringify(e.jobAssumptions));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const missing = workspace(roboflow, {});
  try {
    const e = evaluateIn(missing, roboflow, 'proj/train.py');
    // not counted: the scan's assumption (AdamW, lr from nc 1) stands and the note says why
    assert.equal(e.job.settings.optimizer, 'AdamW');
    assert.equal(e.job.settings.learningRate, 0.002);
    assert.ok(e.jobAssumptions.includes('optimizer=auto stays assumed: the training images folder train/images or proj/train/images (train: at proj/data.yaml:1) is not in the workspace'), JSON.stringify(e.jobAssumptions));
  } finally {
    fs.rmSync(missing, { recursive: true, force: true });
  }
  const rooted = onlyJob([
    { path: 'a.sh', text: 'yolo train model=yolov8n.pt data=d.yaml\n' },
    { path: 'd.yaml', text: 'path: ../datasets/birds\ntrain: images/train\nval: images/val\nnames: [a]\n' },
  ], 'a.sh');
  assert.equal(rooted.ultralyticsJob?.trainImages.kind, 'unknown');
  assert.match(rooted.ultralyticsJob?.trainImages.kind === 'unknown' ? rooted.ultralyticsJob.trainImages.why : '', /datasets_dir setting/);
  const url = onlyJob([{ path: 'b.sh', text: 'yolo train model=yolov8n.pt data=https://example.com/birds.zip\n' }], 'b.sh');
  assert.match(url.ultralyticsJob?.trainImages.kind === 'unknown' ? url.ultralyticsJob.trainImages.why : '', /is a download/);
  const bundled = onlyJob([{ path: 'c.sh', text: 'yolo train model=yolov8n.pt data=coco128.yaml\n' }], 'c.sh');
  assert.equal(bundled.ultralyticsJob?.trainImages.kind, 'stated');
});

test('the image count is bounded: images by suffix in subfolders, hidden names skipped, a folder link not followed (no loop), caps on entries and time', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'yolo-images-'));
  try {
    fs.mkdirSync(path.join(root, 'imgs/a/b'), { recursive: true });
    for (const name of ['1.jpg', '2.PNG', '3.webp', 'a/4.jpeg', 'a/b/5.bmp', 'a/notes.txt', 'a/b/6.gif', '.hidden.jpg', 'noext']) fs.writeFileSync(path.join(root, 'imgs', name), '');
    // 1.jpg, 2.PNG, 3.webp, a/4.jpeg, a/b/5.bmp: gif is a video format for Ultralytics, txt no image, a dotted name unmatched
    assert.deepEqual(countImagesSync(root, 'imgs'), { ok: true, images: 5 });
    assert.equal(countImagesSync(root, 'nowhere'), null);
    assert.equal(countImagesSync(root, 'imgs/1.jpg'), null, 'a file is no folder');
    fs.symlinkSync(path.join(root, 'imgs'), path.join(root, 'imgs/a/loop'));
    const looped = countImagesSync(root, 'imgs');
    assert.ok(looped !== null && !looped.ok && /a\/loop is a link to a folder, which is not followed/.test(looped.message), JSON.stringify(looped));
    fs.unlinkSync(path.join(root, 'imgs/a/loop'));
    const capped = countImagesSync(root, 'imgs', { ...DEFAULT_IMAGE_LIMITS, maxEntries: 4 });
    assert.ok(capped !== null && !capped.ok && /more than 4 entries/.test(capped.message), JSON.stringify(capped));
    let t = 0;
    const slow = countImagesSync(root, 'imgs', { ...DEFAULT_IMAGE_LIMITS, budgetMs: 5, now: () => (t += 2) });
    assert.ok(slow !== null && !slow.ok && /took over 5 ms/.test(slow.message), JSON.stringify(slow));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("the change to paste and the quick fix write Ultralytics' recipe in its own terms: lrf, warmup_epochs, and warmup_bias_lr 0.0 for AdamW", () => {
  const line = 'yolo detect train model=yolov8n.pt data=coco.yaml optimizer=SGD lr0=0.02 epochs=50\n';
  const job = onlyJob([{ path: 'train.sh', text: line }], 'train.sh');
  const resolved = resolveModelSource(job, { readText: () => '' });
  assert.equal(resolved.status, 'resolved');
  if (resolved.status !== 'resolved') return;
  const result = recommend(advisorInputForJob(job, resolved.model.inventory, { gpuMemoryBytes: null, priority: 'quality' }));
  const adamw = result.recommendations.find((r) => r.optimizer === 'adamw')?.hyperparameters;
  assert.ok(adamw !== undefined);
  const paste = pasteChanges('adamw', adamw, pasteFormatOf(job), null, pasteOptionsOf(job))[0];
  assert.equal(paste?.format, 'ultralytics-cli');
  assert.equal(paste?.code.split('\n').at(-1), 'yolo train ... optimizer=AdamW lr0=1.19e-4 momentum=0.9 weight_decay=5.0e-4 lrf=0.01 warmup_epochs=3.0 warmup_bias_lr=0.0');
  assert.ok(paste?.code.includes('no higher than 0.01 for Adam'), paste?.code);
  const fix = optimizerFix({ path: 'train.sh', text: line, job, target: 'adamw', hyperparameters: adamw });
  assert.ok(isFix(fix), JSON.stringify(fix));
  const fixed = applyEdits(line, fix.edits);
  assert.equal(fixed, 'yolo detect train model=yolov8n.pt data=coco.yaml optimizer=AdamW momentum=0.9 weight_decay=5.0e-4 lrf=0.01 warmup_epochs=3.0 warmup_bias_lr=0.0 lr0=1.19e-4 epochs=50\n');
  // read back: the recipe's values are now the job's own
  const again = onlyJob([{ path: 'train.sh', text: fixed }], 'train.sh');
  assert.equal(again.ultralyticsJob?.lrf.at, 'train.sh:1');
  assert.equal(again.ultralyticsJob?.warmupBiasLr.value, 0);
  assert.equal(again.settings.learningRate, 0.000119);
});
