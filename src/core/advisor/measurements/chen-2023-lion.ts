/**
 * Chen et al. (2023), "Symbolic Discovery of Optimization Algorithms" (Lion, NeurIPS 2023): the
 * abstract's and the official README's stated comparisons with AdamW. "Up to" figures are the best
 * case the authors report. Self-reported.
 */
import { ADAMW, LION, measured, setting, stated } from './build';
import type { MeasurementSource } from './types';

const README = 'https://github.com/google/automl/blob/14d8bbd80417fd37711f3e9f9991431a77032f26/lion/README.md';
const ABSTRACT =
  'On image classification, Lion boosts the accuracy of ViT by up to 2% on ImageNet and saves up to 5x the pre-training ' +
  'compute on JFT. On vision-language contrastive learning, we achieve 88.3% zero-shot and 91.1% fine-tuning accuracy on ' +
  'ImageNet, surpassing the previous best results by 2% and 0.1%, respectively. On diffusion models, Lion outperforms Adam ' +
  'by achieving a better FID score and reducing the training compute by up to 2.3x. For autoregressive, masked language ' +
  'modeling, and fine-tuning, Lion exhibits a similar or better performance compared to Adam.';
const BATCH_32K =
  'Furthermore, when the batch size enlarges to 32K, leading to only 11K training steps,\nLion achieves a significant 2.5\\% ' +
  'accuracy gain over AdamW (77.9\\% vs. 75.4\\%), demonstrating its effectiveness in the large batch training setting.';

const computeSpeedup = { name: 'training compute saved relative to AdamW (up to)', kind: 'speedup', better: 'higher', basis: 'compute' } as const;

export const CHEN_2023_LION: MeasurementSource = {
  id: 'chen-2023-lion',
  cite: 'Chen et al. 2023 (Lion)',
  title: 'Symbolic Discovery of Optimization Algorithms',
  authors: 'Xiangning Chen, Chen Liang, Da Huang, Esteban Real, Kaiyuan Wang, et al., Quoc V. Le',
  year: 2023,
  venue: 'NeurIPS 2023 (arXiv 2302.06675)',
  readAt: `https://www.researchtrend.ai/papers/2302.06675 (abstract); ${README}`,
  url: 'https://arxiv.org/abs/2302.06675',
  proposes: ['lion'],
  settings: [
    setting({
      id: 'vit-b16-batch-32k',
      locator: 'lion/README.md, "Instructions for hyperparameter tuning and batch size choices"',
      task: 'ViT-B/16 trained from scratch on ImageNet, 300 epochs, RandAug and Mixup',
      family: 'vit',
      modality: 'image',
      params: null,
      steps: 11000,
      globalBatch: { value: 32768, unit: 'images' },
      fineTune: false,
      tuning: 'per-optimizer',
      budget: 'equal epochs (300); batch 32K',
      metric: { name: 'ImageNet top-1 accuracy (%)', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'adamw',
    }),
    setting({
      id: 'jft-pretraining',
      locator: 'Abstract',
      task: 'ViT pre-training on JFT-300M',
      family: 'vit',
      modality: 'image',
      params: null,
      fineTune: false,
      tuning: 'per-optimizer',
      budget: 'compute to the same result',
      metric: computeSpeedup,
      reference: 'adamw',
      referenceValue: 1,
    }),
    setting({
      id: 'diffusion',
      locator: 'Abstract',
      task: 'diffusion models on ImageNet (64x64 to 256x256)',
      family: 'diffusion',
      modality: 'image',
      params: null,
      fineTune: false,
      tuning: 'per-optimizer',
      budget: 'compute to the same FID',
      metric: computeSpeedup,
      reference: 'adamw',
      referenceValue: 1,
    }),
    setting({
      id: 'language-modeling',
      locator: 'lion/README.md, "Language modeling"',
      task: 'Transformer language models on Wiki-40B and PG-19',
      family: 'decoder-lm',
      modality: 'text',
      params: null,
      fineTune: false,
      tuning: 'per-optimizer',
      budget: 'compute to the same validation perplexity',
      metric: { name: 'compute saved on validation perplexity (up to)', kind: 'speedup', better: 'higher', basis: 'compute' },
      reference: 'adamw',
      referenceValue: 1,
    }),
    setting({
      id: 'lm-and-fine-tuning',
      locator: 'Abstract',
      task: 'autoregressive and masked language modeling, fine-tuning',
      family: 'decoder-lm',
      modality: 'text',
      params: null,
      fineTune: false,
      tuning: 'per-optimizer',
      budget: 'equal budget',
      metric: { name: 'final performance', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'adamw',
    }),
  ],
  rows: [
    measured('vit-b16-batch-32k', ADAMW(), 75.4, BATCH_32K),
    measured('vit-b16-batch-32k', LION(), 77.9, BATCH_32K),
    measured('jft-pretraining', LION(), 5, ABSTRACT, { note: 'an upper bound: "up to 5x"' }),
    measured('diffusion', LION(), 2.3, ABSTRACT, { note: 'an upper bound: "up to 2.3x"; the comparison is with Adam' }),
    measured('language-modeling', LION(), 2,
      '- Lion saves up to 2x compute on the validation perplexity when performing the language modeling task (Left: on Wiki-40B, Right: on PG-19). Lion achieves larger gains on larger Transformers.',
      { note: 'an upper bound: "up to 2x"' }),
    stated('lm-and-fine-tuning', LION(), 'similar', ABSTRACT, { note: '"similar or better": recorded as similar' }),
  ],
};
