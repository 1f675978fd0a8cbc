/**
 * Semenov, Pagliardini, Jaggi (2025), "Benchmarking Optimizers for Large Language Model Pretraining" (arXiv
 * 2509.01440): eleven optimizers tuned per optimizer against AdamW on Llama-style models (124M, 210M, 583M,
 * 720M dense; a 520M MoE) trained on FineWeb, at several batch sizes and training lengths. Read in the
 * paper's full text (arXiv v1, a Markdown conversion held by the project's code-search index, file id
 * 60798456309; the index does not name its repository). The results are figures whose numbers did not
 * survive the conversion (only axis ticks and legends did), so every row is an outcome the text states
 * against AdamW, in the paper's own sentence: "better", "worse" or "similar". Only statements that name
 * the optimizer and AdamW (or that AdamW is outperformed by "all methods except …") are used; rankings
 * among the others are left out. "D-Muon" (Muon with weight decay on every parameter, after Liu et al.
 * 2025) is the catalog's `muon`, as in ./liu-2025-muon-scalable.ts; the paper's "basic Muon" (weight decay
 * only on embeddings, scalars and the last layer) keeps its own key. SF-AdamW is `schedule-free-adamw`;
 * MARS is the AdamW form (`mars-adamw`; the paper optimizes 1-D parameters with AdamW); ADOPT and Prodigy
 * are not in the catalog. Matteo Pagliardini co-wrote AdEMAMix, so AdEMAMix's rows are self-reports; every
 * other row is independent. Sequence length 512 throughout; batches in tokens as the paper gives them
 * (32 × 512, 256 × 512, 512 × 512, 1984 × 512, 3936 × 512).
 */
import { opt, setting, stated } from './build';
import type { MeasuredOptimizer, MeasurementSource, Setting } from './types';

const READ_AT = 'https://arxiv.org/abs/2509.01440v1 — the full text (v1, 1 Sep 2025) as a Markdown conversion in the project\'s code-search index, file id 60798456309 (the index does not name its repository)';

const AdEMAMix = opt('ademamix', 'ademamix', 'AdEMAMix');
const SOAP_ = opt('soap', 'soap', 'SOAP');
const ADOPT = opt('adopt', null, 'ADOPT');
const D_MUON = opt('muon', 'muon', 'D-Muon', 'Muon with weight decay applied to all parameter groups (Liu et al. 2025)');
const BASIC_MUON = opt('muon-basic', null, 'Muon (basic)', 'weight decay only on embeddings, scalar parameters and the final layer');
const PRODIGY = opt('prodigy', null, 'Prodigy');
const SF_ADAMW = opt('schedule-free-adamw', 'schedule-free-adamw', 'SF-AdamW');
const SOPHIA_ = opt('sophia', 'sophia', 'Sophia');
const LION_ = opt('lion', 'lion', 'Lion');
const SIGNUM = opt('signum', 'signum', 'Signum', 'signSGD with momentum, decoupled weight decay (the paper\'s Algorithm 6)');
const MARS = opt('mars-adamw', 'mars-adamw', 'MARS', 'MARS for 2-D parameters, AdamW for 1-D parameters');

const TUNING = 'hyperparameters tuned per optimizer near the Chinchilla-optimal length (2.1B tokens for 124M/210M, 16B for 720M) and kept for other lengths';
const LOSS = { name: 'final validation loss (FineWeb)', kind: 'final', better: 'lower', basis: 'equal-budget' } as const;

function llm(s: {
  id: string; locator: string; task: string; params: number; tokens: number; batch: number; budget?: string;
}): Setting {
  return setting({
    id: s.id,
    locator: s.locator,
    task: s.task,
    family: 'decoder-lm',
    modality: 'text',
    params: s.params,
    tokens: s.tokens,
    tokensPerParam: s.tokens / s.params,
    globalBatch: { value: s.batch, unit: 'tokens' },
    fineTune: false,
    tuning: 'per-optimizer',
    budget: s.budget ?? `equal tokens per optimizer; ${TUNING}`,
    metric: LOSS,
    reference: 'adamw',
    referenceName: 'AdamW',
  });
}

