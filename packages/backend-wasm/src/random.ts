import { maskBits, type CoreKernels } from '@tapegrad/tensor';
import type { WasmContext } from './context.js';
import { hostCpu } from './cpu.js';
import { outputAt, readArray } from './transfer.js';

/** Below this many elements a mask is drawn on the host (the call would cost more than it saves). */
const MIN_ELEMENTS = 1 << 14;

/**
 * The dropout mask drawn in WebAssembly memory (assembly/random.ts), on this thread (the draws are
 * one sequence, at the speed of the TypeScript loop): the multiplies that read it find it there.
 * The generator's state words go in and come back advanced.
 */
export function makeRandomKernels(ctx: WasmContext): Pick<CoreKernels, 'fillMask'> {
  const mem = ctx.mem;
  return {
    fillMask(state, p, value, out) {
      const n = out.length;
      if (n < MIN_ELEMENTS) {
        hostCpu.fillMask(state, p, value, out);
        return;
      }
      const { below, valueBits } = maskBits(p, value);
      mem.reset();
      const ps = mem.take(4), po = outputAt(mem, out, n);
      const words = new Int32Array(mem.memory.buffer, ps, 4);
      words.set(state);
      mem.exports.fillMask(ps, below, valueBits, po, n);
      state.set(words);
      readArray(mem, po, n, out);
    },
  };
}
