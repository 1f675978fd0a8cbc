/**
 * The workspace scanner: recognises config files by content, reports what they set with source
 * ranges, and joins them into training jobs. Pure: the caller passes the files' text.
 */
import { InputError } from '../types';
import type { Detector, FindingError } from './detector';
import { DETECTORS } from './detectors';
import { accelerateConfigDetector } from './detectors/accelerate-config';
import { buildJobs, type DetectedFile, type MachineConfig } from './jobs';
import type { MachineFileAnswer, MachineFiles } from './machine-files';
import { parseScanFile, syntaxOf } from './parse-file';
import { comparePaths } from './paths';
import type { ScanReport, ScanWarning } from './results';
import type { Finding, ScanFile } from './types';

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

  for (const file of sorted) {
    const syntax = syntaxOf(file.path);
    if (syntax === null) continue;
    // The cheap text tests first: most files of a workspace are not configs and are never parsed.
    const candidates = detectors.filter((d) => d.syntaxes.includes(syntax) && (d.mayMatch?.(file) ?? true));
    if (candidates.length === 0) continue;
    if (syntax === 'yaml' && file.text.length > maxYamlChars) {
      const message = `YAML file too large to read: ${file.text.length} characters (the scanner reads YAML files up to ${maxYamlChars})`;
      findings.push({ path: file.path, kind: candidates[0].kind, fields: [], error: { message, line: 1, column: 1 } });
      continue;
    }
    const parsed = parseScanFile(file, syntax);
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
      const detection = detector.detect(file, parsed);
      for (const w of detection.warnings) warnings.push({ path: file.path, ...w });
      if (detection.error !== null) {
        findings.push({ path: file.path, kind: detector.kind, fields: detection.fields, error: detection.error });
      } else {
        findings.push({ path: file.path, kind: detector.kind, fields: detection.fields });
        detected.push({ path: file.path, kind: detector.kind, detection });
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      findings.push({ path: file.path, kind: detector.kind, fields: [], error: errorOf(e) });
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

function errorOf(e: InputError): FindingError {
  return { message: e.message, line: e.line ?? 1, column: e.column ?? 1 };
}
