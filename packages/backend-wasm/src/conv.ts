import { convOutputSpan, hostArray, type Conv2dGeometry, type ConvKernels } from '@tapegrad/tensor';
import { hostCpu as cpuConv } from './cpu.js';
import type { WasmContext } from './context.js';
import { copyPart, inputAt, outputAt, placeArray, readArray, readOutput, sumPartials, type Operand } from './transfer.js';
import { epilogueCode } from './epilogue.js';
import { placeConvGeometry } from './geometry.js';
import { makeWinogradKernels, winogradApplies, winogradPays } from './winograd.js';

type WasmConvKernels = Pick<ConvKernels, 'conv2d' | 'conv2dBackward'>;

/** Elements of x, w and the output's span (its samples outSampleStride apart), and multiply-adds. */
function sizes(g: Conv2dGeometry): { x: number; w: number; y: number; work: number } {
  const K = (g.C / g.groups) * g.kH * g.kW, L = g.Ho * g.Wo;
  return { x: g.N * g.C * g.H * g.W, w: g.O * K, y: convOutputSpan(g), work: g.N * g.O * L * K };
}

/**
 * The wasm backend's convolutions: the whole batch is copied into the arena once, each thread
 * unfolds (im2col) and multiplies its share of the samples with the SIMD GEMM in place, and the
 * result is copied out once. The weight gradient is summed per thread, then the partial sums added.
 * Stride-1 3x3 and 5x5 convolutions go through Winograd instead (src/winograd.ts) where it pays.
 */
