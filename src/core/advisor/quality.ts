/**
 * The quality axis of the profile's Pareto charts (README "Profiling on your machine"): for a job and an
 * optimizer, the median outcome relative to AdamW over the nearest published measurements of the evidence
 * base (`measurements/`), with the rows it rests on as citations.
 *
 * 1. Rows: the optimizer's rows weighted for the job by the ranking (`weighRows`, quality priority, AdamW as
 *    the anchor, so a row's z is its advantage over AdamW's best row in the same setting, in the setting's
 *    own spread units, capped at ±RANKING.ZCAP; positive = better than AdamW). Only settings that measured
 *    AdamW, or whose reference is AdamW or one of its stand-ins (ADAMW_STAND_INS: the Adam or NAdamW a source
 *    uses as its transformer baseline, measurements/types.ts), count: an outcome "relative to AdamW" needs
 *    AdamW or its stand-in in the comparison; a stand-in's own row there is the reference (0 by construction)
 *    and is left out, and each citation names what it was measured against (`versus`). Self-reports a later
 *    independent measurement overrules (weight 0) are left out.
 * 2. Nearest: rows of the job's modality (a mixed-workload suite counts for any), whose similarity to the job is
 *    at least NEAREST_SPAN × the highest similarity among them (RANKING.PER_DECADE: within one step of the
 *    ranking's per-decade decay of the nearest row). Another modality's rows are not evidence about this job.
 * 3. Runs and sources: rows of one source and setting group (one run measured on several metrics) are
 *    averaged into one run; a source's runs are averaged into one value per source, so a table with thirty
 *    backbones counts once, as in the ranking ("each source's mean counted once"). The quality is the median
 *    over sources, and each source is cited with its value, so the median can be checked from the citations.
 * AdamW itself is the reference: 0 by definition, with no rows. No comparable row: `median` null,
 * shown as "no measured evidence".
 */
import { median } from '../profile/median';
import { measuredRows } from './measurements';
import type { MeasuredRow } from './measurements/types';
import { evidenceJobOf } from './measured';
import { RANKING, weighRows, type EvidenceJob, type WeightedRow } from './ranking';
import type { JobFacts } from './types';

/** The optimizer every quality figure is relative to. */
export const QUALITY_REFERENCE = 'adamw';
/**
 * References taken as AdamW's stand-in when a setting did not measure AdamW itself: the Adam (Zhao et al. 2024,
 * Shazeer and Stern 2018, Luo et al. 2023) or NAdamW (AlgoPerf) baselines of the evidence base.
 */
export const ADAMW_STAND_INS: readonly string[] = ['adam', 'nadamw'];
/** Rows at least this share of the nearest row's similarity count as "nearest". */
export const NEAREST_SPAN = RANKING.PER_DECADE;
/** Sources cited per optimizer (the nearest first). */
export const QUALITY_CITATIONS = 12;

export interface QualityCitation {
  /** Short citation ("Wen et al. 2025"). */
  readonly cite: string;
  readonly url: string;
  /** Where in the source (table, figure). */
  readonly locator: string;
  /** The setting's task in the source's terms. */
  readonly task: string;
  /** The source's outcome vs AdamW: the mean over its nearest runs (each the mean z of its rows). */
  readonly z: number;
  /** The source's nearest runs behind `z`. */
  readonly runs: number;
  readonly similarity: number;
  readonly selfReported: boolean;
  /** What the source's outcome is relative to: 'adamw', or the stand-in its setting used. */
  readonly versus: string;
}

export interface EvidenceQuality {
  /** Median outcome vs AdamW over the nearest runs (z units, + = better); null: no measured evidence. */
  readonly median: number | null;
  /** 'reference' for AdamW itself. */
  readonly basis: 'measured' | 'reference' | 'none';
  /** Runs (source × setting group) behind the median. */
  readonly runs: number;
  /** Sources behind the median (one value each). */
  readonly sources: number;
  /** Similarity of the nearest row to the job (null without rows). */
  readonly nearestSimilarity: number | null;
  /** One per source, nearest first (at most QUALITY_CITATIONS). */
  readonly citations: readonly QualityCitation[];
}

/** Settings in which AdamW was measured or which take it as their reference: what their outcomes are relative to. */
function versusOf(rows: readonly MeasuredRow[]): Map<MeasuredRow['setting'], string> {
  const out = new Map<MeasuredRow['setting'], string>();
  for (const r of rows) if (r.row.optimizer.key === QUALITY_REFERENCE || r.setting.reference === QUALITY_REFERENCE) out.set(r.setting, QUALITY_REFERENCE);
  for (const r of rows) if (!out.has(r.setting) && ADAMW_STAND_INS.includes(r.setting.reference)) out.set(r.setting, r.setting.reference);
  return out;
}

/** Whether a setting of this modality is evidence about a job of that one. */
function sameModality(a: EvidenceJob['modality'], b: EvidenceJob['modality']): boolean {
  return a === b || a === 'mixed' || b === 'mixed';
}

