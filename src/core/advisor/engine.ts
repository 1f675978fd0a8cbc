/**
 * The advisor: estimates every candidate with the memory estimator, walks the rule data
 * (rules.ts) over the job's facts, derives hyperparameters (hyperparameters.ts), ranks, and when
 * the job does not fit computes each applicable memory strategy's saving with the estimator.
 */
import { formatBytes, formatCount } from '../units';
import { resolveEstimateInput } from '../memory/defaults';
import { estimateMemory } from '../memory/estimate';
import type { EstimateInput, MemoryEstimate } from '../memory/types';
import { getOptimizer, resolveOptimizer } from '../optimizers';
import type { OptimizerId, ResolvedOptimizer } from '../optimizers/types';
import { isOptimizerId, OPTIMIZER_IDS } from '../optimizers/registry';
import { InputError } from '../types';
import { decideFineTune, deriveJobFacts, detectionAssumptions, fitFact, globalBatchOf } from './facts';
import { advisedStateSettings, deriveHyperparameters } from './hyperparameters';
import { countParams } from '../models';
import { rankCandidates, rankingNote } from './measured';
import type { SavedProfileUse } from './saved-profile';
import { cite } from './evidence';
import { ARCHITECTURE_DEFAULT, CANDIDATE_RULES, DENOISER_DEFAULT, FAMILY_DEFAULT, JOB_RULES } from './rules';
import { applyCandidateRules, applyJobRules, compareCandidates } from './score';
import { STRATEGY_COST, strategySpec, type StrategyContext } from './strategies';
import {
  isPriority, STRATEGY_IDS,
  type AdvisorInput, type AdvisorResult, type JobFacts, type PlanStep, type Reason, type Recommendation, type StrategyAdvice,
  type StrategyId, type StrategyPlan,
} from './types';

/**
 * Candidates ranked by default: the whole catalog. Nothing is hidden: optimizers that need
 * Hessian information (AdaHessian, Sophia) or that the estimator cannot model for the job are
 * listed in a lower tier with the rule that put them there.
 */
export const DEFAULT_CANDIDATES: readonly OptimizerId[] = OPTIMIZER_IDS;


function checkCandidates(ids: readonly OptimizerId[] | undefined): readonly OptimizerId[] {
  if (ids === undefined) return DEFAULT_CANDIDATES;
  if (ids.length === 0) throw new InputError('the list of candidate optimizers is empty');
  for (const id of ids) if (!isOptimizerId(id)) throw new InputError(`unknown optimizer id "${String(id)}"`);
  return OPTIMIZER_IDS.filter((id) => ids.includes(id));
}

function resolveId(id: OptimizerId): ResolvedOptimizer {
  const resolved = resolveOptimizer(id);
  if (!resolved) throw new Error(`advisor: the catalog does not resolve its own id "${id}"`);
  return resolved;
}

/** Catches only user-caused errors; anything else is a bug and propagates. */
function attempt<T>(f: () => T): { value: T; error: null } | { value: null; error: string } {
  try {
    return { value: f(), error: null };
  } catch (e) {
    if (e instanceof InputError) return { value: null, error: e.message };
    throw e;
  }
}

interface Estimated {
  readonly input: EstimateInput;
  readonly estimate: MemoryEstimate;
}

interface Scored extends Omit<Recommendation, 'rank' | 'measured'> {
  readonly estimated: Estimated | null;
  /** Optimizer state that pages to host memory (compareCandidates orders paged candidates by it). */
  readonly pagedBytes: number;
}

/**
 * The estimator input for one candidate, as the advisor builds it: the job's current optimizer keeps the
 * user's hyperparameters, every other one its own defaults with the advised settings that shape its state
 * (GaLore's rank for the model's size). `base` defaults to the job's settings.
 */
export function candidateEstimateInput(input: AdvisorInput, id: OptimizerId, base: AdvisorInput['estimateBase'] = input.estimateBase): EstimateInput {
  const current = input.current ?? null;
  const isCurrent = current !== null && current.id === id;
  return resolveEstimateInput({
    ...base,
    model: input.model,
    optimizer: isCurrent ? current : resolveId(id),
    hyperparameters: isCurrent ? base.hyperparameters ?? {} : advisedStateSettings(id, countParams(input.model).total),
  });
}

function estimateCandidate(input: AdvisorInput, id: OptimizerId): Estimated {
  const i = candidateEstimateInput(input, id);
  return { input: i, estimate: estimateMemory(i) };
}

