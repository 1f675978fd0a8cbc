/**
 * Ultralytics YOLO training arguments, as the `yolo` CLI (`yolo [detect] train key=value ...`, `yolo task=detect
 * mode=train ...`) and the Python API (`YOLO("yolov8n.pt").train(key=value, ...)`) take them: one reader for both.
 * What the arguments leave out takes Ultralytics' defaults (ultralytics/cfg/default.yaml), named as such; what depends on
 * the dataset (its classes, and `optimizer=auto`, which needs them and the run's length) is finished when the job is
 * joined (`finishUltralyticsJob`), with the dataset YAML the job names when it is in the workspace.
 *
 * The trainer's rules (ultralytics/engine/trainer.py, BaseTrainer, at the commit cited in TRAINER):
 *   - GPUs: `device` '0,1' or [0, 1] is two DDP processes; a single index one; 'cpu' / 'mps' none.
 *   - `batch` is the total over the GPUs: each process takes batch // world_size; batch < 1 is AutoBatch (single GPU:
 *     the largest batch that fits a share of the GPU's memory, measured at run time; several GPUs: batch 16).
 *   - gradients accumulate over accumulate = max(round(nbs / batch), 1) batches (nbs 64), and the weight decay is scaled
 *     by batch x accumulate / nbs.
 *   - `optimizer=auto`: iterations = ceil(train images / max(batch, nbs)) x epochs; more than 10,000 takes SGD with
 *     lr 0.01 and momentum 0.9, else AdamW with lr round(0.002 x 5 / (4 + nc), 6) and beta1 0.9 (lr0 and momentum
 *     ignored). SGD is always torch's SGD with nesterov=True; Adam-family optimizers take betas (momentum, 0.999).
 *   - `amp: True` trains under torch autocast (fp16) with a GradScaler; check_amp may turn it off on GPUs whose AMP
 *     results differ (not known here).
 */
import type { DetectionSchedule, DetectionValue } from '../advisor/types';
import { LIMITS } from '../models/limits';
import type { Citation, HyperValue } from '../types';
import { ContributionBuilder } from './contribution';
import type { Contribution, Detection, Link } from './detector';
import { folderOf, isAbsoluteLike, joinRelative } from './paths';
import type { DefaultedSetting, SettingSource, UltralyticsJob, UltralyticsTrainImages } from './results';
import type { Word } from './shell/words';
import type { FieldFinding, ModelRef, SourceRange } from './types';

export const ULTRALYTICS_DEFAULTS: Citation = {
  title: 'Ultralytics default.yaml',
  url: 'https://github.com/ultralytics/ultralytics/blob/8b40338ade349cabbc020fb7b5527c78ae8a84c6/ultralytics/cfg/default.yaml',
  locator: 'epochs: 100, batch: 16, imgsz: 640, device: (empty), optimizer: auto, amp: True, lr0: 0.01, momentum: 0.937, weight_decay: 0.0005, warmup_epochs: 3.0, nbs: 64',
};

export const ULTRALYTICS_TRAINER: Citation = {
  title: 'Ultralytics BaseTrainer (engine/trainer.py)',
  url: 'https://github.com/ultralytics/ultralytics/blob/3c5ac618ec954b0f238c8f4ae558dac6e7f9991b/ultralytics/engine/trainer.py',
  locator: 'train(): world_size from device; _setup_train(): batch_size // world_size, accumulate = max(round(nbs / batch_size), 1), weight_decay * batch_size * accumulate / nbs, iterations = ceil(len(dataset) / max(batch_size, nbs)) * epochs; build_optimizer(): auto -> SGD(lr 0.01, momentum 0.9) if iterations > 10000 else AdamW(lr round(0.002 * 5 / (4 + nc), 6), momentum 0.9); SGD nesterov=True; Adam family betas=(momentum, 0.999)',
};

/** How Ultralytics finds a detection dataset's training images (core/ultralytics-images.ts counts them the same way). */
export const ULTRALYTICS_DATASET_PATHS: Citation = {
  title: 'Ultralytics check_det_dataset (data/utils.py) and BaseDataset.get_img_files (data/base.py)',
  url: 'https://github.com/ultralytics/ultralytics/blob/36bac4534f975dd64db9a6f2e3825a95ebd6d492/ultralytics/data/utils.py',
  locator: 'check_det_dataset: root = data["path"] (relative: under DATASETS_DIR) or the YAML\'s folder; train = root / train, else without a leading "../"; IMG_FORMATS; data/base.py (a727f8bc41a47a61438ac23115fc4b6f02a8277e) get_img_files: glob "**/*.*" recursively, suffix in IMG_FORMATS, then the first round(n x fraction)',
};

/**
 * Ultralytics' bundled dataset YAMLs (ultralytics/cfg/datasets/*.yaml): classes and training images as each file states
 * them, and a pose dataset's `kpt_shape`.
 */
