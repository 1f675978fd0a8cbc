/**
 * OpenMMLab / MMEngine Python configs (mmpretrain, mmdetection, mmsegmentation `configs/**.py`): a module whose top
 * level assigns `_base_ = [...]` or an `optim_wrapper = dict(...)`. Each file is read by the restricted literal reader
 * (../python/literal-config.ts, nothing executed) and, in the join, composed with its `_base_` files as
 * `mmengine.Config.fromfile` composes them (../mmengine-compose.ts); read on its own, a file's bases are not known yet.
 * Auxiliary: it joins the job of the launch that passes it (`tools/dist_train.sh configs/x.py 8`).
 *
 * What is read (MMEngine's Runner, mmengine/runner/runner.py, and its optimizer wrappers, mmengine/optim/optimizer/):
 * - `optim_wrapper.optimizer`: `type` a torch.optim class (MMEngine's OPTIMIZERS registry holds them by their class
 *   names, mmengine/optim/optimizer/builder.py `register_torch_optimizers`) or mmpretrain's `Lamb` (timm's), `lr`,
 *   `weight_decay` and the rest of its arguments (momentum, betas, eps, ...);
 * - `optim_wrapper.type`: `AmpOptimWrapper` is mixed precision (its `dtype`, default None: torch.autocast's float16 on
 *   CUDA; 'bfloat16' is bf16), `OptimWrapper` fp32; unwritten, the Runner's OptimWrapper (fp32), an assumption;
 * - `optim_wrapper.accumulative_counts`: gradient accumulation (default 1, an assumption);
 * - `train_dataloader.batch_size`: the batch of each process (GPU); the GPU count comes from the launch;
 * - the image size: `RandomResizedCrop`'s `scale` (mmpretrain's output size) or `size` in the training pipeline
 *   (`train_dataloader.dataset.pipeline`, through dataset wrappers);
 * - `train_cfg`: the run's length. `EpochBasedTrainLoop` (or `by_epoch=True`) trains `max_epochs` epochs;
 *   `IterBasedTrainLoop` (or `by_epoch=False`) `max_iters` iterations, ⌈max_iters ÷ accumulative_counts⌉ optimizer steps
 *   (the OptimWrapper steps every accumulative_counts iterations and at the run's last); the accumulation spans epochs
 *   (its count runs over the whole run's iterations, Runner passes max_iters), so an epoch-based run's steps are counted
 *   over the run, not per epoch. mmpretrain's `ImageNet` dataset with `split='train'` and no annotation file or prefix of
 *   its own is assumed to hold ILSVRC-2012's 1,281,167 training images (the count mmpretrain's ImageNet docstring shows);
 *   any other dataset's size is not in the files, and the run's length says so;
 * - `param_scheduler`: a `LinearLR` starting at 0 is the warmup, to its `end` in epochs (`by_epoch` defaults to True)
 *   or iterations; none: no warmup, an assumption;
 * - `model`: an mmpretrain `ImageClassifier` whose backbone is `ResNet` (depth 18/34/50/101/152) or `ResNeXt` (depth 50,
 *   32 groups of width 4), with the default stem (no `deep_stem`, `avg_down`), a `GlobalAveragePooling` neck and a
 *   `LinearClsHead` is torchvision's network of that shape with `num_classes` outputs (the same layers:
 *   mmpretrain/models/backbones/resnet.py `arch_settings`); any other model is a warning and no model.
 */
import type { ObjectNode, ParseWarning, ParsedNode } from '../../parse/node';
import type { Citation, Precision } from '../../types';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, ParsedFile } from '../detector';
import { FieldReader } from '../fields';
import { MMENGINE_BASE_ASSIGNMENT, MMENGINE_MAX_FILE_CHARS } from '../mmengine-compose';
import { keepOptimizerParams, readOptimizerArguments } from '../optimizer-arguments';
import { readLiteralModule } from '../python/literal-config';
import type { ModelRef, ScanFile, SourceRange } from '../types';

