/**
 * Kaddour, Key, Nawrot, Minervini, Kusner (2023), "No Train No Gain: Revisiting Efficient Training
 * Algorithms For Transformer-based Language Models" (NeurIPS 2023): Lion and Sophia re-run against a
 * fully-decayed-learning-rate baseline at fixed compute. Independent, and later than both optimizers'
 * own papers. The abstract's stated outcome, and Section 6's (read in the arXiv HTML full text held by the
 * project's code-search index, file id 67056241939, whose tables did not survive the conversion): against
 * AdamW ("The baseline in this section simply refers to AdamW"), Lion and Sophia "perform about the same"
 * on BERT's downstream tasks, Sophia shows no speedup even with its Hessian steps free, and both gave NaN
 * losses as drop-in replacements in FP16 (Sophia with its own repository's suggested settings).
 */
import { LION, setting, SOPHIA, stated } from './build';
import type { MeasurementSource } from './types';

const EXCERPT =
  'In this work, we revisit three categories of such algorithms: dynamic architectures (layer stacking, layer dropping), batch ' +
  'selection (selective backprop., RHO-loss), and efficient optimizers (Lion, Sophia). When pre-training BERT and T5 with a fixed ' +
  'computation budget using such methods, we find that their training, validation, and downstream gains vanish compared to a ' +
  'baseline with a fully-decayed learning rate.';

const common = {
  locator: 'Abstract',
  modality: 'text',
  params: null,
  fineTune: false,
  tuning: 'per-optimizer',
  budget: 'fixed computation budget (reference system time)',
  metric: { name: 'training, validation and downstream performance', kind: 'final', better: 'higher', basis: 'equal-budget' },
  reference: 'fully-decayed-baseline',
  referenceName: 'a baseline with a fully-decayed learning rate',
} as const;

const S61 =
  'In the case of BERT downstream performances ( Table 1 ), we find that Lion and Sophia perform about the same as the baseline . ' +
  'Figure 6 shows the results in more detail. We note that baseline (AdamW) consistently ranks the highest and has a comparatively low ' +
  'standard deviation over random seeds.';
const S61_SOPHIA =
  'Analogous to the batch selection for free ablation in Section 5.4 , we also experiment with Sophia while not counting for Hessian ' +
  'update steps and running for the same number of iterations, as shown in Figure 4 . Surprisingly, we still do not observe any speedup.';
const S6_FP16 =
  'In initial experiments with BERT, we observed several numerical instabilities (NaN training losses) during hyper-parameter search ' +
  'after inserting Lion and Sophia into our training pipelines as drop-in replacements. Our default mixed-precision mode was FP16, and ' +
  'as noted by other practitioners of Sophia [ 56 ] , BF16 can sometimes be more stable.';
const C6_SOPHIA =
  'First, we followed the above guidelines, replaced AdamW with Sophia , and simply tuned ρ ∈ { 0.01 , 0.03 , 0.05 , 0.1 } ' +
  '\\rho\\in\\{0.01,0.03,0.05,0.1\\} . All of these runs led to NaN losses, which we illustrate in Figure 12 .';

const BERT_AGAINST_ADAMW = {
  family: 'encoder-lm',
  modality: 'text',
  params: 120e6,
  globalBatch: { value: 1536, unit: 'sequences' },
  fineTune: false,
  tuning: 'per-optimizer',
  reference: 'adamw',
  referenceName: 'AdamW (the section\'s baseline)',
} as const;

