import { describe, it, expect } from 'vitest';
import { Generator, randn, rand, type Tensor } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { F } from '../src/index.js';

// Every op here reads its inputs through the kernel entries; views (transposed, narrowed, with an
// offset) must give exactly what their contiguous copies give, gradients included.
const g = new Generator(21);
/** A (2, 3, 6, 5) view that is transposed and starts at an offset. */
const strided = (): Tensor => randn([2, 3, 7, 6], { generator: g }).transpose(2, 3).narrow(3, 1, 5);

function sameAsContiguous(fn: (x: Variable) => Variable): void {
  const x = strided();
  expect(x.isContiguous()).toBe(false);
  const a = new Variable(x, { requiresGrad: true }), b = new Variable(x.contiguous(), { requiresGrad: true });
  const ya = fn(a), yb = fn(b);
  expect(ya.data.toArray()).toEqual(yb.data.toArray());
  const up = randn(ya.shape, { generator: g });
  ya.backward(up);
  yb.backward(up);
  expect(a.grad!.toArray()).toEqual(b.grad!.toArray());
}

describe('ops on strided views', () => {
  const w = randn([4, 3, 3, 2], { generator: g }), wd = randn([3, 1, 2, 2], { generator: g }).transpose(2, 3);
  it('conv2d', () => sameAsContiguous((x) => F.conv2d(x, w, null, { padding: 1, stride: [2, 1] })));
  it('conv2d depthwise with a transposed weight', () => sameAsContiguous((x) => F.conv2d(x, wd, null, { groups: 3 })));
  it('batchNorm train', () => sameAsContiguous((x) => F.batchNorm(x, null, null, { training: true })));
  it('interpolate bilinear', () => sameAsContiguous((x) => F.interpolate(x, { size: [4, 9], mode: 'bilinear' })));
  it('interpolate nearest', () => sameAsContiguous((x) => F.interpolate(x, { scaleFactor: 1.5 })));
  it('leakyRelu', () => sameAsContiguous((x) => F.leakyRelu(x, { negativeSlope: 0.1 })));
  it('elu', () => sameAsContiguous((x) => F.elu(x)));
  it('gelu', () => sameAsContiguous((x) => F.gelu(x)));
  it('binaryCrossEntropyWithLogits', () => {
    const y = rand([2, 3, 5, 6], { generator: g }).transpose(2, 3);
    sameAsContiguous((x) => F.binaryCrossEntropyWithLogits(x, y, { reduction: 'none' }));
  });
});
