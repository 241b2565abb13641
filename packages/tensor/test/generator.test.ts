// The seeded Generator: the xoshiro128** core against its published reference outputs, reproducibility,
// getState/setState, and statistical sanity of the derived distributions.
import { describe, it, expect } from 'vitest';
import { Generator, kernels, manualSeed, defaultGenerator, rand, randn, type GeneratorState } from '../src/index.js';

const take = (n: number, f: () => number): number[] => Array.from({ length: n }, f);

function moments(v: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0, s2 = 0;
  for (let i = 0; i < v.length; i++) { s += v[i]!; s2 += v[i]! * v[i]!; }
  const mean = s / v.length;
  return { mean, variance: s2 / v.length - mean * mean };
}

describe('Generator core', () => {
  it('xoshiro128** from state {1, 2, 3, 4} gives the reference implementation\'s outputs', () => {
    // The test vector of xoshiro128starstar.c (Blackman & Vigna), as used by Rust's rand_xoshiro tests.
    const g = new Generator();
    g.setState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 4] });
    expect(take(10, () => g.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('the same seed gives the same numbers; different seeds different ones', () => {
    const a = new Generator(123), b = new Generator(123), c = new Generator(124);
    const sa = take(50, () => a.random());
    expect(take(50, () => b.random())).toEqual(sa);
    expect(take(50, () => c.random())).not.toEqual(sa);
    // seeds above 2^32 use their high bits too
    expect(take(4, () => new Generator(2 ** 40 + 5).nextUint32())).not.toEqual(take(4, () => new Generator(5).nextUint32()));
  });

  it('manualSeed re-seeds an existing generator', () => {
    const g = new Generator(9);
    const first = take(5, () => g.nextUint32());
    g.manualSeed(9);
    expect(take(5, () => g.nextUint32())).toEqual(first);
  });

  it('getState / setState round trip continues the same sequence', () => {
    const g = new Generator(77);
    take(13, () => g.random());
    const state = g.getState();
    const next = take(20, () => g.normal());
    const h = new Generator(0);
    h.setState(state);
    expect(take(20, () => h.normal())).toEqual(next);
    // the state survives JSON (checkpoints)
    const k = new Generator(1);
    k.setState(JSON.parse(JSON.stringify(state)) as GeneratorState);
    expect(take(20, () => k.normal())).toEqual(next);
  });

  it('getState is a snapshot, not a live view', () => {
    const g = new Generator(5);
    const s = g.getState();
    const copy = [...s.s];
    g.nextUint32();
    expect([...s.s]).toEqual(copy);
  });

  it('setState refuses malformed states', () => {
    const g = new Generator(0);
    const msg = "Generator.setState: state {\"algorithm\":\"xoshiro128**\",\"s\":[0,0,0,0]} is not a generator state; expected { algorithm: 'xoshiro128**', s: four uint32, not all 0 }";
    expect(() => g.setState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0] })).toThrow(msg);
    expect(() => g.setState({ algorithm: 'xoshiro128**', s: [1, 2, 3] } as unknown as GeneratorState)).toThrow('Generator.setState: state');
    expect(() => g.setState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 2 ** 32] })).toThrow('Generator.setState: state');
    expect(() => g.setState({ algorithm: 'mt', s: [1, 2, 3, 4] } as unknown as GeneratorState)).toThrow('Generator.setState: state');
  });

  it('refuses bad seeds', () => {
    expect(() => new Generator(-1)).toThrow('manualSeed: seed -1 is not a non-negative safe integer; expected an integer in [0, 2^53)');
    expect(() => new Generator(1.5)).toThrow('manualSeed: seed 1.5 is not a non-negative safe integer');
    expect(() => manualSeed(NaN)).toThrow('manualSeed: seed NaN is not a non-negative safe integer');
  });
});

describe('global generator', () => {
  it('manualSeed seeds the global generator that rand/randn use by default', () => {
    manualSeed(31);
    const a = rand([5]).toArray();
    const b = randn([5]).toArray();
    const g = new Generator(31);
    expect(a).toEqual(rand([5], { generator: g }).toArray());
    expect(b).toEqual(randn([5], { generator: g }).toArray());
    expect(manualSeed(31)).toBe(defaultGenerator);
  });
});

