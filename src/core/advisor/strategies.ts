/**
 * Memory strategies, one entry per strategy id: how the job changes when it is applied (an edit of
 * the estimator's input) and what to tell the user, and how much it changes the job (STRATEGY_COST, the
 * ladder the cheapest plan climbs: README "When nothing fits"). Which strategies are considered is decided
 * by the job rules (rules.ts); the saving of each is computed by the estimator (engine.ts).
 */
import type { EstimateInput, LoraConfig, MemoryEstimate } from '../memory/types';
import type { ModelInventory } from '../models/types';
import type { Ecosystem, OptimizerId, ResolvedOptimizer } from '../optimizers/types';
import type { Hyperparameters } from '../types';
import type { JobFacts, PlanSettingValue, StrategyId } from './types';
import { galoreRecipe } from './hyperparameters';

/** What a strategy may use besides the base input. */
export interface StrategyContext {
  readonly facts: JobFacts;
  /** Resolves an optimizer spelling of the catalog (bitsandbytes `AdamW8bit` by default), null when unknown. */
  readonly resolveSpelling: (spelling: string, ecosystem?: Ecosystem, hyperparameters?: Hyperparameters) => ResolvedOptimizer | null;
  /** Resolves a partial input with the estimator's defaults and validation (throws InputError). */
  readonly resolveInput: (partial: EstimateInput) => EstimateInput;
  readonly estimate: (input: EstimateInput) => MemoryEstimate;
}

export interface AppliedStrategy {
  readonly input: EstimateInput;
  /** What to change, concretely. */
  readonly text: string;
  /** The HF TrainingArguments values it sets (PlanStep.settings). */
  readonly settings?: Readonly<Record<string, PlanSettingValue>>;
}

export interface StrategySpec {
  readonly id: StrategyId;
  /** The job with the strategy applied, or null when it does not apply to this job. */
  apply(base: EstimateInput, ctx: StrategyContext): AppliedStrategy | null;
}

/** bitsandbytes spellings of the 8-bit (and paged 8-bit) variant of an optimizer, as the catalog lists them. */
export const BNB_8BIT_SPELLING: Partial<Record<OptimizerId, { readonly plain: string; readonly paged: string | null }>> = {
  adamw: { plain: 'AdamW8bit', paged: 'PagedAdamW8bit' },
  adam: { plain: 'Adam8bit', paged: 'PagedAdam8bit' },
  lion: { plain: 'Lion8bit', paged: 'PagedLion8bit' },
  lamb: { plain: 'LAMB8bit', paged: null },
  'sgd-momentum': { plain: 'SGD8bit', paged: null },
  ademamix: { plain: 'AdEMAMix8bit', paged: 'PagedAdEMAMix8bit' },
};

/** PEFT LoraConfig's default rank; QLoRA found all linear layers necessary to match full fine-tuning. */
export const LORA_DEFAULT: LoraConfig = { rank: 8, targets: 'all-linear', qlora: false };

function withOptimizer(base: EstimateInput, optimizer: ResolvedOptimizer, ctx: StrategyContext): EstimateInput {
  return ctx.resolveInput({ ...base, optimizer, hyperparameters: {} });
}

function eightBit(paged: boolean): StrategySpec['apply'] {
  return (base, ctx) => {
    const current = base.optimizer;
    if (current.variant.stateBits !== 32) return null;
    const names = BNB_8BIT_SPELLING[current.id];
    const spelling = paged ? names?.paged : names?.plain;
    if (!spelling) return null;
    const resolved = ctx.resolveSpelling(spelling);
    if (!resolved) return null;
    const text = paged
      ? `Use bitsandbytes ${spelling}: 8-bit states in CUDA unified memory, evicted to CPU RAM only under memory pressure. The paged states are shown apart from the peak (torch's counters do not see them); when they do not fit beside it they spill to CPU RAM, which slows the step.`
      : `Use bitsandbytes ${spelling} instead of 32-bit ${current.spec.name}: the same update with block-wise 8-bit states and unchanged hyperparameters.`;
    return { input: withOptimizer(base, resolved, ctx), text };
  };
}

