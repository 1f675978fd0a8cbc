/**
 * What a ranked entry stands on, as a sentence a user can check: how many comparable measurements,
 * how many independent, and the nearest ones with source, setting and numbers.
 */
import { getOptimizer } from '../optimizers';
import { isOptimizerId } from '../optimizers/registry';
import type { MeasuredRow } from './measurements/types';
import { RANKING, type RankedEntry, type WeightedRow } from './ranking';

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

function referenceOf(w: WeightedRow, all: readonly MeasuredRow[]): { name: string; value: number | null } {
  const { setting } = w.measured;
  const ref = all.find((r) => r.setting === setting && r.row.optimizer.key === setting.reference);
  if (ref) return { name: ref.row.optimizer.name, value: ref.row.value };
  const name = setting.referenceName ?? (isOptimizerId(setting.reference) ? getOptimizer(setting.reference).name : setting.reference);
  return { name, value: setting.referenceValue };
}

/** "Yuan et al. 2024 (MARS), GPT-2 small (125M) pre-training on OpenWebText: Muon 3.165 vs AdamW 3.193 (validation loss)". */
export function describeRow(w: WeightedRow, all: readonly MeasuredRow[]): string {
  const { source, setting, row } = w.measured;
  const ref = referenceOf(w, all);
  let outcome: string;
  if (row.value !== null && row.optimizer.key === setting.reference) {
    outcome = `${row.optimizer.name} ${fmt(row.value)} (${setting.metric.name}), the reference the others are measured against`;
  } else if (row.value !== null) {
    const refText = ref.value === null ? ref.name : `${ref.name} ${fmt(ref.value)}`;
    outcome = `${row.optimizer.name} ${fmt(row.value)} vs ${refText} (${setting.metric.name})`;
  } else {
    const verb = row.qualitative === 'better' ? 'better than' : row.qualitative === 'worse' ? 'worse than' : 'no better than';
    outcome = `${row.optimizer.name} ${verb} ${ref.name} (stated)`;
  }
  const self = w.measured.selfReported ? ', self-reported' : '';
  return `${source.cite}${self}, ${setting.task}: ${outcome}`;
}

export function measuredSentence(entry: RankedEntry, name: string, all: readonly MeasuredRow[]): string {
  const pairs = [...new Set(entry.overruled.map((o) => `${o.measured.source.cite} (self-report) — contradicted by the same-year-or-later independent ${o.overruledBy?.source.cite ?? ''}`))];
  const overruled = pairs.length === 0 ? '' : ` Set aside (${entry.overruled.length} row${entry.overruled.length === 1 ? '' : 's'}): ${pairs.join('; ')}.`;
  if (entry.rows.length === 0) {
    return `No comparable published measurement of ${name} for this job; its place rests on the other entries' evidence and the family default.${overruled}`;
  }
  const independent = entry.rows.filter((r) => !r.measured.selfReported).length;
  const nearest = entry.rows.slice(0, RANKING.NEAREST_SHOWN).map((r) => describeRow(r, all)).join('; ');
  const n = entry.rows.length;
  return `${n} comparable measurement${n === 1 ? '' : 's'} of ${name} (${independent} independent), ` +
    `advantage ${entry.score >= 0 ? '+' : ''}${entry.score.toFixed(2)} ± ${entry.uncertainty.toFixed(2)} in units of each setting's spread; ` +
    `nearest: ${nearest}.${overruled}`;
}
