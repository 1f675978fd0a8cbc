/**
 * Published training recipes the hyperparameters start from, as data. The first recipe whose
 * condition holds is the job's recipe; every value carries its source (see evidence.ts).
 */
import type { EvidenceId } from './evidence';
import type { JobFacts, Predicate, Schedule, Warmup } from './types';

/** One row of a learning-rate-by-model-size table. */
export interface LrRow {
  readonly label: string;
  readonly params: number;
  readonly lr: number;
}

export type RecipeLr =
  | { readonly kind: 'fixed'; readonly value: number }
  /** The row whose size is nearest to the model's on a log scale. */
  | { readonly kind: 'by-size'; readonly rows: readonly LrRow[] }
  /** Linear scaling rule: `value` per `per` samples of global batch. */
  | { readonly kind: 'linear-scaling'; readonly value: number; readonly per: number };

export type RecipeWarmup =
  | Warmup
  /** A token budget, converted to steps with the job's global batch and sequence length. */
  | { readonly unit: 'tokens'; readonly value: number }
  /** Gradual warmup in epochs, only when the global batch exceeds `above` (Goyal et al.). */
  | { readonly unit: 'epochs-above-batch'; readonly value: number; readonly above: number };

interface RecipeCommon {
  readonly id: string;
  readonly when: Predicate<JobFacts>;
  readonly lr: RecipeLr;
  readonly weightDecay: number;
  readonly warmup: RecipeWarmup | null;
  readonly schedule: Schedule;
  /** How the values were chosen; `{row}` is the table row used, when the lr is by size or scaled. */
  readonly text: string;
  readonly evidence: readonly EvidenceId[];
}

/** A recipe published for AdamW. */
export interface AdamWRecipe extends RecipeCommon {
  readonly optimizer: 'adamw';
  readonly betas: readonly number[];
  readonly eps: number;
}

/** A recipe published for SGD with momentum. */
export interface SgdRecipe extends RecipeCommon {
  readonly optimizer: 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;
}

export type Recipe = AdamWRecipe | SgdRecipe;

/** GPT-3 Table 2.1 (Brown et al. 2020): peak learning rate by model size. */
export const GPT3_LR_BY_SIZE: readonly LrRow[] = [
  { label: 'GPT-3 Small (125M)', params: 125e6, lr: 6.0e-4 },
  { label: 'GPT-3 Medium (350M)', params: 350e6, lr: 3.0e-4 },
  { label: 'GPT-3 Large (760M)', params: 760e6, lr: 2.5e-4 },
  { label: 'GPT-3 XL (1.3B)', params: 1.3e9, lr: 2.0e-4 },
  { label: 'GPT-3 2.7B', params: 2.7e9, lr: 1.6e-4 },
  { label: 'GPT-3 6.7B', params: 6.7e9, lr: 1.2e-4 },
  { label: 'GPT-3 13B', params: 13.0e9, lr: 1.0e-4 },
  { label: 'GPT-3 175B', params: 175.0e9, lr: 0.6e-4 },
];

/** artidoro/qlora scripts/finetune_guanaco_{7b,13b,33b,65b}.sh: --learning_rate by LLaMA size. */
export const QLORA_LR_BY_SIZE: readonly LrRow[] = [
  { label: 'Guanaco/LLaMA 7B', params: 7e9, lr: 2e-4 },
  { label: 'Guanaco/LLaMA 13B', params: 13e9, lr: 2e-4 },
  { label: 'Guanaco/LLaMA 33B', params: 33e9, lr: 1e-4 },
  { label: 'Guanaco/LLaMA 65B', params: 65e9, lr: 1e-4 },
];

const transformer: Predicate<JobFacts> = { fact: 'family', in: ['transformer'] };
/** Image classifier CNNs (a diffusion denoiser is a 'cnn' family too, with stacks 'diffusion'). */
const cnn: Predicate<JobFacts> = { fact: 'stacks', in: ['cnn'] };
const fineTune: Predicate<JobFacts> = { fact: 'fineTune', is: true };
const pretrain: Predicate<JobFacts> = { fact: 'fineTune', is: false };

/** HF TrainingArguments defaults for AdamW (adam_beta1, adam_beta2, adam_epsilon). */
const HF_BETAS = [0.9, 0.999] as const;
const HF_EPS = 1e-8;

/** torch.optim.AdamW defaults: the last resort, and the AdamW reference when the job's recipe is an SGD one. */
export const TORCH_ADAMW_DEFAULTS: AdamWRecipe = {
  id: 'torch-adamw-defaults',
  when: { always: true },
  optimizer: 'adamw',
  lr: { kind: 'fixed', value: 1e-3 },
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 1e-2,
  warmup: null,
  schedule: { kind: 'constant', detail: 'no schedule (torch.optim default)' },
  text: 'No size-matched published recipe is cited for this kind of job; these are torch.optim.AdamW\'s defaults.',
  evidence: ['torch-optim-defaults'],
};

