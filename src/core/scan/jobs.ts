/**
 * Joining recognised files into training jobs.
 *
 * 0. A 'launcher' (shell launch script) joins the job of the training file it launches (its 'launch'
 *    links: the config given to llamafactory-cli / axolotl / tune / the script, then the Python
 *    script), tried from the script's folder and every folder above it (where it may be run);
 *    a launcher that launches no training file it can find anchors a job of its own. A launch of
 *    `accelerate launch` without `--config_file` adds the machine's default accelerate config when the
 *    caller read one (./machine-files.ts; its path is outside the workspace), else a note saying why not.
 * 1. Every 'training' file anchors a job (id = its path). Its references are followed: config
 *    references (`deepspeed`, accelerate's `deepspeed_config_file`) add that file, and the files it
 *    references, transitively. Model references (`model_name_or_path`, axolotl `base_model`, a
 *    torchtune builder's hub id, `from_pretrained("...")`) are tried in order: a folder holding a
 *    recognised config.json, or the config file itself, makes the model a 'config-file' ref; a path
 *    (absolute, `~/`, `./`, `../`) naming nothing scanned becomes a 'local-path' ref (the evaluation
 *    reads it from disk where allowed); else a value shaped like a Hub repo id becomes a 'hub-id' ref;
 *    the first that resolves wins.
 *    Relative references are tried from the referencing file's folder, then from the workspace root.
 * 2. A training file with no model reference adopts the model config of its own folder when there
 *    is exactly one that no reference claimed.
 * 3. Auxiliary files (DeepSpeed, accelerate) that nothing references join the training job of their
 *    folder when there is exactly one.
 * 4. Files left over form one job per folder (id = the folder); a folder with several model
 *    configs gives one job per config (id = the config's path). Auxiliary files alone form no job.
 * Settings: explicit values of referenced files override the referencing file (a DeepSpeed
 * `optimizer` section replaces the Trainer's `optim`), and a launcher's values override them all (the
 * command line wins); a default applies only when no file of the job wrote that setting. DeepSpeed
 * "auto" values are filled from the merged settings when a member runs the HF Trainer
 * (./deepspeed-auto.ts).
 */
import type { Ecosystem } from '../optimizers/types';
import type { HyperValue } from '../types';
import { readCommandLine, withCommandLine } from './command-line';
import { resolveAutos, type AutoValue } from './deepspeed-auto';
import type { Detection, Link } from './detector';
import { globalsOfJob, globalsSettings, metaPicklePath, NANOGPT_DEFAULT_VOCAB, NANOGPT_SOURCE, scratchModel, type MergedGlobal, type ScratchVocab } from './module-globals';
import { PEFT_LORA_TARGETS_SOURCE, peftDefaultLoraTargets } from './peft-lora-targets';
import { childPath, comparePaths, folderOf, isAbsoluteLike, joinRelative } from './paths';
import type { DefaultedSetting, PendingLora, ScanJob, ScanWarning, SettingSource, UltralyticsJob } from './results';
import { finishUltralyticsJob } from './ultralytics';
import type { ModelRef, TrainingSettings } from './types';

/** A file that a detector recognised and read without error. */
export interface DetectedFile {
  readonly path: string;
  readonly kind: string;
  readonly detection: Detection;
}

/**
 * huggingface_hub's repo id rule (utils/_validators.py, REPO_ID_REGEX and validate_repo_id):
 * an optional `namespace/`, a name of word characters, `-` and `.` (1 to 96), no `--` or `..`,
 * not ending in `.git`.
 */
const REPO_ID = /^(\b[\w\-.]+\b\/)?\b[\w\-.]{1,96}\b$/;
export function isHubRepoId(value: string): boolean {
  return REPO_ID.test(value) && !value.includes('--') && !value.includes('..') && !value.endsWith('.git');
}

type ModelResolution =
  | { readonly kind: 'file'; readonly target: DetectedFile }
  | { readonly kind: 'hub'; readonly id: string; readonly revision?: string; readonly subfolder?: string }
  | { readonly kind: 'outside'; readonly value: string }
  | { readonly kind: 'unresolved'; readonly message: string };

interface JobDraft {
  readonly id: string;
  readonly folder: string;
  readonly members: DetectedFile[];
  model: ModelRef | null;
  modelType: string | null;
  /** Assumptions of the job itself (not of one member file). */
  notes?: string[];
  /** An Ultralytics training job's recipe facts (./ultralytics.ts finishUltralyticsJob). */
  ultralyticsJob?: UltralyticsJob;
}

/**
 * A machine file a launch reads without naming it (./machine-files.ts), already read by the scan:
 * the detected file (path = its location outside the workspace) with notes, or the note saying why
 * it is not used.
 */
