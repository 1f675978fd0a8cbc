/**
 * The workspace scanner: recognises config files by content, reports what they set with source
 * ranges, and joins them into training jobs. Pure: the caller passes the files' text.
 */
import { InputError } from '../types';
import type { Contribution, Detection, Detector, FindingError, Link, ParsedFile } from './detector';
import { hydraOptimizerDetector } from './detectors/hydra-optimizer';
import { composeHydra, isHydraPrimary, originAt, type ComposedConfig, type CompositionResult, type ReadYaml } from './hydra-compose';
import { findHydraLaunches, type HydraLaunch } from './hydra-launch';
import type { SettingSource } from './results';
import { DETECTORS } from './detectors';
import { accelerateConfigDetector } from './detectors/accelerate-config';
import { buildJobs, type DetectedFile, type MachineConfig } from './jobs';
import type { MachineFileAnswer, MachineFiles } from './machine-files';
import { parseScanFile, syntaxOf } from './parse-file';
import { comparePaths, folderOf } from './paths';
import type { ScanReport, ScanWarning } from './results';
import type { FieldFinding, Finding, ScanFile } from './types';

/**
 * YAML files longer than this (in characters) are not parsed by the scanner. The `yaml` package
 * reads about 0.3 MB/s on this project's benchmark machine, so a 2 MiB YAML file (the walker's
 * general size cap) would take seconds; training configs are a few KiB. A file over the cap that a
 * detector's text test (`mayMatch`) accepts gets an error finding; others are skipped silently.
 */
export const DEFAULT_SCAN_YAML_MAX_CHARS = 256 * 1024;

export interface ScanOptions {
  /** Detectors to use (defaults to the registry in ./detectors). */
  readonly detectors?: readonly Detector[];
  /** Longest YAML file (characters) that is parsed; default DEFAULT_SCAN_YAML_MAX_CHARS. */
  readonly maxYamlChars?: number;
  /** Machine files a launch may read without naming them (./machine-files.ts); absent: none is consulted. */
  readonly machineFiles?: MachineFiles;
}

/**
 * One Finding per recognised file (sorted by path); a file that looks like a known kind but does not
 * parse, or holds a wrong-typed value, gets a Finding with `error` and joins no job. Unrecognised
 * files give nothing. Never throws for a bad file.
 */
