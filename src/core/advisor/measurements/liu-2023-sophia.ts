/** Liu, Li, Hall, Liang, Ma (2023), "Sophia: A Scalable Stochastic Second-order Optimizer for Language Model Pre-training" (ICLR 2024). Self-reported. */
import { measured, setting, SOPHIA } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'On language modeling with GPT models of sizes ranging from 125M to 1.5B, Sophia achieves a 2x speed-up compared to Adam ' +
  'in the number of steps, total compute, and wall-clock time, achieving the same perplexity with 50\\% fewer steps, less ' +
  'total compute, and reduced wall-clock time.';

const common = {
  locator: 'Abstract',
  task: 'GPT-2-style language model pre-training on OpenWebText',
  family: 'decoder-lm',
  modality: 'text',
  params: 125e6,
  paramsMax: 1.5e9,
  fineTune: false,
  tuning: 'not-stated',
  budget: 'steps or wall-clock to the same perplexity',
  reference: 'adamw',
  referenceValue: 1,
  group: 'gpt',
} as const;

export const LIU_2023_SOPHIA: MeasurementSource = {
  id: 'liu-2023-sophia',
  cite: 'Liu et al. 2023 (Sophia)',
  title: 'Sophia: A Scalable Stochastic Second-order Optimizer for Language Model Pre-training',
  authors: 'Hong Liu, Zhiyuan Li, David Hall, Percy Liang, Tengyu Ma',
  year: 2023,
  venue: 'ICLR 2024 (arXiv 2305.14342)',
  readAt: 'https://proceedings.iclr.cc/paper_files/paper/2024/hash/06960915ba8674c7a898ec0b472b80ff-Abstract-Conference.html',
  url: 'https://arxiv.org/abs/2305.14342',
  proposes: ['sophia'],
  settings: [
    setting({ id: 'steps', ...common, metric: { name: 'speed-up in the number of steps to the same perplexity', kind: 'speedup', better: 'higher', basis: 'steps' } }),
    setting({ id: 'wall-clock', ...common, metric: { name: 'speed-up in wall-clock time to the same perplexity', kind: 'speedup', better: 'higher', basis: 'wall-clock' } }),
  ],
  rows: [
    measured('steps', SOPHIA('Sophia (Sophia-G)'), 2, EXCERPT),
    measured('wall-clock', SOPHIA('Sophia (Sophia-G)'), 2, EXCERPT),
  ],
};
