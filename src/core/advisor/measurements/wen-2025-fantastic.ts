/**
 * Wen, Hall, Ma, Liang (2025), "Fantastic Pretraining Optimizers and Where to Find Them": ten
 * optimizers tuned per optimizer at four scales (0.1B–1.2B) and 1–8x the Chinchilla data ratio.
 * Independent of every optimizer it compares (the authors proposed none of them).
 *
 * Two parts:
 * - the abstract's two stated speedups of the matrix-based optimizers (it names Muon and Soap as the
 *   fastest) over AdamW, at 0.1B and 1.2B;
 * - the paper's appendix tables ("Hyperparameter ablation for <optimizer> on <size> on <k>x Chinchilla
 *   Data"), read as LaTeX in the authors' repository: Phase I (130M at 1x, 2x, 4x and 8x Chinchilla;
 *   300M and 520M at 1x) and Phase II (300M and 520M at 2x, 4x and 8x), eleven optimizers (AdamW,
 *   NAdamW, Mars, Cautious, Lion, Adam-Mini, Muon, Scion, Kron, Soap; Sophia in Phase I only). Each table
 *   lists one optimizer's runs in one setting — its tuned configuration (row 0) and one-at-a-time
 *   changes of it — with the final loss of each. Every table in both phases is used, and every run in
 *   it: an optimizer's number in a setting is the lowest loss among all its runs there (the excerpt is
 *   that run's row up to its Loss cell; "--" in a row means "as in row 0"; rows are counted from 0 in
 *   the order printed). Where an optimizer has no table for a setting (NAdamW at 520M 1x, Cautious at
 *   130M 4x) it has no row there.
 * - the runs that are not in those tables — 1.2B at 1x, 2x, 4x and 8x Chinchilla and 130M and 300M at 16x
 *   (AdamW, NAdamW, Muon and Soap, the four optimizers the paper ran there): each optimizer's `min_loss` (the
 *   lowest loss of its sweep) in the authors' Results/<optimizer>/<size>/<k>/result.json. Every such file is
 *   used.
 */
import { ADAMW, LION, measured, MUON, NADAMW, opt, SOAP, setting, SOPHIA } from './build';
import type { Measurement, MeasuredOptimizer, MeasurementSource, Setting } from './types';

const EXCERPT =
  'Through our thorough investigation, we find that all the fastest optimizers such as Muon and Soap, use matrices as ' +
  'preconditioners -- multiplying gradients with matrices rather than entry-wise scalars. However, the speedup of ' +
  'matrix-based optimizers is inversely proportional to model scale, decreasing from 1.4x over AdamW for 0.1B parameter ' +
  'models to merely 1.1x for 1.2B parameter models.';
const NOTE = 'the abstract states this speedup for the matrix-based optimizers, naming Muon and Soap as the fastest; the same figure is recorded for each';

const COMMIT = '122c501870e0c056cbed0c97459ab76788f89948';
const TREE = `https://github.com/marin-community/marin/blob/${COMMIT}/experiments/optimizer_sweep/Analysis`;

const abstract = {
  task: 'Llama-style language model pre-training, 1–8x the Chinchilla data ratio',
  family: 'decoder-lm',
  modality: 'text',
  fineTune: false,
  tuning: 'per-optimizer',
  budget: 'equal tokens; speedup = AdamW tokens / optimizer tokens to the same final loss',
  metric: { name: 'speedup over AdamW in data to the same loss', kind: 'speedup', better: 'higher', basis: 'steps' },
  reference: 'adamw',
  referenceValue: 1,
} as const;

interface Scale {
  readonly size: string;
  readonly params: number;
  readonly chinchilla: number;
  readonly tokens: number;
}

/** One optimizer's lowest loss in one setting: [row in its table (from 0), the row up to its Loss cell, the loss]. */
type Cell = readonly [row: number, excerpt: string, loss: number];

