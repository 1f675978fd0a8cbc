/**
 * Ultralytics YOLOv8 and YOLO11 models (detection, and the -seg / -pose / -cls variants), built from Ultralytics' own
 * model definition: a `backbone` + `head` list of `[from, repeats, module, args]` layers scaled by
 * `[depth, width, max_channels]` (yolov8.yaml's and yolo11.yaml's `scales`), read the way `parse_model`
 * (ultralytics/nn/tasks.py) reads it:
 *   - repeats n > 1 become max(round(n * depth), 1); a C2f / C3k2 takes them as its inner block count, a C2PSA as its
 *     PSABlock count;
 *   - a Conv / C2f / C3k2 / SPPF / C2PSA's output channels c2 (unless it is `nc`) become
 *     make_divisible(min(c2, max_channels) * width, 8), make_divisible(x, 8) = ceil(x / 8) * 8; its input channels are
 *     those of the layer `from` names;
 *   - a C3k2 at scale m, l or x takes c3k = True whatever its arguments say, and a definition with a C3k2 builds the
 *     Detect head (and Segment / Pose, which extend it) without `legacy` (YOLO11's depthwise class branch); one without
 *     builds the v8 (`legacy`) head. These two rules are parse_model's in the 8.3 releases that brought YOLO11; the
 *     stored copy of tasks.py this was read against predates them, so they rest on the published parameter counts,
 *     which they reproduce at every scale (test/unit/models-yolo.test.ts);
 *   - Concat's channels are the sum of its inputs'; Detect gets the channels of its inputs.
 * Parameter tensors of each module (ultralytics/nn/modules/conv.py, block.py, head.py), in state-dict names `model.<i>.…`:
 *   - Conv(c1, c2, k, s): Conv2d(c1, c2, k, s, padding k // 2, bias=False) + BatchNorm2d(c2) + SiLU. BatchNorm's weight and
 *     bias are parameters; its running_mean, running_var and num_batches_tracked are buffers, not counted.
 *   - Bottleneck(c1, c2, shortcut, k=(3, 3), e=1.0) inside C2f: cv1 = Conv(c1, c2·e, 3), cv2 = Conv(c2·e, c2, 3); adds its
 *     input when shortcut and c1 == c2 (`x + cv2(cv1(x))`, out of place).
 *   - C2f(c1, c2, n, shortcut=False): c = int(c2 * 0.5); cv1 = Conv(c1, 2c, 1); m = n Bottlenecks (c, c); cv2 =
 *     Conv((2 + n)c, c2, 1); forward: cv1's output chunked in two, each bottleneck run on the last piece, all concatenated.
 *   - SPPF(c1, c2, k=5): cv1 = Conv(c1, c1 // 2, 1); three MaxPool2d(k, 1, k // 2) in a row; cv2 = Conv(4 · (c1 // 2), c2, 1)
 *     on the concatenation of cv1's output and the three pooled maps.
 *   - Detect(nc, ch) as v8 builds it (`legacy` head): reg_max = 16; c2 = max(16, ch[0] // 4, 4 · reg_max), c3 = max(ch[0],
 *     min(nc, 100)); per input x: cv2 = Conv(x, c2, 3), Conv(c2, c2, 3), Conv2d(c2, 4 · reg_max, 1) with bias; cv3 =
 *     Conv(x, c3, 3), Conv(c3, c3, 3), Conv2d(c3, nc, 1) with bias; dfl = DFL(reg_max): Conv2d(reg_max, 1, 1, bias=False)
 *     with requires_grad False — a parameter without a gradient (the 16 between the summaries' parameters and gradients).
 *     Without `legacy` (YOLO11) cv3 is (DWConv(x, x, 3), Conv(x, c3, 1)), (DWConv(c3, c3, 3), Conv(c3, c3, 1)),
 *     Conv2d(c3, nc, 1) with bias, DWConv being a Conv whose groups are its channels (a depthwise 3x3).
 *   - Segment(nc, nm=32, npr=256) (npr scaled by parse_model like a layer's channels): Detect's tensors, then proto =
 *     Proto(ch[0], npr, nm): Conv(ch[0], npr, 3), ConvTranspose2d(npr, npr, 2, 2) with bias, Conv(npr, npr, 3),
 *     Conv(npr, nm, 1); and per input cv4 = Conv(x, c4, 3), Conv(c4, c4, 3), Conv2d(c4, nm, 1) with bias, c4 =
 *     max(ch[0] // 4, nm). Pose(nc, kpt_shape): Detect's tensors and cv4 likewise with nk = keypoints x dimensions
 *     outputs, c4 = max(ch[0] // 4, nk). Classify(c1, nc): Conv(c1, 1280, 1), AdaptiveAvgPool2d(1), Dropout(p=0.0),
 *     Linear(1280, nc) (head.py at 9a60491210c6a4df63aed590df4d527edbbc6e58).
 *   - nn.Upsample(None, 2, 'nearest') and Concat hold no parameters.
 * YOLO11's modules (ultralytics/nn/modules/block.py at https://github.com/ultralytics/ultralytics/blob/
 * 44cbec186bba355472aed81d99a789e056256a7d/ultralytics/nn/modules/block.py, head.py at 9a60491210c6a4df63aed590df4d527edbbc6e58):
 *   - C3k2(c1, c2, n, c3k=False, e=0.5, g=1, shortcut=True): C2f's layout with c = int(c2 * e) (cv1 = Conv(c1, 2c, 1),
 *     cv2 = Conv((2 + n)c, c2, 1), each block run on the last piece); its blocks are C3k(c, c, 2, shortcut) when c3k,
 *     else Bottleneck(c, c, shortcut, e=0.5): Conv(c, c // 2, 3), Conv(c // 2, c, 3), adding its input.
 *   - C3k(c1, c2, n=2, shortcut, e=0.5, k=3): c_ = int(c2 · 0.5); cv1 = Conv(c1, c_, 1) into n Bottlenecks (c_, c_, k=3,
 *     e=1.0); cv2 = Conv(c1, c_, 1) beside them; cv3 = Conv(2c_, c2, 1) on the concatenation.
 *   - C2PSA(c1, c2 = c1, n, e=0.5): c = int(c1 · e); cv1 = Conv(c1, 2c, 1) split in two; the second half through n
 *     PSABlocks; cv2 = Conv(2c, c1, 1) on both halves. PSABlock(c, heads = c // 64): x + Attention(x), then x + ffn(x)
 *     with ffn = Conv(c, 2c, 1), Conv(2c, c, 1) without activation. Attention(c, heads, attn_ratio 0.5): head_dim =
 *     c // heads, key_dim = int(head_dim · 0.5); qkv = Conv(c, c + 2 · key_dim · heads, 1), proj = Conv(c, c, 1) and
 *     pe = Conv(c, c, 3, groups c), all three without activation; softmax(qᵀk · key_dim^-0.5) over the positions, v
 *     weighted by it plus pe of v (v reshaped: a copy), then proj.
 * Checked against the model summaries yolov8.yaml, yolo11.yaml, yolo11-seg/-pose/-cls.yaml print beside their scales and
 * those Ultralytics prints for the released v8 -seg / -pose weights and trained v8 classifiers
 * (test/unit/models-yolo.test.ts).
 *
 * Saved feature maps per sample (the rules in builders/cnn.ts): each Conv saves its input (Conv2d), the conv's output
 * (BatchNorm) and BatchNorm's output (SiLU, not in place: Conv's default_act is nn.SiLU()); a C2f's bottlenecks save a view
 * of cv1's output, which keeps that whole output; SPPF's max pools save their inputs and argmax indices; Detect's 1x1
 * output convs save their inputs. YOLO11: a Conv without activation saves its input and the conv output (BatchNorm's);
 * Attention saves its qkv projection (the matmuls' q, k, v views), the softmax output (heads x N x N per sample, N the
 * positions), the copy of v its pe conv reads, and the sum proj reads. Segment's Proto saves what its convs save and the
 * transposed conv's input; Classify saves its conv's, the pooled map's input and the Linear's input (the p=0 in-place
 * dropout saves nothing). Not modelled either: the segmentation loss's masks at the prototypes' resolution and the pose
 * loss's keypoint targets. Modelled at the training image size rounded up to a multiple of the largest stride
 * (check_imgsz: `max(math.ceil(x / stride) * stride, floor)`, https://github.com/ultralytics/ultralytics/blob/
 * af0c53c813d677d526ed0470f92203958150a6fd/ultralytics/utils/checks.py, which the trainer calls with floor = stride,
 * engine/trainer.py _setup_train), square (mosaic batches; the
 * trainer's `rect` and `multi_scale` options are not modelled). Not modelled: the loss (the task-aligned assigner, the
 * BCE over the class scores, the DFL and IoU terms over the assigned anchors), whose buffers scale with the anchors
 * (8,400 at 640) rather than with the feature maps, and the data loader's images.
 */
