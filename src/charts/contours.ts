/**
 * The loss landscape under the trajectories: the test function sampled on a grid, contour levels
 * (log-spaced for Rosenbrock and Beale, whose values span several decades; evenly spaced for the
 * saddle, which goes negative), and the level lines from d3-contour in data coordinates.
 * The functions and their starting points come from src/profiler/problems.ts, the same definitions
 * the profiler's `trace` runs on.
 */
import { contours } from 'd3-contour';
import { TRACE_PROBLEM_SPECS, type TraceProblem } from '../core/profile/trace-problems';
import { linearTicks } from './axes';

export interface PlotWindow {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

/**
 * Windows around each function's interesting region: Rosenbrock's curved valley with the start
 * (-1.5, 2) and minimum (1, 1); Beale's start (1, 1.5) and minimum (3, 0.5); the saddle around the origin.
 */
export const PROBLEM_WINDOWS: Readonly<Record<TraceProblem, PlotWindow>> = {
  rosenbrock: { x: [-2, 2], y: [-1, 3] },
  beale: { x: [-1, 4.5], y: [-1.5, 2] },
  saddle: { x: [-1.5, 1.5], y: [-1.5, 1.5] },
};

/** How far a window may grow to include trajectory points (a diverged run must not flatten the plot). */
const MAX_GROWTH = 3;

/** The problem's window, widened to the finite trajectory points (at most MAX_GROWTH times each span). */
export function plotWindow(problem: TraceProblem, trajectories: readonly (readonly (readonly [number, number])[])[]): PlotWindow {
  const base = PROBLEM_WINDOWS[problem];
  const grow = (span: readonly [number, number], values: number[]): [number, number] => {
    const width = span[1] - span[0];
    const limitLo = span[0] - ((MAX_GROWTH - 1) / 2) * width;
    const limitHi = span[1] + ((MAX_GROWTH - 1) / 2) * width;
    let lo = span[0];
    let hi = span[1];
    for (const v of values) {
      if (!Number.isFinite(v)) continue;
      lo = Math.max(limitLo, Math.min(lo, v));
      hi = Math.min(limitHi, Math.max(hi, v));
    }
    return [lo, hi];
  };
  const points = trajectories.flat();
  return { x: grow(base.x, points.map((p) => p[0])), y: grow(base.y, points.map((p) => p[1])) };
}

export interface Grid {
  /** Columns (x samples) and rows (y samples). */
  readonly nx: number;
  readonly ny: number;
  /** values[j * nx + i] = f(x_i, y_j), x_i from window.x[0] up, y_j from window.y[0] up. */
  readonly values: readonly number[];
  readonly window: PlotWindow;
}

export function sampleGrid(f: (x: number, y: number) => number, window: PlotWindow, nx = 80, ny = 80): Grid {
  const values: number[] = new Array<number>(nx * ny);
  for (let j = 0; j < ny; j++) {
    const y = window.y[0] + ((window.y[1] - window.y[0]) * j) / (ny - 1);
    for (let i = 0; i < nx; i++) {
      const x = window.x[0] + ((window.x[1] - window.x[0]) * i) / (nx - 1);
      values[j * nx + i] = f(x, y);
    }
  }
  return { nx, ny, values, window };
}

/**
 * Contour levels over [min, max]: for functions bounded below by 0 with values over several decades,
 * 1 and 3 x 10^k from just above the minimum (log spacing shows the valley floor); otherwise
 * evenly spaced nice values.
 */
export function contourLevels(min: number, max: number, logSpaced: boolean, count = 12): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max)) || max <= min) return [];
  if (logSpaced) {
    const floor = Math.max(min, max * 1e-6, 1e-3);
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(floor)); e <= Math.ceil(Math.log10(max)); e++) {
      for (const m of [1, 3]) {
        const v = Number(`${m}e${e}`);
        if (v > floor && v < max) out.push(v);
      }
    }
    return out;
  }
  return linearTicks(min, max, count).filter((v) => v > min && v < max);
}

/** A level line: closed rings in data coordinates. */
export interface ContourLine {
  readonly level: number;
  readonly rings: readonly (readonly (readonly [number, number])[])[];
}

/** Level lines of a sampled grid, converted from d3-contour's grid coordinates to data coordinates. */
export function contourLines(grid: Grid, levels: readonly number[]): ContourLine[] {
  const { nx, ny, window } = grid;
  const dx = (window.x[1] - window.x[0]) / (nx - 1);
  const dy = (window.y[1] - window.y[0]) / (ny - 1);
  // d3-contour places value i at grid coordinate i + 0.5.
  const toData = (p: readonly number[]): readonly [number, number] => [window.x[0] + ((p[0] ?? 0) - 0.5) * dx, window.y[0] + ((p[1] ?? 0) - 0.5) * dy];
  const generator = contours().size([nx, ny]).thresholds([...levels]);
  return generator([...grid.values]).map((mp) => ({
    level: mp.value,
    rings: mp.coordinates.flatMap((polygon) => polygon.map((ring) => ring.map(toData))),
  }));
}

export interface Landscape {
  readonly problem: TraceProblem;
  readonly window: PlotWindow;
  readonly lines: readonly ContourLine[];
  readonly start: readonly [number, number];
  readonly minimum: readonly [number, number] | null;
}

/** Everything the trajectory chart draws under the paths. */
export function landscape(problem: TraceProblem, trajectories: readonly (readonly (readonly [number, number])[])[], resolution = 80): Landscape {
  const spec = TRACE_PROBLEM_SPECS[problem];
  const window = plotWindow(problem, trajectories);
  const grid = sampleGrid(spec.value, window, resolution, resolution);
  let min = Infinity;
  let max = -Infinity;
  for (const v of grid.values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const logSpaced = problem !== 'saddle';
  return {
    problem,
    window,
    lines: contourLines(grid, contourLevels(min, max, logSpaced)),
    start: spec.start,
    minimum: spec.minimum ?? null,
  };
}
