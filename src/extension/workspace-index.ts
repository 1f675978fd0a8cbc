/**
 * The workspace index: the candidate config files of each workspace folder (found with
 * `workspace.findFiles`, read through `workspace.fs`, so virtual workspaces work too), the scan of
 * them, and incremental updates from file watchers and editor changes, debounced.
 *
 * Skipped like the CLI walker (src/cli/walk.ts): dependency, cache and build folders, hidden
 * folders, Python virtual and conda environments, files over the size cap, binary or non-UTF-8
 * files (except those read by name as bytes: nanoGPT's meta.pkl, core/scan/walk-rules.ts SYNTAX_BY_NAME, always
 * from the disk), the `optimizerAdvisor.exclude` patterns and VS Code's `files.exclude`. Files no detector
 * could match are kept with empty text (the scanner still sees their paths for references),
 * so memory holds only the text of configs (and of the files Hydra composition may read: small YAML
 * files, `@hydra.main` apps, scripts running Python; core/scan `hydraJoinReads`; and `.sh` scripts that may
 * call another script, `scriptCallJoinReads`).
 *
 * Each file is scanned on its own through ./scan-pool.ts (large files in a worker thread, small ones
 * in yielding time slices), and its result is kept until its text changes; the join into jobs runs
 * on the kept results, with the kept texts for Hydra composition (README: Reliability). A file that changes again while it is being scanned
 * cancels that scan.
 */
import * as vscode from 'vscode';
import { DETECTORS, joinReads, joinScan, type FileScan } from '../core/scan';
import { syntaxOf } from '../core/scan/parse-file';
import type { ScanReport } from '../core/scan/results';
import type { ScanFile } from '../core/scan/types';
import type { MachineFiles } from '../core/scan/machine-files';
import { readAccelerateDefaultConfig } from '../platform/hf-cache';
import { accelerateDefaultConfigFile } from '../platform/hf-env';
import { latin1Text } from '../core/parse/pickle';
import { decodeText } from '../core/parse/text';
import { InputError } from '../core/types';
import { BINARY_SYNTAXES, CANDIDATE_EXTENSIONS, DEFAULT_MAX_FILES, SKIPPED_FOLDER_NAMES, SYNTAX_BY_NAME } from '../core/scan/walk-rules';
import type { Config } from './config';
import { anyMatches, compileGlob, toSearchGlobs, type PathMatcher } from '../core/glob';
import { forEachLimited } from '../core/for-each-limited';
import type { Log } from './log';
import type { OptimizerFixRequest } from '../core/fixes/types';
import type { ModelFileRequest } from '../core/model-source';
import { ScanPool, type FileScanOutcome, type FixOutcome, type ModelFileOutcome } from './scan-pool';
import { relativeTo } from './providers/convert';

/** Files with a candidate extension, and the files read by their name (nanoGPT's meta.pkl). */
const INCLUDE = `**/{${[...CANDIDATE_EXTENSIONS.map((e) => `*${e}`), ...Object.keys(SYNTAX_BY_NAME)].join(',')}}`;

/** A binary file (SYNTAX_BY_NAME's 'pickle') is read from the disk as one character per byte, never from an editor. */
function isBinary(rel: string): boolean {
  const syntax = syntaxOf(rel);
  return syntax !== null && BINARY_SYNTAXES.has(syntax);
}
const ENV_MARKERS = '**/{pyvenv.cfg,conda-meta/history}';
const DEBOUNCE_MS = 300;
/** Hidden folders (`.git`, `.venv`, ...) are skipped as by the CLI walker; hidden files are read. */
const HIDDEN_FOLDER: PathMatcher = { pattern: 'hidden folder', matches: (rel) => rel.split('/').slice(0, -1).some((seg) => seg.startsWith('.')) };
const READ_CONCURRENCY = 16;
/** Files handed to the scan pool at once per folder (the pool's own queue is bounded too). */
const SCAN_CONCURRENCY = 8;

interface IndexedFile {
  /** The text, or '' for a file no detector could match. */
  readonly text: string;
  /** `text` is the file's text (false: withheld, the file could not match). */
  readonly kept: boolean;
  /** Version of the open editor document the text came from; null when read from disk. */
  readonly version: number | null;
}

