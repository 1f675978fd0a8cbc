/**
 * Fixed settings of the sweep, shared by the child (tfjs) and the parent (pure Node, which must not
 * load tfjs). Pure.
 */
import type { OptimizerId } from '../../core/optimizers/types';

/** A run has diverged when its loss is not finite or exceeds this multiple of its first loss. */
export const DIVERGENCE_FACTOR = 10;
/** Steps at the start of each run left out of the timing medians (first-call compilation, allocation). */
export const TIMING_WARMUP_STEPS = 2;

/** Robustness probes: gradient scale factors and the fraction of entries the sparse probe keeps. */
export const EXPLOSION_FACTOR = 1e3;
export const VANISHING_FACTOR = 1e-6;
export const SPARSE_KEEP = 0.1;

/** The step at which the NaN/Inf probe injects its values: the middle of the run. */
export function injectionStep(steps: number): number {
  return Math.max(1, Math.ceil(steps / 2));
}

/** Least time between two rewrites of a running sweep's saved document (the CLI's profile.json, the sidebar's saved result). */
export const SAVE_INTERVAL_MS = 200;

/** Default size of the bandwidth measurements: 2^23 floats = 32 MiB per tensor (larger than the test machine's 32 MiB L3 once two tensors are in play). */
export const BANDWIDTH_ELEMENTS = 2 ** 23;

/**
 * Optimizers whose step is not one elementwise pass over memory (matrix roots, Newton-Schulz, extra
 * backward passes for curvature): no effective bandwidth is reported for them.
 */
export const NOT_ELEMENTWISE: ReadonlySet<OptimizerId> = new Set<OptimizerId>(['shampoo', 'muon', 'sophia', 'adahessian', 'galore-adamw', 'soap']);

/**
 * The timing phase of a sweep whose training runs share the machine (sweep.ts, child-sweep.ts): per
 * optimizer one run of `warmupSteps` left out (V8 compiles the optimizer's code and, for the first one,
 * TensorFlow.js's and the model's during the first steps) and `steps` timed, measured while nothing else
 * of the sweep runs. The measurements behind these numbers are in README (Profiling on your machine, "Time.").
 */
export const TIMING_PHASE = { warmupSteps: 20, steps: 20 } as const;
