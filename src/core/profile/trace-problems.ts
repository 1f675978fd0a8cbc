/**
 * Classic 2-D test functions for optimizer trajectories (`optimizer-advisor trace`), with their
 * conventional starting points. Pure data and formulas; the tfjs versions live in trace-run.ts.
 * Rosenbrock (1960): (1-x)^2 + 100(y-x^2)^2, minimum (1, 1).
 * Beale (1958): (1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2, minimum (3, 0.5).
 * Saddle: x^2 - y^2, a saddle point at the origin (unbounded below along y).
 */
export const TRACE_PROBLEMS = ['rosenbrock', 'beale', 'saddle'] as const;
export type TraceProblem = (typeof TRACE_PROBLEMS)[number];
/** The most steps of one trace (`trace --steps`, the sidebar's optimizer paths). */
export const MAX_TRACE_STEPS = 100_000;

export function isTraceProblem(s: string): s is TraceProblem {
  return (TRACE_PROBLEMS as readonly string[]).includes(s);
}

export interface TraceProblemSpec {
  readonly start: readonly [number, number];
  readonly minimum?: readonly [number, number];
  /** f(x, y) in float64, for checks and plots. */
  value(x: number, y: number): number;
}

export const TRACE_PROBLEM_SPECS: Readonly<Record<TraceProblem, TraceProblemSpec>> = {
  rosenbrock: { start: [-1.5, 2.0], minimum: [1, 1], value: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2 },
  beale: {
    start: [1.0, 1.5],
    minimum: [3, 0.5],
    value: (x, y) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2,
  },
  saddle: { start: [-1.0, 0.001], value: (x, y) => x * x - y * y },
};
