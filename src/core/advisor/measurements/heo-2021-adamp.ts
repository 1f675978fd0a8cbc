/**
 * Heo, Chun, Oh, Han, Yun, Kim, Uh, Ha (2021), "AdamP: Slowing Down the Slowdown for Momentum
 * Optimizers on Scale-invariant Weights" (ICLR 2021, arXiv 2006.08217). The authors propose SGDP and
 * AdamP, so every SGDP and AdamP row is a self-report; the SGD and Adam rows are the authors' own
 * baseline runs. Read from the project page (clovaai/AdamP, branch gh-pages): each result table there
 * is an SVG made with LaTeXiT, which keeps the table's LaTeX source in the file (a base64, zlib-compressed
 * property list in the `<!--latexit:…-->` comment); each row's excerpt is its LaTeX line as stored there,
 * after the table's header line. The page's captions (index.html) give the task of each table.
 * Tables used, every row and column of each:
 * - table01 (ImageNet classification: MobileNetV2, ResNet18, ResNet50, ResNet50 + CutMix; SGD, SGDP,
 *   Adam, AdamP): one setting per architecture, reference SGD (the paper's SGD is momentum SGD: its
 *   abstract speaks of "momentum-based GD (e.g. SGD or Adam)").
 * - table02 (ResNet18 on ImageNet without weight decay): its "w/o weight decay" column is one setting;
 *   its "Baseline" column repeats table01's ResNet18 cells (the same runs) and is not counted twice.
 * - table03 (MS-COCO detection, CenterNet and SSD, from scratch or ImageNet-initialised; Adam, AdamP).
 * - table04_0 (adversarial training of a Wide-ResNet on CIFAR-10 with PGD-10, two attacks; standard and
 *   attacked accuracy, one group per attack).
 * - table04_1 (Biased-MNIST with ReBias, four colour-bias correlations ρ; its "avg." column is the mean
 *   of the other four, a statistic of the table, and is left out).
 * - table04_2 (9-class ImageNet with ReBias: biased, unbiased and ImageNet-A accuracy, one group).
 * - table06 (image retrieval Recall@1: ImageNet-pretrained ResNet50 fine-tuned with the triplet and
 *   ProxyAnchor losses on CUB, Cars-196, InShop and SOP).
 * Left out: table05 (audio classification — the evidence base has no audio modality) and table07
 * (WikiText-103 perplexity — its SVG holds glyph outlines only, no LaTeX source and no text, so its
 * numbers could not be read). The tables state no batch sizes, epochs or tuning protocol.
 */
import { measured, opt, setting } from './build';
import type { MeasuredOptimizer, Measurement, MeasurementSource, Metric, Setting } from './types';

const COMMIT = '1a5e4f3ab5f0f9bd65ed2099e37f9e0384dc554e';
const IMG = `https://github.com/clovaai/AdamP/blob/${COMMIT}/static/img`;

const SGD: MeasuredOptimizer = opt('sgd-momentum', 'sgd-momentum', 'SGD');
const SGDP: MeasuredOptimizer = opt('sgdp', null, 'SGDP (ours)');
const ADAM: MeasuredOptimizer = opt('adam', 'adam', 'Adam');
const ADAMP: MeasuredOptimizer = opt('adamp', null, 'AdamP (ours)');

const accuracy = (name: string): Metric => ({ name, kind: 'final', better: 'higher', basis: 'equal-budget' });

const settings: Setting[] = [];
const rows: Measurement[] = [];

// ---- table01: ImageNet classification ---------------------------------------------------------

