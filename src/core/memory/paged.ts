/**
 * Paged optimizer states (bitsandbytes PagedAdamW, PagedAdamW8bit, PagedLion, ...): the optimizer
 * allocates state1/state2 of every parameter with at least 1e5 elements with F.get_paged, i.e. CUDA
 * unified memory (cudaMallocManaged). torch's caching allocator does not see those bytes, so
 * torch.cuda.max_memory_allocated()/reserved() leave them out, and the driver evicts their pages to
 * CPU RAM when the GPU runs out, at a speed cost. The smaller tensors' states and the absmax and
 * quantile-map buffers are ordinary device tensors.
 */
import type { StateTensor } from '../optimizers/types';
import type { Citation, ParamTensor } from '../types';
import { numel } from '../types';

/** bitsandbytes Optimizer8bit.get_state_buffer: `if not self.is_paged or p.numel() < 1e5: torch.zeros_like(...)`. */
export const BNB_PAGED_MIN_ELEMENTS = 1e5;

/** The state buffers get_state_buffer allocates (the rest are plain device tensors). */
const PAGED_STATE_NAMES: ReadonlySet<string> = new Set(['state1', 'state2']);

export const PAGED_SOURCES: readonly Citation[] = [
  {
    title: 'bitsandbytes docs: Paged optimizers',
    url: 'https://huggingface.co/docs/bitsandbytes/main/en/explanations/optimizers#paged-optimizers',
    locator: 'paged optimizers use CUDA unified memory: optimizer states are evicted to CPU RAM when the GPU runs out of memory and paged back for the update',
  },
  {
    title: 'bitsandbytes optim/optimizer.py, Optimizer8bit.get_state_buffer',
    url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/optim/optimizer.py',
    locator: 'if not self.is_paged or p.numel() < 1e5: return torch.zeros_like(p, ...); else F.get_paged(*p.shape, dtype=dtype, device=p.device) (state1, state2)',
  },
  {
    title: 'Dettmers et al. 2023, QLoRA: Efficient Finetuning of Quantized LLMs',
    url: 'https://arxiv.org/abs/2305.14314',
    locator: 'Section 3, Paged Optimizers: NVIDIA unified memory, automatic page-to-page transfers between CPU and GPU',
  },
];

/** Bytes of the paged state buffers among `perTensor` (the catalog's per-tensor state). */
export function pagedStateBytes(
  perTensor: readonly { readonly param: string; readonly states: readonly StateTensor[] }[],
  trainable: readonly ParamTensor[],
): number {
  const size = new Map(trainable.map((t) => [t.name, numel(t.shape)]));
  let bytes = 0;
  for (const pt of perTensor) {
    const elements = size.get(pt.param) ?? 0;
    for (const s of pt.states) if (isPagedState(elements, s.name)) bytes += s.bytes;
  }
  return bytes;
}

export function isPagedState(paramElements: number, stateName: string): boolean {
  return paramElements >= BNB_PAGED_MIN_ELEMENTS && PAGED_STATE_NAMES.has(stateName);
}