describe('distributions (10^5 samples)', () => {
  const N = 100_000;
  it('random() is uniform on [0, 1), float32-exact: mean 1/2, variance 1/12', () => {
    const g = new Generator(1);
    const v = new Float64Array(N);
    let lo = 1, hi = 0, bad = 0;
    for (let i = 0; i < N; i++) {
      const x = g.random();
      if (!(Math.fround(x) === x && x >= 0 && x < 1)) bad++;
      v[i] = x; lo = Math.min(lo, x); hi = Math.max(hi, x);
    }
    expect(bad).toBe(0);
    const { mean, variance } = moments(v);
    // standard errors: 0.29 / sqrt(N) = 0.0009 for the mean
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.004);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    expect(lo).toBeLessThan(1e-3);
    expect(hi).toBeGreaterThan(1 - 1e-3);
  });

  it('random() fills ten equal bins evenly', () => {
    const g = new Generator(2);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < N; i++) bins[Math.floor(g.random() * 10)]!++;
    // chi-square with 9 degrees of freedom: 27.9 is its 0.999 quantile
    const chi2 = bins.reduce((s, b) => s + (b - N / 10) ** 2 / (N / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it('normal() has mean 0, variance 1 and the right tails', () => {
    const g = new Generator(3);
    const v = new Float64Array(N);
    let beyond2 = 0;
    for (let i = 0; i < N; i++) { v[i] = g.normal(); if (Math.abs(v[i]!) > 2) beyond2++; }
    const { mean, variance } = moments(v);
    expect(Math.abs(mean)).toBeLessThan(0.013); // 4 standard errors
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    // P(|z| > 2) = 0.0455
    expect(Math.abs(beyond2 / N - 0.0455)).toBeLessThan(0.003);
    expect(v.every(Number.isFinite)).toBe(true);
  });

  it('randint(n) covers [0, n) evenly', () => {
    const g = new Generator(4);
    const counts = new Array<number>(7).fill(0);
    let bad = 0;
    for (let i = 0; i < N; i++) {
      const k = g.randint(7);
      if (Number.isInteger(k) && k >= 0 && k < 7) counts[k]!++;
      else bad++;
    }
    expect(bad).toBe(0);
    const chi2 = counts.reduce((s, c) => s + (c - N / 7) ** 2 / (N / 7), 0);
    expect(chi2).toBeLessThan(22.5); // chi-square, 6 degrees of freedom, 0.999 quantile
  });

  it('permutation is a permutation, and each value visits each position evenly', () => {
    const g = new Generator(5);
    const pos = new Array<number>(4).fill(0);
    const trials = 20_000;
    let bad = 0;
    for (let t = 0; t < trials; t++) {
      const p = g.permutation(4);
      if ((1 << p[0]!) + (1 << p[1]!) + (1 << p[2]!) + (1 << p[3]!) !== 15) bad++;
      pos[p.indexOf(0)]!++;
    }
    expect(bad).toBe(0);
    for (const c of pos) expect(Math.abs(c / trials - 0.25)).toBeLessThan(0.015);
  });
});

describe('Generator.fillMask', () => {
  it('draws exactly what random() per element draws, and leaves the same state', () => {
    for (const p of [0, 0.1, 0.5, 0.999, 1]) {
      const a = new Generator(77), b = new Generator(77);
      const mask = new Float32Array(1001);
      a.fillMask(mask, p, 2);
      const want = Float32Array.from({ length: 1001 }, () => (b.random() < p ? 0 : 2));
      expect(Array.from(mask)).toEqual(Array.from(want));
      expect(a.getState()).toEqual(b.getState());
    }
  });

  it('kernels.fillMask draws the same mask through the backend, in the shape asked, and leaves the same state', () => {
    const a = new Generator(78), b = new Generator(78);
    const want = new Float32Array(24);
    a.fillMask(want, 0.4, 1 / 0.6);
    const got = kernels.fillMask([2, 3, 4], 0.4, 1 / 0.6, b);
    expect(got.shape).toEqual([2, 3, 4]);
    expect(Array.from(got.toArray())).toEqual(Array.from(want));
    expect(b.getState()).toEqual(a.getState());
    expect(() => kernels.fillMask([2], -0.1, 1, b)).toThrow('fillMask: p -0.1 is out of range; expected a probability in [0, 1]');
  });

  it('refuses a p outside [0, 1], naming the value', () => {
    expect(() => new Generator(1).fillMask(new Float32Array(3), 1.5, 2)).toThrow('Generator.fillMask: p 1.5 is out of range; expected a probability in [0, 1]');
    expect(() => new Generator(1).fillMask(new Float32Array(3), NaN, 2)).toThrow('p NaN is out of range');
  });
});
