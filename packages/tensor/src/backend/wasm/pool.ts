import type { Pool2dGeometry, PoolKernels } from '../PoolKernels.js';
import type { WasmContext } from './context.js';
import { placeArray } from './transfer.js';

/** Below this many window visits max pooling runs on the CPU kernel; from SPLIT_WORK on, planes are split over threads. */
const MIN_WORK = 1 << 14;
const SPLIT_WORK = 1 << 18;

/**
 * The wasm backend's max pooling: the input copied into the arena, a branchless window scan split
 * over threads by planes, values and indices copied out. The backward (a scatter-add by index)
 * stays on the CPU kernel: it is memory-bound and its output is as big as the input.
 */
export function makePoolKernels(ctx: WasmContext, cpu: PoolKernels): Pick<PoolKernels, 'maxPool2d'> {
  return {
    maxPool2d(x: Float32Array, g: Pool2dGeometry, out: Float32Array, argmax: Float32Array): void {
      const inSize = g.planes * g.inH * g.inW, outSize = g.planes * g.outH * g.outW;
      const work = outSize * g.kH * g.kW;
      if (outSize === 0 || ctx.small(work, MIN_WORK)) {
        cpu.maxPool2d(x, g, out, argmax);
        return;
      }
      const mem = ctx.mem;
      mem.reset();
      const geom = mem.take(13);
      new Int32Array(mem.memory.buffer, geom, 13).set([g.planes, g.inH, g.inW, g.outH, g.outW, g.kH, g.kW,
        g.sH, g.sW, g.pH, g.pW, g.dH, g.dW]);
      const px = placeArray(mem, x, inSize);
      const po = mem.take(outSize), pa = mem.take(outSize);
      ctx.run('maxPool2d', [geom, px, po, pa], Math.min(g.planes, ctx.partsFor(work, SPLIT_WORK)));
      const heap = mem.f32;
      out.set(heap.subarray(po >> 2, (po >> 2) + outSize));
      argmax.set(heap.subarray(pa >> 2, (pa >> 2) + outSize));
    },
  };
}
