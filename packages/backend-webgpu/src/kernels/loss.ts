// Cross-entropy with class-index targets: the two steps between log-softmax and the reduction
// that the core kernels would otherwise do with a materialised one-hot (M, C) and four binary ops.
// Shapes: log-probabilities logp contiguous (outer, C, inner) (classes in the middle, as
// (N, C, d1, ...) logits; (M, C) is inner = 1), targets (outer, inner) float32 class indices, weight
// (C) -> loss and rowWeight (outer, inner); the backward gives gradLogp (outer, C, inner).
//
// Semantics of F.crossEntropy's index-target branch (packages/nn/src/functional/crossEntropy.ts), with
// pick[c] = (c == t) * (t != ignoreIndex) * w[c] and smoothing s:
//   loss = -sum_c logp[c] pick[c], with s > 0: loss (1 - s) + (-sum_c logp[c] keep w[c]) (s / C)
//   rowWeight = sum_c pick[c] (w[t], 0 if ignored: the terms of the 'mean' denominator)
//   gradLogp[c] = -g pick[c], with s > 0: -(g (1 - s)) pick[c] + -(g (s / C)) keep w[c]
// Every product is taken as the CPU path takes it, so a -inf log-probability of another class gives
// NaN (-inf * 0) exactly as the CPU path does. One workgroup per row for the forward (tree sums in
// float32; the CPU path sums in float64, which only matters with smoothing), one invocation per
// element for the backward. Not covered here: probability targets (that branch is core kernels
// only), the mean / sum over rows (core reduce), the target range checks (made on the host).
import type { KernelRunner, KernelSpec } from '../runner.js';
import { WG, main1d, paramsDecl, pf, pi, storage, rowMain } from '../wgsl.js';

/** How the per-row losses are reduced (F.crossEntropy's `reduction`). */
export type LossReduction = 'none' | 'sum' | 'mean';

/** Options of the index-target cross-entropy (F.crossEntropy's CrossEntropyOptions). */
export interface CrossEntropyOptions {
  /** Class whose rows contribute nothing (compared with the float32 target). @default -100 */
  readonly ignoreIndex?: number;
  /** s in [0, 1]. @default 0 */
  readonly labelSmoothing?: number;
}

/** WGSL of pick[c] for the row's target t and keep (t != ignore); needs `w(c)`. */
const PICK = 'fn onehot(c: i32, t: f32) -> f32 { if (f32(c) == t) { return 1.0; } return 0.0; }\n';

const forwardSpecs = new Map<string, KernelSpec>();
function forwardSpec(hasWeight: boolean, smooth: boolean): KernelSpec {
  const key = `crossEntropyForward:w${+hasWeight}:s${+smooth}`;
  let s = forwardSpecs.get(key);
  if (s !== undefined) return s;
  const decl = `${storage(1, 'logp', false)}${storage(2, 'tgt', false)}${hasWeight ? storage(3, 'weight', false) : ''}${storage(hasWeight ? 4 : 3, 'loss', true)}${storage(hasWeight ? 5 : 4, 'rowWeight', true)}`;
  const w = hasWeight ? 'weight[c]' : '1.0';
  s = {
    key,
    // floats: ignoreIndex, 1 - s, s / C; ints: outer, C, inner
    wgsl: () => `${paramsDecl(3, 3)}${decl}${PICK}
var<workgroup> part: array<vec4<f32>, ${WG}>;
${rowMain('C')}  let t = tgt[row];
  var keep = 0.0;
  if (t != ${pf(0)}) { keep = 1.0; }
  var acc = vec4<f32>(0.0, 0.0, 0.0, 0.0); // sum logp pick, sum pick, sum logp keep w
  for (var c = i32(lid); c < C; c += ${WG}) {
    let lp = logp[base + c * inner];
    let pick = (onehot(c, t) * keep) * ${w};
    acc += vec4<f32>(lp * pick, pick, ${smooth ? `lp * (keep * ${w})` : '0.0'}, 0.0);
  }
  part[lid] = acc;
  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    workgroupBarrier();
    if (lid < half) { part[lid] = part[lid] + part[lid + half]; }
  }
  workgroupBarrier();
  if (lid == 0u) {
    let sums = part[0];
    ${smooth ? `loss[row] = (-sums.x) * ${pf(1)} + (-sums.z) * ${pf(2)};` : 'loss[row] = -sums.x;'}
    rowWeight[row] = sums.y;
  }
}
`,
  };
  forwardSpecs.set(key, s);
  return s;
}