import { InputError } from '../../types';
import { CnnTrace, savedElementsCounter, type Feature } from '../builders/cnn';
import { ConfigFields, isJsonObject, showValue } from '../fields';
import { LIMITS } from '../limits';
import type { JsonObject, ModelFamily, ModelInventory } from '../types';

/** One layer of a model definition: [from, repeats, module, args]. */
type LayerSpec = readonly [number | readonly number[], number, string, readonly unknown[]];

/** [depth, width, max_channels] of one scale. */
type Scale = readonly [number, number, number];

interface ModelDefinition {
  readonly nc: number;
  /** Keypoints x dimensions of a Pose head (`kpt_shape`; Ultralytics' pose definitions say [17, 3]). */
  readonly kptShape?: readonly [number, number];
  readonly scales: Readonly<Record<string, Scale>>;
  readonly backbone: readonly LayerSpec[];
  readonly head: readonly LayerSpec[];
}

/**
 * ultralytics/cfg/models/v8/yolov8.yaml (P3-P5 detection), as committed at
 * https://github.com/ultralytics/ultralytics/blob/023641f5f0a4249fd5e6e069758c1d5ebe80ce4f/ultralytics/cfg/models/v8/yolov8.yaml
 */
const YOLOV8: ModelDefinition = {
  nc: 80,
  scales: {
    n: [0.33, 0.25, 1024],
    s: [0.33, 0.5, 1024],
    m: [0.67, 0.75, 768],
    l: [1.0, 1.0, 512],
    x: [1.0, 1.25, 512],
  },
  backbone: [
    [-1, 1, 'Conv', [64, 3, 2]], // 0-P1/2
    [-1, 1, 'Conv', [128, 3, 2]], // 1-P2/4
    [-1, 3, 'C2f', [128, true]],
    [-1, 1, 'Conv', [256, 3, 2]], // 3-P3/8
    [-1, 6, 'C2f', [256, true]],
    [-1, 1, 'Conv', [512, 3, 2]], // 5-P4/16
    [-1, 6, 'C2f', [512, true]],
    [-1, 1, 'Conv', [1024, 3, 2]], // 7-P5/32
    [-1, 3, 'C2f', [1024, true]],
    [-1, 1, 'SPPF', [1024, 5]], // 9
  ],
  head: [
    [-1, 1, 'nn.Upsample', [null, 2, 'nearest']],
    [[-1, 6], 1, 'Concat', [1]], // cat backbone P4
    [-1, 3, 'C2f', [512]], // 12
    [-1, 1, 'nn.Upsample', [null, 2, 'nearest']],
    [[-1, 4], 1, 'Concat', [1]], // cat backbone P3
    [-1, 3, 'C2f', [256]], // 15 (P3/8-small)
    [-1, 1, 'Conv', [256, 3, 2]],
    [[-1, 12], 1, 'Concat', [1]], // cat head P4
    [-1, 3, 'C2f', [512]], // 18 (P4/16-medium)
    [-1, 1, 'Conv', [512, 3, 2]],
    [[-1, 9], 1, 'Concat', [1]], // cat head P5
    [-1, 3, 'C2f', [1024]], // 21 (P5/32-large)
    [[15, 18, 21], 1, 'Detect', ['nc']], // Detect(P3, P4, P5)
  ],
};

