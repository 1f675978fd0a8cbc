/**
 * Runs one installer process (npm, or the package's install script under node): streams its output as
 * lines, stops it — with everything it started — on cancellation or at a deadline, and never throws.
 * On POSIX the process leads its own process group and the group is signalled (SIGTERM, then SIGKILL
 * after a grace period); on Windows `taskkill /T /F` ends the tree. No 'vscode' import.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type OutputStream = 'stdout' | 'stderr';

export interface RunProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Windows .cmd files need a shell; the arguments must then be shell-safe (they are ours). */
  readonly shell?: boolean;
  readonly signal?: AbortSignal;
  /** Epoch milliseconds at which the process is stopped. */
  readonly deadline: number;
  /** Time between SIGTERM and SIGKILL. */
  readonly graceMs: number;
  readonly onLine?: (stream: OutputStream, line: string) => void;
}

export interface ProcessOutcome {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Why we stopped it, if we did. */
  readonly stopped: 'cancelled' | 'timeout' | null;
  /** The process could not be started (e.g. ENOENT, EACCES). */
  readonly spawnError?: string;
  /** The last lines of output in order, each with its stream. */
  readonly tail: ReadonlyArray<{ readonly stream: OutputStream; readonly text: string }>;
}

const TAIL_LINES = 60;

function signalTree(child: ChildProcess, sig: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    try {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    } catch {
      child.kill(sig);
    }
    return;
  }
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // already gone
    }
  }
}

function quoteForShell(s: string): string {
  return /[\s"&|<>^()]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function runProcess(o: RunProcessOptions): Promise<ProcessOutcome> {
  const tail: Array<{ stream: OutputStream; text: string }> = [];
  const base = (extra: Partial<ProcessOutcome>): ProcessOutcome => ({ exitCode: null, signal: null, stopped: null, tail, ...extra });
  if (o.signal?.aborted) return Promise.resolve(base({ stopped: 'cancelled' }));
  if (Date.now() >= o.deadline) return Promise.resolve(base({ stopped: 'timeout' }));

  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      const command = o.shell ? quoteForShell(o.command) : o.command;
      child = spawn(command, [...o.args], {
        cwd: o.cwd,
        env: o.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so that a stop reaches what it started (npm -> sh -> node-pre-gyp).
        detached: process.platform !== 'win32',
        shell: o.shell ?? false,
        windowsHide: true,
      });
    } catch (e) {
      resolve(base({ spawnError: e instanceof Error ? e.message : String(e) }));
      return;
    }
    let stopped: 'cancelled' | 'timeout' | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    let spawnError: string | undefined;
    let settled = false;
    let exitTimer: NodeJS.Timeout | undefined;
    const buffers: Record<OutputStream, string> = { stdout: '', stderr: '' };

    const emit = (stream: OutputStream, text: string) => {
      const line = text.replace(/\s+$/, '');
      if (line === '') return;
      tail.push({ stream, text: line });
      if (tail.length > TAIL_LINES) tail.shift();
      try {
        o.onLine?.(stream, line);
      } catch {
        // A listener's failure must not stop the install.
      }
    };
    const onData = (stream: OutputStream) => (chunk: string) => {
      buffers[stream] += chunk;
      const parts = buffers[stream].split(/\r\n|\n|\r/);
      buffers[stream] = parts.pop() ?? '';
      for (const p of parts) emit(stream, p);
    };
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', onData('stdout'));
    child.stderr?.on('data', onData('stderr'));

    const stop = (why: 'cancelled' | 'timeout') => {
      if (stopped !== null || settled) return;
      stopped = why;
      signalTree(child, 'SIGTERM');
      killTimer = setTimeout(() => signalTree(child, 'SIGKILL'), o.graceMs);
    };
    const timer = setTimeout(() => stop('timeout'), Math.max(0, o.deadline - Date.now()));
    const onAbort = () => stop('cancelled');
    o.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (code: number | null, sig: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (exitTimer) clearTimeout(exitTimer);
      o.signal?.removeEventListener('abort', onAbort);
      // Whatever the process left running in its group goes with it.
      if (stopped !== null) signalTree(child, 'SIGKILL');
      for (const s of ['stdout', 'stderr'] as const) if (buffers[s] !== '') emit(s, buffers[s]);
      resolve(base({ exitCode: code, signal: sig, stopped, ...(spawnError !== undefined ? { spawnError } : {}) }));
    };
    child.on('error', (e) => {
      spawnError = e.message;
      // No 'close' follows a failed spawn on every platform: settle here when nothing runs.
      if (child.pid === undefined) finish(null, null);
    });
    // 'close' waits for the output pipes; a grandchild that keeps them open must not hold us after
    // the process itself has exited, so 'exit' settles too after a short wait.
    child.on('exit', (code, sig) => {
      exitTimer = setTimeout(() => finish(code, sig), 2000);
    });
    child.on('close', (code, sig) => finish(code, sig));
  });
}

/** The last `n` non-empty lines of one stream (or both when `stream` is undefined). */
export function lastLines(outcome: ProcessOutcome, n: number, stream?: OutputStream): string[] {
  return outcome.tail.filter((l) => stream === undefined || l.stream === stream).slice(-n).map((l) => l.text.trim());
}
