/**
 * The workspace scanner: recognises config files by content, reports what they set with source
 * ranges, and joins them into training jobs. Pure: the caller passes the files' text.
 */
import { InputError } from '../types';
import type { Contribution, Detection, Detector, FindingError, Link, ParsedFile } from './detector';
import { DETECTORS } from './detectors';
import { accelerateConfigDetector } from './detectors/accelerate-config';
import { hydraOptimizerDetector } from './detectors/hydra-optimizer';
import { shellScriptDetector } from './detectors/shell-script';
import { composeHydra, isHydraPrimary, originAt, type ComposedConfig, type CompositionResult, type ReadYaml } from './hydra-compose';
import { findHydraLaunches, type HydraLaunch } from './hydra-launch';
import { composeMmengine, mmengineJoinReads, MMENGINE_MAX_FILE_CHARS } from './mmengine-compose';
import { composeNeox, findNeoxLaunch } from './neox-launch';
import { GPT_NEOX_CONFIG_KIND } from './detectors/gpt-neox-config';
import { mmengineConfigDetector } from './detectors/mmengine-config';
import { buildJobs, type DetectedFile, type MachineConfig } from './jobs';
import type { MachineFileAnswer, MachineFiles } from './machine-files';
import { parseScanFile, syntaxOf } from './parse-file';
import { comparePaths, folderOf } from './paths';
import type { ScanReport, ScanWarning, SettingSource } from './results';
import { resolveScriptCall, scriptCallJoinReads } from './script-calls';
import type { FieldFinding, Finding, ScanFile, SourceRange } from './types';

/**
 * YAML files longer than this (in characters) are not parsed by the scanner. The `yaml` package
 * reads about 0.3 MB/s on this project's benchmark machine, so a 2 MiB YAML file (the walker's
 * general size cap) would take seconds; training configs are a few KiB. A file over the cap that a
 * detector's text test (`mayMatch`) accepts gets an error finding; others are skipped silently.
 */
export const DEFAULT_SCAN_YAML_MAX_CHARS = 256 * 1024;

/**
 * Hydra composition (./hydra-compose.ts) is a step of the join, which the editor runs on its main loop
 * (README: "Files it reads", Hydra): it reads YAML files up to this many characters (the size the editor
 * scans in its worker, src/extension/scan-pool.ts), and up to HYDRA_MAX_COMPOSED_CHARS in one composition.
 * A group file beyond either is not composed, with a note.
 */
export const HYDRA_MAX_FILE_CHARS = 64 * 1024;
/** Most characters of YAML one Hydra composition reads (the primary and its group files). */
export const HYDRA_MAX_COMPOSED_CHARS = 256 * 1024;

export interface ScanOptions {
  /** Detectors to use (defaults to the registry in ./detectors). */
  readonly detectors?: readonly Detector[];
  /** Longest YAML file (characters) that is parsed; default DEFAULT_SCAN_YAML_MAX_CHARS. */
  readonly maxYamlChars?: number;
  /** Machine files a launch may read without naming them (./machine-files.ts); absent: none is consulted. */
  readonly machineFiles?: MachineFiles;
}

/**
 * What the scan learns from one file on its own: its finding (null when no detector recognised it),
 * the file as joined into jobs (null when unrecognised or in error) and its warnings. Plain data
 * (structured-clonable): the editor computes it off its main loop (src/extension/scan-worker.ts).
 */
export interface FileScan {
  readonly path: string;
  readonly finding: Finding | null;
  readonly detected: DetectedFile | null;
  readonly warnings: readonly ScanWarning[];
}

/** The per-file options `scanFile` reads (the join's options, such as machine files, stay with `joinScan`). */
export type FileScanOptions = Pick<ScanOptions, 'detectors' | 'maxYamlChars'>;

