// Strided operands: coalescing dims on the host, and the WGSL that turns a flat row-major output
// index into each operand's element address.
import type { Epilogue } from '@tapegrad/tensor';
import { pi } from './wgsl.js';

/** A strided view of a GPU buffer (the GPU counterpart of the CPU backend's StridedArray). */
export interface GpuStrided {
  readonly buffer: GPUBuffer;
  /** Element strides per dim (0 where broadcast). */
  readonly strides: readonly number[];
  /** Element offset of index (0, ..., 0). */
  readonly offset: number;
}

/** EpilogueOutput on the GPU: the epilogue a forward kernel ran with and that kernel's output buffer. */
export interface GpuEpilogueOutput {
  readonly kind: Exclude<Epilogue, 'none'>;
  readonly out: GPUBuffer;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * The same walk over fewer dims: size-1 dims dropped, and a dim merged into the next inner one
 * wherever every operand steps over both as one (stride[d] = stride[d + 1] * shape[d + 1]).
 */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    if (n === 1) continue;
    if (outShape.length > 0 && strides.every((s, j) => s[d]! === outStrides[j]![0]! * outShape[0]!)) {
      outShape[0] = outShape[0]! * n; // the merged dim keeps the inner dim's strides
      continue;
    }
    outShape.unshift(n);
    strides.forEach((s, j) => outStrides[j]!.unshift(s[d]!));
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Int parameters of a strided walk: [total, shape..., then per operand offset, strides...],
 * starting at params.i[base]. Pair with stridedAddressing(rank, operands, base).
 */
export function stridedInts(shape: readonly number[], operands: readonly { strides: readonly number[]; offset: number }[]): number[] {
  const ints = [numel(shape), ...shape];
  for (const o of operands) ints.push(o.offset, ...o.strides);
  return ints;
}

/**
 * WGSL declaring `let total` and `var <name>` (the element address of each operand) for flat
 * output index `p`, the int parameters laid out by stridedInts from params.i[base] on.
 */
export function stridedAddressing(rank: number, names: readonly string[], base = 0): string {
  const shape = (d: number) => pi(base + 1 + d);
  const offset = (j: number) => pi(base + 1 + rank + j * (rank + 1));
  const stride = (j: number, d: number) => pi(base + 1 + rank + j * (rank + 1) + 1 + d);
  let s = `  let total = ${pi(base)};\n`;
  for (let j = 0; j < names.length; j++) s += `  var ${names[j]!} = ${offset(j)};\n`;
  if (rank === 0) return s;
  s += '  var rem = p;\n';
  for (let d = rank - 1; d >= 0; d--) {
    s += `  { let c = rem % ${shape(d)}; rem = rem / ${shape(d)};`;
    for (let j = 0; j < names.length; j++) s += ` ${names[j]!} += c * ${stride(j, d)};`;
    s += ' }\n';
  }
  return s;
}
