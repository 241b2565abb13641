// A batch norm layer directly followed by a ReLU runs inside Sequential as one fused op. Checked
// against PyTorch 1.13's nn.Sequential in training and eval mode: output, input gradient, every
// parameter gradient, and the running statistics afterwards.
import { describe, it, expect } from 'vitest';
import { Generator, kernels, randn } from '@tapegrad/tensor';
import { Variable, gradcheck } from '@tapegrad/autograd';
import { F, BatchNorm1d, BatchNorm2d, Conv2d, ReLU, Sequential, type Module } from '../src/index.js';
import { batchNormWith } from '../src/functional/batchNorm.js';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';

type Layer =
  | { type: 'Conv2d'; inChannels: number; outChannels: number; kernelSize: number; padding: number }
  | { type: 'BatchNorm1d' | 'BatchNorm2d'; numFeatures: number; affine: boolean }
  | { type: 'ReLU' };

interface BnReluCase {
  name: string;
  train: boolean;
  layers: Layer[];
  params: Record<string, EncodedTensor>;
  x: EncodedTensor; out: EncodedTensor; g: EncodedTensor; gx: EncodedTensor;
  grads: Record<string, EncodedTensor>;
  stateAfter: Record<string, EncodedTensor>;
}

const fixture = loadFixture<BnReluCase>(new URL('./fixtures/nn_bn_relu.json', import.meta.url));

function layer(l: Layer): Module {
  switch (l.type) {
    case 'Conv2d': return new Conv2d(l.inChannels, l.outChannels, l.kernelSize, { padding: l.padding });
    case 'BatchNorm1d': return new BatchNorm1d(l.numFeatures, { affine: l.affine });
    case 'BatchNorm2d': return new BatchNorm2d(l.numFeatures, { affine: l.affine });
    case 'ReLU': return new ReLU();
  }
}

describe('Sequential(batch norm, ReLU) against PyTorch 1.13 fixtures', () => {
  it('records torch 1.13', () => expect(fixture.torch_version).toMatch(/^1\.13/));
  for (const c of fixture.cases) {
    it(c.name, () => {
      const model = new Sequential(...c.layers.map(layer));
      model.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, toTensor(v)])));
      if (!c.train) model.eval();
      const x = new Variable(toTensor(c.x), { requiresGrad: true });
      const y = model.forward(x);
      expect(y.gradFn?.name).toBe('batchNorm');
      expectClose(y.data, c.out, { atol: 1e-4, label: 'output' });
      y.backward(toTensor(c.g));
      expectClose(x.grad!, c.gx, { atol: 1e-4, label: 'grad input' });
      for (const [name, p] of model.namedParameters()) expectClose(p.grad!, c.grads[name]!, { atol: 1e-4, label: `grad ${name}` });
      const state = model.stateDict();
      for (const [k, v] of Object.entries(c.stateAfter)) expectClose(state[k]!, v, { atol: 1e-5, label: `state ${k}` });
    });
  }

  it('a batch norm whose ReLU forward is replaced keeps the two ops', () => {
    class Doubling extends ReLU {
      override forward(x: Variable): Variable { return x.mul(2); }
    }
    const x = new Variable(toTensor(fixture.cases[0]!.x));
    const y = new Sequential(new BatchNorm2d(2), new Doubling()).forward(x);
    expect(y.gradFn?.name).toBe('mul');
  });
});

describe("batchNormWith(..., 'relu') gradcheck", () => {
  it('batch norm with a ReLU epilogue in training mode (N, C, H, W) with weight and bias', () => {
    const g = new Generator(11);
    const x = new Variable(randn([3, 2, 3, 3], { generator: g }), { requiresGrad: true });
    const w = new Variable(randn([2], { generator: g }), { requiresGrad: true });
    const b = new Variable(randn([2], { generator: g }), { requiresGrad: true });
    // A step of eps in one input moves each normalised output of its channel by at most about
    // eps * |w| * invStd * (1 + (1 + max xhat^2) / M) (M values per channel); no output may lie
    // within twice that of ReLU's kink, or the central difference straddles it.
    const eps = 1e-3, M = 3 * 3 * 3;
    const pre = F.batchNorm(x, null, null, { weight: w, bias: b, training: true }).data.toArray();
    const { mean, variance } = kernels.batchNormTrain(x.data, null, null, 1e-5);
    const xs = x.data.toArray(), wv = w.data.toArray(), mv = mean.toArray(), vv = variance.toArray();
    let reach = 0;
    for (let c = 0; c < 2; c++) {
      const invStd = 1 / Math.sqrt(vv[c]! + 1e-5);
      let maxXhat = 0;
      for (let n = 0; n < 3; n++) for (let i = 0; i < 9; i++) maxXhat = Math.max(maxXhat, Math.abs((xs[(n * 2 + c) * 9 + i]! - mv[c]!) * invStd));
      reach = Math.max(reach, eps * Math.abs(wv[c]!) * invStd * (1 + (1 + maxXhat * maxXhat) / M));
    }
    expect(pre.reduce((m, v) => Math.min(m, Math.abs(v)), Infinity)).toBeGreaterThan(2 * reach);
    expect(gradcheck((a, c, d) => batchNormWith(a, null, null, { weight: c, bias: d, training: true }, 'relu'), [x, w, b], { eps, atol: 2e-2 })).toBe(true);
  });
});