export function makeConvKernels(ctx: WasmContext): WasmConvKernels {
  const winograd = makeWinogradKernels(ctx);
  /**
   * Winograd (stride 1, 3x3 or 5x5) where it is expected to be faster than im2col; without
   * thresholds (the conformance mode) on every shape it applies to, so small tests reach it.
   */
  const useWinograd = (g: Conv2dGeometry): boolean => winogradApplies(g) &&
    (!ctx.useThresholds || winogradPays(g));
  const cols = (geom: number, n: number): number => ctx.mem.take(n * ctx.mem.exports.convColsBytes(geom) / 4);
  /** Packs the weight once for every sample and thread (transposed: as W^T, for the input gradient). */
  const packWeights = (geom: number, pw: number, transposed: 0 | 1): number => {
    const dst = ctx.mem.take(ctx.mem.exports.packedWeightBytes(geom, transposed) / 4);
    ctx.mem.exports.packWeights(geom, pw, dst, transposed);
    return dst;
  };
  const conv2dBackward: ConvKernels['conv2dBackward'] = (gradOut, x, w, g, gradInput, gradWeight, gradBias, epilogue = null) => {
    const reluOut = epilogue === null ? null : epilogue.out;
    const s = sizes(g);
    const jobs = (gradInput !== null ? 1 : 0) + (gradWeight !== null ? 1 : 0);
    if (jobs === 0 && reluOut === null) {
      if (gradBias !== null) conv2dBackwardBias(gradOut, g, gradBias);
      return;
    }
    if (jobs === 0 || s.work === 0 || ctx.declines('conv2dBackward', s.work)) {
      cpuConv.conv2dBackward(gradOut, x, w, g, gradInput, gradWeight, gradBias, epilogue);
      return;
    }
    // (Winograd declines when an infinite or NaN value shows: then im2col below, as for other shapes)
    if (useWinograd(g) && winograd.conv2dBackward(gradOut, x, w, g, gradInput, gradWeight, gradBias, epilogue)) return;
    const mem = ctx.mem;
    mem.reset();
    const geom = placeConvGeometry(mem, g).at;
    const none: Operand = { ptr: 0, copy: false };
    const gy = inputAt(mem, gradOut, s.y);
    const mask = reluOut !== null ? inputAt(mem, reluOut, s.y) : none;
    const xs = gradWeight !== null ? inputAt(mem, x!, s.x) : none;
    const pgy = gy.ptr, pmask = mask.ptr, px = xs.ptr;
    const pw = gradInput !== null ? placeArray(mem, w!, s.w) : 0;
    const pgx = gradInput !== null ? outputAt(mem, gradInput, s.x) : 0;
    const n = ctx.parts('conv2dBackward', jobs * s.work, g.N);
    const pgw = gradWeight !== null ? mem.take(n * s.w) : 0;
    const pgb = gradBias !== null ? mem.take(2 * n * g.O) : 0;
    const packed = gradInput !== null ? packWeights(geom, pw, 1) : 0;
    // each part masks its sample's gradient by reluOut into a block of its own
    const masked = reluOut !== null ? mem.take(n * g.O * g.Ho * g.Wo) : 0;
    const ready = mem.take(1);
    const counters = new Int32Array(mem.memory.buffer);
    counters[ready >> 2] = 0;
    // Each part's samples (the split of assembly/conv.ts) go in, the last part first, so the workers
    // start on theirs while this thread still copies its own.
    const outPer = g.O * g.Ho * g.Wo, inPer = g.C * g.H * g.W, S = g.outSampleStride;
    const copyIn = (): void => {
      try {
        for (let p = n - 1; p >= 0; p--) {
          const n0 = Math.floor(g.N * p / n), n1 = Math.floor(g.N * (p + 1) / n);
          const y0 = n0 * S, y1 = n1 > n0 ? (n1 - 1) * S + outPer : y0;
          copyPart(mem, gy, gradOut, y0, y1);
          if (reluOut !== null) copyPart(mem, mask, reluOut, y0, y1);
          if (gradWeight !== null) copyPart(mem, xs, x!, n0 * inPer, n1 * inPer);
          Atomics.store(counters, ready >> 2, n - p);
          Atomics.notify(counters, ready >> 2);
        }
      } finally {
        Atomics.store(counters, ready >> 2, n);
        Atomics.notify(counters, ready >> 2);
      }
    };
    ctx.run('conv2dBackward', [geom, pgy, px, pw, pgx, pgw, pgb, cols(geom, n), mem.scratch, packed, pmask, masked, ready], n, copyIn);
    if (gradInput !== null) readArray(mem, pgx, s.x, gradInput);
    if (gradWeight !== null) {
      for (let p = 1; p < n; p++) mem.exports.addInto(pgw, pgw + p * s.w * 4, s.w);
      readArray(mem, pgw, s.w, gradWeight);
    }
    if (gradBias !== null) sumPartials(mem, pgb, n, g.O, g.O, gradBias);
  };
  return {
    conv2dBackward,
    conv2d(x, w, bias, g, out, epilogue = 'none') {
      const s = sizes(g);
      if (s.work === 0 || ctx.declines('conv2d', s.work)) {
        cpuConv.conv2d(x, w, bias, g, out, epilogue);
        return;
      }
      if (useWinograd(g) && winograd.conv2d(x, w, bias, g, out, epilogue)) return;
      const mem = ctx.mem;
      mem.reset();
      const geom = placeConvGeometry(mem, g).at;
      const xs = inputAt(mem, x, s.x), px = xs.ptr, pw = placeArray(mem, w, s.w);
      const pb = bias === null ? 0 : placeArray(mem, bias, g.O);
      const py = outputAt(mem, out, s.y);
      const n = ctx.parts('conv2d', s.work, g.N);
      const packed = packWeights(geom, pw, 0);
      const next = mem.take(1), ready = mem.take(1);
      const counters = new Int32Array(mem.memory.buffer);
      counters[next >> 2] = 0;
      counters[ready >> 2] = 0;
      // x goes in a few samples at a time while the workers already convolve the ones that arrived
      const sample = g.C * g.H * g.W, step = Math.max(1, Math.ceil(g.N / 16));
      const copyIn = (): void => {
        try {
          for (let i = 0; i < g.N; i += step) {
            const end = Math.min(g.N, i + step);
            copyPart(mem, xs, x, i * sample, end * sample);
            Atomics.store(counters, ready >> 2, end);
            Atomics.notify(counters, ready >> 2);
          }
        } finally {
          // never leave a worker waiting for samples that will not come (the error surfaces after the join)
          Atomics.store(counters, ready >> 2, g.N);
          Atomics.notify(counters, ready >> 2);
        }
      };
      // then, while samples are left for the workers, arrays due back to the host go back
      const meanwhile = (): void => {
        copyIn();
        ctx.drainWhile(next, g.N);
      };
      ctx.run('conv2d', [geom, px, pw, pb, py, cols(geom, n), mem.scratch, packed, epilogueCode(epilogue), next, ready], n, meanwhile);
      readOutput(mem, py, g, out);
    },
  };
}

/**
 * gradBias[o] = sum of gradOut over N, Ho, Wo, in float64 with four independent partial sums (one
 * chain of dependent adds is what bounds the CPU kernel). Memory-bound, so it stays in TypeScript.
 */
function conv2dBackwardBias(gradOut: Float32Array, g: Conv2dGeometry, gradBias: Float32Array): void {
  hostArray(gradOut);
  hostArray(gradBias);
  const L = g.Ho * g.Wo;
  for (let o = 0; o < g.O; o++) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let n = 0; n < g.N; n++) {
      const base = n * g.outSampleStride + o * L;
      let p = 0;
      for (; p + 4 <= L; p += 4) {
        s0 += gradOut[base + p]!;
        s1 += gradOut[base + p + 1]!;
        s2 += gradOut[base + p + 2]!;
        s3 += gradOut[base + p + 3]!;
      }
      for (; p < L; p++) s0 += gradOut[base + p]!;
    }
    gradBias[o] = s0 + s1 + (s2 + s3);
  }
}