const T1_HEADER = String.raw`Architecture                  & \# params & SGD & SGDP (ours) & Adam & AdamP (ours)\\ \midrule`;
const T1: readonly { id: string; arch: string; params: number; line: string; values: readonly [number, number, number, number] }[] = [
  { id: 'imagenet-mobilenetv2', arch: 'MobileNetV2', params: 3.5e6,
    line: String.raw`MobileNetV2 &  3.5M     & 71.61 & \textbf{72.18 \greenp{+0.57}}  & 72.12 & \textbf{72.57 \greenp{+0.45}} \\ `,
    values: [71.61, 72.18, 72.12, 72.57] },
  { id: 'imagenet-resnet18', arch: 'ResNet18', params: 11.7e6,
    line: String.raw`ResNet18    &  11.7M    & 70.28 & \textbf{70.73 \greenp{+0.45}}  & 70.41 & \textbf{70.81 \greenp{+0.40}} \\ `,
    values: [70.28, 70.73, 70.41, 70.81] },
  { id: 'imagenet-resnet50', arch: 'ResNet50', params: 25.6e6,
    line: String.raw`ResNet50    &  25.6M    & 76.64 & \textbf{76.71 \greenp{+0.07}}  & 76.65 & \textbf{76.94 \greenp{+0.29}} \\`,
    values: [76.64, 76.71, 76.65, 76.94] },
  { id: 'imagenet-resnet50-cutmix', arch: 'ResNet50 + CutMix', params: 25.6e6,
    line: String.raw`ResNet50 + CutMix &  25.6M    & 77.61 & \textbf{77.72 \greenp{+0.11}}  & 78.00 & \textbf{78.31 \greenp{+0.31}} \\ \bottomrule`,
    values: [77.61, 77.72, 78, 78.31] },
];
for (const r of T1) {
  settings.push(setting({
    id: r.id,
    locator: `project page table01 (ImageNet classification), row ${r.arch}`,
    task: `${r.arch} trained from scratch on ImageNet classification`,
    family: 'cnn',
    modality: 'image',
    params: r.params,
    fineTune: false,
    tuning: 'not-stated',
    budget: 'the same training recipe per architecture for the four optimizers (the table states no epochs or batch size)',
    metric: accuracy('ImageNet top-1 accuracy (%)'),
    reference: 'sgd-momentum',
  }));
  [SGD, SGDP, ADAM, ADAMP].forEach((o, i) => rows.push(measured(r.id, o, r.values[i]!, `${T1_HEADER}\n${r.line}`)));
}

// ---- table02: ResNet18 without weight decay ---------------------------------------------------

const T2_HEADER = String.raw`              & Baseline & w/o weight decay \\ \midrule`;
const T2: readonly (readonly [MeasuredOptimizer, number, string])[] = [
  [SGD, 67.94, String.raw`SGD           & 70.28    & 67.94 \redp{-2.38}  \\`],
  [SGDP, 70.21, String.raw`SGDP (ours)  & 70.73    & 70.21 \redp{-0.52}  \\`],
  [ADAM, 68.52, String.raw`Adam          & 70.41    & 68.52 \redp{-1.89}  \\ `],
  [ADAMP, 70.5, String.raw`AdamP (ours) & 70.81    & 70.50 \redp{-0.31}   \\ \bottomrule`],
];
settings.push(setting({
  id: 'imagenet-resnet18-no-wd',
  locator: 'project page table02 (ResNet18 on ImageNet, weight decay ablation), column "w/o weight decay"',
  task: 'ResNet18 trained from scratch on ImageNet classification without weight decay',
  family: 'cnn',
  modality: 'image',
  params: 11.7e6,
  fineTune: false,
  tuning: 'not-stated',
  budget: 'the table01 ResNet18 recipe with weight decay removed, for all four optimizers',
  metric: accuracy('ImageNet top-1 accuracy (%)'),
  reference: 'sgd-momentum',
}));
for (const [o, v, line] of T2) {
  rows.push(measured('imagenet-resnet18-no-wd', o, v, `${T2_HEADER}\n${line}`,
    { note: 'the "Baseline" column is the table01 ResNet18 run (same numbers); only the "w/o weight decay" cell is this row' }));
}

// ---- table03: MS-COCO detection ---------------------------------------------------------------

