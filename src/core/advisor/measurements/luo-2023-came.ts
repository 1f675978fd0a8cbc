/**
 * Luo et al. (2023), "CAME: Confidence-guided Adaptive Memory Efficient Optimization" (ACL 2023):
 * every cell of the README's LLaMA-7B (Alpaca) fine-tuning table, and the abstract's BERT statement.
 * Self-reported. The table's reference is Alpaca-7B as released; the README does not name the
 * optimizer it was trained with, so its key is not AdamW's.
 */
import { measured, opt, setting, stated } from './build';
import type { MeasurementSource, Metric, Setting, Measurement } from './types';

const README = 'https://github.com/yangluo7/CAME/blob/071055dd5f8342e7d6ee8c8f5466040bd3c5658f/README.md';
const ROW_REF = '| Alpaca-7B      | 40.21     | **33.97** | 6.74     | 59.76     | **38.89**       | **79.57** | 88.00 | 46.15     | 49.84     | ';
const ROW_CAME = '| Alpaca-7B-CAME | **40.59** | 33.42     | **6.38** | **59.80** | 38.61           | 79.08     | 88.00 | **49.04** | **50.78** |';

const COLUMNS: readonly { name: string; better: Metric['better']; ref: number; came: number }[] = [
  { name: 'MMLU', better: 'higher', ref: 40.21, came: 40.59 },
  { name: 'BBH', better: 'higher', ref: 33.97, came: 33.42 },
  { name: 'WikiText (perplexity)', better: 'lower', ref: 6.74, came: 6.38 },
  { name: 'Hellaswag', better: 'higher', ref: 59.76, came: 59.8 },
  { name: 'TruthfulQA (MC)', better: 'higher', ref: 38.89, came: 38.61 },
  { name: 'BoolQ', better: 'higher', ref: 79.57, came: 79.08 },
  { name: 'COPA', better: 'higher', ref: 88, came: 88 },
  { name: 'WSC', better: 'higher', ref: 46.15, came: 49.04 },
  { name: 'WIC', better: 'higher', ref: 49.84, came: 50.78 },
];

const REF = opt('alpaca-recipe', null, 'Alpaca-7B (as released; optimizer not named in the README)');
const CAME = opt('came', 'came', 'CAME');

const settings: Setting[] = [];
const rows: Measurement[] = [];
for (const c of COLUMNS) {
  const id = `alpaca-7b-${c.name.split(' ')[0]!.toLowerCase()}`;
  settings.push(setting({
    id,
    locator: `README.md, "LLaMA-7B Fine-tuning --- Alpaca-7B" table, column ${c.name}`,
    task: 'LLaMA-7B instruction fine-tuning (Alpaca)',
    family: 'decoder-lm',
    modality: 'text',
    params: 7e9,
    fineTune: true,
    tuning: 'not-stated',
    budget: 'the Alpaca fine-tuning run',
    metric: { name: c.name, kind: 'final', better: c.better, basis: 'equal-budget' },
    reference: 'alpaca-recipe',
    group: 'alpaca-7b',
  }));
  rows.push(measured(id, REF, c.ref, ROW_REF), measured(id, CAME, c.came, ROW_CAME));
}
settings.push(setting({
  id: 'bert-batch-32k',
  locator: 'Abstract',
  task: 'BERT pre-training at batch size 32,768',
  family: 'encoder-lm',
  modality: 'text',
  params: null,
  globalBatch: { value: 32768, unit: 'sequences' },
  fineTune: false,
  tuning: 'not-stated',
  budget: 'equal steps',
  metric: { name: 'convergence speed and accuracy', kind: 'final', better: 'higher', basis: 'equal-budget' },
  reference: 'adam',
  referenceName: 'Adam',
}));
rows.push(stated('bert-batch-32k', CAME, 'better',
  'Notably, for BERT pre-training on the large batch size of 32,768, our proposed optimizer attains faster convergence and higher accuracy compared with the Adam optimizer.'));

export const LUO_2023_CAME: MeasurementSource = {
  id: 'luo-2023-came',
  cite: 'Luo et al. 2023 (CAME)',
  title: 'CAME: Confidence-guided Adaptive Memory Efficient Optimization',
  authors: 'Yang Luo, Xiaozhe Ren, Zangwei Zheng, Zhuo Jiang, Xin Jiang, Yang You',
  year: 2023,
  venue: 'ACL 2023 (arXiv 2307.02047)',
  readAt: `${README}; https://arxiv.org/html/2307.02047v1 (abstract)`,
  url: 'https://arxiv.org/abs/2307.02047',
  proposes: ['came'],
  settings,
  rows,
};
