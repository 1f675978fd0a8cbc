/**
 * Spelling resolution: canonical ids and every ecosystem spelling, case-insensitively, with module
 * prefixes (`torch.optim.AdamW`, `bnb.optim.PagedAdamW8bit`, `keras.optimizers.Adam`, `optax.adamw`, ...),
 * refined by config params (torch SGD momentum/nesterov, Adam amsgrad, DeepSpeed adam_w_mode/torch_adam,
 * bitsandbytes optim_bits/is_paged).
 */
import { InputError, type HyperValue, type Hyperparameters } from '../types';
import type { Ecosystem, OptimizerId, OptimizerSpec, ResolvedOptimizer } from './types';
import { isOptimizerId } from './registry';
import type { CatalogSpelling, CatalogVariant } from './catalog-types';
import { asBoolean, asNumber } from './layout/hyper';
import { OPTIMIZERS } from './registry';

interface Candidate {
  readonly spec: OptimizerSpec;
  readonly spelling: CatalogSpelling;
}

/** Order in which ecosystems win an unqualified spelling claimed by several (canonical ids win first). */
export const ECOSYSTEM_PRECEDENCE: readonly Ecosystem[] = ['pytorch', 'hf', 'other', 'timm', 'bitsandbytes', 'torchtune', 'optax', 'keras', 'deepspeed'];

/** Module prefixes and the ecosystem whose spellings the remaining class/function name belongs to. */
const MODULE_PREFIXES: readonly (readonly [string, Ecosystem])[] = [
  ['torch.optim.', 'pytorch'],
  ['bitsandbytes.optim.', 'bitsandbytes'],
  ['bnb.optim.', 'bitsandbytes'],
  ['optax.contrib.', 'optax'],
  ['optax.', 'optax'],
  ['tensorflow.keras.optimizers.', 'keras'],
  ['tf.keras.optimizers.', 'keras'],
  ['keras.optimizers.', 'keras'],
  ['timm.optim.', 'timm'],
  ['deepspeed.ops.adam.', 'deepspeed'],
  ['deepspeed.ops.lamb.', 'deepspeed'],
  ['deepspeed.ops.lion.', 'deepspeed'],
  ['transformers.optimization.', 'other'],
  ['transformers.', 'other'],
  ['apex.optimizers.', 'other'],
  ['galore_torch.', 'other'],
  ['schedulefree.', 'other'],
  ['sophia.', 'other'],
  ['came_pytorch.', 'other'],
  ['adam_mini.', 'other'],
  ['soap.', 'other'],
  ['distributed_shampoo.distributed_shampoo.', 'other'],
  ['distributed_shampoo.', 'other'],
  ['muon.', 'other'],
  ['lion_pytorch.', 'other'],
  ['nemo.core.optim.', 'other'],
  ['adahessian.', 'other'],
  ['ademamix.', 'other'],
  ['mars.', 'other'],
];

/** Params that only one ecosystem's spellings take; they select it when the spelling is ambiguous. */
const ECOSYSTEM_HINT_KEYS: readonly (readonly [string, Ecosystem])[] = [
  ['adam_w_mode', 'deepspeed'],
  ['torch_adam', 'deepspeed'],
  ['optim_bits', 'bitsandbytes'],
  ['is_paged', 'bitsandbytes'],
];

export function normalizeSpelling(s: string): string {
  return s.trim().toLowerCase();
}

function buildIndex(): ReadonlyMap<string, readonly Candidate[]> {
  const index = new Map<string, Candidate[]>();
  for (const spec of OPTIMIZERS) {
    for (const spelling of spec.spellings as readonly CatalogSpelling[]) {
      const key = normalizeSpelling(spelling.name);
      const list = index.get(key) ?? [];
      list.push({ spec, spelling });
      index.set(key, list);
    }
  }
  return index;
}

let cachedIndex: ReadonlyMap<string, readonly Candidate[]> | undefined;
function spellingIndex(): ReadonlyMap<string, readonly Candidate[]> {
  cachedIndex ??= buildIndex();
  return cachedIndex;
}

function pick(candidates: readonly Candidate[], ecosystem: Ecosystem | undefined): Candidate | undefined {
  if (ecosystem) {
    const own = candidates.find((c) => c.spelling.ecosystem === ecosystem);
    if (own || ecosystem !== 'deepspeed') return own;
    // DeepSpeed falls back to getattr(torch.optim, type) for names it does not know.
    return candidates.find((c) => c.spelling.ecosystem === 'pytorch');
  }
  for (const eco of ECOSYSTEM_PRECEDENCE) {
    const c = candidates.find((x) => x.spelling.ecosystem === eco);
    if (c) return c;
  }
  return undefined;
}

