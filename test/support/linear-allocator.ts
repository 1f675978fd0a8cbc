/**
 * Test support: the caching-allocator simulation as it was first written (src/core/memory/allocator.ts
 * before its free pools became sorted): every free block of a pool in an unordered array, best fit by a
 * linear scan for the smallest block at least as large (lowest segment, then offset, among equal sizes).
 * Slow but plain — the reference the sorted-pool simulation is compared with (memory-allocator-equivalence).
 */
import { blockSize, CACHING_ALLOCATOR_RULES as R, segmentSize } from '../../src/core/memory/allocator';

interface Block {
  readonly segment: number;
  offset: number;
  size: number;
  free: boolean;
  prev: Block | null;
  next: Block | null;
}

/** The allocator's state: segments, blocks, counters and their peaks (free pools as unordered arrays, scanned). */
export class LinearAllocatorSim {
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

  /** Where a live handle's block lies (segment, offset) and its size; null for a freed or unknown handle. */
  placement(id: number): { readonly segment: number; readonly offset: number; readonly size: number } | null {
    const e = this.live.get(id);
    return e === undefined ? null : { segment: e.block.segment, offset: e.block.offset, size: e.block.size };
  }
}