const B16K = 32 * 512;
const B131K = 256 * 512;
const B262K = 512 * 512;
const B1M = 1984 * 512;
const B2M = 3936 * 512;

const SETTINGS: readonly Setting[] = [
  llm({ id: '124m-b16k-1b', locator: '§ 4.1, "Results with “small” batches"; Figures 3 (a) and 5 (a)', task: 'Llama-style 124M pre-training on FineWeb, batch 32 × 512 tokens, 1B tokens (64k iterations)', params: 124e6, tokens: 1e9, batch: B16K }),
  llm({ id: '124m-b16k', locator: '§ 4.1, "Results with “small” batches"; Figures 3 (a) and 5 (a)', task: 'Llama-style 124M pre-training on FineWeb, batch 32 × 512 tokens, 1 to 16.8B tokens (64k to 1024k iterations)', params: 124e6, tokens: 16.8e9, batch: B16K }),
  llm({ id: '124m-b131k-short', locator: '§ 4.1, "Results with “large” batches"; Figures 3 (b) and 5 (b)', task: 'Llama-style 124M pre-training on FineWeb, batch 256 × 512 tokens, 1B and 2B tokens (8k and 16k iterations)', params: 124e6, tokens: 2.1e9, batch: B131K }),
  llm({ id: '124m-b131k', locator: '§ 4.1, "Results with “large” batches"; Figures 3 (b) and 5 (b)', task: 'Llama-style 124M pre-training on FineWeb, batch 256 × 512 tokens, up to 16.8B tokens (128k iterations)', params: 124e6, tokens: 16.8e9, batch: B131K }),
  llm({ id: '124m-b262k', locator: '§ 4.1, "Increasing the batch size further"; Figure 6 (left); Takeaway 2', task: 'Llama-style 124M pre-training on FineWeb, batch 512 × 512 tokens, 16.8B tokens (64k iterations)', params: 124e6, tokens: 16.8e9, batch: B262K }),
  llm({ id: '210m-b131k', locator: '§ 4.2; Figure 14', task: 'Llama-style 210M pre-training on FineWeb, batch 256 × 512 tokens, 1 to 16.8B tokens', params: 210e6, tokens: 16.8e9, batch: B131K }),
  llm({ id: '583m-b2m', locator: '§ 4.3, "Comparison between our setting and Vyas et al."; Figure 16', task: 'Llama-style 583M pre-training on FineWeb, batch 3936 × 512 tokens, 13B tokens (6.5k iterations, about Chinchilla-optimal)', params: 583e6, tokens: 13e9, batch: B2M }),
  llm({ id: '720m-b1m', locator: '§ 4.3, "Results on 720M parameter model & 1M batch size"; Figures 1 and 17; Takeaway 10', task: 'Llama-style 720M pre-training on FineWeb, batch 1984 × 512 tokens, 8, 16 and 48B tokens (8k, 16k and 48k iterations)', params: 720e6, tokens: 48e9, batch: B1M }),
  llm({ id: '720m-b1m-8b', locator: '§ 4.3, "Results on 720M parameter model & 1M batch size"; Figure 17', task: 'Llama-style 720M pre-training on FineWeb, batch 1984 × 512 tokens, 8B tokens (8k iterations, below the Chinchilla-optimal 14.4B)', params: 720e6, tokens: 8e9, batch: B1M }),
  llm({ id: '720m-b1m-16b', locator: '§ 4.3, "Results on 720M parameter model & 1M batch size"; Figure 17', task: 'Llama-style 720M pre-training on FineWeb, batch 1984 × 512 tokens, 16B tokens (16k iterations, about Chinchilla-optimal)', params: 720e6, tokens: 16e9, batch: B1M }),
  llm({ id: '720m-b1m-48b', locator: '§ 4.3, "Results on 720M parameter model & 1M batch size"; Figure 17', task: 'Llama-style 720M pre-training on FineWeb, batch 1984 × 512 tokens, 48B tokens (48k iterations)', params: 720e6, tokens: 48e9, batch: B1M }),
  llm({ id: 'moe-520m-44b', locator: '§ 4.4; Figure 20', task: 'Llama-based 520M mixture-of-experts (8 experts, top-2) pre-training on FineWeb, batch 256 × 512 tokens, 44B tokens (336k iterations)', params: 520e6, tokens: 44e9, batch: B131K, budget: `equal tokens per optimizer; the hyperparameters of the corresponding 124M dense model, not re-tuned` }),
];

