// Batch-norm kernels alone on nin-bn's shapes (batch 64): ms per call of the training forward
// (statistics and normalisation, ReLU epilogue) and of the backward through the ReLU, as a
// training step calls them, into outputs allocated once (a fresh array per call would add ~1.5 ms
// of page faults per 6 MB, as much as the kernel). Median and 20th percentile of `reps` calls after 3 warm-up calls: on a
// shared VM whose memory speed drifts, the low percentile is the steadier figure for comparing
// two builds run one after the other.
// Usage: TAPEGRAD_BACKEND=wasm npx tsx bench/norm-kernels.ts [reps]
import { Generator, getBackend } from 'tapegrad';
import { measure, median, quantile } from './measure.js';

const reps = Number(process.argv[2] ?? '15');
const g = new Generator(7);
const randArray = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => g.normal() * scale);

/** Median and 20th percentile of `reps` timed calls after 3 warm-up calls, ms (no time budget). */
function time(f: () => void): [number, number] {
  const { times } = measure(f, { warmup: 3, reps }, Infinity);
  return [1000 * median(times), 1000 * quantile(times, 0.2)];
}

const be = getBackend();
const fmt = ([med, p20]: [number, number]): string => `${med.toFixed(2)} (p20 ${p20.toFixed(2)})`;
console.log('shape (N, C, S)        forward, ms          backward, ms');
// (N, C, S): blocks 1, 2 and 3 of nin-bn (S = H * W)
for (const [N, C, S] of [[64, 32, 784], [64, 64, 196], [64, 128, 49]] as const) {
  const n = N * C * S;
  const x = randArray(n, 1), gradOut = randArray(n, 0.1), weight = randArray(C, 0.2).map((v) => v + 1), bias = randArray(C, 0.1);
  const mean = new Float32Array(C), variance = new Float32Array(C), out = new Float32Array(n);
  const gradInput = new Float32Array(n), gradWeight = new Float32Array(C), gradBias = new Float32Array(C);
  const forward = time(() => be.batchNormTrain(x, N, C, S, 1e-5, weight, bias, mean, variance, out, 'relu'));
  const backward = time(() => be.batchNormBackward(gradOut, x, N, C, S, mean, variance, 1e-5, weight, bias, true,
    gradInput, gradWeight, gradBias, { kind: 'relu', out }));
  console.log(`(${N}, ${C}, ${S})`.padEnd(23), fmt(forward).padEnd(20), fmt(backward));
}
