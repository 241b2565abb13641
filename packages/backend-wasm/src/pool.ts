import { hostArray, type Pool2dGeometry, type PoolKernels } from '@tapegrad/tensor';
import type { WasmContext } from './context.js';
import { outputAt, placeArray, readArray } from './transfer.js';
import { placePoolGeometry } from './geometry.js';

type WasmPoolKernels = Pick<PoolKernels, 'maxPool2d' | 'maxPoolBackward' | 'avgPool2d' | 'avgPool2dBackward'>;

/**
 * The wasm backend's 2-d pooling kernels: inputs copied into the arena, the kernel split over
 * threads by planes, outputs copied out (each output overwritten whole: the kernels zero their
 * planes themselves, so `out` needs no copying in). Max pooling is a branchless window scan; the
 * max-pool backward a scatter-add by index into each zeroed plane; average pooling a float64 window
 * sum and its backward a float64 share spread over each window, both with the CPU kernel's divisor
 * rules and roundings.
 */
export function makePoolKernels(ctx: WasmContext, cpu: PoolKernels): WasmPoolKernels {
  const mem = ctx.mem;
  /**
   * Average pooling forward (src x, dst out) or backward (src gOut, dst the input gradient) on
   * wasm; false when the call is small enough for the CPU kernel.
   */
  const average = (kernel: 'avgPool2d' | 'avgPool2dBackward', src: Float32Array, g: Pool2dGeometry, countIncludePad: boolean,
    divisorOverride: number, dst: Float32Array): boolean => {
    const inSize = g.planes * g.inH * g.inW, outSize = g.planes * g.outH * g.outW;
    const forward = kernel === 'avgPool2d';
    // Work: the window visits, plus (backward) zeroing and copying out the input-sized result.
    const work = outSize * g.kH * g.kW + (forward ? 0 : inSize);
    if ((forward ? outSize : inSize) === 0 || ctx.declines(kernel, work)) return false;
    mem.reset();
    const geom = placePoolGeometry(mem, g);
    const ps = placeArray(mem, src, forward ? inSize : outSize), pd = outputAt(mem, dst, forward ? outSize : inSize);
    ctx.run(kernel, [geom, countIncludePad ? 1 : 0, divisorOverride, ps, pd], ctx.parts(kernel, work, g.planes));
    readArray(mem, pd, forward ? outSize : inSize, dst);
    return true;
  };
  return {
    maxPool2d(x, g, out, argmax) {
      const inSize = g.planes * g.inH * g.inW, outSize = g.planes * g.outH * g.outW;
      const work = outSize * g.kH * g.kW;
      if (outSize === 0 || ctx.declines('maxPool2d', work)) {
        cpu.maxPool2d(x, g, out, argmax);
        return;
      }
      mem.reset();
      const geom = placePoolGeometry(mem, g);
      // Slack: groups of windows clipped on the right read (and mask) up to kW * dW + 4 floats past x.
      const slack = g.kW * g.dW + 8;
      let px = mem.addressOf(x);
      if (px >= 0) mem.growTo(px + 4 * (inSize + slack));
      else {
        px = mem.take(inSize + slack);
        mem.f32.set(hostArray(x).subarray(0, inSize), px >> 2);
      }
      const po = outputAt(mem, out, outSize), pa = outputAt(mem, argmax, outSize);
      ctx.run('maxPool2d', [geom, px, po, pa], ctx.parts('maxPool2d', work, g.planes));
      readArray(mem, po, outSize, out);
      readArray(mem, pa, outSize, argmax);
    },
    maxPoolBackward(gOut, argmax, planes, inPlane, outPlane, out) {
      const inSize = planes * inPlane, outSize = planes * outPlane;
      // Work: the scatter, and zeroing and copying out the input-sized result.
      const work = outSize + inSize;
      if (inSize === 0 || ctx.declines('maxPoolBackward', work)) {
        cpu.maxPoolBackward(gOut, argmax, planes, inPlane, outPlane, out);
        return;
      }
      mem.reset();
      const pg = placeArray(mem, gOut, outSize), pa = placeArray(mem, argmax, outSize), po = outputAt(mem, out, inSize);
      ctx.run('maxPoolBackward', [pg, pa, planes, inPlane, outPlane, po], ctx.parts('maxPoolBackward', work, planes));
      readArray(mem, po, inSize, out);
    },
    avgPool2d(x, g, countIncludePad, divisorOverride, out) {
      if (!average('avgPool2d', x, g, countIncludePad, divisorOverride, out)) cpu.avgPool2d(x, g, countIncludePad, divisorOverride, out);
    },
    avgPool2dBackward(gOut, g, countIncludePad, divisorOverride, out) {
      if (!average('avgPool2dBackward', gOut, g, countIncludePad, divisorOverride, out)) {
        cpu.avgPool2dBackward(gOut, g, countIncludePad, divisorOverride, out);
      }
    },
  };
}
