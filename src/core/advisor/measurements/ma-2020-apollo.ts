/**
 * Ma (2020), "Apollo: An Adaptive Parameter-wise Diagonal Quasi-Newton Method for Nonconvex Stochastic
 * Optimization" (arXiv 2009.13586): every cell of the official README's image-classification table —
 * ResNet-110 on CIFAR-10 and ResNeXt-50 on ImageNet, each with a milestone and a cosine learning-rate
 * schedule — six optimizers per column: SGD (momentum 0.9), Adam and RAdam with decoupled weight decay
 * (the README: "we actually used AdamW and RAdamW"), the same two with their weight decay multiplied by
 * 500 ("-adj"), and Apollo. Epochs, batch sizes and momentum are read from classification/README.md.
 * Apollo's rows are self-reports; the others are the author's runs of other optimizers. Each cell is a
 * mean with its standard deviation in parentheses; a setting's `spread` is the largest standard
 * deviation reported in its column. The README's language-modelling (a 2-layer LSTM) and translation
 * tables compare three optimizers without naming the translation model, and are left out.
 * Not to be confused with APOLLO (Zhu et al. 2024), a memory-efficient AdamW variant.
 */
import { measured, opt, setting } from './build';
import type { Measurement, MeasurementSource, Setting } from './types';

const COMMIT = '045919d48c9f3a2fa225e40d85369c76e0961ee1';
const README = `https://github.com/XuezheMax/apollo/blob/${COMMIT}/README.md`;
const RECIPES = 'https://github.com/XuezheMax/apollo/blob/2faccf150bd98ff8a9f966365f4d4882a6f28d47/classification/README.md';

/** The table's rows, verbatim. */
const LINES = {
  sgd: '| SGD        |  93.91 (0.07)      |  94.53 (0.27)      |  77.19 (0.07)      |  78.17 (0.06)      |',
  adam: '| Adam       |  91.41 (0.30)      |  91.56 (0.19)      |  71.72 (0.13)      |  71.19 (0.10)      |',
  radam: '| RAdam      |  91.80 (0.04)      |  91.88 (0.15)      |  72.37 (0.08)      |  71.64 (0.14)      |',
  adamAdj: '| Adam-adj   |  93.74 (0.15)      |  94.24 (0.09)      |  76.86 (0.06)      |  77.54 (0.16)      |',
  radamAdj: '| RAdam-adj  |  93.88 (0.11)      |  94.38 (0.25)      |  76.91 (0.07)      |  77.68 (0.08)      |',
  apollo: '| **Apollo** |  **94.20 (0.12)**  |  **94.60 (0.06)**  |  **77.90 (0.06)**  |  **78.54 (0.09)**  |',
} as const;
const HEADER =
  '| Method     |  CIFAR-10 (%)      |  CIFAR-10 (%)      |  ImageNet (%)      |  ImageNet (%)      |\n' +
  '|            |  **milestone**     |  **cosine**        |  **milestone**     |  **cosine**        |\n';

type Row = keyof typeof LINES;
const ADJ_NOTE = 'the README: "Note that decoupled weight decay is applied to both Adam and RAdam"; "-adj" multiplies the weight decay by 500, "the ratio of lr_apollo / lr_adam"';
/** Each row's value and standard deviation per column, in the table's column order. */
const CELLS: Record<Row, readonly (readonly [number, number])[]> = {
  sgd: [[93.91, 0.07], [94.53, 0.27], [77.19, 0.07], [78.17, 0.06]],
  adam: [[91.41, 0.3], [91.56, 0.19], [71.72, 0.13], [71.19, 0.1]],
  radam: [[91.8, 0.04], [91.88, 0.15], [72.37, 0.08], [71.64, 0.14]],
  adamAdj: [[93.74, 0.15], [94.24, 0.09], [76.86, 0.06], [77.54, 0.16]],
  radamAdj: [[93.88, 0.11], [94.38, 0.25], [76.91, 0.07], [77.68, 0.08]],
  apollo: [[94.2, 0.12], [94.6, 0.06], [77.9, 0.06], [78.54, 0.09]],
};

interface Column {
  readonly id: string;
  readonly header: string;
  readonly task: string;
  readonly params: number | null;
  readonly batch: number;
  readonly budget: string;
  /** Weight decay of SGD, Adam, RAdam and Apollo; the "-adj" rows use `wdAdj`. */
  readonly wd: string;
  readonly wdAdj: string;
}

