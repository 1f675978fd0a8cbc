/** The messages between ./scan-pool.ts (the extension host) and ./scan-worker.ts (the worker thread). */
import type { FileScan } from '../core/scan/scan';
import type { ScanFile } from '../core/scan/types';

export interface ScanRequest {
  readonly id: number;
  readonly file: ScanFile;
  readonly maxYamlChars?: number;
}

export type ScanResponse =
  /** Sent once, when the worker's modules are loaded: it can take files. */
  | { readonly ready: true }
  | { readonly id: number; readonly ok: true; readonly scan: FileScan }
  | { readonly id: number; readonly ok: false; readonly message: string };

export function isScanRequest(value: unknown): value is ScanRequest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const file = v['file'] as Record<string, unknown> | null | undefined;
  return typeof v['id'] === 'number' && typeof file === 'object' && file !== null && typeof file['path'] === 'string' && typeof file['text'] === 'string'
    && (v['maxYamlChars'] === undefined || typeof v['maxYamlChars'] === 'number');
}

export function isScanResponse(value: unknown): value is ScanResponse {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v['ready'] === true) return true;
  return typeof v['id'] === 'number' && (v['ok'] === true ? typeof v['scan'] === 'object' && v['scan'] !== null : v['ok'] === false && typeof v['message'] === 'string');
}