/**
 * ultralytics/cfg/models/11/yolo11.yaml (P3-P5 detection), as committed at
 * https://github.com/ultralytics/ultralytics/blob/0a2ae50b3d43736e6688987d5f9b46c60a33ea5f/ultralytics/cfg/models/11/yolo11.yaml
 */
const YOLO11: ModelDefinition = {
  nc: 80,
  scales: {
    n: [0.5, 0.25, 1024],
    s: [0.5, 0.5, 1024],
    m: [0.5, 1.0, 512],
    l: [1.0, 1.0, 512],
    x: [1.0, 1.5, 512],
  },
  backbone: [
    [-1, 1, 'Conv', [64, 3, 2]], // 0-P1/2
    [-1, 1, 'Conv', [128, 3, 2]], // 1-P2/4
    [-1, 2, 'C3k2', [256, false, 0.25]],
    [-1, 1, 'Conv', [256, 3, 2]], // 3-P3/8
    [-1, 2, 'C3k2', [512, false, 0.25]],
    [-1, 1, 'Conv', [512, 3, 2]], // 5-P4/16
    [-1, 2, 'C3k2', [512, true]],
    [-1, 1, 'Conv', [1024, 3, 2]], // 7-P5/32
    [-1, 2, 'C3k2', [1024, true]],
    [-1, 1, 'SPPF', [1024, 5]], // 9
    [-1, 2, 'C2PSA', [1024]], // 10
  ],
  head: [
    [-1, 1, 'nn.Upsample', [null, 2, 'nearest']],
    [[-1, 6], 1, 'Concat', [1]], // cat backbone P4
    [-1, 2, 'C3k2', [512, false]], // 13
    [-1, 1, 'nn.Upsample', [null, 2, 'nearest']],
    [[-1, 4], 1, 'Concat', [1]], // cat backbone P3
    [-1, 2, 'C3k2', [256, false]], // 16 (P3/8-small)
    [-1, 1, 'Conv', [256, 3, 2]],
    [[-1, 13], 1, 'Concat', [1]], // cat head P4
    [-1, 2, 'C3k2', [512, false]], // 19 (P4/16-medium)
    [-1, 1, 'Conv', [512, 3, 2]],
    [[-1, 10], 1, 'Concat', [1]], // cat head P5
    [-1, 2, 'C3k2', [1024, true]], // 22 (P5/32-large)
    [[16, 19, 22], 1, 'Detect', ['nc']], // Detect(P3, P4, P5)
  ],
};

/** A detection definition with its Detect layer replaced by another head on the same inputs. */
function withHead(def: ModelDefinition, head: LayerSpec, extra: Partial<ModelDefinition> = {}): ModelDefinition {
  return { ...def, ...extra, head: [...def.head.slice(0, -1), head] };
}

/**
 * The segmentation and pose definitions: the detection ones with a Segment(nc, 32, 256) / Pose(nc, kpt_shape) head,
 * as ultralytics/cfg/models/v8/yolov8-seg.yaml, yolov8-pose.yaml (nc: 1) and 11/yolo11-seg.yaml, yolo11-pose.yaml
 * (nc: 80) write them (commit 023641f5f0a4249fd5e6e069758c1d5ebe80ce4f).
 */
const YOLOV8_SEG = withHead(YOLOV8, [[15, 18, 21], 1, 'Segment', ['nc', 32, 256]]);
const YOLOV8_POSE = withHead(YOLOV8, [[15, 18, 21], 1, 'Pose', ['nc', 'kpt_shape']], { nc: 1, kptShape: [17, 3] });
const YOLO11_SEG = withHead(YOLO11, [[16, 19, 22], 1, 'Segment', ['nc', 32, 256]]);
const YOLO11_POSE = withHead(YOLO11, [[16, 19, 22], 1, 'Pose', ['nc', 'kpt_shape']], { kptShape: [17, 3] });

/**
 * The classification definitions: the backbone up to the P5 block (yolo11: then C2PSA, no SPPF) and a Classify head,
 * ultralytics/cfg/models/v8/yolov8-cls.yaml (nc: 1000, its own scales; commit 023641f5f0a4249fd5e6e069758c1d5ebe80ce4f)
 * and 11/yolo11-cls.yaml (nc: 80; commit 0a2ae50b3d43736e6688987d5f9b46c60a33ea5f).
 */
const YOLOV8_CLS: ModelDefinition = {
  nc: 1000,
  scales: { n: [0.33, 0.25, 1024], s: [0.33, 0.5, 1024], m: [0.67, 0.75, 1024], l: [1.0, 1.0, 1024], x: [1.0, 1.25, 1024] },
  backbone: YOLOV8.backbone.slice(0, 9),
  head: [[-1, 1, 'Classify', ['nc']]],
};
const YOLO11_CLS: ModelDefinition = {
  ...YOLO11,
  backbone: [...YOLO11.backbone.slice(0, 9), [-1, 2, 'C2PSA', [1024]]],
  head: [[-1, 1, 'Classify', ['nc']]],
};

/** The bundled definitions by name without the scale letter (yolov8.yaml, yolo11-seg.yaml, ...). */
const BUNDLED: Readonly<Record<string, ModelDefinition>> = {
  yolov8: YOLOV8, 'yolov8-seg': YOLOV8_SEG, 'yolov8-pose': YOLOV8_POSE, 'yolov8-cls': YOLOV8_CLS,
  yolo11: YOLO11, 'yolo11-seg': YOLO11_SEG, 'yolo11-pose': YOLO11_POSE, 'yolo11-cls': YOLO11_CLS,
};

