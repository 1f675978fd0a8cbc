/**
 * Which name a file should use for an optimizer, from the catalog's spellings per ecosystem (never a
 * table per optimizer): the spelling must resolve back to the target id with the parameters the fix
 * writes, in the ecosystem the scanner will read the file in.
 */
import type { CatalogSpelling } from '../optimizers/catalog-types';
import { resolveJobSpelling } from '../current-optimizer';
import { OPTIMIZERS, getOptimizer } from '../optimizers';
import type { Ecosystem, OptimizerId, OptimizerSpec } from '../optimizers/types';
import type { HyperValue, Hyperparameters } from '../types';

export interface ChosenSpelling {
  /** The catalog spelling (e.g. `adamw_bnb_8bit`, `AdamW8bit`, `torch.optim.SGD`). */
  readonly name: string;
  readonly ecosystem: Ecosystem;
  /** The spec that lists the spelling (not always the target: torch `SGD` with momentum is sgd-momentum). */
  readonly spec: OptimizerSpec;
  readonly spelling: CatalogSpelling;
}

function spellingsOf(spec: OptimizerSpec): readonly CatalogSpelling[] {
  return spec.spellings as readonly CatalogSpelling[];
}

/**
 * The values a spelling starts from: the ecosystem's implied and fixed values over the listing
 * spec's defaults (torch `SGD` implies momentum 0; DeepSpeed `AdamW` fixes adam_w_mode).
 */
export function spellingDefaults(chosen: ChosenSpelling): Hyperparameters {
  return { ...chosen.spec.defaults, ...(chosen.spelling.implies ?? {}), ...(chosen.spelling.fixed ?? {}) };
}

/**
 * The first spelling of `ecosystem` that names `target` given `params`: the target's own spellings
 * in catalog order (the one matching its display name first, so DeepSpeed gets `AdamW` rather than
 * `Adam`), then other specs' spellings that the params refine to the target (torch `SGD` with
 * momentum > 0 is SGD with momentum). `write(name)` turns a spelling into the text the file will
 * hold (e.g. a module prefix); the round trip resolves that text with `params` as evaluate.ts
 * resolves a job's spelling in `resolveIn` (the ecosystem the scanner reads the file in).
 * Null when the ecosystem has no spelling for the target.
 */
export function chooseSpelling(
  target: OptimizerId,
  ecosystem: Ecosystem,
  params: (chosen: ChosenSpelling) => Hyperparameters,
  options: { readonly write?: (name: string) => string; readonly resolveIn?: Ecosystem } = {},
): ChosenSpelling | null {
  const write = options.write ?? ((n: string) => n);
  const own = getOptimizer(target);
  const ordered: { spec: OptimizerSpec; spelling: CatalogSpelling }[] = [];
  const ownSpellings = spellingsOf(own).filter((s) => s.ecosystem === ecosystem);
  const byName = ownSpellings.filter((s) => s.name.toLowerCase() === own.name.toLowerCase());
  for (const s of [...byName, ...ownSpellings.filter((x) => !byName.includes(x))]) ordered.push({ spec: own, spelling: s });
  for (const spec of OPTIMIZERS) {
    if (spec.id === target) continue;
    for (const s of spellingsOf(spec)) if (s.ecosystem === ecosystem) ordered.push({ spec, spelling: s });
  }
  for (const candidate of ordered) {
    const chosen: ChosenSpelling = { name: candidate.spelling.name, ecosystem, spec: candidate.spec, spelling: candidate.spelling };
    let resolvedId: OptimizerId | undefined;
    try {
      resolvedId = resolveJobSpelling(write(chosen.name), params(chosen), options.resolveIn)?.id;
    } catch {
      resolvedId = undefined; // params the spelling rejects (bitsandbytes SGD without momentum)
    }
    if (resolvedId === target) return chosen;
  }
  return null;
}

/** Deep equality of hyperparameter values (numbers, strings, booleans, null, number lists). */
export function sameValue(a: HyperValue | undefined, b: HyperValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
