/**
 * Liu et al. (2025), "Muon is Scalable for LLM Training" (Moonshot AI): Muon with weight decay and
 * per-parameter update scaling in scaling-law experiments against AdamW. The authors propose this
 * form of Muon, so the row is a self-report.
 */
import { measured, MUON, setting } from './build';
import type { MeasurementSource } from './types';

export const LIU_2025_MUON_SCALABLE: MeasurementSource = {
  id: 'liu-2025-muon-scalable',
  cite: 'Liu et al. 2025 (Moonshot)',
  title: 'Muon is Scalable for LLM Training',
  authors: 'Jingyuan Liu, Jianlin Su, Xingcheng Yao, Zhejun Jiang, Guokun Lai, Yulun Du, et al. (Moonshot AI)',
  year: 2025,
  venue: 'arXiv 2502.16982',
  readAt: 'https://aitopics.org/doc/arxivorg:4188E6F9 (abstract of arXiv 2502.16982)',
  url: 'https://arxiv.org/abs/2502.16982',
  proposes: ['muon'],
  settings: [
    setting({
      id: 'scaling-law',
      locator: 'Abstract (scaling-law experiments)',
      task: 'LLM pre-training, compute-optimal scaling-law runs',
      family: 'decoder-lm',
      modality: 'text',
      params: null,
      fineTune: false,
      tuning: 'not-stated',
      budget: 'compute-optimal training; efficiency = AdamW compute / Muon compute to the same loss',
      metric: { name: 'computational efficiency relative to AdamW', kind: 'speedup', better: 'higher', basis: 'compute' },
      reference: 'adamw',
      referenceValue: 1,
    }),
  ],
  rows: [
    measured('scaling-law', MUON('Muon (with weight decay and adjusted per-parameter update scale)'), 2,
      'Scaling law experiments indicate that Muon achieves $\\sim\\!2\\times$ computational efficiency compared to AdamW with compute optimal training.',
      { note: 'the abstract writes "~2x"; recorded as 2' }),
  ],
};
