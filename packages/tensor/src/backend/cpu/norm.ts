import type { NormKernels } from '../NormKernels.js';
import type { Epilogue, EpilogueOutput } from '../Epilogue.js';
import { applyEpilogue, undoEpilogue } from './epilogue.js';

// x[n, c, s] lives at (n * C + c) * S + s.

// One pass over each channel with four independent float64 partial sums (no chain of dependent
// adds). Sums are taken of x - K, K the channel's first value, so E[d^2] - E[d]^2 does not cancel
// catastrophically when the mean is large against the spread.
function batchNormStats(x: Float32Array, N: number, C: number, S: number, mean: Float32Array, variance: Float32Array): void {
  const M = N * S;
  for (let c = 0; c < C; c++) {
    const K = M > 0 ? x[c * S]! : 0;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S, end = base + S;
      let i = base;
      for (; i + 4 <= end; i += 4) {
        const d0 = x[i]! - K, d1 = x[i + 1]! - K, d2 = x[i + 2]! - K, d3 = x[i + 3]! - K;
        s0 += d0; s1 += d1; s2 += d2; s3 += d3;
        q0 += d0 * d0; q1 += d1 * d1; q2 += d2 * d2; q3 += d3 * d3;
      }
      for (; i < end; i++) { const d = x[i]! - K; s0 += d; q0 += d * d; }
    }
    const sd = (s0 + s1 + (s2 + s3)) / M;
    const v = (q0 + q1 + (q2 + q3)) / M - sd * sd;
    mean[c] = K + sd;
    // NaN in the data must travel (as PyTorch); only a rounding negative is clamped
    variance[c] = v < 0 ? 0 : v;
  }
}

/** f32(weight / sqrt(variance + eps)) of channel c: the forward's scale. */
function channelScale(weight: Float32Array | null, variance: Float32Array, eps: number, c: number): number {
  return Math.fround((weight ? weight[c]! : 1) * (1 / Math.sqrt(variance[c]! + eps)));
}

// The per-element maps run in float32 (each operation rounded: Math.fround, and the store), in the
// order the wasm kernels use: y = (x - mean) * scale + bias.
function batchNormForward(x: Float32Array, N: number, C: number, S: number, mean: Float32Array, variance: Float32Array, eps: number,
  weight: Float32Array | null, bias: Float32Array | null, out: Float32Array, epilogue: Epilogue = 'none'): void {
  for (let c = 0; c < C; c++) {
    const scale = channelScale(weight, variance, eps, c), m = mean[c]!, b = bias ? bias[c]! : 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) out[base + i] = Math.fround(Math.fround(x[base + i]! - m) * scale) + b;
    }
  }
  applyEpilogue(epilogue, out, N * C * S);
}

function batchNormTrain(x: Float32Array, N: number, C: number, S: number, eps: number, weight: Float32Array | null,
  bias: Float32Array | null, mean: Float32Array, variance: Float32Array, out: Float32Array, epilogue: Epilogue = 'none'): void {
  batchNormStats(x, N, C, S, mean, variance);
  batchNormForward(x, N, C, S, mean, variance, eps, weight, bias, out, epilogue);
}

// With batch statistics: dx = w * invStd * (g - mean(g) - xhat * mean(g * xhat)), in float32 as
// (g - mean(g)) * k - (x - mean) * kp (k = w * invStd, kp = k * mean(g * xhat) * invStd); else dx = k * g.
function batchNormBackward(gradOut: Float32Array, x: Float32Array, N: number, C: number, S: number,
  mean: Float32Array, variance: Float32Array, eps: number, weight: Float32Array | null, _bias: Float32Array | null, batchStats: boolean,
  gradInput: Float32Array | null, gradWeight: Float32Array | null, gradBias: Float32Array | null,
  epilogue: EpilogueOutput | null = null): void {
  gradOut = undoEpilogue(epilogue, gradOut, N * C * S);
  const M = N * S;
  for (let c = 0; c < C; c++) {
    const m = mean[c]!, invStd = 1 / Math.sqrt(variance[c]! + eps);
    // sum(g) and sum(g * (x - mean)), four partial sums each
    let g0 = 0, g1 = 0, g2 = 0, g3 = 0, h0 = 0, h1 = 0, h2 = 0, h3 = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S, end = base + S;
      let i = base;
      for (; i + 4 <= end; i += 4) {
        const a0 = gradOut[i]!, a1 = gradOut[i + 1]!, a2 = gradOut[i + 2]!, a3 = gradOut[i + 3]!;
        g0 += a0; g1 += a1; g2 += a2; g3 += a3;
        h0 += a0 * (x[i]! - m); h1 += a1 * (x[i + 1]! - m); h2 += a2 * (x[i + 2]! - m); h3 += a3 * (x[i + 3]! - m);
      }
      for (; i < end; i++) { const a = gradOut[i]!; g0 += a; h0 += a * (x[i]! - m); }
    }
    const sumG = g0 + g1 + (g2 + g3), sumGX = h0 + h1 + (h2 + h3);
    if (gradWeight) gradWeight[c] = sumGX * invStd;
    if (gradBias) gradBias[c] = sumG;
    if (!gradInput) continue;
    const k = (weight ? weight[c]! : 1) * invStd, k32 = Math.fround(k);
    if (batchStats) {
      const mg = Math.fround(sumG / M), kp = Math.fround(k * ((sumGX / M) * invStd * invStd));
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * S, end = base + S;
        for (let i = base; i < end; i++) gradInput[i] = Math.fround(Math.fround(gradOut[i]! - mg) * k32) - Math.fround(Math.fround(x[i]! - m) * kp);
      }
    } else {
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * S;
        for (let i = 0; i < S; i++) gradInput[base + i] = gradOut[base + i]! * k32;
      }
    }
  }
}

export const normKernels: NormKernels = { batchNormTrain, batchNormForward, batchNormBackward };
