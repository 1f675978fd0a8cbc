/**
 * Wilson, Roelofs, Stern, Srebro, Recht (2017), "The Marginal Value of Adaptive Gradient Methods in
 * Machine Learning" (NeurIPS 2017): adaptive methods against SGD on several deep learning models,
 * CIFAR-10 image classification among them. Independent.
 */
import { opt, setting, stated } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'We additionally study the empirical generalization capability of adaptive methods on several state-of-the-art deep learning ' +
  'models. We observe that the solutions found by adaptive methods generalize worse (often significantly worse) than SGD, even ' +
  'when these solutions have better training performance.';
const NOTE = 'the abstract names AdaGrad, RMSProp and Adam as the adaptive methods';

export const WILSON_2017_MARGINAL_VALUE: MeasurementSource = {
  id: 'wilson-2017-marginal-value',
  cite: 'Wilson et al. 2017',
  title: 'The Marginal Value of Adaptive Gradient Methods in Machine Learning',
  authors: 'Ashia C. Wilson, Rebecca Roelofs, Mitchell Stern, Nati Srebro, Benjamin Recht',
  year: 2017,
  venue: 'NeurIPS 2017',
  readAt: 'http://papers.neurips.cc/paper/7003-the-marginal-value-of-adaptive-gradient-methods-in-machine-learning',
  url: 'https://arxiv.org/abs/1705.08292',
  proposes: [],
  settings: [
    setting({
      id: 'deep-models',
      locator: 'Abstract',
      task: 'several state-of-the-art deep learning models (image classification among them)',
      family: 'cnn',
      modality: 'image',
      params: null,
      fineTune: false,
      tuning: 'per-optimizer',
      budget: 'equal budget',
      metric: { name: 'test (generalization) performance', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'sgd',
  referenceName: 'SGD',
    }),
  ],
  rows: [
    stated('deep-models', opt('adagrad', 'adagrad', 'AdaGrad'), 'worse', EXCERPT, { note: NOTE }),
    stated('deep-models', opt('rmsprop', 'rmsprop', 'RMSProp'), 'worse', EXCERPT, { note: NOTE }),
    stated('deep-models', opt('adam', 'adam', 'Adam'), 'worse', EXCERPT, { note: NOTE }),
  ],
};