const T3_HEADER = String.raw`Model            & Initialize & Adam   & AdamP (ours)  \\ \midrule`;
const T3: readonly { id: string; model: string; init: 'Scratch' | 'ImageNet'; line: string; adam: number; adamp: number }[] = [
  { id: 'coco-centernet-scratch', model: 'CenterNet', init: 'Scratch', line: String.raw`CenterNet & Scratch & 26.57  & \textbf{27.11 \greenp{+0.54}} \\`, adam: 26.57, adamp: 27.11 },
  { id: 'coco-centernet-imagenet', model: 'CenterNet', init: 'ImageNet', line: String.raw`CenterNet & ImageNet   & 28.29  & \textbf{29.05 \greenp{+0.76}} \\`, adam: 28.29, adamp: 29.05 },
  { id: 'coco-ssd-scratch', model: 'SSD', init: 'Scratch', line: String.raw`SSD & Scratch & 27.10 & \textbf{27.97 \greenp{+0.87}} \\`, adam: 27.1, adamp: 27.97 },
  { id: 'coco-ssd-imagenet', model: 'SSD', init: 'ImageNet', line: String.raw`SSD & ImageNet & 28.39 & \textbf{28.67 \greenp{+0.28}} \\`, adam: 28.39, adamp: 28.67 },
];
for (const r of T3) {
  const pretrained = r.init === 'ImageNet';
  settings.push(setting({
    id: r.id,
    locator: `project page table03 (MS-COCO object detection), row ${r.model} / ${r.init}`,
    task: `${r.model} object detection on MS-COCO, ${pretrained ? 'backbone initialised from ImageNet' : 'trained from scratch'}`,
    family: 'cnn',
    modality: 'image',
    params: null,
    fineTune: pretrained,
    tuning: 'not-stated',
    budget: 'the same detection schedule for both optimizers (not stated in the table)',
    metric: accuracy('COCO average precision (AP)'),
    reference: 'adam',
  }));
  rows.push(measured(r.id, ADAM, r.adam, `${T3_HEADER}\n${r.line}`));
  rows.push(measured(r.id, ADAMP, r.adamp, `${T3_HEADER}\n${r.line}`));
}

// ---- table04_0: adversarial training ----------------------------------------------------------

const T40_HEADER = String.raw`Attack Method & Optimizer & Standard Acc & Attacked Acc \\ \midrule`;
const T40: readonly { attack: string; id: string; adamLine: string; adampLine: string; adam: readonly [number, number]; adamp: readonly [number, number] }[] = [
  { attack: 'ℓ∞ (ε = 4/255)', id: 'linf',
    adamLine: String.raw`\multirow{2}{*}{$\ell_\infty$ ($\varepsilon=4/255$)} & Adam & 80.12 & 56.58 \\`,
    adampLine: String.raw` & AdamP (ours) & \textbf{89.85 \greenp{+9.73}} & \textbf{66.28 \greenp{+9.70}} \\ \midrule`,
    adam: [80.12, 56.58], adamp: [89.85, 66.28] },
  { attack: 'ℓ2 (ε = 80/255)', id: 'l2',
    adamLine: String.raw`\multirow{2}{*}{$\ell_2$ ($\varepsilon=80/255$)} & Adam & 84.14 & 70.33 \\`,
    adampLine: String.raw` & AdamP (ours) & \textbf{93.46 \greenp{+9.32}} & \textbf{83.59 \greenp{+13.26}} \\ \bottomrule`,
    adam: [84.14, 70.33], adamp: [93.46, 83.59] },
];
for (const r of T40) {
  (['standard', 'attacked'] as const).forEach((which, i) => {
    const id = `cifar10-wrn-adversarial-${r.id}-${which}`;
    settings.push(setting({
      id,
      locator: `project page table04_0 (adversarial training), attack ${r.attack}, column "${which === 'standard' ? 'Standard Acc' : 'Attacked Acc'}"`,
      task: `Wide-ResNet adversarially trained on CIFAR-10 with PGD-10 (${r.attack}); ${which} accuracy`,
      family: 'cnn',
      modality: 'image',
      params: null,
      fineTune: false,
      tuning: 'not-stated',
      budget: 'the same adversarial-training schedule for both optimizers (not stated in the table)',
      metric: accuracy(`CIFAR-10 ${which} accuracy (%)`),
      reference: 'adam',
      group: `cifar10-wrn-adversarial-${r.id}`,
    }));
    rows.push(measured(id, ADAM, r.adam[i]!, `${T40_HEADER}\n${r.adamLine}`));
    rows.push(measured(id, ADAMP, r.adamp[i]!, `${T40_HEADER}\n${r.adamLine}\n${r.adampLine}`));
  });
}

