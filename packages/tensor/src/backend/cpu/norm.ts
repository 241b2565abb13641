import type { NormKernels } from '../NormKernels.js';

// x[n, c, s] lives at (n * C + c) * S + s.

function batchNormStats(x: Float32Array, N: number, C: number, S: number, mean: Float32Array, variance: Float32Array): void {
  const M = N * S;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) s += x[base + i]!;
    }
    const m = s / M;
    let q = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) { const d = x[base + i]! - m; q += d * d; }
    }
    mean[c] = m;
    variance[c] = q / M;
  }
}

function batchNormForward(x: Float32Array, N: number, C: number, S: number, mean: Float32Array, variance: Float32Array, eps: number,
  weight: Float32Array | null, bias: Float32Array | null, out: Float32Array): void {
  for (let c = 0; c < C; c++) {
    const invStd = 1 / Math.sqrt(variance[c]! + eps);
    const scale = (weight ? weight[c]! : 1) * invStd;
    const shift = (bias ? bias[c]! : 0) - mean[c]! * scale;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) out[base + i] = x[base + i]! * scale + shift;
    }
  }
}

// With batch statistics: dx = w * invStd * (g - mean(g) - xhat * mean(g * xhat)); else dx = w * invStd * g.
function batchNormBackward(gradOut: Float32Array, x: Float32Array, N: number, C: number, S: number,
  mean: Float32Array, variance: Float32Array, eps: number, weight: Float32Array | null, batchStats: boolean,
  gradInput: Float32Array | null, gradWeight: Float32Array | null, gradBias: Float32Array | null): void {
  const M = N * S;
  for (let c = 0; c < C; c++) {
    const m = mean[c]!, invStd = 1 / Math.sqrt(variance[c]! + eps);
    let sumG = 0, sumGX = 0; // sum(g), sum(g * (x - mean))
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) { const g = gradOut[base + i]!; sumG += g; sumGX += g * (x[base + i]! - m); }
    }
    if (gradWeight) gradWeight[c] = sumGX * invStd;
    if (gradBias) gradBias[c] = sumG;
    if (!gradInput) continue;
    const k = (weight ? weight[c]! : 1) * invStd;
    if (batchStats) {
      const meanG = sumG / M, proj = (sumGX / M) * invStd * invStd; // mean(g * xhat) * invStd
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * S;
        for (let i = 0; i < S; i++) gradInput[base + i] = k * (gradOut[base + i]! - meanG - (x[base + i]! - m) * proj);
      }
    } else {
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * S;
        for (let i = 0; i < S; i++) gradInput[base + i] = k * gradOut[base + i]!;
      }
    }
  }
}

export const normKernels: NormKernels = { batchNormStats, batchNormForward, batchNormBackward };
