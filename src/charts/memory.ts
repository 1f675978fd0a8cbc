/**
 * Stacked memory bars from the estimator's per-GPU breakdown (src/core/memory MemoryBytes). The
 * estimator's components at the peak phase add up exactly to `peak` (estimate.ts: peakAllocated is
 * their sum and peak = peakAllocated + overhead), so each bar ends at the peak the CLI prints.
 */
import { MEMORY_COMPONENTS, type MemoryComponent, type MemoryComponentBytes } from '../core/memory/components';

export { MEMORY_COMPONENTS, type MemoryComponent, type MemoryComponentBytes };


export interface MemoryBarInput {
  readonly id: string;
  readonly label: string;
  /** The estimate; null when the estimator could not model this optimizer for the job. */
  readonly bytes: MemoryComponentBytes | null;
  /** Why there is no estimate. */
  readonly error?: string | null;
}

export interface MemorySegment {
  readonly component: MemoryComponent;
  readonly start: number;
  readonly end: number;
  readonly bytes: number;
}

export interface MemoryBar {
  readonly id: string;
  readonly label: string;
  /** Non-empty components only, stacked from 0. */
  readonly segments: readonly MemorySegment[];
  /** The estimator's peak (the end of the last segment). */
  readonly peak: number | null;
  /** peak > budget; null without a budget or an estimate. */
  readonly overBudget: boolean | null;
  readonly error: string | null;
}

export interface MemoryStack {
  readonly bars: readonly MemoryBar[];
  readonly budget: number | null;
  /** Largest of the peaks and the budget (the axis must reach it). */
  readonly max: number;
  /** Components that appear in at least one bar (for the legend). */
  readonly components: readonly MemoryComponent[];
}

export function stackMemoryBars(inputs: readonly MemoryBarInput[], budgetBytes: number | null): MemoryStack {
  const used = new Set<MemoryComponent>();
  const bars = inputs.map((input): MemoryBar => {
    if (!input.bytes) return { id: input.id, label: input.label, segments: [], peak: null, overBudget: null, error: input.error ?? null };
    const segments: MemorySegment[] = [];
    let at = 0;
    for (const component of MEMORY_COMPONENTS) {
      const bytes = input.bytes[component];
      if (bytes > 0) {
        segments.push({ component, start: at, end: at + bytes, bytes });
        used.add(component);
        at += bytes;
      }
    }
    const peak = input.bytes.peak;
    return {
      id: input.id,
      label: input.label,
      segments,
      peak,
      overBudget: budgetBytes === null ? null : peak > budgetBytes,
      error: null,
    };
  });
  const peaks = bars.map((b) => (b.segments.length ? b.segments[b.segments.length - 1]!.end : 0));
  const max = Math.max(0, budgetBytes ?? 0, ...peaks, ...bars.map((b) => b.peak ?? 0));
  return { bars, budget: budgetBytes, max, components: MEMORY_COMPONENTS.filter((c) => used.has(c)) };
}
