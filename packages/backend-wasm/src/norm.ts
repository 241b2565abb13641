import type { NormKernels } from '@tapegrad/tensor';
import { hostCpu as cpuNorm } from './cpu.js';
import type { WasmContext } from './context.js';
import { outputAt, placeArray, readArray } from './transfer.js';
import { epilogueCode } from './epilogue.js';

/**
 * The wasm backend's batch normalisation (x contiguous (N, C, S)): x (and gradOut) copied into the
 * arena once per call (training runs the statistics and the forward kernels on that one copy), the
 * f64x2 kernels of assembly/norm.ts split over threads by channels, results copied out;
 * they equal the CPU kernels bit for bit. Outputs overwrite their input's copy in the arena (out
 * over x, gradInput over gradOut), so a call touches no more arena than its inputs take. Work, for
 * the thresholds of src/exports.ts, is elements of x for the stats and the forward, three times that
 * for the backward's split (two passes over two inputs: about 3x the time).
 */
export function makeNormKernels(ctx: WasmContext): NormKernels {
  const mem = ctx.mem;
  /** A per-channel vector in the arena, or address 0 for null. */
  const placeChannels = (v: Float32Array | null, C: number): number => (v === null ? 0 : placeArray(mem, v, C));
  const read = (p: number, n: number, dst: Float32Array): void => readArray(mem, p, n, dst);
  /**
   * Where the result `dst` goes: over its input's arena copy at `p` (no more arena than the inputs
   * take) when the backend keeps nothing in memory; else into `dst`'s own block (never over an
   * input read in place where it is kept).
   */
  const output = (p: number, dst: Float32Array, n: number): number =>
    mem.kept === null ? p : outputAt(mem, dst, n);
  return {
    batchNormTrain(x, N, C, S, eps, weight, bias, mean, variance, out, epilogue = 'none') {
      const n = N * C * S;
      if (n === 0 || ctx.declines('batchNormForward', n)) {
        cpuNorm.batchNormTrain(x, N, C, S, eps, weight, bias, mean, variance, out, epilogue);
        return;
      }
      // x copied in once for both kernels; the output overwrites it after the statistics are taken
      mem.reset();
      const px = placeArray(mem, x, n), pm = mem.take(C), pv = mem.take(C);
      const pw = placeChannels(weight, C), pb = placeChannels(bias, C);
      ctx.run('batchNormStats', [px, N, C, S, pm, pv], ctx.parts('batchNormStats', n, C));
      const po = output(px, out, n);
      ctx.run('batchNormForward', [px, N, C, S, pm, pv, eps, pw, pb, po, epilogueCode(epilogue)], ctx.parts('batchNormForward', n, C));
      read(pm, C, mean);
      read(pv, C, variance);
      read(po, n, out);
    },
    batchNormForward(x, N, C, S, mean, variance, eps, weight, bias, out, epilogue = 'none') {
      const n = N * C * S;
      if (n === 0 || ctx.declines('batchNormForward', n)) {
        cpuNorm.batchNormForward(x, N, C, S, mean, variance, eps, weight, bias, out, epilogue);
        return;
      }
      mem.reset();
      const px = placeArray(mem, x, n), pm = placeArray(mem, mean, C), pv = placeArray(mem, variance, C);
      const pw = placeChannels(weight, C), pb = placeChannels(bias, C);
      const po = output(px, out, n);
      ctx.run('batchNormForward', [px, N, C, S, pm, pv, eps, pw, pb, po, epilogueCode(epilogue)], ctx.parts('batchNormForward', n, C));
      read(po, n, out);
    },
    batchNormBackward(gradOut, x, N, C, S, mean, variance, eps, weight, bias, batchStats, gradInput, gradWeight, gradBias, epilogue = null) {
      const n = N * C * S;
      if (n === 0 || ctx.declines('batchNormBackward', n)) {
        cpuNorm.batchNormBackward(gradOut, x, N, C, S, mean, variance, eps, weight, bias, batchStats, gradInput, gradWeight, gradBias, epilogue);
        return;
      }
      mem.reset();
      // the epilogue's mask comes from x and the forward's affine map (the kernel recomputes the
      // output), so its output is not copied in
      const pg = placeArray(mem, gradOut, n), px = placeArray(mem, x, n);
      const pm = placeArray(mem, mean, C), pv = placeArray(mem, variance, C), pw = placeChannels(weight, C), pb = placeChannels(bias, C);
      const pgw = mem.take(C), pgb = mem.take(C);
      const pgx = gradInput === null ? 0 : output(pg, gradInput, n);
      ctx.run('batchNormBackward', [pg, px, N, C, S, pm, pv, eps, pw, pb, epilogueCode(epilogue?.kind ?? 'none'),
        batchStats ? 1 : 0, pgx, pgw, pgb], ctx.parts('batchNormBackward', 3 * n, C));
      if (gradInput !== null) read(pgx, n, gradInput);
      if (gradWeight !== null) read(pgw, C, gradWeight);
      if (gradBias !== null) read(pgb, C, gradBias);
    },
  };
}
