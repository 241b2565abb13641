import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend, Generator } from '@tapegrad/tensor';
import { createWasmBackend } from '../src/index.js';
import type { Pool2dGeometry } from '@tapegrad/tensor';

// The wasm pooling kernels (max pooling and its backward, average pooling and its backward) against
// the CPU kernels (checked against PyTorch fixtures), values and indices bit for bit, including
// padding, dilation, ceil-mode overhang, the divisor rules, ties and NaN.
function geom(planes: number, inH: number, inW: number, k: [number, number], s: [number, number], p: [number, number],
  d: [number, number], ceil: boolean): Pool2dGeometry {
  const size = (L: number, kk: number, ss: number, pp: number, dd: number): number => {
    const span = L + 2 * pp - dd * (kk - 1) - 1;
    let o = (ceil ? Math.ceil(span / ss) : Math.floor(span / ss)) + 1;
    if (ceil && (o - 1) * ss >= L + pp) o--;
    return o;
  };
  return {
    planes, inH, inW, outH: size(inH, k[0], s[0], p[0], d[0]), outW: size(inW, k[1], s[1], p[1], d[1]),
    kH: k[0], kW: k[1], sH: s[0], sW: s[1], pH: p[0], pW: p[1], dH: d[0], dW: d[1],
  };
}

const cases: { name: string; g: Pool2dGeometry }[] = [
  { name: 'k=3 s=2 (the micro-benchmark)', g: geom(6, 12, 12, [3, 3], [2, 2], [0, 0], [1, 1], false) },
  { name: 'k=3 s=2 ceilMode (nin block 1)', g: geom(5, 28, 28, [3, 3], [2, 2], [0, 0], [1, 1], true) },
  { name: 'k=3 s=2 pad=1 ceilMode', g: geom(4, 9, 10, [3, 3], [2, 2], [1, 1], [1, 1], true) },
  { name: 'non-square k=[2,3] s=[1,2] pad=[1,1]', g: geom(3, 7, 9, [2, 3], [1, 2], [1, 1], [1, 1], false) },
  { name: 'dilation 2 pad 2', g: geom(3, 11, 10, [3, 3], [1, 1], [2, 2], [2, 2], false) },
  { name: 'k=1 s=1 identity-like', g: geom(2, 4, 5, [1, 1], [1, 1], [0, 0], [1, 1], false) },
  { name: 'k=2 s=1 wide rows (many lane blocks)', g: geom(3, 5, 37, [2, 2], [1, 1], [0, 0], [1, 1], false) },
  { name: 'k=3 s=3 (lanes gathered one by one)', g: geom(3, 9, 40, [3, 3], [3, 3], [1, 1], [1, 1], true) },
  { name: 'dilated window wider than the padded row', g: geom(2, 3, 3, [3, 3], [1, 1], [1, 1], [2, 2], false) },
];

function input(planes: number, size: number, seed: number): Float32Array {
  const gen = new Generator(seed);
  const x = new Float32Array(planes * size);
  for (let i = 0; i < x.length; i++) x[i] = Math.round(gen.random() * 6) / 2 - 1.5; // many ties
  for (let i = 7; i < x.length; i += 53) x[i] = NaN;
  for (let i = 11; i < x.length; i += 37) x[i] = Infinity;
  for (let i = 3; i < x.length; i += 41) x[i] = -Infinity;
  return x;
}

for (const threads of [1, 2]) {
  describe(`wasm maxPool2d, ${threads} thread${threads > 1 ? 's' : ''}, every call through wasm, against the CPU kernel`, () => {
    const backend = createWasmBackend({ threads, thresholds: 'none' });
    afterAll(() => backend.close());
    for (const { name, g } of cases) {
      it(`maxPool2d ${name}`, () => {
        const x = input(g.planes, g.inH * g.inW, 3);
        const n = g.planes * g.outH * g.outW;
        const want = new Float32Array(n), wantAt = new Float32Array(n), got = new Float32Array(n), gotAt = new Float32Array(n);
        cpuBackend.maxPool2d(x, g, want, wantAt);
        backend.maxPool2d!(x, g, got, gotAt);
        expect(Array.from(new Int32Array(got.buffer))).toEqual(Array.from(new Int32Array(want.buffer)));
        expect(Array.from(gotAt)).toEqual(Array.from(wantAt));
      });
    }
  });
}

describe('wasm maxPool2d with size thresholds', () => {
  it('maxPool2d on a big input goes through wasm and matches the CPU kernel', () => {
    const backend = createWasmBackend({ threads: 2 });
    const g = geom(64, 30, 30, [3, 3], [2, 2], [0, 0], [1, 1], false);
    const x = input(g.planes, g.inH * g.inW, 9);
    const n = g.planes * g.outH * g.outW;
    const want = new Float32Array(n), wantAt = new Float32Array(n), got = new Float32Array(n), gotAt = new Float32Array(n);
    cpuBackend.maxPool2d(x, g, want, wantAt);
    backend.maxPool2d!(x, g, got, gotAt);
    backend.close();
    expect(Array.from(gotAt)).toEqual(Array.from(wantAt));
    expect(Array.from(new Int32Array(got.buffer))).toEqual(Array.from(new Int32Array(want.buffer)));
  });
});

/** The bits of each value, every NaN as one pattern (payloads may differ between JS and wasm arithmetic). */
function bits(x: Float32Array): number[] {
  const b = new Int32Array(x.buffer, x.byteOffset, x.length);
  return Array.from(x, (v, i) => (v !== v ? 0x7fc00000 : b[i]!));
}

/** A random gradient of `n` values spread over many magnitudes, so float32 rounding shows. */
function gradient(n: number, seed: number): Float32Array {
  const gen = new Generator(seed);
  return Float32Array.from({ length: n }, () => (gen.random() - 0.5) * 10 ** Math.floor(gen.random() * 12 - 6));
}

