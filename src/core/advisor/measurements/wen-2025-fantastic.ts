/**
 * Wen, Hall, Ma, Liang (2025), "Fantastic Pretraining Optimizers and Where to Find Them": ten
 * optimizers tuned per optimizer at four scales (0.1B–1.2B) and 1–8x the Chinchilla data ratio. Only
 * the abstract could be read, so the rows are its two stated speedups of the matrix-based optimizers
 * (it names Muon and Soap as the fastest) over AdamW. Independent of both optimizers' authors.
 */
import { measured, MUON, SOAP, setting } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'Through our thorough investigation, we find that all the fastest optimizers such as Muon and Soap, use matrices as ' +
  'preconditioners -- multiplying gradients with matrices rather than entry-wise scalars. However, the speedup of ' +
  'matrix-based optimizers is inversely proportional to model scale, decreasing from 1.4x over AdamW for 0.1B parameter ' +
  'models to merely 1.1x for 1.2B parameter models.';
const NOTE = 'the abstract states this speedup for the matrix-based optimizers, naming Muon and Soap as the fastest; the same figure is recorded for each';

const common = {
  task: 'Llama-style language model pre-training, 1–8x the Chinchilla data ratio',
  family: 'decoder-lm',
  modality: 'text',
  fineTune: false,
  tuning: 'per-optimizer',
  budget: 'equal tokens; speedup = AdamW tokens / optimizer tokens to the same final loss',
  metric: { name: 'speedup over AdamW in data to the same loss', kind: 'speedup', better: 'higher', basis: 'steps' },
  reference: 'adamw',
  referenceValue: 1,
} as const;

export const WEN_2025_FANTASTIC: MeasurementSource = {
  id: 'wen-2025-fantastic',
  cite: 'Wen et al. 2025',
  title: 'Fantastic Pretraining Optimizers and Where to Find Them',
  authors: 'Kaiyue Wen, David Hall, Tengyu Ma, Percy Liang',
  year: 2025,
  venue: 'arXiv 2509.02046',
  readAt: 'https://arxiv.org/abs/2509.02046?context=stat.ML (abstract)',
  url: 'https://arxiv.org/abs/2509.02046',
  proposes: [],
  settings: [
    setting({ id: 'scale-0.1b', locator: 'Abstract', params: 0.1e9, ...common }),
    setting({ id: 'scale-1.2b', locator: 'Abstract', params: 1.2e9, ...common }),
  ],
  rows: [
    measured('scale-0.1b', MUON(), 1.4, EXCERPT, { note: NOTE }),
    measured('scale-0.1b', SOAP('Soap'), 1.4, EXCERPT, { note: NOTE }),
    measured('scale-1.2b', MUON(), 1.1, EXCERPT, { note: NOTE }),
    measured('scale-1.2b', SOAP('Soap'), 1.1, EXCERPT, { note: NOTE }),
  ],
};
