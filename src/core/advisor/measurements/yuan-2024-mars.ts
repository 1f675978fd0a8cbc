/**
 * MARS (Yuan et al. 2024, ICML 2025): every table of the official README with numbers.
 * - OpenWebText: GPT-2 small/medium/large at 5B, 20B and 50B tokens, AdamW vs Muon vs MARS (exact and
 *   approximate), best validation loss. Every cell with a number is a row; "-" cells are not. This is the
 *   README's current table: it corrects three Muon cells (GPT-2 medium) of the first release.
 * - FineWeb-Edu: downstream accuracy of GPT-2 small and GPT-2 XL trained with AdamW and with MARS-AdamW,
 *   ten columns each. The table's first row ("OpenAI-Comm.", the released OpenAI GPT-2 checkpoint) is not
 *   an optimizer run, so it has no row here.
 * - Vision: ResNet-18 on CIFAR-10 and CIFAR-100, AdamW vs Muon vs MARS-approx, best test loss and best
 *   test accuracy.
 * Self-reported for MARS; the AdamW and Muon rows are baselines run by the MARS authors (independent of
 * Muon's authors).
 */
import { ADAMW, measured, MUON, opt, setting } from './build';
import type { MeasurementSource, Measurement, Metric, Setting } from './types';

const COMMIT = '4831e28eba863a4e69d7e9474ff8e73bc1b410fe';
const README = `https://github.com/AGI-Arena/MARS/blob/${COMMIT}/README.md`;

const MARS = (settings: string | null = null) => opt('mars-adamw', 'mars-adamw', 'MARS-approx (MARS-AdamW)', settings);
const MARS_EXACT = opt('mars-exact', null, 'MARS-exact', 'two gradient evaluations per update');

const settings: Setting[] = [];
const rows: Measurement[] = [];

// ---- OpenWebText ------------------------------------------------------------------------------------

const TABLE = 'README.md, "Experiments on OpenWebText" table (Best Val Loss)';
const ROW_ADAMW = '| AdamW                 | 3.193                   | 3.084                    | 3.013                   | 3.024                    | 2.821                     | 2.741                    | 2.885                    | 2.691                     | 2.561                    |';
const ROW_MUON = '| Muon                  | 3.165                   | 3.009                    | 2.915                   | 3.006                    | 2.813                     | 2.691                    | 2.901                    | 2.688                     | 2.573                    |';
const ROW_EXACT = '| **MARS**-exact  | **3.107**         | -                      | -                     | 2.980                    | -                       | -                     | **2.847**          | -                       | -                      |';
const ROW_APPROX = '| **MARS**-approx | 3.108                   | **2.969**          | **2.876**         | **2.981**          | **2.763**           | **2.647**          | **2.849**          | **2.636**           | **2.518**          |';

const SIZES = [
  { name: 'small', params: 125e6, adamw: '6e-4', muon: '2e-2', mars: '6e-3' },
  { name: 'medium', params: 355e6, adamw: '3e-4', muon: '1e-2', mars: '3e-3' },
  { name: 'large', params: 770e6, adamw: '2e-4', muon: '6.67e-3', mars: '2e-3' },
] as const;
const TOKENS = [5e9, 20e9, 50e9] as const;

/** Table columns in order: (tokens, size) → [AdamW, Muon, MARS-exact or null, MARS-approx]. */
const CELLS: readonly (readonly [number, number, number | null, number])[] = [
  [3.193, 3.165, 3.107, 3.108], [3.084, 3.009, null, 2.969], [3.013, 2.915, null, 2.876],
  [3.024, 3.006, 2.98, 2.981], [2.821, 2.813, null, 2.763], [2.741, 2.691, null, 2.647],
  [2.885, 2.901, 2.847, 2.849], [2.691, 2.688, null, 2.636], [2.561, 2.573, null, 2.518],
];

