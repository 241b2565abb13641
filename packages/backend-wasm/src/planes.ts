import { hostArgs, type CoreKernels, type PoolKernels } from '@tapegrad/tensor';
import type { WasmContext } from './context.js';
import { hostCpu } from './cpu.js';
import { copyPart, inputAt, outputAt, readArray } from './transfer.js';

const cpuReduce = hostCpu.reduce;

/**
 * Whole-plane averages (global average pooling however it is spelled: globalAvgPool2d,
 * adaptiveAvgPool2d to 1x1, avgPool2d with the plane as its window, a sum over trailing dims) and
 * their backward passes. From PASSES' `min` elements they run in WebAssembly (assembly/planes.ts),
 * split over the threads: an input kept in the backend's memory is read in place (100 MB in 8 ms on
 * two threads of the 2-vCPU Xeon, where copying it to the host and summing there took 57), a host
 * one is copied in a block of planes at a time while the threads already sum the blocks that
 * arrived (18 ms against 36-39 for the TypeScript loop, which reads a host array at ~2.8 GB/s where
 * the copy runs at ~6.7). Smaller calls run the same sums in TypeScript: both take eight
 * independent float64 partial sums in the same order, so they give the same bits.
 *
 * The backward is a fill of the host array: filling in WebAssembly memory (7 ms) pays off only for
 * a kernel that reads the gradient there next, and a gradient that goes to the host (a leaf's
 * `.grad`, the micro-benchmark's case) then costs a copy into a fresh buffer (forward + backward
 * 81-84 ms against 54-58 with the host fill). Other geometries go to `fallback`.
 */

/**
 * Sum of x[base .. base + n) in float64, eight partial sums (measured on a 100 MB input on a 2-vCPU
 * AMD EPYC: 11.4 ms against 15.8 with four; sixteen spill and are slower again).
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

/** The planes copied in at a time (about 1 MB), and the planes a thread takes at a time: a copied block. */
const blockPlanes = (size: number): number => Math.max(1, Math.floor((1 << 18) / Math.max(1, size)));

/** The planes' means, out[p] = (sum of x[offset + p * size ..][0 .. size)) / divisor for p < planes: on wasm from PASSES' `min` elements. */
type Means = (x: Float32Array, offset: number, planes: number, size: number, divisor: number, out: Float32Array) => void;

function makeMeans(ctx: WasmContext): Means {
  const mem = ctx.mem;
  return (x, offset, planes, size, divisor, out) => {
    const total = planes * size;
    if (total === 0 || ctx.declines('planeMeans', total)) {
      hostArgs([x, out]);
      for (let p = 0; p < planes; p++) out[p] = sumRow(x, offset + p * size, size) / divisor;
      return;
    }
    mem.reset();
    const src = offset === 0 && x.length === total ? x : x.subarray(offset, offset + total);
    const xs = inputAt(mem, src, total);
    const po = outputAt(mem, out, planes);
    const block = blockPlanes(size), blocks = Math.ceil(planes / block);
    const next = mem.take(1), ready = mem.take(1);
    const counters = new Int32Array(mem.memory.buffer);
    counters[next >> 2] = 0;
    counters[ready >> 2] = xs.copy ? 0 : planes;
    const copyIn = (): void => {
      if (!xs.copy) return;
      try {
        for (let p = 0; p < planes; p += block) {
          const end = Math.min(planes, p + block);
          copyPart(mem, xs, src, p * size, end * size);
          Atomics.store(counters, ready >> 2, end);
          Atomics.notify(counters, ready >> 2);
        }
      } finally {
        // never leave a worker waiting for planes that will not come (the error surfaces after the join)
        Atomics.store(counters, ready >> 2, planes);
        Atomics.notify(counters, ready >> 2);
      }
    };
    const meanwhile = (): void => {
      copyIn();
      ctx.drainWhile(next, blocks);
    };
    ctx.run('planeMeans', [xs.ptr, planes, size, divisor, po, block, next, ready], ctx.parts('planeMeans', total, blocks), meanwhile);
    readArray(mem, po, planes, out);
  };
}

/** out[p * size .. (p + 1) * size) = gOut[p] / divisor for p < planes: a fill of the host array (see above). */
function planeFill(gOut: Float32Array, planes: number, size: number, divisor: number, out: Float32Array): void {
  hostArgs([gOut, out]);
  for (let p = 0; p < planes; p++) out.fill(gOut[p]! / divisor, p * size, (p + 1) * size);
}

type PlaneKernels = Pick<PoolKernels, 'globalAvgPool2d' | 'globalAvgPool2dBackward' | 'adaptiveAvgPool2d' |
  'adaptiveAvgPool2dBackward' | 'avgPool2d' | 'avgPool2dBackward'> & Pick<CoreKernels, 'reduce'>;

/** The kernels above; `fallback` (the wasm pooling kernels over the CPU ones) supplies every other geometry. */
export function makePlaneKernels(ctx: WasmContext, fallback: PoolKernels): PlaneKernels {
  const means = makeMeans(ctx);
  const planeMeans = (x: Float32Array, planes: number, size: number, divisor: number, out: Float32Array): void =>
    means(x, 0, planes, size, divisor, out);
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
      let rows = 1, size = 1;
      for (let d = 0; d < split; d++) rows *= shape[d]!;
      for (let d = split; d < rank; d++) size *= shape[d]!;
      means(X.data, X.offset, rows, size, 1, out);
    },
  };
}
