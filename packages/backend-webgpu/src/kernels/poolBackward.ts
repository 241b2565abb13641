// 2-d pooling, backward: maxPoolBackward (any max-type pooling, from argmax), maxPool2dBackward (the
// same with the window geometry), avgPool2dBackward, globalAvgPool2dBackward and
// adaptiveAvgPool2dBackward. Shapes: gOut (planes, outH, outW) -> out (planes, inH, inW), contiguous.
//
// WGSL has no float atomics, so each invocation owns one input element and gathers the gradients
// of the windows that reach it, in increasing output order: the CPU backend scatters in that same
// order, so where it adds float32 to float32 (the max-pool backward) the sums are the CPU's bit for
// bit. maxPoolBackward, maxPool2dBackward, avgPool2dBackward and globalAvgPool2dBackward overwrite
// `out` (each sum starts from 0, as the CPU kernels', which zero `out` first); adaptiveAvgPool2dBackward
// adds into it (the caller passes it zero-filled).
import type { Pool2dGeometry } from '@tapegrad/tensor';
import type { KernelRunner, KernelSpec } from '../runner.js';
import { WG, main1d, paramsDecl, pi, storage } from '../wgsl.js';
import { ADAPTIVE_BINS, AVG_WINDOW, POOL_LETS, poolInts } from './pool.js';

// maxPoolBackward without geometry, in two passes. First each slab of 64 outputs of a plane gets the
// range [min, max] of its argmax entries. Then workgroup (plane, chunk) owns 64 input elements of one
// plane and walks the plane's slabs in order, loading into workgroup memory (and scanning) only the
// slabs whose range meets its inputs: for sliding windows, whose argmax grows with the output
// position, that is a few slabs, and an index pattern without that order still works, just slower.
const boundsSpec: KernelSpec = {
  key: 'maxPoolBackward:bounds',
  wgsl: () => `${paramsDecl(0, 3)}${storage(1, 'arg', false)}${storage(2, 'bounds', true, 'i32')}
${main1d()}  let planes = ${pi(0)}; let outPlane = ${pi(2)};
  let slabs = (outPlane + ${WG - 1}) / ${WG};
  if (p >= planes * slabs) { return; }
  let o0 = (p / slabs) * outPlane + (p % slabs) * ${WG};
  let n = min(${WG}, outPlane - (p % slabs) * ${WG});
  var lo = i32(arg[o0]); var hi = lo;
  for (var j = 1; j < n; j++) { let a = i32(arg[o0 + j]); lo = min(lo, a); hi = max(hi, a); }
  bounds[2 * p] = lo; bounds[2 * p + 1] = hi;
}
`,
};

const scanSpec: KernelSpec = {
  key: 'maxPoolBackward:scan',
  wgsl: () => `${paramsDecl(0, 3)}${storage(1, 'g', false)}${storage(2, 'arg', false)}${storage(3, 'bounds', false, 'i32')}${storage(4, 'out', true)}
var<workgroup> sIdx: array<i32, ${WG}>;
var<workgroup> sG: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let planes = ${pi(0)}; let inPlane = ${pi(1)}; let outPlane = ${pi(2)};
  let chunks = (inPlane + ${WG - 1}) / ${WG};
  let slabs = (outPlane + ${WG - 1}) / ${WG};
  let group = i32(wid.y * nwg.x + wid.x);
  if (group >= planes * chunks) { return; }
  let plane = group / chunks;
  let i0 = (group % chunks) * ${WG};
  let i = i0 + i32(lid);
  let at = plane * inPlane + i;
  var acc = 0.0;
  for (var s = 0; s < slabs; s++) {
    let lo = bounds[2 * (plane * slabs + s)]; let hi = bounds[2 * (plane * slabs + s) + 1];
    if (hi < i0 || lo >= i0 + ${WG}) { continue; }
    let o = s * ${WG} + i32(lid);
    if (o < outPlane) { sIdx[lid] = i32(arg[plane * outPlane + o]); sG[lid] = g[plane * outPlane + o]; }
    else { sIdx[lid] = -1; sG[lid] = 0.0; }
    workgroupBarrier();
    let n = min(${WG}, outPlane - s * ${WG});
    for (var j = 0; j < n; j++) { if (sIdx[j] == i) { acc += sG[j]; } }
    workgroupBarrier();
  }
  if (i < inPlane) { out[at] = acc; }
}
`,
};