// ---- table04_1: Biased-MNIST with ReBias ------------------------------------------------------

const T41_HEADER = String.raw`$\rho$                           & .999                        & .997                        & .995                        & .990                        & avg.                        \\ \midrule`;
const T41_ADAM = String.raw`Adam                       & 22.9                        & 63.0                        & 74.9                        & 87.0                        & 61.9                        \\`;
const T41_ADAMP = String.raw`AdamP (ours)               & \textbf{30.5 \greenp{+7.5}} & \textbf{70.9 \greenp{+7.9}} & \textbf{80.9 \greenp{+6.0}} & \textbf{89.6 \greenp{+2.6}} & \textbf{68.0 \greenp{+6.0}} \\ \bottomrule`;
const T41: readonly { rho: string; adam: number; adamp: number }[] = [
  { rho: '.999', adam: 22.9, adamp: 30.5 },
  { rho: '.997', adam: 63, adamp: 70.9 },
  { rho: '.995', adam: 74.9, adamp: 80.9 },
  { rho: '.990', adam: 87, adamp: 89.6 },
];
for (const r of T41) {
  const id = `biased-mnist-rho${r.rho.slice(1)}`;
  settings.push(setting({
    id,
    locator: `project page table04_1 (Biased-MNIST, ReBias), column ρ = ${r.rho}`,
    task: `Biased-MNIST trained with ReBias at colour-bias correlation ρ = ${r.rho}; unbiased accuracy`,
    family: 'cnn',
    modality: 'image',
    params: null,
    fineTune: false,
    tuning: 'not-stated',
    budget: 'the same ReBias schedule for both optimizers (not stated in the table)',
    metric: accuracy('Biased-MNIST unbiased accuracy (%)'),
    reference: 'adam',
  }));
  rows.push(measured(id, ADAM, r.adam, `${T41_HEADER}\n${T41_ADAM}`));
  rows.push(measured(id, ADAMP, r.adamp, `${T41_HEADER}\n${T41_ADAMP}`));
}

// ---- table04_2: 9-class ImageNet with ReBias --------------------------------------------------

const T42_HEADER = String.raw`Optimizer    & Biased accuracy    & UnBiased accuracy    & ImageNet-A accuracy \\ \midrule`;
const T42_ADAM = String.raw`Adam         & 93.8       & 92.6         & 31.2       \\`;
const T42_ADAMP = String.raw`AdamP (ours) & \textbf{95.2 \greenp{+1.4}}      & \textbf{94.5 \greenp{+1.8}}        & \textbf{32.9 \greenp{+1.7}}    \\ \bottomrule`;
const T42: readonly { id: string; column: string; adam: number; adamp: number }[] = [
  { id: 'biased', column: 'Biased accuracy', adam: 93.8, adamp: 95.2 },
  { id: 'unbiased', column: 'UnBiased accuracy', adam: 92.6, adamp: 94.5 },
  { id: 'imagenet-a', column: 'ImageNet-A accuracy', adam: 31.2, adamp: 32.9 },
];
for (const r of T42) {
  const id = `imagenet9-rebias-${r.id}`;
  settings.push(setting({
    id,
    locator: `project page table04_2 (9-class ImageNet, ReBias), column "${r.column}"`,
    task: `9-class ImageNet trained with ReBias; ${r.column.toLowerCase()}`,
    family: 'cnn',
    modality: 'image',
    params: null,
    fineTune: false,
    tuning: 'not-stated',
    budget: 'the same ReBias schedule for both optimizers (not stated in the table)',
    metric: accuracy(`${r.column} (%)`),
    reference: 'adam',
    group: 'imagenet9-rebias',
  }));
  rows.push(measured(id, ADAM, r.adam, `${T42_HEADER}\n${T42_ADAM}`));
  rows.push(measured(id, ADAMP, r.adamp, `${T42_HEADER}\n${T42_ADAMP}`));
}

