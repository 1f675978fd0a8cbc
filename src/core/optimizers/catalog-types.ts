/**
 * Catalog-side extensions of the optimizer contract (./types.ts). They are structural subtypes of the
 * contract's Variant and Spelling, so a ResolvedOptimizer returned by resolveOptimizer() carries them in
 * `variant` and every stateFor() can read them back from `ctx.variant`.
 *
 * Callers (memory estimator, CLI) must pass `resolved.variant` through unchanged (spreading it is fine);
 * `optimizerStateBytes()` in ./index.ts does that for them.
 */
import type { Citation, Hyperparameters } from '../types';
import type { Spelling, StateContext, Variant } from './types';

/**
 * Which implementation's state layout a spelling selects, when an id has several:
 * - undefined: the reference implementation cited in the spec's `reference`;
 * - 'torch': torch.optim's class where it is not the reference (torch.optim.Adafactor);
 * - 'bnb': bitsandbytes Optimizer1State/Optimizer2State (32-bit states are fp32, see layout/bnb8bit.ts);
 * - 'fused': apex / DeepSpeed fused kernels (same tensors as torch, `step` kept per group as a Python int);
 * - 'torchao': torchao.optim's low-bit Adam/AdamW (tensor-subclass states, see layout/torchao-lowbit.ts).
 */
export type Implementation = 'torch' | 'bnb' | 'fused' | 'torchao';

export interface CatalogVariant extends Variant {
  readonly implementation?: Implementation;
  /**
   * Hyperparameters the spelling forces whatever the user configures (HF `adamw_torch_fused` always
   * passes fused=True). Applied on top of ctx.hyper by effectiveHyper().
   */
  readonly forced?: Hyperparameters;
}

export interface CatalogSpelling extends Spelling {
  readonly variant?: Partial<CatalogVariant>;
  /**
   * Defaults the ecosystem supplies for this spelling that change which id applies; the user's config
   * params override them (timm `sgd` defaults momentum=0.9 and nesterov=True).
   * The key `adam_w_mode` is the catalog's marker for decoupled weight decay in the Adam family
   * (the DeepSpeed/apex parameter of that name).
   */
  readonly implies?: Hyperparameters;
  /** Values the ecosystem forces for id selection regardless of params (DeepSpeed `AdamW`). */
  readonly fixed?: Hyperparameters;
  /**
   * The keyword arguments this spelling's class takes, when they are not the reference's (the spec's `defaults`
   * keys): a fix or a paste writes no other key (torch.optim.Muon has no `adam_*` arguments).
   */
  readonly takes?: readonly string[];
  /**
   * The class takes only the hidden 2-D weights: the embeddings, the output head and 1-D gains/biases need an AdamW
   * beside it, with the advice's `adam_*` values (torch.optim.Muon). `source` says so.
   */
  readonly hiddenWeightsOnly?: Citation;
}

export function catalogVariant(ctx: StateContext): CatalogVariant {
  return ctx.variant as CatalogVariant;
}
