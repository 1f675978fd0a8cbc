/**
 * Per-file scanning for the workspace index, optimizer quick fixes (which parse the file), and reading a
 * job's model config and safetensors index (core/model-source `readModelFile`), without freezing the
 * extension host (README: Reliability):
 * files over `inlineMaxChars` go to a `worker_threads` worker (./scan-worker.ts, bundled as
 * dist/scan-worker.js and started on the first large file) through a bounded queue; smaller files are
 * scanned on the main loop in time slices that yield with `setImmediate`. A newer submission for the
 * same key (the file changed again) cancels the older one, stopping the worker if it is busy with it;
 * a file the worker has not finished within the per-file time budget is given up (the worker is
 * restarted). When the worker cannot start, every file is scanned on the main loop, yielding between
 * files, and the reason is reported once.
 *
 * No vscode import: unit tests and `npm run bench` drive it under plain Node.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FixResult, OptimizerFixRequest } from '../core/fixes/types';
import type { ModelFileRead, ModelFileRequest } from '../core/model-source';
import type { FileScan } from '../core/scan/scan';
import type { ScanFile } from '../core/scan/types';
import { isWorkerResponse, runTask, taskLabel, taskText, type WorkerRequest, type WorkerTask } from './scan-messages';

export type FileScanOutcome =
  | { readonly kind: 'scanned'; readonly scan: FileScan; readonly where: 'worker' | 'main' }
  /** A newer submission for the same key replaced this one, or the pool was disposed. */
  | { readonly kind: 'cancelled' }
  /** Over the time budget, the worker stopped (out of memory), or a bug: one line for the user. */
  | { readonly kind: 'failed'; readonly message: string };

export type FixOutcome =
  | { readonly kind: 'fixed'; readonly result: FixResult; readonly where: 'worker' | 'main' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly message: string };

export type ModelFileOutcome =
  | { readonly kind: 'read'; readonly read: ModelFileRead; readonly where: 'worker' | 'main' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly message: string };

/** What a job ends with, before it is given the caller's type. */
type TaskOutcome =
  | { readonly kind: 'done'; readonly value: unknown; readonly where: 'worker' | 'main' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly message: string };

/** A file the worker has not finished in this time is given up (README: Reliability). */
export const DEFAULT_FILE_BUDGET_MS = 30_000;
/** Files longer than this (characters) go to the worker; below it a file parses in a few milliseconds. */
export const DEFAULT_INLINE_MAX_CHARS = 64 * 1024;
/** Files waiting for the worker at most; further submissions wait for a place. */
export const DEFAULT_QUEUE_CAPACITY = 64;
/** Main-loop work between two yields when scanning small files inline. */
export const DEFAULT_SLICE_MS = 8;
/**
 * The worker's heap: the Python reader uses a few hundred bytes per input byte, so a file at the
 * size ceiling (4 MiB) needs well under this; a file that needs more stops the worker, not the editor.
 */
export const WORKER_HEAP_MB = 2048;
/** A worker that has not loaded its modules in this time counts as one that cannot start. */
const WORKER_START_TIMEOUT_MS = 15_000;
/** After this many worker crashes in a row, files are scanned on the main loop. */
const MAX_CRASHES = 3;

export interface ScanPoolOptions {
  /** The worker script; default scan-worker.js beside this module (dist/ in the bundle, out/ in tests). */
  readonly workerFile?: string;
  /** false: never start a worker (every file on the main loop, yielding between files). */
  readonly useWorker?: boolean;
  readonly fileBudgetMs?: number;
  readonly inlineMaxChars?: number;
  readonly queueCapacity?: number;
  readonly sliceMs?: number;
  readonly maxYamlChars?: number;
  /** Told once why the worker cannot be used (or stopped), in one line. */
  readonly onProblem?: (message: string) => void;
}

interface Job {
  readonly id: number;
  readonly key: string;
  readonly task: WorkerTask;
  readonly done: Promise<TaskOutcome>;
  resolve(outcome: TaskOutcome): void;
  finished: boolean;
  timer?: NodeJS.Timeout;
}