export function scanFiles(files: readonly ScanFile[], options: ScanOptions = {}): ScanReport {
  const detectors = options.detectors ?? DETECTORS;
  const maxYamlChars = options.maxYamlChars ?? DEFAULT_SCAN_YAML_MAX_CHARS;
  const sorted = [...files].sort((a, b) => comparePaths(a.path, b.path));
  const findings: Finding[] = [];
  const warnings: ScanWarning[] = [];
  const detected: DetectedFile[] = [];

  // Hydra primary configs are composed first (./hydra-compose.ts): the detectors read the composed document.
  const { compositions: hydra, launchOf, parsedYaml } = composeHydraPrimaries(sorted, maxYamlChars);
  /** Group files composed into a primary that a detector read: they form no job of their own. */
  const composedInto = new Set<string>();
  const groupFindings = new Map<string, { path: string; kind: string; fields: FieldFinding[] }>();

  for (const scanned of sorted) {
    const syntax = syntaxOf(scanned.path);
    if (syntax === null) continue;
    const composition = hydra.get(scanned.path);
    if (composition?.kind === 'error') {
      findings.push({ path: scanned.path, kind: hydraOptimizerDetector.kind, fields: [], error: errorOf(composition.error) });
      continue;
    }
    const composed = composition?.config ?? null;
    const file = composed?.file ?? scanned;
    // The cheap text tests first: most files of a workspace are not configs and are never parsed.
    const candidates = detectors.filter((d) => d.syntaxes.includes(syntax) && (d.mayMatch?.(file) ?? true));
    if (candidates.length === 0) continue;
    if (syntax === 'yaml' && scanned.text.length > maxYamlChars) {
      const message = `YAML file too large to read: ${file.text.length} characters (the scanner reads YAML files up to ${maxYamlChars})`;
      findings.push({ path: file.path, kind: candidates[0].kind, fields: [], error: { message, line: 1, column: 1 } });
      continue;
    }
    // (YAML files the composition read are parsed once)
    const parsed = composed?.parsed ?? parsedYaml.get(scanned.path)?.parsed ?? parseScanFile(file, syntax);
    let detector: Detector | undefined;
    try {
      detector = candidates.find((d) => d.matches(file, parsed));
    } catch (e) {
      // A detector's analysis refused the file (e.g. Python brackets nested past Python's limit).
      if (!(e instanceof InputError)) throw e;
      findings.push({ path: file.path, kind: candidates[0].kind, fields: [], error: errorOf(e) });
      continue;
    }
    if (detector === undefined) continue;

    // A parse failure, or a JSONC-only parse for a kind whose readers take strict JSON.
    if (parsed.error !== null && (parsed.root === null || !detector.acceptsJsonc)) {
      findings.push({ path: file.path, kind: detector.kind, fields: [], error: errorOf(parsed.error) });
      continue;
    }
    for (const w of parsed.warnings) warnings.push({ path: file.path, ...w });
    try {
      const read = detector.detect(file, parsed);
      const detection = composed !== null ? withOrigins(read, composed) : read;
      // A composed config's finding holds the values written in it; group files' values are the job's, with their files.
      const fields = composed !== null ? detection.fields.filter((f) => (composed.originOf(f.range) ?? file.path) === file.path) : detection.fields;
      for (const w of detection.warnings) warnings.push({ path: file.path, ...w });
      if (detection.error !== null) {
        // A composed config's error may be in a group file: the message names it, the position is the config's top.
        const at = composed !== null ? originAt(composed, detection.error.line, detection.error.column) : undefined;
        const error = at !== undefined && at !== file.path ? { message: `${at}:${detection.error.line}:${detection.error.column}: ${detection.error.message}`, line: 1, column: 1 } : detection.error;
        findings.push({ path: file.path, kind: detector.kind, fields, error });
      } else {
        findings.push({ path: file.path, kind: detector.kind, fields });
        detected.push({ path: file.path, kind: detector.kind, detection });
        for (const p of composed?.composedFrom ?? []) composedInto.add(p);
        // Each group file's finding holds the values the composed config reads from it.
        if (composed !== null) {
          for (const f of detection.fields) {
            const origin = composed.originOf(f.range);
            if (origin === undefined || origin === file.path || syntaxOf(origin) !== 'yaml') continue;
            const group = groupFindings.get(origin) ?? { path: origin, kind: detector.kind, fields: [] };
            // named as the group file spells it, without the package it merges under
            const pkg = composed.packages.get(origin) ?? '';
            group.fields.push(pkg !== '' && f.name.startsWith(`${pkg}.`) ? { ...f, name: f.name.slice(pkg.length + 1) } : f);
            groupFindings.set(origin, group);
          }
        }
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      findings.push({ path: file.path, kind: detector.kind, fields: [], error: errorOf(e) });
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
  // A group file read by its own detector joins the job of the config composing it, not one of its own.
  for (let i = detected.length - 1; i >= 0; i--) {
    const d = detected[i];
    if (composedInto.has(d.path) && !hydra.has(d.path) && d.detection.role !== 'launcher') detected.splice(i, 1);
    // A launch script that runs a Hydra app joins the job of the app's primary config.
    const launch = launchOf.get(d.path);
    if (launch !== undefined && d.detection.role === 'launcher') {
      const link: Link = { kind: 'launch', key: 'python hydra config', value: launch.primary, range: launch.range };
      detected[i] = { ...d, detection: { ...d.detection, links: [link, ...d.detection.links] } };
    }
  }
  const scannedPaths = new Set(sorted.map((f) => f.path));
  const wantsDefault = detected.some((d) => d.detection.accelerateDefaultConfig !== undefined);
  const answer = wantsDefault ? options.machineFiles?.accelerateDefaultConfig?.() : undefined;
  const machine = answer === undefined ? {} : { accelerateDefault: machineAccelerateConfig(answer) };
  const jobs = buildJobs(detected, scannedPaths, (w) => warnings.push(w), machine);
  warnings.sort((a, b) => comparePaths(a.path, b.path) || a.line - b.line || a.column - b.column);
  return { findings, jobs, warnings };
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

/**
 * The Hydra primary configs among the files (./hydra-compose.ts), composed. A primary that another
 * primary composes (a group file with a defaults list of its own) is not composed on its own.
 */
function composeHydraPrimaries(files: readonly ScanFile[], maxYamlChars: number): {
  compositions: Map<string, CompositionResult>;
  launchOf: Map<string, HydraLaunch>;
  parsedYaml: ReadonlyMap<string, { parsed: ParsedFile; text: string } | undefined>;
} {
  const out = new Map<string, CompositionResult>();
  const launchOf = new Map<string, HydraLaunch>();
  const candidates = files.filter((f) => syntaxOf(f.path) === 'yaml' && /^defaults\s*:/m.test(f.text) && f.text.length <= maxYamlChars);
  if (candidates.length === 0) return { compositions: out, launchOf, parsedYaml: new Map() };
  const byPath = new Map(files.map((f) => [f.path, f]));
  const cache = new Map<string, { parsed: ParsedFile; text: string } | undefined>();
  const readYaml: ReadYaml = (path) => {
    if (cache.has(path)) return cache.get(path);
    const f = byPath.get(path);
    const read = f === undefined || syntaxOf(path) !== 'yaml' || f.text.length > maxYamlChars ? undefined : { parsed: parseScanFile(f, 'yaml'), text: f.text };
    cache.set(path, read);
    return read;
  };
  const folders = new Set<string>();
  for (const f of files) for (let d = folderOf(f.path); d !== '.' && !folders.has(d); d = folderOf(d)) folders.add(d);
  const primaries = candidates.filter((f) => {
    const read = readYaml(f.path);
    return read !== undefined && isHydraPrimary(f.path, read.parsed, folders);
  });
  const primaryPaths = new Set(primaries.map((f) => f.path));
  const launches = findHydraLaunches(files, (p) => primaryPaths.has(p));
  const composedBy = new Set<string>();
  for (const f of primaries) {
    // One launch of the app: its overrides apply. Several: each would be a run of its own, and none is applied.
    const runs = launches.filter((l) => l.primary === f.path);
    const launch = runs.length === 1 ? runs[0] : null;
    if (launch !== null) launchOf.set(launch.launcher, launch);
    const composed = composeHydra(f.path, readYaml, launch?.overrides ?? []);
    const extra = [
      ...(launch?.notes ?? []),
      ...(runs.length > 1 ? [`${f.path} is run by ${runs.length} launch commands (${[...new Set(runs.map((r) => r.launcher))].join(', ')}); none of their Hydra overrides is applied`] : []),
    ];
    const result: CompositionResult = composed.kind === 'composed' && extra.length > 0 ? { kind: 'composed', config: { ...composed.config, notes: [...composed.config.notes, ...extra] } } : composed;
    out.set(f.path, result);
    if (result.kind === 'composed') for (const p of result.config.composedFrom) composedBy.add(p);
  }
  for (const p of composedBy) out.delete(p);
  return { compositions: out, launchOf, parsedYaml: cache };
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
  return { ...d, contribution, links, ...(c.composedFrom.length > 0 ? { composedFrom: c.composedFrom } : {}) };
}

function errorOf(e: InputError): FindingError {
  return { message: e.message, line: e.line ?? 1, column: e.column ?? 1 };
}