const E_SMALL_1B = 'We observe how, for the smallest number of iterations we considered (1B tokens ≡ 64k), SOAP, ADOPT, AdEMAMix, D-Muon, Prodigy, and SF-AdamW all outperform AdamW, with D-Muon being the best.';
const E_SMALL_LEAD = 'As we increase the number of iterations, AdEMAMix takes the lead while AdamW becomes a second, and closes the gap with D-Muon and SOAP.';
const E_SMALL_UNDER = 'We found Prodigy, the basic Muon (see Figures 4 and 8 (a)) and SF-AdamW to underperform in this setting compared to AdamW.';
const E_SMALL_SOPHIA = 'Importantly, when the batch size is sufficiently small, we observe\n\nthat Sophia diverges when increasing the number of iterations, even if decreasing the learning rate (see Figure 32).';
const E_LARGE_SHORT = 'For a small number of iterations (e.g. T ∈ {8k,16k} corresponding to 1B and 2B tokens), all methods outperform AdamW except for SF-AdamW and Sophia.';
const E_LARGE_LONG = 'As we increase the number of iterations ADOPT, D-Muon, SOAP, and AdEMAMix take the lead. In particular, AdEMAMix has a consistent lead over other methods.';
const E_262K = 'Noticeably MARS becomes the second best-performing method behind AdEMAMix, followed closely by Prodigy, Lion, ADOPT, and SOAP. Interestingly, Signum performs comparably to AdamW.';
const E_TAKEAWAY2 = 'Takeaway 2. (I) Suprisingly, many methods, especially MARS, Prodigy, and sign-based ones, can outperform AdamW while trained on a sufficiently large batches.';
const E_210M = 'Sophia\n\nSF-AdamW\n\nSignum\n\nLion\n\n(a) Underperforming AdamW. … MARS\n\nProdigy\n\nAdamW\n\nD-Muon\n\n(b) Underperformers & D-Muon. … ADOPT\n\nSOAP\n\nAdEMAMix\n\n(c) Best optimizers.\n\n- Figure 14: Comparing optimizers for training a 210M parameter LLM. We plot the training dynamics of: (a,b) optimizers that underperform AdamW for pretraining a 210M model; (c) optimizers that outperform AdamW in this setup.';
const E_583M = '(I) as Figure 16 (runs with 2M batch size) suggests that the matter of SOAP being better than AdamW is conditioned by the setup choice, which when properly tuned turns that AdamW becomes better even at Chinchilla optimal duration';
const E_720M_DYN = 'Studying the training dynamics (Figure 17), we find that SF-AdamW, and sign-based Lion and Signum scale poorly. Sophia can outperform our AdamW for short runs of 8k iterations, but then degrades significantly. Interestingly, MARS greatly benefits from this setup, emerging the second best-performing optimizer, closely following AdEMAMix';
const E_720M_TAKEAWAY = 'Takeaway 10. (I) At larger scale of model and batch size, AdEMAMix and MARS dominate, by far outperforming others—see Figure 1. (II) Despite training with large batches, Signum and Lion scale poorly.';
const E_720M_SIGN = 'While previous ablations (see Figure 6) reveal that sign-based methods can outperform AdamW at sufficiently large batches, this advantage does not persist when scaling model size.';
const E_720M_SOAP = 'As in [141], we find that SOAP outperforms AdamW at the Chinchilla optimal duration and below. However, in longer training, AdamW narrows the gap and eventually surpasses SOAP.';
const E_MOE = 'The AdamW baseline by far outperforms Sophia, SF-AdamW, MARS, and sign-based methods for 44B training horizon. Remarkably, in the same way as Prodigy followed AdamW in Figure 3 (b), we observe a similar situation for the MoE model.';

