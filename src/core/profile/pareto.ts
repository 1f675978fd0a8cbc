/**
 * The Pareto front over (estimated peak memory for the real job, measured step cost relative to
 * AdamW, final loss), all three minimised. A point dominates another when it is no worse in every
 * objective and strictly better in at least one; the front is the points nothing dominates. Equal
 * points do not dominate each other, so ties stay on the front together. Points missing an
 * objective (not modelled, or diverged: no final loss) cannot be compared and are reported apart.
 */
import type { ProfileResultDocument } from './profile-types';

export interface ParetoInput {
  readonly id: string;
  /** Estimated peak bytes per GPU for the real job (null: not modelled). */
  readonly memory: number | null;
  /** Step cost relative to AdamW. */
  readonly cost: number | null;
  /** Final loss (null: diverged). */
  readonly loss: number | null;
}

export type ParetoStatus = 'front' | 'dominated' | 'incomparable';

export interface ParetoPoint extends ParetoInput {
  readonly status: ParetoStatus;
  /** Ids of the points that dominate this one (empty on the front). */
  readonly dominatedBy: readonly string[];
}

type Complete = ParetoInput & { readonly memory: number; readonly cost: number; readonly loss: number };

function isComplete(p: ParetoInput): p is Complete {
  return [p.memory, p.cost, p.loss].every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** a dominates b: a <= b in every objective and a < b in at least one. */
export function dominates(a: Complete, b: Complete): boolean {
  const noWorse = a.memory <= b.memory && a.cost <= b.cost && a.loss <= b.loss;
  const better = a.memory < b.memory || a.cost < b.cost || a.loss < b.loss;
  return noWorse && better;
}

/** Every point with its status, in input order. O(n^2), n is the number of optimizers. */
export function paretoFront(points: readonly ParetoInput[]): ParetoPoint[] {
  const complete = points.filter(isComplete);
  return points.map((p) => {
    if (!isComplete(p)) return { ...p, status: 'incomparable', dominatedBy: [] };
    const by = complete.filter((q) => q !== p && dominates(q, p)).map((q) => q.id);
    return { ...p, status: by.length === 0 ? 'front' : 'dominated', dominatedBy: by };
  });
}

/** Ids on the front, in input order. */
export function paretoFrontIds(points: readonly ParetoInput[]): string[] {
  return paretoFront(points).filter((p) => p.status === 'front').map((p) => p.id);
}

/** The three objectives of each optimizer of a profile document (a diverged optimizer has no loss). */
export function paretoInputsFromProfile(doc: ProfileResultDocument): ParetoInput[] {
  return doc.results.map((r) => ({
    id: r.optimizer,
    memory: r.estimatedPeakBytes,
    cost: r.relativeStepCost,
    loss: r.diverged ? null : r.finalLoss,
  }));
}
