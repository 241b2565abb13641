import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend, Generator } from '@tapegrad/tensor';
import { createWasmBackend } from '../src/index.js';

// The wasm batch norm kernels against the CPU ones (checked against PyTorch fixtures) bit for bit:
// runs whose length is not a multiple of 4 (tails), runs of several float32 blocks, one channel,
// more parts than channels, a large mean against the spread, null affine parameters and outputs,
// constant statistics, and NaN/Inf. And the blocked sums' error on long runs, against float64.

interface Shape { name: string; N: number; C: number; S: number }
const shapes: Shape[] = [
  { name: 'S multiple of 4', N: 3, C: 5, S: 8 },
  { name: 'S = 7 (tails)', N: 2, C: 3, S: 7 },
  { name: 'S = 49 (7x7 maps)', N: 4, C: 6, S: 49 },
  { name: 'S = 1 (BatchNorm1d on (N, C))', N: 9, C: 4, S: 1 },
  { name: 'one channel', N: 5, C: 1, S: 13 },
  { name: 'S = 2', N: 3, C: 7, S: 2 },
  { name: 'S = 784 (28x28 maps: several float32 blocks)', N: 2, C: 3, S: 784 },
  { name: 'S = 601 (blocks, the last with a tail)', N: 2, C: 2, S: 601 },
];

function values(g: Generator, n: number, offset: number, special: boolean): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = offset + g.random() * 4 - 2;
  if (special && n > 10) { a[3] = NaN; a[n - 2] = Infinity; }
  return a;
}

/** Float bits, with every NaN as one value (payloads may differ between engines). */
function bits(a: Float32Array): (number | string)[] {
  const b = new Int32Array(a.buffer, a.byteOffset, a.length);
  return Array.from(a, (v, i) => (Number.isNaN(v) ? 'NaN' : b[i]!));
}

