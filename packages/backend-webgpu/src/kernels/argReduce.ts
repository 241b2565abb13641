// argReduce: arg max / min along the middle axis of contiguous x viewed as (outer, dim, inner)
// -> values and indices (outer, inner), the indices as float32 integers.
//
// One workgroup per (o, i): each invocation scans a strided slice of the dim, then a tree of
// (value, index) pairs in workgroup memory. The pair order is total: a NaN beats any number (the
// lower index between two NaNs), else the larger (max) or smaller (min) value, ties to the lower
// index; so the result is the CPU backend's (first extreme, first NaN) whatever the tree shape.
import type { KernelRunner, KernelSpec } from '../runner.js';
import { SPECIALS, WG, paramsDecl, storage, rowMain } from '../wgsl.js';

const NONE = 0x7fffffff;

function argSpec(op: 'max' | 'min'): KernelSpec {
  return {
    key: `argReduce:${op}`,
    wgsl: () => `${paramsDecl(0, 3)}${storage(1, 'x', false)}${storage(2, 'values', true)}${storage(3, 'indices', true)}${SPECIALS}
var<workgroup> pv: array<f32, ${WG}>;
var<workgroup> pk: array<i32, ${WG}>;
// true when (vb, kb) comes before (va, ka); index ${NONE} marks an empty slot
fn beats(va: f32, ka: i32, vb: f32, kb: i32) -> bool {
  if (kb == ${NONE}) { return false; }
  if (ka == ${NONE}) { return true; }
  let na = is_nan(va); let nb = is_nan(vb);
  if (na || nb) { if (na && nb) { return kb < ka; } return nb; }
  if (vb ${op === 'max' ? '>' : '<'} va) { return true; }
  if (vb == va) { return kb < ka; }
  return false;
}
${rowMain()}  var bv = 0.0; var bk = ${NONE};
  for (var k = i32(lid); k < dim; k += ${WG}) {
    let v = x[base + k * inner];
    if (beats(bv, bk, v, k)) { bv = v; bk = k; }
  }
  pv[lid] = bv; pk[lid] = bk;
  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    workgroupBarrier();
    if (lid < half && beats(pv[lid], pk[lid], pv[lid + half], pk[lid + half])) { pv[lid] = pv[lid + half]; pk[lid] = pk[lid + half]; }
  }
  if (lid == 0u) { values[row] = pv[0]; indices[row] = f32(pk[0]); }
}
`,
  };
}

const specs = { max: argSpec('max'), min: argSpec('min') };

/**
 * Arg max/min of contiguous x (outer, dim, inner) along dim: values and indices (outer, inner).
 * Ties give the first index; a NaN wins (the first NaN). dim = 0 writes nothing.
 */
export function argReduce(r: KernelRunner, op: 'max' | 'min', x: GPUBuffer, outer: number, dim: number, inner: number, values: GPUBuffer, indices: GPUBuffer): void {
  const rows = outer * inner;
  if (rows === 0 || dim === 0) return;
  r.run(specs[op], { buffers: [x, values, indices], ints: [outer, dim, inner], workgroups: r.grid(rows) });
}