export interface FolderScan {
  readonly folder: vscode.WorkspaceFolder;
  readonly report: ScanReport;
  /** Files not read, with the reason. */
  readonly skipped: ReadonlyMap<string, string>;
  /** Number of candidate files indexed. */
  readonly fileCount: number;
  /** Increases with every scan of this folder. */
  readonly generation: number;
}

/** What the index is doing in a folder: reading files, scanning them, or done (a scan was published). */
export interface IndexActivity {
  readonly folder: vscode.WorkspaceFolder;
  readonly phase: 'reading' | 'scanning' | 'scanned';
  /** Files the phase covers (to read, to scan, indexed). */
  readonly files: number;
}

/** A file's scan, kept while the file's indexed text is the text it came from. */
interface KeptScan {
  readonly text: string;
  readonly scan: FileScan;
}

class FolderState {
  readonly files = new Map<string, IndexedFile>();
  readonly skipped = new Map<string, string>();
  envFolders: string[] = [];
  excluders: PathMatcher[] = [];
  maxFileBytes = 0;
  /** Per-file scans by path. */
  readonly fileScans = new Map<string, KeptScan>();
  /** Files whose scan was given up (over the time budget, the worker stopped), with the reason. */
  readonly scanProblems = new Map<string, string>();
  scan: FolderScan | null = null;
  generation = 0;
  /** Increases with every scan started; a scan that is not the latest publishes nothing. */
  scanRun = 0;
  timer: NodeJS.Timeout | undefined;
  constructor(readonly folder: vscode.WorkspaceFolder) {}
}

/** True when any detector might accept the file, or the join may compose it into a Hydra config or follow its script call, so its text must be kept. */
function interesting(file: ScanFile): boolean {
  const syntax = syntaxOf(file.path);
  if (syntax === null) return false;
  return joinReads(file) || DETECTORS.some((d) => d.syntaxes.includes(syntax) && (d.mayMatch?.(file) ?? true));
}

export class WorkspaceIndex implements vscode.Disposable {
  private readonly states = new Map<string, FolderState>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly emitter = new vscode.EventEmitter<FolderScan>();
  /** Fires after each scan of a folder. */
  readonly onDidScan = this.emitter.event;
  private readonly activityEmitter = new vscode.EventEmitter<IndexActivity>();
  /** Fires when a folder starts reading or scanning its files, and when its scan is published. */
  readonly onDidChangeActivity = this.activityEmitter.event;
  private readonly pool: ScanPool;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private buildPromise: Promise<void> | null = null;

