// F.linear against PyTorch 1.13 (fixtures/core_nn.json), gradcheck, errors, and the Linear module's init.
import { describe, it, expect } from 'vitest';
import { Generator, cpuBackend, randn, resetBackend, setBackend, tensor } from '@tapegrad/tensor';
import { Variable, gradcheck } from '@tapegrad/autograd';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';
import { F, Linear } from '../src/index.js';

interface Case {
  name: string;
  op: string;
  inputs: EncodedTensor[];
  output: EncodedTensor;
  upstream: EncodedTensor;
  grads: EncodedTensor[];
}

const fixture = loadFixture<Case>(new URL('./fixtures/core_nn.json', import.meta.url));
const cases = fixture.cases.filter((c) => c.op === 'linear');

describe(`linear vs PyTorch ${fixture.torch_version} (${fixture.script})`, () => {
  it('has the cases', () => expect(cases.length).toBe(4));
  for (const c of cases) {
    it(c.name, () => {
      const [x, w, b] = c.inputs.map((e) => new Variable(toTensor(e), { requiresGrad: true }));
      const y = F.linear(x!, w!, b ?? null);
      expectClose(y.data, c.output, { label: 'output' });
      y.backward(toTensor(c.upstream));
      expectClose(x!.grad!, c.grads[0]!, { label: 'grad of input' });
      expectClose(w!.grad!, c.grads[1]!, { label: 'grad of weight' });
      if (b) expectClose(b.grad!, c.grads[2]!, { label: 'grad of bias' });
    });
  }
});

describe('linear gradcheck', () => {
  it('linear (3, 4) x (2, 4) + (2)', () => {
    const g = new Generator(3);
    const vars = [randn([3, 4], { generator: g }), randn([2, 4], { generator: g }), randn([2], { generator: g })]
      .map((t) => new Variable(t, { requiresGrad: true }));
    expect(gradcheck((x, w, b) => F.linear(x!, w!, b!), vars)).toBe(true);
  });
});

describe('linear errors', () => {
  const w = tensor([[1, 2, 3], [4, 5, 6]]);
  it('input does not fit the weight', () => {
    expect(() => F.linear(tensor([[1, 2]]), w)).toThrow('linear: input shape [1, 2] does not fit weight [2, 3]; expected (*, 3)');
  });
  it('weight of rank 1', () => {
    expect(() => F.linear(tensor([[1, 2]]), tensor([1, 2]))).toThrow('linear: weight shape [2] has rank 1; expected (outFeatures, inFeatures)');
  });
  it('bias of the wrong size', () => {
    expect(() => F.linear(tensor([[1, 2, 3]]), w, tensor([1, 2, 3]))).toThrow('linear: bias shape [3] does not fit weight [2, 3]; expected [2]');
  });
  it('0-d input', () => {
    expect(() => F.linear(tensor(1), w)).toThrow('linear: input shape [] does not fit weight [2, 3]; expected (*, 3)');
  });
});

describe('Linear module', () => {
  it('default init: weight and bias in U(-1/sqrt(in), 1/sqrt(in)) and spread over that range', () => {
    const m = new Linear(16, 200, { generator: new Generator(5) });
    const bound = 1 / Math.sqrt(16);
    for (const p of [m.weight, m.bias!]) {
      const v = p.data.toArray();
      let lo = Infinity, hi = -Infinity, s = 0;
      for (const x of v) { lo = Math.min(lo, x); hi = Math.max(hi, x); s += x; }
      expect(lo).toBeGreaterThanOrEqual(-bound);
      expect(hi).toBeLessThan(bound);
      // uniform: the extremes come close to the bounds and the mean sits near 0
      expect(lo).toBeLessThan(-0.9 * bound);
      expect(hi).toBeGreaterThan(0.9 * bound);
      expect(Math.abs(s / v.length)).toBeLessThan(0.1 * bound);
    }
    expect(m.weight.shape).toEqual([200, 16]);
    expect(m.bias!.shape).toEqual([200]);
    expect(m.weight.requiresGrad).toBe(true);
  });

  it('the same generator seed gives the same weights; another seed different ones', () => {
    const a = new Linear(4, 3, { generator: new Generator(11) });
    const b = new Linear(4, 3, { generator: new Generator(11) });
    const c = new Linear(4, 3, { generator: new Generator(12) });
    expect(a.weight.data.toArray()).toEqual(b.weight.data.toArray());
    expect(a.bias!.data.toArray()).toEqual(b.bias!.data.toArray());
    expect(a.weight.data.toArray()).not.toEqual(c.weight.data.toArray());
  });

  it('bias: false has no bias parameter', () => {
    const m = new Linear(4, 3, { bias: false });
    expect(m.bias).toBeNull();
    expect(m.namedParameters().map(([k]) => k)).toEqual(['weight']);
    expect(m.forward(tensor([[1, 2, 3, 4]])).shape).toEqual([1, 3]);
  });

  it('forward is x W^T + b', () => {
    const m = new Linear(2, 1, { generator: new Generator(0) });
    const w = m.weight.data.toArray(), b = m.bias!.data.item();
    const y = m.forward(tensor([[3, -2]])).item();
    expect(y).toBeCloseTo(3 * w[0]! - 2 * w[1]! + b, 6);
  });

  it('toString as PyTorch', () => {
    expect(new Linear(3, 2).toString()).toBe('Linear(in_features=3, out_features=2, bias=True)');
    expect(new Linear(3, 2, { bias: false }).toString()).toBe('Linear(in_features=3, out_features=2, bias=False)');
  });

  it('refuses bad feature counts', () => {
    expect(() => new Linear(0, 2)).toThrow('Linear: inFeatures 0 must be a positive integer; expected an integer >= 1');
    expect(() => new Linear(2, 2.5)).toThrow('Linear: outFeatures 2.5 must be a positive integer; expected an integer >= 1');
    expect(() => new Linear(NaN, 2)).toThrow('Linear: inFeatures NaN must be a positive integer; expected an integer >= 1');
  });
});

describe('linear weight gradient', () => {
  it('comes out in the weight\'s own layout, taken over as .grad with no transposing copy', () => {
    const g = new Generator(5);
    const x = new Variable(randn([4, 6], { generator: g })), w = new Variable(randn([5, 6], { generator: g }), { requiresGrad: true });
    const u = randn([4, 5], { generator: g });
    let copies = 0;
    setBackend({ name: 'counting copies', copy: (...args: Parameters<typeof cpuBackend.copy>) => { copies++; cpuBackend.copy(...args); } });
    try {
      F.linear(x, w).backward(u);
    } finally {
      resetBackend();
    }
    expect(copies).toBe(0);
    expect(w.grad!.isContiguous()).toBe(true);
    // dW = u^T x
    const want = new Float32Array(30), xs = x.data.toArray(), us = u.toArray();
    for (let o = 0; o < 5; o++) for (let i = 0; i < 6; i++) for (let n = 0; n < 4; n++) want[o * 6 + i] += us[n * 5 + o]! * xs[n * 6 + i]!;
    const got = w.grad!.toArray();
    for (let k = 0; k < 30; k++) expect(got[k]).toBeCloseTo(want[k]!, 5);
  });
});
