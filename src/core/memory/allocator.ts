/**
 * PyTorch's CUDA caching allocator, simulated over an allocation sequence, for the reserved figure
 * (torch.cuda.max_memory_reserved()). The rules, from c10/cuda/CUDACachingAllocator.cpp with its
 * defaults (expandable_segments off, no max_split_size, no garbage-collection threshold):
 * - every request is rounded up to a multiple of 512 bytes (round_size, kMinBlockSize);
 * - requests of at most 1 MiB (kSmallSize) are served from the small pool, the rest from the large
 *   pool (get_pool);
 * - a request no cached block fits gets a new segment from cudaMalloc (get_allocation_size): 2 MiB
 *   (kSmallBuffer) for small requests, 20 MiB (kLargeBuffer) for requests under 10 MiB
 *   (kMinLargeAlloc), otherwise the request rounded up to 2 MiB (kRoundLarge);
 * - a cached block is chosen best-fit: the smallest free block of the pool at least as large
 *   (get_free_block; blocks ordered by size, then address);
 * - the chosen block is split when the remainder is at least 512 bytes (small pool) or more than
 *   1 MiB (large pool) (should_split); otherwise the whole block is handed out (and counted as
 *   allocated);
 * - a freed block is merged with free neighbours of its segment (free_block / try_merge_blocks),
 *   and segments are never returned to the driver while memory suffices (the cache is emptied only
 *   on an allocation failure or empty_cache()), so reserved memory only grows.
 * Streams are not modelled (one compute stream, as in single-GPU training).
 */
import type { Citation } from '../types';

export const CACHING_ALLOCATOR_RULES = {
  minBlockSize: 512,
  smallSize: 2 ** 20,
  smallBuffer: 2 * 2 ** 20,
  largeBuffer: 20 * 2 ** 20,
  minLargeAlloc: 10 * 2 ** 20,
  roundLarge: 2 * 2 ** 20,
  source: {
    title: 'PyTorch c10/cuda/CUDACachingAllocator.cpp',
    url: 'https://github.com/pytorch/pytorch/blob/main/c10/cuda/CUDACachingAllocator.cpp',
    locator: 'kMinBlockSize = 512, kSmallSize = 1 MiB, kSmallBuffer = 2 MiB, kLargeBuffer = 20 MiB, kMinLargeAlloc = 10 MiB, kRoundLarge = 2 MiB; round_size, get_pool, get_allocation_size, get_free_block (best fit), should_split, free_block / try_merge_blocks',
  } satisfies Citation,
} as const;

const R = CACHING_ALLOCATOR_RULES;
const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/** round_size: the block size a request of `bytes` takes. */
export function blockSize(bytes: number): number {
  return bytes < R.minBlockSize ? R.minBlockSize : roundUp(bytes, R.minBlockSize);
}

/** get_allocation_size: the segment cudaMalloc'ed for a block of `size` no cached block fits. */
export function segmentSize(size: number): number {
  if (size <= R.smallSize) return R.smallBuffer;
  if (size < R.minLargeAlloc) return R.largeBuffer;
  return roundUp(size, R.roundLarge);
}

interface Block {
  readonly segment: number;
  offset: number;
  size: number;
  free: boolean;
  prev: Block | null;
  next: Block | null;
}

/** The allocator's state: segments, blocks, counters and their peaks. */
export class CachingAllocatorSim {
  private readonly pools: { small: Block[]; large: Block[] } = { small: [], large: [] };
  private readonly live = new Map<number, { block: Block; small: boolean; requested: number }>();
  private nextId = 1;
  private segments = 0;
  reserved = 0;
  allocated = 0;
  peakReserved = 0;
  peakAllocated = 0;
  /** Bytes the callers asked for (before rounding), and their peak. */
  requested = 0;
  peakRequested = 0;

  /** Allocates `bytes` (nothing for 0 bytes, as torch) and returns a handle for free(). */
  alloc(bytes: number): number {
    if (bytes <= 0) return 0;
    const size = blockSize(Math.ceil(bytes));
    const small = size <= R.smallSize;
    const pool = small ? this.pools.small : this.pools.large;
    let best: Block | null = null;
    for (const b of pool) {
      if (b.size < size) continue;
      if (best === null || b.size < best.size || (b.size === best.size && (b.segment < best.segment || (b.segment === best.segment && b.offset < best.offset)))) best = b;
    }
    if (best === null) {
      const seg = segmentSize(size);
      best = { segment: this.segments++, offset: 0, size: seg, free: true, prev: null, next: null };
      pool.push(best);
      this.reserved += seg;
      this.peakReserved = Math.max(this.peakReserved, this.reserved);
    }
    pool.splice(pool.indexOf(best), 1);
    const remaining = best.size - size;
    if (small ? remaining >= R.minBlockSize : remaining > R.smallSize) {
      const rest: Block = { segment: best.segment, offset: best.offset + size, size: remaining, free: true, prev: best, next: best.next };
      if (best.next !== null) best.next.prev = rest;
      best.next = rest;
      best.size = size;
      pool.push(rest);
    }
    best.free = false;
    this.allocated += best.size;
    this.peakAllocated = Math.max(this.peakAllocated, this.allocated);
    this.requested += bytes;
    this.peakRequested = Math.max(this.peakRequested, this.requested);
    const id = this.nextId++;
    this.live.set(id, { block: best, small, requested: bytes });
    return id;
  }

  /** Returns a block to the cache, merged with its free neighbours (handle 0 = nothing). */
  free(id: number): void {
    const entry = this.live.get(id);
    if (entry === undefined) return;
    this.live.delete(id);
    const pool = entry.small ? this.pools.small : this.pools.large;
    let b = entry.block;
    this.allocated -= b.size;
    this.requested -= entry.requested;
    b.free = true;
    const prev = b.prev;
    if (prev !== null && prev.free) {
      pool.splice(pool.indexOf(prev), 1);
      prev.size += b.size;
      prev.next = b.next;
      if (b.next !== null) b.next.prev = prev;
      b = prev;
    }
    const next = b.next;
    if (next !== null && next.free) {
      pool.splice(pool.indexOf(next), 1);
      b.size += next.size;
      b.next = next.next;
      if (next.next !== null) next.next.prev = b;
    }
    pool.push(b);
  }
}
