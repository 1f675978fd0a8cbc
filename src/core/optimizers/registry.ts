/**
 * The catalog: one import and one line per optimizer, keyed by its id. The ids (OptimizerId,
 * OPTIMIZER_IDS) derive from it, so adding an optimizer is its entry file and its line here.
 */
import type { OptimizerId, OptimizerSpec } from './types';
import { sgd } from './sgd';
import { sgdMomentum } from './sgd-momentum';
import { nesterov } from './nesterov';
import { adam } from './adam';
import { adamw } from './adamw';
import { amsgrad } from './amsgrad';
import { adafactor } from './adafactor';
import { lamb } from './lamb';
import { novograd } from './novograd';
import { lion } from './lion';
import { adamw8bit } from './adamw-8bit';
import { pagedAdamw8bit } from './paged-adamw-8bit';
import { shampoo } from './shampoo';
import { adahessian } from './adahessian';
import { sophia } from './sophia';
import { muon } from './muon';
import { scheduleFreeAdamw } from './schedule-free-adamw';
import { adamMini } from './adam-mini';
import { came } from './came';
import { galoreAdamw } from './galore-adamw';
import { soap } from './soap';
import { adagrad } from './adagrad';
import { rmsprop } from './rmsprop';
import { ademamix } from './ademamix';
import { marsAdamw } from './mars-adamw';
import { nadamw } from './nadamw';
import { lars } from './lars';
import { signum } from './signum';

/** Each entry under its own id: an entry typed `OptimizerSpec<'sgd'>` filed under another key is a type error. */
type OwnIds<T> = { readonly [K in keyof T]: OptimizerSpec<K & string> };
function ownIds<const T extends OwnIds<T>>(entries: T): T {
  return entries;
}

/**
 * The catalog, in the order every list of optimizers follows. Its keys are OptimizerId; the profiler's
 * registry (src/profiler/optimizers/index.ts) is keyed by OptimizerId too, so an entry missing there (or
 * one there without an entry here) is a type error. A unit test checks each entry's own id as well.
 */
export const CATALOG = ownIds({
  'sgd': sgd,
  'sgd-momentum': sgdMomentum,
  'nesterov': nesterov,
  'adam': adam,
  'adamw': adamw,
  'amsgrad': amsgrad,
  'adafactor': adafactor,
  'lamb': lamb,
  'novograd': novograd,
  'lion': lion,
  'adamw-8bit': adamw8bit,
  'paged-adamw-8bit': pagedAdamw8bit,
  'shampoo': shampoo,
  'adahessian': adahessian,
  'sophia': sophia,
  'muon': muon,
  'schedule-free-adamw': scheduleFreeAdamw,
  'adam-mini': adamMini,
  'came': came,
  'galore-adamw': galoreAdamw,
  'soap': soap,
  'adagrad': adagrad,
  'rmsprop': rmsprop,
  'ademamix': ademamix,
  'mars-adamw': marsAdamw,
  'nadamw': nadamw,
  'lars': lars,
  'signum': signum,
});

/** Canonical optimizer ids, in catalog order. */
export const OPTIMIZER_IDS: readonly OptimizerId[] = Object.keys(CATALOG) as OptimizerId[];

export function isOptimizerId(s: string): s is OptimizerId {
  return Object.prototype.hasOwnProperty.call(CATALOG, s);
}

/** The catalog in OPTIMIZER_IDS order. */
export const OPTIMIZERS: readonly OptimizerSpec[] = OPTIMIZER_IDS.map((id) => CATALOG[id]);
