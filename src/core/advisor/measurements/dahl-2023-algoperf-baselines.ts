/**
 * Dahl, Schneider, Nado, Agarwal, … Mattson (2023; arXiv v2 of 18 June 2025), "Benchmarking Neural Network
 * Training Algorithms" — the AlgoPerf benchmark paper. Its baselines and its Section 2 experiments, read in
 * the paper's full text (a Markdown conversion of arXiv 2306.07179v2 held by the project's code-search
 * index, file id 61282626789; the index does not name the repository that holds it). Every row of these
 * tables is used:
 * - Table 25 (runtime to the validation target, seconds) and Table 26 (steps to it) for eight workloads: the
 *   baselines AdamW, NadamW, Heavy Ball, Nesterov (each with its β1 tuned, β1 fixed, and an OptList of 20
 *   configurations), LAMB, Adafactor, SAM (w. Adam) and, in Table 26 only, Distributed Shampoo (the paper
 *   could not time it on the benchmark hardware). "inf" (the target not reached within the allowed runtime or
 *   steps) is a stated "worse" row. Runtime and steps of one workload share a group.
 * - Tables 13 and 14 (benchmark scores, runtime and steps; scored together with every baseline in the paper,
 *   so one setting each). Distributed Shampoo has no runtime score ("-"). Table 14's tuned-β1 rows repeat
 *   Table 13's numbers and are those rows; Table 27 repeats both (its NadamW line swaps two cells in the
 *   text read) and is not used.
 * - Tables 17–20 (validation metric after the workload's fixed step budget, for AdamW, NadamW, Nesterov and
 *   Heavy Ball): the per-workload optimal column (tuned per workload; the same numbers as Section 5's Table 9,
 *   the target-setting runs) and the overall optimal column (one setting per optimizer shared across the eight
 *   workloads). Section 2.3.1 says 100 quasirandom trials per optimizer, Section 5 (for Table 9) 200; all four
 *   ran the same number of steps, 0.75× the workload's runtime budget, their step times being "negligible"
 *   apart.
 * - Tables 1, 2, 3 and 16 (Section 2.2.1: Wide ResNet on CIFAR-10 with a stride change, ResNet-200 with extra
 *   batch normalization, the WMT Transformer in its Pre-LN and Post-LN forms; the "Best" column of Tables 3
 *   and 16 — the best of 100 trials — is the value, their bootstrap mean ± deviation is left in the excerpt).
 * The reference is AdamW (its first row with a number in the setting: the tuned-β1 search space where it reached
 * the target), and NadamW where no AdamW variant reached the target (ImageNet ResNet-50 and OGBG in Tables 25
 * and 26). A search-space variant keeps its optimizer's key (its settings say
 * which variant it is). In an excerpt " … " marks text left out; the text is the conversion's, including its
 * "˘" for "±" and "β1" for "β₁". Numbers written with a thousands separator ("62,667") carry a derivation
 * saying so. Workload families as in ./kasimbeg-2025-algoperf-workloads.ts. Distributed Shampoo counts as
 * the authors' own (Rohan Anil co-wrote Distributed Shampoo, Mike Rabbat its PyTorch implementation); every
 * other optimizer here is independent of the authors.
 */
import { measured, opt, setting, stated } from './build';
import type { MeasuredOptimizer, Measurement, MeasurementSource, Metric, Modality, Setting, TaskFamily } from './types';

const READ_AT = 'https://arxiv.org/abs/2306.07179v2 — the full text (v2, 18 Jun 2025) as a Markdown conversion in the project\'s code-search index, file id 61282626789 (the index does not name its repository)';

interface Workload {
  readonly id: string;
  /** The column header in Tables 25 and 26. */
  readonly header: string;
  /** The row label in Tables 17–20. */
  readonly label: string;
  readonly task: string;
  readonly family: TaskFamily;
  readonly modality: Modality;
  /** The validation metric of Tables 17–20 (Table 23's header). */
  readonly metric: string;
  readonly better: 'lower' | 'higher';
}