const BUILT_IN_DATASETS: Readonly<Record<string, { readonly nc: number; readonly trainImages: number; readonly kptShape?: readonly [number, number]; readonly source: Citation }>> = {
  'coco.yaml': {
    nc: 80, trainImages: 118287,
    source: { title: 'Ultralytics coco.yaml', url: 'https://github.com/ultralytics/ultralytics/blob/02c622712c32d1b19e7b99b7c5a67d260044411f/ultralytics/cfg/datasets/coco.yaml', locator: 'names 0..79; train: train2017.txt # 118287 images' },
  },
  'coco8.yaml': {
    nc: 80, trainImages: 4,
    source: { title: 'Ultralytics coco8.yaml', url: 'https://github.com/ultralytics/ultralytics/blob/002363f134378804ac4fa9eb0f7f6357ee3629c1/ultralytics/cfg/datasets/coco8.yaml', locator: 'names 0..79; train: images/train # 4 images' },
  },
  'coco128.yaml': {
    nc: 80, trainImages: 128,
    source: { title: 'Ultralytics coco128.yaml', url: 'https://github.com/ultralytics/ultralytics/blob/3a541a697db9786aab2da076957e315717277cfb/ultralytics/cfg/datasets/coco128.yaml', locator: 'names 0..79; train: images/train2017 # 128 images' },
  },
  'coco8-seg.yaml': {
    nc: 80, trainImages: 4,
    source: { title: 'Ultralytics coco8-seg.yaml', url: 'https://github.com/ultralytics/ultralytics/blob/2f219d901b45dcf11fa1b3f0e4ec9ad67c0c7fe4/ultralytics/cfg/datasets/coco8-seg.yaml', locator: 'names 0..79; train: images/train # 4 images' },
  },
  'coco8-pose.yaml': {
    nc: 1, trainImages: 4, kptShape: [17, 3],
    source: { title: 'Ultralytics coco8-pose.yaml', url: 'https://github.com/ultralytics/ultralytics/blob/05cd4a2cb7edfeb0d17332f42ba82625a5c66c2b/ultralytics/cfg/datasets/coco8-pose.yaml', locator: 'kpt_shape: [17, 3]; names 0: person; train: images/train # 4 images' },
  },
  'coco-pose.yaml': {
    nc: 1, trainImages: 56599, kptShape: [17, 3],
    source: { title: 'Ultralytics coco-pose.yaml', url: 'https://github.com/ultralytics/ultralytics/blob/0f3f439f92103cc69ddfc3fda900ffa75faa1c6f/ultralytics/cfg/datasets/coco-pose.yaml', locator: 'kpt_shape: [17, 3]; names 0: person; train: train2017.txt # 56599 images' },
  },
};

/** An argument as written: its key, its value (null: None / empty), where; `unknown` when the value is not known statically. */
export interface UltralyticsArg {
  readonly key: string;
  readonly value: string | number | boolean | null;
  readonly range: SourceRange;
  readonly unknown?: string;
}

/** What the job's join finishes: the dataset's classes and `optimizer=auto`. */
export interface UltralyticsPending {
  /** The `data` argument as written (a YAML path or a bundled dataset's name), or null when absent. */
  readonly data: { readonly value: string; readonly range: SourceRange } | null;
  /** The total batch, the epochs and nbs the run uses (for auto's iterations). */
  readonly batch: number;
  readonly epochs: number;
  readonly nbs: number;
  /** optimizer=auto (written or defaulted): the join picks SGD or AdamW. */
  readonly auto: boolean;
  /** Where the training call is (for notes). */
  readonly range: SourceRange;
  /** The call's arguments as written (read again over a `cfg=` file's values at the join), its model, its style. */
  readonly args: readonly UltralyticsArg[];
  readonly modelArg?: UltralyticsArg;
  /** 'cli': a `cfg=` replaces the arguments before it (the CLI's entrypoint); 'python': the call's keywords win over it. */
  readonly style: 'cli' | 'python';
  /** What the detection recipe reads of the call (README "Ultralytics YOLO"): each value written (`at` file:line) or default.yaml's. */
  readonly recipe: PendingRecipe;
}

/** The call's recipe values: the task (null: not known from the call alone) and the schedule values. */
export interface PendingRecipe extends DetectionSchedule {
  readonly task: { readonly value: string | null; readonly from: string; readonly at: SettingSource | null };
  readonly epochsAt: string | null;
  readonly fraction: DetectionValue<number>;
}

type Note = (message: string, range: SourceRange) => void;

/** Optimizers build_optimizer accepts (case-insensitive), with the catalog's PyTorch spelling. */
const OPTIMIZERS: Readonly<Record<string, string>> = {
  sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', nadam: 'NAdam', radam: 'RAdam', adamax: 'Adamax', rmsprop: 'RMSprop',
};

/**
 * A bundled model's name: yolov8n..x or yolo11n..x, for detection or with a `-seg`, `-pose` or `-cls` task suffix (the
 * names the YOLO family builds).
 */
const BUNDLED_MODEL = /^yolo(?:v8|11)[nslmx](?:-seg|-pose|-cls)?$/i;

/** The task a bundled model's name trains (Ultralytics' guess_model_task reads the same suffixes). */
function taskOf(architecture: string): 'detect' | 'segment' | 'pose' | 'classify' {
  return architecture.endsWith('-seg') ? 'segment' : architecture.endsWith('-pose') ? 'pose' : architecture.endsWith('-cls') ? 'classify' : 'detect';
}

/**
 * The architecture a `model` argument names: yolov8n..x or yolo11n..x (and their -seg / -pose / -cls) by file stem
 * (`models/yolov8m.pt`, `yolo11n-seg.yaml`, `yolo11s`).
 */
function architectureOf(model: string): string | null {
  const stem = model.slice(model.lastIndexOf('/') + 1).replace(/\.(pt|ya?ml)$/i, '');
  return BUNDLED_MODEL.test(stem) ? stem.toLowerCase() : null;
}

