/**
 * Ultralytics YOLOv8 and YOLO11 checkpoints, by the names Ultralytics' CLI and Python API take: `yolov8n.pt` /
 * `yolo11n.pt` (the released weights) and `yolov8n.yaml` / `yolo11n.yaml` (the same network from its definition,
 * untrained) for detection (COCO, 80 classes), and the `-seg`, `-pose` and `-cls` variants with their definitions'
 * classes. The network is the family's bundled definition at the named scale (src/core/models/families/yolo.ts).
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

const SOURCE_TASKS = {
  title: 'Ultralytics YOLOv8 / YOLO11 segmentation, pose and classification models',
  url: 'https://github.com/ultralytics/ultralytics/tree/023641f5f0a4249fd5e6e069758c1d5ebe80ce4f/ultralytics/cfg/models',
  locator: 'v8/yolov8-seg.yaml (nc 80), v8/yolov8-pose.yaml (nc 1, kpt_shape [17, 3]), v8/yolov8-cls.yaml (nc 1000), 11/yolo11-seg.yaml, 11/yolo11-pose.yaml, 11/yolo11-cls.yaml (nc 80)',
};

/** The classes each task's definition states (a job's own dataset replaces them). */
const TASK_CLASSES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  yolov8: { seg: 80, pose: 1, cls: 1000 },
  yolo11: { seg: 80, pose: 80, cls: 80 },
};

export const YOLO_PRESETS: readonly ModelPreset[] = [
  ...SCALES.map((s) => preset(`yolov8${s}`, SOURCE)),
  ...SCALES.map((s) => preset(`yolo11${s}`, SOURCE_11)),
  ...Object.entries(TASK_CLASSES).flatMap(([base, tasks]) =>
    Object.entries(tasks).flatMap(([task, nc]) => SCALES.map((s) => ({ ...preset(`${base}${s}-${task}`, SOURCE_TASKS), config: { architecture: `${base}${s}-${task}`, nc } }))),
  ),
];
