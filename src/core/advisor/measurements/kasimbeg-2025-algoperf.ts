/**
 * The AlgoPerf: Training Algorithms leaderboards (MLCommons; Kasimbeg et al. 2025 analyse the first
 * competition): every row of the v0.5 external-tuning and self-tuning tables and of the v0.6
 * external-tuning table. The score aggregates time-to-target over the benchmark's workloads (image
 * classification, speech, translation, MRI reconstruction, graphs, recommendation) on fixed hardware;
 * the reference is the NAdamW baseline. In an excerpt " … " marks text left out inside one table row.
 * Submissions are self-reports only in that their authors ran nothing: the working group scored all of
 * them, so every row counts as independent. The same competition's per-workload times to target,
 * read from its logs, are in ./kasimbeg-2025-algoperf-workloads.ts and belong to this source.
 */
import { ALGOPERF_V05_WORKLOAD_ROWS, ALGOPERF_V05_WORKLOAD_SETTINGS } from './kasimbeg-2025-algoperf-workloads';
import { measured, opt, setting } from './build';
import type { MeasurementSource } from './types';

const suite = {
  task: 'AlgoPerf workloads (ImageNet ResNet-50 and ViT, LibriSpeech Conformer and DeepSpeech, WMT Transformer, fastMRI U-Net, OGBG GNN, Criteo DLRM)',
  family: 'workload-suite',
  modality: 'mixed',
  params: null,
  fineTune: false,
  metric: { name: 'AlgoPerf benchmark score (time-to-target over all workloads, higher is better)', kind: 'score', better: 'higher', basis: 'wall-clock' },
  reference: 'nadamw',
} as const;

