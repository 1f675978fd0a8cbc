/**
 * "SAC: Adaptive Learning Rate Scaling with Architectural Constraints" (an ICLR 2026 submission, 2025;
 * rejected), Table 1, "LLaMA Pre-training Comparison on the C4 Dataset with model sizes ranging from 60M
 * to 1B": twenty-five optimizers, each with "practical hyperparameters … clearly tuned and reported for
 * all optimizers" (the caption), scored by validation perplexity at 60M, 130M, 350M and 1B. Read as
 * LaTeX from benchmark/tab_c4_pt_full.tex of tianshijing/ScalingOpt, whose benchmark page
 * (benchmarks.html) calls SAC "our proposed methods"; that this file is the submission's Table 1 is
 * from an OpenReview review of the submission held by the project's code-search index (file id
 * 62245752374; the index does not name its repository), which quotes the table's SAC+AdamW step times
 * ("350M: 0.0045 s → 0.0401 s; 1B: 0.0762 s → 0.1089 s"), the cells of this file. Every optimizer row
 * is used (its two "$\Delta$Gains" lines are differences of other rows, not optimizers); one setting
 * per model size, the PPL column only. The memory column counts weights and optimizer states only and
 * the time column the optimizer step only, not a training step, so neither is a row or a step cost here.
 * The table states no token budget, batch size or number of steps, so those stay unknown.
 * Self-reports: the three SAC wrappers, and SGG+AdamW — the caption's commented-out earlier version
 * calls SGG the authors' own ("performance gains of SGG (blue background) over related baselines").
 * Every other row is an independent measurement: AdamP, LAMB, Adan, RAdam, AdaBelief, Lion, Sophia
 * and the rest were not proposed by these authors. Keys: the catalog's ids where it has the optimizer
 * (Adam8bit is the catalog's 8-bit Adam, `adamw-8bit`, as in Dettmers et al.; "Muon (kimi)", Liu et
 * al.'s Muon, is `muon`; MARS+AdamW is `mars-adamw`); APOLLO (MLSys'25, Zhu et al.'s low-memory
 * optimizer) is `apollo-mlsys25`, distinct from Ma's quasi-Newton Apollo (`apollo-quasi-newton`).
 */
import { measured, opt, setting, type LatexTableRow } from './build';
import type { Measurement, MeasurementSource, Setting } from './types';

const COMMIT = 'c89fc22eca036e1f1522116baa187d4540407172';
const FILE = `https://github.com/tianshijing/ScalingOpt/blob/${COMMIT}/benchmark/tab_c4_pt_full.tex`;

const HEADER = String.raw`\bf{Optimizer}           & \bf{Venue}         & \bf{Betas}                     & \bf{Eps.} &             & \bf{60M}  &              &             & \bf{130M} &             &             & \bf{350M} &             &             & \bf{1B}   &             \\
                         &                    &                                &           & PPL         & \#M(G)    & Time(s)      & PPL         & \#M(G)    & Time(s)     & PPL         & \#M(G)    & Time(s)     & PPL         & \#M(G)    & Time(s)     \\ \hline`;

