/**
 * The one process supervisor (Node only, no 'vscode'): every child process the tool starts — the GPU
 * backend's npm and install script, the profiler child, `nvidia-smi`/`rocm-smi`/`sysctl` — runs through
 * `superviseProcess`. It owns the spawn (no shell unless asked), the wall-clock timeout, cancellation by
 * an AbortSignal, the stop (a caller's polite word first, then SIGTERM, then SIGKILL after a grace
 * period, reaching everything the process started), the output caps, and the classification of how the
 * process ended. It never throws: the outcome says what happened.
 *
 * Process groups: with `group: 'own'` (the default) the process leads its own process group on POSIX and
 * the whole group is signalled, so a stop reaches what it started (npm -> sh -> node-pre-gyp); on Windows
 * `taskkill /T /F` ends the tree. With `group: 'inherit'` the process stays in ours — a terminal's Ctrl-C
 * then reaches it directly — and only the process itself is signalled (for children that start none).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { errorMessage } from '../core/error-message';

export type OutputStream = 'stdout' | 'stderr';

/** How a process ended, as one word. */
export type ProcessExit =
  | 'exited' // it exited by itself; see exitCode
  | 'signalled' // it was killed by a signal we did not send (see signal)
  | 'cancelled' // the caller's AbortSignal stopped it
  | 'timeout' // the timeout stopped it
  | 'output-overflow' // it wrote more than the captured-output cap and was stopped
  | 'spawn-failed'; // it could not be started (ENOENT, EACCES); see spawnError

export interface SuperviseOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Windows .cmd files need a shell; the command and arguments must then be shell-safe (they are ours). */
  readonly shell?: boolean;
  /** Default 'own': see the file's note. */
  readonly group?: 'own' | 'inherit';
  /** Written to the process's stdin once it starts; without it stdin is closed ('ignore'). */
  readonly stdin?: string;
  readonly signal?: AbortSignal;
  /** Wall-clock limit in milliseconds from the start. */
  readonly timeoutMs: number;
  /** Time between SIGTERM and SIGKILL; default 1000 ms. */
  readonly graceMs?: number;
  /** Called once before SIGTERM when we stop the process, with a writer to its stdin (e.g. a cancel line). */
  readonly onStop?: (writeStdin: (text: string) => void) => void;
  /** Called once the process is started (after `stdin` is written), with a writer to its stdin for later lines. */
  readonly onSpawn?: (writeStdin: (text: string) => void) => void;
  /** Each output line (split at \n, \r\n or \r), in order, per stream. A listener's failure is ignored. */
  readonly onLine?: (stream: OutputStream, line: string) => void;
  /** Longest line passed on whole (characters; default 1 MiB); a longer one is passed on in pieces of this length. */
  readonly maxLineChars?: number;
  /** Collect stdout up to this many characters into `stdout`; more stops the process ('output-overflow'). */
  readonly captureStdout?: number;
  /** How many non-empty lines `tail` keeps; default 60. */
  readonly tailLines?: number;
}

export interface ProcessOutcome {
  readonly exit: ProcessExit;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Why we stopped it, if we did. */
  readonly stopped: 'cancelled' | 'timeout' | 'output-overflow' | null;
  /** The process could not be started (e.g. ENOENT, EACCES). */
  readonly spawnError?: string;
  /** The last non-empty lines of output in order, each with its stream, trailing blanks trimmed. */
  readonly tail: ReadonlyArray<{ readonly stream: OutputStream; readonly text: string }>;
  /** stdout as written, when `captureStdout` was given ('' otherwise). */
  readonly stdout: string;
  readonly durationMs: number;
}

const DEFAULT_TAIL_LINES = 60;
const DEFAULT_GRACE_MS = 1000;
/** By default a line longer than this is passed on in pieces, so a process that never writes a newline cannot grow our buffer. */
const MAX_LINE = 1 << 20;
/** After 'exit', how long 'close' may wait for pipes a grandchild still holds open. */
const CLOSE_WAIT_MS = 2000;

/** Signals the process, or with an own group everything in it (the Windows tree with taskkill). */
function signalProcess(child: ChildProcess, sig: NodeJS.Signals, ownGroup: boolean): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (ownGroup && process.platform === 'win32') {
    try {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
      return;
    } catch {
      // fall through to the process itself
    }
  }
  if (ownGroup && process.platform !== 'win32') {
    try {
      process.kill(-pid, sig);
      return;
    } catch {
      // the group is gone or was never ours: the process itself
    }
  }
  try {
    child.kill(sig);
  } catch {
    // already gone
  }
}