/**
 * The architectures this family names: yolov8 / yolo11 + a scale letter (Ultralytics' guess_model_scale reads it from
 * the name) + the task suffix (`-seg`, `-pose`, `-cls`, none for detection); without the letter (the bundled yaml, or
 * a definition of the workspace's own) the scale is as chooseScale says.
 */
const ARCHITECTURES = Object.entries(BUNDLED).flatMap(([name, def]) => {
  const [base, task] = name.split('-') as [string, string | undefined];
  return [name, ...Object.keys(def.scales).map((s) => `${base}${s}${task !== undefined ? `-${task}` : ''}`)];
});

/** The bundled definition an architecture name takes (`yolo11s-seg` -> yolo11-seg.yaml), else yolov8.yaml. */
function bundledDefinition(architecture: string): ModelDefinition {
  const m = /^(yolov8|yolo11)[nslmx]?(-seg|-pose|-cls)?$/.exec(architecture);
  return (m === null ? undefined : BUNDLED[`${m[1]}${m[2] ?? ''}`]) ?? YOLOV8;
}

/** Ultralytics' default training image size (ultralytics/cfg/default.yaml `imgsz: 640`). */
export const YOLO_DEFAULT_IMAGE_SIZE = 640;

/** DFL channels of the v8 Detect head (`reg_max = 16`, ultralytics/nn/modules/head.py). */
const REG_MAX = 16;

/** The modules this family builds (the rest of Ultralytics' modules are refused by name). */
export const YOLO_MODULES = ['Conv', 'C2f', 'C3k2', 'SPPF', 'C2PSA', 'nn.Upsample', 'Concat', 'Detect', 'Segment', 'Pose', 'Classify'] as const;

/** The heads a definition may end with. */
const HEADS: readonly string[] = ['Detect', 'Segment', 'Pose', 'Classify'];
const MODULES = YOLO_MODULES;

/** What the walk needs of a definition once scaled: the layers with their resolved repeats and arguments. */
interface ResolvedLayer {
  readonly index: number;
  readonly from: readonly number[];
  readonly repeats: number;
  readonly module: (typeof MODULES)[number];
  /**
   * Output channels (Conv, C2f, C3k2, SPPF, C2PSA), kernel and stride (Conv), shortcut (C2f, C3k2), pool kernel (SPPF),
   * factor (Upsample), C3k blocks (C3k2), hidden-channel ratio e (C3k2, C2PSA).
   */
  readonly c2: number;
  readonly kernel: number;
  readonly stride: number;
  readonly shortcut: boolean;
  readonly factor: number;
  readonly c3k: boolean;
  readonly expansion: number;
  /** Segment: mask coefficients nm and prototype channels npr; Pose: keypoint outputs (keypoints x dimensions). */
  readonly masks: number;
  readonly protos: number;
  readonly keypoints: number;
  readonly where: string;
}

function makeDivisible(x: number, divisor: number): number {
  return Math.ceil(x / divisor) * divisor;
}

/** A layer argument: a number, `nc` (the model's classes), a boolean, or None. */
function numberArg(args: readonly unknown[], i: number, nc: number, where: string, fallback?: number): number {
  const v = args[i];
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  if (v === 'nc') return nc;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  throw new InputError(`${where}: argument ${i + 1} must be a positive number, got ${showValue(v)}`);
}

/** A hidden-channel ratio e (C3k2, C2PSA): a number above 0 and at most 1. */
function ratioArg(args: readonly unknown[], i: number, where: string): number {
  const v = args[i];
  if (v === undefined || v === null) return 0.5;
  if (typeof v === 'number' && v > 0 && v <= 1) return v;
  throw new InputError(`${where}: argument ${i + 1} (the hidden-channel ratio e) must be a number above 0 and at most 1, got ${showValue(v)}`);
}

function boolArg(args: readonly unknown[], i: number, where: string, fallback: boolean): boolean {
  const v = args[i];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  if (v === 'True' || v === 'False') return v === 'True';
  throw new InputError(`${where}: argument ${i + 1} must be True or False, got ${showValue(v)}`);
}

function readLayer(raw: unknown, where: string): LayerSpec {
  if (!Array.isArray(raw) || raw.length !== 4) throw new InputError(`${where} must be [from, repeats, module, args], got ${showValue(raw)}`);
  const [from, repeats, module, args] = raw as readonly unknown[];
  const fromOk = typeof from === 'number' || (Array.isArray(from) && from.length > 0 && from.every((f) => typeof f === 'number'));
  if (!fromOk) throw new InputError(`${where}: 'from' must be a layer index or a list of them, got ${showValue(from)}`);
  if (typeof repeats !== 'number' || !Number.isInteger(repeats) || repeats < 1 || repeats > LIMITS.layers.max) {
    throw new InputError(`${where}: repeats must be a whole number from 1 to ${LIMITS.layers.max}, got ${showValue(repeats)}`);
  }
  if (typeof module !== 'string') throw new InputError(`${where}: the module must be a name, got ${showValue(module)}`);
  if (!Array.isArray(args)) throw new InputError(`${where}: args must be a list, got ${showValue(args)}`);
  return [from as number | readonly number[], repeats, module, args as readonly unknown[]];
}

function readScale(raw: unknown, where: string): Scale {
  if (!Array.isArray(raw) || raw.length !== 3 || !raw.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new InputError(`${where} must be [depth, width, max_channels], three positive numbers, got ${showValue(raw)}`);
  }
  return raw as unknown as Scale;
}

