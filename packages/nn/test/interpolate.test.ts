import { describe, it, expect } from 'vitest';
import { Generator, arange, randn, zeros } from '@tapegrad/tensor';
import { Variable, gradcheck } from '@tapegrad/autograd';
import { F, Upsample } from '../src/index.js';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';

/**
 * `gx` is the gradient of the forward; `gxTorch`, where present, is PyTorch 1.13's own backward,
 * which differs there (it keeps a 1x/2x shortcut its forward does not take; see interpolate.ts).
 */
interface InterpCase { name: string; opts: F.InterpolateOptions; x: EncodedTensor; out: EncodedTensor; g: EncodedTensor; gx: EncodedTensor; gxTorch?: EncodedTensor }

const fixture = loadFixture<InterpCase>(new URL('./fixtures/nn_interp.json', import.meta.url));

describe('interpolate against PyTorch 1.13 fixtures', () => {
  for (const c of fixture.cases) {
    it(`interpolate ${c.name}`, () => {
      const x = new Variable(toTensor(c.x), { requiresGrad: true });
      const y = F.interpolate(x, c.opts);
      expectClose(y.data, c.out, { label: 'output' });
      y.backward(toTensor(c.g));
      expectClose(x.grad!, c.gx, { label: 'grad input' });
      if (c.gxTorch) expect(toTensor(c.gxTorch).toArray()).not.toEqual(x.grad!.toArray());
    });
  }
  it('scaleFactor 2.05 on 0..19 reads 0, 0, 0, 1, 1, 2, 2, ... and 1.05 reads 0, 0, 1, ..., 8 (no 1x/2x shortcut)', () => {
    const x = arange(20).reshape([1, 2, 10]);
    expect(Array.from(F.interpolate(x, { scaleFactor: 2.05 }).data.toArray().subarray(0, 7))).toEqual([0, 0, 0, 1, 1, 2, 2]);
    expect(Array.from(F.interpolate(x, { scaleFactor: 1.05 }).data.toArray().subarray(0, 10))).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('one channel gives what each channel of a multi-channel input gives (the same index rule for every C)', () => {
    const x = randn([1, 3, 4, 5], { generator: new Generator(9) });
    const all = F.interpolate(x, { scaleFactor: [2.05, 1.05] }).data;
    const one = F.interpolate(x.narrow(1, 1, 1), { scaleFactor: [2.05, 1.05] }).data;
    expect(one.toArray()).toEqual(all.narrow(1, 1, 1).toArray());
  });
  it('Upsample module gives the same as F.interpolate', () => {
    const c = fixture.cases.find((k) => k.name.startsWith('bilinear alignCorners size 5x7'))!;
    const m = new Upsample(c.opts);
    expectClose(m.forward(toTensor(c.x)).data, c.out);
    expect(m.toString()).toBe("Upsample(size=5,7, mode='bilinear', align_corners=True)");
    expect(new Upsample({ scaleFactor: 2 }).toString()).toBe("Upsample(scale_factor=2, mode='nearest')");
  });
});

describe('interpolate gradcheck', () => {
  const g = new Generator(4);
  const cases: [string, F.InterpolateOptions][] = [
    ['bilinear size 5x4 from 3x3', { size: [5, 4], mode: 'bilinear' }],
    ['bilinear alignCorners scaleFactor 1.5', { scaleFactor: 1.5, mode: 'bilinear', alignCorners: true }],
    ['nearest size 4x7 from 3x3', { size: [4, 7] }],
    ['nearest scaleFactor 2.05 (output exactly 2x)', { scaleFactor: 2.05 }],
    ['nearest scaleFactor [1.05, 2.2] (1x rows, 2x columns)', { scaleFactor: [1.05, 2.2] }],
  ];
  for (const [name, opts] of cases) {
    it(name, () => {
      const x = new Variable(randn([1, 2, 3, 3], { generator: g }), { requiresGrad: true });
      expect(gradcheck((a) => F.interpolate(a, opts), [x])).toBe(true);
    });
  }
  for (const scaleFactor of [1.05, 2.05, 1.7]) {
    it(`nearest 1-d scaleFactor ${scaleFactor}`, () => {
      const x = new Variable(randn([2, 2, 5], { generator: g }), { requiresGrad: true });
      expect(gradcheck((a) => F.interpolate(a, { scaleFactor }), [x])).toBe(true);
    });
  }
});

describe('interpolate bad input', () => {
  const x = zeros([1, 1, 4, 4]);
  const cases: [string, () => unknown, string][] = [
    ['neither size nor scaleFactor', () => F.interpolate(x, {}), 'interpolate: size undefined and scaleFactor undefined are both missing; expected exactly one of them'],
    ['both size and scaleFactor', () => F.interpolate(x, { size: 2, scaleFactor: 2 }), 'interpolate: size 2 and scaleFactor 2 are both given; expected exactly one of them'],
    ['unknown mode', () => F.interpolate(x, { size: 2, mode: 'bicubic' as 'bilinear' }), "interpolate: mode 'bicubic' is not supported; expected 'nearest' or 'bilinear'"],
    ['bilinear on a 3-d input', () => F.interpolate(zeros([1, 2, 4]), { size: 8, mode: 'bilinear' }), "interpolate: input shape [1, 2, 4] has rank 3; expected (N, C, H, W) for mode 'bilinear'"],
    ['alignCorners with nearest', () => F.interpolate(x, { size: 8, alignCorners: true }), "interpolate: alignCorners true is not supported with mode 'nearest'; expected it only with 'bilinear'"],
    ['size 0', () => F.interpolate(x, { size: [0, 3] }), 'interpolate: size [0, 3] has an entry that is not a positive integer; expected integers >= 1'],
    ['size with 3 entries', () => F.interpolate(x, { size: [2, 3, 4] }), 'interpolate: size [2, 3, 4] has 3 entries; expected one number or 2 (one per spatial dim)'],
    ['negative scaleFactor', () => F.interpolate(x, { scaleFactor: -2 }), 'interpolate: scaleFactor [-2, -2] has an entry that is not a positive finite number; expected numbers > 0'],
    ['Upsample without size or scaleFactor', () => new Upsample({ mode: 'bilinear' }), 'Upsample: size undefined and scaleFactor undefined are both missing; expected exactly one of them'],
    ['scaleFactor giving an empty output', () => F.interpolate(x, { scaleFactor: 0.1 }), 'interpolate: scaleFactor [0.1, 0.1] gives output size [0, 0] from input [4, 4]; expected every output size >= 1'],
  ];
  for (const [name, fn, message] of cases) it(name, () => expect(fn).toThrow(message));
});
