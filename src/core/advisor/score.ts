/**
 * Applies rule data to facts: the path of rules that fired for a candidate, its score and tier,
 * the job-level notes and strategy selections, and the ranking order.
 */
import type { OptimizerId } from '../optimizers/types';
import { OPTIMIZER_IDS } from '../optimizers/registry';
import { cite } from './evidence';
import { evaluate, render } from './predicate';
import type { CandidateRule, Facts, JobFacts, JobRule, Reason, StrategyId, Tier } from './types';

const TIER_ORDER: Readonly<Record<Tier, number>> = { ok: 0, 'does-not-fit': 1, 'not-recommended': 2 };

export interface RuleOutcome {
  readonly score: number;
  readonly tier: Tier;
  readonly reasons: readonly Reason[];
}

function targets(ids: readonly OptimizerId[] | undefined, optimizer: OptimizerId): boolean {
  return ids === undefined || ids.includes(optimizer);
}

/** Fires every rule whose condition holds and whose effect targets this candidate, in rule order. */
export function applyCandidateRules(
  rules: readonly CandidateRule[],
  facts: Facts,
  values: Readonly<Record<string, string>>,
): RuleOutcome {
  let score = 0;
  let tier: Tier = 'ok';
  const reasons: Reason[] = [];
  for (const rule of rules) {
    if (!targets(rule.effect.ids, facts.optimizer)) continue;
    if (!evaluate(rule.when, facts)) continue;
    const effect = rule.effect;
    let delta = 0;
    if (effect.kind === 'score') {
      delta = effect.by;
      score += delta;
    } else if (TIER_ORDER[effect.tier] > TIER_ORDER[tier]) {
      tier = effect.tier;
    }
    reasons.push({ rule: rule.id, text: render(rule.text, values), evidence: rule.evidence.map(cite), score: delta });
  }
  return { score, tier, reasons };
}

export interface JobOutcome {
  readonly notes: readonly Reason[];
  /** Strategies selected by rules, each with the rule that selected it, in rule order. */
  readonly strategies: readonly { readonly id: StrategyId; readonly reason: Reason }[];
}

export function applyJobRules(
  rules: readonly JobRule[],
  facts: JobFacts,
  values: Readonly<Record<string, string>>,
): JobOutcome {
  const notes: Reason[] = [];
  const strategies: { id: StrategyId; reason: Reason }[] = [];
  for (const rule of rules) {
    if (!evaluate(rule.when, facts)) continue;
    const reason: Reason = { rule: rule.id, text: render(rule.text, values), evidence: rule.evidence.map(cite), score: 0 };
    if (rule.effect.kind === 'note') notes.push(reason);
    else for (const id of rule.effect.ids) strategies.push({ id, reason });
  }
  return { notes, strategies };
}

export interface Rankable {
  readonly optimizer: OptimizerId;
  readonly tier: Tier;
  readonly score: number;
  readonly peakBytes: number | null;
  /**
   * Paged optimizer state (bitsandbytes unified memory), outside the peak. The tie-break compares
   * peak + paged state, so paging wins on memory only by fitting, not by hiding its states.
   */
  readonly pagedBytes?: number;
}

/**
 * Tier, then higher score, then without paged state before with it (paging is worth its speed cost
 * only when it is what makes a job fit, and then the tiers differ), then lower peak + paged state
 * (unknown last), then catalog order: a total order.
 */
export function compareCandidates(a: Rankable, b: Rankable): number {
  const byTier = TIER_ORDER[a.tier] - TIER_ORDER[b.tier];
  if (byTier !== 0) return byTier;
  if (a.score !== b.score) return b.score - a.score;
  const pagedA = (a.pagedBytes ?? 0) > 0;
  const pagedB = (b.pagedBytes ?? 0) > 0;
  if (pagedA !== pagedB) return pagedA ? 1 : -1;
  const fa = a.peakBytes === null ? null : a.peakBytes + (a.pagedBytes ?? 0);
  const fb = b.peakBytes === null ? null : b.peakBytes + (b.pagedBytes ?? 0);
  if (fa !== fb) {
    if (fa === null) return 1;
    if (fb === null) return -1;
    return fa - fb;
  }
  return OPTIMIZER_IDS.indexOf(a.optimizer) - OPTIMIZER_IDS.indexOf(b.optimizer);
}
