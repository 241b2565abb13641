import { describe, it } from 'vitest';
import { Generator, Tensor } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { Adam, AdamW, RMSprop, SGD, type AdamOptions, type RMSpropOptions, type SGDOptions } from '@tapegrad/train';
import { NormLossOptimKernels } from '@tapegrad/backend-webgpu';
import { expectClose, uniform, useGpu } from './helpers.js';

// The in-place optimiser steps against several steps of packages/train's SGD, Adam / AdamW and
// RMSprop on the same parameters and gradients: the parameter and every state buffer after each
// step, over the option combinations that change the formula (momentum, dampening, Nesterov, weight
// decay, maximize; Adam's bias correction over the steps, AMSGrad, decoupled decay; RMSprop's
// centring and momentum), with a NaN gradient in some runs.
const gpu = useGpu();
const STEPS = 6;
const N = 1037;

/** Step `step`'s gradient: uniform in [-1, 1], some exact zeros, a NaN at element 5 on step 2 when `nan`. */
function gradient(g: Generator, step: number, nan: boolean): Float32Array {
  const x = uniform(g, N);
  for (let i = 0; i < N; i += 97) x[i] = 0;
  if (nan && step === 2) x[5] = NaN;
  return x;
}

/** A parameter Variable over a copy of `p0`. */
function param(p0: Float32Array): Variable {
  return new Variable(new Tensor(p0.slice(), [N]), { requiresGrad: true });
}

/** The optimiser's state buffer `key` of its only parameter. */
function stateOf(opt: SGD | Adam | AdamW | RMSprop, key: string): Float32Array {
  const s = opt.stateDict().state['0']?.[key];
  if (!(s instanceof Tensor)) throw new Error(`no state ${key}`);
  return s.values();
}

/**
 * Parameters and state buffers: a sum of terms of both signs (p - lr u, a running average) can
 * cancel to near 0, where float32 intermediates (the TS optimisers' are float64) leave an error of
 * the terms' size, not the result's: an absolute part of 1e-6 of the buffer's largest element.
 */
function tolOf(want: Float32Array): { rtol: number; atol: number } {
  let max = 0;
  for (const v of want) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  return { rtol: 2e-6, atol: 1e-6 * max };
}

async function expectNear(got: Promise<Float32Array>, want: Float32Array, what: string): Promise<void> {
  expectClose(await got, want, tolOf(want), what);
}

/** Compares a GPU state buffer with the optimiser's state `key`. */
async function expectState(got: Promise<Float32Array>, opt: SGD | Adam | AdamW | RMSprop, key: string, what: string): Promise<void> {
  await expectNear(got, stateOf(opt, key), what);
}

