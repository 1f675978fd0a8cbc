/**
 * torchvision EfficientNet B0-B4, walked from torchvision/models/efficientnet.py: stem
 * Conv2dNormActivation(3, 32*w, 3x3/2, SiLU); MBConv blocks (optional 1x1 expand + BN + SiLU, depthwise
 * kxk + BN + SiLU, SqueezeExcitation(avgpool, fc1 1x1, SiLU, fc2 1x1, Sigmoid, scale), 1x1 project +
 * BN, stochastic depth + residual when stride 1 and in == out); head 1x1 conv to 4x the last width +
 * BN + SiLU, avgpool, Dropout, Linear. Channels are rounded with _make_divisible(c * width_mult, 8),
 * repeats with ceil(n * depth_mult). Conv2dNormActivation's SiLU is in place (inplace=True default).
 * torchvision's B0-B4 weights are ported from timm (same architecture).
 */
import { cnnInventory, readCnnConfig, type CnnTrace } from '../builders/cnn';
import type { JsonObject, ModelFamily } from '../types';

interface EfficientNetSpec {
  readonly widthMult: number;
  readonly depthMult: number;
  readonly dropout: number;
  /** Evaluation crop of the torchvision ImageNet weights (EfficientNet_B*_Weights transforms). */
  readonly imageSize: number;
}

const SPECS: Readonly<Record<string, EfficientNetSpec>> = {
  efficientnet_b0: { widthMult: 1.0, depthMult: 1.0, dropout: 0.2, imageSize: 224 },
  efficientnet_b1: { widthMult: 1.0, depthMult: 1.1, dropout: 0.2, imageSize: 240 },
  efficientnet_b2: { widthMult: 1.1, depthMult: 1.2, dropout: 0.3, imageSize: 288 },
  efficientnet_b3: { widthMult: 1.2, depthMult: 1.4, dropout: 0.3, imageSize: 300 },
  efficientnet_b4: { widthMult: 1.4, depthMult: 1.8, dropout: 0.4, imageSize: 380 },
};

/** MBConvConfig(expand_ratio, kernel, stride, input_channels, out_channels, num_layers) for B0 (Table 1). */
const B0_STAGES: readonly (readonly [number, number, number, number, number, number])[] = [
  [1, 3, 1, 32, 16, 1],
  [6, 3, 2, 16, 24, 2],
  [6, 5, 2, 24, 40, 2],
  [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3],
  [6, 5, 2, 112, 192, 4],
  [6, 3, 1, 192, 320, 1],
];

/** EfficientNet's default stochastic_depth_prob. */
const STOCHASTIC_DEPTH_PROB = 0.2;

/** torchvision/models/_utils.py _make_divisible(v, divisor=8, min_value=None). */
export function makeDivisible(v: number, divisor = 8): number {
  let rounded = Math.max(divisor, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * v) rounded += divisor;
  return rounded;
}

function walkEfficientNet(spec: EfficientNetSpec, numClasses: number) {
  const stages = B0_STAGES.map(([expand, kernel, stride, cin, cout, n]) => ({
    expand,
    kernel,
    stride,
    cin: makeDivisible(cin * spec.widthMult),
    cout: makeDivisible(cout * spec.widthMult),
    n: Math.ceil(n * spec.depthMult),
  }));
  const totalBlocks = stages.reduce((n, s) => n + s.n, 0);
  return (t: CnnTrace, imageSize: number): void => {
    let x = t.input(3, imageSize);
    x = t.conv2d('features.0.0', x, stages[0].cin, { kernel: 3, stride: 2, padding: 1 });
    x = t.silu(t.batchNorm('features.0.1', x), true);
    let blockId = 0;
    stages.forEach((st, s) => {
      for (let b = 0; b < st.n; b++) {
        const cin = b === 0 ? st.cin : st.cout;
        const stride = b === 0 ? st.stride : 1;
        const name = `features.${s + 1}.${b}.block`;
        const expanded = makeDivisible(cin * st.expand);
        const sdProb = (STOCHASTIC_DEPTH_PROB * blockId) / totalBlocks;
        let k = 0;
        let y = x;
        if (expanded !== cin) {
          y = t.conv2d(`${name}.${k}.0`, y, expanded, { kernel: 1 });
          y = t.silu(t.batchNorm(`${name}.${k}.1`, y), true);
          k++;
        }
        y = t.conv2d(`${name}.${k}.0`, y, expanded, {
          kernel: st.kernel,
          stride,
          padding: (st.kernel - 1) / 2,
          groups: expanded,
        });
        y = t.silu(t.batchNorm(`${name}.${k}.1`, y), true);
        k++;
        const squeeze = Math.max(1, Math.floor(cin / 4));
        let scale = t.adaptiveAvgPool(y);
        scale = t.conv2d(`${name}.${k}.fc1`, scale, squeeze, { kernel: 1, bias: true });
        scale = t.silu(scale, true);
        scale = t.conv2d(`${name}.${k}.fc2`, scale, expanded, { kernel: 1, bias: true });
        scale = t.sigmoid(scale);
        y = t.mul(scale, y);
        k++;
        y = t.conv2d(`${name}.${k}.0`, y, st.cout, { kernel: 1 });
        y = t.batchNorm(`${name}.${k}.1`, y);
        if (stride === 1 && cin === st.cout) {
          y = t.addInPlace(t.stochasticDepth(y, sdProb), x);
        }
        x = y;
        blockId++;
      }
    });
    const last = stages[stages.length - 1].cout;
    x = t.conv2d('features.8.0', x, 4 * last, { kernel: 1 });
    x = t.silu(t.batchNorm('features.8.1', x), true);
    x = t.adaptiveAvgPool(x);
    x = t.dropout(x, spec.dropout);
    t.linear('classifier.1', x, numClasses, 'lm-head');
  };
}

export const efficientnet: ModelFamily = {
  modelTypes: [],
  architectures: Object.keys(SPECS),
  source: {
    title: 'torchvision EfficientNet',
    // Not pinned to a commit: the one stored torchvision version reachable here predates _efficientnet_conf and
    // Conv2dNormActivation, so the locator cannot be checked (test/unit/citations-pinned.test.ts, EXEMPT).
    url: 'https://github.com/pytorch/vision/blob/main/torchvision/models/efficientnet.py',
    locator: 'MBConv, EfficientNet.__init__, _efficientnet_conf; ops/misc.py SqueezeExcitation, Conv2dNormActivation',
  },
  build(config: JsonObject, architecture: string) {
    const arch = architecture.toLowerCase();
    const spec = SPECS[arch] ?? SPECS.efficientnet_b0;
    const { numLabels, imageSize } = readCnnConfig(config, arch, spec.imageSize);
    return cnnInventory({
      family: 'efficientnet',
      architecture: arch,
      walk: walkEfficientNet(spec, numLabels),
      imageSize,
      numLabels,
    });
  },
};