TOKENS.forEach((tokens, t) => {
  SIZES.forEach((size, s) => {
    const id = `gpt2-${size.name}-${tokens / 1e9}B`;
    settings.push(setting({
      id,
      locator: `${TABLE}, column "GPT-2 ${size.name[0]!.toUpperCase()}${size.name.slice(1)} (${tokens / 1e9}B tokens)"`,
      task: `GPT-2 ${size.name} (${size.params / 1e6}M) pre-training on OpenWebText`,
      family: 'decoder-lm',
      modality: 'text',
      params: size.params,
      tokens,
      tokensPerParam: tokens / size.params,
      globalBatch: { value: 480, unit: 'sequences' },
      fineTune: false,
      tuning: 'per-optimizer',
      budget: `equal tokens (${tokens / 1e9}B); total batch 480 sequences`,
      metric: { name: 'best validation loss (the README\'s OpenWebText table)', kind: 'final', better: 'lower', basis: 'equal-budget' },
      reference: 'adamw',
    }));
    const [adamw, muon, exact, approx] = CELLS[t * 3 + s]!;
    rows.push(measured(id, ADAMW('AdamW', `lr ${size.adamw}, wd 1e-1`), adamw, ROW_ADAMW));
    rows.push(measured(id, MUON('Muon', `lr ${size.muon}, wd 0.0 (modded-nanogpt version)`), muon, ROW_MUON));
    if (exact !== null) {
      rows.push(measured(id, MARS_EXACT, exact, ROW_EXACT,
        { note: 'MARS-exact computes the gradient twice per update, about twice the compute per step' }));
    }
    rows.push(measured(id, MARS(`lr ${size.mars}, wd 1e-2, betas (0.95, 0.99), gamma 0.025`), approx, ROW_APPROX));
  });
});

// ---- FineWeb-Edu downstream ----------------------------------------------------------------------------

const TASKS = ['ARC-E', 'ARC-C', 'BoolQ', 'HellaSwag', 'OBQA', 'PIQA', 'WG', 'MMLU', 'SciQ', 'Avg.'] as const;
const FINEWEB = [
  {
    model: 'small', params: 125e6, tokens: null, heading: 'Results on GPT-2 small',
    adamwRow: '| AdamW        | 51.43 | 26.54 | 55.78 | 36.26     | 30.60 | 64.53 | 50.36 | **24.49** | **71.50** | 45.72 |',
    adamw: [51.43, 26.54, 55.78, 36.26, 30.6, 64.53, 50.36, 24.49, 71.5, 45.72],
    marsRow: '| MARS-AdamW   | **52.23** | **27.39** | **55.84** | **36.91**    | **32.20** | **64.80** | 49.96 | 22.95 | 71.10 | **45.93** |',
    mars: [52.23, 27.39, 55.84, 36.91, 32.2, 64.8, 49.96, 22.95, 71.1, 45.93],
  },
  {
    model: 'xl', params: 1.5e9, tokens: 50e9, heading: 'Results on GPT-2 XL',
    adamwRow: '| AdamW        | **68.22** | 38.40 | 61.13 | 53.93     | 39.00 | 72.69 | 54.78 | **25.47** | 85.30 | 55.43 |',
    adamw: [68.22, 38.4, 61.13, 53.93, 39, 72.69, 54.78, 25.47, 85.3, 55.43],
    marsRow: '| MARS-AdamW   | 66.54 | **39.85** | **63.82** | **56.52**     | **41.20** | **73.34** | 56.59 | 23.86 | **86.00** | **56.41** |',
    mars: [66.54, 39.85, 63.82, 56.52, 41.2, 73.34, 56.59, 23.86, 86, 56.41],
  },
] as const;

