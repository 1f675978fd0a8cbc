/**
 * The profile result document (`optimizer-advisor profile --json`, and the files the extension saves in
 * its workspace storage), as the README's "Profiling on your machine" describes it: `backend`, `machine`, `results[]` (one per
 * optimizer) with `optimizer`, `stepTimeMs`, `relativeStepCost`, `measuredStateBytes`,
 * `estimatedStateBytes`, `runs[]` ({`lr`, `seed`, `lossCurve`, `finalLoss`, `diverged`}), `bestLr`,
 * `lossCurve`, `finalLoss`, `stepsToTarget`, `diverged`; `paretoFront` (optimizer ids);
 * `copyBandwidthGBps`; plus `schemaVersion`. Fields beyond that list are the ones the charts need to
 * label what they show (the real job's estimated peak, the recommended lr, the curve stride) and are
 * documented one by one. Pure types; the runtime check is in profile-validate.ts.
 *
 * JSON cannot hold NaN or Infinity: a loss that was not finite is written as `null`.
 */

export const PROFILE_SCHEMA_VERSION = 1;

/** Backends in the order the profiler tries them (README: Profiling on your machine). */
export const PROFILE_BACKENDS = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type ProfileBackendName = (typeof PROFILE_BACKENDS)[number];

export interface ProfileBackend {
  /** The backend that ran the sweep. */
  readonly name: ProfileBackendName;
  /** TensorFlow.js's own name for it (`tensorflow`, `wasm`, `cpu`), when known. */
  readonly tfBackend?: string;
  /** Why each backend tried before this one did not run. */
  readonly reasons: readonly { readonly backend: ProfileBackendName; readonly why: string }[];
}

/** The machine the sweep was measured on (every chart is labelled with it). */
export interface ProfileMachine {
  /** `os.platform()`, e.g. `linux`. */
  readonly platform: string;
  /** `os.arch()`, e.g. `x64`. */
  readonly arch: string;
  /** `os.cpus()[0].model`. */
  readonly cpuModel: string;
  /** Logical CPUs. */
  readonly cpuCount: number;
  /** `os.totalmem()`. */
  readonly memoryBytes: number;
  /** `process.version`. */
  readonly node: string;
  /** GPU the backend used (tfjs-node-gpu only), else null or absent. */
  readonly gpu?: string | null;
}

/** One training run of the sweep: one optimizer, one learning rate, one seed. */
export interface ProfileRun {
  readonly lr: number;
  readonly seed: number;
  /** Loss every `curveStride` steps (null where it was not finite). */
  readonly lossCurve: readonly (number | null)[];
  /** Last loss, null when the run diverged. */
  readonly finalLoss: number | null;
  readonly diverged: boolean;
}

/** Robustness probes (`profile --robustness`): gradients scaled x1e3 / x1e-6, NaN/Inf injected, sparse. */
export const ROBUSTNESS_PROBES = ['explosion', 'vanishing', 'nan-inf', 'sparse'] as const;
export type RobustnessProbe = (typeof ROBUSTNESS_PROBES)[number];

export interface RobustnessResult {
  readonly probe: RobustnessProbe;
  /** The run stopped producing finite losses. */
  readonly diverged: boolean;
  readonly finalLoss: number | null;
  /** What the optimizer did, in one line (e.g. "update clipped, loss recovered within 5 steps"). */
  readonly behaviour: string;
}

/** Everything measured (and, where labelled, modelled) for one optimizer. */
export interface ProfileOptimizerResult {
  /** Catalog id (src/core/optimizers). */
  readonly optimizer: string;
  /** Median wall time of one optimizer step on the proxy, milliseconds. */
  readonly stepTimeMs: number;
  /** stepTimeMs / AdamW's stepTimeMs on the same proxy and backend. */
  readonly relativeStepCost: number;
  /** Sum of the bytes of the state tensors the optimizer allocated on the proxy. */
  readonly measuredStateBytes: number;
  /** The estimator's per-tensor state bytes for the proxy's shapes (must equal the measured figure). */
  readonly estimatedStateBytes: number;
  /** Samples per second on the proxy, when measured. */
  readonly samplesPerSecond?: number;
  /** Peak bytes the tfjs engine held during the runs, when the backend reports it. */
  readonly peakEngineBytes?: number;
  /** Effective bandwidth of the step (bytes moved / step time), GB/s, when measured. */
  readonly effectiveBandwidthGBps?: number;
  /**
   * Estimator's peak memory per GPU for the user's REAL job with this optimizer (modelled, not
   * measured); null when the estimator cannot model it. The Pareto chart's memory axis.
   */
  readonly estimatedPeakBytes: number | null;
  /** The advisor's learning rate for this optimizer; the sweep tries it x1/3, x1 and x3. */
  readonly recommendedLr?: number;
  readonly runs: readonly ProfileRun[];
  /** The lr with the lowest median final loss over seeds; null when every lr diverged. */
  readonly bestLr: number | null;
  /** Median curve over seeds at bestLr. */
  readonly lossCurve: readonly (number | null)[];
  /** Median final loss over seeds at bestLr; null when it diverged. */
  readonly finalLoss: number | null;
  /** Steps until the loss first reached the sweep's target loss; null when it never did. */
  readonly stepsToTarget: number | null;
  /** Every run at every lr diverged. */
  readonly diverged: boolean;
  readonly robustness?: readonly RobustnessResult[];
}

export interface ProfileResultDocument {
  readonly schemaVersion: typeof PROFILE_SCHEMA_VERSION;
  /** ISO 8601 time the sweep started. */
  readonly createdAt?: string;
  readonly backend: ProfileBackend;
  readonly machine: ProfileMachine;
  /** The job the sweep was derived from, and the proxy that was trained. */
  readonly job?: { readonly id: string; readonly model: string };
  readonly proxy?: { readonly description: string; readonly params: number };
  /** Optimizer steps per run. */
  readonly steps?: number;
  /** Steps between two points of a loss curve (1 = every step). Default 1. */
  readonly curveStride?: number;
  /** 1.1 x the best final loss of the sweep (the target of stepsToTarget). */
  readonly targetLoss?: number | null;
  readonly results: readonly ProfileOptimizerResult[];
  /** Optimizer ids on the Pareto front over (estimated peak, relative step cost, final loss). */
  readonly paretoFront: readonly string[];
  /** Copy bandwidth of the backend measured in the same run, GB/s (null when not measured). */
  readonly copyBandwidthGBps: number | null;
  /** False when the sweep was cancelled or crashed and this holds what was measured until then. */
  readonly complete?: boolean;
}
