// 2-d pooling, forward: maxPool2d (values and argmax), avgPool2d, globalAvgPool2d and
// adaptiveAvgPool2d. Shapes: x (planes, inH, inW) -> out (planes, outH, outW), planes = N C, every
// buffer contiguous from element 0; argmax holds float32 integers, flat within one input plane.
//
// One invocation per output element walks its window in the CPU backend's order
// (packages/tensor/src/backend/cpu/pool.ts), so max pooling's values and indices are the CPU's bit
// for bit: padding acts as -inf, the first maximum wins ties, every NaN takes over (the last NaN's
// index). Average pooling sums in float32 (the CPU in float64) and divides by the CPU's divisor:
// `divisorOverride` when > 0, else the window clipped to the padded input [-p, L + p) when
// `countIncludePad` (so a ceil-mode overhang does not count), else its in-input element count;
// windows without input elements give 0. globalAvgPool2d folds each plane in one workgroup.
import type { Pool2dGeometry } from '@tapegrad/tensor';
import type { KernelRunner, KernelSpec } from '../runner.js';
import { SPECIALS, WG, main1d, paramsDecl, pi, storage } from '../wgsl.js';

/** Int params of a 2-d window geometry: planes, inH, inW, outH, outW, kH, kW, sH, sW, pH, pW, dH, dW. */
export function poolInts(g: Pool2dGeometry): number[] {
  return [g.planes, g.inH, g.inW, g.outH, g.outW, g.kH, g.kW, g.sH, g.sW, g.pH, g.pW, g.dH, g.dW];
}

/** WGSL lets of poolInts, from params.i[0] on. */
export const POOL_LETS = `  let planes = ${pi(0)}; let inH = ${pi(1)}; let inW = ${pi(2)}; let outH = ${pi(3)}; let outW = ${pi(4)};
  let kH = ${pi(5)}; let kW = ${pi(6)}; let sH = ${pi(7)}; let sW = ${pi(8)}; let pH = ${pi(9)}; let pW = ${pi(10)};
  let dH = ${pi(11)}; let dW = ${pi(12)};
`;

/**
 * WGSL of avgPool2d's window for output (oh, ow): its ends clipped to the padded input (hs..he,
 * ws..we), its in-input part (h0..h1, w0..w1) and `div`, the divisor; params: countIncludePad at
 * int 13, divisorOverride at int 14.
 */
export const AVG_WINDOW = `  let hs = oh * sH - pH; let he = min(hs + kH, inH + pH);
  let ws = ow * sW - pW; let we = min(ws + kW, inW + pW);
  let h0 = max(hs, 0); let h1 = min(he, inH); let w0 = max(ws, 0); let w1 = min(we, inW);
  var div = f32((h1 - h0) * (w1 - w0));
  if (${pi(13)} != 0) { div = f32((he - hs) * (we - ws)); }
  if (${pi(14)} > 0) { div = f32(${pi(14)}); }
`;

const maxSpec: KernelSpec = {
  key: 'maxPool2d',
  wgsl: () => `${paramsDecl(0, 13)}${storage(1, 'x', false)}${storage(2, 'out', true)}${storage(3, 'argmax', true)}${SPECIALS}
${main1d()}${POOL_LETS}  if (p >= planes * outH * outW) { return; }
  let ow = p % outW; let oh = (p / outW) % outH; let base = (p / (outW * outH)) * inH * inW;
  var h0 = oh * sH - pH; let h1 = min(h0 + (kH - 1) * dH + 1, inH);
  while (h0 < 0) { h0 += dH; }
  var w0 = ow * sW - pW; let w1 = min(w0 + (kW - 1) * dW + 1, inW);
  while (w0 < 0) { w0 += dW; }
  var best = -inf_f32();
  var at = h0 * inW + w0;
  for (var ih = h0; ih < h1; ih += dH) {
    for (var iw = w0; iw < w1; iw += dW) {
      let v = x[base + ih * inW + iw];
      if (is_nan(v) || (!is_nan(best) && v > best)) { best = v; at = ih * inW + iw; }
    }
  }
  out[p] = best;
  argmax[p] = f32(at);
}
`,
};

/** Max pooling with argmax (see the file comment); out and argmax (planes, outH, outW) are overwritten. */
export function maxPool2d(r: KernelRunner, x: GPUBuffer, g: Pool2dGeometry, out: GPUBuffer, argmax: GPUBuffer): void {
  const total = g.planes * g.outH * g.outW;
  if (total === 0) return;
  r.run(maxSpec, { buffers: [x, out, argmax], ints: poolInts(g), workgroups: r.grid(Math.ceil(total / WG)) });
}