for (const m of FINEWEB) {
  TASKS.forEach((task, i) => {
    const id = `fineweb-edu-gpt2-${m.model}-${task.replace('.', '').toLowerCase()}`;
    settings.push(setting({
      id,
      locator: `README.md, "Experiments on FineWeb-Edu", "${m.heading}" table, column ${task}`,
      task: `GPT-2 ${m.model === 'xl' ? 'XL' : 'small'} pre-training on FineWeb-Edu, downstream evaluation`,
      family: 'decoder-lm',
      modality: 'text',
      params: m.params,
      tokens: m.tokens,
      tokensPerParam: m.tokens === null ? null : m.tokens / m.params,
      fineTune: false,
      tuning: 'not-stated',
      budget: m.tokens === null ? 'the same training run length for both' : `equal tokens (${m.tokens / 1e9}B)`,
      metric: { name: `${task} accuracy (%)`, kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'adamw',
      group: `fineweb-edu-gpt2-${m.model}`,
    }));
    rows.push(measured(id, ADAMW(), m.adamw[i]!, m.adamwRow), measured(id, MARS(), m.mars[i]!, m.marsRow));
  });
}

// ---- Vision ---------------------------------------------------------------------------------------------

const VISION: readonly { id: string; dataset: string; metric: Metric; rows: readonly [string, string, string]; values: readonly [number, number, number] }[] = [
  ...(['CIFAR-10', 'CIFAR-100'] as const).flatMap((dataset, d) => [
    {
      id: `resnet18-${dataset.toLowerCase()}-test-loss`,
      dataset,
      metric: { name: 'best test loss', kind: 'final', better: 'lower', basis: 'equal-budget' } as Metric,
      rows: [
        '| AdamW                 | 0.306      | 2.608      |',
        '| Muon                  | 0.230      | 1.726      |',
        '| **MARS**-approx | **0.199** | **0.971** |',
      ] as const,
      values: d === 0 ? [0.306, 0.23, 0.199] as const : [2.608, 1.726, 0.971] as const,
    },
    {
      id: `resnet18-${dataset.toLowerCase()}-test-accuracy`,
      dataset,
      metric: { name: 'best test accuracy (%)', kind: 'final', better: 'higher', basis: 'equal-budget' } as Metric,
      rows: [
        '| AdamW                  | 94.81            | 73.7           |',
        '| Muon                   | 95.08           | 74.64           |',
        '| **MARS**-approx  | **95.29** | **76.97** |',
      ] as const,
      values: d === 0 ? [94.81, 95.08, 95.29] as const : [73.7, 74.64, 76.97] as const,
    },
  ]),
];

for (const v of VISION) {
  settings.push(setting({
    id: v.id,
    locator: `README.md, "Experiments on Vision Tasks", "${v.metric.name === 'best test loss' ? 'Best Test loss' : 'Best Test Accuracy (%)'}" table, column ${v.dataset}`,
    task: `ResNet-18 on ${v.dataset}, MultiStepLR (milestones 100 and 150, gamma 0.1)`,
    family: 'cnn',
    modality: 'image',
    params: null,
    fineTune: false,
    tuning: 'not-stated',
    budget: 'the same schedule for each optimizer; the best result of each',
    metric: v.metric,
    reference: 'adamw',
    group: `resnet18-${v.dataset.toLowerCase()}`,
  }));
  rows.push(
    measured(v.id, ADAMW(), v.values[0], v.rows[0]),
    measured(v.id, MUON(), v.values[1], v.rows[1]),
    measured(v.id, MARS(), v.values[2], v.rows[2]),
  );
}

export const YUAN_2024_MARS: MeasurementSource = {
  id: 'yuan-2024-mars',
  cite: 'Yuan et al. 2024 (MARS)',
  title: 'MARS: Unleashing the Power of Variance Reduction for Training Large Models',
  authors: 'Huizhuo Yuan, Yifeng Liu, Shuang Wu, Xun Zhou, Quanquan Gu',
  year: 2024,
  venue: 'ICML 2025 (arXiv 2411.10438); official repository README',
  readAt: README,
  url: 'https://arxiv.org/abs/2411.10438',
  proposes: ['mars-adamw', 'mars-exact'],
  settings,
  rows,
};
