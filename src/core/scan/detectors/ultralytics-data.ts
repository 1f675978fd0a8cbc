/**
 * Ultralytics dataset YAMLs (the file a YOLO training call's `data=` names, ultralytics/cfg/datasets/*.yaml and the
 * users' own): `train` / `val` image paths and the classes as `names` (a list, or a map of index to name) with an
 * optional `nc`. Ultralytics' check_det_dataset (ultralytics/data/utils.py) takes nc from `names` and refuses a file whose
 * `nc` differs from the number of names; the same is an error finding here. Its `train` image paths and dataset root
 * `path` are kept for counting the training images (core/ultralytics-images.ts). The file forms no job: the job of the
 * training call that names it takes it in (../jobs.ts) and builds its Detect head with these classes.
 */
import type { ParsedNode } from '../../parse/node';
import type { Detection, Detector } from '../detector';
import type { SourceRange } from '../types';

export const ULTRALYTICS_DATA_KIND = 'ultralytics-data';

const EMPTY = { settings: {}, sources: {}, defaults: [], defaultSettings: {} };

function classCount(names: ParsedNode): number | null {
  if (names.kind === 'array') return names.items.length;
  if (names.kind === 'object') return names.members.length;
  return null;
}

export const ultralyticsDataDetector: Detector = {
  kind: ULTRALYTICS_DATA_KIND,
  syntaxes: ['yaml'],
  acceptsJsonc: false,
  mayMatch: (file) => /^names\s*:/m.test(file.text) && /^(train|val)\s*:/m.test(file.text),
  matches(_file, parsed) {
    const root = parsed.root;
    return root?.kind === 'object' && root.index.has('names') && (root.index.has('train') || root.index.has('val'));
  },
  detect(_file, parsed): Detection {
    const root = parsed.root;
    const fail = (message: string, range: SourceRange): Detection => ({
      fields: [], error: { message, line: range.line, column: range.column }, warnings: [], role: 'dataset', contribution: EMPTY, links: [],
    });
    if (root?.kind !== 'object') return fail('not a mapping', { line: 1, column: 1, endLine: 1, endColumn: 1 });
    const names = root.index.get('names') as NonNullable<ReturnType<typeof root.index.get>>;
    const count = classCount(names.node);
    if (count === null || count < 1) return fail("'names' must be a list of class names or a map of index to name", names.node.range);
    const nc = root.index.get('nc');
    if (nc !== undefined && nc.node.kind !== 'null' && (nc.node.kind !== 'number' || nc.node.value !== count)) {
      return fail(`'nc' is ${nc.node.kind === 'number' ? nc.node.value : 'not a number'} but 'names' lists ${count} classes (Ultralytics refuses the dataset)`, nc.node.range);
    }
    const range = nc !== undefined && nc.node.kind === 'number' ? nc.node.range : names.node.range;
    // the training images: a path or a list of paths (check_det_dataset), below the dataset root `path` when written
    const train = root.index.get('train')?.node;
    const trainPaths = train?.kind === 'string' ? [train.value] : train?.kind === 'array' && train.items.every((i) => i.kind === 'string') ? train.items.map((i) => (i as { value: string }).value) : null;
    const rootNode = root.index.get('path')?.node;
    const datasetRoot = rootNode?.kind === 'string' && rootNode.value.trim() !== '' ? { value: rootNode.value, range: rootNode.range } : null;
    return {
      fields: [{ name: nc !== undefined && nc.node.kind === 'number' ? 'nc' : 'names', value: count, range }],
      error: null, warnings: [], role: 'dataset', contribution: EMPTY, links: [],
      datasetClasses: { nc: count, range, ...(train !== undefined && trainPaths !== null ? { train: { paths: trainPaths, range: train.range } } : {}), root: datasetRoot },
    };
  },
};
