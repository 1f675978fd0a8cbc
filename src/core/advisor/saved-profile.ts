/**
 * The profiler's robustness measurements from a saved profile of the same job, as the stability priority
 * uses them (README, "How the advice is derived"): per optimizer, the robustness probes of
 * `profile --robustness` it survived (explosion ×1e3, vanishing ×1e-6, NaN/Inf injection, sparse; survived =
 * not diverged and a finite final loss) and the runs of its learning-rate grid that diverged. A profile of
 * another job (other job id or model) is not used, and the reason is said. Measured on the proxy model on
 * the machine the profile was run on: the counts, not any figure derived from them, are shown to the user.
 */
import type { ParsedNode } from '../parse/node';
import type { ProfileResultDocument } from '../profile/profile-types';
import { parseProfileDocument, parseProfileFile } from '../profile/profile-validate';
import type { RobustnessCounts } from './ranking';

export interface SavedRobustness {
  /** The profile file, as the user named it (CLI) or as it is saved (sidebar). */
  readonly file: string;
  /** "proxy model, <machine>, <date>": where the counts were measured. */
  readonly label: string;
  readonly optimizers: ReadonlyMap<string, RobustnessCounts>;
}

/** What became of the saved profile for one job. */
export type SavedProfileUse =
  | { readonly status: 'used'; readonly robustness: SavedRobustness }
  | { readonly status: 'ignored'; readonly file: string; readonly why: string }
  | { readonly status: 'none' };

/** The job a profile must have been measured for: its id (the scan's) and its model source. */
export interface ProfileJobKey {
  readonly id: string;
  /** The model the job resolves to (`JobModel.source`); null when the caller does not know it. */
  readonly model: string | null;
}

/** Counts per optimizer: probes run and survived, lr-grid runs and those that diverged. */
export function robustnessCounts(doc: ProfileResultDocument): Map<string, RobustnessCounts> {
  const out = new Map<string, RobustnessCounts>();
  for (const r of doc.results) {
    const probes = r.robustness ?? [];
    out.set(r.optimizer, {
      probes: probes.length,
      survived: probes.filter((p) => !p.diverged && p.finalLoss !== null).length,
      runs: r.runs.length,
      runsDiverged: r.runs.filter((x) => x.diverged).length,
    });
  }
  return out;
}

function labelOf(doc: ProfileResultDocument): string {
  const date = doc.createdAt !== undefined && doc.createdAt.length >= 10 ? doc.createdAt.slice(0, 10) : 'date not recorded';
  return `proxy model, ${doc.machine.cpuModel} (${doc.backend.name}), ${date}`;
}

/** Whether `doc` (read from `file`) is a profile of `job` with something to use, and its counts when it is. */
export function savedProfileUse(doc: ProfileResultDocument, file: string, job: ProfileJobKey): SavedProfileUse {
  if (doc.job === undefined) return { status: 'ignored', file, why: 'it does not name the job it was measured for' };
  if (doc.job.id !== job.id) return { status: 'ignored', file, why: `it was measured for job '${doc.job.id}', not '${job.id}'` };
  if (job.model !== null && doc.job.model !== job.model) {
    return { status: 'ignored', file, why: `it was measured for model ${doc.job.model}; this job's model is ${job.model}` };
  }
  const optimizers = robustnessCounts(doc);
  if (![...optimizers.values()].some((c) => c.probes > 0 || c.runs > 0)) {
    return { status: 'ignored', file, why: 'it holds no robustness probe and no learning-rate run' };
  }
  return { status: 'used', robustness: { file, label: labelOf(doc), optimizers } };
}

/** "survived 3 of 4 probes; 0 of 6 runs diverged" (the probes left out when none ran). */
export function describeCounts(c: RobustnessCounts): string {
  const runs = `${c.runsDiverged} of ${c.runs} learning-rate runs diverged`;
  return c.probes > 0 ? `survived ${c.survived} of ${c.probes} robustness probes; ${runs}` : `no robustness probe ran; ${runs}`;
}

/** A saved profile already read and validated: the file as shown to the user and its document. */
export interface SavedProfileDocument {
  readonly file: string;
  readonly document: ProfileResultDocument;
}

/** A saved file that is not a profile the advice can read (cannot be read, not JSON, not the profile schema), and why. */
export interface UnreadableSavedProfile {
  readonly file: string;
  readonly problem: string;
}

/**
 * Of a job's saved profiles (newest first), the newest measured for the job; else the newest one that is not
 * (of another job, or not readable as a profile), reported as ignored with its reason; else none. The sidebar,
 * the hover and `recommend --profile` (one file) all choose this way.
 */
export function chooseSavedProfile(files: readonly (SavedProfileDocument | UnreadableSavedProfile)[], job: ProfileJobKey): SavedProfileUse {
  let ignored: SavedProfileUse | null = null;
  for (const f of files) {
    if ('problem' in f) {
      ignored ??= { status: 'ignored', file: f.file, why: `it cannot be read as a profile (${f.problem})` };
      continue;
    }
    const use = savedProfileUse(f.document, f.file, job);
    if (use.status === 'used') return use;
    ignored ??= use;
  }
  return ignored ?? { status: 'none' };
}

/**
 * Saved files (newest first) as the advice reads them: each a valid profile, or unreadable with the problem
 * (`problem` when reading or parsing the file failed, else the profile schema's first problem; the sidebar
 * lists those as unreadable).
 */
export function checkSavedProfiles(
  files: readonly { readonly id: string; readonly json: unknown; readonly tree?: ParsedNode; readonly problem?: string }[],
): (SavedProfileDocument | UnreadableSavedProfile)[] {
  return files.map((f) => {
    if (f.problem !== undefined) return { file: f.id, problem: f.problem };
    const parsed = f.tree ? parseProfileFile(f.id, f.tree) : parseProfileDocument(f.json);
    return parsed.ok ? { file: f.id, document: parsed.value } : { file: f.id, problem: parsed.error };
  });
}
