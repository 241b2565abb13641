import { describe, it } from 'vitest';
import { Generator, Tensor } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { F, type CrossEntropyOptions, type Reduction } from '@tapegrad/nn';
import { NormLossOptimKernels } from '@tapegrad/backend-webgpu';
import { expectClose, uniform, useGpu } from './helpers.js';

// Index-target cross-entropy on the GPU (core log-softmax, crossEntropyForward, core reduce / div for
// the reduction; crossEntropyBackward then core softmaxBackward) against F.crossEntropy's value and
// its autograd gradient: (N, C) and (N, C, d) logits, a single (C) row, C past the workgroup size,
// class weights, ignored rows (ignoreIndex outside and inside [0, C)), label smoothing, every
// reduction, an all-ignored batch (NaN mean, zero gradient), and -inf / NaN logits.
const gpu = useGpu();

interface Case {
  shape: number[];
  weight?: boolean;
  opts?: { ignoreIndex?: number; labelSmoothing?: number };
  /** Targets replaced by ignoreIndex at these rows. */
  ignoreRows?: number[];
  /** Logits set to a value at flat positions. */
  poke?: [number, number][];
}

const cases: Case[] = [
  { shape: [8, 10] },
  { shape: [5, 3], weight: true },
  { shape: [4, 10, 9], weight: true, ignoreRows: [1, 7, 20] },
  { shape: [6, 7], weight: true, opts: { ignoreIndex: 2, labelSmoothing: 0.1 } },
  { shape: [3, 130], opts: { labelSmoothing: 0.2 }, ignoreRows: [1] },
  { shape: [2, 5, 3], opts: { labelSmoothing: 0.05 } },
  { shape: [10] },
  { shape: [4, 5], weight: true, ignoreRows: [0, 1, 2, 3] },
  { shape: [3, 4], poke: [[1, -Infinity], [4 + 2, NaN]] },
];

function label(c: Case): string {
  return `[${c.shape.join(', ')}]${c.weight === true ? ' weighted' : ''}${c.opts ? ` ${JSON.stringify(c.opts)}` : ''}${c.ignoreRows ? ` ignoring ${c.ignoreRows.length}` : ''}${c.poke ? ' with -inf / NaN logits' : ''}`;
}

describe('webgpu cross-entropy', () => {
  for (const reduction of ['none', 'sum', 'mean'] as Reduction[]) {
    it(`matches F.crossEntropy and its gradient (reduction '${reduction}')`, async () => {
      const k = gpu(), nk = new NormLossOptimKernels(k.runner);
      const g = new Generator(reduction === 'none' ? 21 : reduction === 'sum' ? 22 : 23);
      for (const c of cases) {
        const C = c.shape.length === 1 ? c.shape[0]! : c.shape[1]!;
        const outer = c.shape.length === 1 ? 1 : c.shape[0]!;
        const inner = c.shape.slice(2).reduce((a, b) => a * b, 1);
        const rows = outer * inner, n = rows * C;
        const logits = uniform(g, n, -4, 4);
        for (const [i, v] of c.poke ?? []) logits[i] = v;
        const ignore = c.opts?.ignoreIndex ?? -100;
        const target = new Float32Array(rows).map(() => Math.floor(g.random() * C));
        for (const r of c.ignoreRows ?? []) target[r] = ignore;
        const weight = c.weight === true ? uniform(g, C, 0.2, 2) : null;
        const targetShape = c.shape.length === 1 ? [] : [c.shape[0]!, ...c.shape.slice(2)];

        // the CPU path
        const opts: CrossEntropyOptions = { reduction, ...c.opts };
        if (weight !== null) opts.weight = new Tensor(weight, [C]);
        const v = new Variable(new Tensor(logits.slice(), c.shape), { requiresGrad: true });
        const loss = F.crossEntropy(v, new Tensor(target.slice(), targetShape), opts);
        const upstream = reduction === 'none' ? uniform(g, rows) : Float32Array.of(0.7);
        loss.backward(new Tensor(upstream.slice(), loss.shape));
        const wantLoss = loss.data.values(), wantGrad = v.grad!.values();

        // the GPU path
        const logp = k.alloc(n);
        k.softmax(k.upload(logits), outer, C, inner, true, logp);
        const tb = k.upload(target), wb = weight === null ? null : k.upload(weight);
        const lossB = k.alloc(rows), rowWeight = k.alloc(rows);
        nk.crossEntropyForward(logp, tb, wb, outer, C, inner, c.opts ?? {}, lossB, rowWeight);
        const flat = (buffer: GPUBuffer) => ({ buffer, strides: [1], offset: 0 });
        const total = k.alloc(1), denom = k.alloc(1), mean = k.alloc(1);
        k.reduce('sum', [rows], flat(lossB), [true], total);
        k.reduce('sum', [rows], flat(rowWeight), [true], denom);
        k.binary('div', [1], flat(total), flat(denom), mean);
        const got = reduction === 'none' ? lossB : reduction === 'sum' ? total : mean;
        const gradLogp = k.alloc(n), gradLogits = k.alloc(n);
        nk.crossEntropyBackward(tb, wb, outer, C, inner, c.opts ?? {}, reduction, k.upload(upstream), reduction === 'mean' ? denom : null, gradLogp);
        k.softmaxBackward(logp, gradLogp, outer, C, inner, true, gradLogits);

        const what = `${label(c)} '${reduction}'`;
        expectClose(await k.read(got, wantLoss.length), wantLoss, { rtol: 2e-5, atol: 1e-5 }, `loss ${what}`);
        expectClose(await k.read(gradLogits), wantGrad, { rtol: 1e-5, atol: 1e-6 * Math.max(1, C / 16) }, `gradient ${what}`);
      }
    });
  }
});