function hintedEcosystem(params: Hyperparameters): Ecosystem | undefined {
  for (const [key, eco] of ECOSYSTEM_HINT_KEYS) if (params[key] !== undefined) return eco;
  return undefined;
}

function specById(id: OptimizerId): OptimizerSpec {
  const spec = OPTIMIZERS.find((s) => s.id === id);
  if (!spec) throw new Error(`catalog has no spec for id ${id}`);
  return spec;
}

interface Match {
  readonly spec: OptimizerSpec;
  readonly spelling: CatalogSpelling | undefined;
  readonly ecosystem: Ecosystem | 'id';
  readonly matched: string;
}

function lookup(raw: string, params: Hyperparameters, ecosystem: Ecosystem | undefined): Match | undefined {
  const key = normalizeSpelling(raw);
  if (key === '') return undefined;
  const index = spellingIndex();
  const hint = ecosystem ?? hintedEcosystem(params);
  const direct = index.get(key);
  if (direct) {
    const c = pick(direct, hint);
    if (c && (ecosystem !== undefined || hint !== undefined)) return { spec: c.spec, spelling: c.spelling, ecosystem: c.spelling.ecosystem, matched: raw };
  }
  if (ecosystem === undefined && isOptimizerId(key)) return { spec: specById(key), spelling: undefined, ecosystem: 'id', matched: raw };
  // A module prefix names the ecosystem (torch.optim.AdamW is PyTorch's even though torchtune spells it so too).
  for (const [prefix, eco] of MODULE_PREFIXES) {
    if (!key.startsWith(prefix)) continue;
    if (ecosystem !== undefined && ecosystem !== eco && ecosystem !== 'torchtune') continue;
    const rest = index.get(key.slice(prefix.length));
    const c = rest ? pick(rest, eco) : undefined;
    if (c) return { spec: c.spec, spelling: c.spelling, ecosystem: c.spelling.ecosystem, matched: raw };
  }
  if (direct) {
    const c = pick(direct, ecosystem);
    if (c) return { spec: c.spec, spelling: c.spelling, ecosystem: c.spelling.ecosystem, matched: raw };
  }
  if (isOptimizerId(key)) return { spec: specById(key), spelling: undefined, ecosystem: 'id', matched: raw };
  return undefined;
}

function paramNumber(p: Hyperparameters, key: string): number | undefined {
  const v: HyperValue | undefined = p[key];
  return v === undefined || v === null ? undefined : asNumber(key, v);
}

function paramBoolean(p: Hyperparameters, key: string): boolean | undefined {
  const v: HyperValue | undefined = p[key];
  return v === undefined || v === null ? undefined : asBoolean(key, v);
}

/** Catalog marker for decoupled weight decay in the Adam family (selects the id, never reaches layouts). */
const ADAM_W_MODE = 'adam_w_mode';

const SGD_FAMILY: ReadonlySet<OptimizerId> = new Set(['sgd', 'sgd-momentum', 'nesterov']);
const ADAM_FAMILY: ReadonlySet<OptimizerId> = new Set(['adam', 'adamw', 'amsgrad', 'adamw-8bit', 'paged-adamw-8bit']);
const ADAMW_8BIT_IDS: ReadonlySet<OptimizerId> = new Set(['adamw-8bit', 'paged-adamw-8bit']);

function refineSgd(base: OptimizerId, p: Hyperparameters, variant: CatalogVariant): OptimizerId {
  const momentum = paramNumber(p, 'momentum') ?? 0;
  const nesterovOn = paramBoolean(p, 'nesterov') ?? false;
  if (variant.implementation === 'bnb') {
    if (momentum === 0) throw new InputError('bitsandbytes SGD requires momentum > 0 ("SGD without momentum is not supported")');
    return 'sgd-momentum';
  }
  if (nesterovOn) {
    if (momentum <= 0 || (paramNumber(p, 'dampening') ?? 0) !== 0) {
      throw new InputError('Nesterov momentum requires a momentum > 0 and zero dampening');
    }
    return 'nesterov';
  }
  return momentum > 0 ? 'sgd-momentum' : base === 'sgd-momentum' || base === 'nesterov' ? 'sgd' : base;
}

