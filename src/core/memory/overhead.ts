/**
 * What nvidia-smi shows beyond the bytes tensors occupy: the CUDA/framework context (driver
 * context, loaded kernels, library handles) and the caching allocator's reserve.
 */
import type { Citation } from '../types';

/**
 * CUDA context + kernels of a PyTorch process, as published in the transformers documentation:
 * after `torch.ones((1, 1)).to("cuda")` nvidia-smi reports 1343 MB (MiB) occupied. The exact
 * size depends on GPU, driver, CUDA version and lazy module loading; this is an assumption taken
 * from that published measurement, not measured on the user's machine.
 */
export const CUDA_CONTEXT = {
  bytes: 1343 * 2 ** 20,
  source: {
    title: 'Transformers docs: Model training anatomy',
    url: 'https://huggingface.co/docs/transformers/model_memory_anatomy',
    locator: '"GPU memory occupied: 1343 MB" after loading a 1x1 tensor; "the kernels alone take up 1.3GB"',
  } satisfies Citation,
} as const;

/**
 * cuBLAS workspace: PyTorch gives every (cuBLAS handle, stream) pair a workspace allocated through
 * its caching allocator (so it is in torch's reserved and allocated counters), of
 * CUBLAS_WORKSPACE_CONFIG's size, default ":4096:2:16:8" = 2 x 4096 KiB + 8 x 16 KiB = 8,519,680
 * bytes (32 MiB on Hopper/Blackwell, compute capability 9.x/10.x/12.x). Handles are per thread, and
 * autograd runs backward on its own device thread, so training holds two: the forward's and the
 * backward's (assumption). The GPU generation is not known here, so the pre-Hopper default is
 * assumed.
 */
export const CUBLAS_WORKSPACE = {
  bytesPerHandle: 4096 * 1024 * 2 + 16 * 1024 * 8,
  handles: 2,
  source: {
    title: 'PyTorch aten/src/ATen/cuda/CublasHandlePool.cpp, parseChosenWorkspaceSize',
    url: 'https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/cuda/CublasHandlePool.cpp',
    locator: '":4096:2:16:8 default, 32MiB for Hopper and Blackwell": default_size = 4096 * 1024 * 2 + 16 * 1024 * 8; workspaces keyed by (handle, stream), allocated with the CUDA caching allocator',
  } satisfies Citation,
} as const;

/**
 * Block sizes of PyTorch's CUDA caching allocator (c10/cuda/CUDACachingAllocator.cpp): every
 * request is rounded up to 512 bytes; requests of 10 MiB or more get their own segment rounded up
 * to 2 MiB; smaller ones are carved out of 2 MiB (<= 1 MiB) or 20 MiB segments.
 */
export const CACHING_ALLOCATOR = {
  minBlockSize: 512,
  smallSize: 2 ** 20,
  minLargeAlloc: 10 * 2 ** 20,
  roundLarge: 2 * 2 ** 20,
  source: {
    title: 'PyTorch CUDA caching allocator',
    url: 'https://github.com/pytorch/pytorch/blob/main/c10/cuda/CUDACachingAllocator.cpp',
    locator: 'kMinBlockSize = 512, kSmallSize = 1 MiB, kMinLargeAlloc = 10 MiB, kRoundLarge = 2 MiB (round_size, get_allocation_size)',
  } satisfies Citation,
} as const;

const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/**
 * Bytes the allocator reserves beyond one request of `bytes`: the 512-byte rounding, and for
 * requests of 10 MiB or more the rounding of their segment to 2 MiB. Fragmentation between
 * requests is not modelled (it depends on allocation order), so this is a lower bound.
 */
export function allocatorRounding(bytes: number): number {
  if (bytes <= 0) return 0;
  const rounded = roundUp(bytes, CACHING_ALLOCATOR.minBlockSize);
  if (rounded < CACHING_ALLOCATOR.minLargeAlloc) return rounded - bytes;
  return roundUp(rounded, CACHING_ALLOCATOR.roundLarge) - bytes;
}

/** Sum of the rounding of many requests given as (size, count). */
export function allocatorReserve(allocations: readonly { readonly bytes: number; readonly count: number }[]): number {
  let total = 0;
  for (const a of allocations) if (a.count > 0) total += allocatorRounding(a.bytes) * a.count;
  return total;
}
