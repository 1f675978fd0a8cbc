/**
 * Plans a sweep for a job (parent side, pure): which optimizers, at which learning rates and with
 * which hyperparameters, and what the engine estimates for each (optimizer state on the proxy's
 * shapes, peak memory of the REAL job).
 *
 * Learning rates. The sweep trains the proxy from scratch for a fixed, short number of steps, so the
 * real job's learning rate (e.g. 2e-5 for a 7B fine-tune) would leave it untrained. Each optimizer's
 * recommended lr for the PROXY is what the advisor (src/core/advisor) derives for the proxy itself as a
 * from-scratch job of the same family and stack (its own recipe, transfer rules and catalog defaults;
 * the basis is recorded per optimizer). When the advisor gives no fixed lr (Adafactor's relative
 * step), the sweep uses HF Adafactor's fixed-lr mode with ADAFACTOR_FINETUNE_LR (1e-3;
 * scale_parameter, relative_step and warmup_init off), the setting the HF documentation recommends
 * for an external lr. The sweep tries lr x 1/3, x 1 and x 3, at a constant lr (no warmup, no decay),
 * the same for every optimizer. Other hyperparameters the advisor derives (betas, eps, weight decay,
 * momentum, ...) are passed when the profiler implementation has that key.
 */
import { recommend } from '../../core/advisor';
import { ADAFACTOR_FINETUNE_LR } from '../../core/advisor/hyperparameters';
import type { AdvisorInput, AdvisorResult, Recommendation } from '../../core/advisor/types';
import type { ModelInventory } from '../../core/models/types';
import { getOptimizer, optimizerStateBytes, resolveOptimizer } from '../../core/optimizers';
import type { OptimizerId } from '../../core/optimizers/types';
import { isOptimizerId, OPTIMIZER_IDS } from '../../core/optimizers/registry';
import { InputError, type Hyperparameters, type HyperValue } from '../../core/types';
import { deriveProxy, MAX_PROXY_PARAMS, proxyParamCount, proxyParams, proxyParamTensors, type ProxyDerivation, type ProxyParam } from './proxy';
import { proxyInventory } from './proxy-inventory';

/** The default sweep (README: Profiling on your machine), plus the advisor's top picks for the job. */
export const DEFAULT_SWEEP: readonly OptimizerId[] = [
  'sgd-momentum', 'nesterov', 'adam', 'adamw', 'amsgrad', 'adafactor', 'lamb', 'novograd', 'lion', 'adamw-8bit',
];
/** How many of the advisor's best-ranked optimizers for the job join the default sweep. */
export const ADVISOR_TOP_PICKS = 3;
export const LR_MULTIPLIERS = [1 / 3, 1, 3] as const;
export const DEFAULT_SEEDS = [1, 2] as const;
/**
 * Steps per run: enough for the optimizers' loss curves to separate on the proxies, few enough that the
 * default sweep (10 optimizers + the advisor's top picks, x 3 lrs x 2 seeds) ends within 120 s on two
 * cores with the bandwidth measurements (npm run bench prints the figure).
 */
export const DEFAULT_STEPS = 80;

export type HvpMethod = 'autodiff' | 'finite-difference';

export interface PlannedOptimizer {
  readonly id: OptimizerId;
  /** Why it is in the sweep. */
  readonly source: 'default' | 'advisor-top-pick' | 'requested';
  /** Recommended lr for the proxy; the sweep tries it x LR_MULTIPLIERS. */
  readonly recommendedLr: number;
  readonly lrs: readonly number[];
  /** Hyperparameters other than lr, keyed as the profiler implementation names them. */
  readonly hyper: Hyperparameters;
  /** Where the recommended lr comes from (one line). */
  readonly lrBasis: string;
  /** The estimator's per-tensor optimizer state for the proxy's shapes (fp32 parameters). */
  readonly estimatedStateBytes: number;
  /** The estimator's peak per GPU for the REAL job with this optimizer (modelled); null when not modelled. */
  readonly estimatedPeakBytes: number | null;
  readonly needsLoss: boolean;
  /** AdaHessian/Sophia: how Hessian-vector products are computed on this proxy. */
  readonly hvp?: HvpMethod;
  /** Hyperparameters scaled with the proxy, and why. */
  readonly adjustments: readonly string[];
}

export interface SweepPlan {
  readonly proxy: ProxyDerivation;
  readonly params: readonly ProxyParam[];
  readonly paramCount: number;
  readonly optimizers: readonly PlannedOptimizer[];
  readonly steps: number;
  readonly seeds: readonly number[];
  /** The advisor's result for the real job (top picks and peaks come from it). */
  readonly advisor: AdvisorResult;
}

export interface PlanInput {
  /** The real job, as the advisor takes it. */
  readonly advisorInput: AdvisorInput;
  /** Characters of the training text (the language-model proxies' vocabulary). */
  readonly alphabetSize: number;
  /** Replace the default list (ids of the catalog the profiler implements). */
  readonly optimizers?: readonly string[];
  readonly steps?: number;
  readonly seeds?: readonly number[];
}