/** The options of `joinScan`. */
export interface JoinOptions extends ScanOptions {
  /**
   * The text of a scanned file (undefined when the caller does not hold it): the join composes Hydra
   * primary configs from their files' texts and reads the launch scripts that run them. Absent: nothing
   * is composed. The editor holds the texts `hydraJoinReads` accepts.
   */
  readonly textOf?: (path: string) => string | undefined;
}

/**
 * True for a file whose text the join may read for Hydra composition: a YAML file within
 * HYDRA_MAX_FILE_CHARS (a primary or a group file), a Python app with `@hydra.main`, a shell script
 * running Python.
 */
/**
 * True for a file whose text `joinScan`'s `textOf` must be able to give: the join's cross-file steps (Hydra
 * composition, script calls) read it. Callers that keep texts (the editor's index) ask this, not each step.
 */
export function joinReads(file: ScanFile): boolean {
  return hydraJoinReads(file) || scriptCallJoinReads(file) || mmengineJoinReads(file);
}

export function hydraJoinReads(file: ScanFile): boolean {
  const syntax = syntaxOf(file.path);
  if (syntax === 'yaml') return file.text.length <= HYDRA_MAX_FILE_CHARS;
  if (file.path.endsWith('.py')) return file.text.includes('@hydra.main(');
  return file.path.endsWith('.sh') && /\.py\b/.test(file.text);
}

/**
 * One Finding per recognised file (sorted by path); a file that looks like a known kind but does not
 * parse, or holds a wrong-typed value, gets a Finding with `error` and joins no job. Unrecognised
 * files give nothing. Never throws for a bad file.
 */
export function scanFiles(files: readonly ScanFile[], options: ScanOptions = {}): ScanReport {
  const texts = new Map(files.map((f) => [f.path, f.text]));
  return joinScan(files.map((file) => scanFile(file, options)), { ...options, textOf: (path) => texts.get(path) });
}

/** The per-file step of `scanFiles`: detects and reads one file. Never throws for a bad file. */
export function scanFile(file: ScanFile, options: FileScanOptions = {}): FileScan {
  return detectFile(file, options, null);
}

/**
 * Detects and reads one file; with `composed`, the detectors read the Hydra config composed from it
 * (its sources, references and notes name the files they are written in, and its finding holds the values
 * written in the file itself; `detected` holds every value, for the group files' findings).
 */
function detectFile(file: ScanFile, options: FileScanOptions, composed: ComposedConfig | null): FileScan {
  const detectors = options.detectors ?? DETECTORS;
  const maxYamlChars = options.maxYamlChars ?? DEFAULT_SCAN_YAML_MAX_CHARS;
  const none: FileScan = { path: file.path, finding: null, detected: null, warnings: [] };
  const failed = (kind: string, error: FindingError, warnings: readonly ScanWarning[] = []): FileScan => ({
    path: file.path,
    finding: { path: file.path, kind, fields: [], error },
    detected: null,
    warnings,
  });
  const syntax = syntaxOf(file.path);
  if (syntax === null) return none;
  const read = composed?.file ?? file;
  // The cheap text tests first: most files of a workspace are not configs and are never parsed.
  const candidates = detectors.filter((d) => d.syntaxes.includes(syntax) && (d.mayMatch?.(read) ?? true));
  if (candidates.length === 0) return none;
  if (syntax === 'yaml' && file.text.length > maxYamlChars) {
    const message = `YAML file too large to read: ${file.text.length} characters (the scanner reads YAML files up to ${maxYamlChars})`;
    return failed(candidates[0].kind, { message, line: 1, column: 1 });
  }
  const parsed = composed?.parsed ?? parseScanFile(file, syntax);
  let detector: Detector | undefined;
  try {
    detector = candidates.find((d) => d.matches(read, parsed));
  } catch (e) {
    // A detector's analysis refused the file (e.g. Python brackets nested past Python's limit).
    if (!(e instanceof InputError)) throw e;
    return failed(candidates[0].kind, errorOf(e));
  }
  if (detector === undefined) return none;

  // A parse failure, or a JSONC-only parse for a kind whose readers take strict JSON.
  if (parsed.error !== null && (parsed.root === null || !detector.acceptsJsonc)) return failed(detector.kind, errorOf(parsed.error));
  const warnings: ScanWarning[] = parsed.warnings.map((w) => ({ path: file.path, ...w }));
  try {
    const detection = composed === null ? detector.detect(file, parsed) : withOrigins(detector.detect(read, parsed), composed);
    // A composed config's finding holds the values written in it; group files' values are the job's, with their files.
    const fields = composed === null ? detection.fields : detection.fields.filter((f) => (composed.originOf(f.range) ?? file.path) === file.path);
    // A composed config's warning about a value of another file (a group or base file) is that file's.
    for (const w of detection.warnings) warnings.push({ path: (composed === null ? undefined : originAt(composed, w.line, w.column)) ?? file.path, ...w });
    if (detection.error !== null) {
      // A composed config's error may be in a group file: the message names it, the position is the config's top.
      const at = composed === null ? undefined : originAt(composed, detection.error.line, detection.error.column);
      const error = at !== undefined && at !== file.path ? { message: `${at}:${detection.error.line}:${detection.error.column}: ${detection.error.message}`, line: 1, column: 1 } : detection.error;
      return { path: file.path, finding: { path: file.path, kind: detector.kind, fields, error }, detected: null, warnings };
    }
    return {
      path: file.path,
      finding: { path: file.path, kind: detector.kind, fields },
      detected: { path: file.path, kind: detector.kind, detection },
      warnings,
    };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return failed(detector.kind, errorOf(e), warnings);
  }
}

