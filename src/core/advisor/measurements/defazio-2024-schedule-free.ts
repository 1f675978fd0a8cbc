/**
 * Defazio, Yang, Mehta, Mishchenko, Khaled, Cutkosky (2024), "The Road Less Scheduled" (NeurIPS 2024):
 * the abstract's stated outcome — Schedule-Free optimizers perform on par with or better than
 * learning-rate schedules that depend on the stopping step, "across a wide family of problems". A
 * stated outcome (no number in the abstract), recorded as "similar" to AdamW with a tuned schedule.
 * Its AlgoPerf entry's times are in ./kasimbeg-2025-algoperf-workloads.ts. Self-reported.
 */
import { opt, setting, stated } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'We propose an approach that avoids the need for this stopping time by eschewing the use of schedules entirely, while exhibiting ' +
  'state-of-the-art performance compared to schedules across a wide family of problems ranging from convex problems to ' +
  'large-scale deep learning problems. Our Schedule-Free approach introduces no additional hyper-parameters over standard ' +
  'optimizers with momentum.';

export const DEFAZIO_2024_SCHEDULE_FREE: MeasurementSource = {
  id: 'defazio-2024-schedule-free',
  cite: 'Defazio et al. 2024 (Schedule-Free)',
  title: 'The Road Less Scheduled',
  authors: 'Aaron Defazio, Xingyu Alice Yang, Harsh Mehta, Konstantin Mishchenko, Ahmed Khaled, Ashok Cutkosky',
  year: 2024,
  venue: 'NeurIPS 2024 (arXiv 2405.15682)',
  readAt: 'https://ai.meta.com/research/publications/the-road-less-scheduled/ (abstract)',
  url: 'https://arxiv.org/abs/2405.15682',
  proposes: ['schedule-free-adamw'],
  settings: [
    setting({
      id: 'wide-family',
      locator: 'Abstract',
      task: 'a wide family of problems, from convex problems to large-scale deep learning',
      family: 'workload-suite',
      modality: 'mixed',
      params: null,
      fineTune: false,
      tuning: 'not-stated',
      budget: 'equal budget; the reference uses a learning-rate schedule that depends on the stopping step',
      metric: { name: 'final performance', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'adamw',
      referenceName: 'learning-rate schedules that depend on the stopping step',
    }),
  ],
  rows: [
    stated('wide-family', opt('schedule-free-adamw', 'schedule-free-adamw', 'Schedule-Free AdamW'), 'similar', EXCERPT,
      { note: '"state-of-the-art performance compared to schedules": recorded as similar' }),
  ],
};
