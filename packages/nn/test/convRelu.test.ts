// A Conv2d directly followed by a ReLU runs inside Sequential as one fused op (relu(conv) in one
// kernel pass, ReLU's backward inside the conv backward kernel). Checked against PyTorch 1.13's
// nn.Sequential(Conv2d, ReLU, ...): output, input gradient and every parameter gradient.
import { describe, it, expect } from 'vitest';
import { Generator, randn, type Tensor } from '@tapegrad/tensor';
import { Variable, gradcheck } from '@tapegrad/autograd';
import { F, Conv2d, ReLU, Sequential, type Module } from '../src/index.js';
import { conv2dWith } from '../src/functional/conv2d.js';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';

interface ConvReluCase {
  name: string;
  layers: { inChannels: number; outChannels: number; kernelSize: number; opts: { stride?: number; padding?: number; groups?: number; bias?: boolean } }[];
  params: Record<string, EncodedTensor>;
  x: EncodedTensor; out: EncodedTensor; g: EncodedTensor; gx: EncodedTensor;
  grads: Record<string, EncodedTensor>;
}

const fixture = loadFixture<ConvReluCase>(new URL('./fixtures/nn_conv_relu.json', import.meta.url));

function build(c: ConvReluCase): Sequential {
  const mods: Module[] = [];
  for (const l of c.layers) mods.push(new Conv2d(l.inChannels, l.outChannels, l.kernelSize, l.opts), new ReLU());
  const model = new Sequential(...mods);
  model.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, toTensor(v)])));
  return model;
}

describe('Sequential(Conv2d, ReLU) against PyTorch 1.13 fixtures', () => {
  it('records torch 1.13', () => expect(fixture.torch_version).toMatch(/^1\.13/));
  for (const c of fixture.cases) {
    it(c.name, () => {
      const model = build(c);
      const x = new Variable(toTensor(c.x), { requiresGrad: true });
      const y = model.forward(x);
      expect(y.gradFn?.name).toBe('conv2dRelu');
      expectClose(y.data, c.out, { atol: 1e-4, label: 'output' });
      y.backward(toTensor(c.g));
      expectClose(x.grad!, c.gx, { atol: 1e-4, label: 'grad input' });
      for (const [name, p] of model.namedParameters()) expectClose(p.grad!, c.grads[name]!, { atol: 1e-4, label: `grad ${name}` });
    });
  }
});

describe('conv + ReLU fusion', () => {
  it('a ReLU whose forward is replaced is not fused away', () => {
    class Doubling extends ReLU {
      override forward(x: Variable): Variable { return x.mul(2); }
    }
    const g = new Generator(4);
    const conv = new Conv2d(2, 3, 3, { generator: g });
    const x = new Variable(randn([1, 2, 5, 5], { generator: g }));
    const y = new Sequential(conv, new Doubling()).forward(x);
    const want = conv.forward(x).data.toArray().map((v) => v * 2);
    expect(Array.from(y.data.toArray())).toEqual(Array.from(want));
    expect(y.gradFn?.name).not.toBe('conv2dRelu');
  });

  it("conv2dWith(..., 'relu') passes gradcheck", () => {
    const g = new Generator(5);
    const leaf = (t: Tensor): Variable => new Variable(t, { requiresGrad: true });
    const x = leaf(randn([2, 2, 5, 5], { generator: g })), w = leaf(randn([3, 2, 3, 3], { generator: g })), b = leaf(randn([3], { generator: g }));
    // A step of eps in one element moves an output by at most eps * max(|x|, |w|, 1): no output may
    // cross ReLU's kink within a step, or the central difference straddles it.
    const eps = 1e-3;
    const pre = F.conv2d(x, w, b, { padding: 1, stride: 2 }).data.toArray();
    const maxAbs = (t: Tensor): number => t.toArray().reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    const reach = eps * Math.max(maxAbs(x.data), maxAbs(w.data));
    expect(pre.reduce((m, v) => Math.min(m, Math.abs(v)), Infinity)).toBeGreaterThan(reach);
    expect(gradcheck((a, c, d) => conv2dWith(a, c, d, { padding: 1, stride: 2 }, 'relu'), [x, w, b], { eps, atol: 2e-2 })).toBe(true);
  });
});