const WORKLOADS: readonly Workload[] = [
  { id: 'criteo1tb', header: 'Criteo 1TB DLRMsmall', label: 'Criteo 1TB DLRMsmall', task: 'Criteo 1TB click-through prediction (DLRMsmall)', family: 'workload-suite', modality: 'mixed', metric: 'validation cross-entropy', better: 'lower' },
  { id: 'fastmri', header: 'fastMRI U-Net', label: 'fastMRI U-Net', task: 'fastMRI knee MRI reconstruction (U-Net)', family: 'cnn', modality: 'image', metric: 'validation SSIM', better: 'higher' },
  { id: 'imagenet_resnet', header: 'ImageNet ResNet-50', label: 'ImageNet ResNet 50', task: 'ImageNet classification (ResNet-50)', family: 'cnn', modality: 'image', metric: 'validation error rate', better: 'lower' },
  { id: 'imagenet_vit', header: 'ImageNet ViT', label: 'ViT', task: 'ImageNet classification (Vision Transformer)', family: 'vit', modality: 'image', metric: 'validation error rate', better: 'lower' },
  { id: 'librispeech_conformer', header: 'LibriSpeech Conformer', label: 'LibriSpeech Conformer', task: 'LibriSpeech speech recognition (Conformer)', family: 'workload-suite', modality: 'mixed', metric: 'validation WER', better: 'lower' },
  { id: 'librispeech_deepspeech', header: 'LibriSpeech DeepSpeech', label: 'DeepSpeech', task: 'LibriSpeech speech recognition (DeepSpeech)', family: 'workload-suite', modality: 'mixed', metric: 'validation WER', better: 'lower' },
  { id: 'ogbg', header: 'OGBG GNN', label: 'OGBG GNN', task: 'OGBG molecular property prediction (graph neural network)', family: 'workload-suite', modality: 'mixed', metric: 'validation mean average precision', better: 'higher' },
  { id: 'wmt', header: 'WMT Transformer', label: 'WMT Transformer', task: 'WMT German–English translation (Transformer encoder-decoder)', family: 'encoder-decoder-lm', modality: 'text', metric: 'validation BLEU', better: 'higher' },
];

const TUNED = 'β1 tuned (Table 12 search space, 20 trials)';
const FIXED = 'β1 fixed to 0.9 (Table 12 search space, 20 trials)';
const OPTLIST = 'OptList: 20 configurations that did well on at least one workload in target setting';

const ADAMW = (variant: string, settings: string): MeasuredOptimizer => opt('adamw', 'adamw', `AdamW (${variant})`, settings);
const NADAMW = (variant: string, settings: string): MeasuredOptimizer => opt('nadamw', 'nadamw', `NadamW (${variant})`, settings);
const HEAVY_BALL = (variant: string, settings: string): MeasuredOptimizer => opt('sgd-momentum', 'sgd-momentum', `Heavy Ball (${variant})`, settings);
const NESTEROV = (variant: string, settings: string): MeasuredOptimizer => opt('nesterov', 'nesterov', `Nesterov (${variant})`, settings);
const LAMB = opt('lamb', 'lamb', 'LAMB (tuned β1)', TUNED);
const ADAFACTOR = opt('adafactor', 'adafactor', 'Adafactor (tuned β1)', TUNED);
const SAM = opt('sam-adam', null, 'SAM (w. Adam) (tuned β1)', `${TUNED}; ρ from {0.01, 0.02, 0.05}`);
const SHAMPOO = opt('shampoo', 'shampoo', 'Distributed Shampoo (tuned β1)', TUNED);

/** Extras for a cell the line writes with a thousands separator ("62,667" for 62667). */
function separatorDerivation(line: string, value: number): { derivation?: string } {
  if (line.split(/\s+/).includes(String(value))) return {};
  return { derivation: `the cell "${value.toLocaleString('en-US')}" read without its thousands separator` };
}

/** A row of Tables 25/26: the algorithm's block, and the variant's line with one cell per workload. */
interface TimeRow {
  readonly optimizer: MeasuredOptimizer;
  /** The algorithm's name as the table heads its block of lines. */
  readonly block: string;
  /** The variant's line, verbatim. */
  readonly line: string;
  /** Its cells in column order; null for "inf". */
  readonly values: readonly (number | null)[];
}

const T25_HEADER = 'Algorithm Criteo 1TB fastMRI ImageNet LibriSpeech OGBG WMT\n\nDLRMsmall U-Net ResNet-50 ViT Conformer DeepSpeech GNN Transformer';
const INF8 = [null, null, null, null, null, null, null, null] as const;