function zeroStage(stage: 1 | 2 | 3): StrategySpec['apply'] {
  const partitions = ['optimizer states', 'optimizer states and gradients', 'optimizer states, gradients and parameters'][stage - 1];
  return (base, ctx) => {
    if (base.gpus < 2 || base.zeroStage >= stage) return null;
    return {
      input: ctx.resolveInput({ ...base, zeroStage: stage }),
      text: `DeepSpeed ZeRO stage ${stage} ("zero_optimization": {"stage": ${stage}}): partitions ${partitions} across the ${base.gpus} GPUs.`,
    };
  };
}

/**
 * How much each strategy changes the job, as a ladder (lower is cheaper) and in words. The order is the one
 * the advice climbs when nothing fits: the same training made slower, then the optimizer's states stored
 * differently, then a different update (GaLore), then fewer trained weights (adapters, a frozen backbone),
 * then quantised base weights (QLoRA), then the hardware: sharding across GPUs, then CPU memory.
 */
export const STRATEGY_COST: { readonly [id in StrategyId]: { readonly level: number; readonly changes: string } } = {
  'gradient-checkpointing': { level: 1, changes: 'slower steps (about one extra forward pass each); the updates are unchanged' },
  'smaller-micro-batch': { level: 1, changes: 'slower steps (more, smaller micro-batches); the global batch and the updates are unchanged' },
  '8bit-states': { level: 2, changes: 'optimizer states stored in 8 bits; same hyperparameters' },
  'paged-states': { level: 2, changes: 'optimizer states stored in 8 bits and paged to CPU RAM under memory pressure (slower when they spill)' },
  galore: { level: 3, changes: 'a different optimizer: the hidden weights are updated in a low-rank projection of their gradient, with GaLore\'s settings; per-layer updates (one GPU) do not accumulate gradients, so the global batch becomes the micro-batch' },
  lora: { level: 4, changes: 'only low-rank adapters are trained; the base weights stay frozen' },
  'freeze-layers': { level: 4, changes: 'only the final layer is trained; the backbone stays frozen' },
  qlora: { level: 5, changes: 'only low-rank adapters are trained, on base weights quantised to 4 bits' },
  'zero-1': { level: 6, changes: 'DeepSpeed shards the optimizer states across the GPUs (more communication)' },
  'zero-2': { level: 6, changes: 'DeepSpeed shards the optimizer states and gradients across the GPUs (more communication)' },
  'zero-3': { level: 6, changes: 'DeepSpeed shards the states, gradients and weights across the GPUs (more communication)' },
  'cpu-offload': { level: 7, changes: 'the optimizer states and step move to CPU RAM (needs that RAM; CPU-GPU transfers every step)' },
};

/** Optimizers GaLore's AdamW replaces without changing the update rule's family (Adam-style moments). */
/** The modules GaLore projects, as its authors' HF runs name them (`optim_target_modules`; the README's 7B-on-24 GB run). */
export const GALORE_TARGET_MODULES: readonly string[] = ['attn', 'mlp'];

const GALORE_REPLACES: readonly OptimizerId[] = ['adamw', 'adam', 'amsgrad', 'adamw-8bit', 'paged-adamw-8bit', 'galore-adamw'];

/**
 * GaLore as its authors run it for the model's size (GALORE_BY_SIZE): 8-bit states and, on one GPU, per-layer
 * updates (HF `galore_adamw_8bit_layerwise`; the README's 7B-on-24 GB run). Per-layer updates step in backward,
 * which HF does not combine with gradient accumulation: the accumulation goes to 1 and the text says what that
 * does to the global batch. On several GPUs (no DDP with per-layer updates) the 8-bit optimizer without them.
 */
