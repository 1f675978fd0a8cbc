/**
 * Kumar, Shen, Bubeck, Gunasekar (2022), "How to Fine-Tune Vision Models with SGD" (arXiv 2211.09359):
 * the abstract's stated outcomes for fine-tuning pre-trained vision models — AdamW "performs
 * substantially better than SGD on modern Vision Transformer and ConvNeXt models", especially under
 * distribution shift, and SGD with the embedding layer frozen (the authors' proposal, "SGD
 * (freeze-embed)", with or without momentum) performs "slightly better than AdamW". Stated outcomes (no
 * number in the abstract); the paper's tables could not be read (no full text or LaTeX was found in
 * the project's search tools). The abstract was read as an OpenReview review digest quotes it, held by
 * the project's code-search index (file id 63112574833; the index does not name its repository); the
 * authors from a reading list in the same index (file id 19031000991). One statement covers both
 * architectures, so its two settings (ViT, ConvNeXt) share a group. The abstract's "SGD" is read as SGD
 * with momentum (it gives SGD's memory "with momentum" first); plain SGD vs AdamW is independent (the
 * authors propose neither), the freeze-embed rows are self-reports.
 */
import { opt, setting, stated } from './build';
import type { MeasuredOptimizer, MeasurementSource, Setting, TaskFamily } from './types';

const SGD_VS_ADAMW =
  'However, on a suite of downstream tasks, especially those with distribution shifts, we find that fine-tuning with AdamW ' +
  'performs substantially better than SGD on modern Vision Transformer and ConvNeXt models.';
const FREEZE_EMBED =
  'Our analysis suggests an easy fix that works consistently across datasets and models: freezing the embedding layer (less ' +
  'than 1\\% of the parameters) leads to SGD with or without momentum performing slightly better than AdamW while using less ' +
  'memory (e.g., on ViT-L, SGD uses $\\sim33\\%$ less GPU memory).';

const SGD: MeasuredOptimizer = opt('sgd-momentum', 'sgd-momentum', 'SGD');
const SGD_FREEZE_EMBED: MeasuredOptimizer = opt('sgd-freeze-embed', null, 'SGD (freeze-embed), with or without momentum',
  'the embedding layer (under 1% of the parameters) frozen');

const fineTuning = (id: string, family: TaskFamily, models: string): Setting => setting({
  id,
  locator: 'Abstract',
  task: `fine-tuning pre-trained ${models} on a suite of downstream image tasks, especially with distribution shifts`,
  family,
  modality: 'image',
  params: null,
  fineTune: true,
  tuning: 'not-stated',
  budget: 'the same fine-tuning per task for the optimizers compared (not stated in the abstract)',
  metric: { name: 'downstream accuracy (in and out of distribution), as the abstract states it', kind: 'final', better: 'higher', basis: 'equal-budget' },
  reference: 'adamw',
  referenceName: 'AdamW',
  group: 'abstract-fine-tuning',
});

export const KUMAR_2022_FINETUNE_SGD: MeasurementSource = {
  id: 'kumar-2022-finetune-sgd',
  cite: 'Kumar et al. 2022 (fine-tuning vision models with SGD)',
  title: 'How to Fine-Tune Vision Models with SGD',
  authors: 'Ananya Kumar, Ruoqi Shen, Sébastien Bubeck, Suriya Gunasekar',
  year: 2022,
  venue: 'arXiv 2211.09359',
  readAt: 'https://arxiv.org/abs/2211.09359 (abstract), as quoted in an OpenReview review digest held by the project\'s code-search index, file id 63112574833 (the index does not name its repository)',
  url: 'https://arxiv.org/abs/2211.09359',
  proposes: ['sgd-freeze-embed'],
  settings: [
    fineTuning('finetune-vit', 'vit', 'Vision Transformers'),
    fineTuning('finetune-convnext', 'cnn', 'ConvNeXt models'),
  ],
  rows: [
    stated('finetune-vit', SGD, 'worse', SGD_VS_ADAMW),
    stated('finetune-convnext', SGD, 'worse', SGD_VS_ADAMW),
    stated('finetune-vit', SGD_FREEZE_EMBED, 'better', FREEZE_EMBED, { note: '"slightly better than AdamW": recorded as better' }),
    stated('finetune-convnext', SGD_FREEZE_EMBED, 'better', FREEZE_EMBED, { note: '"slightly better than AdamW": recorded as better' }),
  ],
};
