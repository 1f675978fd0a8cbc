/**
 * The trajectory of an optimizer on a 2-D test function (child side: needs tfjs). The point [x, y] is
 * one float32 variable of shape [2]; each step is one `minimize` of the function at that point.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../core/types';
import { createFusedOptimizer } from './kernels/fused-optimizers';
import { createOptimizer } from './optimizers';
import { TRACE_PROBLEM_SPECS, type TraceProblem } from '../core/profile/trace-problems';

/** f(p) for p = [x, y], in tfjs ops that double backprop can differentiate. */
export function traceLoss(problem: TraceProblem, p: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const x = tf.slice(p, [0], [1]);
    const y = tf.slice(p, [1], [1]);
    let f: tf.Tensor;
    switch (problem) {
      case 'rosenbrock':
        f = tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x)))));
        break;
      case 'beale': {
        const term = (c: number, yPower: tf.Tensor) => tf.square(tf.add(tf.sub(c, x), tf.mul(x, yPower)));
        f = tf.add(tf.add(term(1.5, y), term(2.25, tf.mul(y, y))), term(2.625, tf.mul(tf.mul(y, y), y)));
        break;
      }
      case 'saddle':
        f = tf.sub(tf.square(x), tf.square(y));
        break;
    }
    return tf.sum(f) as tf.Scalar;
  });
}

export interface TraceComputation {
  /** steps + 1 points while finite; ends early at the first non-finite point (not included). */
  readonly points: Array<[number, number]>;
  /** The step whose result was not finite, when the run diverged. */
  readonly divergedAtStep?: number;
}

export interface TraceRunOptions {
  readonly optimizer: string;
  readonly problem: TraceProblem;
  readonly steps: number;
  readonly hyper?: Hyperparameters;
  readonly start?: readonly [number, number];
  /** Called between steps; return true to stop (cancellation). */
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (done: number) => void;
}

/** Runs the trace in this process (tfjs must be ready). */
export async function computeTrace(opts: TraceRunOptions): Promise<TraceComputation> {
  const start = opts.start ?? TRACE_PROBLEM_SPECS[opts.problem].start;
  // The fused kernels where the optimizer has them (as the sweep): the same numbers, elementwise bit for bit.
  const optimizer = createFusedOptimizer(opts.optimizer, opts.hyper ?? {}) ?? createOptimizer(opts.optimizer, opts.hyper ?? {});
  const point = tf.variable(tf.tensor1d([start[0], start[1]]), true);
  const points: Array<[number, number]> = [];
  const read = (): [number, number] => {
    const v = point.dataSync();
    return [v[0]!, v[1]!];
  };
  try {
    points.push(read());
    for (let step = 1; step <= opts.steps; step++) {
      if (opts.shouldStop?.()) break;
      optimizer.minimize(() => traceLoss(opts.problem, point), false, [point]);
      const next = read();
      if (!Number.isFinite(next[0]) || !Number.isFinite(next[1])) return { points, divergedAtStep: step };
      points.push(next);
      if (step % 50 === 0) {
        opts.onProgress?.(step);
        // Let the event loop deliver a cancel message or signal.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return { points };
  } finally {
    optimizer.dispose();
    point.dispose();
  }
}