const TABLE_25: readonly TimeRow[] = [
  { optimizer: ADAMW('tuned β1', TUNED), block: 'AdamW', line: 'tuned β1 5622 inf inf 62,667 95,222 80,106 inf 40,534', values: [5622, null, null, 62667, 95222, 80106, null, 40534] },
  { optimizer: ADAMW('fixed β1', FIXED), block: 'AdamW', line: 'fixed β1 5320 7473 inf 62,667 inf 81,946 inf 41,499', values: [5320, 7473, null, 62667, null, 81946, null, 41499] },
  { optimizer: ADAMW('opt-list', OPTLIST), block: 'AdamW', line: 'opt-list 5471 6415 inf 64,213 88,135 76,427 inf 44,391', values: [5471, 6415, null, 64213, 88135, 76427, null, 44391] },
  { optimizer: HEAVY_BALL('tuned β1', TUNED), block: 'Heavy Ball', line: 'tuned β1 inf inf inf inf inf inf inf inf', values: INF8 },
  { optimizer: HEAVY_BALL('fixed β1', FIXED), block: 'Heavy Ball', line: 'fixed β1 inf inf inf inf inf inf inf inf', values: INF8 },
  { optimizer: HEAVY_BALL('opt-list', OPTLIST), block: 'Heavy Ball', line: 'opt-list inf inf 57,321 inf inf inf inf 43,984', values: [null, null, 57321, null, null, null, null, 43984] },
  { optimizer: LAMB, block: 'LAMB', line: 'tuned β1 inf inf inf inf inf 78,966 inf 29,962', values: [null, null, null, null, null, 78966, null, 29962] },
  { optimizer: NADAMW('tuned β1', TUNED), block: 'NadamW', line: 'tuned β1 5850 8559 inf 62,005 92,558 79,569 11,441 30,822', values: [5850, 8559, null, 62005, 92558, 79569, 11441, 30822] },
  { optimizer: NADAMW('fixed β1', FIXED), block: 'NadamW', line: 'fixed β1 5544 inf 61,049 60,457 inf 79,569 inf 43,329', values: [5544, null, 61049, 60457, null, 79569, null, 43329] },
  { optimizer: NADAMW('opt-list', OPTLIST), block: 'NadamW', line: 'opt-list 5544 8205 inf 59,682 87,475 77,721 12,914 44,291', values: [5544, 8205, null, 59682, 87475, 77721, 12914, 44291] },
  { optimizer: NESTEROV('tuned β1', TUNED), block: 'Nesterov', line: 'tuned β1 inf inf inf inf inf inf inf inf', values: INF8 },
  { optimizer: NESTEROV('fixed β1', FIXED), block: 'Nesterov', line: 'fixed β1 inf inf inf inf inf inf inf inf', values: INF8 },
  { optimizer: NESTEROV('opt-list', OPTLIST), block: 'Nesterov', line: 'opt-list inf 8750 59,330 inf inf inf inf inf', values: [null, 8750, 59330, null, null, null, null, null] },
  { optimizer: ADAFACTOR, block: 'Adafactor', line: 'tuned β1 inf inf inf inf inf 82,214 inf 37,679', values: [null, null, null, null, null, 82214, null, 37679] },
  { optimizer: SAM, block: 'SAM(w. Adam)', line: 'tuned β1 5910 inf inf inf inf inf inf inf', values: [5910, null, null, null, null, null, null, null] },
];

const TABLE_26: readonly TimeRow[] = [
  { optimizer: ADAMW('tuned β1', TUNED), block: 'AdamW', line: 'tuned β1 7881 inf inf 151,146 250,604 69,600 inf 111,972', values: [7881, null, null, 151146, 250604, 69600, null, 111972] },
  { optimizer: ADAMW('fixed β1', FIXED), block: 'AdamW', line: 'fixed β1 7455 30,324 inf 151,146 inf 71,200 inf 114,638', values: [7455, 30324, null, 151146, null, 71200, null, 114638] },
  { optimizer: ADAMW('opt-list', OPTLIST), block: 'AdamW', line: 'opt-list 7668 25,992 inf 154,878 231,942 66,400 inf 122,636', values: [7668, 25992, null, 154878, 231942, 66400, null, 122636] },
  { optimizer: SHAMPOO, block: 'Distributed Shampoo', line: 'tuned β1 inf 32,851 181,002 138,084 229,276 67,200 35,200 90,644', values: [null, 32851, 181002, 138084, 229276, 67200, 35200, 90644] },
  { optimizer: HEAVY_BALL('tuned β1', TUNED), block: 'Heavy Ball', line: 'tuned β1 inf inf inf inf inf inf inf inf', values: INF8 },
  { optimizer: HEAVY_BALL('fixed β1', FIXED), block: 'Heavy Ball', line: 'fixed β1 inf inf inf inf inf inf inf inf', values: INF8 },
  { optimizer: HEAVY_BALL('opt-list', OPTLIST), block: 'Heavy Ball', line: 'opt-list inf inf 169,806 inf inf inf inf 122,636', values: [null, null, 169806, null, null, null, null, 122636] },
  { optimizer: LAMB, block: 'LAMB', line: 'tuned β1 inf inf inf inf inf 68,800 inf 79,980', values: [null, null, null, null, null, 68800, null, 79980] },
  { optimizer: NADAMW('tuned β1', TUNED), block: 'NadamW', line: 'tuned β1 8094 34,656 inf 149,280 242,606 68,800 49,600 85,312', values: [8094, 34656, null, 149280, 242606, 68800, 49600, 85312] },
  { optimizer: NADAMW('fixed β1', FIXED), block: 'NadamW', line: 'fixed β1 7668 inf 181,002 145,548 inf 68,800 inf 119,970', values: [7668, null, 181002, 145548, null, 68800, null, 119970] },
  { optimizer: NADAMW('opt-list', OPTLIST), block: 'NadamW', line: 'opt-list 7668 33,212 inf 143,682 229,276 67,200 56,000 122,636', values: [7668, 33212, null, 143682, 229276, 67200, 56000, 122636] },
  { optimizer: NESTEROV('tuned β1', TUNED), block: 'Nesterov', line: 'tuned β1 inf inf inf inf inf inf inf inf', values: INF8 },
  { optimizer: NESTEROV('fixed β1', FIXED), block: 'Nesterov', line: 'fixed β1 inf inf inf inf inf inf inf inf', values: INF8 },
  { optimizer: NESTEROV('opt-list', OPTLIST), block: 'Nesterov', line: 'opt-list inf 35,739 175,404 inf inf inf inf inf', values: [null, 35739, 175404, null, null, null, null, null] },
  { optimizer: ADAFACTOR, block: 'Adafactor', line: 'tuned β1 inf inf inf 158,610 261,268 70,400 inf 98,642', values: [null, null, null, 158610, 261268, 70400, null, 98642] },
  { optimizer: SAM, block: 'SAM(w. Adam)', line: 'tuned β1 8307 inf 166,118 147,414 231,942 67,200 inf 98,642', values: [8307, null, 166118, 147414, 231942, 67200, null, 98642] },
];

