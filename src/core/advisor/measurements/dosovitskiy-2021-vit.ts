/**
 * Dosovitskiy et al. (2021), "An Image is Worth 16x16 Words: Transformers for Image Recognition at
 * Scale" (ICLR 2021), Appendix D.1 "SGD vs. Adam for ResNets", Table 7 ("Fine-tuning ResNet models
 * pre-trained with Adam and SGD"): ResNet50 and ResNet152x2 pre-trained on JFT for 7 epochs with Adam
 * or with SGD (the hyperparameters Kolesnikov et al. 2020, BiT, recommend), then fine-tuned the same way
 * on five datasets; the optimizer compared is the pre-training one. Every dataset row of the table is
 * used, each model's five datasets one group (one pre-training run scored five ways); the table's
 * "Average" row is a statistic of the others and is left out. Section 4.1 "Training & Fine-tuning": all
 * models, ResNets included, are pre-trained with Adam, β1 = 0.9, β2 = 0.999, batch 4096 and weight decay
 * 0.1, and fine-tuned with SGD with momentum at batch 512. Read in two conversions of the full text held
 * by the project's code-search index (the index names neither's repository): file id 56041446375 (the
 * table as HTML, quoted here) and file id 56921068388 (the ar5iv rendering,
 * https://ar5iv.labs.arxiv.org/html/2010.11929, with the same numbers). The paper proposes neither
 * optimizer: every row is independent. Its "SGD" is read as the catalog's SGD with momentum (BiT's
 * recipe, which the excerpt names but this base has not read); the reference for these CNN settings.
 */
import { measured, opt, setting } from './build';
import type { MeasuredOptimizer, Measurement, MeasurementSource, Setting } from './types';

const ADAM: MeasuredOptimizer = opt('adam', 'adam', 'Adam', 'β1 0.9, β2 0.999, weight decay 0.1, batch 4096 (Section 4.1)');
const SGD: MeasuredOptimizer = opt('sgd-momentum', 'sgd-momentum', 'SGD', 'the hyperparameters recommended by Kolesnikov et al. (2020)');

const HEADER = '<table><tr><td colspan="3">ResNet50</td><td colspan="2">ResNet152x2</td></tr><tr><td>Dataset</td><td>Adam</td><td>SGD</td><td>Adam</td><td>SGD</td></tr>';

/** Each dataset row: its label, the table's line verbatim, and [ResNet50 Adam, ResNet50 SGD, ResNet152x2 Adam, ResNet152x2 SGD]. */
const ROWS: readonly { readonly id: string; readonly dataset: string; readonly line: string; readonly values: readonly [number, number, number, number] }[] = [
  { id: 'imagenet', dataset: 'ImageNet', line: '<tr><td>ImageNet</td><td>77.54</td><td>78.24</td><td>84.97</td><td>84.37</td></tr>', values: [77.54, 78.24, 84.97, 84.37] },
  { id: 'cifar10', dataset: 'CIFAR-10', line: '<tr><td>CIFAR10</td><td>97.67</td><td>97.46</td><td>99.06</td><td>99.07</td></tr>', values: [97.67, 97.46, 99.06, 99.07] },
  { id: 'cifar100', dataset: 'CIFAR-100', line: '<tr><td>CIFAR100</td><td>86.07</td><td>85.17</td><td>92.05</td><td>91.06</td></tr>', values: [86.07, 85.17, 92.05, 91.06] },
  { id: 'pets', dataset: 'Oxford-IIIT Pets', line: '<tr><td>Oxford-IIT Pets</td><td>91.11</td><td>91.00</td><td>95.37</td><td>94.79</td></tr>', values: [91.11, 91, 95.37, 94.79] },
  { id: 'flowers', dataset: 'Oxford Flowers-102', line: '<tr><td>Oxford Flowers-102</td><td>94.26</td><td>92.06</td><td>98.62</td><td>99.32</td></tr>', values: [94.26, 92.06, 98.62, 99.32] },
];

const MODELS: readonly { readonly id: string; readonly name: string; readonly column: 0 | 2 }[] = [
  { id: 'resnet50', name: 'ResNet50', column: 0 },
  { id: 'resnet152x2', name: 'ResNet152x2', column: 2 },
];

const settings: Setting[] = [];
const rows: Measurement[] = [];
for (const m of MODELS) {
  for (const r of ROWS) {
    const id = `jft-${m.id}-${r.id}`;
    settings.push(setting({
      id,
      locator: `Appendix D.1, Table 7, columns ${m.name}, row ${r.dataset}`,
      task: `${m.name} pre-trained on JFT-300M for 7 epochs with the optimizer compared, then fine-tuned on ${r.dataset} (SGD with momentum, batch 512)`,
      family: 'cnn',
      modality: 'image',
      params: null,
      globalBatch: { value: 4096, unit: 'images' },
      fineTune: false,
      tuning: 'not-stated',
      budget: '7 epochs of JFT pre-training for both optimizers, then the same fine-tuning; Adam at batch 4096 (Section 4.1), SGD with the hyperparameters BiT recommends',
      metric: { name: `${r.dataset} top-1 accuracy after fine-tuning (%)`, kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'sgd-momentum',
      group: `jft-${m.id}`,
    }));
    const excerpt = `${HEADER}\n${r.line}`;
    rows.push(measured(id, ADAM, r.values[m.column], excerpt));
    rows.push(measured(id, SGD, r.values[m.column + 1]!, excerpt));
  }
}

export const DOSOVITSKIY_2021_VIT: MeasurementSource = {
  id: 'dosovitskiy-2021-vit',
  cite: 'Dosovitskiy et al. 2021 (ViT)',
  title: 'An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale',
  authors: 'Alexey Dosovitskiy, Lucas Beyer, Alexander Kolesnikov, Dirk Weissenborn, Xiaohua Zhai, Thomas Unterthiner, Mostafa Dehghani, Matthias Minderer, Georg Heigold, Sylvain Gelly, Jakob Uszkoreit, Neil Houlsby',
  year: 2021,
  venue: 'ICLR 2021 (arXiv 2010.11929)',
  readAt: 'https://arxiv.org/abs/2010.11929 — Appendix D.1 / Table 7 and Section 4.1 in full-text conversions held by the project\'s code-search index, file ids 56041446375 and 56921068388 (the ar5iv rendering, https://ar5iv.labs.arxiv.org/html/2010.11929; the index names neither\'s repository)',
  url: 'https://arxiv.org/abs/2010.11929',
  proposes: [],
  settings,
  rows,
};