/** The quality of one optimizer for a job (see the module comment). */
export function evidenceQuality(job: EvidenceJob, optimizer: string, rows: readonly MeasuredRow[] = measuredRows()): EvidenceQuality {
  return evidenceQualities(job, [optimizer], rows)[optimizer]!;
}

/** The quality of each optimizer for a job, keyed by optimizer (the rows are weighed once for all of them). */
export function evidenceQualities(job: EvidenceJob, optimizers: readonly string[], rows: readonly MeasuredRow[] = measuredRows()): Record<string, EvidenceQuality> {
  const versus = versusOf(rows);
  const weighted = weighRows({ job, priority: 'quality', candidates: optimizers, incumbent: QUALITY_REFERENCE, rows });
  const out: Record<string, EvidenceQuality> = {};
  for (const id of optimizers) out[id] = fromWeighted(job, id, weighted.get(id) ?? [], versus);
  return out;
}

function fromWeighted(job: EvidenceJob, optimizer: string, rows: readonly WeightedRow[], versus: ReadonlyMap<MeasuredRow['setting'], string>): EvidenceQuality {
  const none: EvidenceQuality = { median: null, basis: 'none', runs: 0, sources: 0, nearestSimilarity: null, citations: [] };
  if (optimizer === QUALITY_REFERENCE) return { ...none, median: 0, basis: 'reference' };
  const comparable = (w: WeightedRow) => {
    const v = versus.get(w.measured.setting);
    // A stand-in's own row is its setting's reference, 0 by construction: it says nothing about AdamW.
    return v !== undefined && !(v !== QUALITY_REFERENCE && w.measured.row.optimizer.key === v);
  };
  const weighted = rows.filter((w) => w.weight > 0 && comparable(w) && sameModality(w.measured.setting.modality, job.modality));
  if (weighted.length === 0) return none;
  const nearest = Math.max(...weighted.map((w) => w.similarity));
  const near = weighted.filter((w) => w.similarity >= nearest * NEAREST_SPAN - 1e-12);
  const byRun = groupBy(near, (w) => `${w.measured.source.id}\u0000${w.measured.setting.group}`);
  const runs = [...byRun.values()].map((ws) => ({ z: mean(ws.map((w) => w.z)), top: ws.reduce((a, w) => (w.similarity > a.similarity ? w : a)) }));
  const bySource = groupBy(runs, (r) => r.top.measured.source.id);
  const sources = [...bySource.values()].map((rs): QualityCitation => {
    const top = rs.reduce((a, r) => (r.top.similarity > a.top.similarity ? r : a)).top;
    return {
      cite: top.measured.source.cite,
      url: top.measured.source.url,
      locator: top.measured.setting.locator,
      task: top.measured.setting.task,
      z: mean(rs.map((r) => r.z)),
      runs: rs.length,
      similarity: top.similarity,
      selfReported: top.measured.selfReported,
      versus: versus.get(top.measured.setting) ?? QUALITY_REFERENCE,
    };
  });
  sources.sort((a, b) => b.similarity - a.similarity || a.cite.localeCompare(b.cite));
  return {
    median: median(sources.map((c) => c.z)),
    basis: 'measured',
    runs: runs.length,
    sources: sources.length,
    nearestSimilarity: nearest,
    citations: sources.slice(0, QUALITY_CITATIONS),
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, v) => a + v, 0) / values.length;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) out.set(key(t), [...(out.get(key(t)) ?? []), t]);
  return out;
}

/** One line naming the job as the evidence's similarity sees it ("decoder-lm, fine-tune, 6.7B parameters"). */
export function evidenceJobLabel(job: EvidenceJob): string {
  const parts: string[] = [job.family, job.fineTune ? 'fine-tune' : 'pre-training'];
  if (job.adapters) parts.push('LoRA adapters');
  if (job.params !== null) {
    const [scale, unit] = job.params >= 1e9 ? [1e9, 'B'] : [1e6, 'M'];
    parts.push(`${Number((job.params / scale).toPrecision(3))}${unit} parameters`);
  }
  const tokens = job.globalBatch.find((b) => b.unit === 'tokens') ?? job.globalBatch[0];
  if (tokens) parts.push(`global batch ${tokens.value.toLocaleString('en')} ${tokens.unit}`);
  return parts.join(', ');
}

/** The quality of every optimizer for the job the facts describe, keyed by optimizer, and the job's label. */
export function evidenceQualityFor(
  facts: JobFacts,
  optimizers: readonly string[],
  rows: readonly MeasuredRow[] = measuredRows(),
): { readonly job: string; readonly reference: string; readonly optimizers: Record<string, EvidenceQuality> } {
  const job = evidenceJobOf(facts);
  return { job: evidenceJobLabel(job), reference: QUALITY_REFERENCE, optimizers: evidenceQualities(job, optimizers, rows) };
}