/** A model definition from a config (an Ultralytics model YAML's fields), or the bundled one its architecture names. */
function readDefinition(config: JsonObject, architecture: string, nc: number): ModelDefinition {
  if (config.backbone === undefined && config.head === undefined) return { ...bundledDefinition(architecture), nc };
  const layers = (key: 'backbone' | 'head'): LayerSpec[] => {
    const raw = config[key];
    if (!Array.isArray(raw) || raw.length === 0) throw new InputError(`field '${key}' must be a list of [from, repeats, module, args] layers, got ${showValue(raw)}`);
    return raw.map((l, i) => readLayer(l, `${key}[${i}]`));
  };
  const scales: Record<string, Scale> = {};
  if (config.scales !== undefined && config.scales !== null) {
    if (!isJsonObject(config.scales)) throw new InputError(`field 'scales' must map scale letters to [depth, width, max_channels], got ${showValue(config.scales)}`);
    for (const [k, v] of Object.entries(config.scales)) scales[k] = readScale(v, `scales.${k}`);
  }
  const kpt = config.kpt_shape;
  if (kpt !== undefined && kpt !== null && !(Array.isArray(kpt) && kpt.length === 2 && kpt.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0))) {
    throw new InputError(`field 'kpt_shape' must be [keypoints, dimensions], two positive whole numbers, got ${showValue(kpt)}`);
  }
  const kptShape = Array.isArray(kpt) ? (kpt as unknown as readonly [number, number]) : undefined;
  return { nc, scales, backbone: layers('backbone'), head: layers('head'), ...(kptShape !== undefined ? { kptShape } : {}) };
}

/**
 * The scale: the config's `scale`, else the letter after `yolov8` / `yolo11` in the definition file's name (`yaml_file`;
 * the architecture for a bundled definition), as guess_model_scale reads it, else the first listed (parse_model's
 * fallback, with its warning); without `scales`, depth_multiple / width_multiple (1.0).
 */
function chooseScale(def: ModelDefinition, config: JsonObject, architecture: string, warnings: string[]): { name: string; scale: Scale } {
  const keys = Object.keys(def.scales);
  if (keys.length === 0) {
    const multiple = (key: string): number => {
      const v = config[key];
      if (v === undefined || v === null) return 1;
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InputError(`field '${key}' must be a positive number, got ${showValue(v)}`);
      return v;
    };
    return { name: '', scale: [multiple('depth_multiple'), multiple('width_multiple'), Number.POSITIVE_INFINITY] };
  }
  // a workspace definition's file name (`yaml_file`), the bundled definition's architecture name
  const fileName = typeof config.yaml_file === 'string' ? config.yaml_file : config.backbone === undefined ? architecture : '';
  const named = typeof config.scale === 'string' ? config.scale : /yolo(?:e-)?v?\d+([nslmx])/.exec(fileName.split('/').pop() ?? '')?.[1];
  if (named !== undefined) {
    const scale = def.scales[named];
    if (scale === undefined) throw new InputError(`scale '${named}' is not one of the definition's scales (${keys.join(', ')})`);
    return { name: named, scale };
  }
  const first = keys[0] as string;
  warnings.push(`no model scale named; Ultralytics' parse_model takes the first, '${first}'`);
  return { name: first, scale: def.scales[first] as Scale };
}