export type MachineConfig =
  | { readonly kind: 'file'; readonly file: DetectedFile; readonly notes: readonly string[] }
  | { readonly kind: 'note'; readonly note: string };

export function buildJobs(
  files: readonly DetectedFile[],
  scannedPaths: ReadonlySet<string>,
  warn: (warning: ScanWarning) => void,
  machine: { readonly accelerateDefault?: MachineConfig } = {},
): ScanJob[] {
  const detected = withCommandLines(files);
  const byPath = new Map(detected.map((d) => [d.path, d]));
  const folders = foldersOf(scannedPaths);
  const claimed = new Set<string>();
  const drafts: JobDraft[] = [];
  const needsModel: JobDraft[] = [];

  // A launcher (shell script) joins the training file it launches; one that launches none it can
  // find anchors a job of its own.
  const launchedBy = new Map<string, DetectedFile[]>();
  /** Training files run as the launch's program (not given as its config): the launch script names their job. */
  const runAsProgram = new Set<string>();
  const ownJobs: DetectedFile[] = [];
  for (const launcher of detected.filter((d) => d.detection.role === 'launcher')) {
    let target: DetectedFile | undefined;
    for (const link of launcher.detection.links) {
      if (link.kind !== 'launch') continue;
      const found = resolveFile(link, launcher.path, byPath, true);
      if (found !== undefined && found.detection.role === 'training') {
        target = found;
        if (link.key.endsWith(' script')) runAsProgram.add(found.path);
        break;
      }
      if (found === undefined && /\.(ya?ml|json)$/i.test(link.value) && !candidatePaths(link.value, launcher.path, true).some((p) => scannedPaths.has(p))) {
        warn({ path: launcher.path, line: link.range.line, column: link.range.column, message: `the launch runs '${link.value}', which is not among the scanned files` });
      }
    }
    if (target === undefined) ownJobs.push(launcher);
    else launchedBy.set(target.path, [...(launchedBy.get(target.path) ?? []), launcher]);
  }

  // A training file another training file imports (nanoGPT's model.py, whose configure_optimizers builds
  // the optimizer train.py uses) belongs to the importer's job, not to one of its own.
  const imported = new Set<string>();
  for (const d of detected) {
    if (d.detection.role !== 'training') continue;
    for (const link of d.detection.links) {
      if (link.kind !== 'config' || link.key !== 'import') continue;
      const target = resolveFile(link, d.path, byPath, false);
      if (target !== undefined && target !== d && target.detection.role === 'training') imported.add(target.path);
    }
  }
  const anchors = [...detected.filter((d) => d.detection.role === 'training' && !imported.has(d.path)), ...ownJobs];
  for (const anchor of anchors) {
    const launchers = launchedBy.get(anchor.path) ?? [];
    // The job is named after what the user runs or configures: the one launch script that runs a
    // Python file (`bash run.sh`), the config a launch is given (`--config recipe.yaml`), else the file.
    const id = launchers.length === 1 && runAsProgram.has(anchor.path) ? launchers[0].path : anchor.path;
    const draft: JobDraft = { id, folder: folderOf(anchor.path), members: [anchor, ...launchers], model: null, modelType: null };
    claimed.add(anchor.path);
    for (const l of launchers) claimed.add(l.path);
    // `accelerate launch` without --config_file: the machine's default config, as if the launch named it.
    const accelerateDefault = machine.accelerateDefault;
    if (accelerateDefault !== undefined && launchers.concat(anchor).some((l) => l.detection.accelerateDefaultConfig !== undefined)) {
      if (accelerateDefault.kind === 'file') {
        draft.members.push(accelerateDefault.file);
        draft.notes = [...accelerateDefault.notes];
      } else draft.notes = [accelerateDefault.note];
    }
    const modelLinks = followConfigLinks(draft, byPath, scannedPaths, claimed, warn);
    if (modelLinks.length > 0) linkModel(draft, modelLinks, byPath, folders, claimed, warn);
    const own = draft.model === null ? draft.members.find((m) => m.detection.ownModel !== undefined)?.detection.ownModel : undefined;
    if (own !== undefined) {
      // A config that describes its network by its own arguments (GPT-NeoX).
      draft.model = own;
      draft.modelType = typeof own.config['model_type'] === 'string' ? own.config['model_type'] : null;
    }
    // An Ultralytics training call: the dataset's classes and optimizer=auto (./ultralytics.ts).
    const yolo = finishUltralyticsJob(draft.members, draft.model);
    if (yolo !== null) {
      draft.model = yolo.model;
      if (yolo.member !== null) draft.members[yolo.member.index] = { ...(draft.members[yolo.member.index] as DetectedFile), detection: yolo.member.detection };
      if (yolo.notes.length > 0) draft.notes = [...(draft.notes ?? []), ...yolo.notes];
      draft.ultralyticsJob = yolo.job;
    }
    if (draft.model === null) {
      // A nanoGPT-style script that builds its model from its globals (init_from='scratch').
      const globals = globalsOfJob(draft.members.map((m) => ({ path: m.path, globals: m.detection.contribution.moduleGlobals })), []);
      const meta = globals === null ? null : datasetVocab(draft, globals, byPath, scannedPaths);
      const scratch = globals === null ? null : scratchModel(globals, [], meta?.vocab ?? null);
      if (scratch !== null) {
        draft.model = scratch;
        draft.modelType = 'nanogpt';
        // The dataset's meta.pkl the script reads joins its job.
        if (meta?.file !== undefined && !claimed.has(meta.file.path)) {
          draft.members.push(meta.file);
          claimed.add(meta.file.path);
        }
      }
    }
    if (modelLinks.length === 0 && draft.model === null) needsModel.push(draft);
    drafts.push(draft);
  }

  // A training file without a model reference takes the one unclaimed model config beside it.
  const adopted = new Set<string>();
  for (const draft of needsModel) {
    const candidates = detected.filter(
      (d) => d.detection.role === 'model' && folderOf(d.path) === draft.folder && !claimed.has(d.path),
    );
    if (candidates.length === 1) {
      draft.members.push(candidates[0]);
      draft.model = { kind: 'config-file', path: candidates[0].path };
      draft.modelType = candidates[0].detection.modelType ?? null;
      adopted.add(candidates[0].path);
    } else if (candidates.length > 1) {
      const anchor = draft.members[0];
      warn({
        path: anchor.path,
        line: 1,
        column: 1,
        message: `no model reference, and ${candidates.length} model configs in '${draft.folder}'; none was chosen`,
      });
    }
  }
  for (const path of adopted) claimed.add(path);

  // Auxiliary files (DeepSpeed, accelerate) that no file references join the one training job of
  // their folder.
  const anchoredIn = new Map<string, JobDraft[]>();
  for (const draft of drafts) anchoredIn.set(draft.folder, [...(anchoredIn.get(draft.folder) ?? []), draft]);
  for (const d of detected) {
    if (claimed.has(d.path) || d.detection.role !== 'auxiliary') continue;
    const here = anchoredIn.get(folderOf(d.path)) ?? [];
    if (here.length !== 1) continue;
    here[0].members.push(d);
    claimed.add(d.path);
    followConfigLinks(here[0], byPath, scannedPaths, claimed, warn, here[0].members.length - 1);
  }

  // Leftovers: one job per folder, or per model config when a folder holds several. A folder of
  // auxiliary files alone (no model, no training file) forms no job: nothing could be evaluated.
  const leftovers = new Map<string, DetectedFile[]>();
  for (const d of detected) {
    if (claimed.has(d.path)) continue;
    const folder = folderOf(d.path);
    const list = leftovers.get(folder) ?? [];
    list.push(d);
    leftovers.set(folder, list);
  }
  for (const [folder, files] of leftovers) {
    const models = files.filter((f) => f.detection.role === 'model');
    if (models.length === 0 && files.every((f) => f.detection.role === 'auxiliary' || f.detection.role === 'dataset')) continue;
    if (models.length <= 1) {
      const draft: JobDraft = { id: folder, folder, members: files, model: null, modelType: null };
      if (models.length === 1) {
        draft.model = { kind: 'config-file', path: models[0].path };
        draft.modelType = models[0].detection.modelType ?? null;
      }
      drafts.push(draft);
      continue;
    }
    for (const m of models) {
      drafts.push({ id: m.path, folder, members: [m], model: { kind: 'config-file', path: m.path }, modelType: m.detection.modelType ?? null });
    }
    const others = files.filter((f) => f.detection.role !== 'model' && f.detection.role !== 'dataset');
    if (others.length > 0 && !others.every((f) => f.detection.role === 'auxiliary')) {
      drafts.push({ id: folder, folder, members: others, model: null, modelType: null });
    }
  }

  return drafts.map((draft) => finishJob(draft, warn)).sort((a, b) => comparePaths(a.id, b.id));
}

