/**
 * Parent side of the profiler child (pure Node; never imports tfjs): runs the child through the process
 * supervisor (src/platform/process.ts) with a wall-clock budget, reads its JSON-line messages, lets a
 * child that waits for it start measuring when asked (`start`), cancels on
 * request (cancel line + SIGTERM, SIGKILL after a grace period) and never throws when the child fails:
 * the result says what happened.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { superviseProcess, type ProcessOutcome } from '../platform/process';
import { parseChildMessage, START_LINE, startLine, type BackendMessage, type ChildMessage, type ChildRequest, type StartMessage } from './protocol';

/** How a child run ended. */
export type ChildOutcome =
  | 'completed' // a result message arrived
  | 'failed' // the child reported an error
  | 'cancelled' // the caller cancelled
  | 'budget-exceeded' // the wall-clock budget ran out
  | 'crashed' // the child exited without a result (native crash, out of memory, killed)
  | 'spawn-failed'; // the child could not be started

export interface RunChildOptions {
  readonly request: ChildRequest;
  /** The child entry; default: defaultChildScript(). */
  readonly childScript?: string;
  /** Wall-clock budget in milliseconds. */
  readonly budgetMs: number;
  readonly signal?: AbortSignal;
  /** Time between the polite stop (cancel line + SIGTERM) and SIGKILL; default 1000 ms. */
  readonly graceMs?: number;
  readonly onMessage?: (message: ChildMessage) => void;
  /** Node options for the child (e.g. ['--max-old-space-size=4096']). */
  readonly execArgv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /**
   * For a request with `waitForStart`: the start line is written when this settles (the child waits,
   * started up, until then; the budget runs from the spawn), narrowing the request by what it resolves to.
   */
  readonly start?: Promise<Omit<StartMessage, 'type'> | void>;
}

export interface ChildRunResult {
  readonly outcome: ChildOutcome;
  /** One line a person can read. */
  readonly detail: string;
  readonly result?: unknown;
  readonly error?: { readonly message: string; readonly inputError: boolean };
  readonly backend?: BackendMessage;
  readonly messages: ChildMessage[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The last few KiB the child wrote on stderr. */
  readonly stderrTail: string;
  readonly durationMs: number;
}

/** Child entry names beside this module: the tsc layout (child.js) and the bundle (profiler-child.js). */
export const CHILD_SCRIPT_NAMES = ['child.js', 'profiler-child.js'] as const;

/** The child script beside this module, or null when neither layout's file exists. */
export function defaultChildScript(dir: string = __dirname): string | null {
  for (const name of CHILD_SCRIPT_NAMES) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

const STDERR_TAIL = 8192;

/**
 * Longest message line taken whole from the child (characters): a sweep run's record at the plan's 100,000-step
 * limit (its loss curve, step and update times, up to about 25 characters a number) is about 7.5 MB, the largest
 * message; a longer line is cut into pieces that are not messages, as with any process (src/platform/process.ts).
 */
const MAX_MESSAGE_CHARS = 32 * 2 ** 20;

export function runChild(opts: RunChildOptions): Promise<ChildRunResult> {
  const started = Date.now();
  const messages: ChildMessage[] = [];
  const base = (outcome: ChildOutcome, detail: string, extra: Partial<ChildRunResult> = {}): ChildRunResult => ({
    outcome, detail, messages, exitCode: null, signal: null, stderrTail: '', durationMs: Date.now() - started, ...extra,
  });
  const script = opts.childScript ?? defaultChildScript();
  if (script === null || !fs.existsSync(script)) {
    const looked = opts.childScript ?? CHILD_SCRIPT_NAMES.map((n) => path.join(__dirname, n)).join(', ');
    return Promise.resolve(base('spawn-failed', `the profiler child was not found (${looked})`));
  }
  if (opts.signal?.aborted) return Promise.resolve(base('cancelled', 'cancelled before start'));
  const reader = childMessageReader(messages, opts.onMessage);
  const start = opts.start;
  return superviseProcess({
    command: process.execPath,
    args: [...(opts.execArgv ?? []), script],
    env: { ...(opts.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
    // The child starts no processes; in our group, a terminal's Ctrl-C reaches it directly.
    group: 'inherit',
    stdin: `${JSON.stringify(opts.request)}\n`,
    onStop: (write) => write(`${JSON.stringify({ type: 'cancel' })}\n`),
    ...(start ? { onSpawn: (write: (text: string) => void) => void start.then((narrow) => write(narrow ? startLine(narrow) : START_LINE), () => write(START_LINE)) } : {}),
    timeoutMs: opts.budgetMs,
    graceMs: opts.graceMs ?? 1000,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onLine: reader.onLine,
    maxLineChars: MAX_MESSAGE_CHARS,
  }).then((p) => {
    const { result, hasResult, error, backend, stderrTail } = reader;
    const extra: Partial<ChildRunResult> = {
      exitCode: p.exitCode, signal: p.signal, stderrTail,
      ...(backend ? { backend } : {}), ...(error ? { error } : {}), ...(hasResult ? { result } : {}),
    };
    return base(...classifyChildRun(p, reader, opts.budgetMs, started), extra);
  });
}

/** What the child said: its JSON-line messages from stdout, and the tail of everything else it wrote. */
interface ChildMessageReader {
  readonly messages: ChildMessage[];
  result: unknown;
  hasResult: boolean;
  error: { message: string; inputError: boolean } | undefined;
  backend: BackendMessage | undefined;
  stderrTail: string;
  readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void;
}

function childMessageReader(messages: ChildMessage[], onMessage: RunChildOptions['onMessage']): ChildMessageReader {
  const r: ChildMessageReader = {
    messages, result: undefined, hasResult: false, error: undefined, backend: undefined, stderrTail: '',
    onLine: (stream, line) => {
      if (stream === 'stderr') {
        r.stderrTail = (r.stderrTail + `${line}\n`).slice(-STDERR_TAIL);
        return;
      }
      if (line.trim() === '') return;
      const m = parseChildMessage(line);
      if (!m) {
        r.stderrTail = (r.stderrTail + `[stdout] ${line}\n`).slice(-STDERR_TAIL);
        return;
      }
      r.messages.push(m);
      if (m.type === 'backend') r.backend = m;
      if (m.type === 'result') {
        r.result = m.result;
        r.hasResult = true;
      }
      if (m.type === 'error') r.error = { message: m.message, inputError: m.inputError };
      try {
        onMessage?.(m);
      } catch {
        // A listener's failure must not take the run down.
      }
    },
  };
  return r;
}

/** The run's outcome and its one-line detail from how the process ended and what the child said. */
function classifyChildRun(p: ProcessOutcome, said: ChildMessageReader, budgetMs: number, started: number): [ChildOutcome, string] {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (p.exit === 'spawn-failed') return ['spawn-failed', `could not start the profiler child: ${p.spawnError ?? 'unknown error'}`];
  if (p.exit === 'cancelled') return ['cancelled', `cancelled after ${seconds} s`];
  if (p.exit === 'timeout') return ['budget-exceeded', `stopped at the ${(budgetMs / 1000).toFixed(1)} s budget`];
  if (said.hasResult) return ['completed', `completed in ${seconds} s`];
  if (said.error) return ['failed', said.error.message];
  const how = p.signal ? `was killed by ${p.signal}` : `exited with code ${p.exitCode}`;
  const lastLine = said.stderrTail.trim().split('\n').slice(-1)[0] ?? '';
  return ['crashed', `the profiler child ${how} without a result${lastLine ? `: ${lastLine}` : ''}`];
}