/**
 * The join step of `scanFiles`: the per-file scans of every file of the workspace (each file's path
 * counts for references even when it gave no finding) become the report, findings sorted by path.
 */
export function joinScan(scans: readonly FileScan[], options: JoinOptions = {}): ScanReport {
  const sorted = [...scans].sort((a, b) => comparePaths(a.path, b.path));
  const findings: Finding[] = [];
  const warnings: ScanWarning[] = [];
  const detected: DetectedFile[] = [];

  // Hydra primary configs are composed (./hydra-compose.ts) and the detectors read the composed document:
  // the primary's own scan is replaced by that reading.
  const maxFileChars = Math.min(HYDRA_MAX_FILE_CHARS, options.maxYamlChars ?? DEFAULT_SCAN_YAML_MAX_CHARS);
  const { compositions: hydra, launchOf } = options.textOf === undefined ? NO_HYDRA : composeHydraPrimaries(sorted.map((s) => s.path), options.textOf, maxFileChars);
  // MMEngine configs are composed with their _base_ files (./mmengine-compose.ts) the same way.
  const scannedSet = new Set(sorted.map((s) => s.path));
  const mmengine = new Map<string, CompositionResult>();
  const textOf = options.textOf;
  if (textOf !== undefined) {
    // A config over the size composition reads keeps its own scan, which says so.
    for (const s of sorted) {
      if (s.finding?.kind !== mmengineConfigDetector.kind || s.finding.error !== undefined || (textOf(s.path)?.length ?? Infinity) > MMENGINE_MAX_FILE_CHARS) continue;
      mmengine.set(s.path, composeMmengine(s.path, textOf, (p) => scannedSet.has(p)));
    }
  }
  // GPT-NeoX launches that pass several config files (./neox-launch.ts): the first NeoX config composed with the others.
  const { compositions: neox, launchOf: neoxLaunchOf } = textOf === undefined ? NO_NEOX : composeNeoxLaunches(sorted, textOf, scannedSet, maxFileChars);
  /** Group files composed into a primary that a detector read: they form no job of their own. */
  const composedInto = new Set<string>();
  const groupFindings = new Map<string, { path: string; kind: string; fields: FieldFinding[] }>();
  for (const own of sorted) {
    const composition = hydra.get(own.path) ?? mmengine.get(own.path) ?? neox.get(own.path);
    const kind = hydra.has(own.path) ? hydraOptimizerDetector.kind : mmengine.has(own.path) ? mmengineConfigDetector.kind : GPT_NEOX_CONFIG_KIND;
    const scan: FileScan =
      composition === undefined
        ? own
        : composition.kind === 'error'
          ? { path: own.path, finding: { path: own.path, kind, fields: [], error: errorOf(composition.error) }, detected: null, warnings: [] }
          : detectFile({ path: own.path, text: options.textOf?.(own.path) ?? '' }, options, composition.config);
    if (scan.finding !== null) findings.push(scan.finding);
    if (scan.detected !== null) detected.push(scan.detected);
    warnings.push(...scan.warnings);
    if (composition?.kind !== 'composed' || scan.detected === null) continue;
    const composed = composition.config;
    for (const p of composed.composedFrom) composedInto.add(p);
    // Each group file's finding holds the values the composed config reads from it.
    for (const f of scan.detected.detection.fields) {
      const origin = composed.originOf(f.range);
      if (origin === undefined || origin === own.path || syntaxOf(origin) !== 'yaml') continue;
      const group = groupFindings.get(origin) ?? { path: origin, kind: scan.detected.kind, fields: [] };
      // named as the group file spells it, without the package it merges under
      const pkg = composed.packages.get(origin) ?? '';
      group.fields.push(pkg !== '' && f.name.startsWith(`${pkg}.`) ? { ...f, name: f.name.slice(pkg.length + 1) } : f);
      groupFindings.set(origin, group);
    }
  }
  // A group file composed into a config is read through it: its finding is what the composition read from it
  // (read alone, its interpolations would be errors).
  if (groupFindings.size > 0) {
    const kept = findings.filter((f) => !groupFindings.has(f.path));
    findings.length = 0;
    findings.push(...kept, ...groupFindings.values());
    findings.sort((a, b) => comparePaths(a.path, b.path));
  }
  for (let i = detected.length - 1; i >= 0; i--) {
    const d = detected[i];
    // A group file read by its own detector joins the job of the config composing it, not one of its own.
    if (composedInto.has(d.path) && !hydra.has(d.path) && !mmengine.has(d.path) && !neox.has(d.path) && d.detection.role !== 'launcher') detected.splice(i, 1);
    // A launch script that runs a Hydra app joins the job of the app's primary config.
    const launch = launchOf.get(d.path);
    if (launch !== undefined && d.detection.role === 'launcher') {
      const link: Link = { kind: 'launch', key: 'python hydra config', value: launch.primary, range: launch.range };
      detected[i] = { ...d, detection: { ...d.detection, links: [link, ...d.detection.links] } };
    }
    // A deepy.py launch joins the job of the NeoX config its files compose.
    const neoxLaunch = neoxLaunchOf.get(d.path);
    if (neoxLaunch !== undefined && d.detection.role === 'launcher') {
      const link: Link = { kind: 'launch', key: 'python config', value: neoxLaunch.primary, range: neoxLaunch.range };
      detected[i] = { ...d, detection: { ...d.detection, links: [link, ...d.detection.links] } };
    }
  }
  const scannedPaths = scannedSet;
  if (options.textOf !== undefined) followScriptCalls(sorted, detected, options.textOf, scannedPaths);
  const wantsDefault = detected.some((d) => d.detection.accelerateDefaultConfig !== undefined);
  const answer = wantsDefault ? options.machineFiles?.accelerateDefaultConfig?.() : undefined;
  const machine = answer === undefined ? {} : { accelerateDefault: machineAccelerateConfig(answer) };
  const jobs = buildJobs(detected, scannedPaths, (w) => warnings.push(w), machine);
  warnings.sort((a, b) => comparePaths(a.path, b.path) || a.line - b.line || a.column - b.column);
  return { findings, jobs, warnings };
}

