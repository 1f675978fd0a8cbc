/**
 * The engine's side of the measured ranking: the job's facts as the similarity sees them, the
 * ranking over the catalog candidates, and each candidate's measured basis with its sentence and the
 * sources it cites.
 */
import { getOptimizer } from '../optimizers';
import type { OptimizerId } from '../optimizers/types';
import { isOptimizerId } from '../optimizers/registry';
import { measuredRows } from './measurements';
import type { GlobalBatch, MeasuredRow, Modality, TaskFamily } from './measurements/types';
import { describeRow, measuredSentence } from './measured-sentence';
import { rankByEvidence, type EvidenceJob, type RankedEntry, type RankResult } from './ranking';
import { describeCounts, type SavedProfileUse } from './saved-profile';
import type { JobFacts, MeasuredBasis, Reason, ReasonSource } from './types';

export function evidenceJobOf(facts: JobFacts): EvidenceJob {
  let family: TaskFamily;
  let modality: Modality;
  switch (facts.stacks) {
    case 'decoder': family = 'decoder-lm'; modality = 'text'; break;
    case 'encoder': family = 'encoder-lm'; modality = 'text'; break;
    case 'encoder-decoder': family = 'encoder-decoder-lm'; modality = 'text'; break;
    case 'vision': family = 'vit'; modality = 'image'; break;
    case 'multimodal': family = 'vit'; modality = 'mixed'; break;
    case 'cnn': family = 'cnn'; modality = 'image'; break;
    case 'diffusion': family = 'diffusion'; modality = 'image'; break;
  }
  const globalBatch: GlobalBatch[] = modality === 'image' || family === 'cnn'
    ? [{ value: facts.globalBatch, unit: 'images' }]
    : [{ value: facts.globalBatch * facts.seqLen, unit: 'tokens' }, { value: facts.globalBatch, unit: 'sequences' }];
  return { family, modality, params: facts.params, fineTune: facts.fineTune, adapters: facts.lora, globalBatch, tokensPerParam: null };
}

export interface MeasuredRanking {
  readonly result: RankResult;
  /** Position of each candidate in the measured order (0 = first). */
  readonly position: ReadonlyMap<OptimizerId, number>;
  readonly basis: ReadonlyMap<OptimizerId, MeasuredBasis>;
  /** The `measured` reason per candidate with comparable rows (absent when it has none). */
  readonly reason: ReadonlyMap<OptimizerId, Reason>;
}

function sourceOf(row: MeasuredRow, claim: string): ReasonSource {
  return {
    id: `measurement:${row.source.id}`,
    title: `${row.source.title} (${row.source.cite})`,
    url: row.source.url,
    locator: `${row.setting.locator}; read at ${row.source.readAt}`,
    claim,
    quote: row.row.excerpt,
  };
}

