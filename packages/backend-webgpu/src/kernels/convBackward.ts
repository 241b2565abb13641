// conv2dBackward: from gradOut (N, O, Ho, Wo), gradInput (N, C, H, W), gradWeight
// (O, C/groups, kH, kW) and gradBias (O), each overwritten when given, skipped when null. With an
// epilogue ('relu'), gradOut first goes through its backward (zero where the forward output
// `epilogue.out` is <= 0, NaN passing), into a temporary buffer; gradOut itself is not modified.
//
// No float atomics, so every output element is owned by one invocation (gather form):
// - gradInput: a transposed convolution as an implicit GEMM per group,
//     gx[c, (n, ih, iw)] = sum over k = (o, kh, kw) of w[o, c, kh, kw] · g[n, o, oh, ow]
//   where oh = (ih + pH - kh dH) / sH (and ow alike) when that divides exactly and lies in the
//   output, else the term is 0. GM = C/groups, GN = N H W, GK = O/groups kH kW.
// - gradWeight: gw[o, (c, kh, kw)] = sum over (n, oh, ow) of g[n, o, oh, ow] · x[n, c, ih, iw],
//   the reduction over N and the output positions. GM = O/groups, GN = C/groups kH kW, GK = N Ho Wo.
// - gradBias: one workgroup per channel folds N Ho Wo elements (a tree in workgroup memory).
// With at most DIRECT_MAX_CHANNELS channels per group, or too few tiles to share the reduction
// out, the convDirect.ts kernels instead (gradInput per input element, gradWeight a workgroup per
// weight element). Sums in float32 (the CPU backend's gemm in float64). One difference from the
// CPU backend: on the implicit-GEMM path a NaN or infinite weight reaches gradInput positions its
// taps skip (0 · NaN in the zero terms), where the CPU's col2im (and the direct kernel) only add
// the taps that land.
import type { Conv2dGeometry } from '@tapegrad/tensor';
import type { KernelRunner, KernelSpec } from '../runner.js';
import type { GpuEpilogueOutput } from '../layout.js';
import { WG, paramsDecl, pi, storage } from '../wgsl.js';
import { reluBackward } from './unary.js';
import { CONV_INTS, checkConvGeometry, convInts, convLets } from './convGeometry.js';
import { implicitGemmGroups, runImplicitGemm, type ImplicitGemm } from './implicitGemm.js';
import { DIRECT_MAX_CHANNELS, conv2dGradInputDirect, conv2dGradWeightReduce } from './convDirect.js';

/** Below this many implicit-GEMM workgroups, gradWeight runs as one workgroup per weight element. */
const FEW_TILES = 8;

export type { GpuEpilogueOutput } from '../layout.js';

const gradInputGemm: ImplicitGemm = {
  key: 'conv2dGradInput',
  nInts: CONV_INTS,
  decl: `${storage(1, 'g', false)}${storage(2, 'w', false)}${storage(3, 'gx', true)}`,
  setup: convLets(4),
  // column (n, ih, iw): its padded position and its sample's gradient planes of this group
  colSetup: `  let cn = col / HW; let cq = col % HW;
  let th = cq / W + pH; let tw = cq % W + pW;
  let gBase = (cn * O + grp * Og) * L;`,
  loadA: '        va = w[((grp * Og + k / KK) * Cg + m) * KK + k % KK];',
  loadB: `        let o = k / KK; let r = k % KK;
        let a = th - (r / kW) * dH; let b = tw - (r % kW) * dW;
        if (a >= 0 && b >= 0 && a % sH == 0 && b % sW == 0) {
          let oh = a / sH; let ow = b / sW;
          if (oh < Ho && ow < Wo) { vb = g[gBase + o * L + oh * Wo + ow]; }
        }`,
  store: '      gx[((sc / HW) * C + grp * Cg + sm) * HW + sc % HW] = v;',
};

