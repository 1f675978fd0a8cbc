/** Dettmers, Lewis, Shleifer, Zettlemoyer (2022), "8-bit Optimizers via Block-wise Quantization" (ICLR 2022). Self-reported. */
import { opt, setting, stated } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'As a result, our 8-bit optimizers maintain 32-bit performance with a small fraction of the memory footprint on a range of ' +
  'tasks, including 1.5B parameter language modeling, GLUE finetuning, ImageNet classification, WMT\'14 machine translation, ' +
  'MoCo v2 contrastive ImageNet pretraining+finetuning, and RoBERTa pretraining, without changes to the original optimizer hyperparameters.';
const ADAMW_8BIT = opt('adamw-8bit', 'adamw-8bit', '8-bit Adam (block-wise dynamic quantization)');

export const DETTMERS_2022_8BIT: MeasurementSource = {
  id: 'dettmers-2022-8bit',
  cite: 'Dettmers et al. 2022 (8-bit optimizers)',
  title: '8-bit Optimizers via Block-wise Quantization',
  authors: 'Tim Dettmers, Mike Lewis, Sam Shleifer, Luke Zettlemoyer',
  year: 2022,
  venue: 'ICLR 2022 (arXiv 2110.02861)',
  readAt: 'https://deepai.com/publication/8-bit-optimizers-via-block-wise-quantization (abstract)',
  url: 'https://arxiv.org/abs/2110.02861',
  proposes: ['adamw-8bit'],
  settings: [
    setting({
      id: 'lm-1.5b',
      locator: 'Abstract',
      task: '1.5B-parameter language modeling',
      family: 'decoder-lm',
      modality: 'text',
      params: 1.5e9,
      fineTune: false,
      tuning: 'shared',
      budget: 'the 32-bit run\'s budget and hyperparameters',
      metric: { name: 'final performance', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'adamw',
    }),
    setting({
      id: 'glue-finetuning',
      locator: 'Abstract',
      task: 'GLUE fine-tuning',
      family: 'encoder-lm',
      modality: 'text',
      params: null,
      fineTune: true,
      tuning: 'shared',
      budget: 'the 32-bit run\'s budget and hyperparameters',
      metric: { name: 'final performance', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'adamw',
    }),
  ],
  rows: [
    stated('lm-1.5b', ADAMW_8BIT, 'similar', EXCERPT),
    stated('glue-finetuning', ADAMW_8BIT, 'similar', EXCERPT),
  ],
};
