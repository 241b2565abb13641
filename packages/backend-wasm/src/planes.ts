import { hostArgs, type CoreKernels, type PoolKernels } from '@tapegrad/tensor';
import { hostCpu } from './cpu.js';

const cpuReduce = hostCpu.reduce;

/**
 * Whole-plane averages (global average pooling however it is spelled: globalAvgPool2d,
 * adaptiveAvgPool2d to 1x1, avgPool2d with the plane as its window, a sum over trailing dims) and
 * their backward passes, in TypeScript: they read each element once, so copying into WebAssembly
 * memory would cost more than the sum. Eight independent float64 partial sums instead of one chain
 * of dependent adds; the backward is one fill per plane. Other geometries go to `fallback`.
 */

/**
 * Sum of x[base .. base + n) in float64, eight partial sums (measured on a 100 MB input: 11.4 ms
 * against 15.8 with four; sixteen spill and are slower again).
 */
function sumRow(x: Float32Array, base: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    const b = base + i;
    s0 += x[b]!; s1 += x[b + 1]!; s2 += x[b + 2]!; s3 += x[b + 3]!;
    s4 += x[b + 4]!; s5 += x[b + 5]!; s6 += x[b + 6]!; s7 += x[b + 7]!;
  }
  for (; i < n; i++) s0 += x[base + i]!;
  return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

function planeMeans(x: Float32Array, planes: number, size: number, divisor: number, out: Float32Array): void {
  hostArgs([x, out]);
  for (let p = 0; p < planes; p++) out[p] = sumRow(x, p * size, size) / divisor;
}

function planeFill(gOut: Float32Array, planes: number, size: number, divisor: number, out: Float32Array): void {
  hostArgs([gOut, out]);
  for (let p = 0; p < planes; p++) out.fill(gOut[p]! / divisor, p * size, (p + 1) * size);
}

type PlaneKernels = Pick<PoolKernels, 'globalAvgPool2d' | 'globalAvgPool2dBackward' | 'adaptiveAvgPool2d' |
  'adaptiveAvgPool2dBackward' | 'avgPool2d' | 'avgPool2dBackward'> & Pick<CoreKernels, 'reduce'>;

/** The kernels above; `fallback` (the wasm pooling kernels over the CPU ones) supplies every other geometry. */
export function makePlaneKernels(fallback: PoolKernels): PlaneKernels {
  /** The divisor of avgPool2d when its one window is the whole plane, or 0 when it is not that case. */
  const wholePlane = (g: Parameters<PoolKernels['avgPool2d']>[1], divisorOverride: number): number =>
    g.kH === g.inH && g.kW === g.inW && g.pH === 0 && g.pW === 0 && g.outH === 1 && g.outW === 1
      ? (divisorOverride > 0 ? divisorOverride : g.inH * g.inW) : 0;
  return {
    globalAvgPool2d: (x, planes, size, out) => planeMeans(x, planes, size, size, out),
    globalAvgPool2dBackward: (gOut, planes, size, out) => planeFill(gOut, planes, size, size, out),
    adaptiveAvgPool2d(x, planes, inH, inW, outH, outW, out) {
      if (outH === 1 && outW === 1) planeMeans(x, planes, inH * inW, inH * inW, out);
      else fallback.adaptiveAvgPool2d(x, planes, inH, inW, outH, outW, out);
    },
    adaptiveAvgPool2dBackward(gOut, planes, inH, inW, outH, outW, out) {
      if (outH === 1 && outW === 1) planeFill(gOut, planes, inH * inW, inH * inW, out);
      else fallback.adaptiveAvgPool2dBackward(gOut, planes, inH, inW, outH, outW, out);
    },
    avgPool2d(x, g, countIncludePad, divisorOverride, out) {
      const d = wholePlane(g, divisorOverride);
      if (d > 0) planeMeans(x, g.planes, g.inH * g.inW, d, out);
      else fallback.avgPool2d(x, g, countIncludePad, divisorOverride, out);
    },
    avgPool2dBackward(gOut, g, countIncludePad, divisorOverride, out) {
      const d = wholePlane(g, divisorOverride);
      if (d > 0) planeFill(gOut, g.planes, g.inH * g.inW, d, out);
      else fallback.avgPool2dBackward(gOut, g, countIncludePad, divisorOverride, out);
    },
    reduce(op, shape, X, mask, out) {
      // A sum of a contiguous input over its trailing dims: one row sum per output element.
      const rank = shape.length;
      let split = rank;
      while (split > 0 && mask[split - 1]) split--;
      let contiguous = true, step = 1;
      for (let d = rank - 1; d >= 0; d--) {
        if (shape[d] !== 1 && X.strides[d] !== step) contiguous = false;
        step *= shape[d]!;
      }
      if (op !== 'sum' || !contiguous || split === rank || mask.slice(0, split).some((m) => m)) {
        cpuReduce(op, shape, X, mask, out);
        return;
      }
      hostArgs([X, out]);
      let rows = 1, size = 1;
      for (let d = 0; d < split; d++) rows *= shape[d]!;
      for (let d = split; d < rank; d++) size *= shape[d]!;
      for (let r = 0; r < rows; r++) out[r] = sumRow(X.data, X.offset + r * size, size);
    },
  };
}
