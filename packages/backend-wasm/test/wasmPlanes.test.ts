import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend, Generator } from '@tapegrad/tensor';
import { createWasmBackend } from '../src/index.js';
import type { Pool2dGeometry } from '@tapegrad/tensor';

// Whole-plane averages of the wasm backend (four partial sums) against the CPU kernels, and the
// geometries they hand to the CPU kernels.
const backend = createWasmBackend({ threads: 1 });
afterAll(() => backend.close());

function input(n: number, seed: number): Float32Array {
  const g = new Generator(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = g.random() * 4 - 2;
  return x;
}

function close(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const a = got[i]!, b = want[i]!;
    if (Number.isNaN(b)) expect(Number.isNaN(a), `[${i}] ${a} vs NaN`).toBe(true);
    else if (!Number.isFinite(b)) expect(a, `[${i}]`).toBe(b);
    else expect(Math.abs(a - b), `[${i}] ${a} vs ${b}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b)));
  }
}

const planes = 6, H = 5, W = 7;
const x = input(planes * H * W, 1);
x[3] = NaN;
x[H * W + 2] = Infinity;
const gOut = input(planes, 2);

function pool(kH: number, kW: number, pH: number, pW: number, outH: number, outW: number, sH = kH, sW = kW): Pool2dGeometry {
  return { planes, inH: H, inW: W, outH, outW, kH, kW, sH, sW, pH, pW, dH: 1, dW: 1 };
}

describe('wasm backend whole-plane averages', () => {
  it('globalAvgPool2d and its backward', () => {
    const got = new Float32Array(planes), want = new Float32Array(planes);
    backend.globalAvgPool2d!(x, planes, H * W, got);
    cpuBackend.globalAvgPool2d(x, planes, H * W, want);
    close(got, want);
    const gg = new Float32Array(x.length), gw = new Float32Array(x.length);
    backend.globalAvgPool2dBackward!(gOut, planes, H * W, gg);
    cpuBackend.globalAvgPool2dBackward(gOut, planes, H * W, gw);
    close(gg, gw);
  });
  for (const [outH, outW] of [[1, 1], [2, 3]]) {
    it(`adaptiveAvgPool2d to ${outH}x${outW} and its backward`, () => {
      const n = planes * outH! * outW!;
      const got = new Float32Array(n), want = new Float32Array(n);
      backend.adaptiveAvgPool2d!(x, planes, H, W, outH!, outW!, got);
      cpuBackend.adaptiveAvgPool2d(x, planes, H, W, outH!, outW!, want);
      close(got, want);
      const up = input(n, 3), gg = new Float32Array(x.length), gw = new Float32Array(x.length);
      backend.adaptiveAvgPool2dBackward!(up, planes, H, W, outH!, outW!, gg);
      cpuBackend.adaptiveAvgPool2dBackward(up, planes, H, W, outH!, outW!, gw);
      close(gg, gw);
    });
  }
  const avgCases: [string, Pool2dGeometry, boolean, number][] = [
    ['window = plane', pool(H, W, 0, 0, 1, 1), true, 0],
    ['window = plane, divisorOverride 3', pool(H, W, 0, 0, 1, 1), true, 3],
    ['k=2 s=2 (CPU kernel)', pool(2, 2, 0, 0, 2, 3), true, 0],
    ['k=3 pad 1 countIncludePad false (CPU kernel)', pool(3, 3, 1, 1, 2, 3, 2, 2), false, 0],
  ];
  for (const [name, g, cip, div] of avgCases) {
    it(`avgPool2d ${name} and its backward`, () => {
      const n = planes * g.outH * g.outW;
      const got = new Float32Array(n), want = new Float32Array(n);
      backend.avgPool2d!(x, g, cip, div, got);
      cpuBackend.avgPool2d(x, g, cip, div, want);
      close(got, want);
      const up = input(n, 4), gg = new Float32Array(x.length), gw = new Float32Array(x.length);
      backend.avgPool2dBackward!(up, g, cip, div, gg);
      cpuBackend.avgPool2dBackward(up, g, cip, div, gw);
      close(gg, gw);
    });
  }
  const reduceCases: [string, number[], number[], boolean[]][] = [
    ['sum over the trailing (H, W)', [2, 3, 5, 7], [105, 35, 7, 1], [false, false, true, true]],
    ['sum over everything', [2, 3, 5, 7], [105, 35, 7, 1], [true, true, true, true]],
    ['sum over a leading dim (CPU kernel)', [2, 3, 5, 7], [105, 35, 7, 1], [true, false, false, false]],
    ['sum over (H, W) of a permuted view (CPU kernel)', [2, 3, 7, 5], [105, 35, 1, 7], [false, false, true, true]],
    ['sum with size-1 dims of any stride', [2, 1, 3, 35], [105, 999, 35, 1], [false, false, false, true]],
  ];
  for (const [name, shape, strides, mask] of reduceCases) {
    it(`reduce ${name}`, () => {
      const kept = shape.reduce((a, s, d) => (mask[d] ? a : a * s), 1);
      const X = { data: x, strides, offset: 0 };
      const got = new Float32Array(kept), want = new Float32Array(kept);
      backend.reduce!('sum', shape, X, mask, got);
      cpuBackend.reduce('sum', shape, X, mask, want);
      close(got, want);
    });
  }
  it('reduce max goes to the CPU kernel', () => {
    const got = new Float32Array(6), want = new Float32Array(6);
    const X = { data: x, strides: [35, 1], offset: 0 };
    backend.reduce!('max', [6, 35], X, [false, true], got);
    cpuBackend.reduce('max', [6, 35], X, [false, true], want);
    close(got, want);
  });
});

// From PASSES' `min` (16,384) elements the means run in WebAssembly (assembly/planes.ts), split over
// two threads, the input copied in a block of planes at a time or read where the backend keeps it.
describe('wasm backend whole-plane means in WebAssembly', () => {
  const threaded = createWasmBackend({ threads: 2 });
  const everywhere = createWasmBackend({ threads: 2, thresholds: 'none' });
  afterAll(() => {
    threaded.close();
    everywhere.close();
  });
  const bits = (a: Float32Array): number[] => Array.from(new Int32Array(a.buffer, a.byteOffset, a.length));

  /** `x` in an array the backend keeps in its memory (x + 0 by its elementwise kernel, which writes kept arrays in place). */
  function kept(b: typeof threaded, x: Float32Array): Float32Array {
    const a = b.empty!(x.length);
    b.binary!('add', [x.length], { data: x, strides: [1], offset: 0 }, { data: new Float32Array(1), strides: [0], offset: 0 }, a);
    expect(b.residentStats().arrays).toBeGreaterThan(0);
    return a;
  }

  it('gives the bits of the TypeScript loop the small calls take (tails, NaN, infinity)', () => {
    const small = new Float32Array(planes), wasm = new Float32Array(planes);
    backend.globalAvgPool2d!(x, planes, H * W, small);
    everywhere.globalAvgPool2d!(x, planes, H * W, wasm);
    expect(bits(wasm)).toEqual(bits(small));
    expect(Number.isNaN(wasm[0]!)).toBe(true);
    expect(wasm[1]).toBe(Infinity);
  });

  // (planes, plane size): one block with a ragged tail; many blocks of 64 planes over the threads;
  // blocks of one plane each.
  for (const [np, size] of [[5, 4099], [300, 4096], [7, (1 << 18) + 3]] as const) {
    for (const where of ['a host array', 'an array kept in wasm memory'] as const) {
      it(`${np} planes of ${size} from ${where}, every spelling`, () => {
        const data = input(np * size, np + size);
        data[size + 5] = -Infinity;
        const src = where === 'a host array' ? data : kept(threaded, data);
        const want = new Float32Array(np);
        cpuBackend.globalAvgPool2d(data, np, size, want);
        expect(want[1]).toBe(-Infinity);
        const ways: [string, (out: Float32Array) => void][] = [
          ['globalAvgPool2d', (o) => threaded.globalAvgPool2d!(src, np, size, o)],
          ['adaptiveAvgPool2d', (o) => threaded.adaptiveAvgPool2d!(src, np, 1, size, 1, 1, o)],
          ['avgPool2d', (o) => threaded.avgPool2d!(src, { planes: np, inH: 1, inW: size, outH: 1, outW: 1, kH: 1, kW: size, sH: 1, sW: size, pH: 0, pW: 0, dH: 1, dW: 1 }, true, 0, o)],
          ['reduce sum / size', (o) => {
            threaded.reduce!('sum', [np, size], { data: src, strides: [size, 1], offset: 0 }, [false, true], o);
            for (let p = 0; p < np; p++) o[p] = o[p]! / size;
          }],
        ];
        for (const [name, run] of ways) {
          const got = new Float32Array(np);
          run(got);
          for (let p = 0; p < np; p++) {
            const a = got[p]!, b = want[p]!;
            if (!Number.isFinite(b)) expect(a, `${name} [${p}]`).toBe(b);
            else expect(Math.abs(a - b), `${name} [${p}] ${a} vs ${b}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b)));
          }
        }
      });
    }
  }

  it('a sum over the trailing dim of a view that starts past the array\'s start', () => {
    const rows = 4, size = 5003, offset = 17;
    const data = input(offset + rows * size, 5);
    for (const src of [data, kept(threaded, data)]) {
      const got = new Float32Array(rows), want = new Float32Array(rows);
      threaded.reduce!('sum', [rows, size], { data: src, strides: [size, 1], offset }, [false, true], got);
      cpuBackend.reduce('sum', [rows, size], { data, strides: [size, 1], offset }, [false, true], want);
      close(got, want);
    }
  });
});
