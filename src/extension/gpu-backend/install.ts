/**
 * Installs @tensorflow/tfjs-node-gpu into the extension's global storage (no 'vscode' import):
 *   1. `npm install --ignore-scripts` of the pinned package into a fresh sibling folder;
 *   2. the package's own install script, run explicitly (npm may skip install scripts), which downloads
 *      libtensorflow (GPU build) and the prebuilt native binding;
 *   3. a marker file, then one rename puts the finished folder in place (an earlier install is
 *      replaced only now).
 * Cancellation and the wall-clock limit stop the running process with everything it started, and
 * nothing half-installed is left behind. Every failure is a result with one clear line, never a throw.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../../core/error-message';
import { gpuBackendDir, packageDirIn, writeMarker } from './location';
import { errorCode } from '../../platform/error-code';
import { insideFolder } from '../../platform/inside-folder';
import { lastLines, superviseProcess, type OutputStream, type ProcessOutcome } from '../../platform/process';
import { GPU_BACKEND_PACKAGE, GPU_BACKEND_SPEC, INSTALL_FOLDER } from './spec';

/** Default wall-clock limit of a whole install (the GPU build of libtensorflow is a large download). */
export const DEFAULT_INSTALL_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_GRACE_MS = 500;
const LOCK = `${INSTALL_FOLDER}.lock`;
const PARTIAL_PREFIX = `${INSTALL_FOLDER}.partial-`;
const OLD_PREFIX = `${INSTALL_FOLDER}.old-`;

export type InstallFailureKind =
  | 'npm-not-found'
  | 'npm-failed'
  | 'download-failed'
  | 'binding-failed'
  | 'script-failed'
  | 'cancelled'
  | 'timeout'
  | 'busy'
  | 'io';

export interface InstallFailure {
  readonly ok: false;
  readonly kind: InstallFailureKind;
  /** The specific part: exit code and last output lines, URL and error, path... */
  readonly detail: string;
  /** One line in English: failureMessage(kind, detail). */
  readonly message: string;
}

export type StepSource = 'npm' | 'install script';
export type InstallStep = 'npm' | 'install-script' | 'finish';

/** English frames of the failure messages; the extension shows the same frames localised. */
export const FAILURE_FRAMES: Readonly<Record<InstallFailureKind, string>> = {
  'npm-not-found': 'npm was not found: {0}',
  'npm-failed': 'npm install failed: {0}',
  'download-failed': 'downloading libtensorflow failed: {0}',
  'binding-failed': 'the native binding (tfjs_binding.node) could not be downloaded or built: {0}',
  'script-failed': "the package's install script failed: {0}",
  cancelled: 'cancelled: {0}',
  timeout: 'stopped at the time limit: {0}',
  busy: 'another installation is running: {0}',
  io: 'the install folder could not be written: {0}',
};

export function failureMessage(kind: InstallFailureKind, detail: string): string {
  return FAILURE_FRAMES[kind].replace('{0}', detail);
}

function fail(kind: InstallFailureKind, detail: string): InstallFailure {
  return { ok: false, kind, detail, message: failureMessage(kind, detail) };
}

// ---- finding npm and node ----------------------------------------------------------------------------

