/**
 * Where a tensor's float32 values live on the active backend, so that a fused kernel can update them
 * in place: a byte offset into the wasm backend's heap (a WasmMemory that the SIMD kernels
 * import), or the cpu backend's Float32Array. Reads backend internals through structural checks; any
 * other backend (tfjs-node) or layout gives null and the caller falls back to tfjs ops. Child side.
 */
import * as tf from '@tensorflow/tfjs-core';
import { instantiateKernels, simdSupported, type SimdKernels } from './simd-kernels';
import { isWasmMemory, type WasmMemory } from './wasm-api';
import type { KernelUsed } from '../protocol';

/** A fused kernel's path: every kernel the update can run on but TensorFlow.js's own ops (protocol.ts KERNELS_USED). */
export type KernelPath = Exclude<KernelUsed, 'tfjs-ops'>;

interface WasmBackendLike {
  readonly wasm: { readonly asm?: { readonly memory?: unknown }; readonly _malloc?: unknown; readonly _free?: unknown };
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number | null; dtype: string } | undefined };
  refCount(dataId: object): number;
}

interface CpuBackendLike {
  readonly data: { get(dataId: object): { values: unknown; dtype: string } | undefined };
  refCount(dataId: object): number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function wasmBackend(): WasmBackendLike | null {
  const b: unknown = tf.backend();
  if (tf.getBackend() !== 'wasm' || !isObject(b) || !isObject(b['wasm']) || !isObject(b['dataIdMap'])) return null;
  const asm = (b['wasm'] as Record<string, unknown>)['asm'];
  if (!isObject(asm) || !isWasmMemory(asm['memory'])) return null;
  return b as unknown as WasmBackendLike;
}

function cpuBackend(): CpuBackendLike | null {
  const b: unknown = tf.backend();
  if (tf.getBackend() !== 'cpu' || !isObject(b) || !isObject(b['data'])) return null;
  return b as unknown as CpuBackendLike;
}

let simd: { memory: WasmMemory; kernels: SimdKernels } | null = null;

/** The SIMD kernels instantiated on the wasm backend's heap, or null when not on wasm / no SIMD. */
export function wasmKernels(): SimdKernels | null {
  const b = wasmBackend();
  if (!b) return null;
  const memory = b.wasm.asm!.memory as WasmMemory;
  if (simd && simd.memory === memory) return simd.kernels;
  if (!simdSupported()) return null;
  simd = { memory, kernels: instantiateKernels(memory) };
  return simd.kernels;
}

/** The fused path available on the active backend. */
export function kernelPath(): KernelPath | null {
  if (wasmKernels()) return 'wasm-simd';
  if (cpuBackend()) return 'js-loop';
  return null;
}

/**
 * Kernel constants in the wasm heap (the block-wise kernels' maps and quantisation tables, their scratch
 * area): copied once per heap into memory from the backend's allocator, outside any tensor (so not
 * counted as optimizer state), and kept for the life of the heap. Keyed by the array given (its
 * contents must not change); null when not on wasm or the backend exposes no allocator.
 */
const heapConstants = new WeakMap<WasmMemory, Map<object, number>>();
export function wasmConstant(data: Float32Array | Uint32Array): number | null {
  const b = wasmBackend();
  if (!b || typeof b.wasm._malloc !== 'function') return null;
  const memory = b.wasm.asm!.memory as WasmMemory;
  let byKey = heapConstants.get(memory);
  if (!byKey) {
    byKey = new Map();
    heapConstants.set(memory, byKey);
  }
  const known = byKey.get(data);
  if (known !== undefined) return known;
  const offset = (b.wasm._malloc as (bytes: number) => number)(data.byteLength) >>> 0;
  if (offset === 0) return null;
  new Uint8Array(memory.buffer, offset, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  byKey.set(data, offset);
  return offset;
}

/**
 * A float32 work area for kernel passes that hand values to the next pass of the same update (LAMB's
 * update direction), outside any tensor like the constants above (so never counted as optimizer
 * memory or state): one per heap on wasm, from the backend's allocator, grown (freed and allocated
 * again) when an update needs more; one Float32Array on the cpu backend. Its values last until the next
 * update asks for it. Byte offset (wasm) or the array (cpu); null on other backends or without an allocator.
 */
const workAreas = new WeakMap<WasmMemory, { offset: number; floats: number }>();
let cpuWork = new Float32Array(0);
export function workArea(floats: number): number | Float32Array | null {
  const b = wasmBackend();
  if (b) {
    if (typeof b.wasm._malloc !== 'function' || typeof b.wasm._free !== 'function') return null;
    const memory = b.wasm.asm!.memory as WasmMemory;
    const known = workAreas.get(memory);
    if (known && known.floats >= floats) return known.offset;
    if (known) (b.wasm._free as (offset: number) => void)(known.offset);
    const offset = (b.wasm._malloc as (bytes: number) => number)(4 * Math.max(floats, 1)) >>> 0;
    if (offset === 0) {
      workAreas.delete(memory);
      return null;
    }
    workAreas.set(memory, { offset, floats });
    return offset;
  }
  if (!cpuBackend()) return null;
  if (cpuWork.length < floats) cpuWork = new Float32Array(floats);
  return cpuWork;
}

/** Byte offset of a float32 or bool (8-bit codes) tensor in the wasm heap, or null. */
export function wasmByteOffset(t: tf.Tensor): number | null {
  const b = wasmBackend();
  if (!b || (t.dtype !== 'float32' && t.dtype !== 'bool')) return null;
  const entry = b.dataIdMap.get(t.dataId);
  return entry && typeof entry.memoryOffset === 'number' ? entry.memoryOffset : null;
}

/** Byte offset of a float32 tensor in the wasm heap, or null. */
export function wasmOffset(t: tf.Tensor): number | null {
  const b = wasmBackend();
  if (!b || t.dtype !== 'float32') return null;
  const entry = b.dataIdMap.get(t.dataId);
  return entry && typeof entry.memoryOffset === 'number' ? entry.memoryOffset : null;
}

/** The cpu backend's Float32Array of a tensor (the storage itself, not a copy), or null. */
export function cpuValues(t: tf.Tensor): Float32Array | null {
  const b = cpuBackend();
  if (!b || t.dtype !== 'float32') return null;
  const entry = b.data.get(t.dataId);
  return entry && entry.values instanceof Float32Array && entry.values.length === t.size ? entry.values : null;
}

/**
 * A typed-array view of a float32 or bool (8-bit codes) tensor's storage on the wasm or cpu backend:
 * writes go to the tensor itself. Wasm views must be made again after any allocation (the heap can
 * grow and detach them). Null on other backends or layouts.
 */
export function storageView(t: tf.Tensor): Float32Array | Uint8Array | null {
  const w = wasmBackend();
  if (w) {
    const entry = w.dataIdMap.get(t.dataId);
    if (!entry || typeof entry.memoryOffset !== 'number') return null;
    const buffer = (w.wasm.asm!.memory as WasmMemory).buffer;
    if (t.dtype === 'float32') return new Float32Array(buffer, entry.memoryOffset, t.size);
    if (t.dtype === 'bool') return new Uint8Array(buffer, entry.memoryOffset, t.size);
    return null;
  }
  const c = cpuBackend();
  if (!c) return null;
  const values = c.data.get(t.dataId)?.values;
  if (t.dtype === 'float32' && values instanceof Float32Array && values.length === t.size) return values;
  if (t.dtype === 'bool' && values instanceof Uint8Array && values.length === t.size) return values;
  return null;
}

/** No other tensor shares this tensor's storage (so writing it in place changes nothing else). */
export function exclusivelyOwned(t: tf.Tensor): boolean {
  const b = wasmBackend() ?? cpuBackend();
  return b !== null && b.refCount(t.dataId) === 1;
}
