import { describe, expect, it } from 'vitest';
import { Heap } from '../src/heap.js';

/** A heap from byte 1024 whose memory grows on demand; `ends` records each growth asked for. */
function heap(): { h: Heap; ends: number[] } {
  const ends: number[] = [];
  return { h: new Heap(1024, (bytes) => ends.push(bytes)), ends };
}

describe('the wasm heap (first fit, merged free ranges)', () => {
  it('hands out 64-byte-aligned blocks, growing the memory for each block that fits nowhere', () => {
    const { h, ends } = heap();
    const a = h.alloc(10), b = h.alloc(100), c = h.alloc(64);
    expect([a, b, c]).toEqual([1024, 1088, 1216]);
    expect([h.sizeOf(a), h.sizeOf(b), h.sizeOf(c)]).toEqual([64, 128, 64]);
    expect(ends).toEqual([1088, 1216, 1280]);
    expect(h.takenBytes()).toBe(256);
  });

  it('reuses a freed block, first fit, splitting a larger one', () => {
    const { h, ends } = heap();
    const a = h.alloc(256), b = h.alloc(64);
    h.free(a);
    const c = h.alloc(64), d = h.alloc(128);
    expect(c).toBe(a);
    expect(d).toBe(a + 64);
    expect(h.alloc(64)).toBe(a + 192);
    expect(ends.length).toBe(2); // no growth after the first two blocks
    expect(b).toBe(a + 256);
  });

  it('merges a freed block with free neighbours on both sides, so a block of their sum fits', () => {
    const { h, ends } = heap();
    const a = h.alloc(64), b = h.alloc(64), c = h.alloc(64);
    h.alloc(64); // keeps the top taken
    h.free(a);
    h.free(c);
    h.free(b);
    const grown = ends.length;
    expect(h.alloc(192)).toBe(a);
    expect(ends.length).toBe(grown);
  });

  it('extends a free range at the top instead of leaving it behind', () => {
    const { h, ends } = heap();
    h.alloc(64);
    const top = h.alloc(64);
    h.free(top);
    expect(h.alloc(256)).toBe(top);
    expect(ends.at(-1)).toBe(top + 256);
  });

  it('refuses to free a block twice', () => {
    const { h } = heap();
    const a = h.alloc(64);
    h.free(a);
    expect(() => h.free(a)).toThrow(`wasm backend: heap block ${a} is not taken (freed twice?)`);
  });
});