interface TimeTable {
  readonly table: string;
  readonly prefix: string;
  readonly rows: readonly TimeRow[];
  readonly metric: Metric;
  readonly inf: string;
}

const TIME_TABLES: readonly TimeTable[] = [
  {
    table: 'Table 25', prefix: 'time', rows: TABLE_25,
    metric: { name: 'runtime to the validation target (seconds)', kind: 'time-to-target', better: 'lower', basis: 'wall-clock' },
    inf: '"inf": the baseline did not reach the target within the maximum allowed runtime (Table 25\'s caption)',
  },
  {
    table: 'Table 26', prefix: 'steps', rows: TABLE_26,
    metric: { name: 'steps to the validation target', kind: 'time-to-target', better: 'lower', basis: 'steps' },
    inf: '"inf": the baseline did not reach the target in the maximum allowed step budget (Table 26\'s caption)',
  },
];

const BUDGET_BASELINES = 'external tuning: 20 trials per workload from the optimizer\'s workload-agnostic search space (Table 12) or OptList, 5 studies, the median study counts; within the workload\'s runtime budget on 8×V100 (timed there; Distributed Shampoo and SAM ran the other baselines\' step budget)';

function timeSettingsAndRows(): { settings: Setting[]; rows: Measurement[] } {
  const settings: Setting[] = [];
  const rows: Measurement[] = [];
  for (const t of TIME_TABLES) {
    WORKLOADS.forEach((w, i) => {
      const id = `${t.prefix}-${w.id}`;
      settings.push(setting({
        id,
        locator: `${t.table}, column ${w.header}`,
        task: `${w.task}, to the workload's validation target`,
        family: w.family,
        modality: w.modality,
        params: null,
        fineTune: false,
        tuning: 'per-optimizer',
        budget: BUDGET_BASELINES,
        metric: t.metric,
        reference: t.rows.some((r) => r.optimizer.key === 'adamw' && r.values[i] !== null) ? 'adamw' : 'nadamw',
        group: `baselines-${w.id}`,
      }));
      for (const r of t.rows) {
        const excerpt = `${T25_HEADER} … ${r.block} … ${r.line}`;
        const v = r.values[i];
        if (v === null || v === undefined) {
          rows.push(stated(id, r.optimizer, 'worse', excerpt, { note: t.inf }));
        } else {
          rows.push(measured(id, r.optimizer, v, excerpt, separatorDerivation(r.line, v)));
        }
      }
    });
  }
  return { settings, rows };
}

/** Tables 13 and 14: one line per optimizer (or variant), runtime score then steps score. */
interface ScoreRow {
  readonly optimizer: MeasuredOptimizer;
  readonly excerpt: string;
  /** Runtime score, steps score; null for Distributed Shampoo's runtime ("-"). */
  readonly runtime: number | null;
  readonly steps: number;
}

const T13 = 'Submission Benchmark Score\n\nRuntime Steps\n\n';
const T14 = 'Submission Version Benchmark Score\n\nRuntime Steps\n\n';

