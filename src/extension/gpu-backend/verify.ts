/**
 * The check after installing: the profiler child (dist/profiler-child.js) is started with the install
 * as an extra module directory and asked for a one-step trace; its backend message says which backend
 * loaded and why the GPU one did not. A native crash while loading is caught here, in the parent.
 * No 'vscode' import; no TensorFlow.js in this process.
 */
import type { BackendMessage } from '../../profiler/protocol';
import { runChild } from '../../profiler/run-child';
import type { StoredVerification } from './location';

export interface VerifyOptions {
  /** The install folder (holds node_modules/@tensorflow/tfjs-node-gpu). */
  readonly dir: string;
  readonly childScript: string;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  /** Wall-clock budget; default 120 s (TensorFlow loads the CUDA libraries on first use). */
  readonly budgetMs?: number;
}

export interface Verification extends StoredVerification {
  /** Why the GPU backend was not used, when it was not. */
  readonly gpuReason?: string;
  /** Where the chosen backend was loaded from. */
  readonly location?: string;
}

/** One line for the outcome of a backend message: the backend, and why the GPU package was not used. */
export function describeBackend(b: BackendMessage): { outcome: 'gpu' | 'fallback'; gpuReason?: string; detail: string } {
  if (b.name === 'tfjs-node-gpu') return { outcome: 'gpu', detail: `the profiler runs TensorFlow on the GPU (${b.location ?? 'tfjs-node-gpu'})` };
  const gpuReason = b.reasons.find((r) => r.backend === 'tfjs-node-gpu')?.why ?? 'not tried';
  return { outcome: 'fallback', gpuReason, detail: `the GPU backend is not used: ${gpuReason}; profiling will use ${b.name}` };
}

export async function verifyGpuBackend(o: VerifyOptions): Promise<Verification> {
  const at = new Date().toISOString();
  const run = await runChild({
    request: { kind: 'trace', optimizer: 'sgd', problem: 'saddle', steps: 1, lr: 0.01, backend: { extraModuleDirs: [o.dir] } }, // every backend is allowed by default
    childScript: o.childScript,
    budgetMs: o.budgetMs ?? 120_000,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.env ? { env: o.env } : {}),
  });
  if (run.backend) {
    const d = describeBackend(run.backend);
    return {
      outcome: d.outcome,
      backend: run.backend.name,
      detail: d.detail,
      at,
      ...(d.gpuReason !== undefined ? { gpuReason: d.gpuReason } : {}),
      ...(run.backend.location !== undefined ? { location: run.backend.location } : {}),
    };
  }
  if (run.outcome === 'crashed') return { outcome: 'crashed', detail: run.detail, at };
  return { outcome: 'failed', detail: `the profiler could not be checked: ${run.outcome}: ${run.detail}`, at };
}
