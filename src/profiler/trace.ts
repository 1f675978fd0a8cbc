/**
 * `optimizer-advisor trace` (parent side, pure Node): runs an optimizer on a 2-D test function in the
 * profiler child and returns the trajectory. Hyperparameters not given take the reference defaults
 * (the optimizer's own; `lr` overrides the learning rate).
 */
import { isOptimizerId, OPTIMIZER_IDS } from '../core/optimizers/registry';
import { InputError, type Hyperparameters } from '../core/types';
import { isTraceProblem, MAX_TRACE_STEPS, TRACE_PROBLEMS, TRACE_PROBLEM_SPECS, type TraceProblem } from '../core/profile/trace-problems';
import type { BackendMessage, BackendRequest, TraceRequest } from './protocol';
import { runChild, type ChildRunResult } from './run-child';

export interface RunTraceOptions {
  readonly optimizer: string;
  readonly problem: string;
  readonly steps: number;
  /** Learning rate; other hyperparameters take the reference defaults unless given in `hyper`. */
  readonly lr?: number;
  readonly hyper?: Hyperparameters;
  /** Default: the problem's conventional start (Rosenbrock (-1.5, 2), Beale (1, 1.5), saddle (-1, 0.001)). */
  readonly start?: readonly [number, number];
  /** Wall-clock budget; default 60 s. */
  readonly budgetMs?: number;
  readonly signal?: AbortSignal;
  readonly childScript?: string;
  readonly backend?: BackendRequest;
}

export interface TraceResult {
  /** steps + 1 points [x, y], the start included; fewer when the run diverged. */
  readonly points: Array<[number, number]>;
  /** The step that produced a non-finite point, when the run diverged. */
  readonly divergedAtStep?: number;
  readonly backend: BackendMessage;
}

/** A profiler run that did not produce a result (crash, budget, cancellation). */
export class ProfilerRunError extends Error {
  constructor(
    message: string,
    readonly run: ChildRunResult,
  ) {
    super(message);
    this.name = 'ProfilerRunError';
  }
}

function validate(opts: RunTraceOptions): TraceRequest {
  if (!isOptimizerId(opts.optimizer)) throw new InputError(`unknown optimizer '${opts.optimizer}' (known: ${OPTIMIZER_IDS.join(', ')})`);
  if (!isTraceProblem(opts.problem)) throw new InputError(`unknown problem '${opts.problem}' (known: ${TRACE_PROBLEMS.join(', ')})`);
  if (!Number.isInteger(opts.steps) || opts.steps < 1 || opts.steps > MAX_TRACE_STEPS) {
    throw new InputError(`steps must be a whole number from 1 to ${MAX_TRACE_STEPS}, got ${opts.steps}`);
  }
  if (opts.lr !== undefined && !(Number.isFinite(opts.lr) && opts.lr > 0)) throw new InputError(`lr must be a positive number, got ${opts.lr}`);
  if (opts.start && !(opts.start.length === 2 && opts.start.every((v) => Number.isFinite(v)))) {
    throw new InputError(`start must be two finite numbers x,y, got ${JSON.stringify(opts.start)}`);
  }
  const problem: TraceProblem = opts.problem;
  return {
    kind: 'trace',
    optimizer: opts.optimizer,
    problem,
    steps: opts.steps,
    ...(opts.lr !== undefined ? { lr: opts.lr } : {}),
    ...(opts.hyper ? { hyper: opts.hyper } : {}),
    start: opts.start ?? TRACE_PROBLEM_SPECS[problem].start,
    ...(opts.backend ? { backend: opts.backend } : {}),
  };
}

function isPoints(v: unknown): v is Array<[number, number]> {
  return Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number'));
}

/** Runs the trace in the profiler child. InputError for bad input; ProfilerRunError when the child fails. */
export async function runTrace(opts: RunTraceOptions): Promise<TraceResult> {
  const request = validate(opts);
  const run = await runChild({
    request,
    budgetMs: opts.budgetMs ?? 60_000,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.childScript ? { childScript: opts.childScript } : {}),
  });
  if (run.outcome === 'failed' && run.error?.inputError) throw new InputError(run.error.message);
  if (run.outcome !== 'completed') throw new ProfilerRunError(`trace ${run.outcome}: ${run.detail}`, run);
  const result = run.result as { points?: unknown; divergedAtStep?: unknown } | undefined;
  if (!result || !isPoints(result.points) || !run.backend) throw new ProfilerRunError('trace: the profiler child sent a malformed result', run);
  return {
    points: result.points,
    backend: run.backend,
    ...(typeof result.divergedAtStep === 'number' ? { divergedAtStep: result.divergedAtStep } : {}),
  };
}