const CANCELLED = { kind: 'cancelled' } as const;

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ScanPool {
  private readonly latest = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private readonly slotWaiters: (() => void)[] = [];
  private running: Job | null = null;
  private worker: Worker | null = null;
  private workerReady = false;
  private crashes = 0;
  private fallback: string | null = null;
  private nextId = 1;
  private sliceStart = 0;
  private disposed = false;
  private readonly workerFile: string;
  private readonly budgetMs: number;
  private readonly inlineMaxChars: number;
  private readonly capacity: number;
  private readonly sliceMs: number;

  constructor(private readonly options: ScanPoolOptions = {}) {
    this.workerFile = options.workerFile ?? path.join(__dirname, 'scan-worker.js');
    this.budgetMs = options.fileBudgetMs ?? DEFAULT_FILE_BUDGET_MS;
    this.inlineMaxChars = options.inlineMaxChars ?? DEFAULT_INLINE_MAX_CHARS;
    this.capacity = Math.max(1, options.queueCapacity ?? DEFAULT_QUEUE_CAPACITY);
    this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
    if (options.useWorker === false) this.fallback = 'the worker is switched off';
  }

  /** 'worker' while large files go to the worker (started or not yet), 'main' after a fallback. */
  get mode(): 'worker' | 'main' {
    return this.fallback === null ? 'worker' : 'main';
  }

  /** Files longer than this (characters) go to the worker; shorter ones are read on the main loop. */
  get workerThreshold(): number {
    return this.inlineMaxChars;
  }

  /** Why files are scanned on the main loop, or null. */
  get fallbackReason(): string | null {
    return this.fallback;
  }

  /**
   * Scans `file` (the result of `scanFile`). `key` names the file across submissions: a submission with
   * other text cancels the pending one of the same key; one with the same text shares its answer.
   */
  async scan(key: string, file: ScanFile): Promise<FileScanOutcome> {
    const max = this.options.maxYamlChars;
    const existing = this.latest.get(key);
    const same = existing !== undefined && existing.task.kind === 'scan' && existing.task.file.path === file.path && existing.task.file.text === file.text;
    const outcome = same ? await existing.done : await this.submit(key, { kind: 'scan', file, ...(max !== undefined ? { maxYamlChars: max } : {}) });
    return outcome.kind === 'done' ? { kind: 'scanned', scan: outcome.value as FileScan, where: outcome.where } : outcome;
  }

  /** An optimizer quick fix (core/fixes `optimizerFix`, which parses the file), off the main loop for a large file. */
  async optimizerFix(request: OptimizerFixRequest): Promise<FixOutcome> {
    const outcome = await this.submit(`optimizer-fix#${this.nextId}`, { kind: 'optimizer-fix', request });
    return outcome.kind === 'done' ? { kind: 'fixed', result: outcome.value as FixResult, where: outcome.where } : outcome;
  }

  /**
   * A job's model config or safetensors index read to plain data (in the worker for a large file). `key` as
   * for `scan`: other text cancels the pending read of the same key, the same request shares its answer.
   */
  async readModelFile(key: string, request: ModelFileRequest): Promise<ModelFileOutcome> {
    const existing = this.latest.get(key);
    const same = existing !== undefined && existing.task.kind === 'model-file' && JSON.stringify({ ...existing.task.request, text: '' }) === JSON.stringify({ ...request, text: '' }) && existing.task.request.text === request.text;
    const outcome = same ? await existing.done : await this.submit(key, { kind: 'model-file', request });
    return outcome.kind === 'done' ? { kind: 'read', read: outcome.value as ModelFileRead, where: outcome.where } : outcome;
  }

  private submit(key: string, task: WorkerTask): Promise<TaskOutcome> {
    if (this.disposed) return Promise.resolve(CANCELLED);
    if (this.latest.has(key)) this.cancel(key);
    let resolve: (o: TaskOutcome) => void = () => undefined;
    const done = new Promise<TaskOutcome>((r) => (resolve = r));
    const job: Job = { id: this.nextId++, key, task, done, resolve, finished: false };
    this.latest.set(key, job);
    if (taskText(task).length <= this.inlineMaxChars) void this.runSliced(job);
    else void this.enqueue(job);
    return done;
  }

  /** Cancels the pending scan of `key` (the file changed again or is gone). */
  cancel(key: string): void {
    const job = this.latest.get(key);
    if (job === undefined) return;
    this.finish(job, CANCELLED);
    const at = this.queue.indexOf(job);
    if (at >= 0) {
      this.queue.splice(at, 1);
      this.wakeOne();
    }
    if (this.running === job) {
      // The worker is busy with text that is out of date: stop it rather than wait.
      this.stopWorker();
      this.running = null;
      this.pump();
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const key of [...this.latest.keys()]) this.cancel(key);
    this.stopWorker();
    for (const w of this.slotWaiters.splice(0)) w();
  }

  private finish(job: Job, outcome: TaskOutcome): void {
    if (job.finished) return;
    job.finished = true;
    if (job.timer !== undefined) clearTimeout(job.timer);
    if (this.latest.get(job.key) === job) this.latest.delete(job.key);
    job.resolve(outcome);
  }

  private runHere(task: WorkerTask): TaskOutcome {
    try {
      return { kind: 'done', value: runTask(task), where: 'main' };
    } catch (e) {
      return { kind: 'failed', message: `the ${taskLabel(task)} failed: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /** A small file on the main loop, after a yield once the current time slice is used up. */
  private async runSliced(job: Job): Promise<void> {
    if (this.fallback !== null || performance.now() - this.sliceStart >= this.sliceMs) {
      await yieldToLoop();
      this.sliceStart = performance.now();
    }
    if (job.finished) return;
    this.finish(job, this.runHere(job.task));
  }

  private async enqueue(job: Job): Promise<void> {
    while (this.queue.length >= this.capacity && !job.finished) await new Promise<void>((r) => this.slotWaiters.push(r));
    if (job.finished) {
      // Cancelled while waiting: the place it was woken for goes to the next waiter.
      if (this.queue.length < this.capacity) this.wakeOne();
      return;
    }
    this.queue.push(job);
    this.pump();
  }

  private wakeOne(): void {
    this.slotWaiters.shift()?.();
  }

  private pump(): void {
    if (this.running !== null || this.disposed) return;
    const job = this.queue.shift();
    if (job === undefined) return;
    this.wakeOne();
    this.running = job;
    const worker = this.fallback === null ? this.startWorker() : null;
    if (worker === null) {
      // No worker: one file per turn of the loop.
      void yieldToLoop().then(() => {
        if (!job.finished) this.finish(job, this.runHere(job.task));
        if (this.running === job) this.running = null;
        this.pump();
      });
      return;
    }
    if (this.workerReady) this.send(worker, job);
    // else: sent when the worker says it is ready
  }

  /** Sends the running job; its time budget starts now. */
  private send(worker: Worker, job: Job): void {
    job.timer = setTimeout(() => this.overBudget(job), this.budgetMs);
    const request: WorkerRequest = { id: job.id, task: job.task };
    worker.postMessage(request);
  }

  private overBudget(job: Job): void {
    if (this.running !== job) return;
    this.stopWorker();
    this.running = null;
    this.finish(job, { kind: 'failed', message: `not read: the ${taskLabel(job.task)} took longer than the per-file time budget of ${this.budgetMs / 1000} s` });
    this.pump();
  }

  private startWorker(): Worker | null {
    if (this.worker !== null) return this.worker;
    let worker: Worker;
    try {
      worker = new Worker(this.workerFile, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    } catch (e) {
      this.useMainLoop(`the scan worker could not start (${e instanceof Error ? e.message : String(e)})`);
      return null;
    }
    worker.unref();
    this.worker = worker;
    this.workerReady = false;
    const startTimer = setTimeout(() => this.onWorkerStopped(worker, `it did not start within ${WORKER_START_TIMEOUT_MS / 1000} s`), WORKER_START_TIMEOUT_MS);
    startTimer.unref();
    worker.once('message', () => clearTimeout(startTimer));
    worker.once('exit', () => clearTimeout(startTimer));
    worker.on('message', (m: unknown) => this.onMessage(worker, m));
    worker.on('error', (e: Error) => this.onWorkerStopped(worker, e.message));
    worker.on('exit', (code: number) => this.onWorkerStopped(worker, `exit code ${code}`));
    return worker;
  }

  private onMessage(worker: Worker, message: unknown): void {
    if (worker !== this.worker || !isWorkerResponse(message)) return;
    if ('ready' in message) {
      this.workerReady = true;
      if (this.running !== null) this.send(worker, this.running);
      return;
    }
    const job = this.running;
    if (job === null || job.id !== message.id) return;
    this.crashes = 0;
    this.running = null;
    this.finish(job, message.ok ? { kind: 'done', value: message.value, where: 'worker' } : { kind: 'failed', message: `the ${taskLabel(job.task)} failed: ${message.message}` });
    this.pump();
  }

  private onWorkerStopped(worker: Worker, why: string): void {
    if (worker !== this.worker) return;
    const started = this.workerReady;
    this.stopWorker();
    const job = this.running;
    this.running = null;
    if (!started) {
      // It never took a file: scan on the main loop instead (the file it held goes back in the queue).
      if (job !== null && !job.finished) {
        if (job.timer !== undefined) clearTimeout(job.timer);
        this.queue.unshift(job);
      }
      this.useMainLoop(`the scan worker could not start (${why})`);
    } else {
      // It stopped on this file (e.g. out of memory): the file is given up, the next one gets a new worker.
      if (job !== null) this.finish(job, { kind: 'failed', message: `not read: the scan worker stopped on this file (${why})` });
      if (++this.crashes >= MAX_CRASHES) this.useMainLoop(`the scan worker stopped ${MAX_CRASHES} times in a row (last: ${why})`);
    }
    this.pump();
  }

  private useMainLoop(reason: string): void {
    if (this.fallback !== null) return;
    this.fallback = reason;
    this.options.onProblem?.(`${reason}; files are scanned on the extension host's main loop, one per turn of its event loop`);
  }

  private stopWorker(): void {
    const worker = this.worker;
    this.worker = null;
    this.workerReady = false;
    if (worker === null) return;
    worker.removeAllListeners();
    worker.on('error', () => undefined);
    void worker.terminate();
  }
}
