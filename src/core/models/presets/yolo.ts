/**
 * Ultralytics YOLOv8 detection checkpoints (COCO, 80 classes), by the names Ultralytics' CLI and Python API take:
 * `yolov8n.pt` (the released weights) and `yolov8n.yaml` (the same network from its definition, untrained). The
 * network is the family's yolov8.yaml definition at the named scale (src/core/models/families/yolo.ts).
 */
import type { ModelPreset } from '../types';

const SOURCE = {
  title: 'Ultralytics YOLOv8 models (COCO detection)',
  url: 'https://github.com/ultralytics/ultralytics/blob/023641f5f0a4249fd5e6e069758c1d5ebe80ce4f/ultralytics/cfg/models/v8/yolov8.yaml',
  locator: 'yolov8.yaml scales n/s/m/l/x, nc: 80',
};

function yolov8(scale: string): ModelPreset {
  const name = `yolov8${scale}`;
  return { hubId: name, aliases: [`${name}.pt`, `${name}.yaml`, `ultralytics/${name}`], config: { architecture: name, nc: 80 }, source: SOURCE };
}

export const YOLO_PRESETS: readonly ModelPreset[] = ['n', 's', 'm', 'l', 'x'].map(yolov8);
