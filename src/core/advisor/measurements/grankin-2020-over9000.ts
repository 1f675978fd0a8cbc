/**
 * Mikhail Grankin, "Optimizers and tests" (mgrankin/over9000, README; the table's last rows added on
 * 2020-01-03): ten optimizers training an xresnet50 from scratch on Imagenette and on Imagewoof (the
 * fast.ai ten-class ImageNet subsets) at 128 px for 5 epochs, "Every result is avg of 20 runs". Every
 * row of the README's table is used, one setting per dataset column. The runs' commands are in the
 * notebooks at the same commit (Imagenette_128_5_epoch-bs64.ipynb, Imagewoof_128_5_epoch-bs64.ipynb):
 * batch 64, 5 epochs, 20 runs, the train.py default architecture (xresnet50), the learning rate set per
 * optimizer (3e-3 for Adam and Ralamb, 1e-2 for most, 3e-2 for Novograd) and the schedule the table's
 * "LR Schedule" column names (OneCycle or flat-and-anneal) — so the recipes differ per optimizer and
 * the tuning protocol is not stated. The README reports no spread (the notebooks print each row's
 * run-to-run std, about 0.005–0.01; not used). Self-report: RangerLars, the "Over9000" the repository
 * is named after (`--opt over9000` in the notebooks), Grankin's combination of RAdam, LARS and
 * Lookahead; the other rows are independent (RAdam, LAMB, Novograd, Lookahead over Adam — train.py's
 * `LookaheadAdam` —, DiffGrad, AdaMod; Ranger and Ralamb are the community's combinations the table
 * compares). The reference is the Adam baseline (no SGD row).
 */
import { measured, opt, setting } from './build';
import type { MeasuredOptimizer, Measurement, MeasurementSource, Setting } from './types';

const COMMIT = '78e8dcd1f982cedc9fbc1d51af8b59d33ab88548';
const REPO = `https://github.com/mgrankin/over9000/blob/${COMMIT}`;

const HEADER = [
  'Dataset                               | LR Schedule| Imagenette size 128, 5 epoch | Imagewoof size 128, 5 epoch',
  '---                                   | -- | ---                          | ---',
].join('\n');

const ROWS: readonly { optimizer: MeasuredOptimizer; line: string; values: readonly [number, number] }[] = [
  { optimizer: opt('adam', 'adam', 'Adam - baseline', 'OneCycle, lr 3e-3'),
    line: 'Adam - baseline                |OneCycle| 0.8493                       | 0.6125', values: [0.8493, 0.6125] },
  { optimizer: opt('rangerlars', null, 'RangerLars (RAdam + LARS + Lookahead)', 'flat and anneal, lr 1e-2'),
    line: 'RangerLars (RAdam + LARS + Lookahead) |Flat and anneal| 0.8732                       | 0.6523', values: [0.8732, 0.6523] },
  { optimizer: opt('ralamb', null, 'Ralamb (RAdam + LARS)', 'flat and anneal, lr 3e-3'),
    line: 'Ralamb (RAdam + LARS)                 |Flat and anneal| 0.8675                       | 0.6367', values: [0.8675, 0.6367] },
  { optimizer: opt('ranger', null, 'Ranger (RAdam + Lookahead)', 'flat and anneal, lr 1e-2'),
    line: 'Ranger (RAdam + Lookahead)            |Flat and anneal| 0.8594                       | 0.5946', values: [0.8594, 0.5946] },
  { optimizer: opt('novograd', 'novograd', 'Novograd', 'flat and anneal, lr 3e-2'),
    line: 'Novograd                              |Flat and anneal| 0.8711                       | 0.6126', values: [0.8711, 0.6126] },
  { optimizer: opt('radam', null, 'Radam', 'flat and anneal, lr 1e-2'),
    line: 'Radam                                 |Flat and anneal| 0.8444                       | 0.537', values: [0.8444, 0.537] },
  { optimizer: opt('lookahead-adam', null, 'Lookahead', 'Lookahead over Adam (train.py `LookaheadAdam`), OneCycle, lr 1e-2'),
    line: 'Lookahead                             |OneCycle| 0.8578                       | 0.6106', values: [0.8578, 0.6106] },
  { optimizer: opt('lamb', 'lamb', 'Lamb', 'OneCycle, lr 1e-2'),
    line: 'Lamb                                  |OneCycle| 0.8400                       | 0.5597', values: [0.84, 0.5597] },
  { optimizer: opt('diffgrad', null, 'DiffGrad', 'OneCycle, lr 1e-2'),
    line: 'DiffGrad                              |OneCycle| 0.8527                       | 0.5912', values: [0.8527, 0.5912] },
  { optimizer: opt('adamod', null, 'AdaMod', 'OneCycle, lr 1e-2'),
    line: 'AdaMod                              |OneCycle| 0.8473                       | 0.6132', values: [0.8473, 0.6132] },
];

const COLUMNS: readonly { id: string; header: string; data: string }[] = [
  { id: 'imagenette-128-5ep', header: 'Imagenette size 128, 5 epoch', data: 'Imagenette' },
  { id: 'imagewoof-128-5ep', header: 'Imagewoof size 128, 5 epoch', data: 'Imagewoof' },
];

const settings: Setting[] = [];
const rows: Measurement[] = [];
COLUMNS.forEach((c, i) => {
  settings.push(setting({
    id: c.id,
    locator: `README.md results table, column ${c.header}`,
    task: `xresnet50 trained from scratch on ${c.data} (ten ImageNet classes) at 128 px for 5 epochs`,
    family: 'cnn',
    modality: 'image',
    params: null,
    globalBatch: { value: 64, unit: 'images' },
    fineTune: false,
    tuning: 'not-stated',
    budget: '5 epochs at batch 64 for every optimizer; learning rate and schedule set per optimizer (the notebooks\' commands, the table\'s "LR Schedule" column); mean of 20 runs',
    metric: { name: `${c.data} validation accuracy (mean of 20 runs)`, kind: 'final', better: 'higher', basis: 'equal-budget' },
    reference: 'adam',
  }));
  for (const r of ROWS) rows.push(measured(c.id, r.optimizer, r.values[i]!, `${HEADER}\n${r.line}`));
});

export const GRANKIN_2020_OVER9000: MeasurementSource = {
  id: 'grankin-2020-over9000',
  cite: 'Grankin 2020 (over9000 optimizer tests)',
  title: 'Optimizers and tests (over9000)',
  authors: 'Mikhail Grankin',
  year: 2020,
  venue: 'GitHub repository README (mgrankin/over9000)',
  readAt: `${REPO}/README.md (the table); ${REPO}/Imagenette_128_5_epoch-bs64.ipynb and ${REPO}/Imagewoof_128_5_epoch-bs64.ipynb (commands: batch, epochs, learning rates); ${REPO}/train.py (default architecture, optimizer mapping)`,
  url: 'https://github.com/mgrankin/over9000',
  proposes: ['rangerlars'],
  settings,
  rows,
};
