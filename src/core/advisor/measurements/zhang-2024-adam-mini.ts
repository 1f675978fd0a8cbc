/** Zhang et al. (2024), "Adam-mini: Use Fewer Learning Rates To Gain More". Self-reported. */
import { measured, opt, setting, stated } from './build';
import type { MeasurementSource } from './types';

const ADAM_MINI = opt('adam-mini', 'adam-mini', 'Adam-mini');

export const ZHANG_2024_ADAM_MINI: MeasurementSource = {
  id: 'zhang-2024-adam-mini',
  cite: 'Zhang et al. 2024 (Adam-mini)',
  title: 'Adam-mini: Use Fewer Learning Rates To Gain More',
  authors: 'Yushun Zhang, Congliang Chen, Ziniu Li, Tian Ding, Chenwei Wu, Yinyu Ye, Zhi-Quan Luo, Ruoyu Sun',
  year: 2024,
  venue: 'ICLR 2025; ES-FoMo-II workshop 2024 (arXiv 2406.16793)',
  readAt: 'https://openreview.net/forum?id=TOnkMNfx9d (abstract)',
  url: 'https://arxiv.org/abs/2406.16793',
  proposes: ['adam-mini'],
  settings: [
    setting({
      id: 'llama2-7b-throughput',
      locator: 'Abstract',
      task: 'Llama2-7B pre-training on 2x A800-80GB',
      family: 'decoder-lm',
      modality: 'text',
      params: 7e9,
      fineTune: false,
      tuning: 'shared',
      budget: 'wall-clock for the same pre-training run',
      metric: { name: 'pre-training wall-clock, fraction of AdamW\'s', kind: 'time-to-target', better: 'lower', basis: 'wall-clock' },
      reference: 'adamw',
      referenceValue: 1,
    }),
    setting({
      id: 'quality-125m-7b',
      locator: 'Abstract',
      task: 'language models 125M–7B: pre-training, supervised fine-tuning and RLHF',
      family: 'decoder-lm',
      modality: 'text',
      params: 125e6,
      paramsMax: 7e9,
      fineTune: false,
      tuning: 'shared',
      budget: 'equal budget',
      metric: { name: 'final performance', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'adamw',
    }),
  ],
  rows: [
    measured('llama2-7b-throughput', ADAM_MINI, 0.67,
      'For instance, Adam-mini achieves $49.6\\%$ higher throughput than AdamW when pre-training Llama2-7B on $2\\times$ A800-80GB GPUs, which saves 33\\% wall-clock time for pre-training.',
      { derivation: '"saves 33% wall-clock time": 1 − 0.33 = 0.67 of AdamW\'s' }),
    stated('quality-125m-7b', ADAM_MINI, 'similar',
      'Empirically, we verify that Adam-mini performs on par or better than AdamW on various language models sized from 125M to 7B for pre-training, supervised fine-tuning, and RLHF.',
      { note: '"on par or better": recorded as similar' }),
  ],
};