for (const threads of [1, 2]) {
  describe(`wasm batch norm, ${threads} thread${threads > 1 ? 's' : ''}, every call through wasm, against the CPU kernels`, () => {
    const backend = createWasmBackend({ threads, thresholds: 'none' });
    afterAll(() => backend.close());
    for (const { name, N, C, S } of shapes) {
      for (const special of [false, true]) {
        const label = `${name} (N=${N} C=${C} S=${S})${special ? ' with NaN and Inf' : ''}`;
        const g = new Generator(N * 100 + C * 10 + S);
        const n = N * C * S;
        const x = values(g, n, special ? 0 : 300, special), gradOut = values(g, n, 0.5, special);
        const weight = values(g, C, 1, false), bias = values(g, C, 0, false);

        for (const epilogue of ['none', 'relu'] as const) {
          it(`batchNormTrain ${label}${epilogue === 'none' ? '' : ' with a ReLU epilogue'}`, () => {
            const m0 = new Float32Array(C), v0 = new Float32Array(C), m1 = new Float32Array(C), v1 = new Float32Array(C);
            const y0 = new Float32Array(n), y1 = new Float32Array(n);
            cpuBackend.batchNormTrain(x, N, C, S, 1e-5, weight, bias, m0, v0, y0, epilogue);
            backend.batchNormTrain!(x, N, C, S, 1e-5, weight, bias, m1, v1, y1, epilogue);
            expect(bits(m1)).toEqual(bits(m0));
            expect(bits(v1)).toEqual(bits(v0));
            expect(bits(y1)).toEqual(bits(y0));
          });
        }

        const mean = new Float32Array(C), variance = new Float32Array(C);
        cpuBackend.batchNormTrain(x, N, C, S, 1e-5, null, null, mean, variance, new Float32Array(n));
        for (const affine of [true, false]) {
          it(`batchNormForward ${label}${affine ? '' : ' without weight and bias'}`, () => {
            const w = affine ? weight : null, b = affine ? bias : null;
            const want = new Float32Array(n), got = new Float32Array(n);
            cpuBackend.batchNormForward(x, N, C, S, mean, variance, 1e-5, w, b, want);
            backend.batchNormForward!(x, N, C, S, mean, variance, 1e-5, w, b, got);
            expect(bits(got)).toEqual(bits(want));
          });
          for (const batchStats of [true, false]) {
            it(`batchNormBackward ${label}${affine ? '' : ' without weight'}${batchStats ? '' : ', constant statistics'}`, () => {
              const w = affine ? weight : null;
              const want = [new Float32Array(n), new Float32Array(C), new Float32Array(C)] as const;
              const got = [new Float32Array(n), new Float32Array(C), new Float32Array(C)] as const;
              cpuBackend.batchNormBackward(gradOut, x, N, C, S, mean, variance, 1e-3, w, affine ? bias : null, batchStats, ...want);
              backend.batchNormBackward!(gradOut, x, N, C, S, mean, variance, 1e-3, w, affine ? bias : null, batchStats, ...got);
              for (let k = 0; k < 3; k++) expect(bits(got[k])).toEqual(bits(want[k]));
            });
          }
        }
        it(`batchNormForward and batchNormBackward with a fused ReLU ${label}`, () => {
          const want = new Float32Array(n), got = new Float32Array(n);
          cpuBackend.batchNormForward(x, N, C, S, mean, variance, 1e-5, weight, bias, want, 'relu');
          backend.batchNormForward!(x, N, C, S, mean, variance, 1e-5, weight, bias, got, 'relu');
          expect(bits(got)).toEqual(bits(want));
          // the CPU kernel with the ReLU epilogue equals the unfused pair: the forward then max(., 0) with NaN kept
          const plain = new Float32Array(n);
          cpuBackend.batchNormForward(x, N, C, S, mean, variance, 1e-5, weight, bias, plain);
          expect(bits(want)).toEqual(bits(plain.map((v) => (v > 0 || Number.isNaN(v) ? v : 0))));
          const gWant = [new Float32Array(n), new Float32Array(C), new Float32Array(C)] as const;
          const gGot = [new Float32Array(n), new Float32Array(C), new Float32Array(C)] as const;
          cpuBackend.batchNormBackward(gradOut, x, N, C, S, mean, variance, 1e-5, weight, bias, true, ...gWant, { kind: 'relu', out: want });
          backend.batchNormBackward!(gradOut, x, N, C, S, mean, variance, 1e-5, weight, bias, true, ...gGot, { kind: 'relu', out: want });
          for (let k = 0; k < 3; k++) expect(bits(gGot[k])).toEqual(bits(gWant[k]));
          const masked = gradOut.map((v, i) => (want[i]! <= 0 ? 0 : v));
          const gPlain = [new Float32Array(n), new Float32Array(C), new Float32Array(C)] as const;
          cpuBackend.batchNormBackward(masked, x, N, C, S, mean, variance, 1e-5, weight, bias, true, ...gPlain);
          for (let k = 0; k < 3; k++) expect(bits(gWant[k])).toEqual(bits(gPlain[k]));
        });
        it(`batchNormBackward through the ReLU: the wasm kernel's mask, recomputed from x, is the forward's ${label}`, () => {
          for (const [w, b, batchStats] of [[null, null, true], [weight, null, false], [null, bias, false], [weight, bias, false]] as const) {
            const out = new Float32Array(n);
            cpuBackend.batchNormForward(x, N, C, S, mean, variance, 1e-5, w, b, out, 'relu');
            const want = [new Float32Array(n), new Float32Array(C), new Float32Array(C)] as const;
            const got = [new Float32Array(n), new Float32Array(C), new Float32Array(C)] as const;
            cpuBackend.batchNormBackward(gradOut, x, N, C, S, mean, variance, 1e-5, w, b, batchStats, ...want, { kind: 'relu', out });
            backend.batchNormBackward!(gradOut, x, N, C, S, mean, variance, 1e-5, w, b, batchStats, ...got, { kind: 'relu', out });
            for (let k = 0; k < 3; k++) expect(bits(got[k])).toEqual(bits(want[k]));
          }
        });
        it(`batchNormBackward ${label}, gradInput only / parameter gradients only`, () => {
          const want = new Float32Array(n), got = new Float32Array(n);
          cpuBackend.batchNormBackward(gradOut, x, N, C, S, mean, variance, 1e-5, weight, bias, true, want, null, null);
          backend.batchNormBackward!(gradOut, x, N, C, S, mean, variance, 1e-5, weight, bias, true, got, null, null);
          expect(bits(got)).toEqual(bits(want));
          const w0 = new Float32Array(C), b0 = new Float32Array(C), w1 = new Float32Array(C), b1 = new Float32Array(C);
          cpuBackend.batchNormBackward(gradOut, x, N, C, S, mean, variance, 1e-5, weight, bias, true, null, w0, b0);
          backend.batchNormBackward!(gradOut, x, N, C, S, mean, variance, 1e-5, weight, bias, true, null, w1, b1);
          expect(bits(w1)).toEqual(bits(w0));
          expect(bits(b1)).toEqual(bits(b0));
        });
      }
    }
  });
}