/** Each row's values are its PPL cells, in column order (60M, 130M, 350M, 1B). */
const ROWS: readonly LatexTableRow[] = [
  { key: 'adamw', catalogId: 'adamw', name: 'AdamW', line: String.raw`\grow AdamW              & ICLR'19            & \small{(0.9, 0.99)}            & 1e-8      & 29.19       & 0.25      & 0.0018       & 22.64       & 0.55      & 0.0023      & 16.97       & 1.43      & 0.0045      & 14.40       & 5.11      & 0.0762      \\`,
    values: [29.19, 22.64, 16.97, 14.4] },
  { key: 'adabelief', catalogId: null, name: 'Adabelief', line: String.raw`Adabelief                & \small{NeurIPS'19} & \small{(0.9, 0.999)}           & 1e-12     & 29.49       & 0.46      & 0.0099       & 22.92       & 1.04      & 0.0156      & 17.46       & 2.80      & 0.0614      & 16.85       & 10.1      & 0.2448      \\`,
    values: [29.49, 22.92, 17.46, 16.85] },
  { key: 'adamp', catalogId: null, name: 'Adamp', line: String.raw`Adamp                    & ICLR'21            & \small{(0.9, 0.98)}            & 1e-8      & 29.34       & 0.25      & 0.0263       & 22.52       & 0.55      & 0.0397      & 17.04       & 1.43      & 0.1139      & 14.41       & 5.11      & 0.2836      \\`,
    values: [29.34, 22.52, 17.04, 14.41] },
  { key: 'lamb', catalogId: 'lamb', name: 'LAMB', line: String.raw`LAMB                     & ICLR'20            & \small{(0.9, 0.99)}            & 1e-6      & 29.08       & 0.25      & 0.0168       & 22.57       & 0.55      & 0.0274      & 16.89       & 1.43      & 0.0897      & 15.32       & 5.11      & 0.2269      \\`,
    values: [29.08, 22.57, 16.89, 15.32] },
  { key: 'nadam', catalogId: null, name: 'Nadam', line: String.raw`Nadam                    & ICLR'18            & \small{(0.9, 0.99)}            & 1e-8      & 32.75       & 0.25      & 0.0029       & 24.04       & 0.55      & 0.0040      & 17.57       & 1.43      & 0.0065      & 16.48       & 5.11      & 0.0879      \\`,
    values: [32.75, 24.04, 17.57, 16.48] },
  { key: 'radam', catalogId: null, name: 'Radam', line: String.raw`Radam                    & ICLR'20            & \small{(0.9, 0.99)}            & 1e-8      & 29.23       & 0.25      & 0.0024       & 22.67       & 0.55      & 0.0031      & 16.94       & 1.43      & 0.0053      & 14.30       & 5.11      & 0.0994      \\`,
    values: [29.23, 22.67, 16.94, 14.3] },
  { key: 'adan', catalogId: null, name: 'Adan', line: String.raw`Adan                     & \small{TPAMI'23}   & \scriptsize{(0.9, 0.92, 0.99)} & 1e-8      & 29.40       & 0.46      & 0.0042       & 22.30       & 1.04      & 0.0041      & 17.01       & 2.80      & 0.0158      & 14.70       & 10.1      & 0.1787      \\`,
    values: [29.4, 22.3, 17.01, 14.7] },
  { key: 'prodigy', catalogId: null, name: 'Prodigy', line: String.raw`Prodigy                  & ICML'23            & \small{(0.9, 0.95)}            & 1e-8      & 32.33       & 0.46      & 0.0141       & 29.56       & 1.04      & 0.0257      & 17.96       & 2.80      & 0.0814      & 14.94       & 10.1      & 0.2298      \\`,
    values: [32.33, 29.56, 17.96, 14.94] },
  { key: 'mars-adamw', catalogId: 'mars-adamw', name: 'MARS+AdamW', line: String.raw`MARS+AdamW               & ICML'25            & \small{(0.9, 0.99)}            & 1e-8      & 29.10       & 0.32      & 0.0147       & 22.26       & 0.75      & 0.0290      & 16.65       & 2.06      & 0.0804      & 14.76       & 7.48      & 0.2333      \\`,
    values: [29.1, 22.26, 16.65, 14.76] },
  { key: 'sgg-adamw', catalogId: null, name: 'SGG+AdamW', line: String.raw`SGG+AdamW                & ACL'25             & \small{(0.9, 0.99)}            & 1e-8      & 29.98       & 0.46      & 0.0392       & 22.13       & 1.04      & 0.0631      & 16.97       & 1.43      & 0.0714      & 14.34       & 4.77      & 0.3526      \\`,
    values: [29.98, 22.13, 16.97, 14.34] },
  { key: 'sac-adamw', catalogId: null, name: 'SAC+AdamW', line: String.raw`\brow \bf{SAC+AdamW}     & \bf{Ours}          & \small{(0.9, 0.99)}            & 1e-8      & \bf{28.63}  & 0.25      & 0.0169       & \bf{21.85}  & 0.55      & 0.0213      & \bf{16.16}  & 1.43      & 0.0401      & \bf{13.58}  & 5.11      & 0.1089      \\`,
    values: [28.63, 21.85, 16.16, 13.58] },
  { key: 'adamw-8bit', catalogId: 'adamw-8bit', name: 'Adam8bit', line: String.raw`Adam8bit                 & ICLR'22            & \small{(0.9, 0.99)}            & 1e-8      & 29.47       & 0.14      & 0.0091       & 22.74       & 0.30      & 0.0189      & 17.35       & 0.76      & 0.0652      & 14.49       & 2.66      & 0.2286      \\`,
    values: [29.47, 22.74, 17.35, 14.49] },
  { key: 'adam-mini', catalogId: 'adam-mini', name: 'Adam-mini', line: String.raw`\grow Adam-mini          & ICLR'25            & \small{(0.9, 0.99)}            & 1e-8      & 29.63       & 0.14      & 0.0106       & 23.08       & 0.30      & 0.0152      & 19.25       & 0.75      & 0.0599      & 16.44       & 2.62      & 0.1868      \\`,
    values: [29.63, 23.08, 19.25, 16.44] },
  { key: 'adafactor', catalogId: 'adafactor', name: 'Adafactor', line: String.raw`Adafactor                & ICML'18            & (0.9,)                         & 1e-30     & \bf{29.07}  & 0.24      & 0.0059       & 22.38       & 0.61      & 0.0082      & 16.96       & 1.53      & 0.0447      & 16.25       & 6.65      & 0.1725      \\`,
    values: [29.07, 22.38, 16.96, 16.25] },
  { key: 'came', catalogId: 'came', name: 'CAME', line: String.raw`CAME                     & ACL'23             & \small{(0.9, 0.98)}            & 1e-6      & 29.26       & 0.18      & 0.0068       & 22.55       & 0.38      & 0.0084      & 16.84       & 1.08      & 0.0451      & 15.76       & 3.83      & 0.1794      \\`,
    values: [29.26, 22.55, 16.84, 15.76] },
  { key: 'apollo-mlsys25', catalogId: null, name: 'APOLLO', line: String.raw`APOLLO                   & MLSys'25           & \small{(0.9, 0.99)}            & 1e-6      & 29.82       & 0.24      & 0.0061       & \bf{22.18}  & 0.52      & 0.0090      & \bf{16.54}  & 1.22      & 0.0453      & \bf{13.91}  & 4.38      & 0.1809      \\`,
    values: [29.82, 22.18, 16.54, 13.91] },
  { key: 'lion', catalogId: 'lion', name: 'Lion', line: String.raw`Lion                     & arXiv'23           & \small{(0.9, 0.98)}            & $-$       & 34.80       & 0.14      & 0.0049       & 24.95       & 0.30      & 0.0057      & 18.84       & 0.75      & 0.0400      & 17.01       & 2.62      & 0.1684      \\`,
    values: [34.8, 24.95, 18.84, 17.01] },
  { key: 'sophia', catalogId: 'sophia', name: 'Sophia', line: String.raw`Sophia                   & arXiv'23           & \small{(0.9, 0.99)}            & 1e-8      & 35.14       & 0.25      & 0.0080       & 25.09       & 0.55      & 0.0105      & 18.42       & 1.43      & 0.0478      & 17.62       & 5.11      & 0.1843      \\`,
    values: [35.14, 25.09, 18.42, 17.62] },
  { key: 'mars-lion', catalogId: null, name: 'MARS+Lion', line: String.raw`MARS+Lion                & ICML'25            & \small{(0.9, 0.98)}            & 1e-8      & 31.50       & 0.32      & 0.0139       & 25.02       & 0.75      & 0.0247      & 18.36       & 2.06      & 0.0753      & 16.94       & 7.48      & 0.1804      \\`,
    values: [31.5, 25.02, 18.36, 16.94] },
  { key: 'sac-adam-mini', catalogId: null, name: 'SAC+Adam-mini', line: String.raw`\brow \bf{SAC+Adam-mini} & \bf{Ours}          & \small{(0.9, 0.99)}            & 1e-8      & 29.49       & 0.14      & 0.0131       & 22.62       & 0.30      & 0.0157      & 16.66       & 0.75      & 0.0605      & 14.23       & 2.62      & 0.1873      \\`,
    values: [29.49, 22.62, 16.66, 14.23] },
  { key: 'shampoo', catalogId: 'shampoo', name: 'Shampoo', line: String.raw`\grow Shampoo            & arXiv'18           & \small{(0.9, 0.999)}           & 1e-8      & 29.30       & 0.18      & 0.0364       & 22.01       & 0.35      & 0.0526      & 16.71       & 1.37      & 0.1465      & 14.34       & 4.77      & 0.8762      \\`,
    values: [29.3, 22.01, 16.71, 14.34] },
  { key: 'muon', catalogId: 'muon', name: 'Muon (kimi)', line: String.raw`Muon (kimi)              & arXiv'25           & \small{(0.9, 0.95)}            & 1e-8      & 28.91       & 0.14      & 0.0336       & 22.19       & 0.30      & 0.0486      & 16.72       & 0.75      & 0.1370      & 14.52       & 2.62      & 0.8870      \\`,
    values: [28.91, 22.19, 16.72, 14.52] },
  { key: 'soap', catalogId: 'soap', name: 'SOAP', line: String.raw`SOAP                     & arXiv'24           & \small{(0.9, 0.95)}            & 1e-8      & \bf{28.60}  & 0.17      & 0.0747       & 22.15       & 0.34      & 0.1028      & 16.79       & 1.35      & 0.1943      & 14.58       & 4.72      & 0.9205      \\`,
    values: [28.6, 22.15, 16.79, 14.58] },
  { key: 'mars-shampoo', catalogId: null, name: 'MARS+Shampoo', line: String.raw`MARS+Shampoo             & ICML'25            & \small{(0.9, 0.99)}            & 1e-8      & 29.13       & 0.32      & 0.0491       & \bf{21.96}  & 0.75      & 0.0768      & \bf{16.49}  & 2.06      & 0.1537      & \bf{13.75}  & 7.48      & 0.8823      \\`,
    values: [29.13, 21.96, 16.49, 13.75] },
  { key: 'sac-shampoo', catalogId: null, name: 'SAC+Shampoo', line: String.raw`\brow \bf{SAC+Shampoo}   & \bf{Ours}          & \small{(0.9, 0.999)}           & 1e-8      & 29.22       & 0.18      & 0.0376       & \bf{21.96}  & 0.35      & 0.0541      & 16.61       & 1.37      & 0.1481      & 14.07       & 4.77      & 0.8785      \\`,
    values: [29.22, 21.96, 16.61, 14.07] },
];

