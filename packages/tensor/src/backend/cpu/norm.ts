import type { NormKernels } from '../NormKernels.js';
import type { Epilogue, EpilogueOutput } from '../Epilogue.js';
import { applyEpilogue, undoEpilogue } from './epilogue.js';

// x[n, c, s] lives at (n * C + c) * S + s.

const f32 = Math.fround;

/** Floats per block of a run summed in float32 (a multiple of 4; the wasm kernels' BLOCK). */
const BLOCK = 256;

// The sums are blocked, in the wasm kernels' order (packages/backend-wasm/assembly/norm.ts): each run
// of S floats in blocks of BLOCK, a block summed in float32 into four lanes (lane j of each 4-block
// into lane j, the run's tail into lane 0), each lane then added into its own float64 partial sum,
// and the total (s0 + s1) + (s2 + s3). Sums are taken of x - K, K the channel's first value, so
// E[d^2] - E[d]^2 does not cancel catastrophically when the mean is large against the spread.
function batchNormStats(x: Float32Array, N: number, C: number, S: number, mean: Float32Array, variance: Float32Array): void {
  const M = N * S;
  for (let c = 0; c < C; c++) {
    const K = M > 0 ? x[c * S]! : 0;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let b = 0; b < S; b += BLOCK) {
        const end = base + Math.min(S, b + BLOCK);
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0, r0 = 0, r1 = 0, r2 = 0, r3 = 0;
        let i = base + b;
        for (; i + 4 <= end; i += 4) {
          const d0 = f32(x[i]! - K), d1 = f32(x[i + 1]! - K), d2 = f32(x[i + 2]! - K), d3 = f32(x[i + 3]! - K);
          a0 = f32(a0 + d0); a1 = f32(a1 + d1); a2 = f32(a2 + d2); a3 = f32(a3 + d3);
          r0 = f32(r0 + f32(d0 * d0)); r1 = f32(r1 + f32(d1 * d1)); r2 = f32(r2 + f32(d2 * d2)); r3 = f32(r3 + f32(d3 * d3));
        }
        for (; i < end; i++) { const d = f32(x[i]! - K); a0 = f32(a0 + d); r0 = f32(r0 + f32(d * d)); }
        s0 += a0; s1 += a1; s2 += a2; s3 += a3;
        q0 += r0; q1 += r1; q2 += r2; q3 += r3;
      }
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
    // sum(g) and sum(g * (x - mean)), blocked as batchNormStats's sums
    let g0 = 0, g1 = 0, g2 = 0, g3 = 0, h0 = 0, h1 = 0, h2 = 0, h3 = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let b = 0; b < S; b += BLOCK) {
        const end = base + Math.min(S, b + BLOCK);
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0, e0 = 0, e1 = 0, e2 = 0, e3 = 0;
        let i = base + b;
        for (; i + 4 <= end; i += 4) {
          const v0 = gradOut[i]!, v1 = gradOut[i + 1]!, v2 = gradOut[i + 2]!, v3 = gradOut[i + 3]!;
          a0 = f32(a0 + v0); a1 = f32(a1 + v1); a2 = f32(a2 + v2); a3 = f32(a3 + v3);
          e0 = f32(e0 + f32(v0 * f32(x[i]! - m))); e1 = f32(e1 + f32(v1 * f32(x[i + 1]! - m)));
          e2 = f32(e2 + f32(v2 * f32(x[i + 2]! - m))); e3 = f32(e3 + f32(v3 * f32(x[i + 3]! - m)));
        }
        for (; i < end; i++) { const v = gradOut[i]!; a0 = f32(a0 + v); e0 = f32(e0 + f32(v * f32(x[i]! - m))); }
        g0 += a0; g1 += a1; g2 += a2; g3 += a3;
        h0 += e0; h1 += e1; h2 += e2; h3 += e3;
      }
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