/**
 * Scripts that run a launch script with arguments (./script-calls.ts): the caller becomes the launcher,
 * read through the scripts it calls, and a called script is not a launcher of its own.
 */
function followScriptCalls(sorted: readonly FileScan[], detected: DetectedFile[], textOf: (path: string) => string | undefined, scanned: ReadonlySet<string>): void {
  const launchers = new Set(detected.filter((d) => d.detection.role === 'launcher').map((d) => d.path));
  const called = new Set<string>();
  for (const s of sorted) {
    if (launchers.has(s.path) || !scriptCallJoinReads({ path: s.path, text: textOf(s.path) ?? '' })) continue;
    const resolved = resolveScriptCall(s.path, textOf, (p) => scanned.has(p) && p.toLowerCase().endsWith('.sh'));
    if (resolved === null) continue;
    detected.push({ path: s.path, kind: shellScriptDetector.kind, detection: resolved.detection });
    for (const p of resolved.through) called.add(p);
  }
  for (let i = detected.length - 1; i >= 0; i--) if (called.has(detected[i].path) && detected[i].detection.role === 'launcher') detected.splice(i, 1);
  detected.sort((a, b) => comparePaths(a.path, b.path));
}

/** accelerate's default config of the machine, read as an accelerate config; a note when it cannot be used. */
function machineAccelerateConfig(answer: MachineFileAnswer): MachineConfig {
  const unused = (why: string): MachineConfig => ({
    kind: 'note',
    note: `accelerate launch names no --config_file, and accelerate's default config ${answer.location} is not used (${why}): the launch's own options are all that is read`,
  });
  if (answer.kind === 'missing') return unused(answer.reason);
  const file: ScanFile = { path: answer.location, text: answer.text };
  try {
    const parsed = parseScanFile(file, 'yaml');
    if (parsed.error !== null) return unused(parsed.error.message);
    if (!accelerateConfigDetector.matches(file, parsed)) return unused('it is not an accelerate config');
    const detection = accelerateConfigDetector.detect(file, parsed);
    if (detection.error !== null) return unused(`${detection.error.line}:${detection.error.column}: ${detection.error.message}`);
    const notes = [
      `accelerate launch names no --config_file: ${answer.location}, this machine's accelerate default config, is read (the machine that runs the job may hold another)`,
      ...[...parsed.warnings, ...detection.warnings].map((w) => `${answer.location}:${w.line}:${w.column}: ${w.message}`),
    ];
    return { kind: 'file', file: { path: answer.location, kind: accelerateConfigDetector.kind, detection }, notes };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return unused(e.message);
  }
}