interface Phase {
  /** The folder: PhaseI or PhaseII. */
  readonly folder: string;
  readonly name: string;
  /** Settings in the order of every optimizer's tables in this phase. */
  readonly scales: readonly Scale[];
  /** Per optimizer (its file name part): one cell per scale, null when it has no table there. */
  readonly tables: ReadonlyMap<string, readonly (Cell | null)[]>;
}

/** The optimizers as the tables name them, by the file name part of their tables. */
const OPTIMIZERS: ReadonlyMap<string, MeasuredOptimizer> = new Map([
  ['adamw', ADAMW()],
  ['nadamw', NADAMW()],
  // The tables' Mars is the AdamW form (gamma 0.025, betas and eps as MARS-AdamW's): the catalog's mars-adamw.
  ['mars', opt('mars-adamw', 'mars-adamw', 'Mars')],
  ['cautious', opt('cautious-adamw', null, 'Cautious')],
  ['lion', LION()],
  ['mini', opt('adam-mini', 'adam-mini', 'Adam-Mini')],
  ['muon', MUON()],
  ['scion', opt('scion', null, 'Scion')],
  ['kron', opt('kron', null, 'Kron (PSGD)')],
  ['soape', SOAP('Soap')],
  ['sophia', SOPHIA()],
]);

const PHASES: readonly Phase[] = [
  {
    folder: 'PhaseI',
    name: 'Phase I',
    scales: [
      { size: '130m', params: 130e6, chinchilla: 1, tokens: 2e9 },
      { size: '130m', params: 130e6, chinchilla: 2, tokens: 5e9 },
      { size: '130m', params: 130e6, chinchilla: 4, tokens: 10e9 },
      { size: '130m', params: 130e6, chinchilla: 8, tokens: 21e9 },
      { size: '300m', params: 300e6, chinchilla: 1, tokens: 6e9 },
      { size: '520m', params: 520e6, chinchilla: 1, tokens: 10e9 },
    ],
    tables: new Map<string, readonly (Cell | null)[]>([
    ['adamw', [
      [0, '0.9 & 0.98 & 1e-20 & 0.008 & 1 & 0 & 128 & 2000 & 0.1 & 3.529', 3.529],
      [12, '-- & -- & -- & -- & 2.0 & -- & -- & -- & -- & 3.408', 3.408],
      [0, '0.9 & 0.98 & 1e-20 & 0.008 & 1 & 0 & 128 & 2000 & 0.1 & 3.322', 3.322],
      [7, '-- & -- & 1e-10 & -- & -- & -- & -- & -- & -- & 3.261', 3.261],
      [7, '-- & -- & 1e-15 & -- & -- & -- & -- & -- & -- & 3.263', 3.263],
      [0, '0.9 & 0.98 & 1e-10 & 0.004 & 1 & 0 & 256 & 1000 & 0.2 & 3.110', 3.11],
    ]],
    ['nadamw', [
      [0, '0.95 & 0.98 & 1e-25 & 0.008 & 1 & 0 & 128 & 2000 & 0.1 & 3.531', 3.531],
      [8, '-- & -- & 1e-15 & -- & -- & -- & -- & -- & -- & 3.393', 3.393],
      [0, '0.95 & 0.98 & 1e-10 & 0.008 & 1 & 0 & 128 & 2000 & 0.1 & 3.319', 3.319],
      [13, '-- & -- & -- & -- & -- & -- & 256 & -- & -- & 3.249', 3.249],
      [0, '0.95 & 0.98 & 1e-10 & 0.008 & 1 & 0 & 128 & 2000 & 0.1 & 3.248', 3.248],
      null,
    ]],
    ['mars', [
      [5, '-- & 0.98 & -- & -- & -- & -- & -- & -- & -- & -- & 3.536', 3.536],
      [19, '-- & -- & -- & -- & -- & -- & -- & -- & 1000 & -- & 3.395', 3.395],
      [10, '-- & -- & 1e-15 & -- & -- & -- & -- & -- & -- & -- & 3.321', 3.321],
      [0, '0.98 & 0.99 & 1e-25 & 0.025 & 0.008 & 1 & 0 & 128 & 2000 & 0.1 & 3.247', 3.247],
      [3, '0.95 & -- & -- & -- & -- & -- & -- & -- & -- & -- & 3.247', 3.247],
      [5, '-- & 0.98 & -- & -- & -- & -- & -- & -- & -- & -- & 3.099', 3.099],
    ]],
    ['cautious', [
      [12, '-- & -- & -- & -- & 2.0 & -- & -- & -- & -- & 3.532', 3.532],
      [12, '-- & -- & -- & -- & 1.0 & -- & -- & -- & -- & 3.401', 3.401],
      null,
      [8, '-- & -- & 1e-10 & -- & -- & -- & -- & -- & -- & 3.250', 3.25],
      [8, '-- & -- & -- & -- & 1 & -- & -- & -- & -- & 3.259', 3.259],
      [0, '0.98 & 0.98 & 1e-25 & 0.008 & 1 & 0 & 256 & 2000 & 0.1 & 3.100', 3.1],
    ]],
    ['lion', [
      [7, '-- & -- & 0.001 & -- & -- & -- & -- & -- & 3.549', 3.549],
      [5, '-- & 0.98 & -- & -- & -- & -- & -- & -- & 3.409', 3.409],
      [20, '-- & -- & -- & -- & -- & -- & -- & 0.6 & 3.329', 3.329],
      [19, '-- & -- & -- & -- & -- & -- & -- & 0.5 & 3.251', 3.251],
      [0, '0.9 & 0.95 & 0.001 & 1 & 0 & 128 & 2000 & 0.6 & 3.268', 3.268],
      [0, '0.9 & 0.95 & 0.001 & 1 & 0 & 128 & 2000 & 0.7 & 3.108', 3.108],
    ]],
    ['mini', [
      [0, '0.9 & 0.98 & 1e-15 & 0.008 & 1 & 0 & 128 & 2000 & 0.1 & 3.542', 3.542],
      [7, '-- & -- & 1e-10 & -- & -- & -- & -- & -- & -- & 3.415', 3.415],
      [0, '0.9 & 0.98 & 1e-10 & 0.008 & 1 & 0 & 128 & 2000 & 0.1 & 3.328', 3.328],
      [8, '-- & -- & -- & 0.004 & -- & -- & -- & -- & -- & 3.264', 3.264],
      [0, '0.9 & 0.98 & 1e-25 & 0.004 & 2 & 0 & 128 & 2000 & 0.2 & 3.272', 3.272],
      [0, '0.9 & 0.98 & 1e-10 & 0.004 & 0 & 0 & 128 & 4000 & 0.1 & 3.112', 3.112],
    ]],
    ['muon', [
      [2, '0.0048 & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & 3.463', 3.463],
      [0, '0.0024 & 0.8 & 0.98 & 0.8 & 1e-15 & 0.008 & linear & 1 & 0 & 0.98 & 1e-05 & 128 & 0 & 0.1 & 3.369', 3.369],
      [23, '-- & -- & -- & -- & -- & -- & -- & -- & -- & 0.98 & -- & -- & -- & -- & 3.295', 3.295],
      [12, '-- & -- & -- & -- & 1e-25 & -- & -- & -- & -- & -- & -- & -- & -- & -- & 3.238', 3.238],
      [0, '0.0024 & 0.8 & 0.98 & 0.8 & 1e-15 & 0.008 & linear & 1 & 0 & 0.98 & 1e-05 & 128 & 0 & 0.1 & 3.224', 3.224],
      [20, '-- & -- & -- & -- & -- & -- & -- & 2.0 & -- & -- & -- & -- & -- & -- & 3.071', 3.071],
    ]],
    ['scion', [
      [21, '-- & -- & -- & -- & -- & -- & -- & 0.9 & -- & -- & -- & -- & 3.474', 3.474],
      [1, '0.0016 & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & 3.378', 3.378],
      [0, '0.0016 & 0.98 & 1 & 0.008 & linear & 2 & 0 & 0.9 & 1e-15 & 128 & 0 & 0.1 & 3.302', 3.302],
      [1, '0.0008 & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & 3.245', 3.245],
      [21, '-- & -- & -- & -- & -- & -- & -- & 0.95 & -- & -- & -- & -- & 3.231', 3.231],
      [21, '-- & -- & -- & -- & -- & -- & -- & 0.95 & -- & -- & -- & -- & 3.079', 3.079],
    ]],
    ['kron', [
      [21, '-- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & 0.5 & 3.491', 3.491],
      [12, '-- & -- & -- & -- & -- & -- & -- & -- & -- & 0.1 & -- & -- & -- & -- & 3.388', 3.388],
      [6, '-- & -- & 0.001 & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & 3.303', 3.303],
      [0, '0.95 & 256 & 0.001 & 1 & 0 & True & True & 1 & 0.2 & 0.1 & 128 & 2000 & 1000 & 0.5 & 3.239', 3.239],
      [21, '-- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & 0.7 & 3.241', 3.241],
      [0, '0.95 & 256 & 0.001 & 1 & 0 & True & True & 1 & 0.2 & 0.1 & 128 & 2000 & 1000 & 0.5 & 3.084', 3.084],
    ]],
    ['soape', [
      [5, '-- & 0.99 & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & -- & 3.482', 3.482],
      [11, '-- & -- & -- & -- & 0.008 & -- & -- & -- & -- & -- & -- & -- & -- & 3.374', 3.374],
      [14, '-- & -- & -- & -- & -- & -- & -- & -- & -- & 0.95 & -- & -- & -- & 3.294', 3.294],
      [9, '-- & -- & -- & 1e-10 & -- & -- & -- & -- & -- & -- & -- & -- & -- & 3.238', 3.238],
      [0, '0.95 & 0.99 & 512 & 1e-10 & 0.008 & 1 & 0 & True & 10 & 0.9 & 128 & 1000 & 0.1 & 3.231', 3.231],
      [0, '0.95 & 0.99 & 512 & 1e-10 & 0.008 & 1 & 0 & True & 10 & 0.95 & 128 & 1000 & 0.1 & 3.079', 3.079],
    ]],
    ['sophia', [
      [0, '0.95 & 0.9 & 1e-07 & 0.0125 & 0.004 & 128 & 4000 & 0 & 3.544', 3.544],
      [0, '0.95 & 0.9 & 1e-07 & 0.0125 & 0.004 & 128 & 4000 & 0.1 & 3.414', 3.414],
      [4, '-- & 0.9 & -- & -- & -- & -- & -- & -- & 3.328', 3.328],
      [0, '0.95 & 0.95 & 1e-07 & 0.0125 & 0.002 & 128 & 4000 & 0.2 & 3.259', 3.259],
      [0, '0.9 & 0.9 & 1e-07 & 0.0125 & 0.004 & 128 & 4000 & 0.1 & 3.267', 3.267],
      [16, '-- & -- & -- & -- & -- & -- & -- & 0.2 & 3.105', 3.105],
    ]],
    ]),
  },
  {
    folder: 'PhaseII',
    name: 'Phase II',
    scales: [
      { size: '300m', params: 300e6, chinchilla: 2, tokens: 12e9 },
      { size: '300m', params: 300e6, chinchilla: 4, tokens: 24e9 },
      { size: '300m', params: 300e6, chinchilla: 8, tokens: 48e9 },
      { size: '520m', params: 520e6, chinchilla: 2, tokens: 21e9 },
      { size: '520m', params: 520e6, chinchilla: 4, tokens: 42e9 },
      { size: '520m', params: 520e6, chinchilla: 8, tokens: 85e9 },
    ],
    tables: new Map<string, readonly (Cell | null)[]>([
    ['adamw', [
      [0, '0.9 & 0.98 & 1e-15 & 0.008 & 1 & 0 & 128 & 2000 & 0.1 & 3.166', 3.166],
      [0, '0.9 & 0.98 & 1e-10 & 0.008 & 2 & 0 & 256 & 2000 & 0.1 & 3.094', 3.094],
      [1, '-- & -- & -- & 0.004 & -- & -- & -- & -- & -- & 3.042', 3.042],
      [0, '0.9 & 0.98 & 1e-10 & 0.004 & 1 & 0 & 256 & 1000 & 0.2 & 3.023', 3.023],
      [0, '0.9 & 0.98 & 1e-10 & 0.004 & 1 & 0 & 256 & 1000 & 0.1 & 2.958', 2.958],
      [0, '0.9 & 0.98 & 1e-10 & 0.004 & 1 & 0 & 256 & 1000 & 0.1 & 2.913', 2.913],
    ]],
    ['nadamw', [
      [0, '0.95 & 0.98 & 1e-10 & 0.008 & 1 & 0 & 128 & 2000 & 0.1 & 3.160', 3.16],
      [0, '0.95 & 0.98 & 1e-10 & 0.008 & 1 & 0 & 256 & 2000 & 0.1 & 3.090', 3.09],
      [0, '0.95 & 0.98 & 1e-10 & 0.008 & 1 & 0 & 256 & 2000 & 0.1 & 3.039', 3.039],
      [0, '0.98 & 0.98 & 1e-10 & 0.004 & 1 & 0 & 128 & 4000 & 0.1 & 3.013', 3.013],
      [2, '-- & -- & -- & -- & -- & -- & 256 & -- & -- & 2.954', 2.954],
      [0, '0.98 & 0.98 & 1e-10 & 0.004 & 1 & 0 & 256 & 4000 & 0.1 & 2.907', 2.907],
    ]],
    ['mars', [
      [2, '0.95 & -- & -- & -- & -- & -- & -- & -- & -- & -- & 3.156', 3.156],
      [3, '-- & -- & -- & -- & 0.004 & -- & -- & -- & -- & -- & 3.095', 3.095],
      [2, '0.95 & -- & -- & -- & -- & -- & -- & -- & -- & -- & 3.038', 3.038],
      [2, '0.98 & -- & -- & -- & -- & -- & -- & -- & -- & -- & 3.014', 3.014],
      [2, '0.98 & -- & -- & -- & -- & -- & -- & -- & -- & -- & 2.953', 2.953],
      [0, '0.95 & 0.98 & 1e-25 & 0.025 & 0.004 & 1 & 0 & 256 & 2000 & 0.1 & 2.906', 2.906],
    ]],
    ['cautious', [
      [0, '0.98 & 0.98 & 1e-25 & 0.008 & 1 & 0 & 256 & 2000 & 0.1 & 3.165', 3.165],
      [0, '0.98 & 0.98 & 1e-25 & 0.008 & 1 & 0 & 256 & 2000 & 0.1 & 3.094', 3.094],
      [1, '-- & -- & -- & 0.004 & -- & -- & -- & -- & -- & 3.041', 3.041],
      [0, '0.98 & 0.98 & 1e-25 & 0.008 & 1 & 0 & 256 & 2000 & 0.1 & 3.017', 3.017],
      [0, '0.98 & 0.98 & 1e-25 & 0.004 & 1 & 0 & 256 & 2000 & 0.1 & 2.956', 2.956],
      [0, '0.98 & 0.98 & 1e-25 & 0.004 & 1 & 0 & 256 & 2000 & 0.1 & 2.910', 2.91],
    ]],
    ['lion', [
      [0, '0.9 & 0.98 & 0.001 & 1 & 0 & 128 & 2000 & 0.7 & 3.170', 3.17],
      [0, '0.9 & 0.98 & 0.001 & 1 & 0 & 256 & 2000 & 0.7 & 3.100', 3.1],
      [3, '-- & -- & 0.0005 & -- & -- & -- & -- & -- & 3.043', 3.043],
      [3, '-- & -- & 0.0005 & -- & -- & -- & -- & -- & 3.028', 3.028],
      [0, '0.9 & 0.95 & 0.001 & 1 & 0 & 256 & 2000 & 0.6 & 2.965', 2.965],
      [0, '0.9 & 0.95 & 0.0005 & 1 & 0 & 256 & 2000 & 0.6 & 2.915', 2.915],
    ]],
    ['mini', [
      [0, '0.9 & 0.98 & 1e-25 & 0.004 & 2 & 0 & 128 & 2000 & 0.2 & 3.178', 3.178],
      [0, '0.9 & 0.98 & 1e-25 & 0.004 & 2 & 0 & 128 & 2000 & 0.1 & 3.103', 3.103],
      [0, '0.9 & 0.98 & 1e-25 & 0.002 & 2 & 0 & 128 & 2000 & 0.2 & 3.049', 3.049],
      [0, '0.9 & 0.98 & 1e-10 & 0.004 & 1 & 0 & 128 & 4000 & 0.1 & 3.027', 3.027],
      [1, '-- & -- & -- & 0.002 & -- & -- & -- & -- & -- & 2.963', 2.963],
      [0, '0.9 & 0.98 & 1e-10 & 0.004 & 1 & 0 & 256 & 4000 & 0.1 & 2.912', 2.912],
    ]],
    ['muon', [
      [0, '0.0024 & 0.8 & 0.98 & 0.8 & 1e-15 & 0.008 & linear & 1 & 0 & 0.98 & 1e-05 & 128 & 0 & 0.1 & 3.143', 3.143],
      [0, '0.0012 & 0.8 & 0.98 & 0.8 & 1e-15 & 0.004 & linear & 1 & 0 & 0.98 & 1e-05 & 128 & 0 & 0.1 & 3.079', 3.079],
      [1, '-- & -- & -- & -- & -- & 0.004 & -- & -- & -- & -- & -- & -- & -- & -- & 3.029', 3.029],
      [0, '0.0012 & 0.8 & 0.98 & 1 & 1e-25 & 0.004 & linear & 2 & 0 & 0.98 & 1e-05 & 128 & 0 & 0.1 & 3.002', 3.002],
      [1, '-- & -- & -- & -- & -- & 0.004 & -- & -- & -- & -- & -- & -- & -- & -- & 2.944', 2.944],
      [1, '-- & -- & -- & -- & -- & 0.004 & -- & -- & -- & -- & -- & -- & -- & -- & 2.900', 2.9],
    ]],
    ['scion', [
      [0, '0.0008 & 0.98 & 0.8 & 0.008 & linear & 2 & 0 & 0.95 & 1e-05 & 128 & 0 & 0.1 & 3.152', 3.152],
      [0, '0.0008 & 0.98 & 1 & 0.008 & linear & 2 & 0 & 0.95 & 1e-05 & 256 & 0 & 0.1 & 3.086', 3.086],
      [2, '-- & -- & -- & -- & -- & -- & -- & -- & -- & 256 & -- & -- & 3.037', 3.037],
      [0, '0.0004 & 0.98 & 1 & 0.004 & linear & 2 & 0 & 0.95 & 1e-05 & 128 & 0 & 0.1 & 3.007', 3.007],
      [0, '0.0008 & 0.98 & 1 & 0.008 & linear & 2 & 0 & 0.95 & 1e-05 & 256 & 0 & 0.1 & 2.952', 2.952],
      [0, '0.0004 & 0.98 & 1 & 0.004 & linear & 2 & 0 & 0.95 & 1e-05 & 256 & 0 & 0.1 & 2.904', 2.904],
    ]],
    ['kron', [
      [0, '0.95 & 256 & 0.001 & 1 & 0 & True & True & 1 & 0.2 & 0.1 & 128 & 2000 & 1000 & 0.7 & 3.151', 3.151],
      [0, '0.95 & 256 & 0.0005 & 1 & 0 & True & True & 1 & 0.2 & 0.1 & 128 & 2000 & 1000 & 0.7 & 3.083', 3.083],
      [0, '0.95 & 256 & 0.0005 & 1 & 0 & True & True & 1 & 0.2 & 0.1 & 128 & 2000 & 1000 & 0.7 & 3.031', 3.031],
      [0, '0.95 & 256 & 0.0005 & 1 & 0 & True & True & 1 & 0.2 & 0.1 & 128 & 2000 & 1000 & 0.5 & 3.009', 3.009],
      [0, '0.95 & 256 & 0.0005 & 1 & 0 & True & True & 1 & 0.2 & 0.1 & 128 & 2000 & 1000 & 0.5 & 2.946', 2.946],
      [0, '0.95 & 256 & 0.0005 & 1 & 0 & True & True & 1 & 0.2 & 0.1 & 128 & 2000 & 1000 & 0.5 & 2.900', 2.9],
    ]],
    ['soape', [
      [0, '0.95 & 0.99 & 512 & 1e-10 & 0.008 & 1 & 0 & True & 10 & 0.9 & 128 & 1000 & 0.1 & 3.147', 3.147],
      [0, '0.95 & 0.99 & 512 & 1e-10 & 0.008 & 1 & 0 & True & 10 & 0.9 & 256 & 1000 & 0.1 & 3.084', 3.084],
      [0, '0.95 & 0.99 & 512 & 1e-10 & 0.008 & 1 & 0 & True & 10 & 0.9 & 256 & 1000 & 0.1 & 3.030', 3.03],
      [0, '0.95 & 0.99 & 512 & 1e-10 & 0.008 & 1 & 0 & True & 10 & 0.95 & 256 & 1000 & 0.1 & 3.004', 3.004],
      [0, '0.95 & 0.99 & 512 & 1e-10 & 0.004 & 1 & 0 & True & 10 & 0.95 & 256 & 1000 & 0.1 & 2.944', 2.944],
      [0, '0.95 & 0.99 & 512 & 1e-10 & 0.004 & 1 & 0 & True & 10 & 0.95 & 256 & 1000 & 0.1 & 2.899', 2.899],
    ]],
    ]),
  },
];

