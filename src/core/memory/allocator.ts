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
 *   (get_free_block). Each BlockPool keeps its free blocks in a std::set ordered by
 *   BlockComparatorSize — stream, then size, then address (ptr) — and get_free_block takes
 *   `pool.blocks.lower_bound(&p.search_key)`, the search key being a block of the rounded size (and
 *   no address), so the first block at least as large, the lowest address among equal sizes; the
 *   chosen block is erased from the set, a split-off remainder and a freed (merged) block are
 *   inserted into it (read at pytorch/pytorch 001074d: BlockPool, BlockComparatorSize,
 *   get_free_block). Here the set is a sorted array per pool (FreePool below): lookup, insertion and
 *   removal find their place by binary search in O(log n) compares (the array's shift on insertion
 *   and removal is one memory move), where the simulation first compared every free block of the
 *   pool. The address is (segment, offset): segments are numbered in the order they were
 *   cudaMalloc'ed, which stands in for their device address;
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
    url: 'https://github.com/pytorch/pytorch/blob/eb42ad6eca0ce61e7c581212b4bf32f991425571/c10/cuda/CUDACachingAllocator.cpp',
    locator: 'kMinBlockSize = 512, kSmallSize = 1 MiB, kSmallBuffer = 2 MiB, kLargeBuffer = 20 MiB, kMinLargeAlloc = 10 MiB, kRoundLarge = 2 MiB; round_size, get_pool, get_allocation_size, BlockComparatorSize (stream, size, ptr) and get_free_block (blocks.lower_bound: best fit), should_split, free_block / try_merge_blocks',
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

/** A block of a segment: free (in its pool's FreePool) or handed out (in `live`). */
interface Block {
  readonly segment: number;
  offset: number;
  size: number;
  free: boolean;
  readonly small: boolean;
  /** Bytes the caller asked for while the block is handed out. */
  requested: number;
  prev: Block | null;
  next: Block | null;
}

/** BlockComparatorSize without the stream (one stream): size, then address (segment, offset). */
function before(a: Block, size: number, segment: number, offset: number): boolean {
  if (a.size !== size) return a.size < size;
  if (a.segment !== segment) return a.segment < segment;
  return a.offset < offset;
}

/** One pool's free blocks, sorted by (size, segment, offset) — the BlockPool's `blocks` set. */
class FreePool {
  private readonly blocks: Block[] = [];

  /** Index of the first block not ordered before (size, segment, offset): std::set::lower_bound. */
  private lowerBound(size: number, segment: number, offset: number): number {
    const a = this.blocks;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(a[mid] as Block, size, segment, offset)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** get_free_block: removes and returns the smallest block of at least `size` bytes (lowest address first), or null. */
  takeBestFit(size: number): Block | null {
    const i = this.lowerBound(size, -1, -1);
    if (i === this.blocks.length) return null;
    const b = this.blocks[i] as Block;
    this.blocks.splice(i, 1);
    return b;
  }

  insert(b: Block): void {
    this.blocks.splice(this.lowerBound(b.size, b.segment, b.offset), 0, b);
  }

  /** Removes `b`, which is in the pool (its key must not have changed since it was inserted). */
  remove(b: Block): void {
    const i = this.lowerBound(b.size, b.segment, b.offset);
    if (this.blocks[i] !== b) throw new Error('caching allocator simulation: a free block is missing from its pool');
    this.blocks.splice(i, 1);
  }
}

/** The allocator's state: segments, blocks, counters and their peaks. */
export class CachingAllocatorSim {
  private readonly small = new FreePool();
  private readonly large = new FreePool();
  /** Handed-out blocks by handle (handles are 1, 2, 3, ... in allocation order). */
  private readonly live: (Block | undefined)[] = [undefined];
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
    const pool = small ? this.small : this.large;
    let best = pool.takeBestFit(size);
    if (best === null) {
      const seg = segmentSize(size);
      best = { segment: this.segments++, offset: 0, size: seg, free: true, small, requested: 0, prev: null, next: null };
      this.reserved += seg;
      if (this.reserved > this.peakReserved) this.peakReserved = this.reserved;
    }
    const remaining = best.size - size;
    if (small ? remaining >= R.minBlockSize : remaining > R.smallSize) {
      const rest: Block = { segment: best.segment, offset: best.offset + size, size: remaining, free: true, small, requested: 0, prev: best, next: best.next };
      if (best.next !== null) best.next.prev = rest;
      best.next = rest;
      best.size = size;
      pool.insert(rest);
    }
    best.free = false;
    best.requested = bytes;
    this.allocated += best.size;
    if (this.allocated > this.peakAllocated) this.peakAllocated = this.allocated;
    this.requested += bytes;
    if (this.requested > this.peakRequested) this.peakRequested = this.requested;
    this.live.push(best);
    return this.live.length - 1;
  }

  /** Returns a block to the cache, merged with its free neighbours (handle 0 = nothing). */
  free(id: number): void {
    let b = this.live[id];
    if (b === undefined) return;
    this.live[id] = undefined;
    const pool = b.small ? this.small : this.large;
    this.allocated -= b.size;
    this.requested -= b.requested;
    b.requested = 0;
    b.free = true;
    const prev = b.prev;
    if (prev !== null && prev.free) {
      pool.remove(prev);
      prev.size += b.size;
      prev.next = b.next;
      if (b.next !== null) b.next.prev = prev;
      b = prev;
    }
    const next = b.next;
    if (next !== null && next.free) {
      pool.remove(next);
      b.size += next.size;
      b.next = next.next;
      if (next.next !== null) next.next.prev = b;
    }
    pool.insert(b);
  }

  /** Where a live handle's block lies (segment, offset) and its size; null for a freed or unknown handle. */
  placement(id: number): { readonly segment: number; readonly offset: number; readonly size: number } | null {
    const b = this.live[id];
    return b === undefined ? null : { segment: b.segment, offset: b.offset, size: b.size };
  }
}