const NO_HYDRA: HydraCompositions = { compositions: new Map(), launchOf: new Map() };

interface NeoxCompositions {
  readonly compositions: ReadonlyMap<string, CompositionResult>;
  /** Launch script → the NeoX config its files compose, and where the config's word is written. */
  readonly launchOf: ReadonlyMap<string, { readonly primary: string; readonly range: SourceRange }>;
}
const NO_NEOX: NeoxCompositions = { compositions: new Map(), launchOf: new Map() };

/**
 * The deepy.py launches that pass several config files, or a folder prefix (`-d configs`), composed into their first
 * GPT-NeoX config (./neox-launch.ts). YAML files are read up to `maxFileChars`, HYDRA_MAX_COMPOSED_CHARS per launch.
 * A config two launches compose differently is composed for the first launch only, with a note.
 */
function composeNeoxLaunches(sorted: readonly FileScan[], textOf: (path: string) => string | undefined, scanned: ReadonlySet<string>, maxFileChars: number): NeoxCompositions {
  const compositions = new Map<string, CompositionResult>();
  const launchOf = new Map<string, { primary: string; range: SourceRange }>();
  const isNeox = new Set(sorted.filter((s) => s.finding?.kind === GPT_NEOX_CONFIG_KIND && s.finding.error === undefined).map((s) => s.path));
  if (isNeox.size === 0) return NO_NEOX;
  for (const s of sorted) {
    const d = s.detected?.detection;
    if (d?.role !== 'launcher') continue;
    const launch = findNeoxLaunch(s.path, d, (p) => scanned.has(p));
    if (launch === null) continue;
    const first = launch.files.find((f) => f.path !== null && isNeox.has(f.path));
    if (first?.path == null) continue;
    // One file named as written is the launch's own config link already.
    if (launch.files.length === 1 && launch.confDir === null) continue;
    const earlier = compositions.get(first.path);
    if (earlier !== undefined) {
      const note = `${s.path}: another deepy.py launch of ${first.path}; the config files of the first one are the ones merged`;
      if (earlier.kind === 'composed') compositions.set(first.path, { kind: 'composed', config: { ...earlier.config, notes: [...earlier.config.notes, note] } });
      continue;
    }
    let total = 0;
    const readYaml = (path: string): { parsed: ParsedFile; text: string } | undefined => {
      const text = textOf(path);
      if (text === undefined || syntaxOf(path) !== 'yaml') return undefined;
      const over = text.length > maxFileChars ? `it has ${text.length} characters; configs are composed from YAML files up to ${maxFileChars}` : total + text.length > HYDRA_MAX_COMPOSED_CHARS ? `the launch's files hold more than ${HYDRA_MAX_COMPOSED_CHARS} characters` : null;
      if (over !== null) return unreadYaml(text, over);
      total += text.length;
      return { parsed: parseScanFile({ path, text }, 'yaml'), text };
    };
    compositions.set(first.path, composeNeox(launch, first.path, readYaml));
    launchOf.set(s.path, { primary: first.path, range: first.range });
  }
  return { compositions, launchOf };
}