/**
 * Backward of every max-type pooling: out[p, i] = the sum of gOut[p, o] over the o with argmax[p, o]
 * = i (0 where none), for `planes` planes of `outPlane` outputs and `inPlane` inputs; out is overwritten.
 */
export function maxPoolBackward(r: KernelRunner, gOut: GPUBuffer, argmax: GPUBuffer, planes: number, inPlane: number, outPlane: number, out: GPUBuffer): void {
  const groups = planes * Math.ceil(inPlane / WG), slabs = planes * Math.ceil(outPlane / WG);
  if (groups === 0 || outPlane === 0) return;
  const bounds = r.alloc(2 * slabs);
  r.run(boundsSpec, { buffers: [argmax, bounds], ints: [planes, inPlane, outPlane], workgroups: r.grid(Math.ceil(slabs / WG)) });
  r.run(scanSpec, { buffers: [gOut, argmax, bounds, out], ints: [planes, inPlane, outPlane], workgroups: r.grid(groups) });
  bounds.destroy(); // freed once the submitted kernels are done
}

// maxPool2dBackward: input (ih, iw) checks only the windows whose span covers it
const max2dSpec: KernelSpec = {
  key: 'maxPool2dBackward',
  wgsl: () => `${paramsDecl(0, 13)}${storage(1, 'g', false)}${storage(2, 'arg', false)}${storage(3, 'out', true)}
fn first_window(pos: i32, pad: i32, span: i32, s: i32) -> i32 {
  let lo = pos + pad - span; // the first window o with o s - pad + span >= pos
  if (lo <= 0) { return 0; }
  return (lo + s - 1) / s;
}
${main1d()}${POOL_LETS}  if (p >= planes * inH * inW) { return; }
  let iw = p % inW; let ih = (p / inW) % inH; let plane = p / (inW * inH);
  let i = f32(ih * inW + iw);
  let ob = plane * outH * outW;
  let ohEnd = min(outH, (ih + pH) / sH + 1); let owEnd = min(outW, (iw + pW) / sW + 1);
  let ow0 = first_window(iw, pW, (kW - 1) * dW, sW);
  var acc = 0.0;
  for (var oh = first_window(ih, pH, (kH - 1) * dH, sH); oh < ohEnd; oh++) {
    for (var ow = ow0; ow < owEnd; ow++) {
      let o = ob + oh * outW + ow;
      if (arg[o] == i) { acc += g[o]; }
    }
  }
  out[p] = acc;
}
`,
};

/**
 * maxPoolBackward for maxPool2d's indices, given its geometry: each input element checks only the
 * windows that span it. The same result as maxPoolBackward whenever every window holds an input
 * element (PyTorch's padding <= half the kernel guarantees that); out (planes, inH, inW) is overwritten.
 */
export function maxPool2dBackward(r: KernelRunner, gOut: GPUBuffer, argmax: GPUBuffer, g: Pool2dGeometry, out: GPUBuffer): void {
  const total = g.planes * g.inH * g.inW;
  if (total === 0 || g.outH * g.outW === 0) return;
  r.run(max2dSpec, { buffers: [gOut, argmax, out], ints: poolInts(g), workgroups: r.grid(Math.ceil(total / WG)) });
}

// avgPool2dBackward: input (ih, iw) gathers gOut / divisor of every window (oh, ow) covering it
const avgSpec: KernelSpec = {
  key: 'avgPool2dBackward',
  wgsl: () => `${paramsDecl(0, 15)}${storage(1, 'g', false)}${storage(2, 'out', true)}
fn first_window(pos: i32, pad: i32, k: i32, s: i32) -> i32 {
  let lo = pos + pad - k; // windows o with o s - pad + k > pos
  if (lo < 0) { return 0; }
  return lo / s + 1;
}
${main1d()}${POOL_LETS}  if (p >= planes * inH * inW) { return; }
  let iw = p % inW; let ih = (p / inW) % inH; let plane = p / (inW * inH);
  let ob = plane * outH * outW;
  let ohEnd = min(outH, (ih + pH) / sH + 1); let owEnd = min(outW, (iw + pW) / sW + 1);
  let ow0 = first_window(iw, pW, kW, sW);
  var acc = 0.0;
  for (var oh = first_window(ih, pH, kH, sH); oh < ohEnd; oh++) {
    for (var ow = ow0; ow < owEnd; ow++) {
${AVG_WINDOW}      acc += g[ob + oh * outW + ow] / div;
    }
  }
  out[p] = acc;
}
`,
};

