/**
 * Medians: of a list of numbers (the sweep's step times, the spread of a timing at the real shapes, the evidence's
 * quality over its sources), and of a sweep's runs, which treats a diverged run as +Infinity so that a learning rate
 * where half the seeds diverge has no finite median ("lowest median final loss over seeds"; the profiler's document
 * and the charts).
 */

/** The middle value of the values (the mean of the two middle ones for an even count); null for an empty list. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median of the values, with null (not finite) counted as +Infinity; null for an empty list. */
export function medianWithDivergence(values: readonly (number | null)[]): number | null {
  const m = median(values.map((v) => (v === null || !Number.isFinite(v) ? Infinity : v)));
  return m !== null && Number.isFinite(m) ? m : null;
}
