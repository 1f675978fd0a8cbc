/**
 * Chooses the TensorFlow.js backend for the profiler child, in order:
 *   1. @tensorflow/tfjs-node-gpu, when a CUDA device is visible and TensorFlow uses it;
 *   2. @tensorflow/tfjs-node (libtensorflow on the CPU);
 *   3. @tensorflow/tfjs-backend-wasm with SIMD (single-threaded under Node);
 *   4. the pure-JavaScript cpu backend.
 * Every backend that was not taken is reported with the reason. A package that is installed but cannot
 * load (libtensorflow missing, wrong CUDA/cuDNN) is a reason and a fallback, never a crash. The native
 * packages are optional dependencies that a .vsix does not install: `extraModuleDirs` adds places to
 * look (the extension installs @tensorflow/tfjs-node-gpu into its global storage). A native crash while
 * loading cannot be caught in-process; that is why this runs only in the child process.
 * Child side only: imports tfjs.
 */
import { PROFILE_BACKENDS, type ProfileBackendName } from '../core/profile/profile-types';
import { defaultCommandRunner, NVIDIA_SMI_LIST } from '../platform/gpu';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from './gradients';

export function isProfileBackendName(s: string): s is ProfileBackendName {
  return (PROFILE_BACKENDS as readonly string[]).includes(s);
}

export interface BackendAttempt {
  readonly backend: ProfileBackendName;
  /** Why this backend was not used. */
  readonly why: string;
}

export interface LoadedBackend {
  readonly name: ProfileBackendName;
  /** The tfjs backend name now active ('tensorflow', 'wasm', 'cpu'). */
  readonly tfBackend: string;
  /** Backends tried before it, each with the reason it was not used. */
  readonly reasons: BackendAttempt[];
  /** Where the chosen package or .wasm files were loaded from. */
  readonly location?: string;
  /** wasm: SIMD and multi-threading support as the backend detected them. */
  readonly wasmSimd?: boolean;
  readonly wasmThreads?: boolean;
  /** Where the gradient functions came from (see gradients.ts). */
  readonly gradients: string;
}

export interface LoadBackendOptions {
  /** Directories that may hold node_modules/@tensorflow/tfjs-node(-gpu) (e.g. the extension's global storage). */
  readonly extraModuleDirs?: readonly string[];
  /** Directories to look for the tfjs-backend-wasm*.wasm files first (e.g. beside the bundle). */
  readonly wasmDirs?: readonly string[];
  /** Directories to look for the gradients bundle (gradients.ts). */
  readonly gradientDirs?: readonly string[];
  /** Backends allowed, in the fixed order above (default: all). */
  readonly allow?: readonly ProfileBackendName[];
  /** Kernels the workload needs (e.g. 'Conv2DBackpropFilter'); a backend without them is skipped. */
  readonly requiredKernels?: readonly string[];
  /** Whether a CUDA device is visible; default: cudaDeviceVisible(). */
  readonly cudaVisible?: () => CudaVisibility | Promise<CudaVisibility>;
}

const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.trim();
}

export interface CudaVisibility {
  readonly visible: boolean;
  readonly why: string;
}

/** A CUDA device is visible: not hidden by CUDA_VISIBLE_DEVICES, and the NVIDIA driver lists a GPU. */
export async function cudaDeviceVisible(): Promise<CudaVisibility> {
  const mask = process.env['CUDA_VISIBLE_DEVICES'];
  if (mask !== undefined && (mask.trim() === '' || mask.trim() === '-1')) return { visible: false, why: `CUDA_VISIBLE_DEVICES='${mask}' hides every device` };
  const procDir = '/proc/driver/nvidia/gpus';
  if (fs.existsSync(procDir) && fs.readdirSync(procDir).length > 0) return { visible: true, why: `${procDir} lists a GPU` };
  // `nvidia-smi -L` through the platform's runner: never one in the current folder, a timeout, capped output.
  const smi = await defaultCommandRunner('nvidia-smi', NVIDIA_SMI_LIST);
  if (smi !== null && smi.code === 0 && /GPU \d+/.test(smi.stdout)) return { visible: true, why: 'nvidia-smi lists a GPU' };
  return { visible: false, why: 'no NVIDIA GPU is visible (no /proc/driver/nvidia/gpus entry, nvidia-smi lists none or is missing)' };
}

function resolveFrom(request: string, dirs: readonly string[]): string | null {
  try {
    return require.resolve(request, { paths: [...dirs, __dirname] });
  } catch {
    return null;
  }
}

function missingKernels(backend: string, kernels: readonly string[]): string[] {
  return kernels.filter((k) => tf.getKernel(k, backend) === undefined);
}

type Attempt =
  | { ok: true; tfBackend: string; location?: string; wasmSimd?: boolean; wasmThreads?: boolean }
  | { ok: false; why: string; /** The GPU package loaded and registered TensorFlow's CPU kernels. */ loadedOnCpu?: string };

