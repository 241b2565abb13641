import type { Conv2dGeometry, Pool2dGeometry } from '@tapegrad/tensor';
import type { WasmMemory } from './memory.js';
import * as L from './layout.js';

/**
 * The geometries as the kernels read them: int32 blocks in the arena, slots named in src/layout.ts
 * (the one file the host and assembly/ share). Each writer exists once; a kernel whose geometry
 * extends another's (Winograd's extends the convolution's) takes more slots and fills the rest.
 */

/** Places a convolution's geometry (the CONV_* slots) in a block of `slots` int32; returns its address and the block. */
export function placeConvGeometry(mem: WasmMemory, g: Conv2dGeometry, slots: number = L.CONV_SLOTS): { at: number; v: Int32Array } {
  const at = mem.take(slots);
  const v = new Int32Array(mem.memory.buffer, at, slots);
  v[L.CONV_N] = g.N; v[L.CONV_C] = g.C; v[L.CONV_H] = g.H; v[L.CONV_W] = g.W; v[L.CONV_O] = g.O;
  v[L.CONV_KH] = g.kH; v[L.CONV_KW] = g.kW; v[L.CONV_STRIDE_H] = g.strideH; v[L.CONV_STRIDE_W] = g.strideW;
  v[L.CONV_PAD_H] = g.padH; v[L.CONV_PAD_W] = g.padW; v[L.CONV_DILATION_H] = g.dilationH; v[L.CONV_DILATION_W] = g.dilationW;
  v[L.CONV_GROUPS] = g.groups; v[L.CONV_HO] = g.Ho; v[L.CONV_WO] = g.Wo; v[L.CONV_OUT_STRIDE] = g.outSampleStride;
  return { at, v };
}

/** Places a pooling geometry (the POOL_* slots); returns its address. */
export function placePoolGeometry(mem: WasmMemory, g: Pool2dGeometry): number {
  const at = mem.take(L.POOL_SLOTS);
  const v = new Int32Array(mem.memory.buffer, at, L.POOL_SLOTS);
  v[L.POOL_PLANES] = g.planes; v[L.POOL_IN_H] = g.inH; v[L.POOL_IN_W] = g.inW; v[L.POOL_OUT_H] = g.outH; v[L.POOL_OUT_W] = g.outW;
  v[L.POOL_KH] = g.kH; v[L.POOL_KW] = g.kW; v[L.POOL_STRIDE_H] = g.sH; v[L.POOL_STRIDE_W] = g.sW;
  v[L.POOL_PAD_H] = g.pH; v[L.POOL_PAD_W] = g.pW; v[L.POOL_DILATION_H] = g.dH; v[L.POOL_DILATION_W] = g.dW;
  return at;
}
