/**
 * What a scan found that formed no job, and why: shown when "no training jobs" are found, so the
 * user sees which files were read and what kept each from a job. Pure.
 */
import { DATASET_META_KIND } from './detectors/dataset-meta';
import type { Finding, Job } from './types';

export interface UnusedFile {
  readonly path: string;
  /** The detector that recognised it (`deepspeed-config`, `axolotl-config`, ...). */
  readonly kind: string;
  readonly why: string;
}

/** Findings that belong to no job: a file that could not be used (with its position), or a supporting config alone. */
export function unusedFiles(findings: readonly Finding[], jobs: readonly Job[]): UnusedFile[] {
  const used = new Set(jobs.flatMap((j) => j.files));
  const out: UnusedFile[] = [];
  for (const f of findings) {
    if (used.has(f.path)) continue;
    if (f.error !== undefined) {
      out.push({ path: f.path, kind: f.kind, why: `looks like a ${f.kind} file but could not be used: ${f.error.message} (line ${f.error.line}, column ${f.error.column})` });
    } else if (f.kind === DATASET_META_KIND) {
      out.push({ path: f.path, kind: f.kind, why: "a dataset's metadata (its vocab_size): it is read for a nanoGPT-style script whose path to data/<dataset>/meta.pkl names it" });
    } else {
      out.push({
        path: f.path,
        kind: f.kind,
        why: `a supporting ${f.kind} file: it forms a job only with a training config, script or model config that references it or sits in its folder`,
      });
    }
  }
  return out;
}