/** In order: the first recipe whose condition holds is the job's. The last always holds. */
export const RECIPES: readonly Recipe[] = [
  {
    id: 'qlora-finetune',
    when: { all: [transformer, { fact: 'lora', is: true }] },
    optimizer: 'adamw',
    lr: { kind: 'by-size', rows: QLORA_LR_BY_SIZE },
    betas: HF_BETAS,
    eps: HF_EPS,
    weightDecay: 0.0,
    warmup: { unit: 'ratio', value: 0.03 },
    schedule: { kind: 'constant', detail: 'constant after warmup (lr_scheduler_type constant)' },
    text: 'LoRA adapters: the QLoRA fine-tuning scripts ({row}); betas and eps are the HF Trainer defaults those scripts keep.',
    evidence: ['qlora-2023-recipe', 'hf-trainer-defaults'],
  },
  {
    id: 'alpaca-full-finetune',
    when: { all: [fineTune, { fact: 'stacks', in: ['decoder'] }, { fact: 'params', gte: 1e9 }] },
    optimizer: 'adamw',
    lr: { kind: 'fixed', value: 2e-5 },
    betas: HF_BETAS,
    eps: HF_EPS,
    weightDecay: 0,
    warmup: { unit: 'ratio', value: 0.03 },
    schedule: { kind: 'cosine', detail: 'cosine decay after warmup (lr_scheduler_type cosine)' },
    text: 'Full fine-tuning of a billion-parameter decoder: the Stanford Alpaca recipe for LLaMA-7B; betas and eps are the HF Trainer defaults it kept.',
    evidence: ['alpaca-2023-recipe', 'hf-trainer-defaults'],
  },
  {
    id: 'bert-finetune',
    when: { all: [fineTune, { fact: 'stacks', in: ['encoder'] }] },
    optimizer: 'adamw',
    lr: { kind: 'fixed', value: 5e-5 },
    betas: [0.9, 0.999],
    eps: 1e-6,
    weightDecay: 0.01,
    warmup: { unit: 'ratio', value: 0.1 },
    schedule: { kind: 'linear', detail: 'linear decay to zero after warmup' },
    text: 'Fine-tuning an encoder: BERT\'s reference fine-tuning code (learning rate within the paper\'s 5e-5/3e-5/2e-5 grid).',
    evidence: ['bert-reference-code', 'devlin-2019-bert'],
  },
  {
    id: 'hf-trainer-finetune',
    when: { all: [fineTune, transformer] },
    optimizer: 'adamw',
    lr: { kind: 'fixed', value: 5e-5 },
    betas: HF_BETAS,
    eps: HF_EPS,
    weightDecay: 0.0,
    warmup: null,
    schedule: { kind: 'linear', detail: 'linear decay to zero (lr_scheduler_type linear)' },
    text: 'Fine-tuning a transformer: the HF Trainer defaults.',
    evidence: ['hf-trainer-defaults'],
  },
  {
    id: 'gpt3-pretrain',
    when: { all: [pretrain, { fact: 'stacks', in: ['decoder'] }] },
    optimizer: 'adamw',
    lr: { kind: 'by-size', rows: GPT3_LR_BY_SIZE },
    betas: [0.9, 0.95],
    eps: 1e-8,
    weightDecay: 0.1,
    warmup: { unit: 'tokens', value: 375e6 },
    schedule: { kind: 'cosine', detail: 'cosine decay to 10% of the peak' },
    text: 'Pre-training a decoder: GPT-3\'s recipe, peak learning rate of the nearest size in Table 2.1 ({row}).',
    evidence: ['brown-2020-gpt3'],
  },
  {
    id: 'bert-pretrain',
    when: { all: [pretrain, { fact: 'stacks', in: ['encoder'] }] },
    optimizer: 'adamw',
    lr: { kind: 'fixed', value: 1e-4 },
    betas: [0.9, 0.999],
    eps: 1e-6,
    weightDecay: 0.01,
    warmup: { unit: 'steps', value: 10000 },
    schedule: { kind: 'linear', detail: 'linear decay after warmup' },
    text: 'Pre-training an encoder: BERT\'s pre-training recipe (eps from its reference code).',
    evidence: ['devlin-2019-bert', 'bert-reference-code'],
  },
  {
    id: 'goyal-imagenet-sgd',
    when: { all: [pretrain, cnn] },
    optimizer: 'sgd',
    lr: { kind: 'linear-scaling', value: 0.1, per: 256 },
    momentum: 0.9,
    nesterov: true,
    weightDecay: 1e-4,
    warmup: { unit: 'epochs-above-batch', value: 5, above: 256 },
    schedule: { kind: 'step', detail: 'divide by 10 at epochs 30, 60 and 80 of 90' },
    text: 'Training a CNN from scratch: the ImageNet recipe of Goyal et al., linear scaling lr = {row}, gradual warmup only for batches above 256.',
    evidence: ['goyal-2017-recipe', 'he-2016-resnet'],
  },
  {
    id: 'diffusers-text-to-image',
    when: { fact: 'stacks', in: ['diffusion'] },
    optimizer: 'adamw',
    lr: { kind: 'fixed', value: 1e-4 },
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: 1e-2,
    warmup: null,
    schedule: { kind: 'constant', detail: "constant (lr_scheduler 'constant', which takes no warmup)" },
    text: "Training a diffusion UNet: the defaults of diffusers' text-to-image example (AdamW, constant learning rate).",
    evidence: ['diffusers-text-to-image-defaults'],
  },
  {
    id: 'pytorch-cnn-finetune',
    when: { all: [fineTune, cnn] },
    optimizer: 'sgd',
    lr: { kind: 'fixed', value: 0.001 },
    momentum: 0.9,
    nesterov: false,
    weightDecay: 0,
    warmup: null,
    schedule: { kind: 'step', detail: 'StepLR(step_size=7 epochs, gamma=0.1)' },
    text: 'Fine-tuning a CNN: the PyTorch transfer-learning tutorial.',
    evidence: ['pytorch-transfer-learning-tutorial'],
  },
  TORCH_ADAMW_DEFAULTS,
];