export const KASIMBEG_2025_ALGOPERF: MeasurementSource = {
  id: 'kasimbeg-2025-algoperf',
  cite: 'AlgoPerf leaderboard (Kasimbeg et al. 2025)',
  title: 'AlgoPerf: Training Algorithms leaderboard (v0.5: the first competition; v0.6)',
  authors: 'MLCommons Algorithms working group (results analysed in Kasimbeg, Schneider, Eschenhagen et al., ICLR 2025)',
  year: 2025,
  venue: 'ICLR 2025 (competition analysis); MLCommons leaderboard repository',
  readAt: 'https://github.com/mlcommons/submissions_algorithms/blob/12c8e4ea93dc41a1ff6abc3debba9accd8ac1e3a/previous_leaderboards/algoperf_v05/README.md and /README.md; per-workload times from previous_leaderboards/algoperf_v05/logs/external_tuning/ at the same commit',
  url: 'https://openreview.net/forum?id=CtM5xjRSfm',
  proposes: [],
  settings: [
    setting({
      id: 'v05-external',
      locator: 'previous_leaderboards/algoperf_v05/README.md, External Tuning Ruleset Leaderboard (leaderboard 0.5, 2023-12-18)',
      ...suite,
      tuning: 'per-optimizer',
      budget: 'external tuning: 5 tuning trials per workload from a workload-agnostic search space',
    }),
    setting({
      id: 'v05-self-tuning',
      locator: 'previous_leaderboards/algoperf_v05/README.md, Self-Tuning Ruleset Leaderboard',
      ...suite,
      tuning: 'shared',
      budget: 'self-tuning: completely hyperparameter-free',
    }),
    setting({
      id: 'v06-external',
      locator: 'README.md, External Tuning Ruleset Leaderboard (leaderboard 0.6, 2025-03-24)',
      ...suite,
      tuning: 'per-optimizer',
      budget: 'external tuning: 5 tuning trials per workload',
    }),
    ...ALGOPERF_V05_WORKLOAD_SETTINGS,
  ],
  rows: [
    measured('v05-external', opt('shampoo', 'shampoo', 'Distributed Shampoo'), 0.7784, '[**Distributed Shampoo**](submissions/external_tuning/shampoo_submission/) … | **0.7784** |'),
    measured('v05-external', opt('schedule-free-adamw', 'schedule-free-adamw', 'Schedule Free AdamW'), 0.7077, '[**Schedule Free AdamW**](submissions/external_tuning/schedule_free_adamw/) … | **0.7077** |'),
    measured('v05-external', opt('generalized-adam', null, 'Generalized Adam'), 0.6383, '[**Generalized Adam**](submissions/external_tuning/generalized_adam/) … | **0.6383** |'),
    measured('v05-external', opt('nadamw-cyclic-lr', null, 'Cyclic LR (NadamW with a cyclic schedule)'), 0.6301, '[**Cyclic LR**](submissions/external_tuning/cyclic_lr/) … | **0.6301** |'),
    measured('v05-external', opt('nadamp', null, 'NadamP'), 0.5909, '[**NadamP**](submissions/external_tuning/nadamp/) … | **0.5909** |'),
    measured('v05-external', opt('nadamw', 'nadamw', 'Baseline (NadamW, linear warmup + cosine decay)'), 0.5707, '[**_Baseline_**](submissions/external_tuning/baseline/) … | **0.5707** |'),
    measured('v05-external', opt('amos', null, 'Amos'), 0.4918, '[**Amos**](submissions/external_tuning/amos/) … | **0.4918** |'),
    measured('v05-external', opt('caspr-adaptive', null, 'CASPR Adaptive'), 0.4722, '[**CASPR Adaptive**](submissions/external_tuning/caspr_adaptive/) … | **0.4722** |'),
    measured('v05-external', opt('nadamw-lawa-queue', null, 'LAWA Queue (NAdamW with latest weight averaging)'), 0.3699, '[**LAWA Queue**](submissions/external_tuning/lawa_queue/) … | **0.3699** |'),
    measured('v05-external', opt('nadamw-lawa-ema', null, 'LAWA EMA (NAdamW with an EMA of weights)'), 0.3384, '[**LAWA EMA**](submissions/external_tuning/lawa_ema/) … | **0.3384** |'),
    measured('v05-external', opt('schedule-free-prodigy', null, 'Schedule Free Prodigy'), 0.0, '[**Schedule Free Prodigy**](submissions/external_tuning/schedule_free_prodigy/) … | **0.0000** |'),
    measured('v05-self-tuning', opt('schedule-free-adamw', 'schedule-free-adamw', 'Schedule Free AdamW'), 0.8542, '[**Schedule Free AdamW**](submissions/self_tuning/schedule_free_adamw/) … | **0.8542** |'),
    measured('v05-self-tuning', opt('nadamw', 'nadamw', 'Baseline (NadamW, a single hyperparameter point)'), 0.8194, '[**_Baseline_**](submissions/self_tuning/baseline/) … | **0.8194** |'),
    measured('v05-self-tuning', opt('nadamw-sequential', null, 'NadamW Sequential'), 0.3308, '[**NadamW Sequential**](submissions/self_tuning/nadamw_sequential/) … | **0.3308** |'),
    measured('v05-self-tuning', opt('sinv6-75', null, 'Sinv6 75 (learned optimizer)'), 0.142, '[**Sinv6 75**](submissions/self_tuning/sinv6_75/) … | **0.1420** |'),
    measured('v05-self-tuning', opt('sinv6', null, 'Sinv6 (learned optimizer)'), 0.0903, '[**Sinv6**](submissions/self_tuning/sinv6/) … | **0.0903** |'),
    measured('v05-self-tuning', opt('adamg', null, 'AdamG'), 0.0, '[**AdamG**](submissions/self_tuning/adamg/) … | **0.0000** |'),
    measured('v06-external', opt('shampoo', 'shampoo', 'Distributed Shampoo'), 0.6244, '[**Distributed Shampoo**](submissions/external_tuning/shampoo/) … | **0.6244** |'),
    measured('v06-external', opt('nadamw', 'nadamw', 'Baseline (NadamW, linear warmup + cosine decay)'), 0.459, '[**_Baseline_**](submissions/external_tuning/baseline/) … | **0.4590** |'),
    ...ALGOPERF_V05_WORKLOAD_ROWS,
  ],
};
