/**
 * Xie, Zhou, Li, Lin, Yan (2024), "Adan: Adaptive Nesterov Momentum Algorithm for Faster Optimizing
 * Deep Models" (IEEE TPAMI 2024; arXiv 2208.06677). The authors propose Adan: its rows are
 * self-reports. Read in the official README (sail-sg/Adan), every table there that measures Adan next
 * to another optimizer, every row of each:
 * - "Mixture of Experts (MoE)": AdamW and Adan pre-training MoE language models (8 experts; 8x0.1B,
 *   8x0.3B and 8x0.6B, which the README puts at 0.5B, 2B and 4B trainable parameters) on RedPajama-v2
 *   for 10B–300B tokens; one setting per column. The table does not say whether its loss is training
 *   or validation loss.
 * - "GPT2-345m": Adam for 300k steps against Adan for 150k steps, zero-shot HumanEval pass@1/10/100.
 *   Adan's three numbers at 150k are all at least Adam's at 300k ("Adan obtains comparable results with
 *   only half cost"): recorded as a steps speedup of 2, a lower bound.
 * - "Transformer-XL-base" (WikiText-103, batch 60*4): Adam at 200k steps against Adan at 50k, 100k and
 *   200k. At equal steps (200k) the test perplexities are one setting; Adan's 100k row equals Adam's
 *   200k perplexity — a steps speedup of 2 — while its 50k row has not reached it (so the speedup is
 *   below 4): the second setting.
 * - The abstract's stated vision outcomes (arXiv 2208.06677v5, HTML): Adan "consistently surpasses the
 *   corresponding SoTA optimizers on vision" (naming ResNet, ConvNext, ViT, Swin) — a stated "better" for
 *   CNN and for ViT-family networks — and "can use half of the training cost (epochs) of SoTA optimizers
 *   to achieve higher or comparable performance on ViT" — an epochs speedup of 2 on ViT. The abstract
 *   does not name the "SoTA optimizers"; the references recorded are the families' usual ones (SGD with
 *   momentum for CNNs, AdamW for ViTs), as labelled in each setting.
 * The README's vision table (ImageNet ViT, ResNet, ConvNeXt, MAE) and its BERT GLUE table list Adan's
 * results only, with no other optimizer, and are not comparisons; the paper's own comparison tables
 * could not be read with the project's search tools (only the abstract was reached).
 * The memory table's times are for `optimizer.step()` alone, not a training step, and are not used as
 * step costs.
 */
import { measured, opt, setting, stated } from './build';
import type { MeasuredOptimizer, Measurement, MeasurementSource, Setting } from './types';

const COMMIT = '2c65beaf400775753b155da4082c3819fea689b9';
const README = `https://github.com/sail-sg/Adan/blob/${COMMIT}/README.md`;

const ADAN = (settings: string | null = null): MeasuredOptimizer => opt('adan', null, 'Adan', settings);
const ADAMW: MeasuredOptimizer = opt('adamw', 'adamw', 'AdamW');
const ADAM: MeasuredOptimizer = opt('adam', 'adam', 'Adam');

const settings: Setting[] = [];
const rows: Measurement[] = [];

// ---- Mixture of Experts -----------------------------------------------------------------------

const MOE_HEADER =
  '| Model Size |   8x0.1B  |   8x0.1B  |   8x0.1B  |   8x0.3B  |   8x0.3B  |   8x0.3B  |   8x0.6B  |\n' +
  '| Token Size |    10B    |    30B    |    100B   |    30B    |    100B   |    300B   |    300B   |\n';
const MOE_ADAMW = '|    AdamW   |   2.722   |   2.550   |   2.427   |   2.362   |   2.218   |   2.070   |   2.023   |';
const MOE_ADAN = '|    Adan    | **2.697** | **2.513** | **2.404** | **2.349** | **2.206** | **2.045** | **2.010** |';
const MOE: readonly { size: string; params: number; tokens: number; adamw: number; adan: number }[] = [
  { size: '8x0.1B', params: 0.5e9, tokens: 10e9, adamw: 2.722, adan: 2.697 },
  { size: '8x0.1B', params: 0.5e9, tokens: 30e9, adamw: 2.55, adan: 2.513 },
  { size: '8x0.1B', params: 0.5e9, tokens: 100e9, adamw: 2.427, adan: 2.404 },
  { size: '8x0.3B', params: 2e9, tokens: 30e9, adamw: 2.362, adan: 2.349 },
  { size: '8x0.3B', params: 2e9, tokens: 100e9, adamw: 2.218, adan: 2.206 },
  { size: '8x0.3B', params: 2e9, tokens: 300e9, adamw: 2.07, adan: 2.045 },
  { size: '8x0.6B', params: 4e9, tokens: 300e9, adamw: 2.023, adan: 2.01 },
];
for (const c of MOE) {
  const id = `moe-${c.size.toLowerCase()}-${c.tokens / 1e9}b`;
  settings.push(setting({
    id,
    locator: `README.md, "Mixture of Experts (MoE)" table, column ${c.size} / ${c.tokens / 1e9}B`,
    task: `MoE language model pre-training (${c.size}, 8 experts, ${c.params / 1e9}B trainable parameters) on RedPajama-v2, ${c.tokens / 1e9}B tokens`,
    family: 'decoder-lm',
    modality: 'text',
    params: c.params,
    tokens: c.tokens,
    tokensPerParam: c.tokens / c.params,
    fineTune: false,
    tuning: 'not-stated',
    budget: `equal tokens (${c.tokens / 1e9}B)`,
    metric: { name: 'loss (the table does not say training or validation)', kind: 'final', better: 'lower', basis: 'equal-budget' },
    reference: 'adamw',
  }));
  rows.push(measured(id, ADAMW, c.adamw, MOE_HEADER + MOE_ADAMW));
  rows.push(measured(id, ADAN(), c.adan, MOE_HEADER + MOE_ADAN));
}

