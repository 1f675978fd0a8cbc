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

/**
 * One Finding per recognised file (sorted by path); a file that looks like a known kind but does not
 * parse, or holds a wrong-typed value, gets a Finding with `error` and joins no job. Unrecognised
 * files give nothing. Never throws for a bad file.
 */
export function scanFiles(files: readonly ScanFile[], options: ScanOptions = {}): ScanReport {
  return joinScan(files.map((file) => scanFile(file, options)), options);
}

/** The per-file step of `scanFiles`: detects and reads one file. Never throws for a bad file. */
export function scanFile(file: ScanFile, options: FileScanOptions = {}): FileScan {
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
  // The cheap text tests first: most files of a workspace are not configs and are never parsed.
  const candidates = detectors.filter((d) => d.syntaxes.includes(syntax) && (d.mayMatch?.(file) ?? true));
  if (candidates.length === 0) return none;
  if (syntax === 'yaml' && file.text.length > maxYamlChars) {
    const message = `YAML file too large to read: ${file.text.length} characters (the scanner reads YAML files up to ${maxYamlChars})`;
    return failed(candidates[0].kind, { message, line: 1, column: 1 });
  }
  const parsed = parseScanFile(file, syntax);
  let detector: Detector | undefined;
  try {
    detector = candidates.find((d) => d.matches(file, parsed));
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
    const detection = detector.detect(file, parsed);
    for (const w of detection.warnings) warnings.push({ path: file.path, ...w });
    if (detection.error !== null) {
      return { path: file.path, finding: { path: file.path, kind: detector.kind, fields: detection.fields, error: detection.error }, detected: null, warnings };
    }
    return {
      path: file.path,
      finding: { path: file.path, kind: detector.kind, fields: detection.fields },
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
export function joinScan(scans: readonly FileScan[], options: Pick<ScanOptions, 'machineFiles'> = {}): ScanReport {
  const sorted = [...scans].sort((a, b) => comparePaths(a.path, b.path));
  const findings: Finding[] = [];
  const warnings: ScanWarning[] = [];
  const detected: DetectedFile[] = [];
  for (const scan of sorted) {
    if (scan.finding !== null) findings.push(scan.finding);
    if (scan.detected !== null) detected.push(scan.detected);
    warnings.push(...scan.warnings);
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