/** parse_model's resolution of repeats, channels and arguments (see the module comment). */
function resolveLayers(def: ModelDefinition, scale: Scale, scaleName: string): { layers: ResolvedLayer[]; channels: number[]; legacy: boolean } {
  const [depth, width, maxChannels] = scale;
  const all = [...def.backbone.map((l, i) => ({ l, where: `backbone[${i}]` })), ...def.head.map((l, i) => ({ l, where: `head[${i}]` }))];
  const channels: number[] = [];
  const layers: ResolvedLayer[] = [];
  all.forEach(({ l: [fromRaw, n0, moduleName, args], where }, index) => {
    const module = MODULES.find((m) => m === moduleName);
    if (module === undefined) throw new InputError(`${where}: module '${moduleName}' is not modelled (modelled: ${MODULES.join(', ')})`);
    const from = (typeof fromRaw === 'number' ? [fromRaw] : fromRaw).map((f) => {
      const abs = f < 0 ? index + f : f;
      if (!Number.isInteger(f) || abs < -1 || abs >= index || (index === 0 && f !== -1)) {
        throw new InputError(`${where}: 'from' ${f} does not name an earlier layer`);
      }
      return abs;
    });
    const channelsOf = (abs: number) => (abs === -1 ? 3 : (channels[abs] as number));
    const repeats = n0 > 1 ? Math.max(Math.round(n0 * depth), 1) : n0;
    const base = { index, from, where, repeats, kernel: 1, stride: 1, shortcut: false, factor: 1, c3k: false, expansion: 0.5, masks: 0, protos: 0, keypoints: 0 };
    const scaled = (c: number) => (c === def.nc ? c : makeDivisible(Math.min(c, maxChannels) * width, 8));
    let layer: ResolvedLayer;
    if (module === 'Conv') {
      layer = { ...base, module, c2: scaled(numberArg(args, 0, def.nc, where)), kernel: numberArg(args, 1, def.nc, where, 1), stride: numberArg(args, 2, def.nc, where, 1) };
    } else if (module === 'C2f') {
      layer = { ...base, module, c2: scaled(numberArg(args, 0, def.nc, where)), shortcut: boolArg(args, 1, where, false) };
    } else if (module === 'C3k2') {
      // C3k2(c1, c2, n, c3k, e, g, shortcut); parse_model sets c3k at scales m, l and x
      if (args[3] !== undefined && args[3] !== null && args[3] !== 1) throw new InputError(`${where}: grouped C3k2 convolutions (g = ${showValue(args[3])}) are not modelled`);
      const c3k = 'mlx'.includes(scaleName) && scaleName !== '' ? true : boolArg(args, 1, where, false);
      layer = { ...base, module, c2: scaled(numberArg(args, 0, def.nc, where)), c3k, expansion: ratioArg(args, 2, where), shortcut: boolArg(args, 4, where, true) };
      if (Math.floor(layer.c2 * layer.expansion) < 2) throw new InputError(`${where}: C3k2's hidden channels int(${layer.c2} x ${layer.expansion}) must be at least 2`);
    } else if (module === 'C2PSA') {
      layer = { ...base, module, c2: scaled(numberArg(args, 0, def.nc, where)), expansion: ratioArg(args, 1, where) };
      const c = Math.floor(layer.c2 * layer.expansion);
      const heads = Math.floor(c / 64);
      if (channelsOf(from[0] as number) !== layer.c2) throw new InputError(`${where}: C2PSA needs equal input and output channels, got ${channelsOf(from[0] as number)} and ${layer.c2}`);
      if (heads < 1 || c % heads !== 0) throw new InputError(`${where}: C2PSA's attention takes int(${layer.c2} x ${layer.expansion}) // 64 heads of equal width, which ${c} channels do not give`);
    } else if (module === 'SPPF') {
      layer = { ...base, module, c2: scaled(numberArg(args, 0, def.nc, where)), kernel: numberArg(args, 1, def.nc, where, 5) };
    } else if (module === 'nn.Upsample') {
      layer = { ...base, module, c2: channelsOf(from[0] as number), factor: numberArg(args, 1, def.nc, where) };
    } else if (module === 'Concat') {
      if (args[0] !== 1) throw new InputError(`${where}: only concatenation along channels (dimension 1) is modelled, got ${showValue(args[0])}`);
      layer = { ...base, module, c2: from.reduce((n, f) => n + channelsOf(f), 0) };
    } else if (module === 'Segment') {
      // Segment(nc, nm=32, npr=256): parse_model scales npr as a layer's channels
      layer = { ...base, module, c2: 0, masks: numberArg(args, 1, def.nc, where, 32), protos: makeDivisible(Math.min(numberArg(args, 2, def.nc, where, 256), maxChannels) * width, 8) };
    } else if (module === 'Pose') {
      const shape = args[1] === 'kpt_shape' || args[1] === undefined ? def.kptShape ?? [17, 3] : args[1];
      if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)) {
        throw new InputError(`${where}: Pose's keypoint shape must be [keypoints, dimensions], got ${showValue(shape)}`);
      }
      layer = { ...base, module, c2: 0, keypoints: (shape[0] as number) * (shape[1] as number) };
    } else if (module === 'Classify') {
      // Classify(c1, c2 = nc, k=1, s=1): its c2 is scaled like any layer's unless it is nc
      layer = { ...base, module, c2: scaled(numberArg(args, 0, def.nc, where)), kernel: numberArg(args, 1, def.nc, where, 1), stride: numberArg(args, 2, def.nc, where, 1) };
    } else {
      layer = { ...base, module, c2: 0 };
    }
    if (HEADS.includes(module) && index !== all.length - 1) throw new InputError(`${where}: ${module} must be the definition's last layer`);
    if (module !== 'Concat' && module !== 'Detect' && module !== 'Segment' && module !== 'Pose' && from.length !== 1) throw new InputError(`${where}: ${module} takes one input, got ${from.length}`);
    for (const v of [layer.kernel, layer.stride, layer.factor, layer.c2, layer.masks, layer.keypoints]) {
      if (!Number.isInteger(v) || v > LIMITS.hidden.max) throw new InputError(`${where}: ${module}'s sizes must be whole numbers up to ${LIMITS.hidden.max}`);
    }
    if (repeats > 1 && module !== 'C2f' && module !== 'C3k2' && module !== 'C2PSA' && channelsOf(from[0] as number) !== layer.c2) {
      throw new InputError(`${where}: ${repeats} ${module} layers in a row need equal input and output channels`);
    }
    channels.push(layer.c2);
    layers.push(layer);
  });
  const last = layers[layers.length - 1]?.module;
  if (last === undefined || !HEADS.includes(last)) throw new InputError(`the definition's last layer must be a head (${HEADS.join(', ')}), got ${last ?? 'none'}`);
  // parse_model builds Detect with legacy = True unless a C3k2 came before it
  return { layers, channels, legacy: !layers.some((l) => l.module === 'C3k2') };
}

/** Conv: Conv2d(bias=False) + BatchNorm2d + SiLU (`act: false`: no activation; `groups`: a grouped / depthwise conv). */
function yoloConv(t: CnnTrace, name: string, x: Feature, c2: number, kernel: number, stride = 1, o: { groups?: number; act?: boolean } = {}): Feature {
  let y = t.conv2d(`${name}.conv`, x, c2, { kernel, stride, padding: Math.floor(kernel / 2), groups: o.groups ?? 1 });
  y = t.batchNorm(`${name}.bn`, y);
  return o.act === false ? y : t.silu(y, false);
}

/** Bottleneck(c, c, shortcut, k=(3, 3)) with `hidden` channels between its two convs, adding its input when shortcut. */
function bottleneck(t: CnnTrace, name: string, x: Feature, hidden: number, shortcut: boolean): Feature {
  const inner = yoloConv(t, `${name}.cv2`, yoloConv(t, `${name}.cv1`, x, hidden, 3), x.c, 3);
  return shortcut ? t.add(x, inner) : inner;
}

/** C3k(c, c, 2, shortcut): two half-width 1x1 branches, two bottlenecks on the first, a 1x1 over both. */
function c3k(t: CnnTrace, name: string, x: Feature, shortcut: boolean): Feature {
  const c = Math.floor(x.c * 0.5);
  let y = yoloConv(t, `${name}.cv1`, x, c, 1);
  const side = yoloConv(t, `${name}.cv2`, x, c, 1);
  for (let i = 0; i < 2; i++) y = bottleneck(t, `${name}.m.${i}`, y, c, shortcut);
  return yoloConv(t, `${name}.cv3`, t.concatAll([y, side], name), x.c, 1);
}

function c3k2(t: CnnTrace, name: string, x: Feature, l: ResolvedLayer): Feature {
  const c = Math.floor(l.c2 * l.expansion);
  const pieces: Feature[] = t.chunk(yoloConv(t, `${name}.cv1`, x, 2 * c, 1), 2);
  for (let i = 0; i < l.repeats; i++) {
    const input = pieces[pieces.length - 1] as Feature;
    pieces.push(l.c3k ? c3k(t, `${name}.m.${i}`, input, l.shortcut) : bottleneck(t, `${name}.m.${i}`, input, Math.floor(c * 0.5), l.shortcut));
  }
  return yoloConv(t, `${name}.cv2`, t.concatAll(pieces, name), l.c2, 1);
}

