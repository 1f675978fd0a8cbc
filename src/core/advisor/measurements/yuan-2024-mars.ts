/**
 * MARS (Yuan et al. 2024): the README's results table, GPT-2 small/medium/large on OpenWebText at
 * 5B, 20B and 50B tokens, AdamW vs Muon vs MARS (exact and approximate). Every cell with a number
 * is a row; "TBD" cells are not. Self-reported for MARS; the AdamW and Muon rows are baselines run
 * by the MARS authors (independent of Muon's authors).
 */
import { ADAMW, measured, MUON, opt, setting } from './build';
import type { MeasurementSource, Measurement, Setting } from './types';

const TABLE = 'README.md, "Performance of MARS Compared to Baselines" table';
const ROW_ADAMW = '| AdamW           | 3.193          | 3.084           | 3.013          | 3.024           | 2.821            | 2.741           | 2.885           | 2.691            | 2.561           |';
const ROW_MUON = '| Muon            | 3.165          | 3.082           | 2.915          | 3.006           | 2.860            | 2.691           | 2.901           | 2.755            | 2.573           |';
const ROW_EXACT = '| **MARS**-exact  | **3.107**      | TBD             | TBD            | 2.980           | TBD              | TBD             | **2.847**       | TBD              | TBD             |';
const ROW_APPROX = '| **MARS**-approx | 3.108          | **2.969**       | **2.876**      | **2.981**       | **2.763**        | **2.647**       | **2.849**       | **2.636**        | **2.518**       |';

const SIZES = [
  { name: 'small', params: 125e6, adamw: '6e-4', muon: '2e-2', mars: '6e-3' },
  { name: 'medium', params: 355e6, adamw: '3e-4', muon: '1e-2', mars: '3e-3' },
  { name: 'large', params: 770e6, adamw: '2e-4', muon: '6.67e-3', mars: '2e-3' },
] as const;
const TOKENS = [5e9, 20e9, 50e9] as const;

/** Table columns in order: (tokens, size) → [AdamW, Muon, MARS-exact or null, MARS-approx]. */
const CELLS: readonly (readonly [number, number, number | null, number])[] = [
  [3.193, 3.165, 3.107, 3.108], [3.084, 3.082, null, 2.969], [3.013, 2.915, null, 2.876],
  [3.024, 3.006, 2.98, 2.981], [2.821, 2.86, null, 2.763], [2.741, 2.691, null, 2.647],
  [2.885, 2.901, 2.847, 2.849], [2.691, 2.755, null, 2.636], [2.561, 2.573, null, 2.518],
];

const settings: Setting[] = [];
const rows: Measurement[] = [];
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
      metric: { name: 'validation loss (the README\'s table under its validation-loss curves)', kind: 'final', better: 'lower', basis: 'equal-budget' },
      reference: 'adamw',
    }));
    const [adamw, muon, exact, approx] = CELLS[t * 3 + s]!;
    rows.push(measured(id, ADAMW('AdamW', `lr ${size.adamw}, wd 1e-1`), adamw, ROW_ADAMW));
    rows.push(measured(id, MUON('Muon', `lr ${size.muon}, wd 0.0 (modded-nanogpt version)`), muon, ROW_MUON));
    if (exact !== null) {
      rows.push(measured(id, opt('mars-exact', null, 'MARS-exact', 'two gradient evaluations per update'), exact, ROW_EXACT,
        { note: 'MARS-exact computes the gradient twice per update, about twice the compute per step' }));
    }
    rows.push(measured(id, opt('mars', null, 'MARS-approx (MARS-AdamW)', `lr ${size.mars}, wd 1e-2, betas (0.95, 0.99), gamma 0.025`), approx, ROW_APPROX));
  });
});

export const YUAN_2024_MARS: MeasurementSource = {
  id: 'yuan-2024-mars',
  cite: 'Yuan et al. 2024 (MARS)',
  title: 'MARS: Unleashing the Power of Variance Reduction for Training Large Models',
  authors: 'Huizhuo Yuan, Yifeng Liu, Shuang Wu, Xun Zhou, Quanquan Gu',
  year: 2024,
  venue: 'arXiv 2411.10438; official repository README',
  readAt: 'https://github.com/AGI-Arena/MARS/blob/0456cdd92a70eda3d164f30762d225383fefde42/README.md',
  url: 'https://arxiv.org/abs/2411.10438',
  proposes: ['mars', 'mars-exact'],
  settings,
  rows,
};