function galoreStrategy(base: EstimateInput, ctx: StrategyContext): AppliedStrategy | null {
  if (base.model.shape.kind !== 'transformer' || base.lora !== null || !GALORE_REPLACES.includes(base.optimizer.id)) return null;
  if (base.optimizer.id === 'galore-adamw' && base.optimizer.variant.stateBits === 8 && (base.optimizer.variant.stepInBackward === true || base.gpus > 1)) return null;
  const row = galoreRecipe(ctx.facts.params);
  const layerwise = base.gpus === 1 && !base.optimizerInBackward;
  const spelling = layerwise ? 'galore_adamw_8bit_layerwise' : 'galore_adamw_8bit';
  const hyperparameters = { rank: row.rank, update_proj_gap: row.updateProjGap, scale: row.scale };
  const optimizer = ctx.resolveSpelling(spelling, 'hf', hyperparameters);
  if (!optimizer) return null;
  const switched: EstimateInput = { ...base, optimizer, hyperparameters, gradAccum: layerwise ? 1 : base.gradAccum };
  // Per-layer updates cannot accumulate, so the micro-batch is the batch: the largest that fits is kept.
  const batchSize = layerwise ? largestFittingMicroBatch(switched, ctx, (d) => ({ batchSize: d })) : base.batchSize;
  const fitting = layerwise && batchSize < base.batchSize && !ctx.estimate(ctx.resolveInput(switched)).fits ? batchSize : base.batchSize;
  const optimArgs = `rank=${row.rank},update_proj_gap=${row.updateProjGap},scale=${row.scale}`;
  const settings = `optim="${spelling}", optim_target_modules=[${GALORE_TARGET_MODULES.map((m) => `"${m}"`).join(', ')}], optim_args="${optimArgs}", learning_rate=${row.lr}`;
  const newBatch = fitting * base.gpus;
  const batch =
    layerwise && (base.gradAccum > 1 || fitting !== base.batchSize)
      ? ` Per-layer updates step inside backward and do not accumulate gradients: per_device_train_batch_size=${fitting}, gradient_accumulation_steps=1, so the global batch goes from ${ctx.facts.globalBatch} to ${newBatch}${newBatch < ctx.facts.globalBatch ? `, ${Number((ctx.facts.globalBatch / newBatch).toPrecision(3))}x as many optimizer steps per epoch` : ''}.`
      : '';
  return {
    input: ctx.resolveInput({ ...switched, batchSize: fitting }),
    text: `GaLore as its authors run a model of this size (${row.label}, ${row.script}): ${layerwise ? '8-bit states with per-layer weight updates' : '8-bit states'} (HF ${settings}).${batch}`,
    settings: {
      optim: spelling,
      optim_target_modules: GALORE_TARGET_MODULES,
      optim_args: optimArgs,
      learning_rate: row.lr,
      ...(layerwise ? { per_device_train_batch_size: fitting, gradient_accumulation_steps: 1 } : {}),
    },
  };
}

/**
 * The largest divisor of the micro-batch below it whose job (`change(d)` applied) fits, else 1. The smallest is
 * tried first: when even it does not fit, no other is estimated.
 */
function largestFittingMicroBatch(base: EstimateInput, ctx: StrategyContext, change: (d: number) => Partial<EstimateInput>): number {
  const divisors = smallerDivisors(base.batchSize);
  const fits = (d: number) => ctx.estimate(ctx.resolveInput({ ...base, ...change(d) })).fits === true;
  if (divisors.length === 0 || !fits(1)) return 1;
  return divisors.find((d) => d === 1 || fits(d)) ?? 1;
}

/** Divisors of n below n, largest first. */
function smallerDivisors(n: number): number[] {
  const out: number[] = [];
  for (let d = Math.floor(n / 2); d >= 1; d--) if (n % d === 0) out.push(d);
  return out;
}

/** The classifier head's module prefix (`fc.`, `classifier.`), from the tensors marked as head. */
function headPrefixes(model: ModelInventory): string[] {
  const prefixes = new Set<string>();
  for (const t of model.tensors) {
    if (t.role !== 'lm-head') continue;
    const i = t.name.lastIndexOf('.');
    prefixes.add(i < 0 ? t.name : t.name.slice(0, i + 1));
  }
  return [...prefixes];
}

function freezeAllButHead(model: ModelInventory, prefixes: readonly string[]): ModelInventory {
  return {
    ...model,
    tensors: model.tensors.map((t) => ({ ...t, trainable: t.trainable && prefixes.some((p) => t.name === p || t.name.startsWith(p)) })),
  };
}

