/**
 * The profiler child process (its entry is child.ts; tests start it through their own entry with hooks):
 * the only place TensorFlow.js is loaded. Reads one JSON request (argv[2], or the first line of stdin), streams JSON-line messages on stdout
 * (protocol.ts) and exits. A sweep request with `waitForStart` starts up, says {"type":"ready"} and waits
 * for a {"type":"start"} line (which may narrow the request) before measuring. Cancellation: a {"type":"cancel"} line on stdin or SIGTERM stops the work
 * at the next step boundary and exits within a second (a hard timer forces the exit); so does the end of
 * stdin when the request came on it (the parent is gone). Everything the
 * libraries print goes to stderr so stdout carries only protocol lines.
 */
import { format } from 'node:util';
import { InputError } from '../core/types';
import type { ProfileBackendName } from '../core/profile/profile-types';
import { applyStart, isCancel, parseChildRequest, parseStart, type ChildMessage, type ChildRequest, type StartMessage } from './protocol';

const HARD_EXIT_MS = 800;

/**
 * Ways to observe or steer the child from another entry point (the tests' entry, test/support/): the
 * production entry passes none.
 */
export interface ChildHooks {
  /** Replaces the check whether a CUDA device is visible to the GPU backend. */
  readonly cudaVisible?: () => { visible: boolean; why: string };
  /** Called after each measured training run of a sweep with the number of runs done so far. */
  readonly afterRun?: (runsDone: number) => void;
}

function toStderr(...args: unknown[]): void {
  process.stderr.write(`${format(...args)}\n`);
}

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve());
  });
}

let cancelled = false;
function cancel(): void {
  if (cancelled) return;
  cancelled = true;
  setTimeout(() => process.exit(130), HARD_EXIT_MS).unref();
  letStart({ type: 'start' });
}

/** Resolves on the parent's start line (or on cancellation, which then stops the work at once). */
let letStart: (start: StartMessage) => void = () => undefined;
const startAllowed = new Promise<StartMessage>((resolve) => {
  letStart = resolve;
});

/** Lines on stdin: the request (when not in argv), then control messages. */
function readStdinLines(onLine: (line: string) => void): void {
  let buffer = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onLine(line);
    }
  });
  process.stdin.on('error', () => undefined);
}

async function run(request: ChildRequest, hooks: ChildHooks): Promise<void> {
  // tfjs is loaded only now, inside the child.
  const { loadBackend } = await import('./backend');
  const backend = await loadBackend({
    ...(hooks.cudaVisible ? { cudaVisible: hooks.cudaVisible } : {}),
    ...(request.backend?.extraModuleDirs ? { extraModuleDirs: request.backend.extraModuleDirs } : {}),
    wasmDirs: [...(request.backend?.wasmDirs ?? []), __dirname],
    gradientDirs: [__dirname],
    ...(request.backend?.allow ? { allow: request.backend.allow } : {}),
    ...(request.backend?.requiredKernels ? { requiredKernels: request.backend.requiredKernels } : {}),
  });
  await send({
    type: 'backend',
    name: backend.name,
    tfBackend: backend.tfBackend,
    reasons: backend.reasons.map((r) => ({ backend: r.backend as ProfileBackendName, why: r.why })),
    gradients: backend.gradients,
    ...(backend.location !== undefined ? { location: backend.location } : {}),
    ...(backend.wasmSimd !== undefined ? { wasmSimd: backend.wasmSimd, wasmThreads: backend.wasmThreads ?? false } : {}),
  });
  if (request.kind === 'sweep') {
    const { runSweepInChild } = await import('./sweep/child-sweep');
    let sweep = request;
    if (request.waitForStart) {
      // Started up; measure only when the parent says no other child is measuring.
      await send({ type: 'ready' });
      sweep = applyStart(request, await startAllowed);
    }
    const summary = await runSweepInChild(sweep, { send, shouldStop: () => cancelled, ...(hooks.afterRun ? { afterRun: hooks.afterRun } : {}) });
    if (cancelled || summary.stopped) await send({ type: 'cancelled' });
    else await send({ type: 'result', result: summary });
    return;
  }
  if (request.kind === 'real-shapes') {
    const { measureRealShapes } = await import('./sweep/real-shapes');
    const summary = await measureRealShapes(request, { send, shouldStop: () => cancelled });
    if (cancelled || summary.stopped) await send({ type: 'cancelled' });
    else await send({ type: 'result', result: summary });
    return;
  }
  const { computeTrace } = await import('./trace-run');
  const progress: Array<Promise<void>> = [];
  const trace = await computeTrace({
    optimizer: request.optimizer,
    problem: request.problem,
    steps: request.steps,
    hyper: { ...(request.hyper ?? {}), ...(typeof request.lr === 'number' ? { lr: request.lr } : {}) },
    ...(request.start ? { start: request.start } : {}),
    shouldStop: () => cancelled,
    onProgress: (done) => progress.push(send({ type: 'progress', done, total: request.steps })),
  });
  await Promise.all(progress);
  if (cancelled) await send({ type: 'cancelled' });
  else await send({ type: 'result', result: trace });
}

async function main(hooks: ChildHooks): Promise<number> {
  const fromArgv = process.argv[2];
  const request = await new Promise<unknown>((resolve, reject) => {
    if (fromArgv !== undefined) {
      try {
        resolve(JSON.parse(fromArgv));
      } catch {
        reject(new InputError('the profiler request in argv is not valid JSON'));
      }
    }
    let first = fromArgv === undefined;
    readStdinLines((line) => {
      if (first) {
        first = false;
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new InputError('the profiler request on stdin is not valid JSON'));
        }
        return;
      }
      // A control line that is neither the cancel nor the start message is ignored.
      if (isCancel(line)) cancel();
      else {
        const start = parseStart(line);
        if (start) letStart(start);
      }
    });
    // The parent holds the other end of stdin while it waits for our answer: its end means the parent is gone
    // (killed, crashed) or gave up on us, so the work stops as on a cancel line; a child that measures would
    // otherwise run on until its next write fails, and one waiting for its start line would exit saying nothing.
    if (fromArgv === undefined) process.stdin.on('end', () => (first ? reject(new InputError('no profiler request on stdin')) : cancel()));
  });
  try {
    await run(parseChildRequest(request), hooks);
    return 0;
  } catch (e) {
    await send({ type: 'error', message: e instanceof Error ? e.message : String(e), inputError: e instanceof InputError });
    return e instanceof InputError ? 2 : 1;
  }
}

/** Runs this process as the profiler child: answers one request, then exits. */
export function runProfilerChild(hooks: ChildHooks = {}): void {
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  process.on('SIGTERM', cancel);
  process.on('SIGINT', cancel);
  main(hooks).then(
    (code) => process.exit(code),
    async (e: unknown) => {
      await send({ type: 'error', message: e instanceof Error ? e.message : String(e), inputError: e instanceof InputError });
      process.exit(e instanceof InputError ? 2 : 1);
    },
  );
}