/** Backward of avgPool2d: spreads gOut / divisor over each window (the divisor rules of avgPool2d); out is overwritten. */
export function avgPool2dBackward(r: KernelRunner, gOut: GPUBuffer, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number, out: GPUBuffer): void {
  const total = g.planes * g.inH * g.inW;
  if (total === 0 || g.outH * g.outW === 0) return;
  r.run(avgSpec, { buffers: [gOut, out], ints: [...poolInts(g), countIncludePad ? 1 : 0, divisorOverride], workgroups: r.grid(Math.ceil(total / WG)) });
}

const globalSpec: KernelSpec = {
  key: 'globalAvgPool2dBackward',
  wgsl: () => `${paramsDecl(0, 2)}${storage(1, 'g', false)}${storage(2, 'out', true)}
${main1d()}  let size = ${pi(1)};
  if (p >= ${pi(0)} * size) { return; }
  out[p] = g[p / size] / f32(size);
}
`,
};

/** Backward of globalAvgPool2d: out[p, i] = gOut[p] / size; out (planes, size) is overwritten. */
export function globalAvgPool2dBackward(r: KernelRunner, gOut: GPUBuffer, planes: number, size: number, out: GPUBuffer): void {
  const total = planes * size;
  if (total === 0) return;
  r.run(globalSpec, { buffers: [gOut, out], ints: [planes, size], workgroups: r.grid(Math.ceil(total / WG)) });
}

const adaptiveSpec: KernelSpec = {
  key: 'adaptiveAvgPool2dBackward',
  wgsl: () => `${paramsDecl(0, 5)}${storage(1, 'g', false)}${storage(2, 'out', true)}${ADAPTIVE_BINS}
${main1d()}  let planes = ${pi(0)}; let inH = ${pi(1)}; let inW = ${pi(2)}; let outH = ${pi(3)}; let outW = ${pi(4)};
  if (p >= planes * inH * inW) { return; }
  let iw = p % inW; let ih = (p / inW) % inH; let plane = p / (inW * inH);
  let ob = plane * outH * outW;
  // the bins reaching ih: from floor(ih outH / inH) to ceil((ih + 1) outH / inH) - 1
  let ohEnd = min(outH, ((ih + 1) * outH + inH - 1) / inH); let owEnd = min(outW, ((iw + 1) * outW + inW - 1) / inW);
  var acc = out[p];
  for (var oh = (ih * outH) / inH; oh < ohEnd; oh++) {
    let h0 = bin_start(oh, inH, outH); let h1 = bin_end(oh, inH, outH);
    if (ih < h0 || ih >= h1) { continue; }
    for (var ow = (iw * outW) / inW; ow < owEnd; ow++) {
      let w0 = bin_start(ow, inW, outW); let w1 = bin_end(ow, inW, outW);
      if (iw < w0 || iw >= w1) { continue; }
      acc += g[ob + oh * outW + ow] / f32((h1 - h0) * (w1 - w0));
    }
  }
  out[p] = acc;
}
`,
};

/** Backward of adaptiveAvgPool2d: spreads gOut / binSize over each bin; out (planes, inH, inW) is added to. */
export function adaptiveAvgPool2dBackward(r: KernelRunner, gOut: GPUBuffer, planes: number, inH: number, inW: number, outH: number, outW: number, out: GPUBuffer): void {
  const total = planes * inH * inW;
  if (total === 0 || outH * outW === 0) return;
  r.run(adaptiveSpec, { buffers: [gOut, out], ints: [planes, inH, inW, outH, outW], workgroups: r.grid(Math.ceil(total / WG)) });
}
