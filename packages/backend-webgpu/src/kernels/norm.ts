// Batch normalisation: per-channel statistics, the forward (with an optional ReLU epilogue) and its
// backward. Shapes: contiguous x (N, C, S) with S the product of the spatial dims (S = 1 for
// BatchNorm1d), x[n, c, s] at (n * C + c) * S + s; mean, variance, weight, bias and the per-channel
// gradients (C); out, gradOut, gradInput (N, C, S).
//
// Semantics of packages/tensor/src/backend/cpu/norm.ts (NormKernels) in float32 instead of float64:
// - batchNormStats: one workgroup per channel, two passes over the channel with tree reductions.
//   Pass 1 sums x - K (K the channel's first value, as the CPU kernel's shift) for the mean; pass 2
//   sums e = x - K - mean(x - K) and e^2, and the variance is mean(e^2) - mean(e)^2 (the corrected
//   two-pass form), so a large mean against a small spread does not cancel. NaN travels; only a
//   rounding negative variance is clamped to 0; N * S = 0 gives NaN mean and variance.
// - batchNormForward: one invocation per element, (x - mean) * (weight * invStd) + bias (the CPU's
//   x * scale + shift rearranged so float32 does not cancel at large means), then the epilogue.
// - batchNormBackward: one workgroup per channel: gradOut through the epilogue's backward (on the
//   fly; gradOut is not written), sum(g) and sum(g * (x - mean)) in one tree, then gradInput
//   k (g - mean(g) - (x - mean) proj) with batch statistics, k g without. Null outputs are skipped.
import type { Epilogue } from '@tapegrad/tensor';
import type { KernelRunner, KernelSpec } from '../runner.js';
import type { GpuEpilogueOutput } from '../layout.js';
import { SPECIALS, WG, main1d, paramsDecl, pf, pi, storage } from '../wgsl.js';
import { MATH } from './unary.js';

export type { GpuEpilogueOutput } from '../layout.js';

/** WGSL: the address of element r in [0, N * S) of channel c (needs `C` and `S` in scope). */
const ADDR = 'fn addr(r: i32, c: i32, C: i32, S: i32) -> i32 { return ((r / S) * C + c) * S + r % S; }\n';

/** WGSL: tree-fold the vec2 partials part[] into part[0] (every invocation must reach it). */
const TREE = `  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    workgroupBarrier();
    if (lid < half) { part[lid] = part[lid] + part[lid + half]; }
  }
  workgroupBarrier();
`;

/** Header of a kernel with one workgroup per channel; ints: N, C, S. */
const CHANNEL_MAIN = `var<workgroup> part: array<vec2<f32>, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let c = i32(wid.y * nwg.x + wid.x);
  let N = ${pi(0)}; let C = ${pi(1)}; let S = ${pi(2)};
  if (c >= C) { return; }
  let M = N * S;
`;

const statsSpec: KernelSpec = {
  key: 'batchNormStats',
  wgsl: () => `${paramsDecl(0, 3)}${storage(1, 'x', false)}${storage(2, 'mean', true)}${storage(3, 'variance', true)}${SPECIALS}${ADDR}
${CHANNEL_MAIN}  if (M == 0) {
    if (lid == 0u) { mean[c] = nan_f32(); variance[c] = nan_f32(); }
    return;
  }
  let K = x[c * S];
  var s = 0.0;
  for (var r = i32(lid); r < M; r += ${WG}) { s += x[addr(r, c, C, S)] - K; }
  part[lid] = vec2<f32>(s, 0.0);
${TREE}  let fm = f32(M);
  let sd = part[0].x / fm;
  workgroupBarrier();
  var e1 = 0.0; var e2 = 0.0;
  for (var r = i32(lid); r < M; r += ${WG}) { let e = (x[addr(r, c, C, S)] - K) - sd; e1 += e; e2 += e * e; }
  part[lid] = vec2<f32>(e1, e2);
${TREE}  if (lid == 0u) {
    let t = part[0];
    let re = t.x / fm;
    var v = t.y / fm - re * re;
    // NaN in the data must travel (as PyTorch); only a rounding negative is clamped
    if (!is_nan(v) && v < 0.0) { v = 0.0; }
    // mean(e) refines the mean; an infinite x makes it NaN, and the mean stays K + sd (infinite)
    var mu = sd;
    if (!is_nan(re) && !is_inf(re)) { mu = sd + re; }
    mean[c] = K + mu;
    variance[c] = v;
  }
}
`,
};