/**
 * Adds the files that the draft's members reference by config links (`deepspeed`, accelerate's
 * `deepspeed_config_file`), transitively, starting at member `from`. Returns the model links of
 * the members visited, in order.
 */
function followConfigLinks(
  draft: JobDraft,
  byPath: ReadonlyMap<string, DetectedFile>,
  scannedPaths: ReadonlySet<string>,
  claimed: Set<string>,
  warn: (warning: ScanWarning) => void,
  from = 0,
): { link: Link; path: string }[] {
  const modelLinks: { link: Link; path: string }[] = [];
  // Where the job's launch scripts may be run from: their folders and the folders above them.
  const runFrom: string[] = [];
  for (const m of draft.members) {
    if (m.detection.role !== 'launcher') continue;
    for (let f = folderOf(m.path); ; f = folderOf(f)) {
      if (!runFrom.includes(f)) runFrom.push(f);
      if (f === '.') break;
    }
  }
  for (let i = from; i < draft.members.length; i++) {
    const member = draft.members[i];
    for (const link of member.detection.links) {
      if (link.kind === 'model') {
        // A launch's value over its config's comes first (Link.overrides), in the order written.
        if (link.overrides === true) modelLinks.splice(modelLinks.filter((m) => m.link.overrides === true).length, 0, { link, path: link.path ?? member.path });
        else modelLinks.push({ link, path: link.path ?? member.path });
        continue;
      }
      if (link.kind === 'launch') continue; // joined before (buildJobs)
      const launched = member.detection.role === 'launcher';
      const target = resolveFile(link, member.path, byPath, launched, runFrom);
      if (target !== undefined) {
        if ((target.detection.role !== 'training' || link.key === 'import') && target !== member && !draft.members.includes(target)) {
          draft.members.push(target);
          claimed.add(target.path);
        }
      } else if (link.key !== 'import' && !candidatePaths(link.value, member.path, launched, runFrom).some((p) => scannedPaths.has(p))) {
        warn({
          path: member.path,
          line: link.range.line,
          column: link.range.column,
          message: `'${link.key}' refers to '${link.value}', which is not among the scanned files`,
        });
      }
    }
  }
  return modelLinks;
}

