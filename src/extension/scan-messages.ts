/**
 * The messages between ./scan-pool.ts (the extension host) and ./scan-worker.ts (the worker thread), and
 * the pure work a message asks for: a file's scan (core/scan `scanFile`), an optimizer quick fix (core/fixes
 * `optimizerFix`, which parses the file), or a job's model config or safetensors index read to plain data
 * (core/model-source `readModelFile`). Run in the worker, or on the main loop when there is none.
 */
import { optimizerFix } from '../core/fixes';
import type { FixResult, OptimizerFixRequest } from '../core/fixes/types';
import { readModelFile, type ModelFileRead, type ModelFileRequest } from '../core/model-source';
import { scanFile } from '../core/scan/scan';
import type { ScanFile } from '../core/scan/types';

export type WorkerTask =
  | { readonly kind: 'scan'; readonly file: ScanFile; readonly maxYamlChars?: number }
  | { readonly kind: 'optimizer-fix'; readonly request: OptimizerFixRequest }
  | { readonly kind: 'model-file'; readonly request: ModelFileRequest };

export interface WorkerRequest {
  readonly id: number;
  readonly task: WorkerTask;
}

export type WorkerResponse =
  /** Sent once, when the worker's modules are loaded: it can take tasks. */
  | { readonly ready: true }
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly message: string };

/** The task's answer (a FileScan, a FixResult or a ModelFileRead). Throws only on a bug: no reader throws for a bad file. */
export function runTask(task: WorkerTask): unknown {
  if (task.kind === 'scan') return scanFile(task.file, task.maxYamlChars === undefined ? {} : { maxYamlChars: task.maxYamlChars });
  if (task.kind === 'model-file') {
    const read: ModelFileRead = readModelFile(task.request);
    return read;
  }
  const result: FixResult = optimizerFix(task.request);
  return result;
}

/** The text a task reads (its size decides where it runs). */
export function taskText(task: WorkerTask): string {
  return task.kind === 'scan' ? task.file.text : task.request.text;
}

/** What a task is called in messages. */
export function taskLabel(task: WorkerTask): string {
  return task.kind === 'scan' ? 'scan' : task.kind === 'optimizer-fix' ? 'quick fix' : 'model file read';
}

export function isWorkerRequest(value: unknown): value is WorkerRequest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const task = v['task'] as Record<string, unknown> | null | undefined;
  if (typeof v['id'] !== 'number' || typeof task !== 'object' || task === null) return false;
  if (task['kind'] === 'scan') {
    const file = task['file'] as Record<string, unknown> | null | undefined;
    return typeof file === 'object' && file !== null && typeof file['path'] === 'string' && typeof file['text'] === 'string'
      && (task['maxYamlChars'] === undefined || typeof task['maxYamlChars'] === 'number');
  }
  if (task['kind'] === 'optimizer-fix') {
    const req = task['request'] as Record<string, unknown> | null | undefined;
    return typeof req === 'object' && req !== null && typeof req['path'] === 'string' && typeof req['text'] === 'string' && typeof req['job'] === 'object' && typeof req['target'] === 'string';
  }
  if (task['kind'] === 'model-file') {
    const req = task['request'] as Record<string, unknown> | null | undefined;
    return typeof req === 'object' && req !== null && (req['kind'] === 'config' || req['kind'] === 'index') && typeof req['name'] === 'string' && typeof req['path'] === 'string' && typeof req['text'] === 'string';
  }
  return false;
}

export function isWorkerResponse(value: unknown): value is WorkerResponse {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v['ready'] === true) return true;
  return typeof v['id'] === 'number' && (v['ok'] === true ? 'value' in v : v['ok'] === false && typeof v['message'] === 'string');
}