/** The job's facts, from its family default's estimate (which also decides whether the job is memory-bound). */
interface JobSetting {
  readonly defaultId: OptimizerId;
  readonly reference: Estimated;
  readonly facts: JobFacts;
  readonly gpuMemory: number | null;
  readonly baseDtype: MemoryEstimate['baseDtype'];
  readonly assumptions: readonly string[];
}

function establishJob(input: AdvisorInput): JobSetting {
  const current: ResolvedOptimizer | null = input.current ?? null;
  const assumptions: string[] = [];
  if (!current && input.estimateBase.hyperparameters && Object.keys(input.estimateBase.hyperparameters).length > 0) {
    assumptions.push('Hyperparameters were given without the optimizer they belong to; every candidate is estimated with its own defaults.');
  }
  // The family default sets the job's settings and decides whether the job is memory-bound.
  const shape = input.model.shape;
  const defaultId = shape.kind === 'cnn' && shape.denoiser === true ? DENOISER_DEFAULT : ARCHITECTURE_DEFAULT[input.model.family] ?? FAMILY_DEFAULT[shape.kind];
  const reference = estimateCandidate(input, defaultId);
  const ft = decideFineTune(input.fineTune, reference.input.lora !== null, input.hubId);
  if (ft.assumption) assumptions.push(ft.assumption);
  const baseDtype = reference.estimate.baseDtype;
  // From scratch the model is built from its config, not loaded: PyTorch creates fp32 parameters, nothing is assumed.
  if (baseDtype.source === 'assumed' && ft.fineTune) assumptions.push(`Base weights in ${baseDtype.dtype}: ${baseDtype.reason}.`);
  const facts: JobFacts = deriveJobFacts({
    model: input.model,
    reference: reference.input,
    referenceEstimate: reference.estimate,
    fineTune: ft.fineTune,
    globalBatch: globalBatchOf(reference.input, input.globalBatchSize),
    priority: input.priority,
    totalSteps: input.totalSteps ?? null,
    totalStepsBasis: input.totalStepsBasis ?? null,
    detection: input.detection ?? null,
  });
  if (input.detection) assumptions.push(...detectionAssumptions(input.detection));
  const gpuMemory = reference.input.gpuMemoryBytes;
  if (gpuMemory === null) assumptions.push('GPU memory was not given: fits are unknown and no memory strategies are computed.');
  return { defaultId, reference, facts, gpuMemory, baseDtype, assumptions };
}

/** The values the rules' texts name (`{globalBatch}`, `{memoryReason}`, ...). */
function ruleTextValues(job: JobSetting): Record<string, string> {
  const { facts, gpuMemory, reference, defaultId } = job;
  const memoryReasons: string[] = [];
  if (facts.memoryBound && gpuMemory !== null) {
    memoryReasons.push(`${getOptimizer(defaultId).name} needs ${formatBytes(reference.estimate.bytes.peak)} per GPU, more than the ${formatBytes(gpuMemory)} available`);
  }
  if (facts.priority === 'memory') memoryReasons.push('memory is your priority');
  return {
    globalBatch: String(facts.globalBatch),
    params: formatCount(facts.params),
    gpus: String(facts.gpus),
    precision: facts.precision,
    gpuMemory: gpuMemory === null ? 'unknown' : formatBytes(gpuMemory),
    memoryReason: memoryReasons.join('; '),
  };
}

/** One candidate estimated, walked through the candidate rules, with its hyperparameters. */
function scoreCandidate(input: AdvisorInput, job: JobSetting, jobValues: Record<string, string>, id: OptimizerId): Scored {
  const current = input.current ?? null;
  const spec = getOptimizer(id);
  const est = id === job.defaultId ? { value: job.reference, error: null } : attempt(() => estimateCandidate(input, id));
  const fits = est.value ? est.value.estimate.fits : null;
  const peakBytes = est.value ? est.value.estimate.bytes.peak : null;
  const outcome = applyCandidateRules(
    CANDIDATE_RULES,
    {
      ...job.facts,
      optimizer: id,
      fits: fitFact(fits),
      estimated: est.value !== null,
      needsHessian: spec.needsHessian === true,
      current: current !== null && current.id === id,
    },
    {
      ...jobValues,
      name: spec.name,
      optimizer: id,
      peak: peakBytes === null ? 'unknown' : formatBytes(peakBytes),
      estimateError: est.error ?? '',
    },
  );
  const hp = deriveHyperparameters({
    optimizer: id,
    facts: job.facts,
    catalog: { defaults: spec.defaults, lrRange: spec.lrRange, reference: spec.reference },
  });
  return {
    optimizer: id,
    fits,
    peakBytes,
    pagedBytes: est.value ? est.value.estimate.bytes.pagedOptimizerState : 0,
    score: outcome.score,
    tier: outcome.tier,
    reasons: [...outcome.reasons, ...hp.basis],
    hyperparameters: hp.advice,
    estimated: est.value,
  };
}