/** The id as a catalog id (the profiler implements every one); InputError otherwise (the profiler registry's message). */
export function implementedId(id: string): OptimizerId {
  if (!isOptimizerId(id)) throw new InputError(`unknown optimizer '${id}' (known: ${OPTIMIZER_IDS.join(', ')})`);
  return id;
}

/**
 * Maps the advisor's advice onto the keys of the optimizer's reference defaults (the catalog's, which
 * the profiler implementation follows; keys that only select an implementation, like `foreach`, are
 * accepted and ignored by it).
 */
export function proxyHyperparameters(id: OptimizerId, advice: Recommendation['hyperparameters']): { lr: number; hyper: Hyperparameters; note: string | null } {
  const defaults = getOptimizer(id).defaults;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(defaults, k);
  const hyper: Record<string, HyperValue> = {};
  if (advice.betas && advice.betas.length === 2 && has('betas')) hyper['betas'] = [advice.betas[0]!, advice.betas[1]!];
  if (advice.eps !== null && has('eps') && Array.isArray(advice.eps) === Array.isArray(defaults['eps'])) hyper['eps'] = advice.eps;
  if (has('weight_decay')) hyper['weight_decay'] = advice.weightDecay;
  for (const [k, v] of Object.entries(advice.extra)) if (has(k)) hyper[k] = v;
  if (advice.lr !== null) return { lr: advice.lr, hyper, note: null };
  if (id === 'adafactor') {
    Object.assign(hyper, { relative_step: false, scale_parameter: false, warmup_init: false });
    return {
      lr: ADAFACTOR_FINETUNE_LR,
      hyper,
      note: `the advisor's relative step has no lr to scale, so the sweep uses HF Adafactor's fixed-lr mode at ${ADAFACTOR_FINETUNE_LR} (relative_step, scale_parameter, warmup_init off)`,
    };
  }
  const lr = defaults['lr'];
  if (typeof lr !== 'number') throw new Error(`profiler: no learning rate for ${id}`);
  return { lr, hyper, note: `the advisor gives no fixed lr; the reference default ${lr} is used` };
}

function validateIds(ids: readonly string[]): OptimizerId[] {
  const out: OptimizerId[] = [];
  for (const raw of ids) {
    const id = implementedId(raw);
    if (!out.includes(id)) out.push(id);
  }
  if (out.length === 0) throw new InputError('the list of optimizers to profile is empty');
  return out;
}

/** Roles of the tensors that are large in every real model (the ones bitsandbytes quantises). */
const LARGE_ROLES = new Set(['matrix', 'conv', 'embedding', 'lm-head']);

/**
 * bitsandbytes keeps fp32 states for tensors under min_8bit_size (4096) elements. In a real model that
 * threshold separates the large matrices (8-bit) from norms and biases (fp32); the proxy's scaled-down
 * matrices are all under 4096, so the threshold is scaled with them: the smallest matrix, convolution
 * or embedding of the proxy. Norms and biases stay in fp32, as in the real job.
 */
export function proxyMin8bitSize(params: readonly ProxyParam[]): number {
  const sizes = params.filter((p) => LARGE_ROLES.has(p.role)).map((p) => p.shape.reduce((a, b) => a * b, 1));
  return Math.min(...sizes);
}

/**
 * GaLore's rank for the proxy. The catalog default (128) is at least every proxy matrix's smaller side,
 * which would make the projection full rank (a rotated AdamW with more state than AdamW). GaLore's own
 * from-scratch pre-training scripts use a quarter of the model width (jiaweizzhao/GaLore
 * scripts/benchmark_c4/llama_60m.sh: rank 128 for hidden_size 512; llama_350m.sh: rank 256 for 1024);
 * the proxy, also trained from scratch, gets a quarter of the smaller side of its smallest projected
 * matrix. Null when the proxy has no GaLore targets (2-D 'matrix' tensors).
 */
export function proxyGaloreRank(params: readonly ProxyParam[]): number | null {
  const sides = params.filter((p) => p.role === 'matrix' && p.shape.length === 2).map((p) => Math.min(p.shape[0]!, p.shape[1]!));
  return sides.length === 0 ? null : Math.max(1, Math.floor(Math.min(...sides) / 4));
}

/** GaLore's projection refresh interval on the proxy: five refreshes per run. */
export function proxyGaloreGap(steps: number): number {
  return Math.max(1, Math.floor(steps / 5));
}