const settings: Setting[] = [
  setting({ id: 'scale-0.1b', locator: 'Abstract', params: 0.1e9, ...abstract }),
  setting({ id: 'scale-1.2b', locator: 'Abstract', params: 1.2e9, ...abstract }),
];
const rows: Measurement[] = [
  measured('scale-0.1b', MUON(), 1.4, EXCERPT, { note: NOTE }),
  measured('scale-0.1b', SOAP('Soap'), 1.4, EXCERPT, { note: NOTE }),
  measured('scale-1.2b', MUON(), 1.1, EXCERPT, { note: NOTE }),
  measured('scale-1.2b', SOAP('Soap'), 1.1, EXCERPT, { note: NOTE }),
];

for (const phase of PHASES) {
  phase.scales.forEach((s, i) => {
    const id = `${s.size}-${s.chinchilla}x-chinchilla`;
    settings.push(setting({
      id,
      locator: `Appendix, ${phase.name} tables "Hyperparameter ablation for <optimizer> on ${s.size} on ${s.chinchilla}x Chinchilla Data" (${phase.folder}/tex/hyperparam_tables_<optimizer>.tex)`,
      task: `Llama-style ${s.size.toUpperCase()} language model pre-training, ${s.chinchilla}x the Chinchilla data ratio (${s.tokens / 1e9}B tokens)`,
      family: 'decoder-lm',
      modality: 'text',
      params: s.params,
      tokens: s.tokens,
      tokensPerParam: 20 * s.chinchilla,
      fineTune: false,
      tuning: 'per-optimizer',
      budget: `equal tokens (${s.tokens / 1e9}B); batch size tuned per optimizer (128 or 256 sequences)`,
      metric: { name: 'final loss (the tables\' Loss column)', kind: 'final', better: 'lower', basis: 'equal-budget' },
      reference: 'adamw',
    }));
    for (const [file, cells] of phase.tables) {
      const cell = cells[i];
      if (!cell) continue;
      const [row, excerpt, loss] = cell;
      rows.push(measured(id, OPTIMIZERS.get(file)!, loss, excerpt, {
        note: `${TREE}/${phase.folder}/tex/hyperparam_tables_${file}.tex, row ${row} (from 0) of the ${s.size} ${s.chinchilla}x table: the lowest loss among the table's runs`,
      }));
    }
  });
}

