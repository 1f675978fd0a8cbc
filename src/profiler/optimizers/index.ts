/**
 * Registry of the optimizers the profiler can run: catalog id -> definition (reference, defaults,
 * factory). Adding an optimizer is adding a file and a line here.
 */
import { OPTIMIZER_IDS, isOptimizerId, type OptimizerId } from '../../core/optimizers/types';
import { InputError, type Hyperparameters } from '../../core/types';
import { ADAFACTOR } from './adafactor';
import { ADAGRAD } from './adagrad';
import { ADAHESSIAN } from './adahessian';
import { ADAM } from './adam';
import { ADAM_MINI } from './adam-mini';
import { ADAMW } from './adamw';
import { ADAMW_8BIT } from './adamw-8bit';
import { AMSGRAD } from './amsgrad';
import type { OptimizerOptions, ProfilerOptimizer } from './base';
import { CAME } from './came';
import type { ProfilerOptimizerDefinition } from './definition';
import { GALORE_ADAMW } from './galore-adamw';
import { LAMB } from './lamb';
import { LION } from './lion';
import { MUON } from './muon';
import { NESTEROV } from './nesterov';
import { NOVOGRAD } from './novograd';
import { PAGED_ADAMW_8BIT } from './paged-adamw-8bit';
import { RMSPROP } from './rmsprop';
import { SCHEDULE_FREE_ADAMW } from './schedule-free-adamw';
import { SGD } from './sgd';
import { SGD_MOMENTUM } from './sgd-momentum';
import { SHAMPOO } from './shampoo';
import { SOAP } from './soap';
import { SOPHIA } from './sophia';

const DEFINITIONS: readonly ProfilerOptimizerDefinition[] = [
  SGD, SGD_MOMENTUM, NESTEROV, ADAM, ADAMW, AMSGRAD, ADAGRAD, RMSPROP, ADAFACTOR, LAMB, NOVOGRAD, LION,
  ADAMW_8BIT, PAGED_ADAMW_8BIT, SHAMPOO, MUON, SCHEDULE_FREE_ADAMW, SOPHIA, ADAHESSIAN, CAME, ADAM_MINI,
  GALORE_ADAMW, SOAP,
];

export const PROFILER_OPTIMIZERS: ReadonlyMap<OptimizerId, ProfilerOptimizerDefinition> = new Map(DEFINITIONS.map((d) => [d.id, d]));

/** Catalog ids the profiler implements, in catalog order. */
export function profilerOptimizerIds(): OptimizerId[] {
  return OPTIMIZER_IDS.filter((id) => PROFILER_OPTIMIZERS.has(id));
}

/** The definition for an id; InputError for unknown or not-yet-implemented ids. */
export function profilerOptimizer(id: string): ProfilerOptimizerDefinition {
  if (!isOptimizerId(id)) throw new InputError(`unknown optimizer '${id}' (known: ${OPTIMIZER_IDS.join(', ')})`);
  const def = PROFILER_OPTIMIZERS.get(id);
  if (!def) throw new InputError(`optimizer '${id}' is not implemented in the profiler (implemented: ${profilerOptimizerIds().join(', ')})`);
  return def;
}

/** Builds the optimizer `id` with the reference defaults overlaid by `hyper`. */
export function createOptimizer(id: string, hyper: Hyperparameters = {}, options: OptimizerOptions = {}): ProfilerOptimizer {
  return profilerOptimizer(id).create(hyper, options);
}

export type { ProfilerOptimizerDefinition } from './definition';
export type { HeldStateTensor, OptimizerOptions, ProbeSource, ProfilerOptimizer } from './base';
