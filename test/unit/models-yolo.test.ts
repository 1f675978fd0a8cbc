/**
 * Ultralytics YOLOv8 and YOLO11 inventories: parameter counts from the tensor list against the model summaries
 * Ultralytics prints beside the scales of ultralytics/cfg/models/v8/yolov8.yaml and 11/yolo11.yaml, state-dict names and
 * shapes, the frozen DFL conv, a workspace definition with its own nc / scales, the image-size rounding, bad
 * definitions; the saved feature maps per sample against PyTorch's autograd on a network written from the same layer
 * shapes (test/reference/yolo_saved_elements.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildInventory, countParams, inventoryForRef } from '../../src/core/models';
import { InputError } from '../../src/core/types';
import type { ModelInventory } from '../../src/core/models/types';
import { PYTHON, sourceFile } from '../reference/python';

function saved(inv: ModelInventory, size: number): number {
  assert.equal(inv.shape.kind, 'cnn');
  return inv.shape.kind === 'cnn' ? inv.shape.savedElementsPerSample(size) : NaN;
}

/**
 * "YOLOv8n summary: 225 layers, 3157200 parameters, 3157184 gradients, 8.9 GFLOPs" and the s/m/l/x lines: the comments
 * beside `scales` in ultralytics/cfg/models/v8/yolov8.yaml
 * (https://github.com/ultralytics/ultralytics/blob/023641f5f0a4249fd5e6e069758c1d5ebe80ce4f/ultralytics/cfg/models/v8/yolov8.yaml),
 * nc: 80. Parameters include the DFL conv's 16 fixed weights; gradients do not.
 */
const PUBLISHED: readonly (readonly [string, number, number])[] = [
  ['yolov8n', 3_157_200, 3_157_184],
  ['yolov8s', 11_166_560, 11_166_544],
  ['yolov8m', 25_902_640, 25_902_624],
  ['yolov8l', 43_691_520, 43_691_504],
  ['yolov8x', 68_229_648, 68_229_632],
];

test('YOLOv8 n/s/m/l/x at nc=80: parameters and gradients equal the published model summaries', () => {
  for (const [name, parameters, gradients] of PUBLISHED) {
    for (const ref of [name, `${name}.pt`, `${name}.yaml`]) {
      const inv = inventoryForRef(ref);
      assert.equal(inv.family, 'yolo', ref);
      assert.deepEqual(countParams(inv), { total: parameters, trainable: gradients }, ref);
    }
  }
});

test('YOLOv8n state-dict names, shapes and roles (Conv = conv + bn; C2f, SPPF, Detect)', () => {
  const t = new Map(inventoryForRef('yolov8n').tensors.map((x) => [x.name, x]));
  assert.deepEqual(t.get('model.0.conv.weight')?.shape, [16, 3, 3, 3]);
  assert.equal(t.get('model.0.conv.weight')?.role, 'conv');
  assert.equal(t.has('model.0.conv.bias'), false);
  assert.deepEqual(t.get('model.0.bn.weight')?.shape, [16]);
  assert.equal(t.get('model.0.bn.bias')?.role, 'norm');
  assert.equal([...t.keys()].some((n) => /running_(mean|var)|num_batches_tracked/.test(n)), false, 'BatchNorm buffers are not parameters');
  // C2f(32, 32, n=1, shortcut): c = 16; cv1 1x1 32 -> 32; one bottleneck of two 3x3 16 -> 16; cv2 1x1 48 -> 32
  assert.deepEqual(t.get('model.2.cv1.conv.weight')?.shape, [32, 32, 1, 1]);
  assert.deepEqual(t.get('model.2.m.0.cv1.conv.weight')?.shape, [16, 16, 3, 3]);
  assert.equal(t.has('model.2.m.1.cv1.conv.weight'), false);
  assert.deepEqual(t.get('model.2.cv2.conv.weight')?.shape, [32, 48, 1, 1]);
  // depth 0.33: 6 repeats -> round(1.98) = 2 bottlenecks
  assert.equal(t.has('model.4.m.1.cv2.conv.weight'), true);
  assert.equal(t.has('model.4.m.2.cv2.conv.weight'), false);
  // SPPF(256, 256): c_ = 128, cv2 over 4 x 128
  assert.deepEqual(t.get('model.9.cv2.conv.weight')?.shape, [256, 512, 1, 1]);
  // head C2f 12 takes Concat(256 + 128) = 384
  assert.deepEqual(t.get('model.12.cv1.conv.weight')?.shape, [128, 384, 1, 1]);
  // Detect(80, ch=(64, 128, 256)): c2 = max(16, 16, 64) = 64, c3 = max(64, 80) = 80
  assert.deepEqual(t.get('model.22.cv2.0.0.conv.weight')?.shape, [64, 64, 3, 3]);
  assert.deepEqual(t.get('model.22.cv2.2.2.weight')?.shape, [64, 64, 1, 1]);
  assert.equal(t.get('model.22.cv2.2.2.bias')?.role, 'bias');
  assert.deepEqual(t.get('model.22.cv3.1.0.conv.weight')?.shape, [80, 128, 3, 3]);
  assert.deepEqual(t.get('model.22.cv3.0.2.weight')?.shape, [80, 80, 1, 1]);
  const dfl = t.get('model.22.dfl.conv.weight');
  assert.deepEqual(dfl?.shape, [1, 16, 1, 1]);
  assert.equal(dfl?.trainable, false);
  assert.equal([...t.values()].filter((x) => !x.trainable).length, 1);
});