/**
 * Settings read from the result files: per setting, each optimizer's (by folder name) `min_loss`. The
 * Muon 300M 16x file says `"num_left": 1` (its sweep had one run left when written): its minimum is over the
 * runs done.
 */
const RESULT_FILES: readonly { size: string; params: number; chinchilla: number; tokens: number; losses: ReadonlyMap<string, number> }[] = [
  { size: '1.2b', params: 1.2e9, chinchilla: 1, tokens: 24e9,
    losses: new Map([['adamw', 2.904270648956299], ['nadamw', 2.902158498764038], ['muon', 2.8862736225128174], ['soape', 2.897803783416748]]) },
  { size: '1.2b', params: 1.2e9, chinchilla: 2, tokens: 48e9,
    losses: new Map([['adamw', 2.835987091064453], ['nadamw', 2.8329575061798096], ['muon', 2.827101230621338], ['soape', 2.8293275833129883]]) },
  { size: '1.2b', params: 1.2e9, chinchilla: 4, tokens: 96e9,
    losses: new Map([['adamw', 2.7871193885803223], ['nadamw', 2.784677267074585], ['muon', 2.7799859046936035], ['soape', 2.782505750656128]]) },
  { size: '1.2b', params: 1.2e9, chinchilla: 8, tokens: 193e9,
    losses: new Map([['adamw', 2.752276659011841], ['nadamw', 2.7485225200653076], ['muon', 2.7483625411987305], ['soape', 2.7485294342041016]]) },
  { size: '130m', params: 130e6, chinchilla: 16, tokens: 42e9,
    losses: new Map([['adamw', 3.207158088684082], ['nadamw', 3.200423002243042], ['muon', 3.1924784183502197], ['soape', 3.1911556720733643]]) },
  { size: '300m', params: 300e6, chinchilla: 16, tokens: 96e9,
    losses: new Map([['adamw', 3.0006392002105713], ['nadamw', 2.998051166534424], ['muon', 2.9908766746520996], ['soape', 2.9896833896636963]]) },
];

