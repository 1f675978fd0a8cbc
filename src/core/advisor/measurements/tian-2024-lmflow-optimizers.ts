/**
 * Tian (2024), the LMFlow optimizer benchmark in the Awesome-Optimizers README: GPT-2 fine-tuned on the
 * Alpaca dataset with LMFlow's custom-optimizer script, 23 optimizers at their default hyperparameters
 * for 0.1 epoch, final training loss. Every row of the table. The README calls it "For reference
 * only": one short run per optimizer, default (untuned) hyperparameters, a training loss rather than a
 * held-out one, and no GPT-2 size stated. Juanxi Tian (a co-author of Li et al. 2024, ./li-2024-bocb.ts)
 * proposed none of these optimizers: every row is independent.
 */
import { measured, opt, setting } from './build';
import type { OptimizerId } from '../../optimizers/types';
import type { MeasurementSource } from './types';

const COMMIT = '5ad370ccaba38134620703106dd4f3aedb1b7687';
const README = `https://github.com/tianshijing/Awesome-Optimizers/blob/${COMMIT}/README.md`;
const HEADER = '  | Optimizer Name | Train Loss |\n  |----------------|------------|\n';

/** [key, catalog id, the table's name, train loss, the table's line]. */
const TABLE: readonly (readonly [string, OptimizerId | null, string, number, string])[] = [
  ['rmsprop', 'rmsprop', 'RMSprop', 2.4016, '  | RMSprop        | 2.4016     |'],
  ['lion', 'lion', 'LION-32bit', 2.4041, '  | LION-32bit     | 2.4041     |'],
  ['adam', 'adam', 'Adam', 2.4292, '  | Adam           | 2.4292     |'],
  ['adamp', null, 'AdamP', 2.4295, '  | AdamP          | 2.4295     |'],
  ['adamw', 'adamw', 'AdamW', 2.4469, '  | AdamW          | 2.4469     |'],
  ['adafactor', 'adafactor', 'AdaFactor', 2.4543, '  | AdaFactor      | 2.4543     |'],
  ['adabound', null, 'AdaBound', 2.4547, '  | AdaBound       | 2.4547     |'],
  ['schedule-free-adamw', 'schedule-free-adamw', 'AdamWScheduleFree', 2.4677, '  | AdamWScheduleFree       | 2.4677     |'],
  ['adan', null, 'Adan', 2.5063, '  | Adan           | 2.5063     |'],
  ['nadam', null, 'NAdam', 2.5569, '  | NAdam          | 2.5569     |'],
  ['adabelief', null, 'AdaBelief', 2.5857, '  | AdaBelief      | 2.5857     |'],
  ['adamax', null, 'AdaMax', 2.5924, '  | AdaMax         | 2.5924     |'],
  ['radam', null, 'RAdam', 2.6104, '  | RAdam          | 2.6104     |'],
  ['adadelta', null, 'AdaDelta', 2.6298, '  | AdaDelta       | 2.6298     |'],
  ['adagrad', 'adagrad', 'AdaGrad', 2.8657, '  | AdaGrad        | 2.8657     |'],
  ['yogi', null, 'Yogi', 2.9314, '  | Yogi           | 2.9314     |'],
  ['novograd', 'novograd', 'NovoGrad', 3.1071, '  | NovoGrad       | 3.1071     |'],
  ['sophia', 'sophia', 'Sophia', 3.1517, '  | Sophia         | 3.1517     |'],
  ['lamb', 'lamb', 'LAMB', 3.235, '  | LAMB           | 3.2350     |'],
  ['lars', null, 'LARS', 3.3329, '  | LARS           | 3.3329     |'],
  ['schedule-free-sgd', null, 'SGDScheduleFree', 3.3541, '  | SGDScheduleFree        | 3.3541     |'],
  ['sgdp', null, 'SGDP', 3.3567, '  | SGDP           | 3.3567     |'],
  ['sgd', 'sgd', 'SGD', 3.3734, '  | SGD            | 3.3734     |'],
];

export const TIAN_2024_LMFLOW_OPTIMIZERS: MeasurementSource = {
  id: 'tian-2024-lmflow-optimizers',
  cite: 'Tian 2024 (LMFlow optimizer benchmark)',
  title: 'Awesome-Optimizers: Benchmark of the LMFlow (GPT-2 fine-tuning on Alpaca with 23 optimizers)',
  authors: 'Juanxi Tian',
  year: 2024,
  venue: 'GitHub repository tianshijing/Awesome-Optimizers (README, "Benchmark of the LMFlow")',
  readAt: `${README} ("Benchmark of the LMFlow" table)`,
  url: 'https://github.com/tianshijing/Awesome-Optimizers',
  proposes: [],
  settings: [
    setting({
      id: 'gpt2-alpaca-0.1-epoch',
      locator: 'README.md, "Benchmark of the LMFlow" table',
      task: 'GPT-2 fine-tuning on the Alpaca dataset with LMFlow (scripts/run_finetune_with_custom_optim.sh), 0.1 epoch',
      family: 'decoder-lm',
      modality: 'text',
      params: null,
      fineTune: true,
      tuning: 'shared',
      budget: 'equal budget (0.1 epoch), each optimizer at its default hyperparameters ("The default hyperparameter setting is num_epoch=0.1. For reference only.")',
      metric: { name: 'training loss after 0.1 epoch', kind: 'final', better: 'lower', basis: 'equal-budget' },
      reference: 'adamw',
    }),
  ],
  rows: TABLE.map(([key, catalogId, name, value, line]) => measured('gpt2-alpaca-0.1-epoch', opt(key, catalogId, name, 'default hyperparameters'), value, HEADER + line)),
};
