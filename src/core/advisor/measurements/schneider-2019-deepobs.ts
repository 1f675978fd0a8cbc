/**
 * Schneider, Balles, Hennig (2019), "DeepOBS: A Deep Learning Optimizer Benchmark Suite" (ICLR 2019):
 * the benchmark's baselines — SGD, SGD with momentum ("Momentum") and Adam, each with its learning
 * rate tuned per test problem — as the leaderboard of the benchmark's website lists them
 * (deepobs/deepobs.github.io, one page per test problem; each page's "Overview Table" ranks the three
 * baselines). Every row of the overview tables of the four image-classification problems is used:
 * F-MNIST 2c2d (LeaderboardP3.md), CIFAR-10 3c3d (P4), CIFAR-100 All-CNN-C (P6) and SVHN Wide ResNet
 * 16-4 (P7), each optimizer's "Final Test Accuracy" cell. Left out: the noisy quadratic (P1, no
 * network), the MNIST and F-MNIST VAEs (P2, P5: generative autoencoders, a task the evidence base has
 * no family for) and the Tolstoi character-level LSTM (P8: a recurrent language model, likewise).
 * The protocol is the one the DeepOBS documentation gives for the baselines (docs/user_guide/
 * suggested_protocol.rst): "we tuned the learning rate for each optimizer and test problem individually,
 * by evaluating on a logarithmic grid from 10e−5 to 10e2 with 36 samples", then the best setting rerun
 * with ten random seeds. The batch sizes and epochs are the library's default settings per problem
 * (deepobs/config.py, DEFAULT_TEST_PROBLEMS_SETTINGS); the leaderboard does not restate them. The
 * leaderboard reports no spread. The authors propose no optimizer: every row is independent.
 * "SGD" is the catalog's plain `sgd`, "Momentum" its `sgd-momentum` (the reference for CNNs).
 */
import { measured, opt, setting } from './build';
import type { MeasuredOptimizer, Measurement, MeasurementSource, Setting } from './types';

const SITE_COMMIT = '5f5865608f6b279dcc43f61467146f5a272432f8';
const SITE = `https://github.com/deepobs/deepobs.github.io/blob/${SITE_COMMIT}`;
const PROTOCOL = 'https://github.com/fsschneider/DeepOBS/blob/26c0ff7c70c48f684609fe48b1f8b32a76a4be38/docs/user_guide/suggested_protocol.rst';
const CONFIG = 'https://github.com/fsschneider/DeepOBS/blob/06e33ed4525bfe0b891f8c9c920ee2929309c7d0/deepobs/config.py';

const SGD: MeasuredOptimizer = opt('sgd', 'sgd', 'SGD', 'learning rate tuned on the 36-point grid');
const MOMENTUM: MeasuredOptimizer = opt('sgd-momentum', 'sgd-momentum', 'Momentum', 'learning rate tuned on the 36-point grid');
const ADAM: MeasuredOptimizer = opt('adam', 'adam', 'Adam', 'learning rate tuned on the 36-point grid');

/** The overview table's first three header cells, as every page writes them. */
const HEADER = '    <th data-sort-default>Rank</th>\n    <th>Optimizer</th>\n    <th>Final Test Accuracy</th>';

interface Problem {
  readonly id: string;
  readonly page: string;
  readonly title: string;
  readonly task: string;
  readonly batch: number;
  readonly epochs: number;
  /** The table's rows in rank order: optimizer, final test accuracy, and the row's first three cells verbatim. */
  readonly rows: readonly (readonly [MeasuredOptimizer, number, string])[];
}