// ---- GPT2-345m on code, HumanEval ---------------------------------------------------------------

const GPT2_TABLE =
  '|                  | Steps | pass@1 | pass@10 | pass@100 |                                  Download                                  |\n' +
  '| GPT2-345m (Adam) | 300k  | 0.0840 |  0.209  |  0.360   | [log&config](https://github.com/sail-sg/Adan/files/10362486/gpt2-adam.log) |\n' +
  '| GPT2-345m (Adan) | 150k  | 0.0843 |  0.221  |  0.377   | [log&config](https://github.com/sail-sg/Adan/files/10362485/gpt2-adan.log) |\n' +
  'Adan obtains comparable results with only half cost';
settings.push(setting({
  id: 'gpt2-345m-code-humaneval',
  locator: 'README.md, "GPT2-345m" table',
  task: 'GPT-2 345M pre-trained on BigCode code data, evaluated zero-shot on HumanEval (temperature 0.8)',
  family: 'decoder-lm',
  modality: 'text',
  params: 345e6,
  steps: 300e3,
  fineTune: false,
  tuning: 'not-stated',
  budget: 'Adam 300k steps, Adan 150k steps; the speedup is the step ratio at which Adan\'s HumanEval pass@1/10/100 are at least Adam\'s',
  metric: { name: 'steps speedup over Adam to Adam\'s HumanEval pass@k', kind: 'speedup', better: 'higher', basis: 'steps' },
  reference: 'adam',
  referenceName: 'Adam (300k steps)',
  referenceValue: 1,
}));
rows.push(measured('gpt2-345m-code-humaneval', ADAN('150k steps'), 2, GPT2_TABLE, {
  derivation: '300k / 150k steps: at 150k steps Adan\'s pass@1, pass@10 and pass@100 (0.0843, 0.221, 0.377) are each at least Adam\'s at 300k (0.0840, 0.209, 0.360)',
  note: 'a lower bound: Adan was not run for fewer steps here',
}));

// ---- Transformer-XL-base on WikiText-103 --------------------------------------------------------

const TXL_HEADER = '|                     | Steps | Test PPL |                          Download                           |\n';
const TXL = {
  adam: '| Baseline (Adam)     | 200k  |   24.2   | [log&config](./NLP/Transformer-XL/exp_results/log-adam.txt) |',
  adan50: '| Transformer-XL-base |  50k  |   26.2   | [log&config](./NLP/Transformer-XL/exp_results/log-50k.txt)  |',
  adan100: '| Transformer-XL-base | 100k  |   24.2   | [log&config](./NLP/Transformer-XL/exp_results/log-100k.txt) |',
  adan200: '| Transformer-XL-base | 200k  |   23.5   | [log&config](./NLP/Transformer-XL/exp_results/log-200k.txt) |',
} as const;
const TXL_TASK = 'Transformer-XL-base language model trained on WikiText-103 (total batch 60*4)';
settings.push(setting({
  id: 'transformer-xl-wt103-200k',
  locator: 'README.md, "Transformer-XL-base" table, rows at 200k steps',
  task: TXL_TASK,
  family: 'decoder-lm',
  modality: 'text',
  params: null,
  steps: 200e3,
  globalBatch: { value: 240, unit: 'sequences' },
  fineTune: false,
  tuning: 'not-stated',
  budget: 'equal steps (200k), batch 60*4',
  metric: { name: 'WikiText-103 test perplexity', kind: 'final', better: 'lower', basis: 'equal-budget' },
  reference: 'adam',
  group: 'transformer-xl-wt103',
}));
rows.push(measured('transformer-xl-wt103-200k', ADAM, 24.2, TXL_HEADER + TXL.adam));
rows.push(measured('transformer-xl-wt103-200k', ADAN('200k steps'), 23.5, TXL_HEADER + TXL.adan200));
settings.push(setting({
  id: 'transformer-xl-wt103-steps',
  locator: 'README.md, "Transformer-XL-base" table, Adan at 50k and 100k steps against Adam at 200k',
  task: TXL_TASK,
  family: 'decoder-lm',
  modality: 'text',
  params: null,
  steps: 200e3,
  globalBatch: { value: 240, unit: 'sequences' },
  fineTune: false,
  tuning: 'not-stated',
  budget: 'steps to Adam\'s test perplexity after 200k steps (24.2)',
  metric: { name: 'steps speedup over Adam to Adam\'s 200k-step test perplexity', kind: 'speedup', better: 'higher', basis: 'steps' },
  reference: 'adam',
  referenceName: 'Adam (200k steps, test PPL 24.2)',
  referenceValue: 1,
  group: 'transformer-xl-wt103',
}));
rows.push(measured('transformer-xl-wt103-steps', ADAN('100k steps'), 2, `${TXL_HEADER}${TXL.adam}\n${TXL.adan50}\n${TXL.adan100}`, {
  derivation: '200k / 100k steps: Adan\'s test perplexity at 100k steps (24.2) equals Adam\'s at 200k (24.2); at 50k steps (26.2) it had not reached it, so the speedup is at least 2 and below 4',
}));

