// reduce: sum / max / min of a strided x over any set of dims. Shapes: x (`shape`, strided) ->
// out contiguous over `shape` with the reduced dims set to 1 (the kept dims in order).
//
// One workgroup per output element: each of its WG invocations folds a strided slice of the
// reduced elements, then a tree in workgroup memory folds the WG partial results. Sums run in
// float32 (the CPU backend's in float64); max and min return NaN when any element is NaN, and
// an empty reduction gives 0, -inf or +inf.
import type { ReduceOp } from '@tapegrad/tensor';
import type { KernelRunner, KernelSpec } from '../runner.js';
import { coalesce, numel, type GpuStrided } from '../layout.js';
import { SPECIALS, WG, paramsDecl, pi, storage } from '../wgsl.js';

/** The identity and the fold of each op, as WGSL. */
const FOLD: Record<ReduceOp, { init: string; fold: string }> = {
  sum: { init: '0.0', fold: 'return a + b;' },
  max: { init: '-inf_f32()', fold: 'if (is_nan(a)) { return a; } if (is_nan(b) || b > a) { return b; } return a;' },
  min: { init: 'inf_f32()', fold: 'if (is_nan(a)) { return a; } if (is_nan(b) || b < a) { return b; } return a;' },
};

/** WGSL adding to `addr` the strided address of flat index `flat` over `rank` dims whose shapes start at int `shape0` and strides at `stride0`. */
export function addressOf(flat: string, addr: string, rank: number, shape0: number, stride0: number): string {
  if (rank === 0) return '';
  let s = `  { var rem = ${flat};\n`;
  for (let d = rank - 1; d >= 0; d--) {
    s += `    { let c = rem % ${pi(shape0 + d)}; rem = rem / ${pi(shape0 + d)}; ${addr} += c * ${pi(stride0 + d)}; }\n`;
  }
  return `${s}  }\n`;
}

const specs = new Map<string, KernelSpec>();
function reduceSpec(op: ReduceOp, keptRank: number, redRank: number): KernelSpec {
  const key = `reduce:${op}:k${keptRank}:r${redRank}`;
  let s = specs.get(key);
  if (s !== undefined) return s;
  // ints: outLen, R, xOffset, kept shape, kept strides, reduced shape, reduced strides
  const ks = 3, kst = ks + keptRank, rs = kst + keptRank, rst = rs + redRank;
  s = {
    key,
    wgsl: () => `${paramsDecl(0, rst + redRank)}${storage(1, 'x', false)}${storage(2, 'out', true)}${SPECIALS}
var<workgroup> part: array<f32, ${WG}>;
fn fold(a: f32, b: f32) -> f32 { ${FOLD[op].fold} }
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = i32(wid.y * nwg.x + wid.x);
  if (o >= ${pi(0)}) { return; }
  let count = ${pi(1)};
  var base = ${pi(2)};
${addressOf('o', 'base', keptRank, ks, kst)}  var acc = ${FOLD[op].init};
  for (var r = i32(lid); r < count; r += ${WG}) {
    var ix = base;
${addressOf('r', 'ix', redRank, rs, rst)}    acc = fold(acc, x[ix]);
  }
  part[lid] = acc;
  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    workgroupBarrier();
    if (lid < half) { part[lid] = fold(part[lid], part[lid + half]); }
  }
  if (lid == 0u) { out[o] = part[0]; }
}
`,
  };
  specs.set(key, s);
  return s;
}

/**
 * Reduces x (`shape`, strided) over the dims where `reduceDims[d]` is true into contiguous `out`
 * (`shape` with those dims set to 1).
 */
export function reduce(r: KernelRunner, op: ReduceOp, shape: readonly number[], x: GpuStrided, reduceDims: readonly boolean[], out: GPUBuffer): void {
  const keptShape: number[] = [], keptStrides: number[] = [], redShape: number[] = [], redStrides: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (reduceDims[d] === true) { redShape.push(shape[d]!); redStrides.push(x.strides[d]!); }
    else { keptShape.push(shape[d]!); keptStrides.push(x.strides[d]!); }
  }
  const outLen = numel(keptShape);
  if (outLen === 0) return;
  const kept = coalesce(keptShape, [keptStrides]);
  const red = coalesce(redShape, [redStrides]);
  const R = numel(red.shape);
  const ints = [outLen, R, x.offset, ...kept.shape, ...kept.strides[0]!, ...red.shape, ...red.strides[0]!];
  r.run(reduceSpec(op, kept.shape.length, R === 0 ? 0 : red.shape.length), { buffers: [x.buffer, out], ints, workgroups: r.grid(outLen) });
}
