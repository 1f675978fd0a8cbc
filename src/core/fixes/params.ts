/**
 * The hyperparameters a fix writes for the target optimizer, by its reference implementation's
 * argument names (the catalog's `defaults` keys), from the advisor's advice. Only what matters is
 * written: the learning rate and weight decay always (tools disagree on the weight-decay default,
 * HF 0 against torch 0.01), other values when they differ from what the chosen spelling starts from
 * or when the file already sets them.
 */
import type { HyperparameterAdvice } from '../advisor/types';
import { getOptimizer } from '../optimizers';
import type { OptimizerId } from '../optimizers/types';
import type { HyperValue, Hyperparameters } from '../types';
import { sameValue, spellingDefaults, type ChosenSpelling } from './spelling';
import type { WritableValue } from './values';

function writable(v: HyperValue | undefined): v is WritableValue {
  return v !== null && v !== undefined;
}

/**
 * Argument names the chosen class takes: the spelling's own list where the catalog gives one (torch.optim.Muon), else
 * the target's reference implementation's.
 */
function takenArguments(target: OptimizerId, chosen: ChosenSpelling | null): Set<string> {
  return new Set(chosen?.spelling.takes ?? Object.keys(getOptimizer(target).defaults));
}

/** Argument names the chosen class takes, with those its spelling implies or fixes. */
export function acceptedArguments(target: OptimizerId, chosen: ChosenSpelling | null): Set<string> {
  const keys = takenArguments(target, chosen);
  for (const k of Object.keys(chosen?.spelling.implies ?? {})) keys.add(k);
  for (const k of Object.keys(chosen?.spelling.fixed ?? {})) keys.add(k);
  return keys;
}

/**
 * Keyword arguments for `target` (torch naming) that the chosen class takes. `existing` are the names the file sets
 * already: those are rewritten even when the value equals the spelling's default.
 */
export function targetArguments(
  target: OptimizerId,
  advice: HyperparameterAdvice,
  chosen: ChosenSpelling,
  existing: ReadonlySet<string>,
): Record<string, WritableValue> {
  const accepted = takenArguments(target, chosen);
  const start: Hyperparameters = spellingDefaults(chosen);
  const out: Record<string, WritableValue> = {};
  const consider = (key: string, value: HyperValue | undefined, always: boolean): void => {
    if (!accepted.has(key) || !writable(value)) return;
    if (always || existing.has(key) || !sameValue(value, start[key])) out[key] = value;
  };
  consider('lr', advice.lr ?? undefined, true);
  consider('betas', advice.betas ?? undefined, false);
  consider('eps', advice.eps ?? undefined, false);
  consider('weight_decay', advice.weightDecay, true);
  for (const [key, value] of Object.entries(advice.extra)) {
    if (key === 'lr' || key === 'betas' || key === 'eps' || key === 'weight_decay') continue;
    consider(key, value, false);
  }
  return out;
}
