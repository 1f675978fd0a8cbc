/** Zhao et al. (2024), "GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection" (ICML 2024). Self-reported. */
import { opt, setting, stated } from './build';
import type { MeasurementSource } from './types';

export const ZHAO_2024_GALORE: MeasurementSource = {
  id: 'zhao-2024-galore',
  cite: 'Zhao et al. 2024 (GaLore)',
  title: 'GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection',
  authors: 'Jiawei Zhao, Zhenyu Zhang, Beidi Chen, Zhangyang Wang, Anima Anandkumar, Yuandong Tian',
  year: 2024,
  venue: 'ICML 2024 (arXiv 2403.03507)',
  readAt: 'https://llm-bible.github.io/publications/zhao2024memory (abstract)',
  url: 'https://arxiv.org/abs/2403.03507',
  proposes: ['galore-adamw'],
  settings: [
    setting({
      id: 'llama-c4',
      locator: 'Abstract',
      task: 'LLaMA pre-training on C4 (1B and 7B architectures)',
      family: 'decoder-lm',
      modality: 'text',
      params: 1e9,
      paramsMax: 7e9,
      tokens: 19.7e9,
      fineTune: false,
      tuning: 'not-stated',
      budget: 'equal tokens (up to 19.7B)',
      metric: { name: 'pre-training performance', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'adamw',
    }),
  ],
  rows: [
    stated('llama-c4', opt('galore-adamw', 'galore-adamw', 'GaLore (AdamW)'), 'similar',
      'Our approach reduces memory usage by up to 65.5% in optimizer states while maintaining both efficiency and performance for pre-training on LLaMA 1B and 7B architectures with C4 dataset with up to 19.7B tokens, and on fine-tuning RoBERTa on GLUE tasks.'),
  ],
};