/** Reads the arguments of one training call into `out`; returns the model it trains and what the join finishes. */
export function readUltralyticsTrain(
  args: readonly UltralyticsArg[],
  callRange: SourceRange,
  out: ContributionBuilder,
  fields: FieldFinding[],
  links: Link[],
  note: Note,
  /** The model when the call names it outside the arguments (`YOLO("yolov8n.pt")`). */
  modelArg?: UltralyticsArg,
  style: 'cli' | 'python' = 'python',
): { ownModel: Extract<ModelRef, { kind: 'script-config' }> | null; pending: UltralyticsPending } {
  const byKey = new Map<string, UltralyticsArg>();
  for (const a of args) {
    if (a.unknown !== undefined) {
      note(`${a.key} is ${a.unknown}`, a.range);
      continue;
    }
    byKey.set(a.key, a);
  }
  const num = (key: string, test: (n: number) => boolean, what: string): { value: number; range: SourceRange } | null => {
    const a = byKey.get(key);
    if (a === undefined || a.value === null) return null;
    const v = typeof a.value === 'number' ? a.value : typeof a.value === 'string' && a.value.trim() !== '' ? Number(a.value) : NaN;
    if (!Number.isFinite(v) || !test(v)) {
      note(`${key}=${String(a.value)} is not ${what}; Ultralytics' default is used`, a.range);
      return null;
    }
    fields.push({ name: key, value: v, range: a.range });
    return { value: v, range: a.range };
  };
  const text = (key: string): { value: string; range: SourceRange } | null => {
    const a = byKey.get(key);
    if (a === undefined || a.value === null || typeof a.value === 'boolean') return null;
    fields.push({ name: key, value: String(a.value), range: a.range });
    return { value: String(a.value), range: a.range };
  };
  const isInt = (min: number) => (n: number) => Number.isInteger(n) && n >= min;
  const nonNegative = (n: number) => n >= 0;

  // GPUs: the processes `device` names.
  const device = byKey.get('device');
  let world = 1;
  if (device !== undefined && device.value !== null && String(device.value).trim() !== '') {
    const d = String(device.value).replace(/[[\]\s'"]/g, '');
    fields.push({ name: 'device', value: d, range: device.range });
    if (/^(cpu|mps)$/i.test(d)) {
      note(`device=${d} trains without a GPU; the estimate is for one GPU`, device.range);
    } else if (/^\d+(,\d+)*$/.test(d)) {
      world = d.split(',').length;
      out.set('gpus', world, device.range);
    } else note(`device=${d} is not a list of GPU indices; one GPU is assumed`, device.range);
  } else out.useDefault({ setting: 'gpus', key: 'device', value: 1, note: 'no device: one process on GPU 0 when CUDA is available (BaseTrainer.train)' }, ULTRALYTICS_TRAINER);

  // Batch: the total over the GPUs.
  const batchArg = byKey.get('batch');
  let batch = 16;
  const rawBatch = batchArg !== undefined && batchArg.value !== null ? Number(batchArg.value) : NaN;
  if (batchArg !== undefined && Number.isFinite(rawBatch) && (rawBatch < 1 || !Number.isInteger(rawBatch))) {
    fields.push({ name: 'batch', value: rawBatch, range: batchArg.range });
    const why = world > 1
      ? `batch=${rawBatch} (AutoBatch) is refused for several GPUs: Ultralytics trains with batch 16`
      : `batch=${rawBatch} is AutoBatch: Ultralytics measures at run time the largest batch that fits ${rawBatch > 0 && rawBatch < 1 ? `${rawBatch * 100}%` : '60%'} of the GPU's memory, which cannot be known here; batch 16 (default.yaml) is assumed`;
    note(why, batchArg.range);
  } else {
    const b = num('batch', isInt(1), 'a batch size');
    if (b !== null) batch = b.value;
  }
  const perGpu = Math.floor(batch / world);
  if (perGpu < 1) note(`batch=${batch} over ${world} GPUs leaves none per GPU`, batchArg?.range ?? callRange);
  if (batchArg !== undefined && byKey.has('batch') && Number.isInteger(rawBatch) && rawBatch >= 1) {
    out.set('perDeviceBatchSize', Math.max(perGpu, 1), batchArg.range);
    if (world > 1) note(`batch=${batch} is the total over ${world} GPUs: ${perGpu} per GPU`, batchArg.range);
  } else out.useDefault({ setting: 'perDeviceBatchSize', key: 'batch', value: Math.max(perGpu, 1), note: world > 1 ? `batch 16 over ${world} GPUs` : 'batch 16' }, ULTRALYTICS_DEFAULTS);

  const nbsArg = num('nbs', isInt(1), 'a nominal batch size');
  const nbs = nbsArg?.value ?? 64;
  const accumulate = Math.max(Math.round(nbs / batch), 1);
  out.useDefault({ setting: 'gradAccum', key: 'accumulate', value: accumulate, note: `accumulate = max(round(nbs ${nbs} / batch ${batch}), 1)` }, ULTRALYTICS_TRAINER);

  const epochs = num('epochs', isInt(1), 'a number of epochs');
  if (epochs !== null) out.set('epochs', epochs.value, epochs.range);
  else out.useDefault({ setting: 'epochs', key: 'epochs', value: 100 }, ULTRALYTICS_DEFAULTS);

  const imgsz = num('imgsz', (n) => isInt(1)(n) && n <= LIMITS.imageSize.max, `an image size of 1 to ${LIMITS.imageSize.max} pixels`);
  if (imgsz !== null) out.set('imageSize', imgsz.value, imgsz.range);
  else out.useDefault({ setting: 'imageSize', key: 'imgsz', value: 640 }, ULTRALYTICS_DEFAULTS);

  const amp = byKey.get('amp');
  if (amp !== undefined && amp.value !== null) {
    const on = amp.value === true || /^true$/i.test(String(amp.value));
    const off = amp.value === false || /^false$/i.test(String(amp.value));
    if (on || off) {
      fields.push({ name: 'amp', value: on, range: amp.range });
      out.set('precision', on ? 'fp16-mixed' : 'fp32', amp.range);
    } else note(`amp=${String(amp.value)} is not True or False; AMP (the default) is assumed`, amp.range);
  }
  if (out.settings.precision === undefined) out.useDefault({ setting: 'precision', key: 'amp', value: 'fp16-mixed', note: 'amp: True, torch autocast fp16 with a GradScaler (check_amp may turn it off on some GPUs)' }, ULTRALYTICS_DEFAULTS);

  const warmup = num('warmup_epochs', nonNegative, 'a number of epochs');
  if (warmup !== null) out.set('warmupEpochs', warmup.value, warmup.range);
  else out.useDefault({ setting: 'warmupEpochs', key: 'warmup_epochs', value: 3 }, ULTRALYTICS_DEFAULTS);
  // The recipe's other values (default.yaml: lrf 0.01, cos_lr False, warmup_momentum 0.8, warmup_bias_lr 0.1, fraction 1.0).
  const at = (range: SourceRange): string => `${out.source(range).path}:${range.line}`;
  const given = <T>(read: { value: T; range: SourceRange } | null, fallback: T): DetectionValue<T> => (read === null ? { value: fallback, at: null } : { value: read.value, at: at(read.range) });
  const lrf = num('lrf', nonNegative, 'a final learning-rate fraction');
  const warmupMomentum = num('warmup_momentum', (n) => n >= 0 && n < 1, 'a momentum in [0, 1)');
  const warmupBiasLr = num('warmup_bias_lr', nonNegative, 'a learning rate');
  const fraction = num('fraction', (n) => n > 0 && n <= 1, 'a fraction in (0, 1]');
  const cosArg = byKey.get('cos_lr');
  let cosLr: { value: boolean; range: SourceRange } | null = null;
  if (cosArg !== undefined && cosArg.value !== null) {
    const on = cosArg.value === true || /^true$/i.test(String(cosArg.value));
    const off = cosArg.value === false || /^false$/i.test(String(cosArg.value));
    if (on || off) {
      fields.push({ name: 'cos_lr', value: on, range: cosArg.range });
      cosLr = { value: on, range: cosArg.range };
    } else note(`cos_lr=${String(cosArg.value)} is not True or False; the linear schedule (the default) is assumed`, cosArg.range);
  }

  // The optimizer: written, or auto (finished at the join, which knows the dataset).
  const optimizer = text('optimizer');
  const lr0 = num('lr0', (n) => n > 0, 'a positive learning rate');
  const momentum = num('momentum', (n) => n >= 0 && n < 1, 'a momentum in [0, 1)');
  const wd = num('weight_decay', nonNegative, 'a weight decay');
  const decayScale = (batch * accumulate) / nbs;
  out.ultralytics = { style, decayScale };
  const decay = (wd?.value ?? 0.0005) * decayScale;
  const name = optimizer === null ? 'auto' : optimizer.value.toLowerCase();
  const auto = name === 'auto';
  if (!auto) {
    const spelling = OPTIMIZERS[name] ?? (optimizer as { value: string }).value;
    out.set('optimizer', spelling, (optimizer as { range: SourceRange }).range);
    out.optimizerEcosystem = 'pytorch';
    const beta1 = momentum?.value ?? 0.937;
    const params: Record<string, number | boolean | readonly number[]> =
      spelling === 'SGD' ? { momentum: beta1, nesterov: true }
      : spelling === 'RMSprop' ? { momentum: beta1 }
      : spelling in { Adam: 1, AdamW: 1, NAdam: 1, RAdam: 1, Adamax: 1 } ? { betas: [beta1, 0.999] }
      : {};
    out.settings.optimizerParams = params;
    if (momentum !== null) out.sources[spelling === 'SGD' || spelling === 'RMSprop' ? 'optimizerParams.momentum' : 'optimizerParams.betas'] = out.source(momentum.range);
    if (lr0 !== null) out.set('learningRate', lr0.value, lr0.range);
    else out.useDefault({ setting: 'learningRate', key: 'lr0', value: 0.01 }, ULTRALYTICS_DEFAULTS);
  } else {
    for (const ignored of [lr0, momentum]) {
      if (ignored !== null) note(`optimizer=auto ignores ${ignored === lr0 ? 'lr0' : 'momentum'} (build_optimizer picks its own)`, ignored.range);
    }
  }
  if (wd !== null && decayScale === 1) out.set('weightDecay', wd.value, wd.range);
  else if (wd !== null) {
    out.set('weightDecay', decay, wd.range);
    note(`weight_decay=${wd.value} is scaled by batch x accumulate / nbs = ${batch} x ${accumulate} / ${nbs}: ${decay}`, wd.range);
  } else out.useDefault({ setting: 'weightDecay', key: 'weight_decay', value: decay, note: decayScale === 1 ? undefined : `0.0005 scaled by batch x accumulate / nbs = ${batch} x ${accumulate} / ${nbs}` }, ULTRALYTICS_DEFAULTS);

  for (const key of ['freeze', 'rect', 'multi_scale', 'cache']) {
    const a = byKey.get(key);
    if (a !== undefined && a.value !== null && a.value !== false && a.value !== 0 && !/^(false|0|0\.0)$/i.test(String(a.value))) {
      out.notModelled.push(`${out.path}:${a.range.line}: ${key}=${String(a.value)}: ${NOT_MODELLED[key]}`);
    }
  }

  const task = byKey.get('task');
  if (task !== undefined && !['detect', 'segment', 'pose', 'classify'].includes(String(task.value))) note(`task=${String(task.value)}: only detection, segmentation, pose and classification models are built`, task.range);

  // The model: a YOLOv8 / YOLO11 checkpoint or definition by name.
  const model = modelArg ?? byKey.get('model');
  let ownModel: Extract<ModelRef, { kind: 'script-config' }> | null = null;
  if (model === undefined || model.value === null) note('no model is named (model=...)', callRange);
  else {
    const value = String(model.value);
    const arch = architectureOf(value);
    fields.push({ name: 'model', value, range: model.range });
    // a .pt checkpoint is loaded (pretrained weights); a .yaml definition starts from random weights
    if (/\.pt$/i.test(value)) out.set('pretraining', false, model.range);
    else if (/\.ya?ml$/i.test(value)) out.set('pretraining', true, model.range);
    // a definition file of the workspace joins the job; a bundled name (`yolov8n.yaml`, `yolo11n-seg.yaml`) is Ultralytics' own file
    if (/\.ya?ml$/i.test(value) && !/^yolo(?:v8|11)[nslmx]?(?:-seg|-pose|-cls)?\.ya?ml$/i.test(value)) links.push({ kind: 'config', key: 'model', value, range: model.range });
    if (arch === null && /\.ya?ml$/i.test(value)) {
      // a definition of the workspace's own: built at the join when the file joined the job (else a note there)
    } else if (arch === null) note(`model=${value} is not a YOLOv8 or YOLO11 model this reader builds (yolov8n/s/m/l/x, yolo11n/s/m/l/x, with -seg, -pose or -cls, .pt or .yaml)`, model.range);
    else {
      const modelTask = taskOf(arch);
      if (task !== undefined && typeof task.value === 'string' && task.value !== modelTask && ['detect', 'segment', 'pose', 'classify'].includes(task.value)) {
        note(`task=${task.value} but model=${value} is a ${modelTask} model: the model named is built`, task.range);
      }
      ownModel = {
        kind: 'script-config', name: arch, path: out.path, range: model.range,
        config: { architecture: arch, nc: 80, ...(imgsz !== null ? { image_size: imgsz.value } : {}) },
      };
    }
  }
  // The task: written, else the model's (a YOLO detection model by name), else not known from the call alone.
  const taskArg = byKey.get('task');
  const taskValue = typeof taskArg?.value === 'string' ? taskArg.value : null;
  const modelText = model === undefined || model.value === null ? null : String(model.value);
  const modelAt = model === undefined || model.value === null ? null : out.source(model.range);
  const taskOfCall: PendingRecipe['task'] = taskArg !== undefined && taskValue !== null
    ? { value: taskValue, from: `task=${taskValue} at ${at(taskArg.range)}`, at: out.source(taskArg.range) }
    : ownModel !== null && model !== undefined
      ? { value: 'detect', from: `the model ${modelText ?? ''} (${at(model.range)}) is a YOLO detection model`, at: modelAt }
      : { value: null, from: modelText === null ? 'no model is named, so the task is not known' : `the task follows the model ${modelText}, which is not a detection model this reader recognises`, at: modelAt };
  // where the recipe's schedule values are written (the quick fix rewrites them there, fixes/ultralytics.ts)
  for (const [key, read] of [['ultralytics.lrf', lrf], ['ultralytics.cos_lr', cosLr], ['ultralytics.warmup_bias_lr', warmupBiasLr]] as const) {
    if (read !== null) out.sources[key] = out.source(read.range);
  }
  const recipe: PendingRecipe = {
    task: taskOfCall,
    epochsAt: epochs === null ? null : at(epochs.range),
    decayScale,
    decayScaleFrom: `batch x accumulate / nbs = ${batch} x ${accumulate} / ${nbs}`,
    fraction: given(fraction, 1),
    lrf: given(lrf, 0.01),
    cosLr: given(cosLr, false),
    warmupEpochs: given(warmup, 3),
    warmupMomentum: given(warmupMomentum, 0.8),
    warmupBiasLr: given(warmupBiasLr, 0.1),
  };
  const data = text('data');
  // a bundled dataset's bare name is Ultralytics' own file, not the workspace's
  if (data !== null && /\.ya?ml$/i.test(data.value) && !(data.value.toLowerCase() in BUILT_IN_DATASETS)) links.push({ kind: 'config', key: 'data', value: data.value, range: data.range });
  const cfg = text('cfg');
  if (cfg !== null) links.push({ kind: 'config', key: 'cfg', value: cfg.value, range: cfg.range });
  return { ownModel, pending: { data, batch, epochs: epochs?.value ?? 100, nbs, auto, range: callRange, args, ...(modelArg !== undefined ? { modelArg } : {}), style, recipe } };
}

const NOT_MODELLED: Readonly<Record<string, string>> = {
  freeze: 'the frozen layers keep no gradients or optimizer states, which the estimate does not subtract',
  rect: 'rectangular batches change the image shapes, which the activation estimate takes as square',
  multi_scale: 'the image size varies per batch, which the activation estimate takes as fixed',
  cache: 'the images are cached in RAM or on disk, outside GPU memory',
};

/** The dataset's classes as the job knows them: its YAML in the workspace, a bundled dataset, or an assumption. */
export interface DatasetClasses {
  readonly nc: number;
  /** Where it is read, else why it is assumed. */
  readonly source: { readonly path: string; readonly range: SourceRange } | { readonly assumption: string };
  /** Training images when the bundled dataset's YAML states them. */
  readonly trainImages?: { readonly value: number; readonly source: Citation };
}

/** The classes of a dataset that is not a workspace file: a bundled dataset's, else 80 (COCO's) as an assumption. */
export function datasetByName(data: string | null): DatasetClasses {
  if (data === null) return { nc: 80, source: { assumption: 'the dataset is not known (no data=, or one this reader cannot resolve); 80 classes (COCO) are assumed' } };
  const base = data.slice(data.lastIndexOf('/') + 1).toLowerCase();
  const known = BUILT_IN_DATASETS[base];
  if (known !== undefined) {
    return { nc: known.nc, source: { assumption: `data=${data} is Ultralytics' bundled dataset: ${known.nc} class${known.nc === 1 ? '' : 'es'} (${known.source.title}, ${known.source.url})` }, trainImages: { value: known.trainImages, source: known.source } };
  }
  return { nc: 80, source: { assumption: `no readable dataset YAML data=${data} joined the job (it is not in the workspace, or its finding says why it could not be read): its classes are unknown, 80 (COCO) are assumed` } };
}

/**
 * `optimizer=auto` as build_optimizer resolves it, given the classes and, when known, the training images. Returns the
 * optimizer, its lr and momentum, and the reason (with the threshold of images when they are not known).
 */
export function resolveAutoOptimizer(p: Pick<UltralyticsPending, 'batch' | 'nbs' | 'epochs'>, nc: number, trainImages: number | undefined): { optimizer: 'SGD' | 'AdamW'; lr: number; momentum: number; why: string } {
  const perIteration = Math.max(p.batch, p.nbs);
  const lrFit = Math.round((0.002 * 5 / (4 + nc)) * 1e6) / 1e6;
  const threshold = Math.floor(10000 / p.epochs) * perIteration;
  if (trainImages !== undefined) {
    const iterations = Math.ceil(trainImages / perIteration) * p.epochs;
    const sgd = iterations > 10000;
    return {
      optimizer: sgd ? 'SGD' : 'AdamW', lr: sgd ? 0.01 : lrFit, momentum: 0.9,
      why: `optimizer=auto: ${iterations} iterations (ceil(${trainImages} images / ${perIteration}) x ${p.epochs} epochs) ${sgd ? '> 10000: SGD, lr 0.01' : `<= 10000: AdamW, lr round(0.01 / (4 + ${nc}), 6) = ${lrFit}`}, momentum 0.9`,
    };
  }
  return {
    optimizer: 'AdamW', lr: lrFit, momentum: 0.9,
    why: `optimizer=auto: the training images are not counted; Ultralytics takes SGD (lr 0.01) above ${threshold} images (10000 iterations at ${p.epochs} epochs of ${perIteration}-image iterations) and AdamW at or below; AdamW with lr round(0.01 / (4 + ${nc}), 6) = ${lrFit}, beta1 0.9, is assumed`,
  };
}

/** Whether a job member's path is the file a call names (relative to wherever the call runs from). */
function sameFile(path: string, named: string): boolean {
  const tail = named.replace(/^(\.\/)+/, '');
  return tail !== '' && (path === tail || path.endsWith(`/${tail}`));
}

/** A member file of a job, as the join holds it. */
interface JobMember {
  readonly path: string;
  readonly detection: Detection;
}

/**
 * Finishes a job with an Ultralytics training call: the Detect head's classes from the dataset YAML that joined the job
 * (its `data=` link), a bundled dataset's, or an assumption; and `optimizer=auto` resolved as build_optimizer does.
 * Returns the model with its classes, the training member with the auto optimizer's defaults, and the job's notes;
 * null when no member is an Ultralytics training call.
 */
export function finishUltralyticsJob(
  members: readonly JobMember[],
  modelIn: ModelRef | null,
): { model: ModelRef | null; member: { index: number; detection: Detection } | null; notes: string[]; job: UltralyticsJob } | null {
  const index = members.findIndex((m) => m.detection.ultralytics !== undefined);
  if (index < 0) return null;
  let model = modelIn;
  let training = members[index] as JobMember;
  let pending = training.detection.ultralytics as UltralyticsPending;
  const notes: string[] = [];
  let changed = false;
  // only the file the call names with cfg= (a cfg YAML that joined by its folder is not read over the call)
  const cfgName = pending.args.find((a) => a.key === 'cfg' && typeof a.value === 'string')?.value as string | undefined;
  const cfgFile = cfgName === undefined ? undefined : members.find((m) => m.detection.ultralyticsCfg !== undefined && sameFile(m.path, cfgName));
  if (cfgName !== undefined && cfgFile === undefined) notes.push(`cfg=${cfgName}: no readable Ultralytics cfg YAML of that name joined the job; its values are not read (default.yaml's are assumed)`);
  if (cfgFile !== undefined) {
    const again = withCfgFile(training, pending, cfgFile);
    training = again.member;
    pending = again.pending;
    changed = true;
    if (again.ownModel !== null && (model === null || (model.kind === 'script-config' && model.path === training.path))) model = again.ownModel;
  }
  const dataFile = pending.data === null ? undefined : members.find((m) => m.detection.datasetClasses !== undefined && sameFile(m.path, pending.data?.value ?? ''));
  const anyData = dataFile ?? members.find((m) => m.detection.datasetClasses !== undefined);
  const classes: DatasetClasses = anyData?.detection.datasetClasses !== undefined
    ? { nc: anyData.detection.datasetClasses.nc, source: { path: anyData.path, range: anyData.detection.datasetClasses.range } }
    : datasetByName(pending.data?.value ?? null);
  if ('assumption' in classes.source) notes.push(`classes ${classes.nc}: ${classes.source.assumption}`);
  const modelValue = pending.modelArg?.value ?? pending.args.find((a) => a.key === 'model')?.value;
  const modelName = typeof modelValue === 'string' ? modelValue : null;
  const definition = modelName === null ? undefined : members.find((m) => m.detection.ultralyticsModel !== undefined && sameFile(m.path, modelName));
  if (definition !== undefined && modelName !== null) {
    const stem = modelName.slice(modelName.lastIndexOf('/') + 1).replace(/\.ya?ml$/i, '').toLowerCase();
    const range = (pending.modelArg ?? pending.args.find((a) => a.key === 'model'))?.range ?? pending.range;
    model = {
      kind: 'script-config', name: stem, path: training.path, range,
      config: { ...definition.detection.ultralyticsModel, architecture: BUNDLED_MODEL.test(stem) ? stem : 'yolov8', yaml_file: definition.path },
    };
  } else if (modelName !== null && /\.ya?ml$/i.test(modelName) && model === null) {
    notes.push(`model=${modelName}: no Ultralytics model definition of that name joined the job, and it is not a YOLOv8 or YOLO11 model this reader builds (yolov8n/s/m/l/x, yolo11n/s/m/l/x, with -seg, -pose or -cls)`);
  }
  let outModel = model;
  if (model?.kind === 'script-config' && typeof model.config['architecture'] === 'string' && /^yolo(?:v8|11)/.test(model.config['architecture'])) {
    const imgsz = training.detection.contribution.settings.imageSize;
    outModel = { ...model, config: { ...model.config, nc: classes.nc, ...(typeof imgsz === 'number' ? { image_size: imgsz } : {}) } };
    const arch = model.config['architecture'];
    const bundled = BUILT_IN_DATASETS[(pending.data?.value ?? '').slice((pending.data?.value ?? '').lastIndexOf('/') + 1).toLowerCase()];
    if (arch.endsWith('-pose') && model.config['backbone'] === undefined && !(anyData === undefined && bundled?.kptShape?.join() === '17,3')) notes.push(`${arch}: 17 keypoints x 3 (the pose definition's kpt_shape) are assumed; Ultralytics takes the dataset YAML's kpt_shape, which is not read`);
    if (arch.endsWith('-cls') && 'assumption' in classes.source && bundled === undefined) notes.push(`${arch}: a classification dataset's classes are its class folders, which are not counted; ${classes.nc} are assumed`);
  }
  // a workspace model definition names no task of its own here: it is built as a Detect model (families/yolo.ts)
  const task = pending.recipe.task.value === null && definition !== undefined
    ? { value: 'detect', from: `the model definition ${definition.path} is built as a YOLO Detect model`, at: pending.recipe.task.at }
    : pending.recipe.task;
  const job: UltralyticsJob = {
    task: task.value ?? 'unknown',
    taskFrom: task.from,
    taskAt: task.at,
    classes: 'assumption' in classes.source ? { value: classes.nc, at: null } : { value: classes.nc, at: `${classes.source.path}:${classes.source.range.line}` },
    batch: pending.batch,
    nbs: pending.nbs,
    decayScale: pending.recipe.decayScale,
    decayScaleFrom: pending.recipe.decayScaleFrom,
    epochs: { value: pending.epochs, at: pending.recipe.epochsAt },
    auto: pending.auto,
    fraction: pending.recipe.fraction,
    lrf: pending.recipe.lrf,
    cosLr: pending.recipe.cosLr,
    warmupEpochs: pending.recipe.warmupEpochs,
    warmupMomentum: pending.recipe.warmupMomentum,
    warmupBiasLr: pending.recipe.warmupBiasLr,
    trainImages: trainImagesOf(pending, dataFile, classes),
  };
  if (!pending.auto) return { model: outModel, member: changed ? { index, detection: training.detection } : null, notes, job };
  const auto = resolveAutoOptimizer(pending, classes.nc, classes.trainImages?.value);
  const c = training.detection.contribution;
  const defaults: DefaultedSetting[] = [
    ...c.defaults,
    { setting: 'optimizer', key: 'optimizer', value: auto.optimizer, note: auto.why, source: ULTRALYTICS_TRAINER },
    { setting: 'learningRate', key: 'lr0', value: auto.lr, note: 'optimizer=auto sets it', source: ULTRALYTICS_TRAINER },
  ];
  const params: Readonly<Record<string, HyperValue>> = auto.optimizer === 'SGD' ? { momentum: auto.momentum, nesterov: true } : { betas: [auto.momentum, 0.999] };
  const contribution: Contribution = {
    ...c,
    settings: { ...c.settings, optimizerParams: params },
    defaults,
    defaultSettings: { ...c.defaultSettings, optimizer: auto.optimizer, learningRate: auto.lr },
    optimizerEcosystem: 'pytorch',
  };
  return { model: outModel, member: { index, detection: { ...training.detection, contribution } }, notes, job };
}

/**
 * Where the job's training images are, as check_det_dataset resolves a dataset YAML's `train` (ultralytics/data/utils.py
 * at the commit cited in ULTRALYTICS_DATASET_PATHS): below the dataset root `path` when written — a relative one is taken
 * under Ultralytics' `datasets_dir` setting, which is not known here — else below the YAML's folder, and a path starting
 * `../` that does not exist is tried without it. A `.txt` list of images, an absolute path, a path leaving the workspace
 * and a dataset that is not a workspace file stay unknown (a bundled dataset's count is the one its YAML states).
 */
function trainImagesOf(pending: UltralyticsPending, dataFile: JobMember | undefined, classes: DatasetClasses): UltralyticsTrainImages {
  const data = pending.data?.value ?? null;
  const stated = dataFile?.detection.datasetClasses;
  if (dataFile === undefined || stated === undefined) {
    if (classes.trainImages !== undefined) return { kind: 'stated', value: classes.trainImages.value, from: `data=${data ?? ''} is Ultralytics' bundled dataset, downloaded at run time: ${classes.trainImages.value} training images as ${classes.trainImages.source.title} states (${classes.trainImages.source.url}), assumed` };
    if (data === null) return { kind: 'unknown', why: 'no data= names the dataset' };
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(data) || /\.(zip|tar|tar\.gz|tgz)$/i.test(data)) return { kind: 'unknown', why: `data=${data} is a download, whose images are not counted` };
    return { kind: 'unknown', why: `no dataset YAML data=${data} in the workspace joined the job` };
  }
  if (stated.train === undefined) return { kind: 'unknown', why: `${dataFile.path} states no train: path of images` };
  const trainAt = `${dataFile.path}:${stated.train.range.line}`;
  const root = stated.root ?? null;
  if (root !== null) {
    const where = `${dataFile.path}:${root.range.line}`;
    if (isAbsoluteLike(root.value)) return { kind: 'unknown', why: `the dataset root path: ${root.value} (${where}) is an absolute path, which is not read (only workspace folders are counted)` };
    return { kind: 'unknown', why: `the dataset root path: ${root.value} (${where}) is taken under Ultralytics' datasets_dir setting (check_det_dataset), which is not known here` };
  }
  const base = folderOf(dataFile.path);
  const folders: string[][] = [];
  for (const p of stated.train.paths) {
    if (isAbsoluteLike(p)) return { kind: 'unknown', why: `train: ${p} (${trainAt}) is an absolute path, which is not read (only workspace folders are counted)` };
    if (/\.txt$/i.test(p)) return { kind: 'unknown', why: `train: ${p} (${trainAt}) is a list file of images, which is not counted` };
    const candidates = [joinRelative(base, p), p.startsWith('../') ? joinRelative(base, p.slice(3)) : null].filter((c): c is string => c !== null);
    if (candidates.length === 0) return { kind: 'unknown', why: `train: ${p} (${trainAt}) leaves the workspace, which is not read` };
    folders.push(candidates);
  }
  return { kind: 'folders', folders, named: trainAt };
}

/**
 * A contribution whose settings come from several files: each range maps to the file it is written in (the call's
 * arguments and a `cfg=` file's values read together).
 */
class MultiFileContribution extends ContributionBuilder {
  constructor(path: string, private readonly pathOf: ReadonlyMap<SourceRange, string>) {
    super(path);
  }

  override source(range: SourceRange): SettingSource {
    return { path: this.pathOf.get(range) ?? this.path, range };
  }
}

/**
 * The call read again over the `cfg=` file's values, as Ultralytics merges them: the CLI's `cfg=` replaces the arguments
 * before it (ultralytics/cfg/__init__.py entrypoint: `overrides = {…cfg file…}`), Model.train's keywords win over the
 * file (`args = {**overrides, **custom, **kwargs}`). Each value keeps its file.
 */
function withCfgFile(training: JobMember, pending: UltralyticsPending, cfgFile: JobMember): { member: JobMember; pending: UltralyticsPending; ownModel: Extract<ModelRef, { kind: 'script-config' }> | null } {
  const cfgArgs = cfgFile.detection.ultralyticsCfg ?? [];
  const pathOf = new Map<SourceRange, string>();
  for (const a of cfgArgs) pathOf.set(a.range, cfgFile.path);
  const notes: string[] = [];
  const note = (message: string, range: SourceRange) => {
    notes.push(`${pathOf.get(range) ?? training.path}:${range.line}:${range.column}: ${message}`);
  };
  let callArgs = pending.args.filter((a) => a.key !== 'cfg');
  if (pending.style === 'cli') {
    const at = pending.args.findIndex((a) => a.key === 'cfg');
    for (const dropped of pending.args.slice(0, Math.max(at, 0))) note(`${dropped.key} is replaced by the cfg= file after it (the yolo CLI starts again from that file)`, dropped.range);
    callArgs = pending.args.slice(at + 1);
  }
  const fromCall = new Set(callArgs.map((a) => a.key));
  const merged = [...cfgArgs.filter((a) => !fromCall.has(a.key) && a.key !== 'cfg'), ...callArgs];
  const out = new MultiFileContribution(training.path, pathOf);
  const read = readUltralyticsTrain(merged, pending.range, out, [], [], note, pending.modelArg, pending.style);
  out.notes.push(...notes);
  const contribution = out.build();
  return {
    member: { path: training.path, detection: { ...training.detection, contribution, ultralytics: read.pending } },
    pending: read.pending,
    ownModel: read.ownModel,
  };
}

/**
 * The `key=value` words of a `yolo` command as Ultralytics' CLI types them (cfg/__init__.py smart_value: none, true /
 * false, numbers; anything else a string); `mode=` is the command, not an argument. A word the reader cannot know (an
 * unset variable, a Jupyter `{expression}`) is an unknown argument, said where it is written.
 */
export function yoloArgsOfWords(words: readonly Word[], rangeOf: (w: Word) => SourceRange): UltralyticsArg[] {
  const args: UltralyticsArg[] = [];
  for (const w of words) {
    const raw = w.text ?? w.raw;
    const eq = raw.indexOf('=');
    const key = raw.slice(0, eq);
    const range = rangeOf(w);
    if (w.text === null) {
      args.push({ key, value: null, range, unknown: w.unknown ?? `${w.raw}, not known statically` });
      continue;
    }
    const text = w.text.slice(eq + 1);
    if (key === 'mode') continue;
    if (/\{[^}]*\}/.test(text)) {
      args.push({ key, value: null, range, unknown: `${text}, a Jupyter {expression} known only when the cell runs` });
      continue;
    }
    const value = /^none$/i.test(text) ? null
      : /^(true|false)$/i.test(text) ? /^true$/i.test(text)
      : /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text)
      : text;
    args.push({ key, value, range });
  }
  return args;
}
