/**
 * Blocks of WebAssembly memory above the per-thread scratch: the arena's chunks and the arrays the
 * backend keeps between kernel calls (src/resident.ts). First fit over a free list sorted by
 * address, neighbours merged when freed; when nothing fits, the memory grows (`grow` is asked for
 * the new end) and the block goes at the top. Sizes are bytes, rounded up to 64 (cache lines, so
 * two threads never write the same line of two blocks).
 */
export class Heap {
  /** Free ranges, sorted by start, never adjacent (merged when freed). */
  private readonly starts: number[] = [];
  private readonly sizes: number[] = [];
  /** Taken blocks: start -> size. */
  private readonly taken = new Map<number, number>();
  private end: number;

  /**
   * @param start first byte of the heap (64-aligned)
   * @param grow makes the memory at least `bytes` long, or throws
   */
  constructor(start: number, private readonly grow: (bytes: number) => void) {
    this.end = start;
  }

  /** A block of at least `bytes` (64-aligned address). */
  alloc(bytes: number): number {
    const size = align(Math.max(bytes, 1));
    for (let i = 0; i < this.starts.length; i++) {
      const s = this.sizes[i]!;
      if (s < size) continue;
      const p = this.starts[i]!;
      if (s === size) {
        this.starts.splice(i, 1);
        this.sizes.splice(i, 1);
      } else {
        this.starts[i] = p + size;
        this.sizes[i] = s - size;
      }
      this.taken.set(p, size);
      return p;
    }
    // nothing fits: extend the top (taking a free range that ends there)
    const last = this.starts.length - 1;
    let p = this.end;
    if (last >= 0 && this.starts[last]! + this.sizes[last]! === this.end) {
      p = this.starts[last]!;
      this.starts.pop();
      this.sizes.pop();
    }
    this.grow(p + size);
    this.end = p + size;
    this.taken.set(p, size);
    return p;
  }

  /** Gives back the block at `p` (from `alloc`). */
  free(p: number): void {
    const size = this.taken.get(p);
    if (size === undefined) throw new Error(`wasm backend: heap block ${p} is not taken (freed twice?)`);
    this.taken.delete(p);
    // binary search for the first free range after p
    let lo = 0, hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    let start = p, len = size, at = lo;
    if (at > 0 && this.starts[at - 1]! + this.sizes[at - 1]! === start) {
      at--;
      start = this.starts[at]!;
      len += this.sizes[at]!;
      this.starts.splice(at, 1);
      this.sizes.splice(at, 1);
    }
    if (at < this.starts.length && start + len === this.starts[at]!) {
      len += this.sizes[at]!;
      this.starts.splice(at, 1);
      this.sizes.splice(at, 1);
    }
    this.starts.splice(at, 0, start);
    this.sizes.splice(at, 0, len);
  }

  /** The size of the block at `p`, or 0 if none is taken there. */
  sizeOf(p: number): number {
    return this.taken.get(p) ?? 0;
  }

  /** Bytes in taken blocks. */
  takenBytes(): number {
    let n = 0;
    for (const s of this.taken.values()) n += s;
    return n;
  }
}

export function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}