async function tryNode(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node', opts: LoadBackendOptions): Promise<Attempt> {
  const dirs = opts.extraModuleDirs ?? [];
  const location = resolveFrom(pkg, dirs);
  if (pkg === '@tensorflow/tfjs-node-gpu') {
    const cuda = await (opts.cudaVisible ?? cudaDeviceVisible)();
    // Not loaded without a GPU; an installed package is named so that its owner sees it was found.
    if (!cuda.visible) return { ok: false, why: location ? `installed at ${location} but not used: ${cuda.why}` : cuda.why };
  }
  if (!location) return { ok: false, why: dirs.length > 0 ? `not installed (looked in ${dirs.join(', ')} and beside the profiler)` : 'not installed' };
  try {
    require(location);
  } catch (e) {
    return { ok: false, why: `installed at ${location} but failed to load: ${firstLine(e)}` };
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return { ok: false, why: `loaded from ${location} but the 'tensorflow' backend did not initialise` };
  } catch (e) {
    return { ok: false, why: `loaded from ${location} but the 'tensorflow' backend failed: ${firstLine(e)}` };
  }
  if (pkg === '@tensorflow/tfjs-node-gpu') {
    const usingGpu = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
    if (usingGpu === false) {
      return {
        ok: false,
        why: `loaded from ${location} but TensorFlow found no usable GPU (CUDA/cuDNN version or compute capability mismatch)`,
        loadedOnCpu: location,
      };
    }
  }
  return { ok: true, tfBackend: 'tensorflow', location };
}

/** The first directory holding the .wasm files: the given ones, beside this module, then the package's dist/. */
export function findWasmDir(extra: readonly string[] = []): { dir: string | null; looked: string[] } {
  const looked = [...extra, __dirname];
  const pkg = resolveFrom('@tensorflow/tfjs-backend-wasm/package.json', []);
  if (pkg) looked.push(path.join(path.dirname(pkg), 'dist'));
  const dir = looked.find((d) => WASM_FILES.every((f) => fs.existsSync(path.join(d, f)))) ?? null;
  return { dir, looked };
}

async function tryWasm(opts: LoadBackendOptions): Promise<Attempt> {
  const { dir, looked } = findWasmDir(opts.wasmDirs);
  if (!dir) return { ok: false, why: `the ${WASM_FILES.join(' / ')} files were not found (looked in ${looked.join(', ')})` };
  try {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(dir.endsWith(path.sep) ? dir : dir + path.sep);
    if (!(await tf.setBackend('wasm'))) return { ok: false, why: `the wasm backend did not initialise from ${dir}` };
  } catch (e) {
    return { ok: false, why: `the wasm backend failed to load: ${firstLine(e)}` };
  }
  const wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const wasmThreads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  return { ok: true, tfBackend: 'wasm', location: dir, wasmSimd, wasmThreads };
}

async function tryCpu(): Promise<Attempt> {
  try {
    require('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) return { ok: false, why: 'the cpu backend did not initialise' };
    return { ok: true, tfBackend: 'cpu' };
  } catch (e) {
    return { ok: false, why: `the cpu backend failed to load: ${firstLine(e)}` };
  }
}

/** Loads the best allowed backend and the gradient functions; throws only when no backend works. */
export async function loadBackend(opts: LoadBackendOptions = {}): Promise<LoadedBackend> {
  const allow = new Set(opts.allow ?? PROFILE_BACKENDS);
  const reasons: BackendAttempt[] = [];
  // Both native packages register the 'tensorflow' backend; once the GPU package is loaded it also
  // serves as the CPU TensorFlow backend (loading the second native binding next to it is not safe).
  let gpuPackageOnCpu: string | undefined;
  for (const backend of PROFILE_BACKENDS) {
    if (!allow.has(backend)) {
      reasons.push({ backend, why: 'not allowed for this run' });
      continue;
    }
    const attempt: Attempt =
      backend === 'tfjs-node-gpu' ? await tryNode('@tensorflow/tfjs-node-gpu', opts)
      : backend === 'tfjs-node' && gpuPackageOnCpu !== undefined ? { ok: true, tfBackend: 'tensorflow', location: `${gpuPackageOnCpu} (GPU package on the CPU)` }
      : backend === 'tfjs-node' ? await tryNode('@tensorflow/tfjs-node', opts)
      : backend === 'wasm' ? await tryWasm(opts)
      : await tryCpu();
    if (!attempt.ok) {
      if (attempt.loadedOnCpu !== undefined) gpuPackageOnCpu = attempt.loadedOnCpu;
      reasons.push({ backend, why: attempt.why });
      continue;
    }
    const missing = missingKernels(attempt.tfBackend, opts.requiredKernels ?? []);
    if (missing.length > 0) {
      reasons.push({ backend, why: `lacks kernels this workload needs: ${missing.join(', ')}` });
      continue;
    }
    await tf.ready();
    const gradients = ensureGradients(opts.gradientDirs ?? [__dirname]);
    const loaded: LoadedBackend = { name: backend, tfBackend: attempt.tfBackend, reasons, gradients };
    return {
      ...loaded,
      ...(attempt.location !== undefined ? { location: attempt.location } : {}),
      ...(attempt.wasmSimd !== undefined ? { wasmSimd: attempt.wasmSimd, wasmThreads: attempt.wasmThreads ?? false } : {}),
    };
  }
  throw new Error(`no TensorFlow.js backend could be loaded: ${reasons.map((r) => `${r.backend}: ${r.why}`).join('; ')}`);
}