const PROBLEMS: readonly Problem[] = [
  {
    id: 'fmnist-2c2d', page: 'LeaderboardP3.md', title: 'Leaderboard Fashion-MNIST - CNN', batch: 128, epochs: 100,
    task: 'fmnist_2c2d: a convolutional network of two conv and two fully-connected layers trained from scratch on Fashion-MNIST',
    rows: [
      [ADAM, 92.34, '    <td>1</td>\n    <td>Adam</td>\n    <td>92.34%</td>'],
      [SGD, 92.27, '    <td>2</td>\n    <td>SGD</td>\n    <td>92.27%</td>'],
      [MOMENTUM, 92.14, '    <td>3</td>\n    <td>Momentum</td>\n    <td>92.14%</td>'],
    ],
  },
  {
    id: 'cifar10-3c3d', page: 'LeaderboardP4.md', title: 'Leaderboard CIFAR-10 - CNN', batch: 128, epochs: 100,
    task: 'cifar10_3c3d: a convolutional network of three conv and three fully-connected layers trained from scratch on CIFAR-10',
    rows: [
      [ADAM, 84.75, '    <td>1</td>\n    <td>Adam</td>\n    <td>84.75%</td>'],
      [MOMENTUM, 84.41, '    <td>2</td>\n    <td>Momentum</td>\n    <td>84.41%</td>'],
      [SGD, 83.71, '    <td>3</td>\n    <td>SGD</td>\n    <td>83.71%</td>'],
    ],
  },
  {
    id: 'cifar100-allcnnc', page: 'LeaderboardP6.md', title: 'Leaderboard CIFAR-100 - All CNN C', batch: 256, epochs: 350,
    task: 'cifar100_allcnnc: the All-Convolutional Network (variant C) trained from scratch on CIFAR-100',
    rows: [
      [MOMENTUM, 60.33, '    <td>1</td>\n    <td>Momentum</td>\n    <td>60.33%</td>'],
      [SGD, 57.06, '    <td>2</td>\n    <td>SGD</td>\n    <td>57.06%</td>'],
      [ADAM, 56.15, '    <td>3</td>\n    <td>Adam</td>\n    <td>56.15%</td>'],
    ],
  },
  {
    id: 'svhn-wrn164', page: 'LeaderboardP7.md', title: 'Leaderboard SVHN - Wide ResNet 16-4', batch: 128, epochs: 160,
    task: 'svhn_wrn164: a Wide ResNet 16-4 trained from scratch on SVHN',
    rows: [
      [MOMENTUM, 95.53, '    <td>1</td>\n    <td>Momentum</td>\n    <td>95.53%</td>'],
      [SGD, 95.37, '    <td>2</td>\n    <td>SGD</td>\n    <td>95.37%</td>'],
      [ADAM, 95.25, '    <td>3</td>\n    <td>Adam</td>\n    <td>95.25%</td>'],
    ],
  },
];

const settings: Setting[] = [];
const rows: Measurement[] = [];
for (const p of PROBLEMS) {
  settings.push(setting({
    id: p.id,
    locator: `${p.page} ("${p.title}"), Overview Table, column "Final Test Accuracy"`,
    task: p.task,
    family: 'cnn',
    modality: 'image',
    params: null,
    globalBatch: { value: p.batch, unit: 'images' },
    fineTune: false,
    tuning: 'per-optimizer',
    budget: `${p.epochs} epochs at batch ${p.batch} (DeepOBS's default setting for the problem, deepobs/config.py); learning rate tuned per optimizer on a 36-point log grid, the best rerun with ten seeds`,
    metric: { name: 'final test accuracy (%)', kind: 'final', better: 'higher', basis: 'equal-budget' },
    reference: 'sgd-momentum',
  }));
  for (const [o, v, cells] of p.rows) rows.push(measured(p.id, o, v, `${HEADER}\n…\n${cells}`));
}

export const SCHNEIDER_2019_DEEPOBS: MeasurementSource = {
  id: 'schneider-2019-deepobs',
  cite: 'Schneider et al. 2019 (DeepOBS)',
  title: 'DeepOBS: A Deep Learning Optimizer Benchmark Suite',
  authors: 'Frank Schneider, Lukas Balles, Philipp Hennig',
  year: 2019,
  venue: 'ICLR 2019 (the benchmark\'s baseline leaderboard)',
  readAt: `${SITE}/LeaderboardP3.md, LeaderboardP4.md, LeaderboardP6.md and LeaderboardP7.md (the leaderboard pages of https://deepobs.github.io); the tuning protocol from ${PROTOCOL}; batch sizes and epochs from ${CONFIG}`,
  url: 'https://openreview.net/forum?id=rJg6ssC5Y7',
  proposes: [],
  settings,
  rows,
};
