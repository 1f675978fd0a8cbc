/**
 * The median of a sweep's runs that treats a diverged run as +Infinity, so a learning rate where half the
 * seeds diverge has no finite median ("lowest median final loss over seeds"). Used by the profiler's
 * document and the charts.
 */

/** Median of the values, with null (not finite) counted as +Infinity; null for an empty list. */
export function medianWithDivergence(values: readonly (number | null)[]): number | null {
  if (values.length === 0) return null;
  const sorted = values.map((v) => (v === null || !Number.isFinite(v) ? Infinity : v)).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const m = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Number.isFinite(m) ? m : null;
}