interface HydraCompositions {
  readonly compositions: ReadonlyMap<string, CompositionResult>;
  readonly launchOf: ReadonlyMap<string, HydraLaunch>;
}

/**
 * The Hydra primary configs among the files (./hydra-compose.ts), composed. A primary that another
 * primary composes (a group file with a defaults list of its own) is not composed on its own. Only YAML
 * files up to `maxFileChars` are read, and up to HYDRA_MAX_COMPOSED_CHARS in one composition; a group file
 * beyond is a note of the composition.
 */
function composeHydraPrimaries(paths: readonly string[], textOf: (path: string) => string | undefined, maxFileChars: number): HydraCompositions {
  const out = new Map<string, CompositionResult>();
  const launchOf = new Map<string, HydraLaunch>();
  // The cheap text test first: a top-level `defaults:` line.
  const candidates = paths.filter((p) => {
    if (syntaxOf(p) !== 'yaml') return false;
    const text = textOf(p);
    return text !== undefined && text.length <= maxFileChars && /^defaults\s*:/m.test(text);
  });
  if (candidates.length === 0) return NO_HYDRA;
  const scanned = new Set(paths);
  const cache = new Map<string, { parsed: ParsedFile; text: string } | undefined>();
  const readYaml: ReadYaml = (path) => {
    if (cache.has(path)) return cache.get(path);
    if (!scanned.has(path) || syntaxOf(path) !== 'yaml') {
      cache.set(path, undefined);
      return undefined;
    }
    const text = textOf(path);
    const read =
      text === undefined || text.length > maxFileChars
        ? unreadYaml(text ?? '', `${text === undefined ? 'its text is not held' : `it has ${text.length} characters`}; Hydra configs are composed from YAML files up to ${maxFileChars}`)
        : { parsed: parseScanFile({ path, text }, 'yaml'), text };
    cache.set(path, read);
    return read;
  };
  /** One composition's reader: a file past the composition's character budget is not read. */
  const budgeted = (): ReadYaml => {
    const counted = new Set<string>();
    let total = 0;
    return (path) => {
      const read = readYaml(path);
      if (read === undefined || counted.has(path)) return read;
      if (total + read.text.length > HYDRA_MAX_COMPOSED_CHARS) return unreadYaml(read.text, `the composition has read ${total} characters of YAML, and one composition reads up to ${HYDRA_MAX_COMPOSED_CHARS}`);
      counted.add(path);
      total += read.text.length;
      return read;
    };
  };
  const folders = new Set<string>();
  for (const p of paths) for (let d = folderOf(p); d !== '.' && !folders.has(d); d = folderOf(d)) folders.add(d);
  const primaries = candidates.filter((p) => {
    const read = readYaml(p);
    return read !== undefined && isHydraPrimary(p, read.parsed, folders);
  });
  if (primaries.length === 0) return NO_HYDRA;
  const primaryPaths = new Set(primaries);
  const scripts: ScanFile[] = [];
  for (const p of paths) {
    if (!p.endsWith('.sh') && !p.endsWith('.py')) continue;
    const text = textOf(p);
    if (text !== undefined) scripts.push({ path: p, text });
  }
  const launches = findHydraLaunches(scripts, (p) => primaryPaths.has(p));
  const composedBy = new Set<string>();
  for (const primary of primaries) {
    // One launch of the app: its overrides apply. Several: each would be a run of its own, and none is applied.
    const runs = launches.filter((l) => l.primary === primary);
    const launch = runs.length === 1 ? runs[0] : null;
    if (launch !== null) launchOf.set(launch.launcher, launch);
    const composed = composeHydra(primary, budgeted(), launch?.overrides ?? []);
    const extra = [
      ...(launch?.notes ?? []),
      ...(runs.length > 1 ? [`${primary} is run by ${runs.length} launch commands (${[...new Set(runs.map((r) => r.launcher))].join(', ')}); none of their Hydra overrides is applied`] : []),
    ];
    const result: CompositionResult = composed.kind === 'composed' && extra.length > 0 ? { kind: 'composed', config: { ...composed.config, notes: [...composed.config.notes, ...extra] } } : composed;
    out.set(primary, result);
    if (result.kind === 'composed') for (const p of result.config.composedFrom) composedBy.add(p);
  }
  for (const p of composedBy) out.delete(p);
  return { compositions: out, launchOf };
}

