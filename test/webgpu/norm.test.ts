import { describe, expect, it } from 'vitest';
import { cpuBackend, Generator, type Epilogue } from '@tapegrad/tensor';
import { NormLossOptimKernels } from '@tapegrad/backend-webgpu';
import { expectClose, expectSame, uniform, useGpu } from './helpers.js';

// Batch norm (statistics, forward with its ReLU epilogue, backward) against the CPU backend over
// (N, C, S): nin-bn's channel counts, S = 1 (BatchNorm1d), odd sizes, channels longer than the
// workgroup, values around 1000 with a small spread (the variance must not cancel), NaN and
// infinite inputs, and an empty batch.
const gpu = useGpu();
const EPS = 1e-5;

interface Case { N: number; C: number; S: number; offset?: number; spread?: number; specials?: boolean }
const cases: Case[] = [
  { N: 4, C: 32, S: 9 },
  { N: 2, C: 64, S: 25 },
  { N: 2, C: 128, S: 4 },
  { N: 8, C: 10, S: 1 },
  { N: 16, C: 64, S: 1 },
  { N: 3, C: 7, S: 13 },
  { N: 1, C: 3, S: 1000 },
  { N: 2, C: 10, S: 300, offset: 1000, spread: 0.01 },
  { N: 5, C: 32, S: 7, offset: -1000, spread: 0.05 },
  { N: 3, C: 10, S: 5, specials: true },
  { N: 0, C: 4, S: 3 },
];

function name(c: Case): string {
  return `(${c.N}, ${c.C}, ${c.S})${c.offset !== undefined ? ` around ${c.offset}` : ''}${c.specials === true ? ' with NaN / inf' : ''}`;
}

/** x for a case: per channel a mean in [-2, 2] (or `offset`) and spread; specials put a NaN in channel 2 and +inf in channel 4. */
function input(g: Generator, c: Case): Float32Array {
  const x = new Float32Array(c.N * c.C * c.S);
  const centre = uniform(g, c.C, -2, 2), width = uniform(g, c.C, 0.5, 3);
  for (let n = 0; n < c.N; n++) {
    for (let ch = 0; ch < c.C; ch++) {
      const m = c.offset ?? centre[ch]!, w = c.spread ?? width[ch]!;
      for (let s = 0; s < c.S; s++) x[(n * c.C + ch) * c.S + s] = m + (g.random() * 2 - 1) * w;
    }
  }
  if (c.specials === true && c.N > 0) { x[2 * c.S + 1] = NaN; x[4 * c.S] = Infinity; }
  return x;
}

function stats(x: Float32Array, c: Case): { mean: Float32Array; variance: Float32Array } {
  const mean = new Float32Array(c.C), variance = new Float32Array(c.C);
  cpuBackend.batchNormTrain(x, c.N, c.C, c.S, EPS, null, null, mean, variance, new Float32Array(x.length));
  return { mean, variance };
}