test('the class count changes only the cv3 output convs (and c3 once nc exceeds the first input channels)', () => {
  const base = countParams(inventoryForRef('yolov8n')).total;
  const nc3 = countParams(buildInventory({ architecture: 'yolov8n', nc: 3 }, 'config')).total;
  // c3 = max(64, min(nc, 100)): 80 at nc=80 and 64 at nc=3; cv3.i.0 is 3x3 ch_i -> c3, cv3.i.1 3x3 c3 -> c3, cv3.i.2 1x1 c3 -> nc
  const cv3 = (c3: number, nc: number) =>
    [64, 128, 256].reduce((n, ch) => n + (ch * c3 * 9 + 2 * c3) + (c3 * c3 * 9 + 2 * c3) + (c3 * nc + nc), 0);
  assert.equal(nc3, base - cv3(80, 80) + cv3(64, 3));
});

test('a workspace definition: its own layers, nc and scales, the scale from the name, first scale otherwise', () => {
  const def = {
    nc: 2,
    scales: { n: [0.5, 0.25, 256], l: [1, 0.5, 512] },
    backbone: [[-1, 1, 'Conv', [32, 3, 2]], [-1, 2, 'C2f', [64, true]], [-1, 1, 'Conv', [64, 3, 2]]],
    head: [[[-1], 1, 'Detect', ['nc']]],
  };
  const inv = buildInventory({ ...def, architecture: 'yolov8n', scale: 'l' }, 'custom.yaml');
  const t = new Map(inv.tensors.map((x) => [x.name, x]));
  // scale l: width 0.5, Conv 32 -> 16, C2f 64 -> 32 with round(2 x 1) = 2 bottlenecks, Conv 64 -> 32
  assert.deepEqual(t.get('model.0.conv.weight')?.shape, [16, 3, 3, 3]);
  assert.deepEqual(t.get('model.1.cv1.conv.weight')?.shape, [32, 16, 1, 1]);
  assert.equal(t.has('model.1.m.1.cv1.conv.weight'), true);
  assert.deepEqual(t.get('model.3.cv3.0.2.weight')?.shape, [2, 32, 1, 1]);
  const named = buildInventory({ ...def, architecture: 'yolov8n', yaml_file: 'cfg/yolov8l-p2.yaml' }, 'custom.yaml');
  assert.equal(named.config['scale'], 'l');
  assert.deepEqual(named.warnings, []);
  const first = buildInventory({ ...def, architecture: 'yolov8n' }, 'custom.yaml');
  assert.match(first.warnings.join(' '), /takes the first, 'n'/);
  assert.deepEqual(first.tensors.find((x) => x.name === 'model.0.conv.weight')?.shape, [8, 3, 3, 3]);
});

