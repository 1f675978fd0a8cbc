/**
 * Kaddour, Key, Nawrot, Minervini, Kusner (2023), "No Train No Gain: Revisiting Efficient Training
 * Algorithms For Transformer-based Language Models" (NeurIPS 2023): Lion and Sophia re-run against a
 * fully-decayed-learning-rate baseline at fixed compute. Independent, and later than both optimizers'
 * own papers.
 */
import { LION, setting, SOPHIA, stated } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'In this work, we revisit three categories of such algorithms: dynamic architectures (layer stacking, layer dropping), batch ' +
  'selection (selective backprop., RHO-loss), and efficient optimizers (Lion, Sophia). When pre-training BERT and T5 with a fixed ' +
  'computation budget using such methods, we find that their training, validation, and downstream gains vanish compared to a ' +
  'baseline with a fully-decayed learning rate.';

const common = {
  locator: 'Abstract',
  modality: 'text',
  params: null,
  fineTune: false,
  tuning: 'per-optimizer',
  budget: 'fixed computation budget (reference system time)',
  metric: { name: 'training, validation and downstream performance', kind: 'final', better: 'higher', basis: 'equal-budget' },
  reference: 'fully-decayed-baseline',
  referenceName: 'a baseline with a fully-decayed learning rate',
} as const;

export const KADDOUR_2023_NO_TRAIN_NO_GAIN: MeasurementSource = {
  id: 'kaddour-2023-no-train-no-gain',
  cite: 'Kaddour et al. 2023',
  title: 'No Train No Gain: Revisiting Efficient Training Algorithms For Transformer-based Language Models',
  authors: 'Jean Kaddour, Oscar Key, Piotr Nawrot, Pasquale Minervini, Matt J. Kusner',
  year: 2023,
  venue: 'NeurIPS 2023',
  readAt: 'http://papers.nips.cc/paper_files/paper/2023/hash/51f3d6252706100325ddc435ba0ade0e-Abstract-Conference.html',
  url: 'https://arxiv.org/abs/2307.06440',
  proposes: [],
  settings: [
    setting({ id: 'bert', task: 'BERT pre-training at fixed compute', family: 'encoder-lm', ...common }),
    setting({ id: 't5', task: 'T5 pre-training at fixed compute', family: 'encoder-decoder-lm', ...common }),
  ],
  rows: [
    stated('bert', LION(), 'similar', EXCERPT, { note: '"gains vanish": no better than the baseline' }),
    stated('bert', SOPHIA(), 'similar', EXCERPT, { note: '"gains vanish": no better than the baseline' }),
    stated('t5', LION(), 'similar', EXCERPT, { note: '"gains vanish": no better than the baseline' }),
    stated('t5', SOPHIA(), 'similar', EXCERPT, { note: '"gains vanish": no better than the baseline' }),
  ],
};