/** The first model link that resolves gives the job its model; when none does, the first failure is warned about. */
function linkModel(
  draft: JobDraft,
  modelLinks: readonly { link: Link; path: string }[],
  byPath: ReadonlyMap<string, DetectedFile>,
  folders: ReadonlySet<string>,
  claimed: Set<string>,
  warn: (warning: ScanWarning) => void,
): void {
  let failure: { link: Link; path: string; message: string } | null = null;
  for (const { link, path } of modelLinks) {
    const found = resolveModel(link, path, byPath, folders);
    if (found.kind === 'file') {
      if (!draft.members.includes(found.target)) draft.members.push(found.target);
      claimed.add(found.target.path);
      draft.model = { kind: 'config-file', path: found.target.path };
      draft.modelType = found.target.detection.modelType ?? null;
      return;
    }
    if (found.kind === 'hub') {
      draft.model = { kind: 'hub-id', id: found.id, path, range: link.range, ...(found.revision !== undefined ? { revision: found.revision } : {}), ...(found.subfolder !== undefined ? { subfolder: found.subfolder } : {}) };
      return;
    }
    if (found.kind === 'outside') {
      draft.model = { kind: 'local-path', value: found.value, path, range: link.range };
      return;
    }
    failure ??= { link, path, message: found.message };
  }
  if (failure !== null) warn({ path: failure.path, line: failure.link.range.line, column: failure.link.range.column, message: failure.message });
}

/**
 * Relative paths a reference may mean: from the referencing file's folder, then from the root. A
 * launch script's paths are relative to where it is run, usually an ancestor of its folder (a
 * project's root, with the script in `scripts/`): every ancestor is tried, nearest first.
 */
export function candidatePaths(value: string, fromPath: string, fromLauncher = false, runFrom: readonly string[] = []): string[] {
  if (isAbsoluteLike(value)) return [];
  const bases = [folderOf(fromPath)];
  if (fromLauncher) for (let f = folderOf(fromPath); f !== '.'; ) bases.push((f = folderOf(f)));
  // Files a launch script runs read their paths from where the script is run, too.
  bases.push(...runFrom, '.');
  const out: string[] = [];
  for (const base of bases) {
    const p = joinRelative(base, value);
    if (p !== null && !out.includes(p)) out.push(p);
  }
  return out;
}

/**
 * A launch's flags read through the option table of the program it runs (./command-line.ts): the
 * launcher's contribution gets the settings they set (a launch's values win), and a `--model` given on
 * the command line replaces the program's default model reference.
 */