function refineAdam(base: OptimizerId, p: Hyperparameters, variant: CatalogVariant, ecosystem: Ecosystem | 'id'): { id: OptimizerId; variant: CatalogVariant } {
  if (ADAMW_8BIT_IDS.has(base)) return { id: base, variant };
  let v = variant;
  const decoupled = paramBoolean(p, ADAM_W_MODE) ?? variant.decoupledWeightDecay;
  v = { ...v, decoupledWeightDecay: decoupled };
  if (ecosystem === 'deepspeed' && paramBoolean(p, 'torch_adam') === true) {
    v = { ...v, implementation: undefined };
  }
  const ams = v.implementation === 'bnb' || v.stateBits === 8 ? false : paramBoolean(p, 'amsgrad') ?? base === 'amsgrad';
  const id: OptimizerId = ams ? 'amsgrad' : decoupled ? 'adamw' : 'adam';
  return { id, variant: v };
}

/** bitsandbytes AdamW in 8 bit is its own id; a 32-bit request on those ids goes back to adamw. */
function normalizeAdamW8bit(id: OptimizerId, variant: CatalogVariant): OptimizerId {
  if (id === 'adamw' && variant.stateBits === 8) return variant.paged ? 'paged-adamw-8bit' : 'adamw-8bit';
  if (ADAMW_8BIT_IDS.has(id)) {
    if (variant.stateBits === 32) return 'adamw';
    return variant.paged ? 'paged-adamw-8bit' : 'adamw-8bit';
  }
  return id;
}

function withoutUndefined(v: CatalogVariant): CatalogVariant {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (val !== undefined) out[k] = val;
  return out as unknown as CatalogVariant;
}

/**
 * Resolve any spelling to (id, variant). `params` are the optimizer params of the config the spelling
 * came from; `ecosystem` restricts the lookup (use it for DeepSpeed configs, where "Adam" means AdamW).
 * Returns undefined for an unknown spelling; throws InputError for params the named optimizer rejects.
 */
export function resolveSpelling(spelling: string, params: Hyperparameters = {}, ecosystem?: Ecosystem): ResolvedOptimizer | undefined {
  const match = lookup(spelling, params, ecosystem);
  if (!match) return undefined;
  const s = match.spelling;
  let variant: CatalogVariant = { ...(match.spec.variant as CatalogVariant), ...(s?.variant ?? {}) };

  const bits = paramNumber(params, 'optim_bits');
  const paged = paramBoolean(params, 'is_paged');
  const bnbSpelling = variant.implementation === 'bnb' || (variant.implementation !== 'torchao' && ADAMW_8BIT_IDS.has(match.spec.id));
  if (bnbSpelling && match.ecosystem !== 'hf') {
    if (bits !== undefined) {
      if (bits !== 8 && bits !== 32) throw new InputError(`bitsandbytes optim_bits must be 8 or 32, got ${bits}`);
      variant = { ...variant, stateBits: bits, implementation: 'bnb' };
    }
    if (paged !== undefined) variant = { ...variant, paged };
  }

  // The spelling's ecosystem defaults apply where the user did not set the key; they also reach layouts.
  const implied = s?.implies ?? match.spec.defaults;
  const fromImplies: Record<string, HyperValue> = {};
  for (const [k, v] of Object.entries(s?.implies ?? {})) if (params[k] === undefined && k !== ADAM_W_MODE) fromImplies[k] = v;
  const effective: Hyperparameters = { ...implied, ...params, ...(s?.fixed ?? {}) };
  const forced = { ...(s?.variant?.forced ?? {}), ...fromImplies };
  if (Object.keys(forced).length > 0) variant = { ...variant, forced };

  let id = match.spec.id;
  if (match.ecosystem !== 'hf') {
    if (SGD_FAMILY.has(id)) id = refineSgd(id, effective, variant);
    else if (ADAM_FAMILY.has(id)) {
      const refined = refineAdam(id, effective, variant, match.ecosystem);
      id = refined.id;
      variant = refined.variant;
    }
  }
  id = normalizeAdamW8bit(id, variant);
  // 8-bit AdamW is bitsandbytes' unless the spelling named torchao's class (its own layout, layout/torchao-lowbit.ts).
  if (ADAMW_8BIT_IDS.has(id)) variant = { ...variant, implementation: variant.implementation === 'torchao' ? 'torchao' : 'bnb', stateBits: 8 };
  const spec = specById(id);
  return { id, spec, variant: withoutUndefined(variant), spelling: match.matched, ecosystem: match.ecosystem };
}
