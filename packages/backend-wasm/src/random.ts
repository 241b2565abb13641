import { maskBits, type CoreKernels } from '@tapegrad/tensor';
import type { WasmContext } from './context.js';
import { hostCpu } from './cpu.js';
import { jumpState } from './jump.js';
import { outputAt, readArray } from './transfer.js';

/**
 * The dropout mask drawn in WebAssembly memory (assembly/random.ts), where the multiplies that read
 * it find it. The draws are one sequence: split over the threads, each part starts from the
 * generator's state jumped ahead to its first element (src/jump.ts), and the last part's end state
 * is the generator's new state. Below ELEMENTS' `min` the mask is drawn on the host.
 */
export function makeRandomKernels(ctx: WasmContext): Pick<CoreKernels, 'fillMask'> {
  const mem = ctx.mem;
  return {
    fillMask(state, p, value, out) {
      const n = out.length;
      if (n === 0 || ctx.declines('fillMask', n)) {
        hostCpu.fillMask(state, p, value, out);
        return;
      }
      const { below, valueBits } = maskBits(p, value);
      const parts = ctx.parts('fillMask', n, n);
      mem.reset();
      const ps = mem.take(4 * parts), po = outputAt(mem, out, n);
      const states = new Int32Array(mem.memory.buffer, ps, 4 * parts);
      states.set(state);
      // the same split as the kernel's: part q starts at floor(n q / parts)
      for (let q = 1; q < parts; q++) jumpState(state, Math.floor(n * q / parts), states.subarray(4 * q, 4 * q + 4));
      ctx.run('fillMask', [ps, below, valueBits, po, n], parts);
      state.set(new Int32Array(mem.memory.buffer, ps + 16 * (parts - 1), 4));
      readArray(mem, po, n, out);
    },
  };
}
