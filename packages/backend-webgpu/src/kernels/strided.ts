// binary, where and copy: elementwise kernels over strided operands. Shapes: any rank; every
// operand is a strided view over `shape` (stride 0 where broadcast), out contiguous over `shape`
// (copy: out strided too). Dims are coalesced on the host first, so a contiguous or simply
// broadcast call runs at rank 1 or 2; one pipeline per (op, rank).
import type { BinaryOp } from '@tapegrad/tensor';
import type { KernelRunner, KernelSpec } from '../runner.js';
import { coalesce, numel, stridedAddressing, stridedInts, type GpuStrided } from '../layout.js';
import { SPECIALS, WG, main1d, paramsDecl, storage } from '../wgsl.js';
import { MATH } from './unary.js';

/** `fn op(x: f32, y: f32) -> f32` per op: NaN decided on the bits, comparisons give 1 or 0. */
const OPS: Record<BinaryOp, string> = {
  add: 'return x + y;',
  sub: 'return x - y;',
  mul: 'return x * y;',
  div: 'return x / y;',
  pow: 'return pow_js(x, y);',
  maximum: 'if (is_nan(x) || is_nan(y)) { return nan_f32(); } if (x > y) { return x; } return y;',
  minimum: 'if (is_nan(x) || is_nan(y)) { return nan_f32(); } if (x < y) { return x; } return y;',
  gt: 'if (!is_nan(x) && !is_nan(y) && x > y) { return 1.0; } return 0.0;',
  ge: 'if (!is_nan(x) && !is_nan(y) && x >= y) { return 1.0; } return 0.0;',
  lt: 'if (!is_nan(x) && !is_nan(y) && x < y) { return 1.0; } return 0.0;',
  le: 'if (!is_nan(x) && !is_nan(y) && x <= y) { return 1.0; } return 0.0;',
  eq: 'if (!is_nan(x) && !is_nan(y) && x == y) { return 1.0; } return 0.0;',
  ne: 'if (!is_nan(x) && !is_nan(y) && x == y) { return 0.0; } return 1.0;',
};

const specs = new Map<string, KernelSpec>();
function cached(key: string, wgsl: () => string): KernelSpec {
  let s = specs.get(key);
  if (s === undefined) { s = { key, wgsl }; specs.set(key, s); }
  return s;
}

/** Int parameters of a walk over `rank` dims with `k` operands (see stridedInts). */
function intCount(rank: number, k: number): number {
  return 1 + rank + k * (rank + 1);
}

function binarySpec(op: BinaryOp, rank: number): KernelSpec {
  return cached(`binary:${op}:r${rank}`, () => `${paramsDecl(0, intCount(rank, 2))}${storage(1, 'a', false)}${storage(2, 'b', false)}${storage(3, 'out', true)}${SPECIALS}${MATH}
fn op(x: f32, y: f32) -> f32 { ${OPS[op]} }
${main1d()}${stridedAddressing(rank, ['ia', 'ib'])}  if (p >= total) { return; }
  out[p] = op(a[ia], b[ib]);
}
`);
}

/** out (contiguous, `shape`) = op(a, b), a and b strided over `shape` (stride 0 where broadcast). */
export function binary(r: KernelRunner, op: BinaryOp, shape: readonly number[], a: GpuStrided, b: GpuStrided, out: GPUBuffer): void {
  const n = numel(shape);
  if (n === 0) return;
  const c = coalesce(shape, [a.strides, b.strides]);
  const ints = stridedInts(c.shape, [{ offset: a.offset, strides: c.strides[0]! }, { offset: b.offset, strides: c.strides[1]! }]);
  r.run(binarySpec(op, c.shape.length), { buffers: [a.buffer, b.buffer, out], ints, workgroups: r.grid(Math.ceil(n / WG)) });
}

function whereSpec(rank: number): KernelSpec {
  return cached(`where:r${rank}`, () => `${paramsDecl(0, intCount(rank, 3))}${storage(1, 'cond', false)}${storage(2, 'a', false)}${storage(3, 'b', false)}${storage(4, 'out', true)}
${main1d()}${stridedAddressing(rank, ['ic', 'ia', 'ib'])}  if (p >= total) { return; }
  // cond != 0 on the bits: ±0 pick b, anything else (NaN included) picks a
  if ((bitcast<u32>(cond[ic]) & 0x7fffffffu) != 0u) { out[p] = a[ia]; } else { out[p] = b[ib]; }
}
`);
}

/** out (contiguous, `shape`) = cond != 0 ? a : b, all three strided over `shape`. Four storage buffers (compat's limit). */
export function where(r: KernelRunner, shape: readonly number[], cond: GpuStrided, a: GpuStrided, b: GpuStrided, out: GPUBuffer): void {
  const n = numel(shape);
  if (n === 0) return;
  const c = coalesce(shape, [cond.strides, a.strides, b.strides]);
  const ints = stridedInts(c.shape, [cond, a, b].map((o, j) => ({ offset: o.offset, strides: c.strides[j]! })));
  r.run(whereSpec(c.shape.length), { buffers: [cond.buffer, a.buffer, b.buffer, out], ints, workgroups: r.grid(Math.ceil(n / WG)) });
}

function copySpec(rank: number): KernelSpec {
  return cached(`copy:r${rank}`, () => `${paramsDecl(0, intCount(rank, 2))}${storage(1, 'x', false)}${storage(2, 'out', true)}
${main1d()}${stridedAddressing(rank, ['ix', 'io'])}  if (p >= total) { return; }
  out[io] = x[ix];
}
`);
}

/**
 * Copies a strided view of `shape` into another strided view (e.g. a region of a padded output).
 * x and out must be different buffers (WebGPU forbids one buffer bound for reading and writing).
 */
export function copy(r: KernelRunner, shape: readonly number[], x: GpuStrided, out: GpuStrided): void {
  const n = numel(shape);
  if (n === 0) return;
  const c = coalesce(shape, [x.strides, out.strides]);
  const ints = stridedInts(c.shape, [{ offset: x.offset, strides: c.strides[0]! }, { offset: out.offset, strides: c.strides[1]! }]);
  r.run(copySpec(c.shape.length), { buffers: [x.buffer, out.buffer], ints, workgroups: r.grid(Math.ceil(n / WG)) });
}
