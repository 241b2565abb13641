// Direct convolution kernels, for the shapes the implicit GEMM tiles serve badly: few output
// channels per group (depthwise forward), few input channels per group (a first layer's or a
// depthwise gradInput), and weight gradients with too few tiles to fill the device. Shapes as
// convForward.ts and convBackward.ts.
// - conv2dDirect: one invocation per output (n, o, oh, ow) sums its C/groups kH kW taps.
// Padding taps multiply 0 as in the CPU's im2col, so NaN and infinities travel as there.
// - conv2dGradInputDirect: one invocation per input (n, c, ih, iw) sums the O/groups kH kW taps
//   that land on it (only those: a NaN weight reaches what its taps reach, as on the CPU).
// - conv2dGradWeightReduce: one workgroup per weight element folds its N Ho Wo products, a tree
//   in workgroup memory.
import type { Epilogue } from '@tapegrad/tensor';
import type { KernelRunner, KernelSpec } from '../runner.js';
import { SPECIALS, WG, main1d, paramsDecl, storage } from '../wgsl.js';
import { CONV_INTS, convLets } from './convGeometry.js';

/**
 * Channels per group up to which the direct kernels replace the implicit GEMM (GM of its product):
 * the smallest tile has 4 rows, so GM = 1 or 2 (depthwise) would waste most of each tile.
 */
export const DIRECT_MAX_CHANNELS = 2;

const forwards = new Map<string, KernelSpec>();
function forwardSpec(hasBias: boolean, epilogue: Epilogue): KernelSpec {
  const key = `conv2dDirect:${hasBias ? 'bias' : 'nobias'}:${epilogue}`;
  let s = forwards.get(key);
  if (s !== undefined) return s;
  s = {
    key,
    wgsl: () => `${paramsDecl(0, CONV_INTS)}${storage(1, 'x', false)}${storage(2, 'w', false)}${hasBias ? storage(3, 'bias', false) : ''}${storage(hasBias ? 4 : 3, 'out', true)}${SPECIALS}
${main1d()}${convLets(0)}  if (p >= NB * O * L) { return; }
  let q = p % L; let o = (p / L) % O; let n = p / (L * O);
  let grp = o / Og;
  let ih0 = (q / Wo) * sH - pH; let iw0 = (q % Wo) * sW - pW;
  var acc = 0.0;
  for (var c = 0; c < Cg; c++) {
    let xPlane = (n * C + grp * Cg + c) * HW;
    let wTaps = (o * Cg + c) * KK;
    for (var kh = 0; kh < kH; kh++) {
      let ih = ih0 + kh * dH;
      let rowIn = ih >= 0 && ih < H;
      for (var kw = 0; kw < kW; kw++) {
        let iw = iw0 + kw * dW;
        // padding taps multiply 0, as the CPU's im2col zeros (a NaN weight still makes NaN)
        var xv = 0.0;
        if (rowIn && iw >= 0 && iw < W) { xv = x[xPlane + ih * W + iw]; }
        acc += w[wTaps + kh * kW + kw] * xv;
      }
    }
  }
  var y = acc${hasBias ? ' + bias[o]' : ''};
${epilogue === 'relu' ? '  if (!(is_nan(y) || y > 0.0)) { y = 0.0; }\n' : ''}  out[p] = y;
}
`,
  };
  forwards.set(key, s);
  return s;
}

/** conv2d by one invocation per output (buffers: x, w, bias when given, out; ints: convInts). */
export function conv2dDirect(r: KernelRunner, buffers: readonly GPUBuffer[], hasBias: boolean, epilogue: Epilogue, ints: readonly number[], outLen: number): void {
  if (outLen === 0) return;
  r.run(forwardSpec(hasBias, epilogue), { buffers, ints, workgroups: r.grid(Math.ceil(outLen / WG)) });
}

const gradInputSpec: KernelSpec = {
  key: 'conv2dGradInputDirect',
  wgsl: () => `${paramsDecl(0, CONV_INTS)}${storage(1, 'g', false)}${storage(2, 'w', false)}${storage(3, 'gx', true)}
${main1d()}${convLets(0)}  if (p >= NB * C * HW) { return; }
  let iw = p % W; let ih = (p / W) % H; let c = (p / HW) % C; let n = p / (HW * C);
  let grp = c / Cg; let cg = c % Cg;
  var acc = 0.0;
  for (var kh = 0; kh < kH; kh++) {
    let a = ih + pH - kh * dH;
    if (a < 0 || a % sH != 0 || a / sH >= Ho) { continue; }
    let oh = a / sH;
    for (var kw = 0; kw < kW; kw++) {
      let b = iw + pW - kw * dW;
      if (b < 0 || b % sW != 0 || b / sW >= Wo) { continue; }
      let at = oh * Wo + b / sW;
      for (var og = 0; og < Og; og++) {
        let o = grp * Og + og;
        acc += w[((o * Cg + cg) * kH + kh) * kW + kw] * g[(n * O + o) * L + at];
      }
    }
  }
  gx[p] = acc;
}
`,
};

/** gradInput by one invocation per input element (buffers: gradOut, w, gradInput; ints: convInts). */
export function conv2dGradInputDirect(r: KernelRunner, buffers: readonly GPUBuffer[], ints: readonly number[], inLen: number): void {
  if (inLen === 0) return;
  r.run(gradInputSpec, { buffers, ints, workgroups: r.grid(Math.ceil(inLen / WG)) });
}

const gradWeightSpec: KernelSpec = {
  key: 'conv2dGradWeightReduce',
  wgsl: () => `${paramsDecl(0, CONV_INTS)}${storage(1, 'g', false)}${storage(2, 'x', false)}${storage(3, 'gw', true)}
var<workgroup> part: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
${convLets(0)}  let e = i32(wid.y * nwg.x + wid.x);
  let inRange = e < O * Cg * KK;
  let kw = e % kW; let kh = (e / kW) % kH; let cg = (e / KK) % Cg; let o = e / (KK * Cg);
  let c = (o / Og) * Cg + cg;
  let offH = kh * dH - pH; let offW = kw * dW - pW;
  var acc = 0.0;
  if (inRange) {
    for (var r = i32(lid); r < NB * L; r += ${WG}) {
      let n = r / L; let q = r % L;
      let ih = (q / Wo) * sH + offH; let iw = (q % Wo) * sW + offW;
      var xv = 0.0; // padding taps multiply 0, as the CPU's im2col zeros
      if (ih >= 0 && ih < H && iw >= 0 && iw < W) { xv = x[(n * C + c) * HW + ih * W + iw]; }
      acc += g[(n * O + o) * L + q] * xv;
    }
  }
  part[lid] = acc;
  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    workgroupBarrier();
    if (lid < half) { part[lid] = part[lid] + part[lid + half]; }
  }
  if (lid == 0u && inRange) { gw[e] = part[0]; }
}
`,
};

/** gradWeight by one workgroup per weight element (buffers: gradOut, x, gradWeight; ints: convInts). */
export function conv2dGradWeightReduce(r: KernelRunner, buffers: readonly GPUBuffer[], ints: readonly number[], wLen: number): void {
  if (wLen === 0) return;
  r.run(gradWeightSpec, { buffers, ints, workgroups: r.grid(wLen) });
}