const OPTIM_WRAPPER_SOURCE: Citation = {
  title: 'MMEngine OptimWrapper',
  url: 'https://github.com/open-mmlab/mmengine/blob/254342938d9bde1775c39ea7d5181c5d294026c4/mmengine/optim/optimizer/optimizer_wrapper.py',
  locator: "OptimWrapper(optimizer, accumulative_counts=1, clip_grad=None) trains in the model's fp32; AmpOptimWrapper(dtype=None) wraps the step in torch.autocast (float16 on CUDA by default); the default type is 'OptimWrapper' (DefaultOptimWrapperConstructor, default_constructor.py: optim_wrapper_cfg.setdefault('type', 'OptimWrapper'))",
};
const SCHEDULER_SOURCE: Citation = {
  title: 'MMEngine LinearLR',
  url: 'https://github.com/open-mmlab/mmengine/blob/254342938d9bde1775c39ea7d5181c5d294026c4/mmengine/optim/scheduler/lr_scheduler.py',
  locator: 'LinearLR(start_factor, end_factor=1.0, begin=0, end=INF, by_epoch=True): a warmup is a LinearLR before the main schedule',
};
const TRAIN_LOOP_SOURCE: Citation = {
  title: 'MMEngine training loops',
  url: 'https://github.com/open-mmlab/mmengine/blob/254342938d9bde1775c39ea7d5181c5d294026c4/mmengine/runner/loops.py',
  locator: "EpochBasedTrainLoop(max_epochs): max_iters = max_epochs * len(dataloader); IterBasedTrainLoop(max_iters); Runner.build_train_loop: by_epoch=True -> EpochBasedTrainLoop, False -> IterBasedTrainLoop, 'type' and 'by_epoch' not both; OptimWrapper.should_update: inner_count % accumulative_counts == 0 or inner_count == max_counts (= train_loop.max_iters, optimizer_wrapper.py)",
};
const IMAGENET_SOURCE: Citation = {
  title: 'mmpretrain ImageNet',
  url: 'https://github.com/open-mmlab/mmpretrain/blob/ee7f2e88501f61aa95c742dd5f429f039935ee90/mmpretrain/datasets/imagenet.py',
  locator: "ImageNet(data_root='data/imagenet', split='train'): Number of samples: 1281167 (the class docstring's example)",
};
/** ILSVRC-2012's training images, as IMAGENET_SOURCE counts its train split. */
const IMAGENET_TRAIN_IMAGES = 1281167;
const RESNET_SOURCE: Citation = {
  title: 'mmpretrain ResNet',
  url: 'https://github.com/open-mmlab/mmpretrain/blob/df9eaeedf1f4a7aa39473dfee3e588bf8106c76e/mmpretrain/models/backbones/resnet.py',
  locator: 'ResNet.arch_settings = {18: (BasicBlock, (2, 2, 2, 2)), 34: (BasicBlock, (3, 4, 6, 3)), 50: (Bottleneck, (3, 4, 6, 3)), 101: (Bottleneck, (3, 4, 23, 3)), 152: (Bottleneck, (3, 8, 36, 3))}; stem_channels=64, base_channels=64, deep_stem=False, avg_down=False',
};

/** torch.optim's classes, which MMEngine's OPTIMIZERS registry holds under their own names. */
const TORCH_OPTIMIZERS = new Set(['SGD', 'Adam', 'AdamW', 'Adamax', 'Adagrad', 'Adadelta', 'RMSprop', 'Rprop', 'ASGD', 'NAdam', 'RAdam', 'SparseAdam', 'LBFGS']);
/**
 * Optimizers mmpretrain registers itself, as the catalog spells the same implementation: its `Lamb`
 * (mmpretrain/engine/optimizers/lamb.py @ ee7f2e88, "Modifications Copyright 2021 Ross Wightman") is timm's Lamb.
 */
