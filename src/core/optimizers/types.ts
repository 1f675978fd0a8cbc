import type { Citation, DType, Hyperparameters, ParamTensor } from '../types';
import type { CATALOG } from './registry';

/**
 * Canonical optimizer ids: the keys of the catalog (src/core/optimizers/registry.ts), where each entry
 * declares its own id. The CLI and every later feature use exactly these; the ids as a runtime list
 * (OPTIMIZER_IDS, isOptimizerId) live beside the catalog.
 */
export type OptimizerId = keyof typeof CATALOG;

/** One tensor of optimizer state, as the reference implementation allocates it. */
export interface StateTensor {
  /** State name as the reference implementation calls it (`exp_avg`, `exp_avg_sq_row`, `absmax1`, ...). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly bytes: number;
}

/**
 * How a spelling configures the optimizer, beyond its id. An alias resolves to
 * (id, state bits, paged, decoupled weight decay) plus the ecosystem it came from.
 */
export interface Variant {
  /**
   * 32 = full-precision states (in the parameter's dtype or fp32, per the optimizer); 8 = 8-bit blockwise;
   * 4 = 4-bit blockwise (torchao AdamW4bit, two codes packed per byte).
   */
  readonly stateBits: 4 | 8 | 16 | 32;
  /** Paged states (bitsandbytes unified memory); still counted in device memory. */
  readonly paged: boolean;
  /** Decoupled (AdamW-style) weight decay rather than L2 added to the gradient. */
  readonly decoupledWeightDecay: boolean;
  /**
   * HF Trainer registers nn.Embedding weights for 32-bit states (bitsandbytes GlobalOptimManager
   * override). Older transformers did this only for the class `Adam8bit`; current versions do it for
   * every bitsandbytes class built with optim_bits=8 (see the catalog's citations).
   */
  readonly embedding32bitOverride?: boolean;
  /**
   * The spelling steps each parameter in a post-accumulate-grad hook during backward (HF Trainer's
   * `*_layerwise` GaLore optimizers), so gradients are freed as they are used (memory/step-in-backward.ts).
   */
  readonly stepInBackward?: boolean;
}

/** Ecosystems whose spellings the catalog knows. */
export type Ecosystem =
  | 'pytorch' | 'hf' | 'deepspeed' | 'bitsandbytes' | 'optax' | 'keras' | 'timm' | 'torchtune' | 'other';

/** One way an ecosystem spells an optimizer. */
export interface Spelling {
  readonly ecosystem: Ecosystem;
  /** Exactly as written in that ecosystem, e.g. `adamw_torch_fused`, `torch.optim.AdamW`, `Adam`. */
  readonly name: string;
  /** Overrides of the optimizer's default variant that this spelling implies. */
  readonly variant?: Partial<Variant>;
  /** Hyperparameter defaults this spelling changes (e.g. HF `adafactor` sets scale_parameter etc). */
  readonly note?: string;
}

/** Inputs to the per-tensor state layout. */
export interface StateContext {
  /** The dtype parameters (and so dtype-following states) are stored in while the optimizer steps. */
  readonly paramDtype: DType;
  /** Hyperparameters: the optimizer's defaults overlaid with the user's. */
  readonly hyper: Hyperparameters;
  readonly variant: Variant;
}

export interface Caveat {
  readonly text: string;
  readonly source?: Citation;
}

/**
 * A catalog entry: one file per optimizer under src/core/optimizers. Generic in its id so an entry is
 * typed `OptimizerSpec<'sgd'>` without naming OptimizerId, which is derived from the entries.
 */
export interface OptimizerSpec<Id extends string = OptimizerId> {
  readonly id: Id;
  /** Display name, e.g. "AdamW". */
  readonly name: string;
  /** One-sentence summary of the update rule. */
  readonly summary: string;
  /** The reference implementation whose defaults and state layout this entry follows. */
  readonly reference: Citation;
  /** Further sources for facts in this entry (paper, docs). */
  readonly sources: readonly Citation[];
  /** Defaults of the reference implementation (key names as in that implementation). */
  readonly defaults: Hyperparameters;
  /** Recommended learning-rate range [low, high] and where it comes from. */
  readonly lrRange: { readonly low: number; readonly high: number; readonly source: Citation };
  readonly caveats: readonly Caveat[];
  readonly spellings: readonly Spelling[];
  /** Variant of the canonical id (before any spelling overrides). */
  readonly variant: Variant;
  /** Needs the loss closure / a second backward (AdaHessian, Sophia). */
  readonly needsHessian?: boolean;
  /**
   * The exact optimizer state allocated for one trainable parameter tensor. Frozen and tied
   * duplicate tensors are never passed in.
   */
  stateFor(tensor: ParamTensor, ctx: StateContext): StateTensor[];
  /**
   * State held once per optimizer rather than per tensor (e.g. a step counter on the device).
   * Optional; most reference implementations keep per-tensor step scalars, which belong in stateFor.
   */
  globalState?(tensors: readonly ParamTensor[], ctx: StateContext): StateTensor[];
  /**
   * Temporaries the step allocates at its peak, in bytes, for the largest tensor processed at once
   * (torch's foreach implementation processes a whole group; callers pass the tensors of the group).
   */
  stepTemporaryBytes?(tensors: readonly ParamTensor[], ctx: StateContext): number;
}

/** Result of resolving any spelling (canonical id or ecosystem alias). */
export interface ResolvedOptimizer {
  readonly id: OptimizerId;
  readonly spec: OptimizerSpec;
  readonly variant: Variant;
  /** The spelling that matched (the id itself when given an id). */
  readonly spelling: string;
  readonly ecosystem: Ecosystem | 'id';
}