function withCommandLines(files: readonly DetectedFile[]): DetectedFile[] {
  const out = [...files];
  const byPath = new Map(files.map((d) => [d.path, d]));
  for (let i = 0; i < out.length; i++) {
    const launcher = out[i];
    const args = launcher.detection.scriptArgs;
    if (launcher.detection.role !== 'launcher' || args === undefined) continue;
    const link = launcher.detection.links.find((l) => l.kind === 'launch' && l.key.endsWith(' script'));
    const program = link === undefined ? undefined : resolveFile(link, launcher.path, byPath, true);
    const table = program?.detection.commandLine;
    if (program === undefined || table === undefined) continue;
    const reading = readCommandLine(table, program.path, args, launcher.path, launcher.detection.contribution.settings.gpus ?? null);
    if (reading === null) continue;
    const links = reading.model === null ? launcher.detection.links : [reading.model, ...launcher.detection.links];
    out[i] = { ...launcher, detection: { ...launcher.detection, contribution: withCommandLine(launcher.detection.contribution, reading), links } };
    if (reading.model !== null) {
      const p = out.indexOf(program);
      const kept = program.detection.links.filter((l) => !(l.kind === 'model' && l.key === '--model'));
      if (p >= 0) out[p] = { ...program, detection: { ...program.detection, links: kept } };
      byPath.set(program.path, out[p]);
    }
  }
  return out;
}

/**
 * The vocabulary a nanoGPT-style script reads from its dataset's meta.pkl (./module-globals.ts): the path it joins,
 * tried from the script's folder and the workspace root; the dataset file read there, or nanoGPT's default with
 * the reason (no such file: nanoGPT falls back to it too; a file the reader could not read: its finding says why).
 */
function datasetVocab(
  draft: JobDraft,
  globals: ReadonlyMap<string, MergedGlobal>,
  byPath: ReadonlyMap<string, DetectedFile>,
  scannedPaths: ReadonlySet<string>,
): { vocab: ScratchVocab; file?: DetectedFile } | null {
  const script = draft.members.find((m) => m.detection.contribution.moduleGlobals?.metaPickle !== undefined);
  const spec = script?.detection.contribution.moduleGlobals?.metaPickle;
  if (script === undefined || spec === undefined) return null;
  const fallback = `nanoGPT's default ${NANOGPT_DEFAULT_VOCAB} (${NANOGPT_SOURCE.title}) is assumed`;
  const where = `${script.path}:${spec.range.line}:${spec.range.column}`;
  const rel = metaPicklePath(globals, spec.parts);
  if ('unknown' in rel) return { vocab: { value: NANOGPT_DEFAULT_VOCAB, assumption: `the script reads it from a meta.pkl (${where}), but ${rel.unknown}; ${fallback}` } };
  const candidates = candidatePaths(rel.path, script.path);
  for (const p of candidates) {
    const file = byPath.get(p);
    const meta = file?.detection.datasetMeta;
    if (file !== undefined && meta !== undefined) return { vocab: { value: meta.vocabSize, source: { path: file.path, range: meta.range } }, file };
    if (scannedPaths.has(p)) return { vocab: { value: NANOGPT_DEFAULT_VOCAB, assumption: `${p}, which the script reads (${where}), could not be read (its finding says why); ${fallback}` } };
  }
  return { vocab: { value: NANOGPT_DEFAULT_VOCAB, assumption: `the script reads it from ${rel.path} (${where}), which is not in the workspace (the dataset's prepare.py writes it; without it nanoGPT falls back too); ${fallback}` } };
}

function resolveFile(link: Link, fromPath: string, byPath: ReadonlyMap<string, DetectedFile>, fromLauncher = false, runFrom: readonly string[] = []): DetectedFile | undefined {
  for (const p of candidatePaths(link.value, fromPath, fromLauncher, runFrom)) {
    const found = byPath.get(p);
    if (found !== undefined) return found;
  }
  return undefined;
}

function resolveModel(
  link: Link,
  fromPath: string,
  byPath: ReadonlyMap<string, DetectedFile>,
  folders: ReadonlySet<string>,
): ModelResolution {
  const value = link.value;
  // A path outside the workspace: the evaluation reads its config.json, where reading outside is allowed.
  if (isAbsoluteLike(value)) return { kind: 'outside', value };
  const candidates = candidatePaths(value, fromPath);
  for (const p of candidates) {
    const direct = byPath.get(p);
    if (direct !== undefined && direct.detection.role === 'model') return { kind: 'file', target: direct };
    const inFolder = byPath.get(childPath(p, 'config.json'));
    if (inFolder !== undefined && inFolder.detection.role === 'model') return { kind: 'file', target: inFolder };
  }
  const folder = candidates.find((p) => folders.has(p));
  if (folder !== undefined) {
    return { kind: 'unresolved', message: `'${link.key}' refers to the folder '${folder}', which holds no recognised model config.json` };
  }
  // A path ('../ckpt', './out/final') that names nothing scanned: read from disk by the evaluation.
  if (value.startsWith('.') || value.includes('\\')) return { kind: 'outside', value };
  if (isHubRepoId(value)) return { kind: 'hub', id: value, ...(link.revision !== undefined ? { revision: link.revision } : {}), ...(link.subfolder !== undefined ? { subfolder: link.subfolder } : {}) };
  return { kind: 'unresolved', message: `'${link.key}' is '${value}': neither a folder of the workspace nor a Hugging Face Hub repo id` };
}