const MMPRETRAIN_OPTIMIZERS: Readonly<Record<string, { readonly spelling: string; readonly ecosystem: 'timm' }>> = {
  Lamb: { spelling: 'timm.optim.Lamb', ecosystem: 'timm' },
};
const AMP_DTYPES: Readonly<Record<string, Precision>> = { float16: 'fp16-mixed', fp16: 'fp16-mixed', bfloat16: 'bf16-mixed', bf16: 'bf16-mixed' };
const RESNET_DEPTHS: Readonly<Record<number, { arch: string; features: number }>> = {
  18: { arch: 'resnet18', features: 512 },
  34: { arch: 'resnet34', features: 512 },
  50: { arch: 'resnet50', features: 2048 },
  101: { arch: 'resnet101', features: 2048 },
  152: { arch: 'resnet152', features: 2048 },
};
/** Dataset wrappers followed to the dataset that holds the pipeline (RepeatDataset, ClassBalancedDataset, ...). */
const MAX_DATASET_WRAPPERS = 4;

/** The text test: a `_base_` list or an `optim_wrapper = dict(...)` at the top level of a `.py` file. */
function looksLikeMmengine(text: string): boolean {
  return MMENGINE_BASE_ASSIGNMENT.test(text) || /^optim_wrapper[ \t]*=[ \t]*dict\(/m.test(text);
}

export const mmengineConfigDetector: Detector = {
  kind: 'mmengine-config',
  syntaxes: ['text'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return file.path.toLowerCase().endsWith('.py') && looksLikeMmengine(file.text);
  },

  matches(file: ScanFile, _parsed: ParsedFile): boolean {
    return looksLikeMmengine(file.text);
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const out = new ContributionBuilder(file.path);
    const warnings: ParseWarning[] = [];
    let root: ObjectNode;
    if (parsed.root?.kind === 'object') root = parsed.root;
    else {
      // Read on its own (the join composes it with its bases), within the size the composition reads.
      if (file.text.length > MMENGINE_MAX_FILE_CHARS) {
        out.notes.push(`${file.path}:1:1: an MMEngine config of ${file.text.length} characters, and MMEngine configs are read up to ${MMENGINE_MAX_FILE_CHARS}: its values are not known`);
        return { fields: [], error: null, warnings: [], role: 'auxiliary', contribution: out.build(), links: [] };
      }
      const module = readLiteralModule(file.text);
      if (module.error !== null) {
        return { fields: [], error: { message: module.error.message, line: module.error.line, column: module.error.column }, warnings: [], role: 'auxiliary', contribution: out.build(), links: [] };
      }
      root = module.root;
      for (const u of module.unread) out.notes.push(`${file.path}:${u.line}:${u.column}: ${u.message}`);
      if (module.base !== null) out.notes.push(`${file.path}:${module.base.range.line}:${module.base.range.column}: the _base_ files are composed with the other files of the workspace; read alone, their values are not known`);
    }
    const reader = new FieldReader(root);
    readOptimWrapper(reader, out, warnings);
    readDataloader(reader, out);
    readTrainLoop(reader, out, warnings);
    readWarmup(reader, out);
    const ownModel = readModel(reader, out, warnings, file.path);
    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'auxiliary', contribution: out.build(), links: [], ...(ownModel !== null ? { ownModel } : {}) };
  },
};

function warn(warnings: ParseWarning[], message: string, range: SourceRange): void {
  warnings.push({ message, line: range.line, column: range.column });
}

