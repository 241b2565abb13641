import { describe, it, expect } from 'vitest';
import { Generator, tensor } from '@tapegrad/tensor';
import {
  DataLoader, TensorDataset, randomHorizontalFlip, randomCrop, parseAugment, formatAugment, augmentTransforms, type Transform,
} from '../src/index.js';

/** `count` samples of shape (C, H, W) with distinct values (sample n, channel c, row h, column w -> a unique number). */
function batchOf(count: number, C: number, H: number, W: number): Float32Array {
  return Float32Array.from({ length: count * C * H * W }, (_, i) => i + 1);
}

/** The straightforward crop: pad each plane into an (H + 2p) x (W + 2p) frame of `fill`, cut the window at (i, j). */
function referenceCrop(batch: Float32Array, count: number, [C, H, W]: number[], p: number, fill: number, g: Generator): Float32Array {
  const out = new Float32Array(batch.length);
  const Hp = H + 2 * p, Wp = W + 2 * p;
  for (let n = 0; n < count; n++) {
    const i = g.randint(2 * p + 1), j = g.randint(2 * p + 1);
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * H * W;
      const padded: number[][] = Array.from({ length: Hp }, () => new Array<number>(Wp).fill(fill));
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) padded[h + p]![w + p] = batch[base + h * W + w]!;
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out[base + h * W + w] = padded[h + i]![w + j]!;
    }
  }
  return out;
}

/** The straightforward flip: a new array, each flipped sample's rows read backwards. */
function referenceFlip(batch: Float32Array, count: number, [C, H, W]: number[], p: number, g: Generator): Float32Array {
  const out = batch.slice();
  for (let n = 0; n < count; n++) {
    if (!(g.random() < p)) continue;
    for (let c = 0; c < C; c++) {
      for (let h = 0; h < H; h++) {
        const row = ((n * C + c) * H + h) * W;
        for (let w = 0; w < W; w++) out[row + w] = batch[row + W - 1 - w]!;
      }
    }
  }
  return out;
}

function applied(t: Transform, batch: Float32Array, count: number, shape: number[], seed: number): Float32Array {
  return t.apply(batch.slice(), count, shape, new Generator(seed));
}

describe('randomHorizontalFlip', () => {
  it('mirrors the flipped samples left to right (odd and even widths, 2 channels) and leaves the others', () => {
    for (const [C, H, W] of [[2, 3, 5], [1, 4, 4], [3, 2, 1]] as const) {
      const count = 16, shape = [C, H, W];
      const batch = batchOf(count, C, H, W);
      const got = applied(randomHorizontalFlip(), batch, count, shape, 7);
      expect(Array.from(got), `${shape}`).toEqual(Array.from(referenceFlip(batch, count, shape, 0.5, new Generator(7))));
    }
  });

  it('p 0 never flips, p 1 always flips (twice is the identity)', () => {
    const batch = batchOf(3, 1, 2, 3);
    expect(Array.from(applied(randomHorizontalFlip({ p: 0 }), batch, 3, [1, 2, 3], 1))).toEqual(Array.from(batch));
    const once = applied(randomHorizontalFlip({ p: 1 }), batch, 3, [1, 2, 3], 1);
    expect(Array.from(once.subarray(0, 6))).toEqual([3, 2, 1, 6, 5, 4]);
    expect(Array.from(applied(randomHorizontalFlip({ p: 1 }), once, 3, [1, 2, 3], 1))).toEqual(Array.from(batch));
  });

  it('works in place (returns the batch it was given) and refuses a bad p', () => {
    const batch = batchOf(2, 1, 2, 2);
    expect(randomHorizontalFlip().apply(batch, 2, [1, 2, 2], new Generator(0))).toBe(batch);
    expect(() => randomHorizontalFlip({ p: 1.5 })).toThrow('randomHorizontalFlip: p 1.5 is out of range; expected a probability in [0, 1]');
    expect(() => randomHorizontalFlip().outputShape([4, 4])).toThrow('randomHorizontalFlip: sample shape [4, 4] has rank 2; expected (C, H, W)');
  });
});