describe('webgpu optimiser steps', () => {
  const sgdCases: (Partial<SGDOptions> & { nan?: boolean })[] = [
    { lr: 0.1 },
    { lr: 0.1, weightDecay: 0.01, maximize: true },
    { lr: 0.1, momentum: 0.9 },
    { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.05 },
    { lr: 0.1, momentum: 0.9, nesterov: true },
    { lr: 0.1, momentum: 0.5, nesterov: true, weightDecay: 0.01, maximize: true, nan: true },
  ];
  it('sgdUpdate matches SGD over several steps', async () => {
    const k = gpu(), nk = new NormLossOptimKernels(k.runner);
    const g = new Generator(31);
    for (const { nan = false, ...c } of sgdCases) {
      const p0 = uniform(g, N, -2, 2);
      const v = param(p0);
      const opt = new SGD([v], c);
      const o = opt.paramGroups[0]!;
      const pb = k.upload(p0), buf = (c.momentum ?? 0) > 0 ? k.alloc(N) : null;
      for (let step = 0; step < STEPS; step++) {
        const grad = gradient(g, step, nan);
        v.grad = new Tensor(grad.slice(), [N]);
        opt.step();
        nk.sgdUpdate(pb, k.upload(grad), buf, N, o, step === 0);
        const what = `SGD ${JSON.stringify(c)}${nan ? ' NaN' : ''} step ${step + 1}`;
        await expectNear(k.read(pb), v.data.values(), `param, ${what}`);
        if (buf !== null) await expectState(k.read(buf), opt, 'momentumBuffer', `momentum buffer, ${what}`);
      }
    }
  });

  const adamCases: (Partial<AdamOptions> & { decoupled: boolean; nan?: boolean })[] = [
    { decoupled: false },
    { decoupled: false, lr: 0.01, weightDecay: 0.01 },
    { decoupled: false, lr: 0.01, betas: [0.5, 0.9], eps: 1e-6, maximize: true },
    { decoupled: false, lr: 0.01, amsgrad: true },
    { decoupled: false, lr: 0.01, amsgrad: true, weightDecay: 0.1, nan: true },
    { decoupled: true, lr: 0.01 },
    { decoupled: true, lr: 0.01, weightDecay: 0.1, amsgrad: true, maximize: true },
  ];
  it('adamUpdate matches Adam and AdamW over several steps (bias correction, amsgrad)', async () => {
    const k = gpu(), nk = new NormLossOptimKernels(k.runner);
    const g = new Generator(32);
    for (const { decoupled, nan = false, ...c } of adamCases) {
      const p0 = uniform(g, N, -2, 2);
      const v = param(p0);
      const opt = decoupled ? new AdamW([v], c) : new Adam([v], c);
      const o = { ...opt.paramGroups[0]!, decoupled };
      const pb = k.upload(p0), m = k.alloc(N), sq = k.alloc(N), vmax = o.amsgrad ? k.alloc(N) : null;
      for (let step = 0; step < STEPS; step++) {
        const grad = gradient(g, step, nan);
        v.grad = new Tensor(grad.slice(), [N]);
        opt.step();
        nk.adamUpdate(pb, k.upload(grad), m, sq, vmax, N, o, step + 1);
        const what = `${decoupled ? 'AdamW' : 'Adam'} ${JSON.stringify(c)}${nan ? ' NaN' : ''} step ${step + 1}`;
        await expectNear(k.read(pb), v.data.values(), `param, ${what}`);
        await expectState(k.read(m), opt, 'expAvg', `expAvg, ${what}`);
        await expectState(k.read(sq), opt, 'expAvgSq', `expAvgSq, ${what}`);
        if (vmax !== null) await expectState(k.read(vmax), opt, 'maxExpAvgSq', `maxExpAvgSq, ${what}`);
      }
    }
  });

  const rmsCases: (Partial<RMSpropOptions> & { nan?: boolean })[] = [
    { lr: 0.01 },
    { lr: 0.01, alpha: 0.9, weightDecay: 0.01 },
    { lr: 0.01, centered: true },
    { lr: 0.01, momentum: 0.9 },
    { lr: 0.01, centered: true, momentum: 0.5, weightDecay: 0.01, maximize: true, eps: 1e-4, nan: true },
  ];
  it('rmspropUpdate matches RMSprop over several steps', async () => {
    const k = gpu(), nk = new NormLossOptimKernels(k.runner);
    const g = new Generator(33);
    for (const { nan = false, ...c } of rmsCases) {
      const p0 = uniform(g, N, -2, 2);
      const v = param(p0);
      const opt = new RMSprop([v], c);
      const o = opt.paramGroups[0]!;
      const pb = k.upload(p0), sq = k.alloc(N), ga = o.centered ? k.alloc(N) : null, buf = o.momentum > 0 ? k.alloc(N) : null;
      for (let step = 0; step < STEPS; step++) {
        const grad = gradient(g, step, nan);
        v.grad = new Tensor(grad.slice(), [N]);
        opt.step();
        nk.rmspropUpdate(pb, k.upload(grad), sq, ga, buf, N, o);
        const what = `RMSprop ${JSON.stringify(c)}${nan ? ' NaN' : ''} step ${step + 1}`;
        await expectNear(k.read(pb), v.data.values(), `param, ${what}`);
        await expectState(k.read(sq), opt, 'squareAvg', `squareAvg, ${what}`);
        if (ga !== null) await expectState(k.read(ga), opt, 'gradAvg', `gradAvg, ${what}`);
        if (buf !== null) await expectState(k.read(buf), opt, 'momentumBuffer', `momentum buffer, ${what}`);
      }
    }
  });
});