const LARGE_SHORT_NOTE = '"all methods": the optimizers of Figure 5 (b) — Sophia, Signum, SF-AdamW, Lion, MARS, Prodigy, ADOPT, D-Muon, SOAP, AdEMAMix';
const SCALE_POORLY = '"scale poorly" read as below AdamW: Figure 17 sorts the optimizers into "Underperforming AdamW" and "Outperforming AdamW" panels, and the caption says the sign-based methods\' advantage over AdamW "does not persist"';

type Row = [setting: string, optimizer: MeasuredOptimizer, outcome: 'better' | 'worse' | 'similar', excerpt: string, extras?: { diverged?: boolean; note?: string }];

const ROWS: readonly Row[] = [
  ['124m-b16k-1b', SOAP_, 'better', E_SMALL_1B],
  ['124m-b16k-1b', ADOPT, 'better', E_SMALL_1B],
  ['124m-b16k-1b', AdEMAMix, 'better', E_SMALL_1B],
  ['124m-b16k-1b', D_MUON, 'better', E_SMALL_1B],
  ['124m-b16k-1b', PRODIGY, 'better', E_SMALL_1B],
  ['124m-b16k-1b', SF_ADAMW, 'better', E_SMALL_1B],
  ['124m-b16k', AdEMAMix, 'better', E_SMALL_LEAD],
  ['124m-b16k', PRODIGY, 'worse', E_SMALL_UNDER, { note: 'the sentence covers the small-batch setting as a whole; at 1B tokens the paper has Prodigy and SF-AdamW above AdamW (setting 124m-b16k-1b)' }],
  ['124m-b16k', BASIC_MUON, 'worse', E_SMALL_UNDER],
  ['124m-b16k', SF_ADAMW, 'worse', E_SMALL_UNDER, { note: 'the sentence covers the small-batch setting as a whole; at 1B tokens the paper has Prodigy and SF-AdamW above AdamW (setting 124m-b16k-1b)' }],
  ['124m-b16k', SOPHIA_, 'worse', E_SMALL_SOPHIA, { diverged: true, note: 'diverged; the paper left Sophia out of this setting\'s benchmark' }],
  ['124m-b131k-short', SOPHIA_, 'worse', E_LARGE_SHORT],
  ['124m-b131k-short', SF_ADAMW, 'worse', E_LARGE_SHORT],
  ['124m-b131k-short', SIGNUM, 'better', E_LARGE_SHORT, { note: LARGE_SHORT_NOTE }],
  ['124m-b131k-short', LION_, 'better', E_LARGE_SHORT, { note: LARGE_SHORT_NOTE }],
  ['124m-b131k-short', MARS, 'better', E_LARGE_SHORT, { note: LARGE_SHORT_NOTE }],
  ['124m-b131k-short', PRODIGY, 'better', E_LARGE_SHORT, { note: LARGE_SHORT_NOTE }],
  ['124m-b131k-short', ADOPT, 'better', E_LARGE_SHORT, { note: LARGE_SHORT_NOTE }],
  ['124m-b131k-short', D_MUON, 'better', E_LARGE_SHORT, { note: LARGE_SHORT_NOTE }],
  ['124m-b131k-short', SOAP_, 'better', E_LARGE_SHORT, { note: LARGE_SHORT_NOTE }],
  ['124m-b131k-short', AdEMAMix, 'better', E_LARGE_SHORT, { note: LARGE_SHORT_NOTE }],
  ['124m-b131k', ADOPT, 'better', E_LARGE_LONG],
  ['124m-b131k', D_MUON, 'better', E_LARGE_LONG],
  ['124m-b131k', SOAP_, 'better', E_LARGE_LONG],
  ['124m-b131k', AdEMAMix, 'better', E_LARGE_LONG],
  ['124m-b262k', AdEMAMix, 'better', `${E_262K} … ${E_TAKEAWAY2}`, { note: 'AdEMAMix is ranked first, above MARS, which the takeaway puts above AdamW' }],
  ['124m-b262k', MARS, 'better', `${E_262K} … ${E_TAKEAWAY2}`],
  ['124m-b262k', PRODIGY, 'better', `${E_262K} … ${E_TAKEAWAY2}`],
  ['124m-b262k', LION_, 'better', `${E_262K} … ${E_TAKEAWAY2}`, { note: 'Lion is one of the "sign-based ones"' }],
  ['124m-b262k', SIGNUM, 'similar', E_262K],
  ['210m-b131k', SOPHIA_, 'worse', E_210M],
  ['210m-b131k', SF_ADAMW, 'worse', E_210M],
  ['210m-b131k', SIGNUM, 'worse', E_210M],
  ['210m-b131k', LION_, 'worse', E_210M],
  ['210m-b131k', MARS, 'worse', E_210M, { note: 'panel (b), "Underperformers & D-Muon": D-Muon, shown there too, gets no row' }],
  ['210m-b131k', PRODIGY, 'worse', E_210M, { note: 'panel (b), "Underperformers & D-Muon": D-Muon, shown there too, gets no row' }],
  ['210m-b131k', ADOPT, 'better', E_210M],
  ['210m-b131k', SOAP_, 'better', E_210M],
  ['210m-b131k', AdEMAMix, 'better', E_210M],
  ['583m-b2m', SOAP_, 'worse', E_583M],
  ['720m-b1m', AdEMAMix, 'better', `${E_720M_DYN} … ${E_720M_TAKEAWAY}`],
  ['720m-b1m', MARS, 'better', `${E_720M_DYN} … ${E_720M_TAKEAWAY}`],
  ['720m-b1m', SF_ADAMW, 'worse', E_720M_DYN, { note: SCALE_POORLY }],
  ['720m-b1m', LION_, 'worse', `${E_720M_DYN} … ${E_720M_SIGN}`, { note: SCALE_POORLY }],
  ['720m-b1m', SIGNUM, 'worse', `${E_720M_DYN} … ${E_720M_SIGN}`, { note: SCALE_POORLY }],
  ['720m-b1m-8b', SOPHIA_, 'better', E_720M_DYN],
  ['720m-b1m-48b', SOPHIA_, 'worse', E_720M_DYN, { note: '"then degrades significantly" after outperforming AdamW at 8k iterations' }],
  ['720m-b1m-8b', SOAP_, 'better', E_720M_SOAP, { note: '"at the Chinchilla optimal duration and below"' }],
  ['720m-b1m-16b', SOAP_, 'better', E_720M_SOAP, { note: '"at the Chinchilla optimal duration and below"' }],
  ['720m-b1m-48b', SOAP_, 'worse', E_720M_SOAP],
  ['moe-520m-44b', SOPHIA_, 'worse', E_MOE],
  ['moe-520m-44b', SF_ADAMW, 'worse', E_MOE],
  ['moe-520m-44b', MARS, 'worse', E_MOE],
  ['moe-520m-44b', SIGNUM, 'worse', E_MOE, { note: 'one of the "sign-based methods"' }],
  ['moe-520m-44b', LION_, 'worse', E_MOE, { note: 'one of the "sign-based methods"' }],
  ['moe-520m-44b', PRODIGY, 'similar', E_MOE, { note: '"Prodigy followed AdamW": close to it' }],
];

export const SEMENOV_2025_BENCHMARKING_LLM: MeasurementSource = {
  id: 'semenov-2025-benchmarking-llm',
  cite: 'Semenov et al. 2025 (Benchmarking Optimizers for LLM Pretraining)',
  title: 'Benchmarking Optimizers for Large Language Model Pretraining',
  authors: 'Andrei Semenov, Matteo Pagliardini, Martin Jaggi',
  year: 2025,
  venue: 'arXiv 2509.01440',
  readAt: READ_AT,
  url: 'https://arxiv.org/abs/2509.01440',
  proposes: ['ademamix'],
  settings: SETTINGS,
  rows: ROWS.map(([s, o, outcome, excerpt, extras]) => stated(s, o, outcome, excerpt, extras ?? {})),
};
