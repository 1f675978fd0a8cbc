/** Pagliardini, Ablin, Grangier (2024), "The AdEMAMix Optimizer: Better, Faster, Older" (ICLR 2025). Self-reported. */
import { measured, opt, setting } from './build';
import type { MeasurementSource } from './types';

export const PAGLIARDINI_2024_ADEMAMIX: MeasurementSource = {
  id: 'pagliardini-2024-ademamix',
  cite: 'Pagliardini et al. 2024 (AdEMAMix)',
  title: 'The AdEMAMix Optimizer: Better, Faster, Older',
  authors: 'Matteo Pagliardini, Pierre Ablin, David Grangier',
  year: 2024,
  venue: 'ICLR 2025 (arXiv 2409.03137)',
  readAt: 'https://object.cloud.sdsc.edu/v1/AUTH_da4962d3368042ac8337e2dfdd3e7bf3/ml-papers-txt/ICLR/2025/the_ademamix_optimizer_better_faster_older__117f0787.txt (abstract)',
  url: 'https://arxiv.org/abs/2409.03137',
  proposes: ['ademamix'],
  settings: [
    setting({
      id: 'llm-1.3b',
      locator: 'Abstract',
      task: '1.3B-parameter language model pre-training',
      family: 'decoder-lm',
      modality: 'text',
      params: 1.3e9,
      tokens: 101e9,
      tokensPerParam: 101e9 / 1.3e9,
      fineTune: false,
      tuning: 'not-stated',
      budget: 'tokens to the same result',
      metric: { name: 'AdamW tokens / AdEMAMix tokens to comparable performance', kind: 'speedup', better: 'higher', basis: 'steps' },
      reference: 'adamw',
      referenceValue: 1,
    }),
  ],
  rows: [
    measured('llm-1.3b', opt('ademamix', 'ademamix', 'AdEMAMix'), 1.95,
      'e.g., a 1.3B parameter Ad EMAMix LLM trained on 101B tokens performs comparably to an Adam W model trained on 197B tokens (+95%).',
      { derivation: '1 + 95% = 1.95 (197B / 101B tokens)' }),
  ],
};
