/**
 * Messages between the parent (run-child.ts, pure Node) and the profiler child (child.ts, tfjs).
 * The parent writes one JSON request line on the child's stdin (or passes it as argv[2]) and may later
 * write {"type":"cancel"}; the child answers with JSON lines on stdout.
 */
import type { Hyperparameters } from '../core/types';
import type { TraceProblem } from '../core/profile/trace-problems';
import type { ProxySpec } from './sweep/proxy';

/** Backend names, in the order the loader tries them (mirrors backend.ts without importing tfjs). */
export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

export interface BackendRequest {
  readonly extraModuleDirs?: readonly string[];
  readonly wasmDirs?: readonly string[];
  readonly allow?: readonly BackendName[];
  readonly requiredKernels?: readonly string[];
}

export interface TraceRequest {
  readonly kind: 'trace';
  readonly optimizer: string;
  readonly problem: TraceProblem;
  readonly steps: number;
  /** Learning rate; overrides `hyper.lr`. */
  readonly lr?: number;
  /** Other hyperparameters; the rest take the reference defaults. */
  readonly hyper?: Hyperparameters;
  readonly start?: readonly [number, number];
  readonly backend?: BackendRequest;
}

/** One optimizer of a sweep request: its learning rates and its other hyperparameters. */
export interface SweepOptimizerRequest {
  readonly id: string;
  readonly lrs: readonly number[];
  /** Hyperparameters other than lr (profiler keys). */
  readonly hyper: Hyperparameters;
  /** AdaHessian/Sophia: Hessian-vector products by double backprop or finite differences. */
  readonly hvp?: 'autodiff' | 'finite-difference';
  /** lr of the robustness probes (default: the middle of `lrs`). */
  readonly robustnessLr?: number;
}

/** Train the proxy with each optimizer (src/profiler/sweep): see sweep/child-sweep.ts. */
export interface SweepRequest {
  readonly kind: 'sweep';
  readonly spec: ProxySpec;
  /** Folder holding the training text (text proxies). */
  readonly dataDir?: string;
  readonly optimizers: readonly SweepOptimizerRequest[];
  readonly seeds: readonly number[];
  readonly steps: number;
  /** Use the fused kernels where they exist (default true). */
  readonly fused?: boolean;
  readonly evaluationBatches?: number;
  readonly robustness?: boolean;
  /** Measure copy bandwidth and each optimizer's effective bandwidth first. */
  readonly bandwidth?: { readonly elements: number; readonly reps?: number };
  /** Train (default true); false with `bandwidth` measures bandwidth only. */
  readonly train?: boolean;
  readonly backend?: BackendRequest;
}

/** Every request the child understands. */
export type ChildRequest = TraceRequest | SweepRequest;

export interface BackendMessage {
  readonly type: 'backend';
  readonly name: BackendName;
  readonly tfBackend: string;
  readonly reasons: ReadonlyArray<{ readonly backend: BackendName; readonly why: string }>;
  readonly location?: string;
  readonly wasmSimd?: boolean;
  readonly wasmThreads?: boolean;
  readonly gradients: string;
}

export type ChildMessage =
  | BackendMessage
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly result: unknown }
  /** A measurement streamed while the request runs (sweep: 'run', 'copy-bandwidth', 'optimizer-bandwidth', 'robustness'). */
  | { readonly type: 'partial'; readonly kind: string; readonly data: unknown }
  | { readonly type: 'error'; readonly message: string; readonly inputError: boolean }
  | { readonly type: 'cancelled' };

export type ParentMessage = { readonly type: 'cancel' };

const MESSAGE_TYPES = new Set(['backend', 'progress', 'result', 'partial', 'error', 'cancelled']);

/** A stdout line as a child message, or null when the line is not one (stray output). */
export function parseChildMessage(line: string): ChildMessage | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !MESSAGE_TYPES.has(type)) return null;
  const m = value as Record<string, unknown>;
  switch (type) {
    case 'backend':
      return typeof m['name'] === 'string' && Array.isArray(m['reasons']) ? (value as ChildMessage) : null;
    case 'progress':
      return typeof m['done'] === 'number' && typeof m['total'] === 'number' ? (value as ChildMessage) : null;
    case 'partial':
      return typeof m['kind'] === 'string' && 'data' in m ? (value as ChildMessage) : null;
    case 'error':
      return typeof m['message'] === 'string' ? ({ type: 'error', message: m['message'], inputError: m['inputError'] === true } as ChildMessage) : null;
    default:
      return value as ChildMessage;
  }
}