export function rankCandidates(
  facts: JobFacts,
  candidates: readonly OptimizerId[],
  incumbent: OptimizerId,
  peakBytes: ReadonlyMap<string, number | null>,
  rows: readonly MeasuredRow[] = measuredRows(),
  savedProfile: SavedProfileUse = { status: 'none' },
): MeasuredRanking {
  const saved = facts.priority === 'stability' && savedProfile.status === 'used' ? savedProfile.robustness : null;
  const result = rankByEvidence({
    job: evidenceJobOf(facts), priority: facts.priority, candidates, incumbent, peakBytes, rows,
    ...(saved !== null ? { robustness: saved.optimizers } : {}),
  });
  const position = new Map<OptimizerId, number>();
  const basis = new Map<OptimizerId, MeasuredBasis>();
  const reason = new Map<OptimizerId, Reason>();
  result.entries.forEach((e: RankedEntry, i) => {
    const id = e.key as OptimizerId;
    position.set(id, i);
    const name = getOptimizer(id).name;
    const counts = saved?.optimizers.get(id);
    const sentence = counts === undefined
      ? measuredSentence(e, name, rows)
      : `${measuredSentence(e, name, rows)} Robustness from your saved profile (${saved!.label}): ${describeCounts(counts)}.`;
    basis.set(id, {
      score: e.score,
      uncertainty: e.uncertainty,
      weight: e.weight,
      comparableRows: e.rows.length,
      independentRows: e.rows.filter((r) => !r.measured.selfReported).length,
      beatsIncumbent: e.beatsIncumbent,
      basis: e.basis,
      sentence,
      nearest: e.rows.slice(0, 3).map((r) => ({
        source: r.measured.source.id,
        cite: r.measured.source.cite,
        url: r.measured.source.url,
        setting: r.measured.setting.task,
        locator: r.measured.setting.locator,
        text: describeRow(r, rows),
        excerpt: r.measured.row.excerpt,
        selfReported: r.measured.selfReported,
        similarity: r.similarity,
      })),
    });
    if (e.rows.length > 0) {
      const seen = new Set<string>();
      const sources: ReasonSource[] = [];
      for (const r of e.rows.slice(0, 3)) {
        if (seen.has(r.measured.source.id)) continue;
        seen.add(r.measured.source.id);
        sources.push(sourceOf(r.measured, describeRow(r, rows)));
      }
      reason.set(id, { rule: 'measured', text: sentence, evidence: sources, score: 0 });
    }
  });
  return { result, position, basis, reason };
}

/** How to make a saved profile the stability priority can use (CLI words; the sidebar saves its own). */
export const SAVED_PROFILE_HINT = 'make one with `profile --robustness --out DIR`, then `recommend --profile DIR/profile.json` (in the sidebar: run Profile for this job)';

/** The stability priority's sentence on the saved profile: used, ignored and why, or none exists. */
export function savedProfileNote(use: SavedProfileUse): string {
  switch (use.status) {
    case 'used':
      return `Among equal published divergence rates, the order follows the robustness measured in your saved profile ${use.robustness.file} (${use.robustness.label}): the share of robustness probes survived, then the share of learning-rate runs that did not diverge; optimizers it did not measure come after those it did.`;
    case 'ignored':
      return `The profiler's robustness probes were not used: the profile ${use.file} was ignored because ${use.why}; ${SAVED_PROFILE_HINT}.`;
    case 'none':
      return `The profiler's robustness probes were not used because no saved profile for this job exists; ${SAVED_PROFILE_HINT}.`;
  }
}

/** One sentence on how the order was reached, for the job as a whole. */
export function rankingNote(result: RankResult, priority: JobFacts['priority'], incumbentName: string, incumbentIsCurrent: boolean, savedProfile: SavedProfileUse = { status: 'none' }): string {
  const who = incumbentIsCurrent ? `${incumbentName} (what the job uses now)` : `${incumbentName} (the family default)`;
  const parts: string[] = [];
  if (result.thin) {
    parts.push(`Evidence near this job is thin (total similarity weight ${result.totalWeight.toFixed(2)}): ${who} stays first as the family default; the rest are ordered by what little was measured.`);
  } else {
    parts.push(`Ranked from published head-to-head measurements weighted by similarity to this job (total weight ${result.totalWeight.toFixed(2)}); ${who} stays first unless another's measured advantage exceeds the uncertainty of the difference.`);
  }
  if (priority === 'memory') parts.push('Memory priority: fit first; then, among those the evidence does not show losing quality against the incumbent, lower peak memory first; then the rest by measured quality.');
  if (result.heldBackForAdapters.length > 0) {
    const names = result.heldBackForAdapters.map((k) => (isOptimizerId(k) ? getOptimizer(k).name : k)).join(', ');
    parts.push(`${names} measured better, but only on full weights: with LoRA adapters no comparable measurement exists, so it is not placed above ${incumbentName}.`);
  }
  if (result.stabilityFellBack) parts.push('Stability priority: no comparable measurement reports a divergence, so the order follows the final-quality evidence.');
  if (priority === 'stability') parts.push(savedProfileNote(savedProfile));
  return parts.join(' ');
}
