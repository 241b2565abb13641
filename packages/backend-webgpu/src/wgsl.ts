// WGSL pieces shared by the kernels: the Params uniform, storage declarations, special-value
// helpers that do not trust float comparisons with NaN, and the flat workgroup number.

/** Invocations per workgroup of the 1-D kernels (elementwise, reductions); within compat's 128. */
export const WG = 64;

/** The Params uniform at binding 0: `nFloats` floats then `nInts` ints, in vec4s. */
export function paramsDecl(nFloats: number, nInts: number): string {
  const f = Math.max(1, Math.ceil(nFloats / 4)), i = Math.max(1, Math.ceil(nInts / 4));
  return `struct Params { f: array<vec4<f32>, ${f}>, i: array<vec4<i32>, ${i}> }
@group(0) @binding(0) var<uniform> params: Params;
`;
}

const LANE = ['x', 'y', 'z', 'w'];
/** The WGSL expression of float parameter k (constant index, no dynamic uniform indexing). */
export function pf(k: number): string { return `params.f[${k >> 2}].${LANE[k & 3]!}`; }
/** The WGSL expression of int parameter k. */
export function pi(k: number): string { return `params.i[${k >> 2}].${LANE[k & 3]!}`; }

/** A storage buffer at `binding`: read-only, or read_write for outputs. */
export function storage(binding: number, name: string, write: boolean, type = 'f32'): string {
  return `@group(0) @binding(${binding}) var<storage, ${write ? 'read_write' : 'read'}> ${name}: array<${type}>;\n`;
}

/**
 * NaN and infinity tests on the bits (compilers may assume finite math for float compares), and
 * NaN / infinity made at run time (a constant NaN or infinity is a WGSL shader-creation error).
 */
export const SPECIALS = `
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn nan_f32() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }
fn inf_f32() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }
fn with_sign_of(m: f32, s: f32) -> f32 { return bitcast<f32>((bitcast<u32>(m) & 0x7fffffffu) | (bitcast<u32>(s) & 0x80000000u)); }
`;

/** Entry point header of a 1-D kernel over WG invocations per workgroup, on a grid() dispatch. */
export function main1d(wg = WG): string {
  return `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let group = i32(wid.y * nwg.x + wid.x);
  let p = group * ${wg} + i32(lid);
`;
}

/**
 * Entry point header of a kernel with one workgroup per row of a contiguous (outer, dim, inner)
 * tensor viewed along its middle axis (softmax, argReduce, the loss): ints 0, 1, 2 are outer, dim
 * and inner, and it defines `row`, `<dimName>`, `inner` and `base`, the flat index of the row's
 * first element (its elements are base + k * inner).
 */
export function rowMain(dimName = 'dim', wg = WG): string {
  return `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = i32(wid.y * nwg.x + wid.x);
  let ${dimName} = ${pi(1)}; let inner = ${pi(2)};
  if (row >= ${pi(0)} * inner) { return; }
  let base = (row / inner) * ${dimName} * inner + row % inner;
`;
}