const SIZES: readonly { id: string; header: string; params: number }[] = [
  { id: 'c4-llama-60m', header: '60M', params: 60e6 },
  { id: 'c4-llama-130m', header: '130M', params: 130e6 },
  { id: 'c4-llama-350m', header: '350M', params: 350e6 },
  { id: 'c4-llama-1b', header: '1B', params: 1e9 },
];

const settings: Setting[] = [];
const rows: Measurement[] = [];
SIZES.forEach((s, i) => {
  settings.push(setting({
    id: s.id,
    locator: `Table 1 (benchmark/tab_c4_pt_full.tex), column ${s.header} PPL`,
    task: `LLaMA ${s.header} pre-training on C4`,
    family: 'decoder-lm',
    modality: 'text',
    params: s.params,
    fineTune: false,
    tuning: 'per-optimizer',
    budget: 'the same pre-training run per model size for every optimizer (the table states no tokens or steps); hyperparameters tuned per optimizer (the caption)',
    metric: { name: 'C4 validation perplexity', kind: 'final', better: 'lower', basis: 'equal-budget' },
    reference: 'adamw',
  }));
  for (const r of ROWS) rows.push(measured(s.id, opt(r.key, r.catalogId, r.name), r.values[i]!, `${HEADER}\n${r.line}`));
});

export const SAC_2025_C4: MeasurementSource = {
  id: 'sac-2025-c4',
  cite: 'SAC 2025 (C4 pre-training table)',
  title: 'SAC: Adaptive Learning Rate Scaling with Architectural Constraints',
  authors: 'not read (an anonymous ICLR 2026 submission; the ScalingOpt benchmark page, maintained by Juanxi Tian, presents SAC as "our proposed methods")',
  year: 2025,
  venue: 'ICLR 2026 submission (OpenReview; rejected)',
  readAt: `${FILE} (Table 1 as LaTeX); the benchmark page https://github.com/tianshijing/ScalingOpt/blob/${COMMIT}/benchmarks.html; the submission's abstract and reviews in the project's code-search index, file id 62245752374`,
  url: `https://github.com/tianshijing/ScalingOpt/blob/${COMMIT}/benchmarks.html`,
  proposes: ['sac-adamw', 'sac-adam-mini', 'sac-shampoo', 'sgg-adamw'],
  settings,
  rows,
};
