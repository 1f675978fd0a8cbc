/**
 * Shi et al. (2023), "A Distributed Data-Parallel PyTorch Implementation of the Distributed Shampoo
 * Optimizer for Training Neural Networks At-Scale": the implementation behind the AlgoPerf winner.
 * Only the abstract could be read: the stated step cost and the stated ImageNet ResNet-50 outcome.
 * The authors built this Shampoo, so the row is a self-report.
 */
import { opt, setting, stated } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'This major performance enhancement enables us to achieve at most a 10% performance reduction in per-step wall-clock time ' +
  'compared against standard diagonal-scaling-based adaptive gradient methods. We validate our implementation by performing ' +
  'an ablation study on training ImageNet ResNet50, demonstrating Shampoo\'s superiority over standard training recipes with ' +
  'minimal hyperparameter tuning.';

export const SHI_2023_DISTRIBUTED_SHAMPOO: MeasurementSource = {
  id: 'shi-2023-distributed-shampoo',
  cite: 'Shi et al. 2023 (Distributed Shampoo)',
  title: 'A Distributed Data-Parallel PyTorch Implementation of the Distributed Shampoo Optimizer for Training Neural Networks At-Scale',
  authors: 'Hao-Jun Michael Shi, Tsung-Hsien Lee, Shintaro Iwasaki, Jose Gallego-Posada, Zhijing Li, Kaushik Rangadurai, Dheevatsa Mudigere, Michael Rabbat',
  year: 2023,
  venue: 'arXiv 2309.06497',
  readAt: 'https://www.scholarfeed.org/paper/2309.06497v1 (abstract)',
  url: 'https://arxiv.org/abs/2309.06497',
  proposes: ['shampoo'],
  settings: [
    setting({
      id: 'imagenet-resnet50',
      locator: 'Abstract',
      task: 'ImageNet ResNet-50 training (ablation)',
      family: 'cnn',
      modality: 'image',
      params: null,
      fineTune: false,
      tuning: 'per-optimizer',
      budget: 'the standard recipe\'s budget',
      metric: { name: 'ImageNet accuracy against the standard recipe', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'standard-recipe',
      referenceName: 'standard training recipes',
    }),
  ],
  rows: [
    stated('imagenet-resnet50', opt('shampoo', 'shampoo', 'Distributed Shampoo'), 'better', EXCERPT,
      { note: 'the abstract also bounds the step cost: at most 10% slower per step than diagonal adaptive methods' }),
  ],
};