function readOptimWrapper(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): void {
  const wrapper = reader.nested('optim_wrapper');
  const type = wrapper?.string('type');
  if (typeof type?.value === 'string' && type.value === 'AmpOptimWrapper') {
    const dtype = wrapper?.string('dtype', true);
    if (typeof dtype?.value === 'string') {
      const p = AMP_DTYPES[dtype.value];
      if (p === undefined) warn(warnings, `optim_wrapper.dtype '${dtype.value}' is not float16 or bfloat16; the precision is not read`, dtype.range);
      else out.set('precision', p, dtype.range);
    } else out.set('precision', 'fp16-mixed', type.range);
  } else if (typeof type?.value === 'string' && type.value === 'OptimWrapper') out.set('precision', 'fp32', type.range);
  else if (typeof type?.value === 'string') warn(warnings, `optim_wrapper.type '${type.value}' is not MMEngine's OptimWrapper or AmpOptimWrapper; the precision is not read`, type.range);
  else out.useDefault({ setting: 'precision', key: 'precision', value: 'fp32', note: "optim_wrapper has no type='AmpOptimWrapper', so no autocast" }, OPTIM_WRAPPER_SOURCE);

  const counts = wrapper?.number('accumulative_counts', { integer: true, min: 1 });
  if (counts?.value != null) out.set('gradAccum', counts.value, counts.range);
  else out.useDefault({ setting: 'gradAccum', key: 'optim_wrapper.accumulative_counts', value: 1 }, OPTIM_WRAPPER_SOURCE);

  const optimizer = wrapper?.nested('optimizer');
  if (optimizer === undefined) return;
  const name = optimizer.string('type');
  if (typeof name?.value === 'string') {
    const own = Object.prototype.hasOwnProperty.call(MMPRETRAIN_OPTIMIZERS, name.value) ? MMPRETRAIN_OPTIMIZERS[name.value] : undefined;
    if (TORCH_OPTIMIZERS.has(name.value)) {
      out.set('optimizer', `torch.optim.${name.value}`, name.range);
      out.optimizerEcosystem = 'pytorch';
    } else if (own !== undefined) {
      out.set('optimizer', own.spelling, name.range);
      out.optimizerEcosystem = own.ecosystem;
    } else warn(warnings, `optim_wrapper.optimizer.type '${name.value}' is not one of torch.optim's classes (${[...TORCH_OPTIMIZERS].join(', ')}) or mmpretrain's Lamb; the optimizer is not read`, name.range);
  }
  keepOptimizerParams(out, readOptimizerArguments(optimizer, out, { skip: (key) => key === 'type' || key === '_delete_', lrKeys: ['lr'], numberListsOnly: true }));
}

function readDataloader(reader: FieldReader, out: ContributionBuilder): void {
  const loader = reader.nested('train_dataloader');
  if (loader === undefined) return;
  const batch = loader.number('batch_size', { integer: true, min: 1 });
  if (batch?.value != null) out.set('perDeviceBatchSize', batch.value, batch.range);
  let dataset = loader.nested('dataset');
  for (let i = 0; dataset !== undefined && !dataset.has('pipeline') && i < MAX_DATASET_WRAPPERS; i++) dataset = dataset.nested('dataset');
  if (dataset !== undefined) readImageNetSize(dataset, out);
  const pipeline = dataset?.node('pipeline');
  if (pipeline?.kind !== 'array') return;
  for (const step of pipeline.items) {
    if (step.kind !== 'object' || step.index.get('type')?.node.value !== 'RandomResizedCrop') continue;
    const size = step.index.get('scale')?.node ?? step.index.get('size')?.node;
    const side = size === undefined ? undefined : squareSide(size);
    if (side !== undefined && size !== undefined) {
      out.set('imageSize', side, size.range);
    }
    return;
  }
}

/**
 * mmpretrain's ImageNet train split, with no annotation file or data prefix of its own (they could name a subset): the
 * training images IMAGENET_SOURCE counts, an assumption (the copy at data_root is not counted). A dataset reached through
 * a wrapper (RepeatDataset, ...) is not assumed, since the wrapper changes the length.
 */
function readImageNetSize(dataset: FieldReader, out: ContributionBuilder): void {
  const type = dataset.node('type');
  const split = dataset.node('split');
  if (type?.kind !== 'string' || type.value !== 'ImageNet' || split?.kind !== 'string' || split.value !== 'train') return;
  if (dataset.has('ann_file') || dataset.has('data_prefix') || dataset.has('indices')) return;
  out.useDefault({ setting: 'trainSamples', key: 'train_dataloader.dataset', value: IMAGENET_TRAIN_IMAGES, note: "ImageNet split='train': ILSVRC-2012's training images; a copy at data_root holding other images changes it" }, IMAGENET_SOURCE);
}

