/**
 * Touvron, Cord, Douze, Massa, Sablayrolles, Jégou (2021), "Training data-efficient image transformers
 * & distillation through attention" (DeiT; ICML 2021, arXiv 2012.12877), Table 8 ("Ablation study on
 * training methods on ImageNet"): DeiT-B (86M parameters, the abstract) trained on ImageNet-1k for 300
 * epochs at batch 1024 (Table 9), top-1 accuracy "after the initial training at resolution 224×224, and
 * after fine-tuning at resolution 384×384". Its optimizer block is used whole: the default row ("none",
 * AdamW for pre-training and fine-tuning, 81.8 ±0.2 and 83.1 ±0.1) and the two "optimizer" rows (SGD for
 * pre-training; SGD for fine-tuning). The table's other rows vary data augmentation and regularization
 * with AdamW throughout — no optimizer comparison — and have no rows here. Settings: pre-training
 * optimizer at 224² and after the 384² fine-tuning (one group: one pre-training run scored twice), and
 * the fine-tuning optimizer at 384² on the AdamW-pre-trained model. The caption: "The hyper-parameters
 * are fixed according to Table 9, and may be suboptimal" — Table 9 gives AdamW's (lr 0.0005 × batch/512,
 * weight decay 0.05), so SGD ran with a recipe tuned for AdamW (tuning 'shared'). The ± of the default
 * row is the setting's spread. Read in a Markdown conversion of the arXiv full text held by the
 * project's code-search index (file id 10166917415; the index does not name its repository). The paper
 * proposes neither optimizer: every row is independent. The table's "SGD" does not say whether it used
 * momentum; it is read as the catalog's SGD with momentum, as the other vision sources' "SGD".
 */
import { measured, opt, setting } from './build';
import type { MeasuredOptimizer, MeasurementSource, Metric } from './types';

const ADAMW: MeasuredOptimizer = opt('adamw', 'adamw', 'adamw', 'lr 0.0005 × batch/512, weight decay 0.05 (Table 9)');
const SGD: MeasuredOptimizer = opt('sgd-momentum', 'sgd-momentum', 'SGD', 'the hyper-parameters of Table 9 (the caption)');

const HEADER = [
  '        <th rowspan="2">Pre-training</th>',
  '        <th rowspan="2">Fine-tuning</th>',
  '…',
  '        <th>pre-trained 224<sup>2</sup></th>',
  '        <th>fine-tuned 384<sup>2</sup></th>',
].join('\n');

const FLAGS = ['✓', '✗', '✓', '✓', '✓', '✓', '✓', '✗', '✗'].map((f) => `        <td>${f}</td>`).join('\n');

const NONE_ROW = `${HEADER}\n…\n        <td>none: DeiT-B</td>\n        <td>adamw</td>\n        <td>adamw</td>\n${FLAGS}\n        <td>81.8 ±0.2</td>\n        <td>83.1 ±0.1</td>`;
const SGD_PRETRAIN_ROW = `${HEADER}\n…\n        <td rowspan="2">optimizer</td>\n        <td>SGD</td>\n        <td>adamw</td>\n${FLAGS}\n        <td>74.5</td>\n        <td>77.3</td>`;
const SGD_FINETUNE_ROW = `${HEADER}\n…\n        <td>adamw</td>\n        <td>SGD</td>\n${FLAGS}\n        <td>81.8</td>\n        <td>83.1</td>`;

const top1 = (name: string): Metric => ({ name, kind: 'final', better: 'higher', basis: 'equal-budget' });

const PRETRAIN = {
  family: 'vit' as const,
  modality: 'image' as const,
  params: 86e6,
  globalBatch: { value: 1024, unit: 'images' as const },
  fineTune: false,
  tuning: 'shared' as const,
  budget: '300 epochs on ImageNet-1k at batch 1024 for both optimizers, with the hyper-parameters of Table 9 (AdamW\'s; "may be suboptimal")',
  reference: 'adamw',
  group: 'imagenet-deit-b-pretrain',
};

export const TOUVRON_2021_DEIT: MeasurementSource = {
  id: 'touvron-2021-deit',
  cite: 'Touvron et al. 2021 (DeiT)',
  title: 'Training data-efficient image transformers & distillation through attention',
  authors: 'Hugo Touvron, Matthieu Cord, Matthijs Douze, Francisco Massa, Alexandre Sablayrolles, Hervé Jégou',
  year: 2021,
  venue: 'ICML 2021 (arXiv 2012.12877)',
  readAt: 'https://arxiv.org/abs/2012.12877 — Tables 8 and 9 and the abstract in a Markdown conversion of the full text held by the project\'s code-search index, file id 10166917415 (the index does not name its repository)',
  url: 'https://arxiv.org/abs/2012.12877',
  proposes: [],
  settings: [
    setting({
      ...PRETRAIN,
      id: 'imagenet-deit-b-pretrain-224',
      locator: 'Table 8, rows "none: DeiT-B" and "optimizer" (SGD / adamw), column "pre-trained 224²"',
      task: 'DeiT-B trained from scratch on ImageNet-1k with the DeiT recipe, pre-training optimizer compared; top-1 at 224×224',
      metric: top1('ImageNet top-1 accuracy at 224² (%)'),
      spread: 0.2,
    }),
    setting({
      ...PRETRAIN,
      id: 'imagenet-deit-b-pretrain-384',
      locator: 'Table 8, rows "none: DeiT-B" and "optimizer" (SGD / adamw), column "fine-tuned 384²"',
      task: 'DeiT-B trained from scratch on ImageNet-1k with the DeiT recipe, pre-training optimizer compared; top-1 after fine-tuning at 384×384 with AdamW',
      metric: top1('ImageNet top-1 accuracy after fine-tuning at 384² (%)'),
      spread: 0.1,
    }),
    setting({
      id: 'imagenet-deit-b-finetune-384',
      locator: 'Table 8, rows "none: DeiT-B" and "optimizer" (adamw / SGD), column "fine-tuned 384²"',
      task: 'DeiT-B pre-trained with AdamW on ImageNet-1k, fine-tuned at 384×384 on ImageNet-1k, fine-tuning optimizer compared',
      family: 'vit',
      modality: 'image',
      params: 86e6,
      fineTune: true,
      tuning: 'shared',
      budget: 'the DeiT fine-tuning schedule for both optimizers, hyper-parameters fixed per Table 9 ("may be suboptimal")',
      metric: top1('ImageNet top-1 accuracy after fine-tuning at 384² (%)'),
      reference: 'adamw',
      spread: 0.1,
    }),
  ],
  rows: [
    measured('imagenet-deit-b-pretrain-224', ADAMW, 81.8, NONE_ROW),
    measured('imagenet-deit-b-pretrain-224', SGD, 74.5, SGD_PRETRAIN_ROW),
    measured('imagenet-deit-b-pretrain-384', ADAMW, 83.1, NONE_ROW),
    measured('imagenet-deit-b-pretrain-384', SGD, 77.3, SGD_PRETRAIN_ROW),
    measured('imagenet-deit-b-finetune-384', ADAMW, 83.1, NONE_ROW,
      { note: 'the default row: AdamW for pre-training and for the 384² fine-tuning' }),
    measured('imagenet-deit-b-finetune-384', SGD, 83.1, SGD_FINETUNE_ROW,
      { note: 'AdamW pre-training, SGD fine-tuning; its 224² cell (81.8) is the same AdamW pre-training as the default row' }),
  ],
};
