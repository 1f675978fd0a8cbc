/**
 * The job's own choices. When a ranked optimizer is the one the job already uses, its
 * hyperparameters are the job's own (learning rate, weight decay, betas, eps, warmup, schedule, as
 * the job's files or its tool's defaults set them), never replaced by the advisor's generic ones. A
 * cited rule that disagrees is kept beside them as a suggestion with its reason. Pure.
 */
import type { AdvisorResult, HyperparameterAdvice, Reason, ReasonSource, Recommendation, Schedule, ScheduleKind, Warmup } from './advisor/types';
import type { TrainingSettings } from './scan/types';
import type { HyperValue } from './types';

export const OWN_FIELDS = ['lr', 'weightDecay', 'betas', 'eps', 'warmup', 'schedule'] as const;
export type OwnField = (typeof OWN_FIELDS)[number];

/** What a cited rule would set instead of the job's own value, and why. */
export interface HyperparameterSuggestion {
  readonly field: OwnField;
  /** The job's value, as shown in `hyperparameters`. */
  readonly own: unknown;
  /** What the rule suggests. */
  readonly suggested: unknown;
  readonly reason: string;
  readonly evidence: readonly ReasonSource[];
}

/** A recommendation for the optimizer the job uses: its own hyperparameters, the rules' suggestions beside them. */
export interface OwnRecommendation extends Recommendation {
  /** Which hyperparameters are the job's own (the rest are the advisor's, the job sets none). */
  readonly own: readonly OwnField[];
  readonly suggestions: readonly HyperparameterSuggestion[];
}

/** The result with the job's own hyperparameters on its current optimizer's entry. */
export function keepOwnHyperparameters(result: AdvisorResult, currentId: string | null, settings: TrainingSettings): AdvisorResult {
  if (currentId === null) return result;
  return { ...result, recommendations: result.recommendations.map((r) => (r.optimizer === currentId ? withOwnHyperparameters(r, settings) : r)) };
}

export function isOwnRecommendation(r: Recommendation): r is OwnRecommendation {
  return 'own' in r && 'suggestions' in r;
}

/**
 * The learning rate the advisor derives for a recommendation: on the job's own optimizer the suggestion
 * beside the job's value (null when the rules agree with it), elsewhere the recommendation's own lr.
 */
export function advisedLearningRate(r: Recommendation): number | null {
  if (!isOwnRecommendation(r)) return r.hyperparameters.lr;
  const s = r.suggestions.find((x) => x.field === 'lr');
  return typeof s?.suggested === 'number' ? s.suggested : null;
}

/** A learning rate off by more than this factor either way is a disagreement worth showing. */
export const LR_DISAGREEMENT_FACTOR = 2;

/**
 * Scheduler names as the tools spell them (HF SchedulerType, torch.optim.lr_scheduler classes,
 * DeepSpeed scheduler types, torchtune builders) mapped to the schedule shapes the advisor uses;
 * null when the shape is not one of them.
 */
export function scheduleKindOf(name: string): ScheduleKind | null {
  const n = name.toLowerCase().replace(/^.*\./, '');
  if (n.includes('cosine')) return 'cosine';
  if (n === 'warmupdecaylr' || n.includes('linear')) return 'linear';
  if (n === 'warmuplr' || n.includes('constant')) return 'constant';
  if (n === 'steplr' || n === 'multisteplr' || n === 'step' || n === 'multistep') return 'step';
  return null;
}

function ownWarmup(s: TrainingSettings): Warmup | null | undefined {
  if (s.warmupSteps !== undefined && (s.warmupSteps > 0 || s.warmupRatio === undefined)) return s.warmupSteps > 0 ? { unit: 'steps', value: s.warmupSteps } : null;
  if (s.warmupRatio !== undefined) return s.warmupRatio > 0 ? { unit: 'ratio', value: s.warmupRatio } : null;
  if (s.warmupEpochs !== undefined) return s.warmupEpochs > 0 ? { unit: 'epochs', value: s.warmupEpochs } : null;
  return undefined;
}

function numberList(v: unknown): readonly number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as readonly number[]) : undefined;
}

