/**
 * Nado, Gilmer, Shallue, Anil, Dahl (2021), "A Large Batch Optimizer Reality Check: Traditional, Generic
 * Optimizers Suffice Across Batch Sizes" (arXiv 2102.06356): the abstract's finding that Nesterov
 * momentum and Adam match or exceed LARS and LAMB at large batch sizes. Stated outcomes only (the
 * abstract gives no numbers and does not name the workloads), recorded as "similar" to the
 * layer-wise optimizer each is paired with ("match or exceed"). Independent of LARS, LAMB, Nesterov
 * momentum and Adam.
 */
import { opt, setting, stated } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'In this work we demonstrate that standard optimization algorithms such as Nesterov momentum and Adam can match or exceed the ' +
  'results of LARS and LAMB at large batch sizes. Our results establish new, stronger baselines for future comparisons at these ' +
  'batch sizes and shed light on the difficulties of comparing optimizers for neural network training more generally.';
const NOTE = '"match or exceed": recorded as similar';

const common = {
  locator: 'Abstract',
  family: 'workload-suite',
  modality: 'mixed',
  params: null,
  fineTune: false,
  tuning: 'per-optimizer',
  budget: 'large batch sizes; the abstract does not state the budget',
  metric: { name: 'results at large batch sizes', kind: 'final', better: 'higher', basis: 'equal-budget' },
} as const;

export const NADO_2021_LARGE_BATCH: MeasurementSource = {
  id: 'nado-2021-large-batch',
  cite: 'Nado et al. 2021',
  title: 'A Large Batch Optimizer Reality Check: Traditional, Generic Optimizers Suffice Across Batch Sizes',
  authors: 'Zachary Nado, Justin M. Gilmer, Christopher J. Shallue, Rohan Anil, George E. Dahl',
  year: 2021,
  venue: 'arXiv 2102.06356',
  readAt: 'https://llm-v3-d.anmk.ir/papers/2102.06356.md (abstract)',
  url: 'https://arxiv.org/abs/2102.06356',
  proposes: [],
  settings: [
    setting({ id: 'vs-lars', task: 'the large-batch settings where LARS was used (not named in the abstract)', reference: 'lars', referenceName: 'LARS', ...common }),
    setting({ id: 'vs-lamb', task: 'the large-batch settings where LAMB was used (not named in the abstract)', reference: 'lamb', referenceName: 'LAMB', ...common }),
  ],
  rows: [
    stated('vs-lars', opt('nesterov', 'nesterov', 'Nesterov momentum'), 'similar', EXCERPT, { note: NOTE }),
    stated('vs-lamb', opt('adam', 'adam', 'Adam'), 'similar', EXCERPT, { note: NOTE }),
  ],
};