const SCORES: readonly ScoreRow[] = [
  { optimizer: ADAMW('tuned β1', TUNED), excerpt: `${T13}AdamW 0.600141 0.596116`, runtime: 0.600141, steps: 0.596116 },
  { optimizer: NADAMW('tuned β1', TUNED), excerpt: `${T13}AdamW 0.600141 0.596116 NadamW 0.849960 0.830414`, runtime: 0.84996, steps: 0.830414 },
  { optimizer: NESTEROV('tuned β1', TUNED), excerpt: `${T13}… Nesterov 0.0 0.0`, runtime: 0, steps: 0 },
  { optimizer: HEAVY_BALL('tuned β1', TUNED), excerpt: `${T13}… Heavy Ball 0.0 0.0`, runtime: 0, steps: 0 },
  { optimizer: LAMB, excerpt: `${T13}… LAMB 0.248619 0.248494`, runtime: 0.248619, steps: 0.248494 },
  { optimizer: ADAFACTOR, excerpt: `${T13}… Adafactor 0.236111 0.475760`, runtime: 0.236111, steps: 0.47576 },
  { optimizer: SAM, excerpt: `${T13}… SAM(w. Adam) 0.120368 0.731717`, runtime: 0.120368, steps: 0.731717 },
  { optimizer: SHAMPOO, excerpt: `${T13}… Distributed Shampoo - 0.854210`, runtime: null, steps: 0.85421 },
  { optimizer: ADAMW('fixed β1', FIXED), excerpt: `${T14}AdamW tuned β1 0.600141 0.596116 fixed β1 0.596985 0.593047`, runtime: 0.596985, steps: 0.593047 },
  { optimizer: ADAMW('opt-list', OPTLIST), excerpt: `${T14}AdamW … opt-list 0.725260 0.721035`, runtime: 0.72526, steps: 0.721035 },
  { optimizer: NADAMW('fixed β1', FIXED), excerpt: `${T14}… NadamW tuned β1 0.849960 0.830414 fixed β1 0.599691 0.595478`, runtime: 0.599691, steps: 0.595478 },
  { optimizer: NADAMW('opt-list', OPTLIST), excerpt: `${T14}… NadamW … opt-list 0.835602 0.813194`, runtime: 0.835602, steps: 0.813194 },
  { optimizer: NESTEROV('fixed β1', FIXED), excerpt: `${T14}… Nesterov tuned β1 0.0 0.0 fixed β1 0.0 0.0`, runtime: 0, steps: 0 },
  { optimizer: NESTEROV('opt-list', OPTLIST), excerpt: `${T14}… Nesterov … opt-list 0.233373 0.232048`, runtime: 0.233373, steps: 0.232048 },
  { optimizer: HEAVY_BALL('fixed β1', FIXED), excerpt: `${T14}… Heavy Ball tuned β1 0.0 0.0 fixed β1 0.0 0.0`, runtime: 0, steps: 0 },
  { optimizer: HEAVY_BALL('opt-list', OPTLIST), excerpt: `${T14}… Heavy Ball … opt-list 0.230504 0.226860`, runtime: 0.230504, steps: 0.22686 },
];

const SCORE_SUITE = {
  task: 'AlgoPerf benchmark: eight workloads (Criteo 1TB DLRMsmall, fastMRI U-Net, ImageNet ResNet-50 and ViT, LibriSpeech Conformer and DeepSpeech, OGBG GNN, WMT Transformer), held-out workloads ignored',
  family: 'workload-suite',
  modality: 'mixed',
  params: null,
  fineTune: false,
  tuning: 'per-optimizer',
  budget: BUDGET_BASELINES,
  reference: 'adamw',
  group: 'score',
} as const;

function scoreSettingsAndRows(): { settings: Setting[]; rows: Measurement[] } {
  const settings = [
    setting({ id: 'score-runtime', locator: 'Tables 13 and 14, column Runtime', metric: { name: 'benchmark score (integrated performance profile, runtime)', kind: 'score', better: 'higher', basis: 'wall-clock' }, ...SCORE_SUITE }),
    setting({ id: 'score-steps', locator: 'Tables 13 and 14, column Steps', metric: { name: 'benchmark score (integrated performance profile, steps)', kind: 'score', better: 'higher', basis: 'steps' }, ...SCORE_SUITE }),
  ];
  const rows: Measurement[] = [];
  for (const s of SCORES) {
    const note = s.excerpt.startsWith(T13) ? 'Table 13; Table 14 repeats the tuned-β1 scores' : 'Table 14';
    if (s.runtime !== null) rows.push(measured('score-runtime', s.optimizer, s.runtime, s.excerpt, { note }));
    rows.push(measured('score-steps', s.optimizer, s.steps, s.excerpt, { note }));
  }
  return { settings, rows };
}

/** Tables 17–20: per workload, the per-workload optimal, the overall optimal and ϕ. */
interface FinalTable {
  readonly table: string;
  readonly caption: string;
  readonly optimizer: MeasuredOptimizer;
  /** One line per workload in WORKLOADS order, verbatim. */
  readonly lines: readonly string[];
}

const SEARCH_100 = 'quasirandom trials from the Table 8 search space (100 per Section 2.3.1; 200 per Section 5)';

