import type { WasmMemory } from './memory.js';

/** A matrix placed in the arena: byte address and (row, col) strides in elements. */
export interface Placed {
  readonly ptr: number;
  readonly rs: number;
  readonly cs: number;
}

/**
 * Copies a rows x cols strided matrix into the arena. When its storage span is dense enough the
 * span is copied as one block (a memcpy) and the strides kept, so a transposed or broadcast view
 * costs no gather; otherwise the elements are gathered into a contiguous row-major block.
 */
export function placeMatrix(mem: WasmMemory, src: Float32Array, off: number, rs: number, cs: number,
  rows: number, cols: number): Placed {
  const span = (rows - 1) * rs + (cols - 1) * cs + 1;
  if (span <= 2 * rows * cols + 64) {
    const ptr = mem.take(span);
    mem.f32.set(src.subarray(off, off + span), ptr >> 2);
    return { ptr, rs, cs };
  }
  const ptr = mem.take(rows * cols);
  const heap = mem.f32;
  let d = ptr >> 2;
  for (let r = 0; r < rows; r++) {
    const s = off + r * rs;
    for (let c = 0; c < cols; c++) heap[d++] = src[s + c * cs]!;
  }
  return { ptr, rs: cols, cs: 1 };
}

/** Copies a contiguous array into the arena; returns the byte address. */
export function placeArray(mem: WasmMemory, src: Float32Array, length = src.length): number {
  const ptr = mem.take(length);
  mem.f32.set(length === src.length ? src : src.subarray(0, length), ptr >> 2);
  return ptr;
}

/** Copies `n` floats at byte address `ptr` of the arena into `dst`. */
export function readArray(mem: WasmMemory, ptr: number, n: number, dst: Float32Array): void {
  dst.set(mem.f32.subarray(ptr >> 2, (ptr >> 2) + n));
}

/** Copies rows x cols from the arena (row stride `cols`) into `dst` at `off` with row stride `rs`. */
export function readRows(mem: WasmMemory, ptr: number, rows: number, cols: number, dst: Float32Array, off: number, rs: number): void {
  const heap = mem.f32, p = ptr >> 2;
  if (rs === cols) {
    dst.set(heap.subarray(p, p + rows * cols), off);
    return;
  }
  for (let r = 0; r < rows; r++) dst.set(heap.subarray(p + r * cols, p + (r + 1) * cols), off + r * rs);
}

/**
 * out[o] = the sum over parts of the float64 partial sums at byte address `ptr` (part q's at
 * q * stride + o), for o < n: the per-thread bias-gradient sums of the convolution kernels.
 */
export function sumPartials(mem: WasmMemory, ptr: number, parts: number, stride: number, n: number, out: Float32Array): void {
  const sums = new Float64Array(mem.memory.buffer, ptr, parts * stride);
  for (let o = 0; o < n; o++) {
    let t = 0;
    for (let q = 0; q < parts; q++) t += sums[q * stride + o]!;
    out[o] = t;
  }
}
