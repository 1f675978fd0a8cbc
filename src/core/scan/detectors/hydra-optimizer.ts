/**
 * Hydra / OmegaConf YAML that instantiates an optimizer with `_target_` (e.g. `optimizer:
 * {_target_: torch.optim.AdamW, _partial_: true, lr: 3e-4}`, as in lightning-hydra-template's
 * configs/model/*.yaml). Recognised when a mapping (up to three levels deep) has a `_target_` that
 * resolves to an optimizer of the catalog. Beside the optimizer: a Lightning Trainer `_target_`
 * (precision, devices, strategy, accumulation), `batch_size` (or `train_batch_size`) under
 * `data`/`datamodule` or at the top, the image size under `data`/`datamodule`, the training examples per epoch
 * (`train_val_test_split`'s first count, as lightning-hydra-template's configs/data/mnist.yaml gives MNIST's
 * `[55_000, 5_000, 10_000]`, which its MNISTDataModule splits the 70,000 images into with random_split),
 * and a model `_target_` naming pretrained weights (torchvision/timm builders, `from_pretrained`).
 */
import { resolveOptimizer } from '../../optimizers';
import { getPath, type ObjectNode, type ParsedNode, type ParseWarning } from '../../parse/node';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, Link, ParsedFile } from '../detector';
import { FieldReader } from '../fields';
import { readComponent, readLightningTrainer, readOptimizerComponent } from '../lightning-trainer';
import { isModelConstructor, modelOfCall } from '../model-refs';
import type { ScanFile } from '../types';

const MAX_DEPTH = 3;

/** The dotted key path of the first mapping whose `_target_` passes `test`, breadth-first. */
function findTarget(root: ObjectNode, test: (target: string) => boolean): string[] | null {
  let level: { node: ObjectNode; path: string[] }[] = [{ node: root, path: [] }];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: { node: ObjectNode; path: string[] }[] = [];
    for (const { node, path } of level) {
      const target = node.index.get('_target_')?.node;
      if (path.length > 0 && target?.kind === 'string' && test(target.value)) return path;
      for (const m of node.members) if (m.node.kind === 'object') next.push({ node: m.node, path: [...path, m.key] });
    }
    level = next;
  }
  return null;
}

function isOptimizerTarget(target: string): boolean {
  return target.includes('.') && resolveOptimizer(target) !== undefined;
}

function isLightningTrainer(target: string): boolean {
  return /(^|\.)(lightning|pytorch_lightning)(\.pytorch)?(\.trainer(\.trainer)?)?\.Trainer$/.test(target);
}

/** A reader for the mapping at `path` (the parent's reader for the last key). */
function readerAt(root: FieldReader, path: readonly string[]): { parent: FieldReader; key: string } | null {
  let parent = root;
  for (const key of path.slice(0, -1)) {
    const nested = parent.nested(key);
    if (nested === undefined) return null;
    parent = nested;
  }
  return { parent, key: path[path.length - 1] };
}

/** The kind of this detector's findings: the job's optimizer is a Hydra `_target_` block (fixes/paste.ts pasteFormatOf). */
export const HYDRA_OPTIMIZER_KIND = 'hydra-optimizer';

/**
 * A count as OmegaConf reads it: a YAML integer, or digits grouped with underscores (`55_000`), which YAML 1.1 (PyYAML,
 * under OmegaConf) reads as an integer and YAML 1.2 as a string.
 */
function yaml11Count(node: ParsedNode): number | null {
  if (node.kind === 'number') return Number.isInteger(node.value) && node.value > 0 ? node.value : null;
  if (node.kind === 'string' && /^[1-9][0-9]*(_[0-9]+)*$/.test(node.value)) return Number(node.value.replace(/_/g, ''));
  return null;
}