const FINAL_TABLES: readonly FinalTable[] = [
  {
    table: 'Table 17', caption: 'Table 17: Performance of the per-workload optimal and overall optimal hyper-\n\nparameters for AdamW.',
    optimizer: opt('adamw', 'adamw', 'AdamW', SEARCH_100),
    lines: ['Criteo 1TB DLRMsmall 0.123675 0.124022 0.002806', 'fastMRI U-Net 0.734330 0.731403 0.003986', 'ImageNet ResNet 50 0.230340 0.267460 0.161153', 'ViT 0.226140 0.263300 0.164323', 'LibriSpeech Conformer 0.078327 0.093633 0.195425', 'DeepSpeech 0.114152 0.133201 0.166873', 'OGBG GNN 0.277534 0.252594 0.089862', 'WMT Transformer 30.693876 29.067333 0.052992'],
  },
  {
    table: 'Table 18', caption: 'Table 18: Performance of the per-workload optimal and overall optimal hyper-\n\nparameters for NadamW.',
    optimizer: opt('nadamw', 'nadamw', 'NadamW', SEARCH_100),
    lines: ['Criteo 1TB DLRMsmall 0.123609 0.135988 0.100147', 'fastMRI U-Net 0.734523 0.710679 0.032462', 'ImageNet ResNet 50 0.227020 0.261320 0.151088', 'ViT 0.225300 0.263420 0.169197', 'LibriSpeech Conformer 0.077790 0.089341 0.148486', 'DeepSpeech 0.113950 0.121887 0.069654', 'OGBG GNN 0.280012 0.274704 0.018954', 'WMT Transformer 30.853422 29.747388 0.035848'],
  },
  {
    table: 'Table 19', caption: 'Table 19: Performance of the per-workload optimal and overall optimal hyper-\n\nparameters for Nesterov.',
    optimizer: opt('nesterov', 'nesterov', 'Nesterov', SEARCH_100),
    lines: ['Criteo 1TB DLRMsmall 0.126139 0.144934 0.149004', 'fastMRI U-Net 0.734645 0.733440 0.001640', 'ImageNet ResNet 50 0.226600 0.278720 0.230009', 'ViT 0.243180 0.278700 0.146065', 'LibriSpeech Conformer 0.130823 0.130823 0.0', 'DeepSpeech 0.171137 0.192623 0.125546', 'OGBG GNN 0.283124 0.226850 0.198761', 'WMT Transformer 30.107387 26.977169 0.103968'],
  },
  {
    table: 'Table 20', caption: 'Table 20: Performance of the per-workload optimal and overall optimal hyperpa-\n\nrameters for Heavy Ball.',
    optimizer: opt('sgd-momentum', 'sgd-momentum', 'Heavy Ball', SEARCH_100),
    lines: ['Criteo 1TB DLRMsmall 0.125913 0.145933 0.158998', 'fastMRI U-Net 0.733828 0.731964 0.002539', 'ImageNet ResNet 50 0.225340 0.279280 0.239372', 'ViT 0.244860 0.286660 0.170710', 'LibriSpeech Conformer 0.132797 0.134879 0.015684', 'DeepSpeech 0.161977 0.186385 0.150687', 'OGBG GNN 0.276148 0.223901 0.189199', 'WMT Transformer 30.643066 26.705241 0.128506'],
  },
];

function finalSettingsAndRows(): { settings: Setting[]; rows: Measurement[] } {
  const settings: Setting[] = [];
  const rows: Measurement[] = [];
  const columns = [
    { prefix: 'final', header: 'Per-Workload Optimal Hyperparameters', budget: 'the same number of steps for every optimizer (0.75× the workload\'s runtime budget); the best of the optimizer\'s trials on this workload (one run each)' },
    { prefix: 'shared', header: 'Overall Optimal Hyperparameters', budget: 'the same number of steps for every optimizer (0.75× the workload\'s runtime budget); the optimizer\'s one setting among its trials that is best across all eight workloads (least worst-case degradation), not tuned for this workload' },
  ];
  columns.forEach((c, col) => {
    for (const w of WORKLOADS) {
      settings.push(setting({
        id: `${c.prefix}-${w.id}`,
        locator: `Tables 17–20, row ${w.label}, column ${c.header}${c.prefix === 'final' ? ' (= Table 9)' : ''}`,
        task: `${w.task}, validation metric after a fixed number of steps`,
        family: w.family,
        modality: w.modality,
        params: null,
        fineTune: false,
        tuning: 'per-optimizer',
        budget: c.budget,
        metric: { name: w.metric, kind: 'final', better: w.better, basis: 'equal-budget' },
        reference: 'adamw',
        group: `final-${w.id}`,
      }));
    }
    for (const t of FINAL_TABLES) {
      WORKLOADS.forEach((w, i) => {
        const line = t.lines[i]!;
        const value = Number(line.slice(w.label.length).trim().split(/\s+/)[col]);
        rows.push(measured(`${c.prefix}-${w.id}`, t.optimizer, value, `${t.caption} … ${line}`));
      });
    }
  });
  return { settings, rows };
}

/** Section 2.2.1's tables: a row per training algorithm, a column per architecture. */
interface ArchRow {
  readonly optimizer: MeasuredOptimizer;
  /** One value per column (null: "No Feasible Trials"). */
  readonly values: readonly (number | null)[];
}

interface ArchTable {
  readonly table: string;
  readonly text: string;
  readonly columns: readonly { id: string; header: string; group: string }[];
  readonly task: string;
  readonly family: TaskFamily;
  readonly modality: Modality;
  readonly steps: number | null;
  readonly budget: string;
  readonly metric: Metric;
  readonly rows: readonly ArchRow[];
}