const avgSpec: KernelSpec = {
  key: 'avgPool2d',
  wgsl: () => `${paramsDecl(0, 15)}${storage(1, 'x', false)}${storage(2, 'out', true)}
${main1d()}${POOL_LETS}  if (p >= planes * outH * outW) { return; }
  let ow = p % outW; let oh = (p / outW) % outH; let base = (p / (outW * outH)) * inH * inW;
${AVG_WINDOW}  if (h0 >= h1 || w0 >= w1) { out[p] = 0.0; return; }
  var sum = 0.0;
  for (var ih = h0; ih < h1; ih++) {
    for (var iw = w0; iw < w1; iw++) { sum += x[base + ih * inW + iw]; }
  }
  out[p] = sum / div;
}
`,
};

/** Average pooling (see the file comment; dilation is ignored, as on the CPU); out is overwritten. */
export function avgPool2d(r: KernelRunner, x: GPUBuffer, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number, out: GPUBuffer): void {
  const total = g.planes * g.outH * g.outW;
  if (total === 0) return;
  r.run(avgSpec, { buffers: [x, out], ints: [...poolInts(g), countIncludePad ? 1 : 0, divisorOverride], workgroups: r.grid(Math.ceil(total / WG)) });
}

const globalSpec: KernelSpec = {
  key: 'globalAvgPool2d',
  wgsl: () => `${paramsDecl(0, 2)}${storage(1, 'x', false)}${storage(2, 'out', true)}
var<workgroup> part: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let plane = i32(wid.y * nwg.x + wid.x);
  let planes = ${pi(0)}; let size = ${pi(1)};
  var acc = 0.0;
  if (plane < planes) {
    for (var e = i32(lid); e < size; e += ${WG}) { acc += x[plane * size + e]; }
  }
  part[lid] = acc;
  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    workgroupBarrier();
    if (lid < half) { part[lid] = part[lid] + part[lid + half]; }
  }
  if (lid == 0u && plane < planes) { out[plane] = part[0] / f32(size); }
}
`,
};

/** out[p] = the mean of plane p (`size` elements of x); out (planes) is overwritten. */
export function globalAvgPool2d(r: KernelRunner, x: GPUBuffer, planes: number, size: number, out: GPUBuffer): void {
  if (planes === 0) return;
  r.run(globalSpec, { buffers: [x, out], ints: [planes, size], workgroups: r.grid(planes) });
}

/** WGSL of adaptive bin i of an axis of length n pooled to m bins: [floor(i n / m), ceil((i + 1) n / m)). */
export const ADAPTIVE_BINS = `
fn bin_start(i: i32, n: i32, m: i32) -> i32 { return (i * n) / m; }
fn bin_end(i: i32, n: i32, m: i32) -> i32 { return ((i + 1) * n + m - 1) / m; }
`;

const adaptiveSpec: KernelSpec = {
  key: 'adaptiveAvgPool2d',
  wgsl: () => `${paramsDecl(0, 5)}${storage(1, 'x', false)}${storage(2, 'out', true)}${ADAPTIVE_BINS}
${main1d()}  let planes = ${pi(0)}; let inH = ${pi(1)}; let inW = ${pi(2)}; let outH = ${pi(3)}; let outW = ${pi(4)};
  if (p >= planes * outH * outW) { return; }
  let ow = p % outW; let oh = (p / outW) % outH; let base = (p / (outW * outH)) * inH * inW;
  let h0 = bin_start(oh, inH, outH); let h1 = bin_end(oh, inH, outH);
  let w0 = bin_start(ow, inW, outW); let w1 = bin_end(ow, inW, outW);
  var sum = 0.0;
  for (var ih = h0; ih < h1; ih++) {
    for (var iw = w0; iw < w1; iw++) { sum += x[base + ih * inW + iw]; }
  }
  out[p] = sum / f32((h1 - h0) * (w1 - w0));
}
`,
};

/** Adaptive average pooling (bins of ADAPTIVE_BINS, which may overlap); out (planes, outH, outW) is overwritten. */
export function adaptiveAvgPool2d(r: KernelRunner, x: GPUBuffer, planes: number, inH: number, inW: number, outH: number, outW: number, out: GPUBuffer): void {
  const total = planes * outH * outW;
  if (total === 0) return;
  r.run(adaptiveSpec, { buffers: [x, out], ints: [planes, inH, inW, outH, outW], workgroups: r.grid(Math.ceil(total / WG)) });
}
