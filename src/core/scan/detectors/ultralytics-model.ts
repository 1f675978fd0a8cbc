/**
 * Ultralytics model definitions in the workspace (a copy or variant of ultralytics/cfg/models/v8/yolov8.yaml or
 * 11/yolo11.yaml: `nc`, `scales`, `backbone` and `head` layer lists), which `yolo train model=my-yolov8.yaml` or `YOLO("my-yolov8.yaml")`
 * builds from. Known by `backbone` and `head` lists. The file forms no job: the training call that names it builds its
 * network from it at the join (../ultralytics.ts), through the YOLO family (../../models/families/yolo.ts), which says
 * which modules it does not build.
 */
import { YOLO_MODULES } from '../../models/families/yolo';
import type { ParseWarning } from '../../parse/node';
import type { JsonObject } from '../../models/types';
import type { Detection, Detector } from '../detector';

export const ULTRALYTICS_MODEL_KIND = 'ultralytics-model';

const EMPTY = { settings: {}, sources: {}, defaults: [], defaultSettings: {} };

export const ultralyticsModelDetector: Detector = {
  kind: ULTRALYTICS_MODEL_KIND,
  syntaxes: ['yaml'],
  acceptsJsonc: false,
  mayMatch: (file) => /^backbone\s*:/m.test(file.text) && /^head\s*:/m.test(file.text),
  matches(_file, parsed) {
    const root = parsed.root;
    return root?.kind === 'object' && root.index.get('backbone')?.node.kind === 'array' && root.index.get('head')?.node.kind === 'array';
  },
  detect(_file, parsed): Detection {
    const root = parsed.root;
    const definition = (root?.kind === 'object' ? root.value : {}) as JsonObject;
    const range = root?.kind === 'object' ? (root.index.get('backbone')?.keyRange ?? root.range) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
    // a module the family does not build, at its layer (the job's model then says it cannot be built, naming the layer)
    const warnings: ParseWarning[] = [];
    const modelled: readonly string[] = YOLO_MODULES;
    for (const key of ['backbone', 'head']) {
      const list = root?.kind === 'object' ? root.index.get(key)?.node : undefined;
      if (list?.kind !== 'array') continue;
      list.items.forEach((layer, i) => {
        const module = layer.kind === 'array' ? layer.items[2] : undefined;
        if (module?.kind === 'string' && !modelled.includes(module.value)) {
          warnings.push({ message: `${key}[${i}]: module '${module.value}' is not built by the YOLOv8 / YOLO11 family (it builds ${YOLO_MODULES.join(', ')})`, line: module.range.line, column: module.range.column });
        }
      });
    }
    return { fields: [{ name: 'backbone', value: 'layers', range }], error: null, warnings, role: 'auxiliary', contribution: EMPTY, links: [], ultralyticsModel: definition };
  },
};
