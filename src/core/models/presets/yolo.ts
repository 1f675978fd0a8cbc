/**
 * Ultralytics YOLOv8 and YOLO11 detection checkpoints (COCO, 80 classes), by the names Ultralytics' CLI and Python API
 * take: `yolov8n.pt` / `yolo11n.pt` (the released weights) and `yolov8n.yaml` / `yolo11n.yaml` (the same network from
 * its definition, untrained). The network is the family's yolov8.yaml or yolo11.yaml definition at the named scale
 * (src/core/models/families/yolo.ts).
 */
import type { ModelPreset } from '../types';

const SOURCE = {
  title: 'Ultralytics YOLOv8 models (COCO detection)',
  url: 'https://github.com/ultralytics/ultralytics/blob/023641f5f0a4249fd5e6e069758c1d5ebe80ce4f/ultralytics/cfg/models/v8/yolov8.yaml',
  locator: 'yolov8.yaml scales n/s/m/l/x, nc: 80',
};

const SOURCE_11 = {
  title: 'Ultralytics YOLO11 models (COCO detection)',
  url: 'https://github.com/ultralytics/ultralytics/blob/0a2ae50b3d43736e6688987d5f9b46c60a33ea5f/ultralytics/cfg/models/11/yolo11.yaml',
  locator: 'yolo11.yaml scales n/s/m/l/x, nc: 80',
};

function preset(name: string, source: ModelPreset['source']): ModelPreset {
  return { hubId: name, aliases: [`${name}.pt`, `${name}.yaml`, `ultralytics/${name}`], config: { architecture: name, nc: 80 }, source };
}

const SCALES = ['n', 's', 'm', 'l', 'x'];

export const YOLO_PRESETS: readonly ModelPreset[] = [
  ...SCALES.map((s) => preset(`yolov8${s}`, SOURCE)),
  ...SCALES.map((s) => preset(`yolo11${s}`, SOURCE_11)),
];