function sameWarmup(a: Warmup | null, b: Warmup | null): boolean {
  if (a === null || b === null) return a === b;
  return a.unit === b.unit && Math.abs(a.value - b.value) <= 1e-12 * Math.max(1, Math.abs(b.value));
}

/**
 * The recommendation with the job's own hyperparameters, and a suggestion for each field where the
 * advisor's cited basis (`hp:` reasons) disagrees.
 */
export function withOwnHyperparameters(rec: Recommendation, settings: TrainingSettings): OwnRecommendation {
  const advice = rec.hyperparameters;
  const basis: Reason | undefined = rec.reasons.find((r) => r.rule.startsWith('hp:'));
  const own: OwnField[] = [];
  const suggestions: HyperparameterSuggestion[] = [];
  const suggest = (field: OwnField, ownValue: unknown, suggested: unknown) => {
    if (basis === undefined) return;
    suggestions.push({ field, own: ownValue, suggested, reason: basis.text, evidence: basis.evidence });
  };
  const out: { -readonly [K in keyof HyperparameterAdvice]: HyperparameterAdvice[K] } = { ...advice };
  const params = settings.optimizerParams ?? {};

  const lr = settings.learningRate ?? (typeof params['lr'] === 'number' ? params['lr'] : undefined);
  if (lr !== undefined) {
    own.push('lr');
    out.lr = lr;
    if (advice.lr !== null && (lr > advice.lr * LR_DISAGREEMENT_FACTOR || lr < advice.lr / LR_DISAGREEMENT_FACTOR)) suggest('lr', lr, advice.lr);
  }
  const wd = settings.weightDecay ?? (typeof params['weight_decay'] === 'number' ? params['weight_decay'] : undefined);
  if (wd !== undefined) {
    own.push('weightDecay');
    out.weightDecay = wd;
    if (Math.abs(wd - advice.weightDecay) > 1e-12) suggest('weightDecay', wd, advice.weightDecay);
  }
  const betas = numberList(params['betas']);
  if (betas !== undefined) {
    own.push('betas');
    out.betas = betas;
    if (advice.betas !== null && (advice.betas.length !== betas.length || advice.betas.some((b, i) => Math.abs(b - betas[i]) > 1e-12))) suggest('betas', betas, advice.betas);
  }
  const eps = typeof params['eps'] === 'number' ? params['eps'] : numberList(params['eps']);
  if (eps !== undefined) {
    own.push('eps');
    out.eps = eps;
  }
  const warmup = ownWarmup(settings);
  if (warmup !== undefined) {
    own.push('warmup');
    out.warmup = warmup;
    if (!sameWarmup(warmup, advice.warmup)) suggest('warmup', warmup, advice.warmup);
  }
  // Settings of the reference implementation the job writes itself (momentum, nesterov, ...).
  const extra: Record<string, HyperValue> = { ...advice.extra };
  for (const key of Object.keys(advice.extra)) {
    const value = params[key];
    if (value !== undefined) extra[key] = value;
  }
  out.extra = extra;
  if (settings.scheduler !== undefined) {
    const kind = scheduleKindOf(settings.scheduler);
    if (kind !== null) {
      own.push('schedule');
      const schedule: Schedule = { kind, detail: `the job's ${settings.scheduler}` };
      out.schedule = schedule;
      if (kind !== advice.schedule.kind) suggest('schedule', schedule, advice.schedule);
    }
  }
  return { ...rec, hyperparameters: out, own, suggestions };
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  if (typeof v === 'object') {
    const o = v as { unit?: string; value?: number; kind?: string; detail?: string };
    if (o.unit !== undefined) return o.unit === 'ratio' ? `${o.value} of the steps` : `${o.value} ${o.unit}`;
    if (o.kind !== undefined) return o.kind;
  }
  return String(v);
}

/** A rule's suggestion in words: "0 instead of 0.01 — <the rule's reason>". */
export function suggestionText(s: HyperparameterSuggestion): string {
  return `${valueText(s.suggested)} instead of ${valueText(s.own)} — ${s.reason}`;
}