/** Every folder that holds a scanned file, with its ancestors ('.' excluded). */
function foldersOf(paths: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const path of paths) {
    let folder = folderOf(path);
    while (folder !== '.' && !out.has(folder)) {
      out.add(folder);
      folder = folderOf(folder);
    }
  }
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function headOf(setting: string): string {
  const dot = setting.indexOf('.');
  return dot < 0 ? setting : setting.slice(0, dot);
}

/**
 * The Trainer's own `bf16` / `fp16` decide its mixed precision over an accelerate config's
 * `mixed_precision`: TrainingArguments.__post_init__ writes ACCELERATE_MIXED_PRECISION from them, which
 * the Accelerator the Trainer builds reads (transformers training_args.py). When neither is true the
 * accelerate config's value stands.
 */
/**
 * A program whose precision branches on a config switch (Flax's train.py `if half_precision:`) and a config file
 * of the same job that states the switch: the chosen branch's dtype, written where that branch writes it.
 */
function precisionBySwitch(members: readonly DetectedFile[], settings: Mutable<TrainingSettings>, sources: Record<string, SettingSource>, defaults: DefaultedSetting[]): void {
  for (const m of members) {
    const choice = m.detection.contribution.precisionBySwitch;
    if (choice === undefined) continue;
    const stated = members.map((o) => o.detection.contribution.configSwitches?.[choice.switch]).find((v) => v !== undefined);
    const branch = stated === undefined ? undefined : stated ? choice.whenTrue : choice.whenFalse;
    if (branch === undefined) continue;
    settings.precision = branch.precision;
    sources['precision'] = branch.source;
    for (let i = defaults.length - 1; i >= 0; i--) if (defaults[i].setting === 'precision') defaults.splice(i, 1);
    return;
  }
}

function trainerPrecisionOverAccelerate(members: readonly DetectedFile[], settings: Mutable<TrainingSettings>, sources: Record<string, SettingSource>): void {
  const from = sources['precision']?.path;
  if (from === undefined || !members.some((m) => m.path === from && m.kind === 'accelerate-config')) return;
  for (let i = members.length - 1; i >= 0; i--) {
    const c = members[i].detection.contribution;
    const p = c.settings.precision;
    if (members[i].kind === 'accelerate-config' || c.runsHfTrainer !== true || (p !== 'bf16-mixed' && p !== 'fp16-mixed')) continue;
    const src = c.sources['precision'];
    if (src === undefined) continue;
    settings.precision = p;
    sources['precision'] = src;
    return;
  }
}