const gradWeightGemm: ImplicitGemm = {
  key: 'conv2dGradWeight',
  nInts: CONV_INTS,
  decl: `${storage(1, 'g', false)}${storage(2, 'x', false)}${storage(3, 'gw', true)}`,
  setup: convLets(4),
  // column (c, kh, kw): its input channel plane and the tap's offset from a window's corner
  colSetup: `  let xc = (grp * Cg + col / KK) * HW;
  let offH = ((col % KK) / kW) * dH - pH; let offW = (col % KK % kW) * dW - pW;`,
  loadA: '        va = g[((k / L) * O + grp * Og + m) * L + k % L];',
  loadB: `        let n = k / L; let q = k % L;
        let ih = (q / Wo) * sH + offH; let iw = (q % Wo) * sW + offW;
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) { vb = x[n * C * HW + xc + ih * W + iw]; }`,
  store: '      gw[(grp * Og + sm) * GN + sc] = v;',
};

// gradBias: workgroup o folds g[n, o, :] over every n
const gradBiasSpec: KernelSpec = {
  key: 'conv2dGradBias',
  wgsl: () => `${paramsDecl(0, 3)}${storage(1, 'g', false)}${storage(2, 'gb', true)}
var<workgroup> part: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = i32(wid.y * nwg.x + wid.x);
  let NB = ${pi(0)}; let O = ${pi(1)}; let L = ${pi(2)};
  var acc = 0.0;
  if (o < O) {
    for (var e = i32(lid); e < NB * L; e += ${WG}) { acc += g[((e / L) * O + o) * L + e % L]; }
  }
  part[lid] = acc;
  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    workgroupBarrier();
    if (lid < half) { part[lid] = part[lid] + part[lid + half]; }
  }
  if (lid == 0u && o < O) { gb[o] = part[0]; }
}
`,
};

/**
 * The backward passes of conv2d (see the file comment): gradOut (N, O, Ho, Wo), x (N, C, H, W)
 * needed for gradWeight, w (O, C/groups, kH, kW) needed for gradInput; each non-null output is
 * overwritten. `epilogue`: the one conv2d ran with (its output buffer), or null.
 */
export function conv2dBackward(r: KernelRunner, gradOut: GPUBuffer, x: GPUBuffer | null, w: GPUBuffer | null, g: Conv2dGeometry,
  gradInput: GPUBuffer | null, gradWeight: GPUBuffer | null, gradBias: GPUBuffer | null,
  epilogue: GpuEpilogueOutput | null = null): void {
  checkConvGeometry('conv2dBackward', g);
  if (gradInput !== null && w === null) throw new Error('backend-webgpu conv2dBackward: gradInput needs the weight');
  if (gradWeight !== null && x === null) throw new Error('backend-webgpu conv2dBackward: gradWeight needs the input');
  const Cg = g.C / g.groups, Og = g.O / g.groups, L = g.Ho * g.Wo, outLen = g.N * g.O * L;
  let gOut = gradOut;
  let masked: GPUBuffer | null = null;
  if (epilogue !== null && outLen > 0 && (gradInput !== null || gradWeight !== null || gradBias !== null)) {
    masked = r.alloc(outLen);
    reluBackward(r, epilogue.out, 0, gradOut, 0, outLen, masked);
    gOut = masked;
  }
  const ints = convInts(g);
  if (gradInput !== null && w !== null) {
    const GN = g.N * g.H * g.W;
    if (Cg <= DIRECT_MAX_CHANNELS) conv2dGradInputDirect(r, [gOut, w, gradInput], ints, g.C * GN);
    else runImplicitGemm(r, gradInputGemm, Cg, GN, Og * g.kH * g.kW, g.groups, [gOut, w, gradInput], ints);
  }
  if (gradWeight !== null && x !== null) {
    const GN = Cg * g.kH * g.kW;
    if (Og <= DIRECT_MAX_CHANNELS || implicitGemmGroups(Og, GN, g.groups) < FEW_TILES) conv2dGradWeightReduce(r, [gOut, x, gradWeight], ints, g.O * GN);
    else runImplicitGemm(r, gradWeightGemm, Og, GN, g.N * L, g.groups, [gOut, x, gradWeight], ints);
  }
  if (gradBias !== null && g.O > 0) {
    r.run(gradBiasSpec, { buffers: [gOut, gradBias], ints: [g.N, g.O, L], workgroups: r.grid(g.O) });
  }
  masked?.destroy(); // freed once the submitted kernels are done
}