/** train_cfg: the epochs, or the iterations as optimizer steps (TRAIN_LOOP_SOURCE). */
function readTrainLoop(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): void {
  const cfg = reader.nested('train_cfg');
  if (cfg === undefined) return;
  const type = cfg.string('type');
  const byEpoch = cfg.boolean('by_epoch');
  if (type !== undefined && byEpoch !== undefined) {
    warn(warnings, "train_cfg has both 'type' and 'by_epoch', which MMEngine's Runner refuses; the run's length is not read", byEpoch.range);
    return;
  }
  let loop: 'epoch' | 'iter' | null = null;
  if (typeof type?.value === 'string') {
    if (type.value === 'EpochBasedTrainLoop') loop = 'epoch';
    else if (type.value === 'IterBasedTrainLoop') loop = 'iter';
    else {
      warn(warnings, `train_cfg.type '${type.value}' is not MMEngine's EpochBasedTrainLoop or IterBasedTrainLoop; the run's length is not read`, type.range);
      return;
    }
  } else if (byEpoch?.value === true) loop = 'epoch';
  else if (byEpoch?.value === false) loop = 'iter';
  if (loop === null) return;
  out.set('accumulationSpansEpochs', true, (reader.node('train_cfg') as ParsedNode).range);
  if (loop === 'epoch') {
    const epochs = cfg.number('max_epochs', { integer: true, min: 1 });
    if (epochs?.value != null) out.set('epochs', epochs.value, epochs.range);
    return;
  }
  const iters = cfg.number('max_iters', { integer: true, min: 1 });
  if (iters?.value == null) return;
  const accum = out.settings.gradAccum ?? 1;
  const steps = Math.ceil(iters.value / accum);
  out.set('maxSteps', steps, iters.range);
  if (accum > 1) out.notes.push(`train_cfg.max_iters ${iters.value} iterations are ⌈${iters.value} ÷ accumulative_counts ${accum}⌉ = ${steps} optimizer steps (${TRAIN_LOOP_SOURCE.title}); a param_scheduler with by_epoch=False counts iterations`);
}

/** A square image's side: an integer, or a pair of equal integers. */
function squareSide(node: ParsedNode): number | undefined {
  if (node.kind === 'number' && Number.isInteger(node.value) && node.value > 0) return node.value;
  if (node.kind === 'array' && node.items.length === 2 && node.items.every((i) => i.kind === 'number' && i.value === node.items[0].value)) return squareSide(node.items[0]);
  return undefined;
}

function readWarmup(reader: FieldReader, out: ContributionBuilder): void {
  const node = reader.node('param_scheduler');
  if (node === undefined) return;
  const steps = node.kind === 'array' ? node.items : [node];
  const first = steps[0];
  if (first?.kind === 'object' && first.index.get('type')?.node.value === 'LinearLR') {
    const sched = reader.sibling(first, 'param_scheduler.0');
    const begin = sched.number('begin', { min: 0 });
    const end = sched.number('end', { min: 0 });
    const byEpoch = sched.boolean('by_epoch');
    if ((begin?.value ?? 0) === 0 && end?.value != null && Number.isFinite(end.value)) {
      out.set(byEpoch?.value === false ? 'warmupSteps' : 'warmupEpochs', end.value, end.range);
      return;
    }
  }
  out.useDefault({ setting: 'warmupSteps', key: 'warmup steps', value: 0, note: 'param_scheduler starts with no LinearLR warmup' }, SCHEDULER_SOURCE);
}