  constructor(private readonly config: Config, private readonly log: Log, pool?: ScanPool) {
    this.pool = pool ?? new ScanPool({ onProblem: (m) => log.warn(m) });
    this.disposables.push(
      this.emitter,
      this.activityEmitter,
      { dispose: () => this.pool.dispose() },
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rebuild()),
      vscode.workspace.onDidChangeTextDocument((e) => this.onDocument(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => void this.onClosed(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('optimizerAdvisor.exclude') || e.affectsConfiguration('optimizerAdvisor.maxFileSize') || e.affectsConfiguration('files.exclude')) {
          void this.rebuild();
        }
      }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(INCLUDE);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => void this.onDisk(uri)),
      watcher.onDidChange((uri) => void this.onDisk(uri)),
      watcher.onDidDelete((uri) => this.onDeleted(uri)),
    );
    // A deleted folder is reported once, for the folder itself: drop what was indexed under it.
    const deletions = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
    this.disposables.push(deletions, deletions.onDidDelete((uri) => this.onFolderDeleted(uri)));
  }

  dispose(): void {
    for (const s of this.states.values()) if (s.timer) clearTimeout(s.timer);
    for (const d of this.disposables) d.dispose();
  }

  /** The latest scan of every folder that has one. */
  scans(): FolderScan[] {
    return [...this.states.values()].map((s) => s.scan).filter((s): s is FolderScan => s !== null);
  }

  scanOf(folder: vscode.WorkspaceFolder): FolderScan | null {
    return this.states.get(folder.uri.toString())?.scan ?? null;
  }

  /** Text of an indexed file ('' for files kept without their text), undefined when it is not indexed. */
  text(folder: vscode.WorkspaceFolder, rel: string): string | undefined {
    return this.states.get(folder.uri.toString())?.files.get(rel)?.text;
  }

  /** The editor version the indexed text of `uri` came from (null: from disk; undefined: not indexed). */
  indexedVersion(uri: vscode.Uri): number | null | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return undefined;
    const rel = relativeTo(folder, uri);
    return rel === null ? undefined : this.states.get(folder.uri.toString())?.files.get(rel)?.version;
  }

  /** Resolves when the first build and every scheduled rescan have finished. */
  async ready(): Promise<void> {
    if (this.buildPromise === null) await this.rebuild();
    else await this.buildPromise;
    if (this.pending === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Re-reads every folder from scratch. */
  rebuild(): Promise<void> {
    const run = (async () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      for (const key of [...this.states.keys()]) if (!folders.some((f) => f.uri.toString() === key)) this.states.delete(key);
      for (const folder of folders) await this.buildFolder(folder);
    })();
    this.buildPromise = run.catch((e: unknown) => this.log.error(`indexing failed: ${e instanceof Error ? e.message : String(e)}`));
    return this.buildPromise;
  }

  private async buildFolder(folder: vscode.WorkspaceFolder): Promise<void> {
    const started = Date.now();
    const state = new FolderState(folder);
    const patterns = [
      ...SKIPPED_FOLDER_NAMES.flatMap((n) => toSearchGlobs(n)),
      '**/.*/**',
      ...this.config.exclude(folder).flatMap(toSearchGlobs),
      ...this.config.filesExclude(folder),
    ];
    state.excluders = [HIDDEN_FOLDER, ...[...SKIPPED_FOLDER_NAMES, ...this.config.exclude(folder), ...this.config.filesExclude(folder)].map(compileGlob)];
    const size = this.config.maxFileBytes(folder);
    if (size.problem !== null) this.log.warn(size.problem);
    state.maxFileBytes = size.bytes;
    const exclude = `{${patterns.join(',')}}`;
    const [found, markers] = await Promise.all([
      vscode.workspace.findFiles(new vscode.RelativePattern(folder, INCLUDE), exclude, DEFAULT_MAX_FILES + 1),
      vscode.workspace.findFiles(new vscode.RelativePattern(folder, ENV_MARKERS), exclude),
    ]);
    state.envFolders = markers
      .map((uri) => relativeTo(folder, uri))
      .filter((r): r is string => r !== null)
      .map((r) => r.replace(/\/(pyvenv\.cfg|conda-meta\/history)$/, ''));
    let uris = found.filter((uri) => {
      const rel = relativeTo(folder, uri);
      return rel !== null && !this.inEnvironment(state, rel);
    });
    if (uris.length > DEFAULT_MAX_FILES) {
      state.skipped.set('.', `file limit reached: read ${DEFAULT_MAX_FILES} candidate files`);
      uris = uris.slice(0, DEFAULT_MAX_FILES);
    }
    this.states.set(folder.uri.toString(), state);
    this.activityEmitter.fire({ folder, phase: 'reading', files: uris.length });
    await forEachLimited(uris, READ_CONCURRENCY, (uri) => this.readInto(state, uri));
    this.log.info(`read ${state.files.size} candidate file(s) in ${folder.name} (${state.skipped.size} skipped) in ${Date.now() - started} ms`);
    await this.runScan(state);
  }

  /** An optimizer quick fix through the index's scan pool (in the worker for a large file). */
  optimizerFix(request: OptimizerFixRequest): Promise<FixOutcome> {
    return this.pool.optimizerFix(request);
  }

  /** A job's model config or safetensors index read through the scan pool (in the worker for a large file). */
  readModelFile(key: string, request: ModelFileRequest): Promise<ModelFileOutcome> {
    return this.pool.readModelFile(key, request);
  }

  /** Files longer than this (characters) are read in the scan worker. */
  get workerThreshold(): number {
    return this.pool.workerThreshold;
  }

  /** Where per-file scans run: 'worker' (large files off the main loop) or 'main' (the fallback), with the reason of a fallback. */
  scanMode(): { readonly mode: 'worker' | 'main'; readonly reason: string | null } {
    return { mode: this.pool.mode, reason: this.pool.fallbackReason };
  }

  private inEnvironment(state: FolderState, rel: string): boolean {
    return state.envFolders.some((env) => env === '' || rel.startsWith(`${env}/`));
  }

  private isExcluded(state: FolderState, rel: string): string | null {
    const m = anyMatches(state.excluders, rel);
    if (m !== undefined) return m.pattern;
    return this.inEnvironment(state, rel) ? 'Python environment' : null;
  }

  private openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
    const key = uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  }

  /** Reads one file into the folder's state (open editors win over the disk). */
  private async readInto(state: FolderState, uri: vscode.Uri): Promise<void> {
    const rel = relativeTo(state.folder, uri);
    if (rel === null) return;
    const doc = isBinary(rel) ? undefined : this.openDocument(uri);
    if (doc !== undefined) {
      this.store(state, rel, doc.getText(), doc.version);
      return;
    }
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > state.maxFileBytes) {
        state.files.delete(rel);
        state.skipped.set(rel, `file too large: ${stat.size} bytes`);
        return;
      }
      const bytes = await vscode.workspace.fs.readFile(uri);
      this.store(state, rel, isBinary(rel) ? latin1Text(bytes) : decodeText(bytes, rel, state.maxFileBytes), null);
    } catch (e) {
      state.files.delete(rel);
      state.skipped.set(rel, e instanceof InputError ? e.message : `cannot read the file (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  private store(state: FolderState, rel: string, text: string, version: number | null): void {
    state.skipped.delete(rel);
    const file = { path: rel, text };
    const keep = interesting(file);
    const kept = keep ? text : '';
    const previous = state.files.get(rel);
    state.files.set(rel, { text: kept, kept: keep, version });
    // The file changed again: a scan of its older text still running is of no use.
    if (previous !== undefined && previous.text !== kept) this.pool.cancel(scanKey(state, rel));
  }

  private stateFor(uri: vscode.Uri): { state: FolderState; rel: string } | null {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return null;
    const state = this.states.get(folder.uri.toString());
    const rel = relativeTo(folder, uri);
    if (!state || rel === null || syntaxOf(rel) === null || this.isExcluded(state, rel) !== null) return null;
    return { state, rel };
  }

  private onDocument(doc: vscode.TextDocument): void {
    if (doc.uri.scheme === 'output') return;
    const found = this.stateFor(doc.uri);
    if (!found || isBinary(found.rel)) return;
    this.store(found.state, found.rel, doc.getText(), doc.version);
    this.schedule(found.state);
  }

  private async onClosed(uri: vscode.Uri): Promise<void> {
    const found = this.stateFor(uri);
    if (!found || found.state.files.get(found.rel)?.version === null) return;
    // The editor's unsaved text is gone: go back to the disk.
    try {
      await vscode.workspace.fs.stat(uri);
      await this.readInto(found.state, uri);
    } catch {
      found.state.files.delete(found.rel);
    }
    this.schedule(found.state);
  }

  private async onDisk(uri: vscode.Uri): Promise<void> {
    const found = this.stateFor(uri);
    if (!found) return;
    this.pending++;
    try {
      await this.readInto(found.state, uri);
      this.schedule(found.state);
    } finally {
      this.settle();
    }
  }

  private onDeleted(uri: vscode.Uri): void {
    const found = this.stateFor(uri);
    if (!found) return;
    found.state.files.delete(found.rel);
    found.state.skipped.delete(found.rel);
    this.pool.cancel(scanKey(found.state, found.rel));
    this.schedule(found.state);
  }

  private onFolderDeleted(uri: vscode.Uri): void {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const state = folder ? this.states.get(folder.uri.toString()) : undefined;
    const rel = folder ? relativeTo(folder, uri) : null;
    if (!state || rel === null) return;
    let removed = false;
    for (const path of [...state.files.keys()]) {
      if (path.startsWith(`${rel}/`)) {
        state.files.delete(path);
        removed = true;
      }
    }
    if (removed) this.schedule(state);
  }

  private schedule(state: FolderState): void {
    if (state.timer) clearTimeout(state.timer);
    else this.pending++;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.runScan(state).finally(() => this.settle());
    }, DEBOUNCE_MS);
  }

  private settle(): void {
    this.pending = Math.max(0, this.pending - 1);
    if (this.pending === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Scans the files whose kept scan is out of date (off the main loop), then joins them and publishes the folder's scan. */
  private async runScan(state: FolderState): Promise<void> {
    if (this.states.get(state.folder.uri.toString()) !== state) return; // replaced by a rebuild
    const run = ++state.scanRun;
    const started = Date.now();
    const stale = [...state.files].filter(([path, f]) => state.fileScans.get(path)?.text !== f.text);
    this.activityEmitter.fire({ folder: state.folder, phase: 'scanning', files: stale.length });
    let worker = 0;
    let superseded = false;
    await forEachLimited(stale, SCAN_CONCURRENCY, async ([path, source]) => {
      const outcome: FileScanOutcome = await this.pool.scan(scanKey(state, path), { path, text: source.text });
      if (outcome.kind === 'cancelled' || state.files.get(path)?.text !== source.text) {
        superseded = true; // changed again: the scan scheduled by that change publishes
        return;
      }
      if (outcome.kind === 'scanned') {
        if (outcome.where === 'worker') worker++;
        state.scanProblems.delete(path);
        state.fileScans.set(path, { text: source.text, scan: outcome.scan });
      } else {
        this.log.warn(`${path}: ${outcome.message}`);
        state.scanProblems.set(path, outcome.message);
        state.fileScans.set(path, { text: source.text, scan: { path, finding: null, detected: null, warnings: [] } });
      }
    });
    if (this.states.get(state.folder.uri.toString()) !== state || run !== state.scanRun || superseded) return; // a later scan publishes
    for (const path of [...state.fileScans.keys()]) if (!state.files.has(path)) state.fileScans.delete(path);
    for (const path of [...state.scanProblems.keys()]) if (!state.files.has(path)) state.scanProblems.delete(path);
    const scans: FileScan[] = [];
    for (const [path, f] of state.files) {
      const kept = state.fileScans.get(path);
      // A file whose scan was cancelled by a change still counts for references; its next scan reads it.
      scans.push(kept !== undefined && kept.text === f.text ? kept.scan : { path, finding: null, detected: null, warnings: [] });
    }
    let report: ScanReport;
    try {
      // The kept texts: the join composes Hydra configs from them (bounded in core/scan, it runs on this loop).
      report = joinScan(scans, { machineFiles: machineFiles(), textOf: (p) => {
        const f = state.files.get(p);
        return f?.kept === true ? f.text : undefined;
      } });
    } catch (e) {
      // The scanner never throws for a bad file; anything here is a bug: keep the last scan.
      this.log.error(`scan of ${state.folder.name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return;
    }
    state.generation++;
    const skipped = new Map([...state.skipped, ...state.scanProblems]);
    state.scan = { folder: state.folder, report, skipped, fileCount: state.files.size, generation: state.generation };
    this.log.debug(`scanned ${state.folder.name}: ${stale.length} file(s) (${worker} in the scan worker), ${report.findings.length} recognised, ${report.jobs.length} job(s) in ${Date.now() - started} ms`);
    this.activityEmitter.fire({ folder: state.folder, phase: 'scanned', files: state.files.size });
    this.emitter.fire(state.scan);
  }
}

function scanKey(state: FolderState, rel: string): string {
  return `${state.folder.uri.toString()}\n${rel}`;
}

/**
 * accelerate's default config of this machine for launches that name no `--config_file`, read under
 * the rules for files outside the workspace (platform/hf-cache.ts); never in an untrusted workspace.
 */
function machineFiles(): MachineFiles {
  return {
    accelerateDefaultConfig: () => {
      const file = accelerateDefaultConfigFile(process.env);
      return vscode.workspace.isTrusted ? readAccelerateDefaultConfig(file) : { kind: 'missing', location: file, reason: 'not read in an untrusted workspace' };
    },
  };
}