/** Hard constraints the rules cannot see: bitsandbytes optimizers need CUDA. */
function applyDeviceConstraint(c: Scored, device: AdvisorInput['device']): Scored {
  if (device === undefined || device === null || device === 'cuda') return c;
  const variant = getOptimizer(c.optimizer).variant;
  if (!variant || (variant.stateBits !== 8 && !variant.paged)) return c;
  const reason: Reason = {
    rule: 'bitsandbytes-needs-cuda',
    text: `${getOptimizer(c.optimizer).name} is a bitsandbytes optimizer, whose 8-bit kernels need a CUDA GPU; this job runs on ${device}.`,
    evidence: [cite('bnb-paged-optimizers')],
    score: 0,
  };
  return { ...c, tier: 'not-recommended', reasons: [reason, ...c.reasons] };
}

type Ranked = Scored & Pick<Recommendation, 'measured' | 'fitPlan'> & { readonly ruleScore: number };

/**
 * The order: tier first (the rules decide tiers). Among candidates that can run ('ok'), the measured
 * evidence's order (measured.ts); below that (does not fit, not recommended) the rule order, which
 * orderByFitPlan replaces by the smallest change that fits when nothing fits.
 */
function rankByEvidence(constrained: readonly Scored[], facts: JobFacts, candidates: readonly OptimizerId[], incumbent: OptimizerId, savedProfile: SavedProfileUse): { ranked: Ranked[]; measured: ReturnType<typeof rankCandidates> } {
  const measured = rankCandidates(facts, candidates, incumbent, new Map(constrained.map((c) => [c.optimizer, c.peakBytes])), undefined, savedProfile);
  const withEvidence: Ranked[] = constrained.map((c) => {
    const basis = measured.basis.get(c.optimizer)!;
    const reason = measured.reason.get(c.optimizer);
    return { ...c, ruleScore: c.score, score: basis.score, measured: basis, reasons: reason ? [reason, ...c.reasons] : c.reasons };
  });
  const position = (id: OptimizerId) => measured.position.get(id) ?? Number.MAX_SAFE_INTEGER;
  const ranked = [...withEvidence].sort((a, b) => {
    const okBoth = a.tier === 'ok' && b.tier === 'ok';
    return compareCandidates(
      { ...a, score: okBoth ? -position(a.optimizer) : a.ruleScore, peakBytes: okBoth ? null : a.peakBytes },
      { ...b, score: okBoth ? -position(b.optimizer) : b.ruleScore, peakBytes: okBoth ? null : b.peakBytes },
    );
  });
  return { ranked, measured };
}

