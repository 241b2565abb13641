import { describe, it, expect } from 'vitest';
import { Generator, manualSeed, zeros, tensor, type Tensor } from '@tapegrad/tensor';
import { init, Conv2d, Linear, Sequential, ReLU, BatchNorm2d, Parameter, type Module } from '../src/index.js';
import { loadFixture } from '../../../test-utils/fixtures.js';

type InitCase =
  | { name: string; kind: 'gain'; nonlinearity: init.Nonlinearity; param: number | null; gain: number }
  | { name: string; kind: 'kaiming'; shape: number[]; mode: init.FanMode; nonlinearity: init.Nonlinearity; a: number; std: number; bound: number }
  | { name: string; kind: 'xavier'; shape: number[]; std: number; bound: number };

const fixture = loadFixture<InitCase>(new URL('./fixtures/nn_init.json', import.meta.url));

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = t.toArray();
  let s = 0, q = 0, min = Infinity, max = -Infinity;
  for (const x of v) { s += x; q += x * x; min = Math.min(min, x); max = Math.max(max, x); }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(q / v.length - mean * mean), min, max };
}

/** Pools `draws` fills of `shape` so the sample range and spread pin the scale even for small shapes. */
function pooled(shape: number[], draws: number, fill: (t: Tensor, g: Generator) => Tensor): Tensor {
  const g = new Generator(1);
  const parts: number[] = [];
  for (let i = 0; i < draws; i++) parts.push(...fill(zeros(shape), g).toArray());
  return tensor(parts);
}

describe('init scales against torch.nn.init', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      if (c.kind === 'gain') {
        expect(init.calculateGain(c.nonlinearity, c.param ?? undefined)).toBeCloseTo(c.gain, 12);
        return;
      }
      const size = c.shape.reduce((a, b) => a * b, 1);
      const draws = Math.ceil(40000 / size);
      const opts = c.kind === 'kaiming' ? { mode: c.mode, nonlinearity: c.nonlinearity, a: c.a } : {};
      const u = stats(pooled(c.shape, draws, (t, g) => (c.kind === 'kaiming' ? init.kaimingUniform_(t, { ...opts, generator: g }) : init.xavierUniform_(t, { generator: g }))));
      expect(u.max).toBeLessThanOrEqual(c.bound * (1 + 1e-6));
      expect(u.min).toBeGreaterThanOrEqual(-c.bound * (1 + 1e-6));
      expect(u.max).toBeGreaterThan(0.99 * c.bound);
      expect(u.min).toBeLessThan(-0.99 * c.bound);
      const n = stats(pooled(c.shape, draws, (t, g) => (c.kind === 'kaiming' ? init.kaimingNormal_(t, { ...opts, generator: g }) : init.xavierNormal_(t, { generator: g }))));
      expect(Math.abs(n.std / c.std - 1)).toBeLessThan(0.03);
      expect(Math.abs(n.mean)).toBeLessThan(0.03 * c.std);
    });
  }
});

describe('init functions', () => {
  it('xavierNormal_ and normal_ have the asked standard deviation', () => {
    const g = new Generator(2);
    const x = stats(init.xavierNormal_(zeros([200, 300]), { generator: g, gain: 2 }));
    expect(x.std / (2 * Math.sqrt(2 / 500)) - 1).toBeLessThan(0.02);
    const n = stats(init.normal_(zeros([100, 100]), { mean: 3, std: 0.5, generator: g }));
    expect(Math.abs(n.mean - 3)).toBeLessThan(0.02);
    expect(Math.abs(n.std / 0.5 - 1)).toBeLessThan(0.02);
  });
  it('uniform_ stays in [a, b) and covers it', () => {
    const u = stats(init.uniform_(zeros([10000]), { a: -2, b: 3, generator: new Generator(3) }));
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(3);
    expect(u.min).toBeLessThan(-1.99);
    expect(u.max).toBeGreaterThan(2.99);
  });
  it('zeros_, ones_, constant_ fill, in place, the Parameter they are given', () => {
    const p = new Parameter(tensor([1, 2, 3, 4], [2, 2]));
    const storage = p.data.data;
    expect(init.constant_(p, 0.25)).toBe(p);
    expect(p.data.data).toBe(storage);
    expect(p.data.toArray()).toEqual(new Float32Array([0.25, 0.25, 0.25, 0.25]));
    init.ones_(p);
    expect(p.data.toArray()).toEqual(new Float32Array([1, 1, 1, 1]));
    init.zeros_(p.data);
    expect(p.data.toArray()).toEqual(new Float32Array(4));
  });
  it('writes through a non-contiguous view in row-major order', () => {
    const base = zeros([2, 3]);
    init.constant_(base.transpose(0, 1).narrow(0, 1, 1), 7);
    expect(base.toArray()).toEqual(new Float32Array([0, 7, 0, 0, 7, 0]));
  });
  it('a seed reproduces a model bit for bit (generator option and the global generator)', () => {
    const build = (g?: Generator): Module => {
      const m = new Sequential(new Conv2d(1, 4, 3, g ? { generator: g } : {}), new ReLU(), new BatchNorm2d(4), new Linear(4, 2, g ? { generator: g } : {}));
      m.apply((mod) => {
        if (mod instanceof Conv2d) init.kaimingNormal_(mod.weight, { mode: 'fan_out', nonlinearity: 'relu', ...(g ? { generator: g } : {}) });
      });
      return m;
    };
    const sameAs = (a: Module, b: Module): void => {
      const sa = a.stateDict(), sb = b.stateDict();
      for (const k of Object.keys(sa)) expect(sa[k]!.toArray(), k).toEqual(sb[k]!.toArray());
    };
    sameAs(build(new Generator(42)), build(new Generator(42)));
    manualSeed(9);
    const a = build();
    manualSeed(9);
    sameAs(a, build());
    expect(build(new Generator(1)).stateDict()['0.weight']!.toArray()).not.toEqual(build(new Generator(2)).stateDict()['0.weight']!.toArray());
  });
});

describe('init bad input', () => {
  const cases: [string, () => unknown, string][] = [
    ['kaiming on a 1-d tensor', () => init.kaimingUniform_(zeros([3])), 'kaimingUniform_: tensor shape [3] has fewer than 2 dims; expected (out, in, ...) to compute fan in and fan out'],
    ['xavier on a 1-d tensor', () => init.xavierNormal_(zeros([3])), 'xavierNormal_: tensor shape [3] has fewer than 2 dims; expected (out, in, ...) to compute fan in and fan out'],
    ['unknown mode', () => init.kaimingNormal_(zeros([2, 2]), { mode: 'fan_avg' as 'fan_in' }), "kaimingNormal_: mode 'fan_avg' is not supported; expected 'fan_in' or 'fan_out'"],
    ['unknown nonlinearity', () => init.calculateGain('swish' as 'relu'), "calculateGain: nonlinearity 'swish' is not supported; expected one of linear, conv1d, conv2d, conv3d, sigmoid, tanh, relu, leaky_relu, selu"],
    ['uniform_ with a > b', () => init.uniform_(zeros([2]), { a: 1, b: 0 }), 'uniform_: a 1 is greater than b 0; expected a <= b'],
    ['normal_ with negative std', () => init.normal_(zeros([2]), { std: -1 }), 'normal_: std -1 is negative; expected std >= 0'],
    ['not a tensor', () => init.zeros_({} as Tensor), 'zeros_: tensor [object Object] is not a Tensor or Variable; expected a Parameter, Variable or Tensor'],
  ];
  for (const [name, fn, message] of cases) it(name, () => expect(fn).toThrow(message));
});