export function planSweep(input: PlanInput): SweepPlan {
  const steps = input.steps ?? DEFAULT_STEPS;
  if (!Number.isInteger(steps) || steps < 2 || steps > 100_000) throw new InputError(`steps must be a whole number from 2 to 100000, got ${steps}`);
  const seeds = input.seeds ?? DEFAULT_SEEDS;
  const inventory: ModelInventory = input.advisorInput.model;
  const proxy = deriveProxy(inventory, input.alphabetSize);
  const params = proxyParams(proxy.spec);
  const proxySize = proxyParamCount(params);
  if (proxySize > MAX_PROXY_PARAMS) {
    throw new InputError(`the profiling proxy would have ${proxySize} parameters, over its cap of ${MAX_PROXY_PARAMS}`);
  }
  const tensors = proxyParamTensors(params);

  const real = recommend(input.advisorInput);
  const sources = new Map<OptimizerId, PlannedOptimizer['source']>();
  if (input.optimizers) {
    for (const id of validateIds(input.optimizers)) sources.set(id, 'requested');
  } else {
    for (const id of DEFAULT_SWEEP) sources.set(id, 'default');
    const picks = real.recommendations.slice(0, ADVISOR_TOP_PICKS);
    for (const r of picks) if (!sources.has(r.optimizer)) sources.set(r.optimizer, 'advisor-top-pick');
  }
  const ids = [...sources.keys()];

  // The advisor on the proxy itself, trained from scratch at the proxy's batch and sequence length.
  const proxyAdvice = recommend({
    model: proxyInventory(proxy.spec),
    estimateBase: {
      batchSize: proxy.spec.batch, gradAccum: 1, gpus: 1, precision: 'fp32', gpuMemoryBytes: null, lora: null,
      ...(proxy.spec.kind === 'transformer' && !proxy.spec.image ? { seqLen: proxy.spec.seqLen } : {}),
    },
    fineTune: false,
    priority: input.advisorInput.priority,
    candidates: ids,
  });
  const adviceFor = new Map(proxyAdvice.recommendations.map((r) => [r.optimizer, r]));
  const peakFor = new Map(real.recommendations.map((r) => [r.optimizer, r.peakBytes]));

  const optimizers = ids.map((id): PlannedOptimizer => {
    const rec = adviceFor.get(id);
    if (!rec) throw new Error(`profiler: the advisor gave no advice for ${id} on the proxy`);
    const { lr, hyper: advised, note } = proxyHyperparameters(id, rec.hyperparameters);
    const adjustments: string[] = [];
    let hyper = advised;
    if (Object.prototype.hasOwnProperty.call(getOptimizer(id).defaults, 'min_8bit_size')) {
      const threshold = proxyMin8bitSize(params);
      hyper = { ...hyper, min_8bit_size: threshold };
      adjustments.push(
        `min_8bit_size ${threshold} instead of bitsandbytes' 4096: the proxy's matrices are smaller than 4096 elements, so the threshold is scaled with them (its smallest matrix) to quantise the same tensors as in the real model; norms and biases stay fp32`,
      );
    }
    const galoreRank = id === 'galore-adamw' ? proxyGaloreRank(params) : null;
    if (galoreRank !== null) {
      const given = hyper['rank'] ?? getOptimizer(id).defaults['rank'];
      hyper = { ...hyper, rank: galoreRank };
      adjustments.push(
        `rank ${galoreRank} instead of ${JSON.stringify(given)}: a quarter of the proxy's smallest projected matrix side, as GaLore's pre-training scripts use a quarter of the model width (rank 128 at hidden 512, 256 at 1024); ${JSON.stringify(given)} would make the projection full rank on the proxy`,
      );
    }
    if (galoreRank !== null) {
      const given = hyper['update_proj_gap'] ?? getOptimizer(id).defaults['update_proj_gap'];
      const gap = proxyGaloreGap(steps);
      if (typeof given === 'number' && gap < given) {
        hyper = { ...hyper, update_proj_gap: gap };
        adjustments.push(
          `update_proj_gap ${gap} instead of ${given}: a ${steps}-step run would otherwise never refresh its projection, while real runs refresh it many times (GaLore's LLaMA pre-training: every 200 of 10,000+ steps); the refresh is then paid every ${gap} steps, so GaLore's measured step cost is an upper bound for the real job`,
        );
      }
    }
    const basis = rec.reasons.find((r) => r.rule.startsWith('hp:'))?.text ?? 'reference defaults';
    const resolved = resolveOptimizer(id);
    if (!resolved) throw new Error(`profiler: ${id} is not in the catalog`);
    const state = optimizerStateBytes(resolved, tensors, { paramDtype: 'fp32', hyper: { ...hyper, lr } });
    const needsLoss = getOptimizer(id).needsHessian === true;
    return {
      id,
      source: sources.get(id)!,
      recommendedLr: lr,
      lrs: LR_MULTIPLIERS.map((m) => lr * m),
      hyper,
      lrBasis: note ? `${basis} (${note})` : basis,
      estimatedStateBytes: state.bytes,
      estimatedPeakBytes: peakFor.get(id) ?? null,
      needsLoss,
      adjustments,
      ...(needsLoss ? { hvp: proxy.spec.kind === 'transformer' ? ('autodiff' as const) : ('finite-difference' as const) } : {}),
    };
  });
  return { proxy, params, paramCount: proxySize, optimizers, steps, seeds: [...seeds], advisor: real };
}