describe('webgpu batch norm', () => {
  it('batchNormStats matches the CPU backend', async () => {
    const k = gpu(), nk = new NormLossOptimKernels(k.runner);
    const g = new Generator(11);
    for (const c of cases) {
      const x = input(g, c);
      const want = stats(x, c);
      const mean = k.alloc(c.C), variance = k.alloc(c.C);
      nk.batchNormStats(k.upload(x), c.N, c.C, c.S, mean, variance);
      expectClose(await k.read(mean), want.mean, { rtol: 1e-6, atol: 1e-6 }, `mean ${name(c)}`);
      // float32 sums of deviations: relative to the variance itself, even at a mean of 1000
      expectClose(await k.read(variance), want.variance, { rtol: 2e-5, atol: 1e-9 }, `variance ${name(c)}`);
    }
  });

  it('batchNormForward matches the CPU backend (weight / bias / relu epilogue)', async () => {
    const k = gpu(), nk = new NormLossOptimKernels(k.runner);
    const g = new Generator(12);
    for (const c of cases) {
      const x = input(g, c);
      const { mean, variance } = stats(x, c);
      const weight = uniform(g, c.C, -2, 2), bias = uniform(g, c.C, -1, 1);
      const xb = k.upload(x), mb = k.upload(mean), vb = k.upload(variance), wb = k.upload(weight), bb = k.upload(bias);
      for (const affine of [false, true]) {
        for (const epilogue of ['none', 'relu'] as Epilogue[]) {
          const n = x.length;
          const want = new Float32Array(n);
          cpuBackend.batchNormForward(x, c.N, c.C, c.S, mean, variance, EPS, affine ? weight : null, affine ? bias : null, want, epilogue);
          const out = k.alloc(n);
          nk.batchNormForward(xb, c.N, c.C, c.S, mb, vb, EPS, affine ? wb : null, affine ? bb : null, out, epilogue);
          expectClose(await k.read(out, n), want, { rtol: 1e-5, atol: 1e-5 }, `forward ${name(c)} affine ${affine} ${epilogue}`);
        }
      }
      // weight without bias and bias without weight
      const n = x.length;
      for (const [w, b] of [[true, false], [false, true]] as const) {
        const want = new Float32Array(n);
        cpuBackend.batchNormForward(x, c.N, c.C, c.S, mean, variance, EPS, w ? weight : null, b ? bias : null, want);
        const out = k.alloc(n);
        nk.batchNormForward(xb, c.N, c.C, c.S, mb, vb, EPS, w ? wb : null, b ? bb : null, out);
        expectClose(await k.read(out, n), want, { rtol: 1e-5, atol: 1e-5 }, `forward ${name(c)} weight ${w} bias ${b}`);
      }
    }
  });

  it('batchNormTrain (stats then forward on the GPU) normalises values around 1000 with a spread of 0.01', async () => {
    const k = gpu(), nk = new NormLossOptimKernels(k.runner);
    const c: Case = { N: 4, C: 64, S: 49, offset: 1000, spread: 0.01 };
    const x = input(new Generator(13), c);
    const { mean, variance } = stats(x, c);
    const want = new Float32Array(x.length);
    cpuBackend.batchNormForward(x, c.N, c.C, c.S, mean, variance, 0, null, null, want);
    const xb = k.upload(x), mb = k.alloc(c.C), vb = k.alloc(c.C), out = k.alloc(x.length);
    nk.batchNormTrain(xb, c.N, c.C, c.S, 0, null, null, mb, vb, out);
    expectClose(await k.read(mb), mean, { rtol: 1e-6, atol: 1e-6 }, 'mean around 1000');
    // unit variance output: an absolute error of 1e-3 where a cancelling variance would be off by far more
    expectClose(await k.read(out), want, { rtol: 0, atol: 1e-3 }, 'normalised around 1000');
  });

  it('batchNormBackward matches the CPU backend (batch / running statistics, weight, relu epilogue)', async () => {
    const k = gpu(), nk = new NormLossOptimKernels(k.runner);
    const g = new Generator(14);
    for (const c of cases) {
      const n = c.N * c.C * c.S, M = c.N * c.S;
      const x = input(g, c);
      const batch = stats(x, c);
      const running = { mean: uniform(g, c.C, -1, 1), variance: uniform(g, c.C, 0.2, 2) };
      const weight = uniform(g, c.C, -2, 2), bias = uniform(g, c.C, -1, 1);
      const gradOut = uniform(g, n);
      if (c.specials === true && n > 0) gradOut[5 * c.S] = NaN; // channel 5: a NaN gradient
      const xb = k.upload(x), gb = k.upload(gradOut), wb = k.upload(weight);
      for (const batchStats of [true, false]) {
        const { mean, variance } = batchStats ? batch : running;
        const mb = k.upload(mean), vb = k.upload(variance);
        for (const affine of [false, true]) {
          for (const epilogue of ['none', 'relu'] as Epilogue[]) {
            let cpuEpi = null, gpuEpi = null;
            if (epilogue === 'relu') {
              const out = new Float32Array(n);
              cpuBackend.batchNormForward(x, c.N, c.C, c.S, mean, variance, EPS, affine ? weight : null, bias, out, 'relu');
              cpuEpi = { kind: 'relu' as const, out };
              gpuEpi = { kind: 'relu' as const, out: k.upload(out) };
            }
            const wantGi = new Float32Array(n), wantGw = new Float32Array(c.C), wantGb = new Float32Array(c.C);
            cpuBackend.batchNormBackward(gradOut, x, c.N, c.C, c.S, mean, variance, EPS, affine ? weight : null, null, batchStats, wantGi, wantGw, wantGb, cpuEpi);
            const gi = k.alloc(n), gw = k.alloc(c.C), gbias = k.alloc(c.C);
            nk.batchNormBackward(gb, xb, c.N, c.C, c.S, mb, vb, EPS, affine ? wb : null, null, batchStats, gi, gw, gbias, gpuEpi);
            // tolerances from the sizes of the summed terms (float32 sums against the CPU's float64)
            const masked = cpuEpi === null ? gradOut : gradOut.map((v, i) => (cpuEpi.out[i]! > 0 || Number.isNaN(cpuEpi.out[i]!) ? v : 0));
            const sumAbsG = new Float64Array(c.C), sumAbsGX = new Float64Array(c.C);
            for (let i = 0; i < n; i++) {
              const ch = Math.floor(i / c.S) % c.C;
              sumAbsG[ch] += Math.abs(masked[i]!);
              sumAbsGX[ch] += Math.abs(masked[i]! * (x[i]! - mean[ch]!));
            }
            const invStd = variance.map((v) => 1 / Math.sqrt(v + EPS));
            const giScale = new Float64Array(n);
            for (let i = 0; i < n; i++) {
              const ch = Math.floor(i / c.S) % c.C, kk = Math.abs((affine ? weight[ch]! : 1) * invStd[ch]!);
              giScale[i] = kk * (Math.abs(masked[i]!) + (batchStats ? sumAbsG[ch]! / M + Math.abs(x[i]! - mean[ch]!) * sumAbsGX[ch]! / M * invStd[ch]! ** 2 : 0));
            }
            const what = `${name(c)} ${batchStats ? 'batch' : 'running'} stats, affine ${affine}, ${epilogue}`;
            expectClose(await k.read(gi, n), wantGi, { rtol: 2e-5, atol: 1e-6, scale: giScale }, `gradInput ${what}`);
            expectClose(await k.read(gw), wantGw, { rtol: 2e-5, atol: 1e-6, scale: sumAbsGX.map((v, ch) => v * invStd[ch]!) }, `gradWeight ${what}`);
            expectClose(await k.read(gbias), wantGb, { rtol: 2e-5, atol: 1e-6, scale: sumAbsG }, `gradBias ${what}`);
          }
        }
      }
      expectSame(await k.read(gb, n), gradOut, `gradOut unchanged ${name(c)}`);
    }
  });

  it('batchNormBackward skips null outputs and leaves them untouched', async () => {
    const k = gpu(), nk = new NormLossOptimKernels(k.runner);
    const g = new Generator(15);
    const c: Case = { N: 3, C: 10, S: 6 };
    const n = c.N * c.C * c.S;
    const x = input(g, c), gradOut = uniform(g, n), weight = uniform(g, c.C, 0.5, 2);
    const { mean, variance } = stats(x, c);
    const wantGi = new Float32Array(n), wantGw = new Float32Array(c.C), wantGb = new Float32Array(c.C);
    cpuBackend.batchNormBackward(gradOut, x, c.N, c.C, c.S, mean, variance, EPS, weight, null, true, wantGi, wantGw, wantGb);
    const bufs = { go: k.upload(gradOut), x: k.upload(x), m: k.upload(mean), v: k.upload(variance), w: k.upload(weight) };
    const sentinel = (len: number) => new Float32Array(len).fill(7);
    for (const [wi, ww, wb] of [[true, false, false], [false, true, false], [false, false, true], [false, true, true], [true, false, true], [false, false, false]] as const) {
      const gi = k.upload(sentinel(n)), gw = k.upload(sentinel(c.C)), gb = k.upload(sentinel(c.C));
      nk.batchNormBackward(bufs.go, bufs.x, c.N, c.C, c.S, bufs.m, bufs.v, EPS, bufs.w, null, true, wi ? gi : null, ww ? gw : null, wb ? gb : null);
      const what = `outputs gi ${wi} gw ${ww} gb ${wb}`;
      expectClose(await k.read(gi), wi ? wantGi : sentinel(n), { rtol: 1e-4, atol: 1e-5 }, `gradInput, ${what}`);
      expectClose(await k.read(gw), ww ? wantGw : sentinel(c.C), { rtol: 1e-4, atol: 1e-5 }, `gradWeight, ${what}`);
      expectClose(await k.read(gb), wb ? wantGb : sentinel(c.C), { rtol: 1e-4, atol: 1e-5 }, `gradBias, ${what}`);
    }
    expect(k.runner.pipelineCount).toBeGreaterThan(0);
  });
});