export function recommend(input: AdvisorInput): AdvisorResult {
  if (!isPriority(input.priority)) {
    throw new InputError(`priority must be one of memory, speed, stability, quality; got "${String(input.priority)}"`);
  }
  const candidates = checkCandidates(input.candidates);
  const current: ResolvedOptimizer | null = input.current ?? null;
  const setting = establishJob(input);
  const { facts, reference, defaultId } = setting;
  const jobValues = ruleTextValues(setting);
  const constrained = candidates.map((id) => applyDeviceConstraint(scoreCandidate(input, setting, jobValues, id), input.device));

  const incumbent = current && candidates.includes(current.id) ? current.id : defaultId;
  const savedProfile = input.savedProfile ?? { status: 'none' };
  const { ranked: byEvidence, measured } = rankByEvidence(constrained, facts, candidates, incumbent, savedProfile);

  const job = applyJobRules(JOB_RULES, facts, jobValues);
  const ctx: StrategyContext = {
    facts,
    resolveSpelling: (spelling, ecosystem = 'bitsandbytes', hyperparameters = {}) => resolveOptimizer(spelling, hyperparameters, ecosystem) ?? null,
    resolveInput: (partial) => resolveEstimateInput(partial),
    estimate: memoEstimate(),
  };
  const selected = job.strategies.map((s) => s.id);
  // Nothing fits: no candidate is known to fit (one the estimator cannot model has no fit either way).
  const nothingFits = setting.gpuMemory !== null && !byEvidence.some((r) => r.fits === true) && byEvidence.some((r) => r.fits === false);
  const ranked = nothingFits ? orderByFitPlan(byEvidence, selected, ctx) : byEvidence;
  const recommendations: Recommendation[] = ranked.map(({ estimated: _e, ruleScore: _s, ...r }, i) => ({ ...r, rank: i + 1 }));

  const base = strategyBase(ranked, current, reference);
  const strategies = base ? computeStrategies(base, job.strategies, ctx) : [];
  const topPlan = nothingFits && base !== null && ranked[0]?.estimated === base ? ranked[0].fitPlan ?? null : null;
  const strategyPlan = topPlan ?? (base ? planStrategies(base, selected, ctx) : null);
  const notes = nothingFits ? [...job.notes, nothingFitsNote(ranked, jobValues)] : job.notes;

  return {
    facts,
    recommendations,
    strategyBase: base ? { optimizer: base.input.optimizer.id, peakBytes: base.estimate.bytes.peak } : null,
    strategies,
    strategyPlan,
    notes,
    ranking: {
      text: rankingNote(measured.result, facts.priority, getOptimizer(incumbent).name, current !== null && current.id === incumbent, savedProfile),
      thin: measured.result.thin,
      totalWeight: measured.result.totalWeight,
      incumbent,
      stabilityFellBack: measured.result.stabilityFellBack,
      savedProfile: facts.priority !== 'stability' ? null : savedProfile.status === 'used'
        ? { status: 'used', file: savedProfile.robustness.file, detail: savedProfile.robustness.label }
        : savedProfile.status === 'ignored' ? { status: 'ignored', file: savedProfile.file, detail: savedProfile.why } : { status: 'none', file: null, detail: null },
    },
    assumptions: [...setting.assumptions],
    baseDtype: setting.baseDtype,
  };
}

/** The first of: the top choice, the current optimizer, the family default, that does not fit. */
function strategyBase(
  ranked: readonly Pick<Scored, 'estimated' | 'fits' | 'optimizer'>[],
  current: ResolvedOptimizer | null,
  reference: Estimated,
): Estimated | null {
  const top = ranked[0];
  if (top?.estimated && top.fits === false) return top.estimated;
  const cur = current ? ranked.find((r) => r.optimizer === current.id) : undefined;
  if (cur?.estimated && cur.fits === false) return cur.estimated;
  return reference.estimate.fits === false ? reference : null;
}

/** The job with strategy `id` applied and its estimate, or null when it does not apply or cannot be estimated. */
/** What a plan step sets besides memory: its TrainingArguments values, and the optimizer it switches to. */
function stepChanges(before: EstimateInput, applied: { readonly input: EstimateInput; readonly settings?: PlanStep['settings'] }): Pick<PlanStep, 'settings' | 'optimizer'> {
  return {
    ...(applied.settings !== undefined ? { settings: applied.settings } : {}),
    ...(applied.input.optimizer.id !== before.optimizer.id ? { optimizer: applied.input.optimizer.id } : {}),
  };
}

function tryStrategy(id: StrategyId, base: EstimateInput, ctx: StrategyContext): { input: EstimateInput; text: string; settings?: PlanStep['settings']; after: MemoryEstimate } | null {
  return attempt(() => {
    const applied = strategySpec(id).apply(base, ctx);
    return applied ? { ...applied, after: ctx.estimate(applied.input) } : null;
  }).value;
}

function computeStrategies(
  base: Estimated,
  selected: readonly { readonly id: StrategyId; readonly reason: Reason }[],
  ctx: StrategyContext,
): StrategyAdvice[] {
  const basePeak = base.estimate.bytes.peak;
  const out: StrategyAdvice[] = [];
  const seen = new Set<StrategyId>();
  for (const { id, reason } of selected) {
    if (seen.has(id)) continue;
    seen.add(id);
    const result = tryStrategy(id, base.input, ctx);
    if (!result) continue;
    const savingBytes = basePeak - result.after.bytes.peak;
    if (savingBytes <= 0) continue;
    out.push({ id, savingBytes, peakBytes: result.after.bytes.peak, fits: result.after.fits, text: result.text, evidence: reason.evidence });
  }
  return out.sort((a, b) => b.savingBytes - a.savingBytes || STRATEGY_IDS.indexOf(a.id) - STRATEGY_IDS.indexOf(b.id));
}