/** Ultralytics' Attention(c, heads, attn_ratio 0.5) over the positions of a map (see the module comment). */
function attention(t: CnnTrace, name: string, x: Feature, heads: number): Feature {
  const headDim = Math.floor(x.c / heads);
  const keyDim = Math.floor(headDim * 0.5);
  const qkv = yoloConv(t, `${name}.qkv`, x, x.c + 2 * keyDim * heads, 1, 1, { act: false });
  const weighted = t.matmulAttention(qkv, heads, x.c);
  // v.reshape(B, C, H, W): v is a strided view of qkv (per head, after q and k), so the reshape copies it
  const v = t.copy((t.split(qkv, [2 * keyDim * heads, headDim * heads]))[1] as Feature);
  const pe = yoloConv(t, `${name}.pe`, v, x.c, 3, 1, { groups: x.c, act: false });
  return yoloConv(t, `${name}.proj`, t.add(weighted, pe), x.c, 1, 1, { act: false });
}

function c2psa(t: CnnTrace, name: string, x: Feature, l: ResolvedLayer): Feature {
  const c = Math.floor(x.c * l.expansion);
  const [a, b0] = t.split(yoloConv(t, `${name}.cv1`, x, 2 * c, 1), [c, c]) as [Feature, Feature];
  let b = b0;
  for (let i = 0; i < l.repeats; i++) {
    const block = `${name}.m.${i}`;
    b = t.add(b, attention(t, `${block}.attn`, b, Math.floor(c / 64)));
    const ffn = yoloConv(t, `${block}.ffn.1`, yoloConv(t, `${block}.ffn.0`, b, 2 * c, 1), c, 1, 1, { act: false });
    b = t.add(b, ffn);
  }
  return yoloConv(t, `${name}.cv2`, t.concatAll([a, b], name), x.c, 1);
}

function c2f(t: CnnTrace, name: string, x: Feature, c2: number, n: number, shortcut: boolean): Feature {
  const c = Math.floor(c2 * 0.5);
  const pieces: Feature[] = t.chunk(yoloConv(t, `${name}.cv1`, x, 2 * c, 1), 2);
  for (let i = 0; i < n; i++) {
    const input = pieces[pieces.length - 1] as Feature;
    const inner = yoloConv(t, `${name}.m.${i}.cv2`, yoloConv(t, `${name}.m.${i}.cv1`, input, c, 3), c, 3);
    pieces.push(shortcut ? t.add(input, inner) : inner);
  }
  return yoloConv(t, `${name}.cv2`, t.concatAll(pieces, name), c2, 1);
}

function sppf(t: CnnTrace, name: string, x: Feature, c2: number, k: number): Feature {
  const c = Math.floor(x.c / 2);
  const pieces = [yoloConv(t, `${name}.cv1`, x, c, 1)];
  for (let i = 0; i < 3; i++) pieces.push(t.maxPool(pieces[i] as Feature, k, 1, Math.floor(k / 2)));
  return yoloConv(t, `${name}.cv2`, t.concatAll(pieces, name), c2, 1);
}

function detect(t: CnnTrace, name: string, inputs: readonly Feature[], nc: number, legacy: boolean): void {
  const first = inputs[0] as Feature;
  const c2 = Math.max(16, Math.floor(first.c / 4), 4 * REG_MAX);
  const c3 = Math.max(first.c, Math.min(nc, 100));
  inputs.forEach((x, i) => {
    const box = yoloConv(t, `${name}.cv2.${i}.1`, yoloConv(t, `${name}.cv2.${i}.0`, x, c2, 3), c2, 3);
    t.conv2d(`${name}.cv2.${i}.2`, box, 4 * REG_MAX, { kernel: 1, bias: true });
  });
  inputs.forEach((x, i) => {
    const scope = `${name}.cv3.${i}`;
    let cls: Feature;
    if (legacy) cls = yoloConv(t, `${scope}.1`, yoloConv(t, `${scope}.0`, x, c3, 3), c3, 3);
    else {
      // (DWConv(x, x, 3), Conv(x, c3, 1)), (DWConv(c3, c3, 3), Conv(c3, c3, 1))
      const first = yoloConv(t, `${scope}.0.1`, yoloConv(t, `${scope}.0.0`, x, x.c, 3, 1, { groups: x.c }), c3, 1);
      cls = yoloConv(t, `${scope}.1.1`, yoloConv(t, `${scope}.1.0`, first, c3, 3, 1, { groups: c3 }), c3, 1);
    }
    t.conv2d(`${scope}.2`, cls, nc, { kernel: 1, bias: true });
  });
  // DFL: a fixed 1x1 conv (requires_grad False), used on the box distributions at inference and in the loss's decoding.
  t.params.conv2d(`${name}.dfl.conv`, REG_MAX, 1, 1, 1, false);
}

/** Conv(x, c4, 3), Conv(c4, c4, 3), Conv2d(c4, out, 1) with bias: the Segment / Pose heads' cv4 branch per input. */
function extraBranch(t: CnnTrace, name: string, inputs: readonly Feature[], out: number): void {
  const c4 = Math.max(Math.floor((inputs[0] as Feature).c / 4), out);
  inputs.forEach((x, i) => {
    const y = yoloConv(t, `${name}.cv4.${i}.1`, yoloConv(t, `${name}.cv4.${i}.0`, x, c4, 3), c4, 3);
    t.conv2d(`${name}.cv4.${i}.2`, y, out, { kernel: 1, bias: true });
  });
}

