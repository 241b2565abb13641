// What an op frees when its saved state is released (freeOnRelease) waits for the other ops whose
// saved state holds the same output (sharedWith): convolutions that wrote a concatenation's parts in
// place and saved them run their backward after the concatenation's.
import { describe, expect, it } from 'vitest';
import { rand, resetBackend, type Tensor } from '@tapegrad/tensor';
import { OpContext } from '../src/index.js';

const WHY = 'test: freed';

function freed(t: Tensor): boolean {
  try {
    t.toArray();
    return false;
  } catch (e) {
    if ((e as Error).message !== WHY) throw e;
    return true;
  }
}

describe('OpContext.freeOnRelease', () => {
  it('frees at release when no other op holds the tensor', () => {
    resetBackend();
    const ctx = new OpContext('cat', []), t = rand([4, 4]);
    ctx.freeOnRelease(t, WHY);
    expect(freed(t)).toBe(false);
    ctx.release();
    expect(freed(t)).toBe(true);
  });

  it('shared with other ops: frees once the last of them is released too, in any order', () => {
    resetBackend();
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 0, 2]]) {
      const ctxs = [new OpContext('cat', []), new OpContext('conv2dRelu', []), new OpContext('conv2d', [])];
      const t = rand([4, 4]);
      ctxs[0]!.freeOnRelease(t, WHY);
      ctxs[0]!.sharedWith([ctxs[1]!, ctxs[2]!]);
      order.forEach((i, k) => {
        ctxs[i]!.release();
        expect(freed(t)).toBe(k === order.length - 1);
      });
    }
  });

  it('holders released before it do not hold the tensor back', () => {
    resetBackend();
    const ctx = new OpContext('cat', []), holder = new OpContext('conv2d', []), t = rand([4, 4]);
    holder.release();
    ctx.freeOnRelease(t, WHY);
    ctx.sharedWith([holder]);
    ctx.release();
    expect(freed(t)).toBe(true);
  });
});