/** Merges the members' contributions (see the file comment) and resolves PEFT default LoRA targets. */
function finishJob(draft: JobDraft, warn: (warning: ScanWarning) => void): ScanJob {
  // A launch script's values are what the run uses: they come last, over its config files'.
  const members = [
    ...draft.members.filter((m) => m.detection.role !== 'launcher'),
    ...draft.members.filter((m) => m.detection.role === 'launcher'),
  ];
  const explicit: Mutable<TrainingSettings> = {};
  const sources: Record<string, SettingSource> = {};
  const writtenBy = new Map<string, number>();
  members.forEach((m, i) => {
    const c = m.detection.contribution;
    const written = Object.keys(c.settings);
    // A file that writes a setting replaces whatever earlier files said about it.
    for (const key of Object.keys(sources)) if (written.includes(headOf(key))) delete sources[key];
    for (const key of written) writtenBy.set(key, i);
    Object.assign(explicit, c.settings);
    for (const [key, source] of Object.entries(c.sources)) {
      const owner = writtenBy.get(headOf(key));
      if (owner === undefined || owner === i) sources[key] = source;
    }
  });

  // A nanoGPT-style script's globals after its overrides are the job's values (./module-globals.ts); a
  // setting the launch itself writes (its GPU count) stays the launch's.
  const globalNotes: string[] = [];
  const globals = globalsOfJob(members.map((m) => ({ path: m.path, globals: m.detection.contribution.moduleGlobals })), globalNotes);
  if (globals !== null) {
    const divide = members.some((m) => m.detection.contribution.moduleGlobals?.divideGradAccumByGpus === true);
    const fromGlobals = globalsSettings(globals, divide, explicit.gpus, globalNotes);
    if (draft.model?.kind === 'script-config' && draft.model.vocab !== undefined && 'assumption' in draft.model.vocab) {
      globalNotes.push(`vocab_size ${draft.model.vocab.value}: ${draft.model.vocab.assumption}`);
    }
    const afterGlobals = members.length;
    for (const [key, value] of Object.entries(fromGlobals.settings)) {
      const owner = writtenBy.get(key);
      if (owner !== undefined && members[owner].detection.role === 'launcher') continue;
      Object.assign(explicit, { [key]: value });
      for (const k of Object.keys(sources)) if (headOf(k) === key) delete sources[k];
      sources[key] = fromGlobals.sources[key];
      writtenBy.set(key, afterGlobals);
    }
  }

  const settings: Mutable<TrainingSettings> = {};
  const defaults: DefaultedSetting[] = [];
  members.forEach((m, i) => {
    const c = m.detection.contribution;
    for (const d of c.defaults) {
      const head = headOf(d.setting);
      const owner = writtenBy.get(head);
      if (owner !== undefined && owner !== i) continue; // another file of the job wrote it
      if (defaults.some((x) => x.setting === d.setting)) continue;
      defaults.push(d);
    }
    for (const [key, value] of Object.entries(c.defaultSettings)) {
      if (writtenBy.has(key) || key in settings) continue;
      Object.assign(settings, { [key]: value });
    }
  });
  Object.assign(settings, explicit);
  trainerPrecisionOverAccelerate(members, settings, sources);
  if (!writtenBy.has('precision')) precisionBySwitch(members, settings, sources, defaults);

  let pendingLora: PendingLora | null = null;
  if (settings.lora === undefined) {
    const wanting = members.find((m) => m.detection.contribution.loraWithoutTargets !== undefined);
    const want = wanting?.detection.contribution.loraWithoutTargets;
    if (want !== undefined) {
      const targets = draft.modelType !== null ? peftDefaultLoraTargets(draft.modelType) : null;
      if (targets !== null) {
        settings.lora = { rank: want.rank, targets, qlora: want.qlora, ...loraExtras(want) };
        sources.lora = want.source;
        defaults.push({
          setting: 'lora.targets',
          key: 'lora_target_modules',
          value: targets,
          note: `PEFT's default LoRA targets for model_type '${draft.modelType}'`,
          source: PEFT_LORA_TARGETS_SOURCE,
        });
      } else {
        pendingLora = { rank: want.rank, qlora: want.qlora, source: want.source, ...loraExtras(want) };
        const reason =
          draft.modelType === null
            ? 'the model type is not known from the workspace'
            : `PEFT has no default LoRA targets for model_type '${draft.modelType}'`;
        warn({
          path: want.source.path,
          line: want.source.range.line,
          column: want.source.range.column,
          message: `LoRA is on without 'lora_target_modules' and ${reason}, so the targets are unresolved`,
        });
      }
    }
  }

  const files = [...new Set([...members.map((m) => m.path), ...members.flatMap((m) => m.detection.composedFrom ?? [])])].sort(comparePaths);
  const optimizerEcosystem = ecosystemOfOptimizer(members, writtenBy, defaults);
  const optimizerWriterFile = optimizerWriter(members, writtenBy, defaults);
  const optimizerFileKind = optimizerWriterFile?.kind;
  const optimizerPartial = optimizerWriterFile?.detection.contribution.optimizerPartial === true;
  const optimizerUltralytics = optimizerWriterFile?.detection.contribution.ultralytics;
  const autoValues = fillAutos(members, settings, sources, defaults);
  const notes = [...members.flatMap((m) => m.detection.contribution.notes ?? []), ...(draft.notes ?? []), ...globalNotes];
  const launchers = members.filter((m) => m.detection.role === 'launcher').map((m) => m.path);
  const notModelled = members.flatMap((m) => m.detection.contribution.notModelled ?? []);
  // The Trainer fills the DeepSpeed optimizer's "auto" params: they are the optimizer's params.
  const optimizerFile = sources['optimizer']?.path;
  for (const v of autoValues) {
    if (v.value === null || v.path !== optimizerFile || !v.key.startsWith('optimizer.params.')) continue;
    const param = v.key.slice('optimizer.params.'.length);
    if (param === 'lr' || param === 'weight_decay') continue; // learningRate / weightDecay
    settings.optimizerParams = { ...(settings.optimizerParams ?? {}), [param]: v.value };
    sources[`optimizerParams.${param}`] = { path: v.path, range: v.range };
  }
  return {
    id: draft.id,
    folder: draft.folder,
    files,
    model: draft.model,
    settings: inCanonicalOrder(settings),
    sources,
    defaults,
    pendingLora,
    ...(optimizerEcosystem !== undefined ? { optimizerEcosystem } : {}),
    ...(optimizerFileKind !== undefined ? { optimizerFileKind } : {}),
    ...(optimizerPartial ? { optimizerPartial } : {}),
    ...(optimizerUltralytics !== undefined ? { optimizerUltralytics } : {}),
    autoValues,
    ...(notes.length > 0 ? { assumptions: notes } : {}),
    ...(launchers.length > 0 ? { launchers } : {}),
    ...(notModelled.length > 0 ? { notModelled } : {}),
    ...(draft.ultralyticsJob !== undefined ? { ultralyticsJob: draft.ultralyticsJob } : {}),
  };
}