/**
 * Per-channel mean and biased variance of contiguous x (N, C, S) into mean (C) and variance (C).
 */
export function batchNormStats(r: KernelRunner, x: GPUBuffer, N: number, C: number, S: number, mean: GPUBuffer, variance: GPUBuffer): void {
  if (C === 0) return;
  r.run(statsSpec, { buffers: [x, mean, variance], ints: [N, C, S], workgroups: r.grid(C) });
}

/** WGSL: keeps v where ReLU keeps it (v > 0 or NaN), else 0. */
const RELU = 'if (!(v > 0.0 || is_nan(v))) { v = 0.0; }';

const forwardSpecs = new Map<string, KernelSpec>();
function forwardSpec(hasWeight: boolean, hasBias: boolean, epilogue: Epilogue): KernelSpec {
  const key = `batchNormForward:w${+hasWeight}:b${+hasBias}:${epilogue}`;
  let s = forwardSpecs.get(key);
  if (s !== undefined) return s;
  let decl = `${storage(1, 'x', false)}${storage(2, 'mean', false)}${storage(3, 'variance', false)}`;
  let b = 4;
  if (hasWeight) decl += storage(b++, 'weight', false);
  if (hasBias) decl += storage(b++, 'bias', false);
  decl += storage(b, 'out', true);
  s = {
    key,
    wgsl: () => `${paramsDecl(1, 3)}${decl}${SPECIALS}${MATH}
${main1d()}  if (p >= ${pi(0)}) { return; }
  let C = ${pi(1)}; let S = ${pi(2)};
  let c = (p / S) % C;
  let invStd = 1.0 / sqrt_s(variance[c] + ${pf(0)});
  var v = (x[p] - mean[c]) * (${hasWeight ? 'weight[c] * invStd' : 'invStd'})${hasBias ? ' + bias[c]' : ''};
  ${epilogue === 'relu' ? RELU : ''}
  out[p] = v;
}
`,
  };
  forwardSpecs.set(key, s);
  return s;
}

/**
 * out = epilogue((x - mean[c]) / sqrt(variance[c] + eps) * weight[c] + bias[c]) over contiguous
 * (N, C, S); a null weight / bias means 1 / 0.
 */
export function batchNormForward(r: KernelRunner, x: GPUBuffer, N: number, C: number, S: number, mean: GPUBuffer, variance: GPUBuffer, eps: number,
  weight: GPUBuffer | null, bias: GPUBuffer | null, out: GPUBuffer, epilogue: Epilogue = 'none'): void {
  const total = N * C * S;
  if (total === 0) return;
  const buffers = [x, mean, variance];
  if (weight !== null) buffers.push(weight);
  if (bias !== null) buffers.push(bias);
  buffers.push(out);
  r.run(forwardSpec(weight !== null, bias !== null, epilogue), {
    buffers, floats: [eps], ints: [total, C, S], workgroups: r.grid(Math.ceil(total / WG)),
  });
}

interface BackwardVariant {
  readonly weight: boolean;
  readonly epilogue: boolean;
  readonly batchStats: boolean;
  readonly gradInput: boolean;
  readonly gradWeight: boolean;
  readonly gradBias: boolean;
}