describe('randomCrop', () => {
  it('matches pad-then-crop for padding 1, 2, 4 and a padding larger than the image, with a fill value', () => {
    for (const [p, shape] of [[1, [1, 5, 5]], [2, [2, 4, 6]], [4, [1, 28, 28]], [4, [3, 3, 2]], [7, [1, 3, 4]]] as const) {
      const [C, H, W] = shape;
      const count = 40;
      const batch = batchOf(count, C, H, W);
      const got = applied(randomCrop(p, { fill: -0.5 }), batch, count, [...shape], 3);
      expect(Array.from(got), `padding ${p}, shape ${shape}`).toEqual(Array.from(referenceCrop(batch, count, [...shape], p, -0.5, new Generator(3))));
    }
  });

  it('every offset in [-p, p] x [-p, p] occurs, and the window always holds the shifted image', () => {
    const count = 400, p = 2;
    const batch = batchOf(count, 1, 6, 6);
    const got = applied(randomCrop(p), batch, count, [1, 6, 6], 11);
    const seen = new Set<string>();
    for (let n = 0; n < count; n++) {
      // the pixel at the image centre (row 3, column 3) moved by (-dy, -dx); find it
      const want = batch[n * 36 + 3 * 6 + 3]!;
      const at = got.subarray(n * 36, n * 36 + 36).indexOf(want);
      seen.add(`${Math.floor(at / 6) - 3},${(at % 6) - 3}`);
    }
    expect(seen.size).toBe(25);
  });

  it('works in place and refuses a bad padding or fill', () => {
    const batch = batchOf(2, 1, 3, 3);
    expect(randomCrop(1).apply(batch, 2, [1, 3, 3], new Generator(0))).toBe(batch);
    expect(() => randomCrop(0)).toThrow(/^randomCrop: padding 0 /);
    expect(() => randomCrop(1.5)).toThrow(/^randomCrop: padding 1\.5 /);
    expect(() => randomCrop(2, { fill: NaN })).toThrow('randomCrop: fill NaN must be a finite number');
  });
});

describe('augmentation in the DataLoader', () => {
  const n = 50;
  const ds = new TensorDataset(tensor(Array.from(batchOf(n, 1, 5, 5)), [n, 1, 5, 5]), tensor(Array.from({ length: n }, (_, i) => i % 10), [n]), { numClasses: 10 });
  const epoch = (seed: number, spec: string): number[][] => {
    const loader = new DataLoader(ds, { batchSize: 8, shuffle: true, generator: new Generator(seed), transforms: augmentTransforms(spec, { fill: -1 }) });
    return [...loader].map((b) => Array.from(b.x.toArray()));
  };

  it('the same seed gives the same batches; another seed other ones', () => {
    expect(epoch(5, 'flip,crop2')).toEqual(epoch(5, 'flip,crop2'));
    expect(epoch(5, 'flip,crop2')).not.toEqual(epoch(6, 'flip,crop2'));
  });

  it('the transforms draw from the loader generator after the shuffle, flip then crop per batch', () => {
    const g = new Generator(5);
    const order = g.permutation(n);
    const gathered = new Float32Array(8 * 25);
    for (let i = 0; i < 8; i++) gathered.set(batchOf(n, 1, 5, 5).subarray(order[i]! * 25, order[i]! * 25 + 25), i * 25);
    const flipped = referenceFlip(gathered, 8, [1, 5, 5], 0.5, g);
    const want = referenceCrop(flipped, 8, [1, 5, 5], 2, -1, g);
    expect(epoch(5, 'flip,crop2')[0]).toEqual(Array.from(want));
  });
});

describe('parseAugment', () => {
  it('reads flip, cropN and none, in order; formatAugment writes them back', () => {
    expect(parseAugment('flip,crop4')).toEqual([{ kind: 'flip' }, { kind: 'crop', padding: 4 }]);
    expect(parseAugment(' crop2 , flip ')).toEqual([{ kind: 'crop', padding: 2 }, { kind: 'flip' }]);
    expect(parseAugment('none')).toEqual([]);
    expect(parseAugment('')).toEqual([]);
    expect(formatAugment(parseAugment('crop2,flip'))).toBe('crop2,flip');
    expect(formatAugment([])).toBe('none');
  });

  it('an unknown or repeated item is one line naming it and listing the valid ones', () => {
    const valid = "expected a comma-separated list of flip (random horizontal flip), cropN (random crop with N pixels of padding, N >= 1, e.g. crop4), or 'none' alone";
    expect(() => parseAugment('flip,rotate')).toThrow(`parseAugment: item 'rotate' of 'flip,rotate' is not an augmentation; ${valid}`);
    expect(() => parseAugment('crop0')).toThrow(`parseAugment: item 'crop0' of 'crop0' is not an augmentation; ${valid}`);
    expect(() => parseAugment('crop')).toThrow(`parseAugment: item 'crop' of 'crop' is not an augmentation; ${valid}`);
    expect(() => parseAugment('flip,none')).toThrow(`parseAugment: item 'none' of 'flip,none' is not an augmentation; ${valid}`);
    expect(() => parseAugment('crop2,crop4')).toThrow("parseAugment: item 'crop4' of 'crop2,crop4' repeats a crop; expected each augmentation at most once");
  });
});
