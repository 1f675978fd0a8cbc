/**
 * torchvision ConvNeXt, walked from torchvision/models/convnext.py: stem Conv2d 4x4/4 (bias) +
 * LayerNorm2d; per stage, CNBlocks (depthwise 7x7 conv - permute - LayerNorm - Linear(4x) - GELU -
 * Linear - permute, times a layer_scale [C, 1, 1], stochastic depth, residual add), then LayerNorm2d +
 * Conv2d 2x2/2 downsampling; head: adaptive avgpool, LayerNorm2d, flatten, Linear. The stochastic
 * depth probability grows linearly with the block index up to the model's stochastic_depth_prob.
 * timm's convnext_* has the same layers and counts under different names (stem/stages/head).
 */
import { cnnInventory, readCnnConfig, type CnnTrace } from '../builders/cnn';
import type { JsonObject, ModelFamily } from '../types';

interface ConvNextSpec {
  /** CNBlockConfig(input_channels, out_channels, num_layers) per stage. */
  readonly stages: readonly (readonly [number, number | null, number])[];
  readonly stochasticDepthProb: number;
}

/** convnext_tiny/small/base/large builders in torchvision/models/convnext.py. */
const SPECS: Readonly<Record<string, ConvNextSpec>> = {
  convnext_tiny: { stages: [[96, 192, 3], [192, 384, 3], [384, 768, 9], [768, null, 3]], stochasticDepthProb: 0.1 },
  convnext_small: { stages: [[96, 192, 3], [192, 384, 3], [384, 768, 27], [768, null, 3]], stochasticDepthProb: 0.4 },
  convnext_base: { stages: [[128, 256, 3], [256, 512, 3], [512, 1024, 27], [1024, null, 3]], stochasticDepthProb: 0.5 },
  convnext_large: { stages: [[192, 384, 3], [384, 768, 3], [768, 1536, 27], [1536, null, 3]], stochasticDepthProb: 0.5 },
};

/** Evaluation crop of the torchvision ImageNet weights (ConvNeXt_*_Weights: crop_size=224). */
const DEFAULT_IMAGE_SIZE = 224;

function walkConvNext(spec: ConvNextSpec, numClasses: number) {
  return (t: CnnTrace, imageSize: number): void => {
    let x = t.input(3, imageSize);
    x = t.conv2d('features.0.0', x, spec.stages[0][0], { kernel: 4, stride: 4, bias: true });
    x = t.layerNorm('features.0.1', x);
    const totalBlocks = spec.stages.reduce((n, s) => n + s[2], 0);
    let blockId = 0;
    let index = 1;
    for (const [channels, next, count] of spec.stages) {
      for (let b = 0; b < count; b++) {
        const name = `features.${index}.${b}`;
        const sdProb = (spec.stochasticDepthProb * blockId) / (totalBlocks - 1);
        let y = t.conv2d(`${name}.block.0`, x, channels, { kernel: 7, padding: 3, groups: channels, bias: true });
        y = t.layerNorm(`${name}.block.2`, y);
        y = t.linear(`${name}.block.3`, y, 4 * channels);
        y = t.gelu(y);
        y = t.linear(`${name}.block.5`, y, channels);
        y = t.scaleByParam(`${name}.layer_scale`, y, [channels, 1, 1]);
        y = t.stochasticDepth(y, sdProb);
        x = t.addInPlace(y, x);
        blockId++;
      }
      index++;
      if (next !== null) {
        x = t.layerNorm(`features.${index}.0`, x);
        x = t.conv2d(`features.${index}.1`, x, next, { kernel: 2, stride: 2, bias: true });
        index++;
      }
    }
    x = t.adaptiveAvgPool(x);
    x = t.layerNorm('classifier.0', x);
    t.linear('classifier.2', x, numClasses, 'lm-head');
  };
}

export const convnext: ModelFamily = {
  modelTypes: [],
  architectures: Object.keys(SPECS),
  source: {
    title: 'torchvision ConvNeXt',
    url: 'https://github.com/pytorch/vision/blob/086fe1f69de3f8ae4ce62fb45a633bb2a19cb02a/torchvision/models/convnext.py',
    locator: 'CNBlock, LayerNorm2d, ConvNeXt.__init__, convnext_tiny..convnext_large',
  },
  build(config: JsonObject, architecture: string) {
    const arch = architecture.toLowerCase();
    const spec = SPECS[arch] ?? SPECS.convnext_tiny;
    const { numLabels, imageSize } = readCnnConfig(config, arch, DEFAULT_IMAGE_SIZE);
    return cnnInventory({ family: 'convnext', architecture: arch, walk: walkConvNext(spec, numLabels), imageSize, numLabels });
  },
};
