/** Vyas et al. (2024), "SOAP: Improving and Stabilizing Shampoo using Adam" (ICLR 2025): large-batch LM pre-training at 360m and 660m. Self-reported. */
import { measured, SOAP, setting } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'We empirically evaluate SOAP on language model pre-training with 360m and 660m sized models. In the large batch regime, ' +
  'SOAP reduces the number of iterations by over 40% and wall clock time by over 35% compared to AdamW, with approximately ' +
  '20% improvements in both metrics compared to Shampoo.';

const common = {
  locator: 'Abstract',
  task: 'language model pre-training, large-batch regime',
  family: 'decoder-lm',
  modality: 'text',
  params: 360e6,
  paramsMax: 660e6,
  fineTune: false,
  tuning: 'per-optimizer',
  budget: 'iterations or wall-clock to AdamW\'s final loss, as a fraction of AdamW\'s',
  reference: 'adamw',
  referenceValue: 1,
} as const;

export const VYAS_2024_SOAP: MeasurementSource = {
  id: 'vyas-2024-soap',
  cite: 'Vyas et al. 2024 (SOAP)',
  title: 'SOAP: Improving and Stabilizing Shampoo using Adam',
  authors: 'Nikhil Vyas, Depen Morwani, Rosie Zhao, Mujin Kwun, Itai Shapira, David Brandfonbrener, Lucas Janson, Sham Kakade',
  year: 2024,
  venue: 'ICLR 2025 (arXiv 2409.11321)',
  readAt: 'https://www.pith.science/citations/65c9d9eb-0524-49bd-9aa5-2756ce24dc7f?cat=cs.AI (abstract of arXiv 2409.11321)',
  url: 'https://arxiv.org/abs/2409.11321',
  proposes: ['soap'],
  settings: [
    { ...setting({ id: 'iterations', ...common, metric: { name: 'iterations to the target, fraction of AdamW\'s', kind: 'time-to-target', better: 'lower', basis: 'steps' } }) },
    { ...setting({ id: 'wall-clock', ...common, group: 'iterations', metric: { name: 'wall-clock to the target, fraction of AdamW\'s', kind: 'time-to-target', better: 'lower', basis: 'wall-clock' } }) },
  ],
  rows: [
    measured('iterations', SOAP(), 0.6, EXCERPT, { derivation: '"reduces the number of iterations by over 40%": at most 1 − 0.40 = 0.6 of AdamW\'s' }),
    measured('wall-clock', SOAP(), 0.65, EXCERPT, { derivation: '"wall clock time by over 35%": at most 1 − 0.35 = 0.65 of AdamW\'s' }),
  ],
};