/**
 * The estimator with a memo for one recommend() call: plans of different candidates reach the same job (every
 * AdamW-like optimizer becomes the same GaLore run), and the estimate of a 7B model takes milliseconds. The key is
 * the input without its model, plus the model object's identity (a strategy that changes the model makes a new one).
 */
function memoEstimate(): (input: EstimateInput) => MemoryEstimate {
  const cache = new Map<string, MemoryEstimate>();
  const models = new WeakMap<object, number>();
  let nextModel = 0;
  return (input) => {
    let m = models.get(input.model);
    if (m === undefined) {
      m = nextModel++;
      models.set(input.model, m);
    }
    const { model: _model, optimizer, ...rest } = input;
    const key = `${m}\u0000${optimizer.id}\u0000${JSON.stringify(optimizer.variant)}\u0000${optimizer.spelling}\u0000${JSON.stringify(rest)}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const out = estimateMemory(input);
    cache.set(key, out);
    return out;
  };
}

/** The strategies a plan may use, in the order it applies them: up the ladder, the micro-batch search last (it looks for the largest micro-batch that fits given the rest). */
function planOrder(selected: readonly StrategyId[]): StrategyId[] {
  const ids = STRATEGY_IDS.filter((id) => selected.includes(id));
  const last = ids.filter((id) => id === 'smaller-micro-batch');
  return [...ids.filter((id) => id !== 'smaller-micro-batch').sort((a, b) => STRATEGY_COST[a].level - STRATEGY_COST[b].level || STRATEGY_IDS.indexOf(a) - STRATEGY_IDS.indexOf(b)), ...last];
}

interface Replayed {
  readonly applied: readonly { readonly id: StrategyId; readonly text: string; readonly input: EstimateInput; readonly step: Pick<PlanStep, 'settings' | 'optimizer'> }[];
  readonly input: EstimateInput;
  readonly estimate: MemoryEstimate;
}

/** `ids` applied one after another to `base` (those that do not apply are skipped), and the result's estimate. */
function replay(base: EstimateInput, ids: readonly StrategyId[], ctx: StrategyContext): Replayed | null {
  const r = attempt(() => {
    let input = base;
    const applied: { id: StrategyId; text: string; input: EstimateInput; step: Pick<PlanStep, 'settings' | 'optimizer'> }[] = [];
    for (const id of ids) {
      // The micro-batch search comes last and only when the rest does not fit already (then it is not needed).
      if (id === 'smaller-micro-batch' && ctx.estimate(input).fits === true) continue;
      const a = strategySpec(id).apply(input, ctx);
      if (!a) continue;
      applied.push({ id, text: a.text, input: a.input, step: stepChanges(input, a) });
      input = a.input;
    }
    return { applied, input, estimate: ctx.estimate(input) };
  });
  return r.value;
}

/**
 * The cheapest plan that makes `base` fit: climb the ladder (STRATEGY_COST) one level at a time, applying every
 * selected strategy up to that level; at the first level where the job fits, drop the strategies it does not need
 * (the most expensive first). Null when even the whole ladder does not make it fit.
 */
export function cheapestPlan(base: EstimateInput, selected: readonly StrategyId[], ctx: StrategyContext): StrategyPlan | null {
  const order = planOrder(selected);
  const levels = [...new Set(order.map((id) => STRATEGY_COST[id].level))].sort((a, b) => a - b);
  for (const level of levels) {
    const all = replay(base, order.filter((id) => STRATEGY_COST[id].level <= level), ctx);
    if (all === null || all.estimate.fits !== true) continue;
    let kept = all;
    const byCost = [...all.applied].sort((a, b) => STRATEGY_COST[b.id].level - STRATEGY_COST[a.id].level || order.indexOf(b.id) - order.indexOf(a.id));
    // The only strategy of the plan's own rung stays: without it every remaining one sits on a lower rung, and all of
    // those together did not fit.
    const onRung = all.applied.filter((x) => STRATEGY_COST[x.id].level === level);
    for (const step of byCost) {
      if (kept.applied.length <= 1) break;
      if (!kept.applied.some((x) => x.id === step.id) || (onRung.length === 1 && onRung[0]!.id === step.id)) continue;
      const trial = replay(base, kept.applied.filter((x) => x.id !== step.id).map((x) => x.id), ctx);
      if (trial !== null && trial.estimate.fits === true && trial.applied.length < kept.applied.length) kept = trial;
    }
    const steps = kept.applied.map((x) => ({ id: x.id, text: x.text, changes: STRATEGY_COST[x.id].changes, peakBytes: ctx.estimate(x.input).bytes.peak, ...x.step }));
    return { steps, peakBytes: kept.estimate.bytes.peak, fits: true, level: Math.max(...kept.applied.map((x) => STRATEGY_COST[x.id].level)) };
  }
  return null;
}

/**
 * When nothing fits: each candidate that does not fit gets its cheapest plan, and those are ordered by it (the
 * lowest rung of the ladder, then the fewest changes, then keeping its own optimizer; equal plans keep the
 * previous order, as the peaks after them differ little); candidates no plan makes fit follow in their previous
 * order, and the not-recommended tier stays last.
 */
function orderByFitPlan(ranked: readonly Ranked[], selected: readonly StrategyId[], ctx: StrategyContext): Ranked[] {
  const withPlans = ranked.map((r) => (r.tier === 'does-not-fit' && r.estimated ? { ...r, fitPlan: cheapestPlan(r.estimated.input, selected, ctx) } : r));
  const key = (r: Ranked): readonly number[] => {
    const tier = r.tier === 'ok' ? 0 : r.tier === 'does-not-fit' ? 1 : 2;
    const p = r.fitPlan;
    // On a tie, a plan that keeps the candidate's optimizer goes before one that replaces it (8-bit, paged, GaLore).
    const replaces = p ? p.steps.some((x) => x.id === '8bit-states' || x.id === 'paged-states' || (x.id === 'galore' && r.optimizer !== 'galore-adamw')) : false;
    return p ? [tier, 0, p.level ?? 0, p.steps.length, replaces ? 1 : 0] : [tier, 1, 0, 0, 0];
  };
  const index = new Map(withPlans.map((r, i) => [r, i]));
  return [...withPlans].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return index.get(a)! - index.get(b)!;
  });
}

function nothingFitsNote(ranked: readonly Ranked[], values: Record<string, string>): Reason {
  const top = ranked[0];
  const plan = top?.fitPlan;
  const first = top && plan
    ? ` The first, ${getOptimizer(top.optimizer).name}, fits with ${plan.steps.map((s) => s.id).join(' + ')} (${formatBytes(plan.peakBytes)}).`
    : ' No plan of the strategies considered makes any of them fit.';
  return {
    rule: 'nothing-fits-smallest-change',
    text: `No optimizer fits in ${values['gpuMemory']} as the job is set up, so they are ordered by the smallest change that makes each fit: the same training made slower first (checkpointing, smaller micro-batches), then 8-bit or paged states, GaLore, adapters, QLoRA, ZeRO, CPU offload.${first}`,
    evidence: [cite('advisor-memory-estimate')],
    score: 0,
  };
}

/** Greedy: apply the strategy that lowers the peak most, on top of the previous ones, until the job fits. */
function planStrategies(base: Estimated, selected: readonly StrategyId[], ctx: StrategyContext): StrategyPlan | null {
  const ids = STRATEGY_IDS.filter((id) => selected.includes(id));
  let input = base.input;
  let estimate = base.estimate;
  const steps: PlanStep[] = [];
  while (estimate.fits === false) {
    let best: { id: StrategyId; input: EstimateInput; text: string; settings?: PlanStep['settings']; after: MemoryEstimate } | null = null;
    for (const id of ids) {
      if (steps.some((s) => s.id === id)) continue;
      const result = tryStrategy(id, input, ctx);
      if (result && result.after.bytes.peak < (best ? best.after.bytes.peak : estimate.bytes.peak)) best = { id, ...result };
    }
    if (!best) break;
    steps.push({ id: best.id, text: best.text, changes: STRATEGY_COST[best.id].changes, peakBytes: best.after.bytes.peak, ...stepChanges(input, best) });
    input = best.input;
    estimate = best.after;
  }
  return steps.length === 0 ? null : { steps, peakBytes: estimate.bytes.peak, fits: estimate.fits };
}
