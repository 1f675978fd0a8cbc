/**
 * The Pareto front of a profile (README "Profiling on your machine"), over three objectives:
 *   memory  — the estimator's peak per GPU for the REAL job (modelled), minimised;
 *   step    — step time in ms, minimised: measured at the model's real tensor shapes when the document
 *             holds that for the optimizer (`realShapes`), else the sweep's median step on the proxy;
 *   quality — the median outcome vs AdamW over the nearest published measurements (`evidenceQuality`,
 *             src/core/advisor/quality.ts), maximised.
 * A point dominates another when it is no worse in every objective and strictly better in at least one.
 * Step times from different sources (real shapes vs proxy) measure different things, so a point never
 * dominates one whose step time has another source. Equal points do not dominate each other, so ties stay
 * on the front together. Points missing an objective (memory not modelled, no step time, no measured
 * evidence) cannot be compared and are reported apart. The proxy's final loss is a secondary signal shown
 * next to each point, not an objective.
 */
import type { ProfileResultDocument, QualityCitationEntry, RealShapesMethod, Spread } from './profile-types';

export type StepSource = 'proxy' | 'real-shapes';

export interface ParetoInput {
  readonly id: string;
  /** Estimated peak bytes per GPU for the real job (null: not modelled). */
  readonly memory: number | null;
  /** Step time, ms (null: not measured). */
  readonly stepMs: number | null;
  /** Where the step time comes from; points of different sources never dominate each other. */
  readonly stepSource: StepSource;
  /** Outcome vs AdamW, higher is better (null: no measured evidence). */
  readonly quality: number | null;
}

export type ParetoStatus = 'front' | 'dominated' | 'incomparable';

export interface ParetoPoint extends ParetoInput {
  readonly status: ParetoStatus;
  /** Ids of the points that dominate this one (empty on the front). */
  readonly dominatedBy: readonly string[];
}

type Complete = ParetoInput & { readonly memory: number; readonly stepMs: number; readonly quality: number };

function isComplete(p: ParetoInput): p is Complete {
  return [p.memory, p.stepMs, p.quality].every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** a dominates b: same step-time source, a no worse in every objective and strictly better in at least one. */
export function dominates(a: Complete, b: Complete): boolean {
  if (a.stepSource !== b.stepSource) return false;
  const noWorse = a.memory <= b.memory && a.stepMs <= b.stepMs && a.quality >= b.quality;
  const better = a.memory < b.memory || a.stepMs < b.stepMs || a.quality > b.quality;
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

/** Where one optimizer's step time comes from. */
export type StepTimeOrigin =
  | { readonly kind: 'real-shapes'; readonly method: RealShapesMethod; readonly min: number; readonly max: number; readonly relativeToAdamW: number | null }
  | { readonly kind: 'proxy'; readonly params: number | null; readonly backend: string; readonly relativeToAdamW: number | null };

/** Where one optimizer's quality comes from. */
export type QualityOrigin =
  | { readonly kind: 'reference' }
  | { readonly kind: 'evidence'; readonly runs: number; readonly sources: number; readonly nearestSimilarity: number | null; readonly citations: readonly QualityCitationEntry[] }
  | { readonly kind: 'none' }
  /** The document predates the quality axis (or was written without the evidence base). */
  | { readonly kind: 'not-recorded' };

/** One optimizer on the charts: its three coordinates, where each comes from, and the secondary signal. */
export interface ParetoPointSource extends ParetoInput {
  readonly stepOrigin: StepTimeOrigin;
  readonly qualityOrigin: QualityOrigin;
  /** The proxy's final loss (secondary signal; null when every run diverged). */
  readonly proxyLoss: number | null;
  readonly proxyDiverged: boolean;
}

/** Own-property lookup in a record read from a file (never the prototype's). */
function own<T>(rec: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return rec !== undefined && Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;
}

/** The optimizer's measured step cost at the real shapes, when the phase measured it (a step time and how). */
function realStep(doc: ProfileResultDocument, id: string): { stepMs: Spread; method: RealShapesMethod } | undefined {
  const r = doc.realShapes?.results.find((x) => x.optimizer === id);
  return r && r.stepMs !== null && r.method !== null && r.stepMs.median > 0 ? { stepMs: r.stepMs, method: r.method } : undefined;
}

/** The coordinates of every optimizer of a profile document, with their sources, in the document's order. */
export function paretoPointsOf(doc: ProfileResultDocument): ParetoPointSource[] {
  const adamw = doc.results.find((r) => r.optimizer === 'adamw');
  const adamwReal = realStep(doc, 'adamw');
  return doc.results.map((r) => {
    const real = realStep(doc, r.optimizer);
    const q = own(doc.evidenceQuality?.optimizers, r.optimizer);
    const stepOrigin: StepTimeOrigin = real
      ? {
          kind: 'real-shapes', method: real.method, min: real.stepMs.min, max: real.stepMs.max,
          relativeToAdamW: adamwReal && adamwReal.stepMs.median > 0 ? real.stepMs.median / adamwReal.stepMs.median : null,
        }
      : {
          kind: 'proxy',
          params: doc.proxy?.params ?? null,
          backend: doc.backend.name,
          relativeToAdamW: adamw && adamw.stepTimeMs > 0 && r.stepTimeMs > 0 ? r.stepTimeMs / adamw.stepTimeMs : null,
        };
    const qualityOrigin: QualityOrigin =
      doc.evidenceQuality === undefined ? { kind: 'not-recorded' }
      : q === undefined || q.basis === 'none' || q.median === null ? { kind: 'none' }
      : q.basis === 'reference' ? { kind: 'reference' }
      : { kind: 'evidence', runs: q.runs, sources: q.sources, nearestSimilarity: q.nearestSimilarity, citations: q.citations };
    const stepMs = real ? real.stepMs.median : r.stepTimeMs > 0 ? r.stepTimeMs : null;
    return {
      id: r.optimizer,
      memory: r.estimatedPeakBytes,
      stepMs,
      stepSource: real ? 'real-shapes' : 'proxy',
      quality: qualityOrigin.kind === 'evidence' || qualityOrigin.kind === 'reference' ? (q?.median ?? null) : null,
      stepOrigin,
      qualityOrigin,
      proxyLoss: r.diverged ? null : r.finalLoss,
      proxyDiverged: r.diverged,
    };
  });
}

/** The front's ids of a document (what its `paretoFront` holds). */
export function paretoFrontOf(doc: ProfileResultDocument): string[] {
  return paretoFrontIds(paretoPointsOf(doc));
}