describe('wasm batch norm with size thresholds', () => {
  it('a big (N, C, H, W) goes through wasm on 2 threads and matches the CPU kernels', () => {
    const backend = createWasmBackend({ threads: 2 });
    const N = 16, C = 32, S = 24 * 24, n = N * C * S; // above the split threshold: both threads work
    const g = new Generator(7);
    const x = values(g, n, 1, false), gradOut = values(g, n, 0, false), weight = values(g, C, 1, false), bias = values(g, C, 0, false);
    const m0 = new Float32Array(C), v0 = new Float32Array(C), m1 = new Float32Array(C), v1 = new Float32Array(C);
    const y0 = new Float32Array(n), y1 = new Float32Array(n);
    cpuBackend.batchNormTrain(x, N, C, S, 1e-5, weight, bias, m0, v0, y0);
    backend.batchNormTrain!(x, N, C, S, 1e-5, weight, bias, m1, v1, y1);
    const d0 = [new Float32Array(n), new Float32Array(C), new Float32Array(C)] as const;
    const d1 = [new Float32Array(n), new Float32Array(C), new Float32Array(C)] as const;
    cpuBackend.batchNormBackward(gradOut, x, N, C, S, m0, v0, 1e-5, weight, bias, true, ...d0);
    backend.batchNormBackward!(gradOut, x, N, C, S, m0, v0, 1e-5, weight, bias, true, ...d1);
    backend.close();
    expect(bits(m1)).toEqual(bits(m0));
    expect(bits(v1)).toEqual(bits(v0));
    expect(bits(y1)).toEqual(bits(y0));
    for (let k = 0; k < 3; k++) expect(bits(d1[k])).toEqual(bits(d0[k]));
  });
});

describe('batch norm statistics of long runs (224x224 maps), against float64 sums', () => {
  it('mean and variance within float32 rounding of the exact ones, on the CPU and wasm kernels', () => {
    const N = 2, C = 2, S = 224 * 224, n = N * C * S;
    const g = new Generator(9);
    const x = new Float32Array(n);
    // channel 0 near 0, channel 1 at a mean of 100 against a spread of 1
    for (let i = 0; i < n; i++) x[i] = (Math.floor(i / S) % C) * 100 + g.normal();
    const backend = createWasmBackend({ threads: 2, thresholds: 'none' });
    try {
      for (const be of [cpuBackend, backend]) {
        const mean = new Float32Array(C), variance = new Float32Array(C);
        be.batchNormTrain!(x, N, C, S, 1e-5, null, null, mean, variance, new Float32Array(n));
        for (let c = 0; c < C; c++) {
          let s = 0, q = 0;
          for (let k = 0; k < N; k++) for (let i = 0; i < S; i++) s += x[(k * C + c) * S + i]!;
          const m = s / (N * S);
          for (let k = 0; k < N; k++) for (let i = 0; i < S; i++) q += (x[(k * C + c) * S + i]! - m) ** 2;
          const v = q / (N * S);
          expect(Math.abs(mean[c]! - m)).toBeLessThan(1e-4 * Math.max(1, Math.abs(m)));
          expect(Math.abs(variance[c]! - v) / v).toBeLessThan(2e-6);
        }
      }
    } finally {
      backend.close();
    }
  });
});
