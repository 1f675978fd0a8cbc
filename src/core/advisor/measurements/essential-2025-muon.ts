/**
 * Essential AI (Shah et al. 2025), "Practical Efficiency of Muon for Pretraining": Muon against AdamW
 * on the compute-time trade-off, models up to 4B parameters, batch sizes beyond the critical batch
 * size. Only the abstract could be read; its stated outcome is recorded. Independent of Muon's authors.
 */
import { MUON, setting, stated } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'We demonstrate that Muon, the simplest instantiation of a second-order optimizer, explicitly expands the Pareto frontier ' +
  'over AdamW on the compute-time tradeoff. We find that Muon is more effective than AdamW in retaining data efficiency at ' +
  'large batch sizes, far beyond the so-called critical batch size, while remaining computationally efficient, thus enabling ' +
  'more economical training.';

export const ESSENTIAL_2025_MUON: MeasurementSource = {
  id: 'essential-2025-muon',
  cite: 'Essential AI (Shah et al.) 2025',
  title: 'Practical Efficiency of Muon for Pretraining',
  authors: 'Essential AI: Ishaan Shah, Anthony M. Polloreno, Karl Stratos, et al., Ashish Vaswani',
  year: 2025,
  venue: 'arXiv 2505.02222',
  readAt: 'https://arcxiv.org/abs/2505.02222 (abstract)',
  url: 'https://arxiv.org/abs/2505.02222',
  proposes: [],
  settings: [
    setting({
      id: 'compute-time',
      locator: 'Abstract',
      task: 'language model pre-training, models up to 4B parameters, large batch sizes',
      family: 'decoder-lm',
      modality: 'text',
      params: null,
      paramsMax: null,
      fineTune: false,
      tuning: 'per-optimizer',
      budget: 'compute and time to the same loss',
      metric: { name: 'compute-time trade-off (Pareto frontier)', kind: 'time-to-target', better: 'lower', basis: 'wall-clock' },
      reference: 'adamw',
      referenceName: 'AdamW',
    }),
  ],
  rows: [stated('compute-time', MUON(), 'better', EXCERPT)],
};