const WARMUP = opt('nesterov', 'nesterov', 'Nesterov + Warmup', 'learning-rate sweep with cosine decay; 1000 steps of linear warmup');
const CLIP = opt('nesterov', 'nesterov', 'Nesterov + Grad Clip', 'learning-rate sweep; gradient clipping');

const ARCH_TABLES: readonly ArchTable[] = [
  {
    table: 'Table 1',
    text: '#### Training Algorithm Stride222 ˆ 222 Stride111 ˆ 111\n\n(standard)\n\nNesterov 0.0376 0.0726 AdamW 0.0407 0.0420 Nesterov + Warmup 0.0380 0.0378\n\n- Table 1: Performance of different training algorithms on Wide ResNet with stride changes.',
    columns: [{ id: 'wrn-stride-2x2', header: 'Stride 2×2 (standard)', group: 'wrn-stride-2x2' }, { id: 'wrn-stride-1x1', header: 'Stride 1×1', group: 'wrn-stride-1x1' }],
    task: 'CIFAR-10 image classification, Wide ResNet 28-10 (the standard strides, or 1×1 strides in the final residual group)',
    family: 'cnn', modality: 'image', steps: null,
    budget: 'a learning-rate sweep with cosine decay per optimizer; the best learning rate of the sweep',
    metric: { name: 'test error rate', kind: 'final', better: 'lower', basis: 'equal-budget' },
    rows: [
      { optimizer: opt('nesterov', 'nesterov', 'Nesterov', 'learning-rate sweep with cosine decay'), values: [0.0376, 0.0726] },
      { optimizer: opt('adamw', 'adamw', 'AdamW', 'learning-rate sweep with cosine decay'), values: [0.0407, 0.042] },
      { optimizer: WARMUP, values: [0.038, 0.0378] },
    ],
  },
  {
    table: 'Table 2',
    text: '#### Training Algorithm ResNet-200 ResNet-200\n\n(standard) Extra-BN\n\nNesterov 0.2090 No Feasible Trials AdamW 0.2626 0.2722 Nesterov + Grad Clip 0.2091 0.2094\n\n- Table 2: Performance of different training algorithms after adding an extra batch normalization layer to a ResNet-200.',
    columns: [{ id: 'resnet200', header: 'ResNet-200 (standard)', group: 'resnet200' }, { id: 'resnet200-extra-bn', header: 'ResNet-200 Extra-BN', group: 'resnet200-extra-bn' }],
    task: 'a 200-layer ResNetV2, standard or with a batch normalization layer after every residual connection (the dataset is not named in the part read)',
    family: 'cnn', modality: 'image', steps: null,
    budget: 'a learning-rate sweep per optimizer; the best trial of the sweep',
    metric: { name: 'error rate (the text: "validation error"; lower is better)', kind: 'final', better: 'lower', basis: 'equal-budget' },
    rows: [
      { optimizer: opt('nesterov', 'nesterov', 'Nesterov', 'learning-rate sweep'), values: [0.209, null] },
      { optimizer: opt('adamw', 'adamw', 'AdamW', 'learning-rate sweep'), values: [0.2626, 0.2722] },
      { optimizer: CLIP, values: [0.2091, 0.2094] },
    ],
  },
  {
    table: 'Table 3',
    text: 'Training Pre-LN Post-LN Difference Algorithm Best Confidence interval Best Confidence interval\n\n',
    columns: [{ id: 'wmt-pre-ln-bleu', header: 'Pre-LN, Best', group: 'wmt-pre-ln' }, { id: 'wmt-post-ln-bleu', header: 'Post-LN, Best', group: 'wmt-post-ln' }],
    task: 'WMT translation Transformer, Pre-Layer-Norm or Post-Layer-Norm',
    family: 'encoder-decoder-lm', modality: 'text', steps: 133000,
    budget: '133K steps; 100 random trials per optimizer from its own search space; the best trial',
    metric: { name: 'test BLEU', kind: 'final', better: 'higher', basis: 'equal-budget' },
    rows: [
      { optimizer: opt('adamw', 'adamw', 'AdamW', 'its own search space, 100 trials'), values: [31.3306, 30.8098] },
      { optimizer: opt('nadamw', 'nadamw', 'NadamW', 'its own search space, 100 trials'), values: [31.3381, 30.8894] },
      { optimizer: opt('nesterov', 'nesterov', 'Nesterov', 'its own search space, 100 trials'), values: [29.2951, 26.3211] },
      { optimizer: opt('shampoo', 'shampoo', 'Shampoo', 'its own search space, 100 trials'), values: [30.2051, 29.9482] },
    ],
  },
  {
    table: 'Table 16',
    text: 'Training Pre-LN Post-LN Algorithm Best Confidence interval Best Confidence interval\n\n',
    columns: [{ id: 'wmt-pre-ln-ce', header: 'Pre-LN, Best', group: 'wmt-pre-ln' }, { id: 'wmt-post-ln-ce', header: 'Post-LN, Best', group: 'wmt-post-ln' }],
    task: 'WMT translation Transformer, Pre-Layer-Norm or Post-Layer-Norm',
    family: 'encoder-decoder-lm', modality: 'text', steps: 133000,
    budget: '133K steps; 100 random trials per optimizer from its own search space; the best trial',
    metric: { name: 'test cross-entropy', kind: 'final', better: 'lower', basis: 'equal-budget' },
    rows: [
      { optimizer: opt('adamw', 'adamw', 'AdamW', 'its own search space, 100 trials'), values: [1.3093, 1.3632] },
      { optimizer: opt('nadamw', 'nadamw', 'NadamW', 'its own search space, 100 trials'), values: [1.307, 1.3539] },
      { optimizer: opt('nesterov', 'nesterov', 'Nesterov', 'its own search space, 100 trials'), values: [1.5668, 1.9577] },
      { optimizer: opt('shampoo', 'shampoo', 'Shampoo', 'its own search space, 100 trials'), values: [1.4096, 1.4516] },
    ],
  },
];

