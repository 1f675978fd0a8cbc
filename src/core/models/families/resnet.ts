/**
 * torchvision ResNet / ResNeXt / Wide ResNet (ResNet v1.5: the stride sits in the 3x3 conv), walked
 * layer by layer from torchvision/models/resnet.py: conv1 7x7/2 (no bias) - bn1 - relu (in place) -
 * maxpool 3x3/2 - layer1..4 - adaptive avgpool - fc. A stage's first block gets
 * `downsample` = conv1x1(stride) + BatchNorm when the stride or channel count changes.
 * Bottleneck width = floor(planes * width_per_group / 64) * groups. timm's resnet18/34/50/101/152 use
 * the same modules and names (timm/models/resnet.py, default stem and block).
 */
import { cnnInventory, readCnnConfig, type CnnTrace, type Feature } from '../builders/cnn';
import type { JsonObject, ModelFamily } from '../types';

interface ResNetSpec {
  readonly block: 'basic' | 'bottleneck';
  readonly layers: readonly [number, number, number, number];
  readonly groups: number;
  readonly widthPerGroup: number;
}

/** torchvision/models/resnet.py model builders (resnet18 ... wide_resnet50_2). */
const SPECS: Readonly<Record<string, ResNetSpec>> = {
  resnet18: { block: 'basic', layers: [2, 2, 2, 2], groups: 1, widthPerGroup: 64 },
  resnet34: { block: 'basic', layers: [3, 4, 6, 3], groups: 1, widthPerGroup: 64 },
  resnet50: { block: 'bottleneck', layers: [3, 4, 6, 3], groups: 1, widthPerGroup: 64 },
  resnet101: { block: 'bottleneck', layers: [3, 4, 23, 3], groups: 1, widthPerGroup: 64 },
  resnet152: { block: 'bottleneck', layers: [3, 8, 36, 3], groups: 1, widthPerGroup: 64 },
  resnext50_32x4d: { block: 'bottleneck', layers: [3, 4, 6, 3], groups: 32, widthPerGroup: 4 },
  wide_resnet50_2: { block: 'bottleneck', layers: [3, 4, 6, 3], groups: 1, widthPerGroup: 128 },
};

/** Evaluation crop of the torchvision ImageNet weights (ResNet*_Weights transforms: crop_size=224). */
const DEFAULT_IMAGE_SIZE = 224;

function walkResNet(spec: ResNetSpec, numClasses: number) {
  const expansion = spec.block === 'bottleneck' ? 4 : 1;
  return (t: CnnTrace, imageSize: number): void => {
    let x = t.input(3, imageSize);
    x = t.conv2d('conv1', x, 64, { kernel: 7, stride: 2, padding: 3 });
    x = t.reluInPlace(t.batchNorm('bn1', x));
    x = t.maxPool(x, 3, 2, 1);
    let inplanes = 64;
    const planesOf = [64, 128, 256, 512];
    for (let s = 0; s < 4; s++) {
      const planes = planesOf[s];
      for (let b = 0; b < spec.layers[s]; b++) {
        const stride = b === 0 && s > 0 ? 2 : 1;
        const name = `layer${s + 1}.${b}`;
        const identityIn: Feature = x;
        let out: Feature;
        if (spec.block === 'basic') {
          out = t.conv2d(`${name}.conv1`, x, planes, { kernel: 3, stride, padding: 1 });
          out = t.reluInPlace(t.batchNorm(`${name}.bn1`, out));
          out = t.conv2d(`${name}.conv2`, out, planes, { kernel: 3, padding: 1 });
          out = t.batchNorm(`${name}.bn2`, out);
        } else {
          const width = Math.floor(planes * (spec.widthPerGroup / 64)) * spec.groups;
          out = t.conv2d(`${name}.conv1`, x, width, { kernel: 1 });
          out = t.reluInPlace(t.batchNorm(`${name}.bn1`, out));
          out = t.conv2d(`${name}.conv2`, out, width, { kernel: 3, stride, padding: 1, groups: spec.groups });
          out = t.reluInPlace(t.batchNorm(`${name}.bn2`, out));
          out = t.conv2d(`${name}.conv3`, out, planes * expansion, { kernel: 1 });
          out = t.batchNorm(`${name}.bn3`, out);
        }
        let identity = identityIn;
        if (b === 0 && (stride !== 1 || inplanes !== planes * expansion)) {
          identity = t.conv2d(`${name}.downsample.0`, identityIn, planes * expansion, { kernel: 1, stride });
          identity = t.batchNorm(`${name}.downsample.1`, identity);
        }
        x = t.reluInPlace(t.addInPlace(out, identity));
        inplanes = planes * expansion;
      }
    }
    x = t.adaptiveAvgPool(x);
    t.linear('fc', x, numClasses, 'lm-head');
  };
}

export const resnet: ModelFamily = {
  modelTypes: [],
  architectures: Object.keys(SPECS),
  source: {
    title: 'torchvision ResNet',
    url: 'https://github.com/pytorch/vision/blob/f50e776b051ddf007b90d7bc8f70b0708c12d008/torchvision/models/resnet.py',
    locator: 'BasicBlock, Bottleneck, ResNet._make_layer, resnet18..wide_resnet50_2',
  },
  build(config: JsonObject, architecture: string) {
    const arch = architecture.toLowerCase();
    const spec = SPECS[arch] ?? SPECS.resnet18;
    const { numLabels, imageSize } = readCnnConfig(config, arch, DEFAULT_IMAGE_SIZE);
    return cnnInventory({ family: 'resnet', architecture: arch, walk: walkResNet(spec, numLabels), imageSize, numLabels });
  },
};