export const KADDOUR_2023_NO_TRAIN_NO_GAIN: MeasurementSource = {
  id: 'kaddour-2023-no-train-no-gain',
  cite: 'Kaddour et al. 2023',
  title: 'No Train No Gain: Revisiting Efficient Training Algorithms For Transformer-based Language Models',
  authors: 'Jean Kaddour, Oscar Key, Piotr Nawrot, Pasquale Minervini, Matt J. Kusner',
  year: 2023,
  venue: 'NeurIPS 2023',
  readAt: 'http://papers.nips.cc/paper_files/paper/2023/hash/51f3d6252706100325ddc435ba0ade0e-Abstract-Conference.html (abstract); Section 6 and Appendix C.6 in the arXiv HTML full text (https://arxiv.org/html/2307.06440, version not shown) as held by the project\'s code-search index, file id 67056241939',
  url: 'https://arxiv.org/abs/2307.06440',
  proposes: [],
  settings: [
    setting({ id: 'bert', task: 'BERT pre-training at fixed compute', family: 'encoder-lm', ...common }),
    setting({ id: 't5', task: 'T5 pre-training at fixed compute', family: 'encoder-decoder-lm', ...common }),
    setting({
      id: 'bert-downstream', locator: 'Section 6.1 (Table 1 and Figure 6 are not in the text read)',
      task: 'BERT-base-like (16 layers, 120M parameters) masked-LM pre-training on C4 in BF16 within 6, 12 and 24 hours of reference system time, then GLUE/SuperGLUE fine-tuning',
      precision: 'bf16', budget: 'fixed reference-system-time budgets (6, 12, 24 hours); learning rate and weight decay tuned per optimizer on the pre-training loss',
      metric: { name: 'BERT downstream (GLUE/SuperGLUE) performance', kind: 'final', better: 'higher', basis: 'equal-budget' }, ...BERT_AGAINST_ADAMW,
    }),
    setting({
      id: 'bert-sophia-free-hessian', locator: 'Section 6.1, Figure 4',
      task: 'BERT-base-like pre-training on C4, Sophia run for the same number of iterations as AdamW with its Hessian updates not counted',
      precision: 'bf16', budget: 'equal iterations, Hessian-update cost not charged',
      metric: { name: 'speedup over AdamW', kind: 'speedup', better: 'higher', basis: 'steps' }, ...BERT_AGAINST_ADAMW,
    }),
    setting({
      id: 'bert-fp16-drop-in', locator: 'Section 6 ("Mixed Precision Training with BF16 vs. FP16") and Appendix C.6',
      task: 'BERT-base-like pre-training on C4 in FP16 mixed precision, Lion and Sophia dropped in for AdamW during hyperparameter search',
      precision: 'fp16', budget: 'hyperparameter search runs',
      metric: { name: 'training stability (NaN training losses)', kind: 'final', better: 'higher', basis: 'equal-budget' }, ...BERT_AGAINST_ADAMW,
    }),
  ],
  rows: [
    stated('bert', LION(), 'similar', EXCERPT, { note: '"gains vanish": no better than the baseline' }),
    stated('bert', SOPHIA(), 'similar', EXCERPT, { note: '"gains vanish": no better than the baseline' }),
    stated('t5', LION(), 'similar', EXCERPT, { note: '"gains vanish": no better than the baseline' }),
    stated('t5', SOPHIA(), 'similar', EXCERPT, { note: '"gains vanish": no better than the baseline' }),
    stated('bert-downstream', LION(), 'similar', S61, { note: '"about the same"; AdamW "consistently ranks the highest"' }),
    stated('bert-downstream', SOPHIA(), 'similar', S61, { note: '"about the same"; AdamW "consistently ranks the highest"' }),
    stated('bert-sophia-free-hessian', SOPHIA(), 'similar', S61_SOPHIA, { note: '"we still do not observe any speedup"' }),
    stated('bert-fp16-drop-in', LION(), 'worse', S6_FP16, { diverged: true, note: 'NaN training losses in FP16 as a drop-in replacement; the comparisons were then run in BF16' }),
    stated('bert-fp16-drop-in', SOPHIA(), 'worse', `${S6_FP16} … ${C6_SOPHIA}`, { diverged: true, note: 'NaN training losses in FP16, with the Sophia repository\'s suggested settings and every ρ tried' }),
  ],
};
