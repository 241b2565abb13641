// conv2d: out (N, O, Ho, Wo) = epilogue(conv(x (N, C, H, W), w (O, C/groups, kH, kW)) + bias (O)).
// Stride, padding (top/left; bottom/right implied by Ho, Wo), dilation and groups as in
// Conv2dGeometry; the 'relu' epilogue keeps NaN, as the CPU backend's.
//
// An implicit GEMM per group (implicitGemm.ts), with the batch folded into the columns:
//   C[o, (n, oh, ow)] = sum over k = (c, kh, kw) of w[o, c, kh, kw] · x[n, c, oh sH - pH + kh dH, ow sW - pW + kw dW]
// where x is 0 outside the input (no im2col buffer: B is read through that index map). GM = O/groups,
// GN = N Ho Wo, GK = C/groups kH kW. The same products as the CPU's im2col + gemm, summed in float32.
// With at most DIRECT_MAX_CHANNELS output channels per group (depthwise), conv2dDirect instead.
import type { Conv2dGeometry, Epilogue } from '@tapegrad/tensor';
import type { KernelRunner } from '../runner.js';
import { SPECIALS, storage } from '../wgsl.js';
import { CONV_INTS, checkConvGeometry, convInts, convLets } from './convGeometry.js';
import { runImplicitGemm, type ImplicitGemm } from './implicitGemm.js';
import { DIRECT_MAX_CHANNELS, conv2dDirect } from './convDirect.js';

const forwards = new Map<string, ImplicitGemm>();
function forward(hasBias: boolean, epilogue: Epilogue): ImplicitGemm {
  const key = `conv2d:${hasBias ? 'bias' : 'nobias'}:${epilogue}`;
  let g = forwards.get(key);
  if (g !== undefined) return g;
  const outBinding = hasBias ? 4 : 3;
  g = {
    key,
    nInts: CONV_INTS,
    decl: `${storage(1, 'x', false)}${storage(2, 'w', false)}${hasBias ? storage(3, 'bias', false) : ''}${storage(outBinding, 'out', true)}${SPECIALS}`,
    setup: convLets(4),
    // column (n, oh, ow): the top-left input position of its window and its sample's group channels
    colSetup: `  let cn = col / L; let cp = col % L;
  let ih0 = (cp / Wo) * sH - pH; let iw0 = (cp % Wo) * sW - pW;
  let xBase = (cn * C + grp * Cg) * HW;`,
    loadA: '        va = w[(grp * Og + m) * GK + k];',
    loadB: `        let c = k / KK; let r = k % KK;
        let ih = ih0 + (r / kW) * dH; let iw = iw0 + (r % kW) * dW;
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) { vb = x[xBase + (c * H + ih) * W + iw]; }`,
    store: `      let o = grp * Og + sm;
      var y = v${hasBias ? ' + bias[o]' : ''};
${epilogue === 'relu' ? '      if (!(is_nan(y) || y > 0.0)) { y = 0.0; }\n' : ''}      out[((sc / L) * O + o) * L + sc % L] = y;`,
  };
  forwards.set(key, g);
  return g;
}

/**
 * out (N, O, Ho, Wo) = epilogue(conv2d(x, w) + bias): x (N, C, H, W), w (O, C/groups, kH, kW),
 * bias (O) or null; every buffer contiguous from element 0. out is overwritten.
 */
export function conv2d(r: KernelRunner, x: GPUBuffer, w: GPUBuffer, bias: GPUBuffer | null, g: Conv2dGeometry, out: GPUBuffer,
  epilogue: Epilogue = 'none'): void {
  checkConvGeometry('conv2d', g);
  const Cg = g.C / g.groups, Og = g.O / g.groups;
  const buffers = bias === null ? [x, w, out] : [x, w, bias, out];
  if (Og <= DIRECT_MAX_CHANNELS) conv2dDirect(r, buffers, bias !== null, epilogue, convInts(g), g.N * g.O * g.Ho * g.Wo);
  else runImplicitGemm(r, forward(bias !== null, epilogue), Og, g.N * g.Ho * g.Wo, Cg * g.kH * g.kW, g.groups, buffers, convInts(g));
}