const COLUMNS: readonly Column[] = [
  { id: 'cifar10-resnet110-milestone', header: 'CIFAR-10 (%), milestone', task: 'ResNet-110 (1.73M parameters) on CIFAR-10, milestone decay (epochs 80, 120)', params: 1.73e6, batch: 128, budget: 'equal epochs (164), batch 128', wd: '5e-4', wdAdj: '2.5e-1' },
  { id: 'cifar10-resnet110-cosine', header: 'CIFAR-10 (%), cosine', task: 'ResNet-110 (1.73M parameters) on CIFAR-10, cosine annealing', params: 1.73e6, batch: 128, budget: 'equal epochs (200), batch 128', wd: '5e-4', wdAdj: '2.5e-1' },
  { id: 'imagenet-resnext50-milestone', header: 'ImageNet (%), milestone', task: 'ResNeXt-50 on ImageNet, milestone decay (epochs 40, 80), 8 V100', params: null, batch: 256, budget: 'equal epochs (120), batch 256', wd: '2e-4', wdAdj: '1e-1' },
  { id: 'imagenet-resnext50-cosine', header: 'ImageNet (%), cosine', task: 'ResNeXt-50 on ImageNet, cosine annealing, 8 V100', params: null, batch: 256, budget: 'equal epochs (120), batch 256', wd: '2e-4', wdAdj: '1e-1' },
];

const settings: Setting[] = COLUMNS.map((c, i) => setting({
  id: c.id,
  locator: `README.md, "Image Classification" table, column ${c.header}`,
  task: c.task,
  family: 'cnn',
  modality: 'image',
  params: c.params,
  globalBatch: { value: c.batch, unit: 'images' },
  fineTune: false,
  tuning: 'not-stated',
  budget: `${c.budget}; learning rate and weight decay set per optimizer as the README's hyperparameter tables list them (how they were chosen is not stated there)`,
  metric: { name: 'test accuracy (%), mean over runs', kind: 'final', better: 'higher', basis: 'equal-budget' },
  reference: 'sgd-momentum',
  spread: Math.max(...Object.values(CELLS).map((cells) => cells[i]![1])),
}));

function optimizerOf(row: Row, c: Column) {
  switch (row) {
    case 'sgd': return opt('sgd-momentum', 'sgd-momentum', 'SGD', `lr 0.1, momentum 0.9, weight decay ${c.wd} (coupled)`);
    case 'adam': return opt('adamw', 'adamw', 'Adam (decoupled weight decay, i.e. AdamW)', `lr 0.001, betas (0.9, 0.999), weight decay ${c.wd} (decoupled)`);
    case 'adamAdj': return opt('adamw', 'adamw', 'Adam-adj (AdamW, weight decay × 500)', `lr 0.001, betas (0.9, 0.999), weight decay ${c.wdAdj} (decoupled)`);
    case 'radam': return opt('radam', null, 'RAdam (decoupled weight decay)', `lr 0.001, betas (0.9, 0.999), weight decay ${c.wd} (decoupled)`);
    case 'radamAdj': return opt('radam', null, 'RAdam-adj (decoupled weight decay × 500)', `lr 0.001, betas (0.9, 0.999), weight decay ${c.wdAdj} (decoupled)`);
    case 'apollo': return opt('apollo-quasi-newton', null, 'Apollo', `lr 0.5, eps 1e-4, weight decay ${c.wd} (coupled), 100 warmup updates from 0.01`);
  }
}

const rows: Measurement[] = [];
COLUMNS.forEach((c, i) => {
  for (const row of Object.keys(LINES) as Row[]) {
    const [value] = CELLS[row][i]!;
    const adaptive = row === 'adam' || row === 'adamAdj' || row === 'radam' || row === 'radamAdj';
    rows.push(measured(c.id, optimizerOf(row, c), value, HEADER + LINES[row], adaptive ? { note: ADJ_NOTE } : {}));
  }
});

export const MA_2020_APOLLO: MeasurementSource = {
  id: 'ma-2020-apollo',
  cite: 'Ma 2020 (Apollo)',
  title: 'Apollo: An Adaptive Parameter-wise Diagonal Quasi-Newton Method for Nonconvex Stochastic Optimization',
  authors: 'Xuezhe Ma',
  year: 2020,
  venue: 'arXiv 2009.13586',
  readAt: `${README} ("Image Classification" table); ${RECIPES} (epochs, batch sizes, momentum)`,
  url: 'https://arxiv.org/abs/2009.13586',
  proposes: ['apollo-quasi-newton'],
  settings,
  rows,
};
