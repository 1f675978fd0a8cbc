/**
 * Shazeer and Stern (2018), "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost" (ICML 2018):
 * the abstract's stated outcome — Adafactor (factored second moments, update clipping, increasing decay
 * rate, no momentum) reaches results comparable to the published Adam regime for the Transformer on
 * WMT 2014 English-German. A stated outcome (no number in the abstract). Self-reported.
 */
import { opt, setting, stated } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'Combining these methods and dropping momentum, we achieve comparable results to the published Adam regime in training the ' +
  'Transformer model on the WMT 2014 English-German machine translation task, while using very little auxiliary storage in the ' +
  'optimizer.';

export const SHAZEER_2018_ADAFACTOR: MeasurementSource = {
  id: 'shazeer-2018-adafactor',
  cite: 'Shazeer & Stern 2018 (Adafactor)',
  title: 'Adafactor: Adaptive Learning Rates with Sublinear Memory Cost',
  authors: 'Noam Shazeer, Mitchell Stern',
  year: 2018,
  venue: 'ICML 2018 (arXiv 1804.04235)',
  readAt: 'https://icml.cc/Conferences/2018/Schedule?showEvent=2724 (abstract)',
  url: 'https://arxiv.org/abs/1804.04235',
  proposes: ['adafactor'],
  settings: [
    setting({
      id: 'wmt14-en-de-transformer',
      locator: 'Abstract',
      task: 'Transformer on WMT 2014 English-German machine translation',
      family: 'encoder-decoder-lm',
      modality: 'text',
      params: null,
      fineTune: false,
      tuning: 'not-stated',
      budget: 'the published Adam training regime',
      metric: { name: 'translation quality', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'adam',
      referenceName: 'the published Adam regime',
    }),
  ],
  rows: [
    stated('wmt14-en-de-transformer', opt('adafactor', 'adafactor', 'Adafactor (no momentum, update clipping, increasing decay rate)'), 'similar', EXCERPT,
      { note: '"comparable results": recorded as similar' }),
  ],
};