/** Proto(c1, npr, nm): Conv(c1, npr, 3), ConvTranspose2d(npr, npr, 2, 2) with bias, Conv(npr, npr, 3), Conv(npr, nm, 1). */
function proto(t: CnnTrace, name: string, x: Feature, protos: number, masks: number): void {
  const up = t.convTranspose2d(`${name}.upsample`, yoloConv(t, `${name}.cv1`, x, protos, 3), protos, 2, 2, true);
  yoloConv(t, `${name}.cv3`, yoloConv(t, `${name}.cv2`, up, protos, 3), masks, 1);
}

/** Classify(c1, nc): Conv(c1, 1280, k, s), AdaptiveAvgPool2d(1), Dropout(p=0.0) (nothing to save), Linear(1280, nc). */
function classify(t: CnnTrace, name: string, x: Feature, l: ResolvedLayer): Feature {
  const pooled = t.adaptiveAvgPool(yoloConv(t, `${name}.conv`, x, 1280, l.kernel, l.stride));
  return t.linear(`${name}.linear`, pooled, l.c2);
}

function walkYolo(layers: readonly ResolvedLayer[], nc: number, legacy: boolean) {
  return (t: CnnTrace, imageSize: number): Feature[] => {
    const outputs: Feature[] = [];
    const input = t.input(3, imageSize);
    const get = (abs: number) => (abs === -1 ? input : (outputs[abs] as Feature));
    let detectInputs: Feature[] = [];
    for (const l of layers) {
      const name = `model.${l.index}`;
      const x = get(l.from[0] as number);
      let y: Feature;
      const repeated = (one: (scope: string, input: Feature) => Feature): Feature => {
        if (l.repeats === 1) return one(name, x);
        let z = x;
        for (let r = 0; r < l.repeats; r++) z = one(`${name}.${r}`, z);
        return z;
      };
      switch (l.module) {
        case 'Conv':
          y = repeated((scope, z) => yoloConv(t, scope, z, l.c2, l.kernel, l.stride));
          break;
        case 'C2f':
          y = c2f(t, name, x, l.c2, l.repeats, l.shortcut);
          break;
        case 'C3k2':
          y = c3k2(t, name, x, l);
          break;
        case 'C2PSA':
          y = c2psa(t, name, x, l);
          break;
        case 'SPPF':
          y = repeated((scope, z) => sppf(t, scope, z, l.c2, l.kernel));
          break;
        case 'nn.Upsample':
          y = t.upsampleNearest(x, l.factor);
          break;
        case 'Concat':
          y = t.concatAll(l.from.map(get), `${l.where} (Concat)`);
          break;
        case 'Detect':
        case 'Segment':
        case 'Pose':
          detectInputs = l.from.map(get);
          detect(t, name, detectInputs, nc, legacy);
          if (l.module === 'Segment') {
            proto(t, `${name}.proto`, detectInputs[0] as Feature, l.protos, l.masks);
            extraBranch(t, name, detectInputs, l.masks);
          } else if (l.module === 'Pose') extraBranch(t, name, detectInputs, l.keypoints);
          y = x;
          break;
        case 'Classify':
          y = classify(t, name, x, l);
          break;
      }
      outputs.push(y);
    }
    return detectInputs;
  };
}

/** The largest stride of the Detect inputs, as Ultralytics measures it (a forward pass at 256 x 256). */
function largestStride(walk: (t: CnnTrace, size: number) => Feature[], name: string): number {
  const probe = 256;
  const inputs = walk(new CnnTrace(name, probe), probe);
  return Math.max(...inputs.map((x) => probe / x.h));
}

export const yolo: ModelFamily = {
  modelTypes: [],
  architectures: ARCHITECTURES,
  source: {
    title: 'Ultralytics YOLOv8 / YOLO11 (yolov8.yaml, yolo11.yaml, parse_model, Conv / C2f / C3k2 / SPPF / C2PSA / Detect)',
    url: 'https://github.com/ultralytics/ultralytics/blob/023641f5f0a4249fd5e6e069758c1d5ebe80ce4f/ultralytics/cfg/models/v8/yolov8.yaml',
    locator: 'ultralytics/cfg/models/v8/yolov8.yaml; ultralytics/cfg/models/11/yolo11.yaml (0a2ae50b3d43736e6688987d5f9b46c60a33ea5f); ultralytics/nn/tasks.py parse_model; ultralytics/nn/modules/{conv,block,head}.py',
  },
  build(config: JsonObject, architecture: string): ModelInventory {
    const f = new ConfigFields(config, `a ${architecture} model`);
    const nc = f.optionalInt(['nc', 'num_classes'], LIMITS.labels, bundledDefinition(architecture).nc);
    const requested = f.optionalInt('image_size', LIMITS.imageSize, YOLO_DEFAULT_IMAGE_SIZE);
    const warnings: string[] = [];
    const def = readDefinition(config, architecture, nc);
    const { name: scaleName, scale } = chooseScale(def, config, architecture, warnings);
    const { layers, legacy } = resolveLayers(def, scale, scaleName);
    const walk = walkYolo(layers, nc, legacy);
    const stride = Math.max(largestStride(walk, architecture), 32);
    // check_imgsz(imgsz, stride=gs, floor=gs): the size rounded up to a multiple of the stride, at least the stride
    const trainSize = (size: number) => Math.max(makeDivisible(size, stride), stride);
    const imageSize = trainSize(requested);
    if (imageSize !== requested) warnings.push(`image size ${requested} is trained as ${imageSize} (Ultralytics rounds it up to a multiple of the stride ${stride})`);
    const trace = new CnnTrace(architecture, imageSize);
    walk(trace, imageSize);
    const tensors = trace.params.tensors().map((t) => (t.name.endsWith('.dfl.conv.weight') ? { ...t, trainable: false } : t));
    const count = savedElementsCounter((t, size) => void walk(t, trainSize(size)), architecture);
    return {
      family: 'yolo',
      architecture,
      tensors,
      shape: { kind: 'cnn', savedElementsPerSample: count, defaultImageSize: imageSize, numLabels: nc },
      warnings,
      config: { architecture, nc, image_size: imageSize, ...(scaleName ? { scale: scaleName } : {}) },
    };
  },
};