// ---- table06: image retrieval -----------------------------------------------------------------

const T6_HEADER = String.raw`         & \multicolumn{2}{c}{Triplet} & \multicolumn{2}{c}{ProxyAnchor} \\ \midrule
         & Adam         & AdamP (ours)       & Adam           & AdamP (ours)         \\ \midrule`;
const T6: readonly { dataset: string; line: string; triplet: readonly [number, number]; proxy: readonly [number, number] }[] = [
  { dataset: 'CUB', line: String.raw`CUB      & 57.9        & \textbf{58.2 \greenp{+0.3}}        & 69.28          & \textbf{69.5 \greenp{+0.2}}          \\`, triplet: [57.9, 58.2], proxy: [69.28, 69.5] },
  { dataset: 'Cars-196', line: String.raw`Cars-196 & 59.8        & \textbf{59.9 \greenp{+0.2}}        & 86.7          & \textbf{86.9 \greenp{+0.2}}          \\`, triplet: [59.8, 59.9], proxy: [86.7, 86.9] },
  { dataset: 'InShop', line: String.raw`InShop   & 62.7        & \textbf{62.8 \greenp{+0.0}}        & 85.2          & \textbf{87.4 \greenp{+2.2}}          \\`, triplet: [62.7, 62.8], proxy: [85.2, 87.4] },
  { dataset: 'SOP', line: String.raw`SOP      & 62.0        & \textbf{62.6 \greenp{+0.6}}        & 76.5          & \textbf{78.0 \greenp{+1.5}}          \\ \bottomrule`, triplet: [62, 62.6], proxy: [76.5, 78] },
];
for (const r of T6) {
  for (const [loss, cells] of [['Triplet', r.triplet], ['ProxyAnchor', r.proxy]] as const) {
    const id = `retrieval-${r.dataset.toLowerCase()}-${loss.toLowerCase()}`;
    settings.push(setting({
      id,
      locator: `project page table06 (image retrieval), row ${r.dataset}, columns ${loss}`,
      task: `image retrieval on ${r.dataset}: ImageNet-pretrained ResNet50 fine-tuned with the ${loss === 'Triplet' ? 'triplet (semi-hard mining)' : 'ProxyAnchor'} loss`,
      family: 'cnn',
      modality: 'image',
      params: null,
      fineTune: true,
      tuning: 'not-stated',
      budget: 'the same fine-tuning schedule for both optimizers (not stated in the table)',
      metric: accuracy('Recall@1 (%)'),
      reference: 'adam',
    }));
    rows.push(measured(id, ADAM, cells[0], `${T6_HEADER}\n${r.line}`));
    rows.push(measured(id, ADAMP, cells[1], `${T6_HEADER}\n${r.line}`));
  }
}

export const HEO_2021_ADAMP: MeasurementSource = {
  id: 'heo-2021-adamp',
  cite: 'Heo et al. 2021 (AdamP)',
  title: 'AdamP: Slowing Down the Slowdown for Momentum Optimizers on Scale-invariant Weights',
  authors: 'Byeongho Heo, Sanghyuk Chun, Seong Joon Oh, Dongyoon Han, Sangdoo Yun, Gyuwan Kim, Youngjung Uh, Jung-Woo Ha',
  year: 2021,
  venue: 'ICLR 2021 (arXiv 2006.08217)',
  readAt: `${IMG}/table01.svg, table02.svg, table03.svg, table04_0.svg, table04_1.svg, table04_2.svg and table06.svg (the LaTeX source LaTeXiT stores in each SVG); captions from https://github.com/clovaai/AdamP/blob/${COMMIT}/index.html (the project page https://clovaai.github.io/AdamP/)`,
  url: 'https://arxiv.org/abs/2006.08217',
  proposes: ['adamp', 'sgdp'],
  settings,
  rows,
};