const backwardSpecs = new Map<string, KernelSpec>();
function backwardSpec(v: BackwardVariant): KernelSpec {
  const key = `batchNormBackward:w${+v.weight}:e${+v.epilogue}:s${+v.batchStats}:gi${+v.gradInput}:gw${+v.gradWeight}:gb${+v.gradBias}`;
  let s = backwardSpecs.get(key);
  if (s !== undefined) return s;
  let decl = `${storage(1, 'gradOut', false)}${storage(2, 'x', false)}${storage(3, 'mean', false)}${storage(4, 'variance', false)}`;
  let b = 5;
  if (v.weight) decl += storage(b++, 'weight', false);
  if (v.epilogue) decl += storage(b++, 'epiOut', false);
  if (v.gradInput) decl += storage(b++, 'gradInput', true);
  if (v.gradWeight) decl += storage(b++, 'gradWeight', true);
  if (v.gradBias) decl += storage(b++, 'gradBias', true);
  // ReLU's backward: zero where the forward output is <= 0, gradOut where it is > 0 or NaN
  const gradAt = v.epilogue
    ? 'fn grad_at(j: i32) -> f32 { let o = epiOut[j]; if (o > 0.0 || is_nan(o)) { return gradOut[j]; } return 0.0; }'
    : 'fn grad_at(j: i32) -> f32 { return gradOut[j]; }';
  const reduce = v.gradWeight || v.gradBias || (v.gradInput && v.batchStats);
  let body = '';
  if (reduce) {
    body += `  var acc = vec2<f32>(0.0, 0.0);
  for (var r = i32(lid); r < M; r += ${WG}) { let j = addr(r, c, C, S); let g = grad_at(j); acc += vec2<f32>(g, g * (x[j] - m)); }
  part[lid] = acc;
${TREE}  let sums = part[0]; // sum(g), sum(g * (x - mean))
`;
    if (v.gradWeight || v.gradBias) {
      body += `  if (lid == 0u) {${v.gradWeight ? ' gradWeight[c] = sums.y * invStd;' : ''}${v.gradBias ? ' gradBias[c] = sums.x;' : ''} }\n`;
    }
  }
  if (v.gradInput) {
    body += `  let k = ${v.weight ? 'weight[c] * invStd' : 'invStd'};\n`;
    if (v.batchStats) {
      body += `  let meanG = sums.x / f32(M);
  let proj = (sums.y / f32(M)) * invStd * invStd; // mean(g * xhat) * invStd
  for (var r = i32(lid); r < M; r += ${WG}) { let j = addr(r, c, C, S); gradInput[j] = k * ((grad_at(j) - meanG) - (x[j] - m) * proj); }
`;
    } else {
      body += `  for (var r = i32(lid); r < M; r += ${WG}) { let j = addr(r, c, C, S); gradInput[j] = k * grad_at(j); }\n`;
    }
  }
  s = {
    key,
    wgsl: () => `${paramsDecl(1, 3)}${decl}${SPECIALS}${MATH}${ADDR}${gradAt}
${CHANNEL_MAIN}  let m = mean[c];
  let invStd = 1.0 / sqrt_s(variance[c] + ${pf(0)});
${body}}
`,
  };
  backwardSpecs.set(key, s);
  return s;
}

/**
 * Gradients of batchNormForward (see NormKernels.batchNormBackward): gradWeight = sum(g * xhat),
 * gradBias = sum(g) per channel, gradInput with the batch's own statistics (`batchStats`) or with
 * constant (running) ones. g is gradOut through the epilogue's backward when `epilogue` is given.
 */
export function batchNormBackward(r: KernelRunner, gradOut: GPUBuffer, x: GPUBuffer, N: number, C: number, S: number,
  mean: GPUBuffer, variance: GPUBuffer, eps: number, weight: GPUBuffer | null, batchStats: boolean,
  gradInput: GPUBuffer | null, gradWeight: GPUBuffer | null, gradBias: GPUBuffer | null, epilogue: GpuEpilogueOutput | null = null): void {
  if (C === 0) return;
  const gi = gradInput !== null && N * S > 0;
  if (!gi && gradWeight === null && gradBias === null) return;
  const buffers = [gradOut, x, mean, variance];
  if (weight !== null && gi) buffers.push(weight);
  if (epilogue !== null) buffers.push(epilogue.out);
  if (gi) buffers.push(gradInput);
  if (gradWeight !== null) buffers.push(gradWeight);
  if (gradBias !== null) buffers.push(gradBias);
  const spec = backwardSpec({
    weight: weight !== null && gi, epilogue: epilogue !== null, batchStats,
    gradInput: gi, gradWeight: gradWeight !== null, gradBias: gradBias !== null,
  });
  r.run(spec, { buffers, floats: [eps], ints: [N, C, S], workgroups: r.grid(C) });
}
