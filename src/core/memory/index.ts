/**
 * The memory estimator: per-GPU bytes of a training job by component and phase.
 * See estimate.ts for the phase model, defaults.ts for defaults and input validation,
 * precision.ts for the precision byte split and validation.ts for the published checks.
 */
export type {
  AttentionImpl, EstimateInput, LoraConfig, MemoryBytes, MemoryEstimate, OffloadTarget, ZeroAccounting, ZeroStage,
} from './types';
export { estimateMemory, estimateModelStates } from './estimate';
export type { ModelStates } from './estimate';
export { ESTIMATE_DEFAULTS, LIMITS, resolveEstimateInput } from './defaults';
export type { PartialEstimateInput } from './defaults';
export { PRECISION_TABLE, precisionSplit } from './precision';
export type { PrecisionSplit } from './precision';
export { runValidation, runCase, VALIDATION_CASES } from './validation';
export type { ValidationCase, ValidationResult } from './validation';
export { CUDA_CONTEXT } from './overhead';
