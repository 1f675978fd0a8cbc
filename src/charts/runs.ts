/**
 * Summaries over the runs of a sweep: the median that treats a diverged run as +Infinity (so a
 * learning rate where half the seeds diverge has no finite median, as "lowest median final loss over
 * seeds" requires), the lr-sensitivity grid, and loss curves as median + band over seeds.
 */
import type { ProfileOptimizerResult, ProfileResultDocument, ProfileRun } from '../core/profile/profile-types';
import { medianWithDivergence } from '../core/profile/median';
import { formatNumber } from './axes';

export { medianWithDivergence };


// ---- lr sensitivity -------------------------------------------------------------------------------

export interface HeatColumn {
  /** Stable key: the ratio to the recommended lr ("0.333"), or the lr's rank ("#1"). */
  readonly key: string;
  /** lr / recommended lr when every optimizer states its recommended lr, else null. */
  readonly multiplier: number | null;
  /** Column heading: "×1/3", "×1", "×3", or "lr 1", "lr 2" (lowest first) when ranks are used. */
  readonly label: string;
}

export interface HeatCell {
  readonly optimizer: string;
  readonly lr: number;
  /** Median final loss over the seeds at this lr (diverged runs count as +Infinity); null when that median is not finite. */
  readonly medianFinalLoss: number | null;
  readonly runs: number;
  readonly divergedRuns: number;
}

export interface HeatGrid {
  readonly rows: readonly string[];
  readonly columns: readonly HeatColumn[];
  /** cells[row][column], null where that optimizer has no run at that column. */
  readonly cells: readonly (readonly (HeatCell | null)[])[];
  /** Smallest and largest finite median over the grid (null when there is none). */
  readonly lossRange: readonly [number, number] | null;
  /** Columns are multiples of each optimizer's recommended lr (true) or lr ranks (false). */
  readonly relative: boolean;
}

/** "×1/3" for a ratio that is the inverse of a whole number, else "×" + the ratio ("×3", "×0.4"). */
export function multiplierLabel(ratio: number): string {
  if (ratio < 1) {
    const inv = 1 / ratio;
    if (Math.abs(inv - Math.round(inv)) < 1e-6 * inv) return `×1/${Math.round(inv)}`;
  }
  return `×${formatNumber(ratio)}`;
}

function groupByLr(runs: readonly ProfileRun[]): Map<number, ProfileRun[]> {
  const byLr = new Map<number, ProfileRun[]>();
  for (const r of runs) {
    const list = byLr.get(r.lr) ?? [];
    list.push(r);
    byLr.set(r.lr, list);
  }
  return byLr;
}

/** Rounds a ratio to 6 significant digits so 1e-3/3e-3 and 3e-4/9e-4 land in the same column. */
const ratioKey = (ratio: number): string => String(Number(ratio.toPrecision(6)));

/** The lr-sensitivity heat map: one row per optimizer, one column per learning rate tried. */
export function lrSensitivityGrid(results: readonly ProfileOptimizerResult[]): HeatGrid {
  const relative = results.length > 0 && results.every((r) => typeof r.recommendedLr === 'number' && r.recommendedLr > 0);
  const columnOf = new Map<string, HeatColumn>();
  const placed: { row: number; key: string; cell: HeatCell }[] = [];
  results.forEach((r, row) => {
    const byLr = [...groupByLr(r.runs).entries()].sort((a, b) => a[0] - b[0]);
    byLr.forEach(([lr, runs], rank) => {
      let column: HeatColumn;
      if (relative) {
        const ratio = lr / (r.recommendedLr as number);
        column = { key: ratioKey(ratio), multiplier: Number(ratio.toPrecision(6)), label: multiplierLabel(ratio) };
      } else {
        column = { key: `#${rank + 1}`, multiplier: null, label: `lr ${rank + 1}` };
      }
      if (!columnOf.has(column.key)) columnOf.set(column.key, column);
      placed.push({
        row,
        key: column.key,
        cell: {
          optimizer: r.optimizer,
          lr,
          medianFinalLoss: medianWithDivergence(runs.map((x) => (x.diverged ? null : x.finalLoss))),
          runs: runs.length,
          divergedRuns: runs.filter((x) => x.diverged || x.finalLoss === null).length,
        },
      });
    });
  });
  const columns = [...columnOf.values()].sort((a, b) =>
    relative ? (a.multiplier as number) - (b.multiplier as number) : Number(a.key.slice(1)) - Number(b.key.slice(1)),
  );
  const index = new Map(columns.map((c, i) => [c.key, i]));
  const cells: (HeatCell | null)[][] = results.map(() => columns.map(() => null));
  for (const p of placed) cells[p.row]![index.get(p.key)!] = p.cell;
  const finite = placed.map((p) => p.cell.medianFinalLoss).filter((v): v is number => v !== null);
  const lossRange: [number, number] | null = finite.length ? [Math.min(...finite), Math.max(...finite)] : null;
  return { rows: results.map((r) => r.optimizer), columns, cells, lossRange, relative };
}

// ---- loss curves --------------------------------------------------------------------------------

export interface CurveSummary {
  readonly optimizer: string;
  /** The lr the curve is for (the best lr), null when the document names none. */
  readonly lr: number | null;
  /** Step of each point. */
  readonly steps: readonly number[];
  /** Median over seeds (diverged = +Infinity), null where not finite. */
  readonly median: readonly (number | null)[];
  /** Smallest and largest finite value over seeds at each point (the band), null where no seed is finite. */
  readonly lower: readonly (number | null)[];
  readonly upper: readonly (number | null)[];
  /** Seeds the band is over. */
  readonly runs: number;
  /** The document's final loss for this optimizer (median over seeds at the best lr; null when it diverged). */
  readonly finalLoss: number | null;
}

/** Median and min..max band of curves of possibly different lengths, point by point. */
export function medianBand(curves: readonly (readonly (number | null)[])[]): { median: (number | null)[]; lower: (number | null)[]; upper: (number | null)[] } {
  const length = Math.max(0, ...curves.map((c) => c.length));
  const median: (number | null)[] = [];
  const lower: (number | null)[] = [];
  const upper: (number | null)[] = [];
  for (let i = 0; i < length; i++) {
    // A curve that ended early (its run stopped) counts as not finite from there on.
    const at = curves.map((c) => (i < c.length ? c[i]! : null));
    median.push(medianWithDivergence(at));
    const finite = at.filter((v): v is number => v !== null && Number.isFinite(v));
    lower.push(finite.length ? Math.min(...finite) : null);
    upper.push(finite.length ? Math.max(...finite) : null);
  }
  return { median, lower, upper };
}

/**
 * One curve per optimizer at its best lr: median and band over its seeds. `lossCurve[i]` is the loss
 * at step i x curveStride. Without runs at the best lr the document's own median curve is used (band = curve).
 */
export function lossCurveSummaries(doc: ProfileResultDocument): CurveSummary[] {
  const stride = doc.curveStride ?? 1;
  return doc.results.map((r) => {
    const runs = r.bestLr === null ? [] : r.runs.filter((x) => x.lr === r.bestLr);
    const curves = runs.length ? runs.map((x) => x.lossCurve) : [r.lossCurve];
    const { median, lower, upper } = medianBand(curves);
    return {
      optimizer: r.optimizer,
      lr: r.bestLr,
      steps: median.map((_, i) => i * stride),
      median,
      lower,
      upper,
      runs: runs.length || 1,
      finalLoss: r.diverged ? null : r.finalLoss,
    };
  });
}
