/**
 * Registry of the optimizers the profiler runs: catalog id -> definition (reference, defaults, factory).
 * Adding an optimizer is adding a file and a line here (the compiler asks for it once the catalog,
 * src/core/optimizers/registry.ts, has its entry).
 */
import type { OptimizerId } from '../../core/optimizers/types';
import { OPTIMIZER_IDS, isOptimizerId } from '../../core/optimizers/registry';
import { InputError, type Hyperparameters } from '../../core/types';
import { ADAFACTOR } from './adafactor';
import { ADAGRAD } from './adagrad';
import { ADAHESSIAN } from './adahessian';
import { ADAM } from './adam';
import { ADAM_MINI } from './adam-mini';
import { ADAMW } from './adamw';
import { ADAMW_8BIT } from './adamw-8bit';
import { ADEMAMIX } from './ademamix';
import { AMSGRAD } from './amsgrad';
import type { OptimizerOptions, ProfilerOptimizer } from './base';
import { CAME } from './came';
import type { ProfilerOptimizerDefinition } from './definition';
import { GALORE_ADAMW } from './galore-adamw';
import { LAMB } from './lamb';
import { LION } from './lion';
import { MARS_ADAMW } from './mars-adamw';
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
import { NADAMW } from './nadamw';
import { LARS } from './lars';
import { SIGNUM } from './signum';

/**
 * Every catalog id has its TensorFlow.js implementation: the mapped type makes a missing one a type error
 * and so is an entry for an id the catalog does not have (OptimizerId is the catalog's keys).
 */
const DEFINITIONS: { readonly [K in OptimizerId]: ProfilerOptimizerDefinition } = {
  'sgd': SGD,
  'sgd-momentum': SGD_MOMENTUM,
  'nesterov': NESTEROV,
  'adam': ADAM,
  'adamw': ADAMW,
  'amsgrad': AMSGRAD,
  'adafactor': ADAFACTOR,
  'lamb': LAMB,
  'novograd': NOVOGRAD,
  'lion': LION,
  'adamw-8bit': ADAMW_8BIT,
  'paged-adamw-8bit': PAGED_ADAMW_8BIT,
  'shampoo': SHAMPOO,
  'adahessian': ADAHESSIAN,
  'sophia': SOPHIA,
  'muon': MUON,
  'schedule-free-adamw': SCHEDULE_FREE_ADAMW,
  'adam-mini': ADAM_MINI,
  'came': CAME,
  'galore-adamw': GALORE_ADAMW,
  'soap': SOAP,
  'adagrad': ADAGRAD,
  'rmsprop': RMSPROP,
  'ademamix': ADEMAMIX,
  'mars-adamw': MARS_ADAMW,
  'nadamw': NADAMW,
  'lars': LARS,
  'signum': SIGNUM,
};

export const PROFILER_OPTIMIZERS: ReadonlyMap<OptimizerId, ProfilerOptimizerDefinition> = new Map(OPTIMIZER_IDS.map((id) => [id, DEFINITIONS[id]]));

/** Catalog ids the profiler implements (all of them), in catalog order. */
export function profilerOptimizerIds(): OptimizerId[] {
  return [...OPTIMIZER_IDS];
}

/** The definition for an id; InputError for an id the catalog does not have. */
export function profilerOptimizer(id: string): ProfilerOptimizerDefinition {
  if (!isOptimizerId(id)) throw new InputError(`unknown optimizer '${id}' (known: ${OPTIMIZER_IDS.join(', ')})`);
  return DEFINITIONS[id];
}

/** Builds the optimizer `id` with the reference defaults overlaid by `hyper`. */
export function createOptimizer(id: string, hyper: Hyperparameters = {}, options: OptimizerOptions = {}): ProfilerOptimizer {
  return profilerOptimizer(id).create(hyper, options);
}

export type { ProfilerOptimizerDefinition } from './definition';
export type { OptimizerOptions, ProbeSource, ProfilerOptimizer } from './base';
