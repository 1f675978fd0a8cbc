/**
 * Memory strategies, one entry per strategy id: how the job changes when it is applied (an edit of
 * the estimator's input) and what to tell the user. Which strategies are considered is decided by
 * the job rules (rules.ts); the saving of each is computed by the estimator (engine.ts).
 */
import type { EstimateInput, LoraConfig, MemoryEstimate } from '../memory/types';
import type { ModelInventory } from '../models/types';
import type { OptimizerId, ResolvedOptimizer } from '../optimizers/types';
import type { JobFacts, StrategyId } from './types';

/** What a strategy may use besides the base input. */
export interface StrategyContext {
  readonly facts: JobFacts;
  /** Resolves an optimizer spelling of the catalog (e.g. bitsandbytes `AdamW8bit`), null when unknown. */
  readonly resolveSpelling: (spelling: string) => ResolvedOptimizer | null;
  /** Resolves a partial input with the estimator's defaults and validation (throws InputError). */
  readonly resolveInput: (partial: EstimateInput) => EstimateInput;
  readonly estimate: (input: EstimateInput) => MemoryEstimate;
}

export interface AppliedStrategy {
  readonly input: EstimateInput;
  /** What to change, concretely. */
  readonly text: string;
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
          },
  },
  { id: '8bit-states', apply: eightBit(false) },
  { id: 'paged-states', apply: eightBit(true) },
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
      const divisors = smallerDivisors(base.batchSize);
      let chosen = divisors[divisors.length - 1];
      for (const d of divisors) {
        const trial = ctx.resolveInput({ ...base, batchSize: d, gradAccum: (base.gradAccum * base.batchSize) / d });
        if (ctx.estimate(trial).fits === true) {
          chosen = d;
          break;
        }
      }
      const gradAccum = (base.gradAccum * base.batchSize) / chosen;
      return {
        input: ctx.resolveInput({ ...base, batchSize: chosen, gradAccum }),
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
