// Optimiser steps, in place: one invocation per element of a parameter buffer (n), its gradient (n)
// and its state buffers (n each), with the update formulas and order of operations of
// the CPU backend's optimiser kernels (packages/tensor/src/backend/cpu/optim.ts; PyTorch 1.13's rules).
//
// The CPU kernels compute each element in float64 and round only what they store (the
// state buffers, the parameter); here every operation rounds to float32, so results agree to a few
// float32 ulps per step. Per-step scalars (Adam's bias corrections, 1 - lr wd) are computed on the
// host in float64 as there, and passed as float32. The caller keeps the step count / first-step flag
// (the TS state's `step` and the absence of a momentum buffer) and zero-fills new state buffers.
import type { AdamUpdateOptions, RmspropUpdateOptions, SgdUpdateOptions } from '@tapegrad/tensor';
import type { KernelRunner, KernelSpec } from '../runner.js';
import { SPECIALS, WG, main1d, paramsDecl, pf, pi, storage } from '../wgsl.js';
import { MATH } from './unary.js';

/** The options of the Backend's optimiser kernels (packages/tensor/src/backend/OptimKernels.ts). */
export type SgdParams = SgdUpdateOptions;
export type AdamParams = AdamUpdateOptions;
export type RmspropParams = RmspropUpdateOptions;

function cached(map: Map<string, KernelSpec>, key: string, wgsl: () => string): KernelSpec {
  let s = map.get(key);
  if (s === undefined) { s = { key, wgsl }; map.set(key, s); }
  return s;
}

const sgdSpecs = new Map<string, KernelSpec>();
// floats: lr, sign, wd, momentum, 1 - dampening; ints: n, first step (1 / 0)
function sgdSpec(momentum: boolean, nesterov: boolean): KernelSpec {
  const key = `sgdUpdate:m${+momentum}:n${+nesterov}`;
  return cached(sgdSpecs, key, () => `${paramsDecl(5, 2)}${storage(1, 'param', true)}${storage(2, 'grad', false)}${momentum ? storage(3, 'buf', true) : ''}
${main1d()}  if (p >= ${pi(0)}) { return; }
  let lr = ${pf(0)}; let sign = ${pf(1)}; let wd = ${pf(2)};
  let x = param[p];
${momentum ? `  let g = sign * grad[p] + wd * x;
  var b = g;
  if (${pi(1)} == 0) { b = ${pf(3)} * buf[p] + ${pf(4)} * g; }
  buf[p] = b;
  param[p] = x - lr * (${nesterov ? `g + ${pf(3)} * b` : 'b'});`
    : '  param[p] = x - lr * (sign * grad[p] + wd * x);'}
}
`);
}

/**
 * One SGD step on param (n) in place, from grad (n): `g = grad + wd p` (negated grad when
 * maximising); with momentum, momentumBuffer (n; required when momentum > 0) becomes g on the
 * `first` step, else `momentum buf + (1 - dampening) g`; then `p -= lr * (nesterov ? g + momentum buf : buf)`
 * (without momentum `p -= lr g`).
 */
export function sgdUpdate(r: KernelRunner, param: GPUBuffer, grad: GPUBuffer, momentumBuffer: GPUBuffer | null, n: number, o: SgdParams, first: boolean): void {
  if (n === 0) return;
  const withMomentum = o.momentum !== 0;
  if (withMomentum && momentumBuffer === null) throw new Error('sgdUpdate: momentum > 0 needs a momentum buffer');
  const buffers = [param, grad];
  if (withMomentum && momentumBuffer !== null) buffers.push(momentumBuffer);
  r.run(sgdSpec(withMomentum, withMomentum && o.nesterov), {
    buffers, floats: [o.lr, o.maximize ? -1 : 1, o.weightDecay, o.momentum, 1 - o.dampening], ints: [n, first ? 1 : 0],
    workgroups: r.grid(Math.ceil(n / WG)),
  });
}

const adamSpecs = new Map<string, KernelSpec>();
// floats: decay, sign, l2, b1, 1 - b1, b2, 1 - b2, stepSize, sqrt(1 - b2^t), eps; ints: n
function adamSpec(amsgrad: boolean): KernelSpec {
  const key = `adamUpdate:a${+amsgrad}`;
  return cached(adamSpecs, key, () => `${paramsDecl(10, 1)}${storage(1, 'param', true)}${storage(2, 'grad', false)}${storage(3, 'expAvg', true)}${storage(4, 'expAvgSq', true)}${amsgrad ? storage(5, 'maxExpAvgSq', true) : ''}${SPECIALS}${MATH}
${main1d()}  if (p >= ${pi(0)}) { return; }
  let x = ${pf(0)} * param[p];
  let g = ${pf(1)} * grad[p] + ${pf(2)} * x;
  let mi = ${pf(3)} * expAvg[p] + ${pf(4)} * g;
  let vi = ${pf(5)} * expAvgSq[p] + ${pf(6)} * g * g;
  expAvg[p] = mi;
  expAvgSq[p] = vi;
  var denomV = vi;
${amsgrad ? `  var vmax = maxExpAvgSq[p];
  if (vi > vmax || is_nan(vi)) { vmax = vi; }
  maxExpAvgSq[p] = vmax;
  denomV = vmax;
` : ''}  param[p] = x - ${pf(7)} * mi / (sqrt_s(denomV) / ${pf(8)} + ${pf(9)});
}
`);
}