for (const s of RESULT_FILES) {
  const id = `${s.size}-${s.chinchilla}x-chinchilla`;
  settings.push(setting({
    id,
    locator: `Results/<optimizer>/${s.size}/${s.chinchilla}/result.json, "min_loss"`,
    task: `Llama-style ${s.size.toUpperCase()} language model pre-training, ${s.chinchilla}x the Chinchilla data ratio (${s.tokens / 1e9}B tokens)`,
    family: 'decoder-lm',
    modality: 'text',
    params: s.params,
    tokens: s.tokens,
    tokensPerParam: 20 * s.chinchilla,
    fineTune: false,
    tuning: 'per-optimizer',
    budget: `equal tokens (${s.tokens / 1e9}B); batch size tuned per optimizer`,
    metric: { name: 'final loss (min_loss of the optimizer\'s sweep)', kind: 'final', better: 'lower', basis: 'equal-budget' },
    reference: 'adamw',
  }));
  for (const [file, loss] of s.losses) {
    rows.push(measured(id, OPTIMIZERS.get(file)!, loss, `"min_loss": ${loss},`, {
      note: `${TREE}/Results/${file}/${s.size}/${s.chinchilla}/result.json`,
    }));
  }
}

export const WEN_2025_FANTASTIC: MeasurementSource = {
  id: 'wen-2025-fantastic',
  cite: 'Wen et al. 2025',
  title: 'Fantastic Pretraining Optimizers and Where to Find Them',
  authors: 'Kaiyue Wen, David Hall, Tengyu Ma, Percy Liang',
  year: 2025,
  venue: 'arXiv 2509.02046',
  readAt: `https://arxiv.org/abs/2509.02046?context=stat.ML (abstract); ${TREE}/PhaseI/tex/ and ${TREE}/PhaseII/tex/hyperparam_tables_<optimizer>.tex (the appendix tables, one file per optimizer and phase); ${TREE}/Results/<optimizer>/<size>/<k>/result.json (the 1.2B and 16x runs)`,
  url: 'https://arxiv.org/abs/2509.02046',
  proposes: [],
  settings,
  rows,
};
