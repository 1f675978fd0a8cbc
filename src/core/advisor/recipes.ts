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
  | { readonly kind: 'linear-scaling'; readonly value: number; readonly per: number }
  /**
   * By the detection dataset's classes: round(numerator / (offset + classes), decimals) (Ultralytics' optimizer=auto
   * AdamW rate); `defaultClasses` when the job is no detection job (build_optimizer's `self.data.get("nc", 10)`).
   */
  | { readonly kind: 'by-classes'; readonly numerator: number; readonly offset: number; readonly decimals: number; readonly defaultClasses: number };

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
  /**
   * Ultralytics' trainer runs the recipe: the weight decay is multiplied by the job's batch x accumulate / nbs, and the
   * warmup (epochs) and the schedule (linear or cosine to lr0 x lrf) are the detection job's own values, default.yaml's
   * where it sets none (hyperparameters.ts forJob).
   */
  readonly ultralytics?: true;
}

/** The AdamW values an SGD recipe's own source gives (Ultralytics' optimizer=auto), used instead of torch's defaults. */
export interface AdamWCompanion {
  readonly lr: RecipeLr;
  readonly betas: readonly number[];
  readonly eps: number;
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
  /** The recipe's own AdamW values, when its source gives them; else AdamW takes torch's defaults. */
  readonly adamw?: AdamWCompanion;
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
/** ConvNeXt, which its authors train with AdamW (rules.ts ARCHITECTURE_DEFAULT). */
const convnext: Predicate<JobFacts> = { fact: 'architecture', in: ['convnext'] };
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

/**
 * Ultralytics' own YOLO recipe (README "Ultralytics YOLO"): default.yaml's hyperparameters as BaseTrainer uses them
 * (ultralytics/cfg/default.yaml at 8b40338, ultralytics/engine/trainer.py at 3c5ac61: evidence.ts
 * 'ultralytics-default-cfg', 'ultralytics-build-optimizer'). SGD is always Nesterov in build_optimizer; the AdamW values
 * are what optimizer=auto picks for a short run: lr round(0.002 x 5 / (4 + nc), 6), beta1 0.9 (beta2 0.999 fixed), torch's
 * eps. The weight decay, warmup and schedule follow the job (`ultralytics`).
 */
export const ULTRALYTICS_DETECTION: SgdRecipe = {
  id: 'ultralytics-detection',
  when: { fact: 'task', in: ['detection'] },
  optimizer: 'sgd',
  lr: { kind: 'fixed', value: 0.01 },
  momentum: 0.937,
  nesterov: true,
  weightDecay: 5e-4,
  warmup: { unit: 'epochs', value: 3 },
  schedule: { kind: 'linear', detail: 'linear decay from lr0 to lr0 x lrf (lrf 0.01) over the epochs', finalFraction: 0.01 },
  ultralytics: true,
  adamw: {
    lr: { kind: 'by-classes', numerator: 0.002 * 5, offset: 4, decimals: 6, defaultClasses: 10 },
    betas: [0.9, 0.999],
    eps: 1e-8,
    text: "AdamW as Ultralytics' optimizer=auto builds it for a run of at most 10000 iterations: lr0 {row}, betas (0.9, 0.999) (momentum 0.9 is beta1), torch's eps",
    evidence: ['ultralytics-build-optimizer'],
  },
  text: "A YOLO detection job: Ultralytics' own recipe, SGD with Nesterov momentum 0.937 and lr0 0.01 (default.yaml; optimizer=auto takes SGD with lr 0.01 and momentum 0.9 above 10000 iterations)",
  evidence: ['ultralytics-default-cfg', 'ultralytics-build-optimizer'],
};

/** In order: the first recipe whose condition holds is the job's. The last always holds. */
export const RECIPES: readonly Recipe[] = [
  ULTRALYTICS_DETECTION,
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
    id: 'convnext-imagenet',
    when: { all: [pretrain, convnext] },
    optimizer: 'adamw',
    lr: { kind: 'linear-scaling', value: 4e-3, per: 4096 },
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: 0.05,
    warmup: { unit: 'epochs', value: 20 },
    schedule: { kind: 'cosine', detail: 'cosine decay after warmup, over 300 epochs (ConvNeXt main.py)' },
    text: "Training a ConvNeXt from scratch: its authors' ImageNet-1K recipe, AdamW at 4e-3 for a total batch of 4096, scaled linearly: lr = {row}.",
    evidence: ['convnext-2022-recipe'],
  },
  {
    id: 'convnext-finetune',
    when: { all: [fineTune, convnext] },
    optimizer: 'adamw',
    lr: { kind: 'fixed', value: 5e-5 },
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: 1e-8,
    warmup: null,
    schedule: { kind: 'cosine', detail: 'cosine decay, no warmup, 30 epochs (ConvNeXt TRAINING.md fine-tuning)' },
    text: "Fine-tuning a ConvNeXt: its authors' ImageNet-1K fine-tuning commands (AdamW at 5e-5 for a total batch of 512, weight decay 1e-8, no warmup).",
    evidence: ['convnext-2022-recipe'],
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


// ---- Per-optimizer recipes (each from the optimizer's own source) -----------------------------------

/** One GaLore run of the reference repository: the settings its script passes for a LLaMA size. */
export interface GaloreRow extends LrRow {
  readonly rank: number;
  readonly updateProjGap: number;
  readonly scale: number;
  /** warmup_steps / num_training_steps of the script. */
  readonly warmupRatio: number;
  /** The script's `--optimizer` (the 7B single-GPU run: 8-bit states with per-layer updates). */
  readonly optimizer: string;
  readonly script: string;
}

/**
 * jiaweizzhao/GaLore scripts/benchmark_c4/llama_{60m,130m,350m,1b,7b}.sh and scripts/single_gpu/llama_7b_checkpointing.sh
 * (the README's "Train 7B model with a single GPU with 24GB memory"): --rank, --update_proj_gap, --galore_scale, --lr,
 * --warmup_steps of --num_training_steps (10% in every script), weight decay 0. The 7B rows use update_proj_gap 500
 * (not the 200 of the smaller ones and of the README's usage snippet).
 */
export const GALORE_BY_SIZE: readonly GaloreRow[] = [
  { label: 'LLaMA-60M', params: 60e6, lr: 0.01, rank: 128, updateProjGap: 200, scale: 0.25, warmupRatio: 0.1, optimizer: 'galore_adamw', script: 'scripts/benchmark_c4/llama_60m.sh' },
  { label: 'LLaMA-130M', params: 130e6, lr: 0.01, rank: 256, updateProjGap: 200, scale: 0.25, warmupRatio: 0.1, optimizer: 'galore_adamw', script: 'scripts/benchmark_c4/llama_130m.sh' },
  { label: 'LLaMA-350M', params: 350e6, lr: 0.01, rank: 256, updateProjGap: 200, scale: 0.25, warmupRatio: 0.1, optimizer: 'galore_adamw', script: 'scripts/benchmark_c4/llama_350m.sh' },
  { label: 'LLaMA-1B', params: 1e9, lr: 0.01, rank: 1024, updateProjGap: 200, scale: 0.25, warmupRatio: 0.1, optimizer: 'galore_adamw', script: 'scripts/benchmark_c4/llama_1b.sh' },
  { label: 'LLaMA-7B', params: 7e9, lr: 0.005, rank: 1024, updateProjGap: 500, scale: 0.25, warmupRatio: 0.1, optimizer: 'galore_adamw8bit_per_layer', script: 'scripts/single_gpu/llama_7b_checkpointing.sh' },
];

/** One row of LAMB's BERT table: global batch, learning rate and warmup as a fraction of the run's steps. */
export interface LambRow {
  readonly batch: number;
  readonly lr: number;
  readonly warmupRatio: number;
}

/**
 * You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes" (ICLR 2020), Table 3
 * ("Untuned LAMB for BERT training across different batch sizes (fixed #epochs). We use square root LR scaling
 * and linear-epoch warmup"): lr 5/(2^k x 10^3) and warmup ratio 1/320 ... 1/5 from batch 512 to 32K ("batch size
 * 32K needs to finish 15625 iterations. It uses 0.2x15625 = 3125 iterations for learning rate warmup").
 */
export const LAMB_BERT_TABLE: readonly LambRow[] = [
  { batch: 512, lr: 5 / (2 ** 3 * 1e3), warmupRatio: 1 / 320 },
  { batch: 1024, lr: 5 / (2 ** 2.5 * 1e3), warmupRatio: 1 / 160 },
  { batch: 2048, lr: 5 / (2 ** 2 * 1e3), warmupRatio: 1 / 80 },
  { batch: 4096, lr: 5 / (2 ** 1.5 * 1e3), warmupRatio: 1 / 40 },
  { batch: 8192, lr: 5 / (2 ** 1 * 1e3), warmupRatio: 1 / 20 },
  { batch: 16384, lr: 5 / (2 ** 0.5 * 1e3), warmupRatio: 1 / 10 },
  { batch: 32768, lr: 5 / 1e3, warmupRatio: 1 / 5 },
];

/**
 * Schedule-Free AdamW's warmup when the job's recipe has none: the authors' winning AlgoPerf self-tuning entry
 * (facebookresearch/schedule_free schedulefree/algoperf/self_tuning/schedule_free_adamw/submission.py) warms up
 * over warmup_factor 0.02 x 0.75 of the workload's step budget; the README: "Using learning rate warmup is
 * recommended. This is supported through the `warmup_steps` parameter."
 */
export const SCHEDULE_FREE_WARMUP_RATIO = 0.02 * 0.75;

/**
 * The longest warmup the advice gives, as a fraction of the job's total steps: the largest fraction any recipe
 * cited here warms up over (LAMB at batch 32K: 1/5 of its 15,625 steps, Table 3 above). A recipe's warmup in
 * steps or tokens is cut to this when the job's total steps are known.
 */
export const MAX_WARMUP_FRACTION = 1 / 5;

/**
 * Liu et al. 2025 ("Muon is Scalable for LLM Training"): decoupled weight decay added to Muon, 0.1 in the authors'
 * code (MoonshotAI/Moonlight examples/toy_train.py, `wd=0.1`).
 */
export const MUON_WEIGHT_DECAY = 0.1;