/** A YAML file the composition does not read, as a parse failure (the composition notes it and goes on). */
function unreadYaml(text: string, why: string): { parsed: ParsedFile; text: string } {
  return { parsed: { syntax: 'yaml', root: null, error: new InputError(why), lenient: false, bom: false, warnings: [] }, text };
}

/** A detection of a composed config with each source, reference and note naming the file it is written in. */
function withOrigins(d: Detection, c: ComposedConfig): Detection {
  const at = (s: SettingSource): SettingSource => ({ path: c.originOf(s.range) ?? s.path, range: s.range });
  const k = d.contribution;
  const sources = Object.fromEntries(Object.entries(k.sources).map(([key, s]) => [key, at(s)]));
  const notes = [...(k.notes ?? []), ...c.notes];
  const contribution: Contribution = {
    ...k,
    sources,
    ...(k.loraWithoutTargets !== undefined ? { loraWithoutTargets: { ...k.loraWithoutTargets, source: at(k.loraWithoutTargets.source) } } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
  const links = d.links.map((l) => {
    const origin = c.originOf(l.range);
    return origin !== undefined && origin !== c.file.path ? { ...l, path: origin } : l;
  });
  const own = d.ownModel === undefined ? {} : { ownModel: { ...d.ownModel, path: c.originOf(d.ownModel.range) ?? d.ownModel.path } };
  return { ...d, contribution, links, ...own, ...(c.composedFrom.length > 0 ? { composedFrom: c.composedFrom } : {}) };
}

function errorOf(e: InputError): FindingError {
  return { message: e.message, line: e.line ?? 1, column: e.column ?? 1 };
}
