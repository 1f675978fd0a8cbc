/**
 * Ultralytics cfg YAMLs: a copy of ultralytics/cfg/default.yaml's keys (`lr0`, `imgsz`, `mosaic`, `close_mosaic`, …)
 * that `yolo train cfg=custom.yaml …` or `model.train(cfg="custom.yaml")` loads in place of the defaults. Known by at
 * least three keys only default.yaml has. The file forms no job: the training call that names it reads its values
 * over its own (../ultralytics.ts, at the join), each value keeping this file's position. Its `data` joins the job.
 */
import type { Detection, Detector, Link } from '../detector';
import type { UltralyticsArg } from '../ultralytics';

export const ULTRALYTICS_CFG_KIND = 'ultralytics-cfg';

/** Keys of default.yaml that no other format's YAML uses. */
const MARKERS = new Set(['lr0', 'lrf', 'imgsz', 'close_mosaic', 'mosaic', 'warmup_bias_lr', 'warmup_momentum', 'hsv_h', 'hsv_s', 'hsv_v', 'fliplr', 'flipud', 'copy_paste', 'nbs', 'overlap_mask', 'mask_ratio']);

const EMPTY = { settings: {}, sources: {}, defaults: [], defaultSettings: {} };

export const ultralyticsCfgDetector: Detector = {
  kind: ULTRALYTICS_CFG_KIND,
  syntaxes: ['yaml'],
  acceptsJsonc: false,
  mayMatch: (file) => /^(lr0|imgsz|close_mosaic|mosaic|nbs|hsv_h)\s*:/m.test(file.text),
  matches(_file, parsed) {
    const root = parsed.root;
    if (root?.kind !== 'object' || root.index.has('names') || root.index.has('backbone')) return false;
    return root.members.filter((m) => MARKERS.has(m.key)).length >= 3;
  },
  detect(_file, parsed): Detection {
    const root = parsed.root;
    const args: UltralyticsArg[] = [];
    const links: Link[] = [];
    if (root?.kind === 'object') {
      for (const m of root.members) {
        const n = m.node;
        if (n.kind === 'number' || n.kind === 'string' || n.kind === 'boolean') args.push({ key: m.key, value: n.value, range: n.range });
        else if (n.kind === 'null') args.push({ key: m.key, value: null, range: n.range });
        else if (n.kind === 'array' && n.items.every((i) => i.kind === 'number')) args.push({ key: m.key, value: n.items.map((i) => String(i.value)).join(','), range: n.range });
        if (m.key === 'data' && n.kind === 'string' && /\.ya?ml$/i.test(n.value)) links.push({ kind: 'config', key: 'data', value: n.value, range: n.range });
      }
    }
    return { fields: args.filter((a) => a.value !== null).map((a) => ({ name: a.key, value: a.value as string | number | boolean, range: a.range })), error: null, warnings: [], role: 'auxiliary', contribution: EMPTY, links, ultralyticsCfg: args };
  },
};
