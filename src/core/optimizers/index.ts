/**
 * Optimizer catalog: registry and public API.
 *
 * Device-memory convention: StateTensor lists hold what the reference implementation allocates on the
 * parameter's device. Scalars that torch keeps on the CPU (torch.optim `step` unless capturable/fused,
 * Distributed Shampoo's group step, Python-int steps) are not listed.
 */
import type { Hyperparameters, ParamTensor } from '../types';
import { InputError } from '../types';
import type { Ecosystem, OptimizerId, OptimizerSpec, ResolvedOptimizer, StateContext, StateTensor } from './types';
import type { CatalogSpelling } from './catalog-types';
import { OPTIMIZERS, OPTIMIZER_IDS } from './registry';
import { resolveSpelling } from './resolve';
import { sumStateBytes } from './layout/state-tensor';

export { OPTIMIZERS };
export type { CatalogSpelling, CatalogVariant, Implementation } from './catalog-types';

export function getOptimizer(id: OptimizerId): OptimizerSpec {
  const spec = OPTIMIZERS.find((s) => s.id === id);
  if (!spec) throw new InputError(`unknown optimizer id "${String(id)}"; known ids: ${OPTIMIZER_IDS.join(', ')}`);
  return spec;
}

/**
 * Resolve a canonical id or any ecosystem spelling (case-insensitive, module prefixes allowed) to
 * (id, variant). `params` are the optimizer params found next to the spelling in the config; they can
 * change the id (torch SGD momentum/nesterov, Adam amsgrad, DeepSpeed adam_w_mode) and the variant
 * (bitsandbytes optim_bits/is_paged). `ecosystem` (optional, additive to the contract) restricts the
 * lookup to one ecosystem's spellings: pass 'deepspeed' for a DeepSpeed optimizer.type, 'hf' for
 * TrainingArguments.optim, 'timm' for timm opt strings, since the same word can mean different
 * optimizers there (DeepSpeed "Adam" is AdamW; timm "sgd" is Nesterov SGD).
 * Returns undefined when nothing matches.
 */
export function resolveOptimizer(spelling: string, params?: Hyperparameters, ecosystem?: Ecosystem): ResolvedOptimizer | undefined {
  return resolveSpelling(spelling, params ?? {}, ecosystem);
}

export function listSpellings(): readonly { spelling: string; ecosystem: Ecosystem; id: OptimizerId }[] {
  const out: { spelling: string; ecosystem: Ecosystem; id: OptimizerId }[] = [];
  for (const spec of OPTIMIZERS) {
    for (const s of spec.spellings as readonly CatalogSpelling[]) out.push({ spelling: s.name, ecosystem: s.ecosystem, id: spec.id });
  }
  return out;
}

export function defaultHyperparameters(id: OptimizerId): Hyperparameters {
  return { ...getOptimizer(id).defaults };
}

/**
 * Optimizer state of a model: stateFor over trainable, non-tied tensors plus globalState.
 * `ctx.hyper` is overlaid on the spec's defaults (so passing only the user's values is fine); the
 * resolved variant is passed through unchanged.
 */
export function optimizerStateBytes(
  resolved: ResolvedOptimizer,
  tensors: readonly ParamTensor[],
  ctx: Omit<StateContext, 'variant'>,
): { bytes: number; perTensor: { param: string; states: StateTensor[] }[]; global: StateTensor[] } {
  const full: StateContext = { paramDtype: ctx.paramDtype, hyper: { ...resolved.spec.defaults, ...ctx.hyper }, variant: resolved.variant };
  const counted = tensors.filter((t) => t.trainable && t.tiedTo === undefined);
  const perTensor = counted.map((t) => ({ param: t.name, states: resolved.spec.stateFor(t, full) }));
  const global = resolved.spec.globalState?.(counted, full) ?? [];
  let bytes = sumStateBytes(global);
  for (const p of perTensor) bytes += sumStateBytes(p.states);
  return { bytes, perTensor, global };
}
