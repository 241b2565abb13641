import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend, createWasmBackend, Generator } from '../src/index.js';
import type { Pool2dGeometry } from '../src/index.js';

// The wasm max pooling against the CPU kernel (checked against PyTorch fixtures), values and indices
// bit for bit, including padding, dilation, ceil-mode overhang, ties and NaN.
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
