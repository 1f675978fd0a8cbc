/**
 * Zhao, Morwani, Brandfonbrener, Vyas, Kakade (2024), "Deconstructing What Makes a Good Optimizer for
 * Language Models": SGD, Adafactor, Adam, Lion and Sophia (and Signum) on autoregressive LMs across
 * sizes and hyperparameters. Independent of every optimizer it compares.
 */
import { LION, opt, setting, SOPHIA, stated } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'We aim to compare several optimization algorithms, including SGD, Adafactor, Adam, Lion, and Sophia in the context of ' +
  'autoregressive language modeling across a range of model sizes, hyperparameters, and architecture variants. Our findings ' +
  'indicate that, except for SGD, these algorithms all perform comparably both in their optimal performance and also in terms ' +
  'of how they fare across a wide range of hyperparameter choices.';
const SIGNUM =
  'Given our findings, we further dissect these approaches, examining two simplified versions of Adam: a) signed momentum ' +
  '(Signum) which we see recovers both the performance and hyperparameter stability of Adam';

export const ZHAO_2024_DECONSTRUCTING: MeasurementSource = {
  id: 'zhao-2024-deconstructing',
  cite: 'Zhao et al. 2024 (Deconstructing)',
  title: 'Deconstructing What Makes a Good Optimizer for Language Models',
  authors: 'Rosie Zhao, Depen Morwani, David Brandfonbrener, Nikhil Vyas, Sham Kakade',
  year: 2024,
  venue: 'arXiv 2407.07972 (ICLR 2025)',
  readAt: 'https://www.sciencestack.ai/paper/2407.07972 (abstract); https://bohrium.dp.tech/paper/arxiv/2410.16103 (abstract, Signum sentence)',
  url: 'https://arxiv.org/abs/2407.07972',
  proposes: [],
  settings: [
    setting({
      id: 'autoregressive-lm',
      locator: 'Abstract',
      task: 'autoregressive language modeling across model sizes, hyperparameters and architecture variants',
      family: 'decoder-lm',
      modality: 'text',
      params: null,
      fineTune: false,
      tuning: 'per-optimizer',
      budget: 'equal budget; optimal and across a sweep of hyperparameters',
      metric: { name: 'optimal performance and stability across hyperparameters', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'adam',
  referenceName: 'Adam',
    }),
  ],
  rows: [
    stated('autoregressive-lm', opt('adafactor', 'adafactor', 'Adafactor'), 'similar', EXCERPT),
    stated('autoregressive-lm', LION(), 'similar', EXCERPT),
    stated('autoregressive-lm', SOPHIA(), 'similar', EXCERPT),
    stated('autoregressive-lm', opt('sgd', 'sgd', 'SGD'), 'worse', EXCERPT, { note: '"except for SGD": worse than the others' }),
    stated('autoregressive-lm', opt('signum', 'signum', 'Signum (signed momentum)'), 'similar', SIGNUM),
  ],
};