test('bad definitions and sizes are InputErrors naming the layer', () => {
  const bad = (config: Record<string, unknown>, re: RegExp) => assert.throws(() => buildInventory({ architecture: 'yolov8n', ...config }, 'x.yaml'), (e: unknown) => e instanceof InputError && re.test(e.message));
  const head = [[[-1], 1, 'Detect', ['nc']]];
  bad({ backbone: [[-1, 1, 'A2C2f', [64]]], head }, /backbone\[0\]: module 'A2C2f' is not modelled/);
  bad({ backbone: [[-1, 1, 'Conv', [64, 3, 2]], [-1, 1, 'C2PSA', [128]]], head }, /backbone\[1\]: C2PSA needs equal input and output channels, got 64 and 128/);
  bad({ backbone: [[-1, 1, 'Conv', [64, 3, 2]], [-1, 1, 'C2PSA', [64]]], head }, /backbone\[1\]: C2PSA's attention takes int\(64 x 0\.5\) \/\/ 64 heads/);
  bad({ backbone: [[-1, 1, 'C3k2', [64, false, 0.25, 2]]], head }, /backbone\[0\]: grouped C3k2 convolutions \(g = 2\) are not modelled/);
  bad({ backbone: [[-1, 1, 'C3k2', [64, false, 1.5]]], head }, /backbone\[0\]: argument 3 \(the hidden-channel ratio e\) must be a number above 0 and at most 1/);
  bad({ backbone: [[-1, 1, 'Conv']], head }, /backbone\[0\] must be \[from, repeats, module, args\]/);
  bad({ backbone: [[3, 1, 'Conv', [16, 3, 2]]], head }, /backbone\[0\]: 'from' 3 does not name an earlier layer/);
  bad({ backbone: [[-1, 1, 'Conv', ['wide', 3]]], head }, /backbone\[0\]: argument 1 must be a positive number/);
  bad({ backbone: [[-1, 1, 'Conv', [16, 3, 2]]], head: [[-1, 1, 'Conv', [16]]] }, /last layer must be a head \(Detect, Segment, Pose, Classify\), got Conv/);
  bad({ backbone: [[-1, 1, 'Conv', [16, 3, 2]]], head, scales: { n: [0.33, 0.25] } }, /scales\.n must be \[depth, width, max_channels\]/);
  bad({ nc: 0 }, /nc/);
  assert.throws(() => saved(inventoryForRef('yolov8n'), 0), InputError);
});

test('the image size is rounded up to a multiple of the stride 32, as Ultralytics trains it', () => {
  const inv = buildInventory({ architecture: 'yolov8n', image_size: 650 }, 'config');
  assert.equal(inv.shape.kind === 'cnn' && inv.shape.defaultImageSize, 672);
  assert.match(inv.warnings.join(' '), /650 is trained as 672/);
  assert.equal(saved(inv, 650), saved(inv, 672));
  assert.equal(saved(inv, 1), saved(inv, 32));
});

test('saved elements per sample: the first Conv by hand, and the whole network against PyTorch autograd', () => {
  const inv = inventoryForRef('yolov8n');
  // Growth from 64 to 128 pixels is 4x for every map (all sizes are exact multiples of the stride).
  assert.equal(saved(inv, 128), 4 * saved(inv, 64));
  // By hand for model.0 at 640: Conv2d saves the 3x640x640 input, BatchNorm the 16x320x320 conv output, SiLU the BN output.
  const firstConv = 3 * 640 * 640 + 2 * 16 * 320 * 320;
  assert.ok(saved(inv, 640) > firstConv);
  const r = spawnSync(PYTHON, [sourceFile('test/reference/yolo_saved_elements.py')], {
    input: JSON.stringify({ scale: 'n', nc: 80, sizes: [64, 96] }), encoding: 'utf8', timeout: 120_000,
  });
  assert.equal(r.status, 0, `python reference failed: ${r.error?.message ?? r.stderr}`);
  const ref = JSON.parse(r.stdout) as { torch: string; params: number; saved: Record<string, number> };
  assert.equal(ref.params, countParams(inv).total, 'the reference network has the same parameters');
  assert.equal(saved(inv, 64), ref.saved['64'], `at 64 px (torch ${ref.torch})`);
  assert.equal(saved(inv, 96), ref.saved['96'], `at 96 px (torch ${ref.torch})`);
});

/**
 * "YOLO11n summary: 319 layers, 2624080 parameters, 2624064 gradients, 6.6 GFLOPs" and the s/m/l/x lines: the comments
 * beside `scales` in ultralytics/cfg/models/11/yolo11.yaml
 * (https://github.com/ultralytics/ultralytics/blob/0a2ae50b3d43736e6688987d5f9b46c60a33ea5f/ultralytics/cfg/models/11/yolo11.yaml),
 * nc: 80. Parameters include the DFL conv's 16 fixed weights; gradients do not.
 */
const PUBLISHED_11: readonly (readonly [string, number, number])[] = [
  ['yolo11n', 2_624_080, 2_624_064],
  ['yolo11s', 9_458_752, 9_458_736],
  ['yolo11m', 20_114_688, 20_114_672],
  ['yolo11l', 25_372_160, 25_372_144],
  ['yolo11x', 56_966_176, 56_966_160],
];

test('YOLO11 n/s/m/l/x at nc=80: parameters and gradients equal the published model summaries', () => {
  for (const [name, parameters, gradients] of PUBLISHED_11) {
    for (const ref of [name, `${name}.pt`, `${name}.yaml`]) {
      const inv = inventoryForRef(ref);
      assert.equal(inv.family, 'yolo', ref);
      assert.deepEqual(countParams(inv), { total: parameters, trainable: gradients }, ref);
    }
  }
});

test('YOLO11n state-dict names and shapes (C3k2, C2PSA and its attention, the depthwise Detect class branch)', () => {
  const t = new Map(inventoryForRef('yolo11n').tensors.map((x) => [x.name, x]));
  // model.2 C3k2(32, 64, n=1, c3k=False, e=0.25): c = 16; cv1 1x1 32 -> 32; Bottleneck(16, 16, e=0.5): 3x3 16 -> 8 -> 16; cv2 48 -> 64
  assert.deepEqual(t.get('model.2.cv1.conv.weight')?.shape, [32, 32, 1, 1]);
  assert.deepEqual(t.get('model.2.m.0.cv1.conv.weight')?.shape, [8, 16, 3, 3]);
  assert.deepEqual(t.get('model.2.m.0.cv2.conv.weight')?.shape, [16, 8, 3, 3]);
  assert.deepEqual(t.get('model.2.cv2.conv.weight')?.shape, [64, 48, 1, 1]);
  assert.equal(t.has('model.2.m.1.cv1.conv.weight'), false, 'depth 0.5: 2 repeats -> 1 block');
  // model.6 C3k2(128, 128, c3k=True, e=0.5): c = 64; C3k(64): cv1/cv2 1x1 64 -> 32, two 3x3 32 -> 32 bottlenecks, cv3 64 -> 64
  assert.deepEqual(t.get('model.6.m.0.cv1.conv.weight')?.shape, [32, 64, 1, 1]);
  assert.deepEqual(t.get('model.6.m.0.cv2.conv.weight')?.shape, [32, 64, 1, 1]);
  assert.deepEqual(t.get('model.6.m.0.m.1.cv2.conv.weight')?.shape, [32, 32, 3, 3]);
  assert.deepEqual(t.get('model.6.m.0.cv3.conv.weight')?.shape, [64, 64, 1, 1]);
  // model.10 C2PSA(256): c = 128, 2 heads of 64, key_dim 32: qkv 128 -> 128 + 2 x 32 x 2 = 256; pe depthwise 3x3
  assert.deepEqual(t.get('model.10.cv1.conv.weight')?.shape, [256, 256, 1, 1]);
  assert.deepEqual(t.get('model.10.m.0.attn.qkv.conv.weight')?.shape, [256, 128, 1, 1]);
  assert.deepEqual(t.get('model.10.m.0.attn.pe.conv.weight')?.shape, [128, 1, 3, 3]);
  assert.deepEqual(t.get('model.10.m.0.attn.proj.conv.weight')?.shape, [128, 128, 1, 1]);
  assert.deepEqual(t.get('model.10.m.0.ffn.0.conv.weight')?.shape, [256, 128, 1, 1]);
  assert.deepEqual(t.get('model.10.m.0.ffn.1.bn.weight')?.shape, [128]);
  assert.equal(t.has('model.10.m.1.attn.qkv.conv.weight'), false);
  // Detect(80, ch=(64, 128, 256)): box branch as v8 (c2 = 64); class branch c3 = max(64, 80) = 80 through depthwise pairs
  assert.deepEqual(t.get('model.23.cv2.0.0.conv.weight')?.shape, [64, 64, 3, 3]);
  assert.deepEqual(t.get('model.23.cv3.0.0.0.conv.weight')?.shape, [64, 1, 3, 3]);
  assert.deepEqual(t.get('model.23.cv3.0.0.1.conv.weight')?.shape, [80, 64, 1, 1]);
  assert.deepEqual(t.get('model.23.cv3.2.1.0.conv.weight')?.shape, [80, 1, 3, 3]);
  assert.deepEqual(t.get('model.23.cv3.2.1.1.conv.weight')?.shape, [80, 80, 1, 1]);
  assert.deepEqual(t.get('model.23.cv3.1.2.weight')?.shape, [80, 80, 1, 1]);
  assert.equal(t.get('model.23.dfl.conv.weight')?.trainable, false);
  // at scale l: every C3k2 takes C3k blocks (parse_model's rule for m/l/x), two of them (depth 1.0), and two PSABlocks
  const l = new Map(inventoryForRef('yolo11l').tensors.map((x) => [x.name, x]));
  assert.deepEqual(l.get('model.2.m.1.cv3.conv.weight')?.shape, [64, 64, 1, 1]);
  assert.equal(l.has('model.16.m.0.m.0.cv1.conv.weight'), true);
  assert.equal(l.has('model.10.m.1.attn.qkv.conv.weight'), true);
});

test('a workspace definition with C3k2 builds the non-legacy Detect head; one without keeps the v8 head', () => {
  const head = [[[-1], 1, 'Detect', ['nc']]];
  const scales = { n: [0.5, 0.25, 1024] };
  const withC3k2 = buildInventory({ architecture: 'yolo11', nc: 2, scales, backbone: [[-1, 1, 'Conv', [256, 3, 2]], [-1, 2, 'C3k2', [256, true]]], head }, 'custom.yaml');
  const names = withC3k2.tensors.map((x) => x.name);
  assert.ok(names.includes('model.2.cv3.0.0.0.conv.weight'), names.join(' '));
  // scale n: c3k as written (True), one C3k block of c = 32
  assert.ok(names.includes('model.1.m.0.cv3.conv.weight'));
  const v8 = buildInventory({ architecture: 'yolov8', nc: 2, scales, backbone: [[-1, 1, 'Conv', [256, 3, 2]], [-1, 2, 'C2f', [256, true]]], head }, 'custom.yaml');
  assert.ok(v8.tensors.some((x) => x.name === 'model.2.cv3.0.1.conv.weight'));
  assert.ok(!v8.tensors.some((x) => x.name === 'model.2.cv3.0.0.0.conv.weight'));
});

test('YOLO11 saved elements per sample against PyTorch autograd (scales n and m: C3k2 with and without C3k blocks)', () => {
  for (const scale of ['n', 'm']) {
    const inv = inventoryForRef(`yolo11${scale}`);
    const r = spawnSync(PYTHON, [sourceFile('test/reference/yolo_saved_elements.py')], {
      input: JSON.stringify({ version: '11', scale, nc: 80, sizes: [64, 96] }), encoding: 'utf8', timeout: 180_000,
    });
    assert.equal(r.status, 0, `python reference failed: ${r.error?.message ?? r.stderr}`);
    const ref = JSON.parse(r.stdout) as { torch: string; params: number; saved: Record<string, number> };
    assert.equal(ref.params, countParams(inv).total, `yolo11${scale}: the reference network has the same parameters`);
    assert.equal(saved(inv, 64), ref.saved['64'], `yolo11${scale} at 64 px (torch ${ref.torch})`);
    assert.equal(saved(inv, 96), ref.saved['96'], `yolo11${scale} at 96 px (torch ${ref.torch})`);
  }
  // C2PSA's softmax keeps heads x N x N: at 640 the P5 map is 20 x 20 (N = 400), so the per-sample count grows faster
  // than the image area from 320 to 640 (N = 100 there)
  const n = inventoryForRef('yolo11n');
  assert.ok(saved(n, 640) > 4 * saved(n, 320));
});

/**
 * Segmentation, pose and classification at scale n..x. YOLO11: the summaries beside `scales` in
 * ultralytics/cfg/models/11/yolo11-seg.yaml and yolo11-pose.yaml (commit 023641f5f0a4249fd5e6e069758c1d5ebe80ce4f,
 * nc: 80, kpt_shape [17, 3]) and yolo11-cls.yaml (commit 0a2ae50b3d43736e6688987d5f9b46c60a33ea5f, nc: 80), e.g.
 * "n: [0.50, 0.25, 1024] # summary: 355 layers, 2876848 parameters, 2876832 gradients, 10.5 GFLOPs".
 */
const PUBLISHED_11_TASKS: readonly (readonly [string, number, number])[] = [
  ['yolo11n-seg', 2_876_848, 2_876_832], ['yolo11s-seg', 10_113_248, 10_113_232], ['yolo11m-seg', 22_420_896, 22_420_880],
  ['yolo11l-seg', 27_678_368, 27_678_352], ['yolo11x-seg', 62_142_656, 62_142_640],
  ['yolo11n-pose', 2_908_507, 2_908_491], ['yolo11s-pose', 9_948_811, 9_948_795], ['yolo11m-pose', 20_973_273, 20_973_257],
  ['yolo11l-pose', 26_230_745, 26_230_729], ['yolo11x-pose', 58_889_881, 58_889_865],
  ['yolo11n-cls', 1_633_584, 1_633_584], ['yolo11s-cls', 5_545_488, 5_545_488], ['yolo11m-cls', 10_455_696, 10_455_696],
  ['yolo11l-cls', 12_937_104, 12_937_104], ['yolo11x-cls', 28_458_544, 28_458_544],
];

test('YOLO11 -seg / -pose / -cls n..x at the definitions\' classes: parameters and gradients equal the published summaries', () => {
  for (const [name, parameters, gradients] of PUBLISHED_11_TASKS) {
    for (const ref of [name, `${name}.pt`, `${name}.yaml`]) assert.deepEqual(countParams(inventoryForRef(ref)), { total: parameters, trainable: gradients }, ref);
  }
});

/** Parameters once Ultralytics fuses each Conv's BatchNorm into its conv (weight and bias of c channels become c biases). */
function fused(inv: ModelInventory): number {
  const bn = inv.tensors.filter((t) => t.name.endsWith('.bn.weight')).reduce((n, t) => n + (t.shape[0] as number), 0);
  return countParams(inv).total - bn;
}

test('YOLOv8 -seg / -pose / -cls: the summaries Ultralytics prints for the released weights and for trained classifiers', () => {
  // Ultralytics' summary when it loads the released weights, fused (e.g. openvinotoolkit/openvino_notebooks' YOLOv8
  // notebooks, Ultralytics 8.0.43): "YOLOv8n summary (fused): 168 layers, 3151904 parameters", "YOLOv8n-seg summary
  // (fused): 195 layers, 3404320 parameters" (COCO, 80 classes), "YOLOv8n-pose summary (fused): 187 layers, 3289964
  // parameters" (1 class, 17 x 3 keypoints)
  assert.equal(fused(inventoryForRef('yolov8n.pt')), 3_151_904);
  assert.equal(fused(inventoryForRef('yolov8n-seg.pt')), 3_404_320);
  assert.equal(fused(inventoryForRef('yolov8n-pose.pt')), 3_289_964);
  // the training summary of yolov8n-cls on 2 and on 15 classes ("Classify [256, 2]" 332,802 parameters): "YOLOv8n-cls
  // summary: 56 layers, 1,440,850 parameters, 1,440,850 gradients" and "… 1,457,503 parameters, 1,457,503 gradients"
  assert.deepEqual(countParams(buildInventory({ architecture: 'yolov8n-cls', nc: 2 }, 'config')), { total: 1_440_850, trainable: 1_440_850 });
  assert.deepEqual(countParams(buildInventory({ architecture: 'yolov8n-cls', nc: 15 }, 'config')), { total: 1_457_503, trainable: 1_457_503 });
  const t = new Map(inventoryForRef('yolov8n-seg').tensors.map((x) => [x.name, x]));
  // Proto(64, npr = 256 x 0.25 = 64, nm = 32): the transposed conv's weight is [in, out, 2, 2]
  assert.deepEqual(t.get('model.22.proto.upsample.weight')?.shape, [64, 64, 2, 2]);
  assert.deepEqual(t.get('model.22.proto.cv3.conv.weight')?.shape, [32, 64, 1, 1]);
  // cv4: c4 = max(64 // 4, 32) = 32 for masks; pose: max(16, 51) = 51 keypoint outputs
  assert.deepEqual(t.get('model.22.cv4.2.0.conv.weight')?.shape, [32, 256, 3, 3]);
  assert.deepEqual(inventoryForRef('yolov8n-pose').tensors.find((x) => x.name === 'model.22.cv4.0.2.weight')?.shape, [51, 51, 1, 1]);
  const cls = new Map(inventoryForRef('yolov8n-cls').tensors.map((x) => [x.name, x]));
  assert.deepEqual(cls.get('model.9.conv.conv.weight')?.shape, [1280, 256, 1, 1]);
  assert.deepEqual(cls.get('model.9.linear.weight')?.shape, [1000, 1280]);
  assert.equal([...cls.keys()].some((n) => n.includes('dfl')), false);
});

test('heads: a pose definition\'s own kpt_shape, a head that is not last, a bad keypoint shape', () => {
  const def = { scales: { n: [0.33, 0.25, 1024] }, backbone: [[-1, 1, 'Conv', [256, 3, 2]]] };
  const pose = buildInventory({ ...def, architecture: 'yolov8', nc: 1, kpt_shape: [5, 2], head: [[[-1], 1, 'Pose', ['nc', 'kpt_shape']]] }, 'x.yaml');
  // c4 = max(64 // 4, 5 x 2) = 16
  assert.deepEqual(pose.tensors.find((x) => x.name === 'model.1.cv4.0.2.weight')?.shape, [10, 16, 1, 1]);
  assert.throws(() => buildInventory({ ...def, architecture: 'yolov8', kpt_shape: [17], head: [[[-1], 1, 'Pose', ['nc', 'kpt_shape']]] }, 'x.yaml'), /field 'kpt_shape' must be \[keypoints, dimensions\]/);
  assert.throws(() => buildInventory({ ...def, architecture: 'yolov8', head: [[-1, 1, 'Classify', ['nc']], [-1, 1, 'Conv', [64, 1, 1]]] }, 'x.yaml'), /head\[0\]: Classify must be the definition's last layer/);
});

test('-seg / -pose / -cls saved elements per sample against PyTorch autograd (v8 and 11, scale n)', () => {
  const cases: readonly (readonly [string, string, string, number])[] = [
    ['yolov8n-seg', '8', 'segment', 80], ['yolov8n-pose', '8', 'pose', 1], ['yolov8n-cls', '8', 'classify', 1000],
    ['yolo11n-seg', '11', 'segment', 80], ['yolo11n-pose', '11', 'pose', 80], ['yolo11n-cls', '11', 'classify', 80],
  ];
  for (const [name, version, task, nc] of cases) {
    const inv = inventoryForRef(name);
    const r = spawnSync(PYTHON, [sourceFile('test/reference/yolo_saved_elements.py')], {
      input: JSON.stringify({ version, task, scale: 'n', nc, sizes: [64, 96] }), encoding: 'utf8', timeout: 180_000,
    });
    assert.equal(r.status, 0, `python reference failed: ${r.error?.message ?? r.stderr}`);
    const ref = JSON.parse(r.stdout) as { torch: string; params: number; saved: Record<string, number> };
    assert.equal(ref.params, countParams(inv).total, `${name}: the reference network has the same parameters`);
    assert.equal(saved(inv, 64), ref.saved['64'], `${name} at 64 px (torch ${ref.torch})`);
    assert.equal(saved(inv, 96), ref.saved['96'], `${name} at 96 px (torch ${ref.torch})`);
  }
});