// ---- The abstract's stated vision outcomes ------------------------------------------------------

const ABSTRACT =
  'Extensive experimental results show that Adan consistently surpasses the corresponding SoTA optimizers on vision, ' +
  'language, and RL tasks and sets new SoTAs for many popular networks and frameworks, e.g. ResNet, ConvNext, ViT, Swin, ' +
  'MAE, DETR, GPT-2, Transformer-XL, and BERT. More surprisingly, Adan can use half of the training cost (epochs) of SoTA ' +
  'optimizers to achieve higher or comparable performance on ViT, GPT-2, MAE, etc, and also shows great tolerance to a ' +
  'large range of minibatch size, e.g. from 1k to 32k.';
const UNNAMED = 'the corresponding SoTA optimizer (the abstract does not name it)';
settings.push(
  setting({
    id: 'abstract-cnn',
    locator: 'Abstract ("surpasses the corresponding SoTA optimizers on vision"; ResNet, ConvNext)',
    task: 'image classification with CNNs (ResNet, ConvNext)',
    family: 'cnn',
    modality: 'image',
    params: null,
    fineTune: false,
    tuning: 'not-stated',
    budget: 'not stated in the abstract',
    metric: { name: 'final accuracy (stated, no number)', kind: 'final', better: 'higher', basis: 'equal-budget' },
    reference: 'sgd-momentum',
    referenceName: UNNAMED,
  }),
  setting({
    id: 'abstract-vit',
    locator: 'Abstract ("surpasses the corresponding SoTA optimizers on vision"; ViT, Swin)',
    task: 'image classification with vision transformers (ViT, Swin)',
    family: 'vit',
    modality: 'image',
    params: null,
    fineTune: false,
    tuning: 'not-stated',
    budget: 'not stated in the abstract',
    metric: { name: 'final accuracy (stated, no number)', kind: 'final', better: 'higher', basis: 'equal-budget' },
    reference: 'adamw',
    referenceName: UNNAMED,
  }),
  setting({
    id: 'abstract-vit-half-epochs',
    locator: 'Abstract ("half of the training cost (epochs) of SoTA optimizers … on ViT")',
    task: 'image classification with vision transformers (ViT)',
    family: 'vit',
    modality: 'image',
    params: null,
    fineTune: false,
    tuning: 'not-stated',
    budget: 'epochs to a higher or comparable result than the SoTA optimizer\'s full schedule',
    metric: { name: 'epochs speedup to the SoTA optimizer\'s accuracy', kind: 'speedup', better: 'higher', basis: 'steps' },
    reference: 'adamw',
    referenceName: UNNAMED,
    referenceValue: 1,
  }),
);
rows.push(stated('abstract-cnn', ADAN(), 'better', ABSTRACT));
rows.push(stated('abstract-vit', ADAN(), 'better', ABSTRACT));
rows.push(measured('abstract-vit-half-epochs', ADAN(), 2, ABSTRACT, {
  derivation: '"half of the training cost (epochs)" for "higher or comparable performance": 2× fewer epochs',
}));

export const XIE_2024_ADAN: MeasurementSource = {
  id: 'xie-2024-adan',
  cite: 'Xie et al. 2024 (Adan)',
  title: 'Adan: Adaptive Nesterov Momentum Algorithm for Faster Optimizing Deep Models',
  authors: 'Xingyu Xie, Pan Zhou, Huan Li, Zhouchen Lin, Shuicheng Yan',
  year: 2024,
  venue: 'IEEE TPAMI 2024 (arXiv 2208.06677)',
  readAt: `${README} ("Mixture of Experts (MoE)", "GPT2-345m" and "Transformer-XL-base" tables); https://arxiv.org/html/2208.06677v5 (abstract)`,
  url: 'https://arxiv.org/abs/2208.06677',
  proposes: ['adan'],
  settings,
  rows,
};