function quoteForShell(s: string): string {
  return /[\s"&|<>^()]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The exit word for a process that ended by itself or was stopped by us. */
function classify(stopped: ProcessOutcome['stopped'], spawnError: string | undefined, code: number | null, sig: string | null): ProcessExit {
  if (stopped !== null) return stopped;
  if (spawnError !== undefined && code === null && sig === null) return 'spawn-failed';
  return code === null && sig !== null ? 'signalled' : 'exited';
}

/** Splits a stream's chunks into lines; the rest waits for the next chunk or `flush`. */
function lineSplitter(emit: (line: string) => void, maxLine: number): { push(chunk: string): void; flush(): void } {
  let buffer = '';
  return {
    push(chunk) {
      buffer += chunk;
      const parts = buffer.split(/\r\n|\n|\r/);
      buffer = parts.pop() ?? '';
      for (const p of parts) emit(p);
      while (buffer.length > maxLine) {
        emit(buffer.slice(0, maxLine));
        buffer = buffer.slice(maxLine);
      }
    },
    flush() {
      if (buffer !== '') emit(buffer);
      buffer = '';
    },
  };
}

/** Spawns the process (in its own group when asked); the error's text when it cannot be started. */
function startProcess(o: SuperviseOptions, ownGroup: boolean): ChildProcess | string {
  try {
    return spawn(o.shell ? quoteForShell(o.command) : o.command, [...o.args], {
      ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
      ...(o.env !== undefined ? { env: o.env } : {}),
      stdio: [o.stdin !== undefined || o.onStop || o.onSpawn ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: ownGroup && process.platform !== 'win32',
      shell: o.shell ?? false,
      windowsHide: true,
    });
  } catch (e) {
    return errorMessage(e);
  }
}

/** Reads both output streams into lines (to `onLine` and the tail); stdout's raw chunks go to `onStdout` first. */
function readOutput(
  child: ChildProcess,
  o: SuperviseOptions,
  tail: Array<{ stream: OutputStream; text: string }>,
  onStdout: (chunk: string) => void,
): { flush(): void } {
  const tailLines = o.tailLines ?? DEFAULT_TAIL_LINES;
  const emit = (stream: OutputStream) => (line: string) => {
    const text = line.replace(/\s+$/, '');
    if (text !== '') {
      tail.push({ stream, text });
      if (tail.length > tailLines) tail.shift();
    }
    try {
      o.onLine?.(stream, line);
    } catch {
      // A listener's failure must not take the run down.
    }
  };
  const out = lineSplitter(emit('stdout'), o.maxLineChars ?? MAX_LINE);
  const err = lineSplitter(emit('stderr'), MAX_LINE);
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    onStdout(chunk);
    out.push(chunk);
  });
  child.stderr?.on('data', (chunk: string) => err.push(chunk));
  return {
    flush() {
      out.flush();
      err.flush();
    },
  };
}

export function superviseProcess(o: SuperviseOptions): Promise<ProcessOutcome> {
  const started = Date.now();
  const tail: Array<{ stream: OutputStream; text: string }> = [];
  let stdout = '';
  const base = (extra: Partial<ProcessOutcome> & Pick<ProcessOutcome, 'exit'>): ProcessOutcome => ({
    exitCode: null, signal: null, stopped: null, tail, stdout, durationMs: Date.now() - started, ...extra,
  });
  if (o.signal?.aborted) return Promise.resolve(base({ exit: 'cancelled', stopped: 'cancelled' }));
  if (o.timeoutMs <= 0) return Promise.resolve(base({ exit: 'timeout', stopped: 'timeout' }));
  const ownGroup = (o.group ?? 'own') === 'own';

  return new Promise((resolve) => {
    const spawned = startProcess(o, ownGroup);
    if (typeof spawned === 'string') {
      resolve(base({ exit: 'spawn-failed', spawnError: spawned }));
      return;
    }
    const child = spawned;
    let stopped: ProcessOutcome['stopped'] = null;
    let spawnError: string | undefined;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let exitTimer: NodeJS.Timeout | undefined;

    const writeStdin = (text: string) => {
      if (child.stdin?.writable) child.stdin.write(text);
    };
    const stop = (why: 'cancelled' | 'timeout' | 'output-overflow') => {
      if (stopped !== null || settled) return;
      stopped = why;
      try {
        o.onStop?.(writeStdin);
      } catch {
        // the signals follow regardless
      }
      signalProcess(child, 'SIGTERM', ownGroup);
      killTimer = setTimeout(() => signalProcess(child, 'SIGKILL', ownGroup), o.graceMs ?? DEFAULT_GRACE_MS);
    };

    const lines = readOutput(child, o, tail, (chunk) => {
      if (o.captureStdout === undefined || stopped !== null) return;
      if (stdout.length + chunk.length > o.captureStdout) stop('output-overflow');
      else stdout += chunk;
    });
    child.stdin?.on('error', () => undefined);
    if (o.stdin !== undefined) writeStdin(o.stdin);
    try {
      o.onSpawn?.((text) => {
        if (!settled && stopped === null) writeStdin(text);
      });
    } catch {
      // a listener's failure is ignored
    }

    const timer = setTimeout(() => stop('timeout'), o.timeoutMs);
    const onAbort = () => stop('cancelled');
    o.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (code: number | null, sig: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (exitTimer) clearTimeout(exitTimer);
      o.signal?.removeEventListener('abort', onAbort);
      // Whatever a stopped process left running in its group goes with it.
      if (stopped !== null && ownGroup) signalProcess(child, 'SIGKILL', true);
      lines.flush();
      resolve(base({
        exit: classify(stopped, spawnError, code, sig), exitCode: code, signal: sig, stopped,
        ...(spawnError !== undefined ? { spawnError } : {}),
      }));
    };
    child.on('error', (e) => {
      spawnError = e.message;
      // No 'close' follows a failed spawn on every platform: settle here when nothing runs.
      if (child.pid === undefined) finish(null, null);
    });
    // 'close' waits for the output pipes; a grandchild that keeps them open must not hold us after
    // the process itself has exited, so 'exit' settles too after a short wait.
    child.on('exit', (code, sig) => {
      exitTimer = setTimeout(() => finish(code, sig), CLOSE_WAIT_MS);
    });
    child.on('close', (code, sig) => finish(code, sig));
  });
}

/** The last `n` non-empty lines of one stream (or both when `stream` is undefined). */
export function lastLines(outcome: ProcessOutcome, n: number, stream?: OutputStream): string[] {
  return outcome.tail.filter((l) => stream === undefined || l.stream === stream).slice(-n).map((l) => l.text.trim());
}