/**
 * One Adam (or AdamW, `decoupled`) step on param (n) in place: `step` is the step number after
 * this step's increment (1 on the first), expAvg / expAvgSq (n) the moment averages, maxExpAvgSq
 * (n) the running maximum for AMSGrad or null without it.
 */
export function adamUpdate(r: KernelRunner, param: GPUBuffer, grad: GPUBuffer, expAvg: GPUBuffer, expAvgSq: GPUBuffer, maxExpAvgSq: GPUBuffer | null,
  n: number, o: AdamParams, step: number): void {
  if (n === 0) return;
  const [b1, b2] = o.betas;
  const stepSize = o.lr / (1 - b1 ** step);
  const bc2Sqrt = Math.sqrt(1 - b2 ** step);
  const decay = o.decoupled ? 1 - o.lr * o.weightDecay : 1;
  const l2 = o.decoupled ? 0 : o.weightDecay;
  const buffers = [param, grad, expAvg, expAvgSq];
  if (maxExpAvgSq !== null) buffers.push(maxExpAvgSq);
  r.run(adamSpec(maxExpAvgSq !== null), {
    buffers, floats: [decay, o.maximize ? -1 : 1, l2, b1, 1 - b1, b2, 1 - b2, stepSize, bc2Sqrt, o.eps], ints: [n],
    workgroups: r.grid(Math.ceil(n / WG)),
  });
}

const rmspropSpecs = new Map<string, KernelSpec>();
// floats: lr, sign, wd, alpha, 1 - alpha, eps, momentum; ints: n
function rmspropSpec(centered: boolean, momentum: boolean): KernelSpec {
  const key = `rmspropUpdate:c${+centered}:m${+momentum}`;
  let decl = `${storage(1, 'param', true)}${storage(2, 'grad', false)}${storage(3, 'squareAvg', true)}`;
  let b = 4;
  if (centered) decl += storage(b++, 'gradAvg', true);
  if (momentum) decl += storage(b, 'buf', true);
  return cached(rmspropSpecs, key, () => `${paramsDecl(7, 1)}${decl}${SPECIALS}${MATH}
${main1d()}  if (p >= ${pi(0)}) { return; }
  let lr = ${pf(0)}; let alpha = ${pf(3)}; let keep = ${pf(4)};
  let x = param[p];
  let g = ${pf(1)} * grad[p] + ${pf(2)} * x;
  let sqi = alpha * squareAvg[p] + keep * g * g;
  squareAvg[p] = sqi;
${centered ? `  let gai = alpha * gradAvg[p] + keep * g;
  gradAvg[p] = gai;
  let avg = sqrt_s(sqi - gai * gai) + ${pf(5)};
` : `  let avg = sqrt_s(sqi) + ${pf(5)};
`}${momentum ? `  let bi = ${pf(6)} * buf[p] + g / avg;
  buf[p] = bi;
  param[p] = x - lr * bi;
` : `  param[p] = x - lr * g / avg;
`}}
`);
}

/**
 * One RMSprop step on param (n) in place: squareAvg (n) the squared-gradient average, gradAvg (n)
 * the gradient average when centred (else null), momentumBuffer (n; required when momentum > 0).
 */
export function rmspropUpdate(r: KernelRunner, param: GPUBuffer, grad: GPUBuffer, squareAvg: GPUBuffer, gradAvg: GPUBuffer | null,
  momentumBuffer: GPUBuffer | null, n: number, o: RmspropParams): void {
  if (n === 0) return;
  const withMomentum = o.momentum > 0;
  if (withMomentum && momentumBuffer === null) throw new Error('rmspropUpdate: momentum > 0 needs a momentum buffer');
  const buffers = [param, grad, squareAvg];
  if (gradAvg !== null) buffers.push(gradAvg);
  if (withMomentum && momentumBuffer !== null) buffers.push(momentumBuffer);
  r.run(rmspropSpec(gradAvg !== null, withMomentum), {
    buffers, floats: [o.lr, o.maximize ? -1 : 1, o.weightDecay, o.alpha, 1 - o.alpha, o.eps, o.momentum], ints: [n],
    workgroups: r.grid(Math.ceil(n / WG)),
  });
}