export const STRATEGIES: readonly StrategySpec[] = [
  {
    id: 'gradient-checkpointing',
    apply: (base, ctx) =>
      base.gradientCheckpointing
        ? null
        : {
            input: ctx.resolveInput({ ...base, gradientCheckpointing: true }),
            text: 'Turn on gradient checkpointing (HF: gradient_checkpointing=True / model.gradient_checkpointing_enable(); PyTorch: torch.utils.checkpoint): activations are recomputed in backward at the cost of an extra forward pass.',
            settings: { gradient_checkpointing: true },
          },
  },
  { id: '8bit-states', apply: eightBit(false) },
  { id: 'paged-states', apply: eightBit(true) },
  { id: 'galore', apply: galoreStrategy },
  {
    id: 'lora',
    apply: (base, ctx) => {
      if (base.lora !== null || base.model.shape.kind !== 'transformer') return null;
      return {
        input: ctx.resolveInput({ ...base, lora: LORA_DEFAULT }),
        text: `Fine-tune LoRA adapters instead of all weights: peft LoraConfig(r=${LORA_DEFAULT.rank}, target_modules="all-linear"); the base weights are frozen, so they need no gradients or optimizer state.`,
      };
    },
  },
  {
    id: 'qlora',
    apply: (base, ctx) => {
      if (base.model.shape.kind !== 'transformer' || base.lora?.qlora === true) return null;
      const lora: LoraConfig = { ...(base.lora ?? LORA_DEFAULT), qlora: true };
      return {
        input: ctx.resolveInput({ ...base, lora }),
        text: `QLoRA: load the base model in 4-bit NF4 with double quantisation (BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True)) and train LoRA adapters (r=${lora.rank}, target_modules=${lora.targets === 'all-linear' ? '"all-linear"' : JSON.stringify(lora.targets)}).`,
      };
    },
  },
  { id: 'zero-1', apply: zeroStage(1) },
  { id: 'zero-2', apply: zeroStage(2) },
  { id: 'zero-3', apply: zeroStage(3) },
  {
    id: 'cpu-offload',
    apply: (base, ctx) => {
      if (base.offload !== 'none') return null;
      const stage = Math.max(base.zeroStage, 1) as 1 | 2 | 3;
      return {
        input: ctx.resolveInput({ ...base, zeroStage: stage, offload: 'optimizer' }),
        text: `DeepSpeed ZeRO-Offload: "zero_optimization": {"stage": ${stage}, "offload_optimizer": {"device": "cpu"}}; the optimizer state and step move to CPU memory, at the cost of CPU-GPU transfers every step.`,
      };
    },
  },
  {
    id: 'smaller-micro-batch',
    apply: (base, ctx) => {
      // With the optimizer step in backward there is no gradient accumulation (torchtune refuses it).
      if (base.batchSize < 2 || base.optimizerInBackward || base.optimizer.variant.stepInBackward === true) return null;
      const chosen = largestFittingMicroBatch(base, ctx, (d) => ({ batchSize: d, gradAccum: (base.gradAccum * base.batchSize) / d }));
      const gradAccum = (base.gradAccum * base.batchSize) / chosen;
      return {
        input: ctx.resolveInput({ ...base, batchSize: chosen, gradAccum }),
        settings: { per_device_train_batch_size: chosen, gradient_accumulation_steps: gradAccum },
        text: `Lower the per-GPU micro-batch from ${base.batchSize} to ${chosen} and raise gradient accumulation from ${base.gradAccum} to ${gradAccum} (per_device_train_batch_size=${chosen}, gradient_accumulation_steps=${gradAccum}): the global batch stays ${ctx.facts.globalBatch}.`,
      };
    },
  },
  {
    id: 'freeze-layers',
    apply: (base, ctx) => {
      if (base.model.shape.kind !== 'cnn') return null;
      const prefixes = headPrefixes(base.model);
      if (prefixes.length === 0) return null;
      return {
        input: ctx.resolveInput({ ...base, model: freezeAllButHead(base.model, prefixes) }),
        text: `Freeze the backbone and train only the final layer (${prefixes.map((p) => p.replace(/\.$/, '')).join(', ')}): set requires_grad=False on every other parameter.`,
      };
    },
  },
];

export function strategySpec(id: StrategyId): StrategySpec {
  const spec = STRATEGIES.find((s) => s.id === id);
  if (!spec) throw new Error(`advisor: no strategy spec for "${id}"`);
  return spec;
}
