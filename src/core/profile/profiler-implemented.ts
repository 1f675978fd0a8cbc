/**
 * The catalog ids the profiler can run, for the code that must not load TensorFlow.js (the sweep's
 * parent process, the webview's optimizer picker). The profiler's registry is src/profiler/optimizers/index.ts.
 */
import type { OptimizerId } from '../optimizers/types';

/**
 * Catalog ids that have a TensorFlow.js implementation (src/profiler/optimizers/index.ts). A unit test checks it equals profilerOptimizerIds().
 */
export const PROFILER_IMPLEMENTED: readonly OptimizerId[] = [
  'sgd', 'sgd-momentum', 'nesterov', 'adam', 'adamw', 'amsgrad', 'adafactor', 'lamb', 'novograd', 'lion', 'adamw-8bit',
  'paged-adamw-8bit', 'shampoo', 'adahessian', 'sophia', 'muon', 'schedule-free-adamw', 'adam-mini', 'came', 'galore-adamw', 'soap', 'adagrad', 'rmsprop',
];
