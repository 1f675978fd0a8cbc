/**
 * Robustness probes (`profile --robustness`): the same run as the sweep's (the optimizer at its
 * recommended lr, first seed) with its gradients perturbed, to record what each optimizer does with
 *  - explosion: every gradient x 1e3;
 *  - vanishing: every gradient x 1e-6;
 *  - nan-inf: at the middle step, one gradient element set to NaN and one to +Inf;
 *  - sparse: each step, 90% of the gradient elements zeroed at random (10% kept).
 * Optimizers that compute their own gradients (AdaHessian, Sophia) get the loss scaled instead for
 * explosion and vanishing (which scales the gradient by the same factor); the NaN and sparse probes
 * cannot reach inside their step and are reported as not applicable. Child side for the probes
 * (tfjs), pure for the summary.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ROBUSTNESS_PROBES, type RobustnessProbe } from '../../core/profile/profile-types';
import { EXPLOSION_FACTOR, injectionStep, SPARSE_KEEP, VANISHING_FACTOR } from './constants';
import { deriveSeed, SweepRandom } from './random';
import type { GradientProbe } from './train';

export { ROBUSTNESS_PROBES, type RobustnessProbe };


export interface ProbeSetup {
  readonly gradients?: GradientProbe;
  readonly lossScale?: number;
  /** Why the probe cannot run for this optimizer. */
  readonly notApplicable?: string;
}

function mapGrads(grads: tf.NamedTensorMap, f: (name: string, g: tf.Tensor) => tf.Tensor): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(grads)) out[name] = f(name, g);
  return out;
}


export function probeSetup(probe: RobustnessProbe, needsLoss: boolean, steps: number, seed: number): ProbeSetup {
  switch (probe) {
    case 'explosion':
      return needsLoss ? { lossScale: EXPLOSION_FACTOR } : { gradients: (_s, g) => mapGrads(g, (_n, t) => tf.mul(t, EXPLOSION_FACTOR)) };
    case 'vanishing':
      return needsLoss ? { lossScale: VANISHING_FACTOR } : { gradients: (_s, g) => mapGrads(g, (_n, t) => tf.mul(t, VANISHING_FACTOR)) };
    case 'nan-inf': {
      if (needsLoss) return { notApplicable: 'the optimizer computes its own gradients inside its step, so values cannot be injected into them' };
      const at = injectionStep(steps);
      return {
        gradients: (step, grads) => {
          if (step !== at) return mapGrads(grads, (_n, t) => tf.clone(t));
          let done = false;
          return mapGrads(grads, (_n, t) => {
            if (done || t.size < 2) return tf.clone(t);
            done = true;
            const values = Float32Array.from(t.dataSync());
            values[0] = NaN;
            values[1] = Infinity;
            return tf.tensor(values, t.shape);
          });
        },
      };
    }
    case 'sparse': {
      if (needsLoss) return { notApplicable: 'the optimizer computes its own gradients inside its step, so they cannot be masked' };
      const rng = new SweepRandom(deriveSeed(seed, 4));
      return {
        gradients: (_s, grads) =>
          mapGrads(grads, (_n, t) => {
            const mask = new Float32Array(t.size);
            for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < SPARSE_KEEP ? 1 : 0;
            return tf.tidy(() => tf.mul(t, tf.tensor(mask, t.shape)));
          }),
      };
    }
  }
}