const avgCases = cases.filter(({ g }) => g.dH === 1 && g.dW === 1 && 2 * g.pH <= g.kH && 2 * g.pW <= g.kW);
const avgModes: { name: string; countIncludePad: boolean; divisorOverride: number }[] = [
  { name: 'countIncludePad', countIncludePad: true, divisorOverride: 0 },
  { name: 'in-input count', countIncludePad: false, divisorOverride: 0 },
  { name: 'divisorOverride 7', countIncludePad: false, divisorOverride: 7 },
];

for (const threads of [1, 2]) {
  describe(`wasm maxPoolBackward, avgPool2d and its backward, ${threads} thread${threads > 1 ? 's' : ''}, against the CPU kernels`, () => {
    const backend = createWasmBackend({ threads, thresholds: 'none' });
    afterAll(() => backend.close());
    for (const { name, g } of cases) {
      it(`maxPoolBackward ${name}`, () => {
        const x = input(g.planes, g.inH * g.inW, 5);
        const n = g.planes * g.outH * g.outW, inSize = g.planes * g.inH * g.inW;
        const out = new Float32Array(n), at = new Float32Array(n);
        cpuBackend.maxPool2d(x, g, out, at);
        const gOut = gradient(n, 6);
        const want = new Float32Array(inSize), got = new Float32Array(inSize);
        cpuBackend.maxPoolBackward(gOut, at, g.planes, g.inH * g.inW, g.outH * g.outW, want);
        backend.maxPoolBackward!(gOut, at, g.planes, g.inH * g.inW, g.outH * g.outW, got);
        expect(bits(got)).toEqual(bits(want));
      });
    }
    for (const { name, g } of avgCases) {
      for (const mode of avgModes) {
        it(`avgPool2d and avgPool2dBackward ${name}, ${mode.name}`, () => {
          const x = input(g.planes, g.inH * g.inW, 7);
          const n = g.planes * g.outH * g.outW, inSize = g.planes * g.inH * g.inW;
          const want = new Float32Array(n), got = new Float32Array(n);
          cpuBackend.avgPool2d(x, g, mode.countIncludePad, mode.divisorOverride, want);
          backend.avgPool2d!(x, g, mode.countIncludePad, mode.divisorOverride, got);
          expect(bits(got)).toEqual(bits(want));
          const gOut = gradient(n, 8);
          const wantB = new Float32Array(inSize), gotB = new Float32Array(inSize);
          cpuBackend.avgPool2dBackward(gOut, g, mode.countIncludePad, mode.divisorOverride, wantB);
          backend.avgPool2dBackward!(gOut, g, mode.countIncludePad, mode.divisorOverride, gotB);
          expect(bits(gotB)).toEqual(bits(wantB));
        });
      }
    }
  });
}

describe('wasm pooling kernels on random geometries, against the CPU kernels', () => {
  it('300 random 2-d geometries (padding, dilation, ceil mode, divisor rules): the same bits', () => {
    const backend = createWasmBackend({ threads: 2, thresholds: 'none' });
    const gen = new Generator(2024);
    const int = (lo: number, hi: number): number => lo + Math.floor(gen.random() * (hi - lo + 1));
    let checked = 0;
    try {
      for (let t = 0; t < 300; t++) {
        const avg = t % 2 === 0;
        const k: [number, number] = [int(1, 5), int(1, 5)], s: [number, number] = [int(1, 4), int(1, 4)];
        const d: [number, number] = avg ? [1, 1] : [int(1, 3), int(1, 3)];
        const p: [number, number] = [int(0, k[0] >> 1), int(0, k[1] >> 1)];
        const inH = int(Math.max(1, d[0] * (k[0] - 1) + 1 - 2 * p[0]), 24), inW = int(Math.max(1, d[1] * (k[1] - 1) + 1 - 2 * p[1]), 24);
        const g = geom(int(1, 5), inH, inW, k, s, p, d, gen.random() < 0.5);
        if (g.outH < 1 || g.outW < 1) continue;
        const n = g.planes * g.outH * g.outW, inSize = g.planes * g.inH * g.inW;
        const x = input(g.planes, g.inH * g.inW, t), gOut = gradient(n, t + 1);
        const want = new Float32Array(n), got = new Float32Array(n), wantB = new Float32Array(inSize), gotB = new Float32Array(inSize);
        if (avg) {
          const cip = gen.random() < 0.5, over = gen.random() < 0.25 ? int(1, 11) : 0;
          cpuBackend.avgPool2d(x, g, cip, over, want);
          backend.avgPool2d!(x, g, cip, over, got);
          cpuBackend.avgPool2dBackward(gOut, g, cip, over, wantB);
          backend.avgPool2dBackward!(gOut, g, cip, over, gotB);
        } else {
          const at = new Float32Array(n), gotAt = new Float32Array(n);
          cpuBackend.maxPool2d(x, g, want, at);
          backend.maxPool2d!(x, g, got, gotAt);
          expect(Array.from(gotAt), JSON.stringify(g)).toEqual(Array.from(at));
          cpuBackend.maxPoolBackward(gOut, at, g.planes, g.inH * g.inW, g.outH * g.outW, wantB);
          backend.maxPoolBackward!(gOut, at, g.planes, g.inH * g.inW, g.outH * g.outW, gotB);
        }
        expect(bits(got), JSON.stringify(g)).toEqual(bits(want));
        expect(bits(gotB), JSON.stringify(g)).toEqual(bits(wantB));
        checked++;
      }
    } finally {
      backend.close();
    }
    expect(checked).toBeGreaterThan(250);
  });
});
