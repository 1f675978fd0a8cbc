/**
 * The NanoGPT speedrun (Jordan et al., modded-nanogpt): its four-optimizer comparison of
 * 2024-10-29 (final validation loss after 5100 steps, with each run's step time from its log),
 * the optimizers it tried without a significant gain, the record history rows that swapped AdamW
 * for Muon, and the README's sample-efficiency figure for Muon. Muon's authors wrote this source,
 * so its Muon rows are self-reports; its AdamW, Shampoo and SOAP rows are independent of those
 * optimizers' authors.
 */
import { ADAMW, LION, measured, MUON, opt, SOAP, SOPHIA, setting, stated } from './build';
import type { MeasurementSource } from './types';

const COMMIT = 'f411b3d346aa52d3504324ca93c230fd84c6c07f';
const BASE = `https://github.com/KellerJordan/modded-nanogpt/blob/${COMMIT}`;
const DIR = 'records/track_1_short/2024-10-29_Optimizers';

const speedrun124m = {
  task: 'GPT-2 (124M) on FineWeb, NanoGPT speedrun (10/18/24 record) on 8xH100',
  family: 'decoder-lm',
  modality: 'text',
  params: 124e6,
  fineTune: false,
} as const;

export const JORDAN_2024_MODDED_NANOGPT: MeasurementSource = {
  id: 'jordan-2024-modded-nanogpt',
  cite: 'Jordan et al. 2024 (modded-nanogpt)',
  title: 'Modded-NanoGPT: the NanoGPT speedrun (optimizer comparison, records, Muon)',
  authors: 'Keller Jordan and contributors',
  year: 2024,
  venue: 'GitHub repository KellerJordan/modded-nanogpt',
  readAt: `${BASE}/${DIR}/README.md (and the four run logs in that folder); ${BASE}/README.md`,
  url: 'https://github.com/KellerJordan/modded-nanogpt',
  proposes: ['muon'],
  settings: [
    setting({
      id: 'optimizers-5100-steps',
      locator: `${DIR}/README.md and the last line of each run log`,
      ...speedrun124m,
      steps: 5100,
      tokens: 5100 * 8 * 64 * 1024,
      tokensPerParam: (5100 * 8 * 64 * 1024) / 124e6,
      globalBatch: { value: 8 * 64 * 1024, unit: 'tokens' },
      precision: 'bf16',
      tuning: 'per-optimizer',
      budget: 'equal steps (5100), zero weight decay, warmup-stable-decay schedule; "the best ones I could find in around 20 attempts"',
      metric: { name: 'FineWeb validation loss after 5100 steps', kind: 'final', better: 'lower', basis: 'equal-budget' },
      reference: 'adamw',
    }),
    setting({
      id: 'record-time-to-3.28',
      locator: 'README.md, world record history, records 2 and 3',
      ...speedrun124m,
      tuning: 'per-optimizer',
      budget: 'wall-clock to 3.28 validation loss on 8xH100',
      metric: { name: 'minutes to 3.28 FineWeb validation loss', kind: 'time-to-target', better: 'lower', basis: 'wall-clock' },
      reference: 'adamw',
    }),
    setting({
      id: 'muon-sample-efficiency',
      locator: 'README.md, Muon optimizer section',
      ...speedrun124m,
      tuning: 'not-stated',
      budget: 'samples to the same loss',
      metric: { name: 'sample-efficiency relative to Adam', kind: 'speedup', better: 'higher', basis: 'steps' },
      reference: 'adamw',
      referenceValue: 1,
    }),
  ],
  rows: [
    measured('optimizers-5100-steps', ADAMW('Adam', 'torch.optim.Adam(lr=0.0018, betas=(0.9, 0.95)), weight decay 0 (so identical to AdamW)'), 3.3406,
      'step:5100/5100 val_loss:3.3406 train_time:705525ms step_avg:138.61ms',
      { stepMs: 138.61, note: 'log 95a9fd44-7c13-49c7-b324-3e7d9e23a499.txt' }),
    measured('optimizers-5100-steps', opt('shampoo', 'shampoo', 'DistributedShampoo', 'lr=0.0018, betas=(0.95, 0.95), epsilon=1e-12, precondition_frequency=10, Adam grafting'), 3.2858,
      'step:5100/5100 val_loss:3.2858 train_time:912706ms step_avg:179.31ms',
      { stepMs: 179.31, note: 'log 8bfe4e35-c3fc-4b70-a984-3be937b71ff3.txt' }),
    measured('optimizers-5100-steps', SOAP('SOAP', 'lr=0.0018, betas=(.95, .95), precondition_frequency=10'), 3.2752,
      'step:5100/5100 val_loss:3.2752 train_time:1532177ms step_avg:301.02ms',
      { stepMs: 301.02, note: 'log e21a2838-a0f2-46f2-a247-db0021165682.txt' }),
    measured('optimizers-5100-steps', MUON('Muon', 'lr=0.02, momentum=0.95 on hidden matrices; embedding/head on Adam'), 3.276,
      'step:5100/5100 val_loss:3.2760 train_time:722818ms step_avg:142.01ms',
      { stepMs: 142.01, note: 'log 8d6193f4-27fc-4e68-899f-af70019a4d54.txt' }),
    stated('optimizers-5100-steps', SOPHIA(), 'similar',
      'here are some optimizers that I tried to make work, but was unable to get a significant boost over Adam with:\n* Sophia'),
    stated('optimizers-5100-steps', LION(), 'similar',
      'here are some optimizers that I tried to make work, but was unable to get a significant boost over Adam with:\n* Sophia\n* Lion'),
    stated('optimizers-5100-steps', opt('schedule-free-adamw', 'schedule-free-adamw', 'AdamWScheduleFree'), 'similar',
      'here are some optimizers that I tried to make work, but was unable to get a significant boost over Adam with:\n* Sophia\n* Lion\n* AdamWScheduleFree'),
    stated('optimizers-5100-steps', opt('ademamix', 'ademamix', 'AdEmaMix'), 'better',
      '* AdEmaMix (actually this was slightly better than Adam, just not enough to get near competing with the three Shampoo-like optimizers)'),
    measured('record-time-to-3.28', ADAMW('AdamW (tuned learning rate & rotary embeddings)'), 31.4,
      '2 | 31.4 minutes | [Tuned learning rate & rotary embeddings](https://x.com/kellerjordan0/status/1798863559243513937) | 06/06/24'),
    measured('record-time-to-3.28', MUON('Muon (record 3)'), 24.9,
      '3 | 24.9 minutes | [Introduced the Muon optimizer](https://x.com/kellerjordan0/status/1842300916864844014) | 10/04/24'),
    measured('muon-sample-efficiency', MUON(), 1.5,
      'For this training scenario, Muon has the following favorable properties:\n* Lower memory usage than Adam\n* ~1.5x better sample-efficiency\n* <2% wallclock overhead'),
  ],
};
