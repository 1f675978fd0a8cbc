/**
 * What nvidia-smi shows beyond the bytes tensors occupy: the CUDA/framework context (driver
 * context, loaded kernels, library handles) and the cuBLAS workspaces; the caching allocator's
 * reserve is ./allocator.ts.
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
    // Not pinned to a commit: the one stored version of this file reachable here lacks the quoted comment
    // ("32MiB for Hopper and Blackwell"), so the locator cannot be checked (test/unit/citations-pinned.test.ts, EXEMPT).
    url: 'https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/cuda/CublasHandlePool.cpp',
    locator: '":4096:2:16:8 default, 32MiB for Hopper and Blackwell": default_size = 4096 * 1024 * 2 + 16 * 1024 * 8; workspaces keyed by (handle, stream), allocated with the CUDA caching allocator',
  } satisfies Citation,
} as const;

// The caching allocator itself (rounding, segments, reuse, fragmentation) is ./allocator.ts, replayed
// over the run's allocation sequence by ./allocation-trace.ts.
