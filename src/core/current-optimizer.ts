/**
 * The one resolver of a job's current optimizer: the optimizer its files name (or its tool's default),
 * resolved in the ecosystem of the file that names it, with the hyperparameters the files give it and
 * where it comes from. The advisor's input (job.ts), the evaluation (evaluate.ts), the facts, the hints,
 * the quick fixes and the sidebar all take it from here. Pure.
 */
import { resolveOptimizer } from './optimizers';
import type { Ecosystem, ResolvedOptimizer } from './optimizers/types';
import type { DefaultedSetting, ScanJob, SettingSource } from './scan/results';
import { InputError, type Hyperparameters } from './types';

/** Where the job's optimizer comes from: a file that writes it, or the default of the tool that reads the files. */
export type OptimizerProvenance =
  | { readonly kind: 'written'; readonly source: SettingSource }
  | { readonly kind: 'default'; readonly default: DefaultedSetting | null };

/** The optimizer the job's files name, resolved in the ecosystem of the file that names it. */
export type CurrentOptimizer =
  | { readonly kind: 'none' }
  | {
    readonly kind: 'resolved';
    readonly resolved: ResolvedOptimizer;
    /** The hyperparameters the job's files give it (empty when they give none). */
    readonly hyperparameters: Hyperparameters;
    readonly provenance: OptimizerProvenance;
  }
  | { readonly kind: 'unknown'; readonly spelling: string; readonly message: string; readonly provenance: OptimizerProvenance };

/**
 * Resolves a spelling as a job's files write it: in the ecosystem of the file that names it, else
 * (an import path such as `bitsandbytes.optim.Lion` in a config read as PyTorch's) by its own module
 * prefix. Throws InputError for params the named optimizer rejects.
 */
export function resolveJobSpelling(spelling: string, params: Hyperparameters | undefined, ecosystem: Ecosystem | undefined): ResolvedOptimizer | undefined {
  const own = resolveOptimizer(spelling, params, ecosystem);
  if (own !== undefined || ecosystem === undefined) return own;
  return resolveOptimizer(spelling, params);
}

function provenanceOf(job: ScanJob): OptimizerProvenance {
  const source = job.sources['optimizer'];
  if (source !== undefined) return { kind: 'written', source };
  return { kind: 'default', default: job.defaults.find((d) => d.setting === 'optimizer') ?? null };
}

export function resolveCurrentOptimizer(job: ScanJob): CurrentOptimizer {
  const spelling = job.settings.optimizer;
  if (spelling === undefined) return { kind: 'none' };
  const provenance = provenanceOf(job);
  const hyperparameters = job.settings.optimizerParams ?? {};
  let resolved: ResolvedOptimizer | undefined;
  try {
    resolved = resolveJobSpelling(spelling, hyperparameters, job.optimizerEcosystem);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { kind: 'unknown', spelling, message: e.message, provenance };
  }
  if (resolved === undefined) return { kind: 'unknown', spelling, message: `unknown optimizer '${spelling}'`, provenance };
  return { kind: 'resolved', resolved, hyperparameters, provenance };
}

/** An optimizer the catalog does not know, as the InputError at the spelling that names it. */
export function unknownOptimizerError(current: Extract<CurrentOptimizer, { kind: 'unknown' }>): InputError {
  const src = current.provenance.kind === 'written' ? current.provenance.source : undefined;
  return new InputError(current.message, src?.path, src?.range.line, src?.range.column);
}

/** The resolved optimizer, or null when the job names none or one the catalog does not know. */
export function resolvedOrNull(current: CurrentOptimizer): ResolvedOptimizer | null {
  return current.kind === 'resolved' ? current.resolved : null;
}
