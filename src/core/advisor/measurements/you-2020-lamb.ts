/** You et al. (2020), "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes" (LAMB, ICLR 2020). Self-reported. */
import { opt, setting, stated } from './build';
import type { MeasurementSource } from './types';

export const YOU_2020_LAMB: MeasurementSource = {
  id: 'you-2020-lamb',
  cite: 'You et al. 2020 (LAMB)',
  title: 'Large Batch Optimization for Deep Learning: Training BERT in 76 minutes',
  authors: 'Yang You, Jing Li, Sashank Reddi, Jonathan Hseu, Sanjiv Kumar, Srinadh Bhojanapalli, Xiaodan Song, James Demmel, Kurt Keutzer, Cho-Jui Hsieh',
  year: 2020,
  venue: 'ICLR 2020 (arXiv 1904.00962)',
  readAt: 'https://citegraph.io/paper/5e5e18b793d709897ce2a20b (ICLR abstract)',
  url: 'https://arxiv.org/abs/1904.00962',
  proposes: ['lamb'],
  settings: [
    setting({
      id: 'bert-batch-32k',
      locator: 'Abstract',
      task: 'BERT pre-training with very large batches',
      family: 'encoder-lm',
      modality: 'text',
      params: null,
      globalBatch: { value: 32868, unit: 'sequences' },
      fineTune: false,
      tuning: 'not-stated',
      budget: 'BERT pre-training to its usual accuracy',
      metric: { name: 'accuracy at a very large batch', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'lars',
  referenceName: 'LARS',
    }),
  ],
  rows: [
    stated('bert-batch-32k', opt('lamb', 'lamb', 'LAMB'), 'better',
      'The most prominent algorithm in this line of research is LARS, which by  employing layerwise adaptive learning rates trains ResNet on ImageNet in a few minutes. However, LARS performs poorly for attention models like BERT, indicating that its performance gains are not consistent across tasks. … In particular, for BERT training, our optimizer enables use of very large batch sizes of 32868 without any degradation of performance.',
      { note: 'relative to LARS, the large-batch method the abstract compares with; " … " marks omitted sentences' }),
  ],
};