/** An mmpretrain ResNet / ResNeXt classifier as torchvision's network of that shape; null (with a warning) otherwise. */
function readModel(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[], path: string): Extract<ModelRef, { kind: 'script-config' }> | null {
  const model = reader.nested('model');
  if (model === undefined) return null;
  const type = model.string('type');
  const at = type?.range ?? (reader.node('model') as ParsedNode).range;
  const refuse = (why: string, range: SourceRange = at): null => {
    const message = `the model is not read: ${why}; an mmpretrain ImageClassifier with a ResNet or ResNeXt backbone, a GlobalAveragePooling neck and a LinearClsHead is (${RESNET_SOURCE.title})`;
    warn(warnings, message, range);
    // also among the job's assumptions, which `recommend` lists under "needs a model config"
    out.notes.push(message);
    return null;
  };
  if (type?.value !== 'ImageClassifier') return refuse(`model.type '${String(type?.value ?? 'unwritten')}'`);
  const backbone = model.nested('backbone');
  const kind = backbone?.string('type');
  const depth = backbone?.number('depth', { integer: true });
  if (backbone === undefined || typeof kind?.value !== 'string' || depth?.value == null) return refuse('model.backbone names no type and depth');
  const spec = RESNET_DEPTHS[depth.value];
  let arch: string | undefined;
  if (kind.value === 'ResNet') arch = spec?.arch;
  else if (kind.value === 'ResNeXt') {
    const groups = backbone.number('groups', { integer: true });
    const width = backbone.number('width_per_group', { integer: true });
    if (depth.value === 50 && groups?.value === 32 && width?.value === 4) arch = 'resnext50_32x4d';
  } else return refuse(`model.backbone.type '${kind.value}'`, kind.range);
  if (arch === undefined || spec === undefined) return refuse(`${kind.value} of depth ${depth.value}`, depth.range);
  for (const key of ['deep_stem', 'avg_down']) {
    const b = backbone.boolean(key);
    if (b?.value === true) return refuse(`model.backbone.${key}=True (another stem or shortcut than torchvision's)`, b.range);
  }
  for (const key of ['stem_channels', 'base_channels']) {
    const n = backbone.number(key, { integer: true });
    if (n?.value != null && n.value !== 64) return refuse(`model.backbone.${key}=${n.value}`, n.range);
  }
  const stages = backbone.number('num_stages', { integer: true });
  if (stages?.value != null && stages.value !== 4) return refuse(`model.backbone.num_stages=${stages.value}`, stages.range);
  const neck = model.nested('neck')?.string('type');
  if (neck?.value !== 'GlobalAveragePooling') return refuse(`model.neck '${String(neck?.value ?? 'unwritten')}'`, neck?.range);
  const head = model.nested('head');
  const headType = head?.string('type');
  if (head === undefined || headType?.value !== 'LinearClsHead') return refuse(`model.head '${String(headType?.value ?? 'unwritten')}'`, headType?.range);
  const classes = head.number('num_classes', { integer: true, min: 1 });
  if (classes?.value == null) return refuse('model.head has no num_classes', headType.range);
  const inChannels = head.number('in_channels', { integer: true });
  if (inChannels?.value != null && inChannels.value !== spec.features) return refuse(`model.head.in_channels=${inChannels.value}, while the backbone gives ${spec.features}`, inChannels.range);
  const frozen = backbone.number('frozen_stages', { integer: true });
  if (frozen?.value != null && frozen.value >= 0) out.notModelled.push(`${path}:${frozen.range.line}: model.backbone.frozen_stages ${frozen.value}: frozen stages need no gradients or optimizer state, which the estimator does not model (it counts every parameter as trained)`);
  out.notes.push(`the network is mmpretrain's ${kind.value}-${depth.value} with a ${classes.value}-class LinearClsHead, built as torchvision's ${arch} (the same layers: ${RESNET_SOURCE.locator})`);
  return { kind: 'script-config', name: `mmpretrain ${kind.value}-${depth.value}`, config: { architecture: arch, num_classes: classes.value }, path, range: kind.range };
}
