// softmax / log-softmax and their backward along the middle axis of contiguous x viewed as
// (outer, dim, inner) -> out of the same shape.
//
// One workgroup per row (o, i) of `dim` elements (stride `inner`): tree reductions in workgroup
// memory for the max and the sum, then one pass writing the row. Special values as the CPU
// backend: a NaN in a row makes the row NaN, an all -inf row gives NaN, +inf gives NaN.
import type { KernelRunner, KernelSpec } from '../runner.js';
import { SPECIALS, WG, paramsDecl, storage, rowMain } from '../wgsl.js';
import { MATH } from './unary.js';

/** WGSL: tree-fold part[] into part[0] with `fold`, then read it into `name` (all invocations). */
function tree(name: string, fold: string): string {
  return `  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    workgroupBarrier();
    if (lid < half) { let a = part[lid]; let b = part[lid + half]; part[lid] = ${fold}; }
  }
  workgroupBarrier();
  let ${name} = part[0];
  workgroupBarrier();
`;
}

const HEAD = `var<workgroup> part: array<f32, ${WG}>;
fn max_nan(a: f32, b: f32) -> f32 { if (is_nan(a)) { return a; } if (is_nan(b) || b > a) { return b; } return a; }
${rowMain()}`;

function softmaxSpec(log: boolean): KernelSpec {
  return {
    key: `softmax:${log ? 'log' : 'exp'}`,
    wgsl: () => `${paramsDecl(0, 3)}${storage(1, 'x', false)}${storage(2, 'out', true)}${SPECIALS}${MATH}
${HEAD}  var m = -inf_f32();
  for (var k = i32(lid); k < dim; k += ${WG}) { m = max_nan(m, x[base + k * inner]); }
  part[lid] = m;
${tree('rowMax', 'max_nan(a, b)')}  // an all -inf row: exp(-inf - 0) = 0, and 0 / 0 gives NaN as PyTorch
  var shift = rowMax;
  if (is_inf(shift) && shift < 0.0) { shift = 0.0; }
  var s = 0.0;
  for (var k = i32(lid); k < dim; k += ${WG}) { s += exp_s(x[base + k * inner] - shift); }
  part[lid] = s;
${tree('total', 'a + b')}${log
    ? `  let ls = log_s(total) + shift;
  for (var k = i32(lid); k < dim; k += ${WG}) { out[base + k * inner] = x[base + k * inner] - ls; }`
    : `  let inv = 1.0 / total;
  for (var k = i32(lid); k < dim; k += ${WG}) { out[base + k * inner] = exp_s(x[base + k * inner] - shift) * inv; }`}
}
`,
  };
}

const softmaxSpecs = { exp: softmaxSpec(false), log: softmaxSpec(true) };

/** Softmax (or log-softmax) of contiguous x (outer, dim, inner) along dim into out (same shape). */
export function softmax(r: KernelRunner, x: GPUBuffer, outer: number, dim: number, inner: number, log: boolean, out: GPUBuffer): void {
  const rows = outer * inner;
  if (rows === 0 || dim === 0) return;
  r.run(log ? softmaxSpecs.log : softmaxSpecs.exp, { buffers: [x, out], ints: [outer, dim, inner], workgroups: r.grid(rows) });
}

function backwardSpec(log: boolean): KernelSpec {
  return {
    key: `softmaxBackward:${log ? 'log' : 'exp'}`,
    wgsl: () => `${paramsDecl(0, 3)}${storage(1, 'y', false)}${storage(2, 'g', false)}${storage(3, 'out', true)}${SPECIALS}${MATH}
${HEAD}  var s = 0.0;
  for (var k = i32(lid); k < dim; k += ${WG}) { let j = base + k * inner; s += ${log ? 'g[j]' : 'g[j] * y[j]'}; }
  part[lid] = s;
${tree('total', 'a + b')}  for (var k = i32(lid); k < dim; k += ${WG}) {
    let j = base + k * inner;
    ${log ? 'out[j] = g[j] - exp_s(y[j]) * total;' : 'out[j] = y[j] * (g[j] - total);'}
  }
}
`,
  };
}

const backwardSpecs = { exp: backwardSpec(false), log: backwardSpec(true) };

/**
 * Backward of softmax / log-softmax given the forward output y and upstream g, all (outer, dim, inner):
 * softmax dx = y * (g - sum(g * y)), log-softmax dx = g - exp(y) * sum(g).
 */
export function softmaxBackward(r: KernelRunner, y: GPUBuffer, g: GPUBuffer, outer: number, dim: number, inner: number, log: boolean, out: GPUBuffer): void {
  const rows = outer * inner;
  if (rows === 0 || dim === 0) return;
  r.run(log ? backwardSpecs.log : backwardSpecs.exp, { buffers: [y, g, out], ints: [outer, dim, inner], workgroups: r.grid(rows) });
}