/**
 * The DeepSpeed "auto" values of the job's files, filled from the merged settings when a member
 * runs the Hugging Face Trainer (whose DeepSpeed integration fills them), else left unresolved.
 */
function fillAutos(
  members: readonly DetectedFile[],
  settings: TrainingSettings,
  sources: Readonly<Record<string, SettingSource>>,
  defaults: readonly DefaultedSetting[],
): AutoValue[] {
  const withAutos = members.filter((m) => (m.detection.contribution.deepspeedAutos ?? []).length > 0);
  if (withAutos.length === 0) return [];
  const trainer = members.find((m) => m.detection.contribution.runsHfTrainer === true) ?? null;
  const trainerFields = new Map<string, { value: HyperValue; path: string }>();
  if (trainer !== null) {
    const params = trainer.detection.contribution.settings.optimizerParams ?? {};
    if (params['betas'] !== undefined) trainerFields.set('betas', { value: params['betas'], path: trainer.path });
    if (params['eps'] !== undefined) trainerFields.set('adam_epsilon', { value: params['eps'], path: trainer.path });
    for (const f of trainer.detection.fields) {
      const last = f.name.slice(f.name.lastIndexOf('.') + 1);
      if (last === 'max_grad_norm' && typeof f.value === 'number') trainerFields.set('max_grad_norm', { value: f.value, path: trainer.path });
    }
  }
  const context = { settings, sources, defaults, trainerFields, trainerPath: trainer?.path ?? null, zeroStage: settings.zeroStage };
  return withAutos.flatMap((m) => resolveAutos(m.path, m.detection.contribution.deepspeedAutos ?? [], context));
}

/** The file that wrote the job's optimizer, or whose default the job uses. */
function optimizerWriter(members: readonly DetectedFile[], writtenBy: ReadonlyMap<string, number>, defaults: readonly DefaultedSetting[]): DetectedFile | undefined {
  const owner = writtenBy.get('optimizer');
  if (owner !== undefined) return members[owner];
  const used = defaults.find((d) => d.setting === 'optimizer');
  if (used === undefined) return undefined;
  return members.find((m) => m.detection.contribution.defaults.includes(used));
}

/** The ecosystem of the file that wrote the job's optimizer, or whose default the job uses. */
function ecosystemOfOptimizer(
  members: readonly DetectedFile[],
  writtenBy: ReadonlyMap<string, number>,
  defaults: readonly DefaultedSetting[],
): Ecosystem | undefined {
  return optimizerWriter(members, writtenBy, defaults)?.detection.contribution.optimizerEcosystem;
}

/** The 8-bit base and modules_to_save a LoRA without targets carries along. */
function loraExtras(want: { readonly int8?: boolean; readonly modulesToSave?: readonly string[] }): { int8?: boolean; modulesToSave?: readonly string[] } {
  return { ...(want.int8 === true ? { int8: true } : {}), ...(want.modulesToSave !== undefined ? { modulesToSave: want.modulesToSave } : {}) };
}

/** TrainingSettings keys in the order the contract declares them (for stable, readable output). */
const SETTING_ORDER: readonly (keyof TrainingSettings)[] = [
  'optimizer', 'optimizerParams', 'learningRate', 'weightDecay', 'perDeviceBatchSize', 'gradAccum', 'seqLen',
  'precision', 'loadDtype', 'qloraComputeDtype', 'gradientCheckpointing', 'optimizerInBackward', 'loss', 'activationOffload', 'referenceModel',
  'zeroStage', 'offload', 'deepspeedZero', 'gpus', 'lora', 'maxSteps', 'epochs', 'trainSamples', 'trainDataFiles', 'trainDataSplit', 'maxTrainSamples', 'valHoldout', 'llamaFactoryData', 'warmupSteps',
  'warmupRatio', 'warmupEpochs', 'scheduler', 'pretraining',
];

function inCanonicalOrder(settings: TrainingSettings): TrainingSettings {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_ORDER) if (settings[key] !== undefined) out[key] = settings[key];
  for (const [key, value] of Object.entries(settings)) if (!(key in out)) out[key] = value;
  return out as TrainingSettings;
}
