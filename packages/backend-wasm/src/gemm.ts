import { cpuBackend, type CoreKernels } from '@tapegrad/tensor';

const cpuGemm = cpuBackend.gemm;
import type { WasmContext } from './context.js';
import { placeMatrix, readRows } from './transfer.js';

/** Below this many multiply-adds the copies in and out cost more than SIMD saves: the CPU kernel runs. */
const MIN_WORK = 32 * 32 * 32;
/** From this many multiply-adds on, the work is split over threads (a round trip costs ~20-30 µs). */
const SPLIT_WORK = 1 << 20;

/** The wasm backend's GEMM: operands copied into the arena, the SIMD kernel, C copied out. */
export function makeGemm(ctx: WasmContext): CoreKernels['gemm'] {
  return (M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate) => {
    if (M === 0 || N === 0 || K === 0 || ctx.small(M * N * K, MIN_WORK)) {
      cpuGemm(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate);
      return;
    }
    const mem = ctx.mem;
    mem.reset();
    const A = placeMatrix(mem, a, aOff, aRs, aCs, M, K);
    const B = placeMatrix(mem, b, bOff, bRs, bCs, K, N);
    const C = mem.take(M * N);
    if (accumulate) {
      const heap = mem.f32, p = C >> 2;
      for (let i = 0; i < M; i++) heap.set(c.subarray(cOff + i * cRs, cOff + i * cRs + N), p + i * N);
    }
    const parts = ctx.partsFor(M * N * K, SPLIT_WORK);
    ctx.run('gemm', [M, N, K, A.ptr, A.rs, A.cs, B.ptr, B.rs, B.cs, C, N, accumulate ? 1 : 0, mem.scratch], parts);
    readRows(mem, C, M, N, c, cOff, cRs);
  };
}
