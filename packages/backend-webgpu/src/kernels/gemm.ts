// gemm: C[M, N] (+)= A[M, K] · B[K, N]. Shapes: A (M, K) and B (K, N) addressed by offset, row
// stride and column stride (so transposed views need no copy), C (M, N) by offset and row stride
// (column stride 1).
//
// Tiled through workgroup memory: a workgroup of 8 x 8 = 64 invocations (within compatibility
// mode's 128) computes a 32 x 32 tile of C, each invocation a 4 x 4 block held in registers; A and
// B go through workgroup memory in 32 x 16 and 16 x 32 slabs, zero-padded past the edges, so any
// M, N, K works. Accumulates in float32 (the CPU backend's micro-kernel in float64).
import type { KernelRunner, KernelSpec } from '../runner.js';
import { paramsDecl, pi, storage } from '../wgsl.js';

const TM = 32, TN = 32, TK = 16, RM = 4, RN = 4;
const THREADS = (TM / RM) * (TN / RN); // 64

function body(): string {
  let s = '';
  // the inner product over one TK slab, unrolled over the 4 x 4 register block
  s += `    for (var k = 0; k < ${TK}; k++) {\n`;
  for (let i = 0; i < RM; i++) s += `      let a${i} = As[(tr + ${i}) * ${TK} + k];\n`;
  for (let j = 0; j < RN; j++) s += `      let b${j} = Bs[k * ${TN} + tc + ${j}];\n`;
  for (let i = 0; i < RM; i++) for (let j = 0; j < RN; j++) s += `      c${i}${j} += a${i} * b${j};\n`;
  s += '    }\n';
  return s;
}

function store(): string {
  let s = '';
  for (let i = 0; i < RM; i++) {
    s += `  if (row0 + tr + ${i} < M) {\n    let rowAt = cOff + (row0 + tr + ${i}) * cRs + col0 + tc;\n`;
    for (let j = 0; j < RN; j++) {
      s += `    if (col0 + tc + ${j} < N) { if (accumulate) { c[rowAt + ${j}] += c${i}${j}; } else { c[rowAt + ${j}] = c${i}${j}; } }\n`;
    }
    s += '  }\n';
  }
  return s;
}

const gemmSpec: KernelSpec = {
  key: 'gemm:32x32x16',
  wgsl: () => {
    let decl = '';
    for (let i = 0; i < RM; i++) for (let j = 0; j < RN; j++) decl += `  var c${i}${j} = 0.0;\n`;
    return `${paramsDecl(0, 12)}${storage(1, 'a', false)}${storage(2, 'b', false)}${storage(3, 'c', true)}
var<workgroup> As: array<f32, ${TM * TK}>; // [m][k]
var<workgroup> Bs: array<f32, ${TK * TN}>; // [k][n]
@compute @workgroup_size(${TN / RN}, ${TM / RM})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let M = ${pi(0)}; let N = ${pi(1)}; let K = ${pi(2)};
  let aOff = ${pi(3)}; let aRs = ${pi(4)}; let aCs = ${pi(5)};
  let bOff = ${pi(6)}; let bRs = ${pi(7)}; let bCs = ${pi(8)};
  let cOff = ${pi(9)}; let cRs = ${pi(10)}; let accumulate = ${pi(11)} != 0;
  let row0 = i32(wid.y) * ${TM}; let col0 = i32(wid.x) * ${TN};
  let tr = i32(lid3.y) * ${RM}; let tc = i32(lid3.x) * ${RN};
${decl}  for (var k0 = 0; k0 < K; k0 += ${TK}) {
    for (var e = i32(lid); e < ${TM * TK}; e += ${THREADS}) {
      let m = row0 + e / ${TK}; let ka = k0 + e % ${TK};
      var va = 0.0;
      if (m < M && ka < K) { va = a[aOff + m * aRs + ka * aCs]; }
      As[e] = va;
      let kb = k0 + e / ${TN}; let n = col0 + e % ${TN};
      var vb = 0.0;
      if (kb < K && n < N) { vb = b[bOff + kb * bRs + n * bCs]; }
      Bs[e] = vb;
    }
    workgroupBarrier();
${body()}    workgroupBarrier();
  }
${store()}}
`;
  },
};

/**
 * C[M, N] (+)= A[M, K] · B[K, N], each operand by offset and strides (C's column stride is 1);
 * `accumulate` adds into C instead of overwriting it. c must not be the buffer of a or b.
 */
export function gemm(r: KernelRunner, M: number, N: number, K: number,
  a: GPUBuffer, aOffset: number, aRowStride: number, aColStride: number,
  b: GPUBuffer, bOffset: number, bRowStride: number, bColStride: number,
  c: GPUBuffer, cOffset: number, cRowStride: number, accumulate: boolean): void {
  if (M === 0 || N === 0 || (K === 0 && accumulate)) return;
  const gx = Math.ceil(N / TN), gy = Math.ceil(M / TM);
  if (gx > r.maxGroups || gy > r.maxGroups) throw new Error(`backend-webgpu gemm: M=${M}, N=${N} need more than ${r.maxGroups} workgroups per dimension`);
  r.run(gemmSpec, {
    buffers: [a, b, c],
    ints: [M, N, K, aOffset, aRowStride, aColStride, bOffset, bRowStride, bColStride, cOffset, cRowStride, accumulate ? 1 : 0],
    workgroups: [gx, gy],
  });
}