/** Tables 3 and 16 quote one line per algorithm (read verbatim); Tables 1 and 2 are quoted whole. */
const WMT_LINES: Readonly<Record<string, readonly string[]>> = {
  'Table 3': [
    'AdamW 31.3306 31.0386 ˘ 0.2811 30.8098 29.6819 ˘ 1.1374 0.5208',
    'NadamW 31.3381 31.1153 ˘ 0.2681 30.8894 29.6122 ˘ 1.2608 0.4487',
    'Nesterov 29.2951 28.9091 ˘ 0.8864 26.3211 20.0433 ˘ 7.0693 2.9740',
    'Shampoo 30.2051 29.9168 ˘ 0.2816 29.9482 29.0940 ˘ 1.1800 0.2569',
  ],
  'Table 16': [
    'AdamW 1.3093 1.3449 ˘ 0.0337 1.3632 1.4934 ˘ 0.1327',
    'NadamW 1.3070 1.3308 ˘ 0.0240 1.3539 1.5072 ˘ 0.1822',
    'Nesterov 1.5668 1.6362 ˘ 0.1047 1.9577 2.5451 ˘ 0.6894',
    'Shampoo 1.4096 1.4400 ˘ 0.0318 1.4516 1.5330 ˘ 0.1452',
  ],
};

function archSettingsAndRows(): { settings: Setting[]; rows: Measurement[] } {
  const settings: Setting[] = [];
  const rows: Measurement[] = [];
  for (const t of ARCH_TABLES) {
    t.columns.forEach((c, col) => {
      settings.push(setting({
        id: c.id,
        locator: `${t.table}, column ${c.header}`,
        task: t.task,
        family: t.family,
        modality: t.modality,
        params: null,
        steps: t.steps,
        fineTune: false,
        tuning: 'per-optimizer',
        budget: t.budget,
        metric: t.metric,
        reference: 'adamw',
        group: c.group,
      }));
      t.rows.forEach((r, i) => {
        const lines = WMT_LINES[t.table];
        const excerpt = lines ? `${t.text}${lines[i]!}` : t.text;
        const v = r.values[col];
        if (v === null || v === undefined) {
          rows.push(stated(c.id, r.optimizer, 'worse', excerpt, { diverged: true, note: '"No Feasible Trials": vanilla Nesterov "becomes completely untrainable … at any learning rate in the sweep" (Section 2.2.1)' }));
        } else {
          rows.push(measured(c.id, r.optimizer, v, excerpt));
        }
      });
    });
  }
  return { settings, rows };
}

const parts = [timeSettingsAndRows(), scoreSettingsAndRows(), finalSettingsAndRows(), archSettingsAndRows()];

export const DAHL_2023_ALGOPERF_BASELINES: MeasurementSource = {
  id: 'dahl-2023-algoperf-baselines',
  cite: 'Dahl et al. 2023 (AlgoPerf benchmark paper)',
  title: 'Benchmarking Neural Network Training Algorithms',
  authors: 'George E. Dahl, Frank Schneider, Zachary Nado, Naman Agarwal, Chandramouli Shama Sastry, Philipp Hennig, Sourabh Medapati, Runa Eschenhagen, Priya Kasimbeg, Daniel Suo, Juhan Bae, Justin Gilmer, Abel L. Peirson, Bilal Khan, Rohan Anil, Mike Rabbat, Shankar Krishnan, Daniel Snider, Ehsan Amid, Kongtao Chen, Chris J. Maddison, Rakshith Vasudev, Michal Badura, Ankush Garg, Peter Mattson',
  year: 2023,
  venue: 'arXiv 2306.07179 (v2, 2025)',
  readAt: READ_AT,
  url: 'https://arxiv.org/abs/2306.07179',
  proposes: ['shampoo'],
  settings: parts.flatMap((p) => p.settings),
  rows: parts.flatMap((p) => p.rows),
};