/**
 * Per-row cross-entropy from log-probabilities logp (outer, C, inner) (core softmax with log = true)
 * and float32 class indices target (outer, inner): loss (outer, inner) before the reduction, and
 * rowWeight (outer, inner), whose sum is the 'mean' denominator (the sum of the picked weights).
 */
export function crossEntropyForward(r: KernelRunner, logp: GPUBuffer, target: GPUBuffer, weight: GPUBuffer | null, outer: number, C: number, inner: number,
  opts: CrossEntropyOptions, loss: GPUBuffer, rowWeight: GPUBuffer): void {
  const rows = outer * inner;
  if (rows === 0) return;
  const s = opts.labelSmoothing ?? 0;
  const buffers = weight === null ? [logp, target, loss, rowWeight] : [logp, target, weight, loss, rowWeight];
  r.run(forwardSpec(weight !== null, s > 0), {
    buffers, floats: [opts.ignoreIndex ?? -100, 1 - s, s / C], ints: [outer, C, inner], workgroups: r.grid(rows),
  });
}

const backwardSpecs = new Map<string, KernelSpec>();
function backwardSpec(hasWeight: boolean, smooth: boolean, reduction: LossReduction): KernelSpec {
  const key = `crossEntropyBackward:w${+hasWeight}:s${+smooth}:${reduction}`;
  let s = backwardSpecs.get(key);
  if (s !== undefined) return s;
  let decl = `${storage(1, 'tgt', false)}${storage(2, 'gLoss', false)}`;
  let b = 3;
  if (hasWeight) decl += storage(b++, 'weight', false);
  if (reduction === 'mean') decl += storage(b++, 'denom', false);
  decl += storage(b, 'gradLogp', true);
  const w = hasWeight ? 'weight[c]' : '1.0';
  // the upstream gradient of the row: per row ('none'), the total's ('sum'), the total's over the
  // denominator ('mean'; a zero denominator passes g * 0, as the CPU path's NaN mean does)
  const g = reduction === 'none' ? 'gLoss[row]'
    : reduction === 'sum' ? 'gLoss[0]'
      : 'mean_grad(gLoss[0], denom[0])';
  s = {
    key,
    // floats: ignoreIndex, 1 - s, s / C; ints: outer, C, inner
    wgsl: () => `${paramsDecl(3, 3)}${decl}${PICK}
fn mean_grad(g: f32, d: f32) -> f32 { if (d == 0.0) { return g * 0.0; } return g / d; }
${main1d()}  let C = ${pi(1)}; let inner = ${pi(2)};
  if (p >= ${pi(0)} * C * inner) { return; }
  let i = p % inner; let c = (p / inner) % C; let o = p / (inner * C);
  let row = o * inner + i;
  let t = tgt[row];
  var keep = 0.0;
  if (t != ${pf(0)}) { keep = 1.0; }
  let g = ${g};
  let pick = (onehot(c, t) * keep) * ${w};
  ${smooth ? `gradLogp[p] = (-(g * ${pf(1)})) * pick + (-(g * ${pf(2)})) * (keep * ${w});` : 'gradLogp[p] = (-g) * pick;'}
}
`,
  };
  backwardSpecs.set(key, s);
  return s;
}

/**
 * The gradient of crossEntropyForward's loss (then reduced by `reduction`) with respect to logp,
 * into gradLogp (outer, C, inner); core softmaxBackward(logp, gradLogp, outer, C, inner, true) then
 * gives the logits' gradient. gLoss: the upstream gradient, (outer, inner) for 'none', one element
 * for 'sum' and 'mean'; `denom` (one element: the sum of rowWeight) is needed for 'mean' only.
 */
export function crossEntropyBackward(r: KernelRunner, target: GPUBuffer, weight: GPUBuffer | null, outer: number, C: number, inner: number,
  opts: CrossEntropyOptions, reduction: LossReduction, gLoss: GPUBuffer, denom: GPUBuffer | null, gradLogp: GPUBuffer): void {
  const total = outer * C * inner;
  if (total === 0) return;
  if (reduction === 'mean' && denom === null) throw new Error("crossEntropyBackward: reduction 'mean' needs the denominator buffer (the sum of rowWeight)");
  const s = opts.labelSmoothing ?? 0;
  const buffers = [target, gLoss];
  if (weight !== null) buffers.push(weight);
  if (reduction === 'mean' && denom !== null) buffers.push(denom);
  buffers.push(gradLogp);
  r.run(backwardSpec(weight !== null, s > 0, reduction), {
    buffers, floats: [opts.ignoreIndex ?? -100, 1 - s, s / C], ints: [outer, C, inner], workgroups: r.grid(Math.ceil(total / WG)),
  });
}
