/**
 * The estimator's per-GPU components in the order the memory bars stack them (left to right): shared by
 * the charts (src/charts/memory.ts), the profiler's document and the CLI. At the peak phase they add up
 * exactly to `peak` (estimate.ts: peakAllocated is their sum and peak = peakAllocated + overhead).
 */
import type { MemoryBytes } from './types';

export const MEMORY_COMPONENTS = [
  'weights', 'masterWeights', 'gradients', 'optimizerState', 'optimizerTemporaries', 'activations', 'overhead',
] as const;
export type MemoryComponent = (typeof MEMORY_COMPONENTS)[number];

export type MemoryComponentBytes = Pick<MemoryBytes, MemoryComponent | 'peak'>;