/** The training examples per epoch: the first count of a data config's `train_val_test_split`. */
function readTrainSplit(configs: readonly (FieldReader | undefined)[], out: ContributionBuilder): void {
  for (const args of configs) {
    const split = args?.node('train_val_test_split');
    const first = split?.kind === 'array' ? split.items[0] : undefined;
    const count = first !== undefined ? yaml11Count(first) : null;
    if (args === undefined || first === undefined || count === null) continue;
    const read = args.recordValue('train_val_test_split', first, count);
    out.set('trainSamples', count, read.range);
    return;
  }
}

export const hydraOptimizerDetector: Detector = {
  kind: HYDRA_OPTIMIZER_KIND,
  syntaxes: ['yaml'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return file.text.includes('_target_');
  },

  matches(file: ScanFile, parsed: ParsedFile): boolean {
    const root = parsed.root;
    if (root === null) return /_target_\s*:\s*['"]?(torch\.optim|bitsandbytes\.optim|bnb\.optim|timm\.optim|transformers\.(optimization\.)?(Adafactor|AdamW))\./.test(file.text);
    return root.kind === 'object' && findTarget(root, isOptimizerTarget) !== null;
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const root = parsed.root as ObjectNode;
    const reader = new FieldReader(root);
    const out = new ContributionBuilder(file.path);
    const warnings: ParseWarning[] = [];
    const links: Link[] = [];

    const optimizerPath = findTarget(root, isOptimizerTarget);
    const at = optimizerPath !== null ? readerAt(reader, optimizerPath) : null;
    const optimizer = at !== null ? readComponent(at.parent, at.key) : null;
    if (optimizer !== null) readOptimizerComponent(optimizer, out);

    const trainerPath = findTarget(root, isLightningTrainer);
    const trainerAt = trainerPath !== null ? readerAt(reader, trainerPath) : null;
    const trainer = trainerAt?.parent.nested(trainerAt.key);
    if (trainer !== undefined) readLightningTrainer(trainer, out, warnings, links);

    // The training batch: `batch_size`, or `train_batch_size` beside evaluation batch sizes (per process, as the
    // data loader is built in each process of a DDP run).
    batches: for (const args of [reader.nested('data'), reader.nested('datamodule'), reader]) {
      for (const key of ['batch_size', 'train_batch_size']) {
        const batch = args?.has(key) === true ? args.number(key, { integer: true, min: 1 }) : undefined;
        if (batch?.value != null) {
          out.set('perDeviceBatchSize', batch.value, batch.range);
          break batches;
        }
      }
    }
    // The input image size of an image data config (`image_size`, `img_size`, `input_size` as one integer).
    for (const args of [reader.nested('data'), reader.nested('datamodule')]) {
      const key = ['image_size', 'img_size', 'input_size'].find((k) => args?.node(k)?.kind === 'number');
      const size = key !== undefined ? args?.number(key, { integer: true, min: 1 }) : undefined;
      if (size?.value != null) {
        out.set('imageSize', size.value, size.range);
        break;
      }
    }

    readTrainSplit([reader.nested('data'), reader.nested('datamodule')], out);

    const modelPath = findTarget(root, isModelConstructor);
    const modelNode = modelPath !== null ? getPath(root, modelPath) : undefined;
    const modelAt = modelPath !== null ? readerAt(reader, modelPath) : null;
    const modelObj = modelAt !== null ? modelAt.parent.nested(modelAt.key) : undefined;
    if (modelNode?.kind === 'object' && modelObj !== undefined) {
      const target = modelObj.string('_target_');
      const args = modelNode.members.filter((m) => m.key !== '_target_' && !m.key.startsWith('_')).map((m) => ({ name: m.key, node: m.node }));
      const ref = target?.value != null ? modelOfCall(target.value, args) : null;
      if (ref !== null && target !== undefined) {
        for (const a of args) if (a.node.kind === 'string' || a.node.kind === 'boolean') modelObj.recordValue(a.name, a.node, a.node.value);
        links.push({ kind: 'model', key: target.name, value: ref.id, range: ref.range ?? target.range });
        if (ref.pretraining !== null) out.set('pretraining', ref.pretraining, ref.range ?? target.range);
      }
    }

    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'training', contribution: out.build(), links };
  },
};
