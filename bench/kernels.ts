// Per-kernel timings of nin's convolutions at batch 64 (forward, backward input, backward weight),
// through the active backend, so work can aim at the biggest cost.
import { getBackend, type Conv2dGeometry } from 'tapegrad';
import { emit, measure, median, PLANS, round, stats, type BenchRecord } from './measure.js';

const NIN_CONVS: readonly (readonly [number, number, number, number])[] = [
  [1, 32, 5, 28], [32, 32, 1, 28], [32, 32, 1, 28],
  [32, 64, 5, 14], [64, 64, 1, 14], [64, 64, 1, 14],
  [64, 128, 3, 7], [128, 128, 1, 7], [128, 10, 1, 7],
];

export function runKernels(common: BenchRecord, budgetS: number, quick: boolean): void {
  const be = getBackend();
  if (typeof be.conv2d !== 'function') {
    emit({ bench: 'conv', error: 'the backend has no conv2d kernel yet', ...common });
    return;
  }
  const N = 64;
  for (const [C, O, k, H] of quick ? NIN_CONVS.slice(3, 4) : NIN_CONVS) {
    const pad = (k - 1) / 2;
    const g: Conv2dGeometry = {
      N, C, H, W: H, O, kH: k, kW: k, strideH: 1, strideW: 1, padH: pad, padW: pad,
      dilationH: 1, dilationW: 1, groups: 1, Ho: H, Wo: H, outSampleStride: O * H * H,
    };
    const x = fill(N * C * H * H), w = fill(O * C * k * k), bias = fill(O), gy = fill(N * O * H * H);
    const out = new Float32Array(N * O * H * H), gx = new Float32Array(N * C * H * H), gw = new Float32Array(O * C * k * k);
    const flops = 2 * N * O * H * H * C * k * k;
    const passes: [string, () => void][] = [
      ['forward', () => be.conv2d(x, w, bias, g, out)],
      ['backward input', () => be.conv2dBackward(gy, null, w, g, gx, null, null)],
      ['backward weight', () => be.conv2dBackward(gy, x, null, g, null, gw, null)],
    ];
    for (const [pass, step] of passes) {
      const t = measure(step, PLANS.kernel, budgetS);
      emit({
        bench: 'conv', way: `conv ${C}->${O} k${k} ${H}x${H}`, pass, batch: N,
        gflops: round(flops / median(t.times) / 1e9, 2), ...stats(t), ...common,
      });
    }
  }
}

function fill(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37) * 0.5;
  return a;
}
