import { hostArray, type CoreKernels } from '@tapegrad/tensor';
import type { WasmContext } from './context.js';
import { hostCpu } from './cpu.js';

const cpuGemm = hostCpu.gemm;
import { placeMatrix, readRows } from './transfer.js';

/** The wasm backend's GEMM: operands copied into the arena, the SIMD kernel, C copied out. */
export function makeGemm(ctx: WasmContext): CoreKernels['gemm'] {
  return (M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate) => {
    if (M === 0 || N === 0 || K === 0 || ctx.declines('gemm', M * N * K)) {
      cpuGemm(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate);
      return;
    }
    const mem = ctx.mem;
    mem.reset();
    const A = placeMatrix(mem, a, aOff, aRs, aCs, M, K);
    const B = placeMatrix(mem, b, bOff, bRs, bCs, K, N);
    const C = mem.take(M * N);
    if (accumulate) {
      hostArray(c);
      const heap = mem.f32, p = C >> 2;
      for (let i = 0; i < M; i++) heap.set(c.subarray(cOff + i * cRs, cOff + i * cRs + N), p + i * N);
    }
    ctx.run('gemm', [M, N, K, A.ptr, A.rs, A.cs, B.ptr, B.rs, B.cs, C, N, accumulate ? 1 : 0, mem.scratch], ctx.parts('gemm', M * N * K));
    readRows(mem, C, M, N, c, cOff, cRs);
  };
}
