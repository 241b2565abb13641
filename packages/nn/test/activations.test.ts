import { describe, it, expect } from 'vitest';
import { Generator, randn, tensor, type Tensor } from '@tapegrad/tensor';
import { Variable, gradcheck, type Input } from '@tapegrad/autograd';
import { F, LeakyReLU, ELU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax, Identity, ReLU, type Module } from '../src/index.js';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';

interface ActCase {
  name: string; op: string;
  opts: { negativeSlope?: number; alpha?: number; approximate?: 'none' | 'tanh'; dim?: number };
  x: EncodedTensor; out: EncodedTensor; g: EncodedTensor; gx: EncodedTensor;
}

const fixture = loadFixture<ActCase>(new URL('./fixtures/nn_act.json', import.meta.url));

/** The functional form and the module form of each fixture op. */
function forms(c: ActCase): [(x: Input) => Variable, Module] {
  const o = c.opts;
  switch (c.op) {
    case 'leakyRelu': return [(x) => F.leakyRelu(x, { negativeSlope: o.negativeSlope! }), new LeakyReLU(o.negativeSlope)];
    case 'elu': return [(x) => F.elu(x, { alpha: o.alpha! }), new ELU(o.alpha)];
    case 'gelu': return [(x) => F.gelu(x, { approximate: o.approximate! }), new GELU(o.approximate)];
    case 'sigmoid': return [(x) => F.sigmoid(x), new Sigmoid()];
    case 'tanh': return [(x) => F.tanh(x), new Tanh()];
    case 'softmax': return [(x) => F.softmax(x, o.dim!), new Softmax(o.dim!)];
    case 'logSoftmax': return [(x) => F.logSoftmax(x, o.dim!), new LogSoftmax(o.dim!)];
    default: throw new Error(`unknown op ${c.op}`);
  }
}

describe('activations against PyTorch 1.13 fixtures', () => {
  for (const c of fixture.cases) {
    const [fn, mod] = forms(c);
    it(`F.${c.name}`, () => {
      const x = new Variable(toTensor(c.x), { requiresGrad: true });
      const y = fn(x);
      expectClose(y.data, c.out, { label: 'output' });
      y.backward(toTensor(c.g));
      expectClose(x.grad!, c.gx, { label: 'grad input' });
    });
    it(`${mod.constructor.name} module: ${c.name}`, () => {
      expectClose(mod.forward(toTensor(c.x)).data, c.out);
    });
  }
});

describe('activation gradcheck', () => {
  // Inputs kept away from the kink at 0.
  const x0 = (): Tensor => tensor([-2.1, -0.7, -0.3, 0.4, 0.9, 1.8], [2, 3]);
  const cases: [string, (x: Variable) => Variable][] = [
    ['leakyRelu slope 0.1', (x) => F.leakyRelu(x, { negativeSlope: 0.1 })],
    ['elu alpha 1.5', (x) => F.elu(x, { alpha: 1.5 })],
    ['gelu', (x) => F.gelu(x)],
    ['gelu tanh', (x) => F.gelu(x, { approximate: 'tanh' })],
  ];
  for (const [name, fn] of cases) {
    it(name, () => expect(gradcheck(fn, [new Variable(x0(), { requiresGrad: true })], { eps: 1e-3 })).toBe(true));
  }
  it('gelu at exactly 0 has gradient 0.5', () => {
    const x = new Variable(tensor([0]), { requiresGrad: true });
    F.gelu(x).sum().backward();
    expect(x.grad!.item()).toBeCloseTo(0.5, 6);
  });
  it('gelu gradient of a random input', () => {
    const x = new Variable(randn([3, 4], { generator: new Generator(9) }), { requiresGrad: true });
    expect(gradcheck((a) => F.gelu(a), [x], { eps: 1e-3 })).toBe(true);
  });
});

describe('activation modules', () => {
  it('Identity returns its input', () => {
    const v = new Variable(tensor([1, 2]));
    expect(new Identity().forward(v)).toBe(v);
    expect(new Identity().forward(tensor([3])).data.toArray()).toEqual(new Float32Array([3]));
  });
  it('reprs as PyTorch', () => {
    expect(new LeakyReLU(0.2).toString()).toBe('LeakyReLU(negative_slope=0.2)');
    expect(new ELU().toString()).toBe('ELU(alpha=1)');
    expect(new GELU().toString()).toBe("GELU(approximate='none')");
    expect(new Softmax(1).toString()).toBe('Softmax(dim=1)');
    expect(new ReLU().toString()).toBe('ReLU()');
  });
  it('bad options', () => {
    expect(() => new GELU('fast' as 'tanh')).toThrow("GELU: approximate 'fast' is not supported; expected 'none' or 'tanh'");
    expect(() => F.leakyRelu(tensor([1]), { negativeSlope: NaN })).toThrow('leakyRelu: negativeSlope NaN must be a finite number');
    expect(() => new Softmax(0.5)).toThrow('Softmax: dim 0.5 is not an integer; expected the dim to normalise over');
  });
});
