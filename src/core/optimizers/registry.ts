/** The catalog: one import and one line per optimizer, keyed by its id. */
import { OPTIMIZER_IDS, type OptimizerId, type OptimizerSpec } from './types';
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

/**
 * One entry per id of OPTIMIZER_IDS: an id without an entry (or an entry without an id) is a type error,
 * so the catalog, the profiler's registry (src/profiler/optimizers/index.ts, the same mapped type) and
 * every list derived from OPTIMIZER_IDS cannot drift apart. A unit test checks each entry's own id.
 */
export const CATALOG: { readonly [K in OptimizerId]: OptimizerSpec } = {
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
};

/** The catalog in OPTIMIZER_IDS order. */
export const OPTIMIZERS: readonly OptimizerSpec[] = OPTIMIZER_IDS.map((id) => CATALOG[id]);
