/**
 * Schlotthauer, Kroos, Hinze, Hangya, Hahn, Küch (2025), "Pre-Training LLMs on a budget: A comparison
 * of three optimizers": AdamW, Lion and Sophia, hyperparameters tuned per optimizer with muP proxies.
 * Only the abstract could be read: its stated outcomes are recorded. Independent of all three.
 */
import { LION, setting, SOPHIA, stated } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'We found that while the results from all three optimizers were in approximately the same range, Sophia exhibited the ' +
  'lowest training and validation loss, Lion was fastest in terms of training GPU hours but AdamW led to the best downstream ' +
  'evaluation results.';

const common = {
  locator: 'Abstract',
  task: 'LLM pre-training on a budget, two base architectures, single- and multi-epoch at equal tokens',
  family: 'decoder-lm',
  modality: 'text',
  params: null,
  fineTune: false,
  tuning: 'per-optimizer',
  budget: 'equal tokens',
  reference: 'adamw',
  referenceName: 'AdamW',
  group: 'budget-pretraining',
} as const;

export const SCHLOTTHAUER_2025_BUDGET: MeasurementSource = {
  id: 'schlotthauer-2025-budget',
  cite: 'Schlotthauer et al. 2025',
  title: 'Pre-Training LLMs on a budget: A comparison of three optimizers',
  authors: 'Joel Schlotthauer, Christian Kroos, Chris Hinze, Viktor Hangya, Luzian Hahn, Fabian Küch',
  year: 2025,
  venue: 'arXiv 2507.08472',
  readAt: 'https://arxiv.org/html/2507.08472v1 (abstract)',
  url: 'https://arxiv.org/abs/2507.08472',
  proposes: [],
  settings: [
    setting({ id: 'validation-loss', ...common, metric: { name: 'validation loss', kind: 'final', better: 'lower', basis: 'equal-budget' } }),
    setting({ id: 'downstream', ...common, metric: { name: 'downstream evaluation results', kind: 'final', better: 'higher', basis: 'equal-budget' } }),
    setting({ id: 'gpu-hours', ...common, metric: { name: 'training GPU hours', kind: 'time-to-target', better: 'lower', basis: 'wall-clock' } }),
  ],
  rows: [
    stated('validation-loss', SOPHIA(), 'better', EXCERPT, { note: '"Sophia exhibited the lowest training and validation loss"' }),
    stated('downstream', SOPHIA(), 'worse', EXCERPT, { note: '"AdamW led to the best downstream evaluation results"' }),
    stated('downstream', LION(), 'worse', EXCERPT, { note: '"AdamW led to the best downstream evaluation results"' }),
    stated('gpu-hours', LION(), 'better', EXCERPT, { note: '"Lion was fastest in terms of training GPU hours"' }),
  ],
};