function pathDirs(env: NodeJS.ProcessEnv): string[] {
  const value = env['PATH'] ?? env['Path'] ?? '';
  return value.split(path.delimiter).filter((d) => d.trim() !== '');
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `name` (with the platform's executable suffixes) in the PATH folders, or null. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  const names = platform === 'win32' ? [`${name}.cmd`, `${name}.exe`, name] : [name];
  for (const dir of pathDirs(env)) {
    for (const n of names) {
      const candidate = path.join(dir, n);
      if (isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return null;
}

/** npm: the configured path (optimizerAdvisor.npmPath) when set, else the first on PATH. */
export function findNpm(configured: string | undefined, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): { npm: string } | InstallFailure {
  const setting = configured?.trim() ?? '';
  if (setting !== '') {
    // A bare name ("npm", "npm.cmd") is looked up on PATH; anything else is a path.
    const bare = !setting.includes('/') && !setting.includes('\\');
    const found = bare ? findOnPath(setting.replace(/\.(cmd|exe)$/i, ''), env, platform) : isExecutableFile(setting, platform) ? setting : null;
    if (found !== null) return { npm: found };
    return fail('npm-not-found', `optimizerAdvisor.npmPath is "${setting}", which is not an executable file${bare ? ' on PATH' : ''}`);
  }
  const found = findOnPath('npm', env, platform);
  if (found !== null) return { npm: found };
  return fail('npm-not-found', `it is not on PATH (${pathDirs(env).length} folders searched); install Node.js, which includes npm, or set optimizerAdvisor.npmPath`);
}

// ---- the steps ---------------------------------------------------------------------------------------

export interface StepOptions {
  readonly signal?: AbortSignal;
  /** Epoch milliseconds at which the step is stopped. */
  readonly deadline: number;
  readonly graceMs?: number;
  /** Base environment (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  readonly onLine?: (source: StepSource, line: string, stream: OutputStream) => void;
}

export type StepResult = { readonly ok: true } | InstallFailure;

function stoppedFailure(outcome: ProcessOutcome, what: string): InstallFailure | null {
  if (outcome.stopped === 'cancelled') return fail('cancelled', `${what} was stopped; nothing was installed`);
  if (outcome.stopped === 'timeout') return fail('timeout', `${what} did not finish in time; nothing was installed`);
  return null;
}

/** Passes a step's output lines on to `o.onLine`, trailing blanks trimmed and empty lines dropped. */
function shownLines(source: StepSource, o: StepOptions): (stream: OutputStream, line: string) => void {
  return (stream, line) => {
    const text = line.replace(/\s+$/, '');
    if (text !== '') o.onLine?.(source, text, stream);
  };
}

/** PATH with the given folders first. */
function withPath(env: NodeJS.ProcessEnv, first: readonly string[]): NodeJS.ProcessEnv {
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  const rest = env[key] ?? '';
  return { ...env, [key]: [...first, ...(rest ? [rest] : [])].join(path.delimiter) };
}

/** The npm arguments: the pinned package, no lifecycle scripts, no dev dependencies, nothing saved. */
export function npmInstallArgs(spec: string): string[] {
  return ['install', '--no-save', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund', '--no-update-notifier', spec];
}

/**
 * Step 1: writes a minimal package.json into `dir` and runs npm there. Its output streams to onLine;
 * a failure carries the exit code and npm's last error lines.
 */
export async function runNpmInstall(dir: string, npm: string, spec: string, o: StepOptions): Promise<StepResult> {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const manifest = { name: 'optimizer-advisor-gpu-backend', private: true, description: `${GPU_BACKEND_PACKAGE} for the Optimizer Advisor profiler (installed by "Install GPU Backend")` };
    fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (e) {
    return fail('io', `${dir}: ${errorMessage(e)}`);
  }
  // A node beside npm (a Node.js install not on PATH) runs npm's `#!/usr/bin/env node`.
  const env = withPath(o.env ?? process.env, [path.dirname(npm)]);
  const outcome = await superviseProcess({
    command: npm,
    args: npmInstallArgs(spec),
    cwd: dir,
    env,
    shell: process.platform === 'win32' && /\.(cmd|bat)$/i.test(npm),
    timeoutMs: o.deadline - Date.now(),
    graceMs: o.graceMs ?? DEFAULT_GRACE_MS,
    ...(o.signal ? { signal: o.signal } : {}),
    onLine: shownLines('npm', o),
  });
  const stopped = stoppedFailure(outcome, 'npm install');
  if (stopped) return stopped;
  if (outcome.spawnError !== undefined) return fail('npm-not-found', `${npm} could not be started: ${outcome.spawnError}`);
  if (outcome.exitCode !== 0) {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
    const errors = lastLines(outcome, 5, 'stderr');
    return fail('npm-failed', `${path.basename(npm)} ${how}${errors.length ? `: ${errors.join(' | ')}` : ' and printed no error'}`);
  }
  const pkg = path.join(packageDirIn(dir), 'package.json');
  if (!fs.existsSync(pkg)) return fail('npm-failed', `npm finished but ${GPU_BACKEND_PACKAGE} is not in ${path.join(dir, 'node_modules')}`);
  return { ok: true };
}

/** The package's "install" script when it is `node <file.js> [plain args]` (tfjs-node-gpu: `node scripts/install.js gpu download`). */
export function parseInstallScript(packageDir: string): { script: string; args: string[] } | { error: string } {
  let scripts: unknown;
  try {
    scripts = (JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { scripts?: unknown }).scripts;
  } catch (e) {
    return { error: `its package.json cannot be read: ${errorMessage(e)}` };
  }
  const install = typeof scripts === 'object' && scripts !== null ? (scripts as Record<string, unknown>)['install'] : undefined;
  if (typeof install !== 'string') return { error: 'the package declares no install script' };
  const m = /^node\s+([\w./-]+\.js)((?:\s+[\w.-]+)*)\s*$/.exec(install.trim());
  if (!m) return { error: `its install script "${install}" is not of the form "node <script>.js <arguments>"; it was not run` };
  const script = path.resolve(packageDir, m[1]!);
  if (!insideFolder(packageDir, script)) return { error: `its install script "${install}" points outside the package; it was not run` };
  return { script, args: (m[2] ?? '').trim().split(/\s+/).filter((a) => a !== '') };
}

/** Folders under <package>/lib holding the native binding (node-pre-gyp's lib/napi-v<N>/tfjs_binding.node). */
export function findBinding(packageDir: string): string | null {
  const lib = path.join(packageDir, 'lib');
  let names: string[];
  try {
    names = fs.readdirSync(lib);
  } catch {
    return null;
  }
  for (const n of names.sort().reverse()) {
    const file = path.join(lib, n, 'tfjs_binding.node');
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/** What the install script's output says about where it stopped (its own progress lines in scripts/install.js). */
export function classifyScriptFailure(lines: readonly string[], how: string): InstallFailure {
  const downloading = lines.findIndex((l) => l.includes('* Downloading libtensorflow'));
  const building = lines.findIndex((l) => l.includes('* Building TensorFlow Node.js bindings'));
  // The script prints its progress on stderr and the URL on stdout: the two pipes interleave in any order.
  const url = downloading >= 0 ? lines.find((l) => /^https?:\/\//.test(l.trim())) : undefined;
  const errorLine = (from: number) => lines.slice(Math.max(0, from)).find((l) => /^\s*(\w*Error\b|error\b|node-pre-gyp (ERR|install failed))/i.test(l))?.trim();
  if (downloading >= 0 && building < 0) {
    const error = errorLine(downloading) ?? lines[lines.length - 1]?.trim() ?? how;
    return fail('download-failed', `${url !== undefined ? `${url.trim()}: ` : ''}${error} (the install script ${how})`);
  }
  if (building >= 0) {
    const error = errorLine(building) ?? lines[lines.length - 1]?.trim() ?? how;
    return fail('binding-failed', `${error} (the install script ${how})`);
  }
  const last = lines.slice(-3).map((l) => l.trim());
  return fail('script-failed', `it ${how}${last.length ? `: ${last.join(' | ')}` : ''}`);
}

/**
 * Step 2: runs the package's install script as npm would (cwd the package, node_modules/.bin on PATH),
 * but explicitly. Then checks that the native binding is there.
 */
export async function runPackageInstallScript(installDir: string, o: StepOptions & { readonly npm?: string }): Promise<StepResult> {
  const packageDir = packageDirIn(installDir);
  const parsed = parseInstallScript(packageDir);
  if ('error' in parsed) return fail('script-failed', parsed.error);
  const first = [path.join(installDir, 'node_modules', '.bin'), ...(o.npm !== undefined ? [path.dirname(o.npm)] : [])];
  const base = withPath(o.env ?? process.env, first);
  // The node npm would use (its scripts call node-pre-gyp, whose `#!/usr/bin/env node` needs one on
  // PATH anyway); else the one running us (Electron's, as plain Node).
  const node = findOnPath('node', base);
  const env = node === null ? { ...base, ELECTRON_RUN_AS_NODE: '1' } : base;
  const outcome = await superviseProcess({
    command: node ?? process.execPath,
    args: [parsed.script, ...parsed.args],
    cwd: packageDir,
    env,
    timeoutMs: o.deadline - Date.now(),
    graceMs: o.graceMs ?? DEFAULT_GRACE_MS,
    ...(o.signal ? { signal: o.signal } : {}),
    onLine: shownLines('install script', o),
  });
  const stopped = stoppedFailure(outcome, 'the install script');
  if (stopped) return stopped;
  if (outcome.spawnError !== undefined) return fail('script-failed', `node could not be started: ${outcome.spawnError}`);
  const lines = outcome.tail.map((l) => l.text);
  if (outcome.exitCode !== 0) return classifyScriptFailure(lines, outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`);
  if (findBinding(packageDir) === null) return classifyScriptFailure(lines, `finished but left no lib/napi-v*/tfjs_binding.node in ${packageDir}`);
  return { ok: true };
}

// ---- the whole install -------------------------------------------------------------------------------

export interface InstallOptions {
  /** The extension's global storage folder; the install goes to <storageDir>/gpu-backend. */
  readonly storageDir: string;
  readonly npm: string;
  /** npm package spec; default GPU_BACKEND_SPEC (tests pass others). */
  readonly spec?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly graceMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly onLine?: (source: StepSource, line: string, stream: OutputStream) => void;
  readonly onStep?: (step: InstallStep) => void;
}

export interface InstallSuccess {
  readonly ok: true;
  readonly dir: string;
  readonly packageDir: string;
  /** The version npm installed. */
  readonly version: string;
  readonly durationMs: number;
}

export type InstallResult = InstallSuccess | InstallFailure;

function removeQuietly(p: string): void {
  try {
    fs.rmSync(p, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // best effort: a leftover partial folder is never mistaken for an install (no marker, other name)
  }
}

/** Takes the install lock (a folder: mkdir is atomic); a lock older than `staleMs` is taken over. */
function acquireLock(storageDir: string, staleMs: number): { release(): void } | InstallFailure {
  const lock = path.join(storageDir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.mkdirSync(lock);
      return { release: () => removeQuietly(lock) };
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') return fail('io', `${lock}: ${errorMessage(e)}`);
      let age = Infinity;
      try {
        age = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {
        // vanished meanwhile: try again
      }
      if (age < staleMs) return fail('busy', `${lock} was taken ${Math.round(age / 1000)} s ago`);
      removeQuietly(lock);
    }
  }
  return fail('busy', `${lock} could not be taken`);
}

/** Leftovers of installs that were interrupted (the host was killed): never in use, safe to delete under the lock. */
function removeLeftovers(storageDir: string): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(storageDir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(PARTIAL_PREFIX) || n.startsWith(OLD_PREFIX)) removeQuietly(path.join(storageDir, n));
}

export async function installGpuBackend(o: InstallOptions): Promise<InstallResult> {
  const started = Date.now();
  const timeoutMs = o.timeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS;
  const deadline = started + timeoutMs;
  const spec = o.spec ?? GPU_BACKEND_SPEC;
  const step: StepOptions = {
    deadline,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}),
    ...(o.env ? { env: o.env } : {}),
    ...(o.onLine ? { onLine: o.onLine } : {}),
  };
  try {
    fs.mkdirSync(o.storageDir, { recursive: true });
  } catch (e) {
    return fail('io', `${o.storageDir}: ${errorMessage(e)}`);
  }
  const lock = acquireLock(o.storageDir, timeoutMs + 60_000);
  if ('ok' in lock) return lock;
  const work = path.join(o.storageDir, `${PARTIAL_PREFIX}${process.pid}-${started}`);
  try {
    removeLeftovers(o.storageDir);
    o.onStep?.('npm');
    const npm = await runNpmInstall(work, o.npm, spec, step);
    if (!npm.ok) return npm;
    o.onStep?.('install-script');
    const script = await runPackageInstallScript(work, { ...step, npm: o.npm });
    if (!script.ok) return script;
    if (o.signal?.aborted) return fail('cancelled', 'stopped before the install was put in place; nothing was installed');
    o.onStep?.('finish');
    const packageDir = packageDirIn(work);
    const version = String((JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version?: unknown }).version ?? '?');
    writeMarker(work, { package: GPU_BACKEND_PACKAGE, version, installedAt: new Date().toISOString(), npm: o.npm });
    // Swap: the earlier install (if any) moves aside, the new one takes its name, the old one goes.
    const target = gpuBackendDir(o.storageDir);
    const old = path.join(o.storageDir, `${OLD_PREFIX}${process.pid}-${started}`);
    const hadOld = fs.existsSync(target);
    if (hadOld) fs.renameSync(target, old);
    try {
      fs.renameSync(work, target);
    } catch (e) {
      if (hadOld) fs.renameSync(old, target);
      throw e;
    }
    if (hadOld) removeQuietly(old);
    return { ok: true, dir: target, packageDir: packageDirIn(target), version, durationMs: Date.now() - started };
  } catch (e) {
    return fail('io', errorMessage(e));
  } finally {
    removeQuietly(work);
    lock.release();
  }
}

/** Removes the install (and any leftovers of interrupted ones). */
export function removeGpuBackend(storageDir: string): { removed: boolean; dir: string } | InstallFailure {
  const dir = gpuBackendDir(storageDir);
  if (!fs.existsSync(storageDir)) return { removed: false, dir };
  const lock = acquireLock(storageDir, DEFAULT_INSTALL_TIMEOUT_MS + 60_000);
  if ('ok' in lock) return lock;
  try {
    const existed = fs.existsSync(dir);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    removeLeftovers(storageDir);
    return { removed: existed, dir };
  } catch (e) {
    return fail('io', `${dir}: ${errorMessage(e)}`);
  } finally {
    lock.release();
  }
}
