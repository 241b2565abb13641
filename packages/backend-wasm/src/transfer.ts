import { hostArray, type Conv2dGeometry } from '@tapegrad/tensor';
import type { WasmMemory } from './memory.js';

// How operands reach the kernels and results leave them. An array the backend keeps in its memory
// (src/resident.ts) is passed by address, in place; any other is current on the host (brought back
// first if another backend holds it) and copied into the arena. A result goes where `outputAt`
// says: into its array's block of kept memory, or into the arena and from there into the array.

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
  const at = mem.addressOf(src);
  if (at >= 0) return { ptr: at + off * 4, rs, cs };
  hostArray(src);
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

/** Copies a contiguous array into the arena (or, kept in memory, passes it in place); returns the byte address. */
export function placeArray(mem: WasmMemory, src: Float32Array, length = src.length): number {
  const at = mem.addressOf(src);
  if (at >= 0) return at;
  hostArray(src);
  const ptr = mem.take(length);
  mem.f32.set(length === src.length ? src : src.subarray(0, length), ptr >> 2);
  return ptr;
}

/**
 * Where a kernel writes the first `n` elements of its output `dst`: in `dst`'s own block when the
 * backend keeps `dst` in its memory (then `readArray` into `dst` has nothing to do), else in the arena.
 */
export function outputAt(mem: WasmMemory, dst: Float32Array, n: number): number {
  const at = mem.kept === null ? -1 : mem.kept.output(dst, n === dst.length);
  return at >= 0 ? at : mem.take(n);
}

/** An input's place in memory for a call: `ptr`, and whether `copyPart` copies the host array there (false: it is kept at `ptr`). */
export interface Operand {
  readonly ptr: number;
  readonly copy: boolean;
}

/**
 * Where a kernel reads `n` elements of `src`: in place when kept in memory, else in the arena, to be
 * filled with `copyPart` (so the copy can overlap the workers' start). Kernels never write over an
 * input they get this way.
 */
export function inputAt(mem: WasmMemory, src: Float32Array, n: number): Operand {
  const at = mem.addressOf(src);
  if (at >= 0) return { ptr: at, copy: false };
  hostArray(src);
  return { ptr: mem.take(n), copy: true };
}

/** Copies elements [start, end) of `src` to where `op` places them (nothing when it is read in place). */
export function copyPart(mem: WasmMemory, op: Operand, src: Float32Array, start: number, end: number): void {
  if (!op.copy) return;
  mem.f32.set(src.subarray(start, end), (op.ptr >> 2) + start);
}

/** Copies `n` floats at byte address `ptr` into `dst` (nothing to do when that is where `dst` is kept). */
export function readArray(mem: WasmMemory, ptr: number, n: number, dst: Float32Array): void {
  const at = mem.addressOf(dst);
  if (at === ptr) return;
  if (at >= 0) {
    mem.f32.copyWithin(at >> 2, ptr >> 2, (ptr >> 2) + n);
    return;
  }
  hostArray(dst);
  dst.set(mem.f32.subarray(ptr >> 2, (ptr >> 2) + n));
}

/**
 * Copies rows x cols at byte address `ptr` (row stride `ps`, by default `cols`) into `dst` at `off`
 * with row stride `rs`; the elements between the rows are left as they are (nothing to do when the
 * rows are where `dst` is kept).
 */
export function readRows(mem: WasmMemory, ptr: number, rows: number, cols: number, dst: Float32Array, off: number, rs: number, ps = cols): void {
  const heap = mem.f32, p = ptr >> 2;
  const at = mem.addressOf(dst);
  if (at >= 0) {
    const d = (at >> 2) + off;
    if (d === p && rs === ps) return;
    for (let r = 0; r < rows; r++) heap.copyWithin(d + r * rs, p + r * ps, p + r * ps + cols);
    return;
  }
  hostArray(dst);
  if (rs === cols && ps === cols) {
    dst.set(heap.subarray(p, p + rows * cols), off);
    return;
  }
  for (let r = 0; r < rows; r++) dst.set(heap.subarray(p + r * ps, p + r * ps + cols), off + r * rs);
}

/** Copies a convolution's output, laid out as `out` (outSampleStride apart), from `ptr` into `out`: its samples only. */
export function readOutput(mem: WasmMemory, ptr: number, g: Conv2dGeometry, out: Float32Array): void {
  const per = g.O * g.Ho * g.Wo;
  if (g.outSampleStride === per) readArray(mem, ptr, g.N * per, out);
  else readRows(mem, ptr, g.N, per, out, 0, g.outSampleStride, g.outSampleStride);
}

/**
 * out[o] = the sum over parts of the float64 partial sums at byte address `ptr` (part q's at
 * q * stride + o), for o < n: the per-thread bias-gradient sums of the convolution kernels.
 */
export function sumPartials(mem: WasmMemory, ptr: number, parts: number, stride: number, n: number, out: Float32Array): void {
  hostArray(out);
  const sums = new Float64Array(mem.memory.buffer, ptr, parts * stride);
  for (let o = 0; o < n; o++) {
    let t = 0;
    for (let q = 0; q < parts; q++) t += sums[q * stride + o]!;
    out[o] = t;
  }
}
