// One runner per fixture op: calls the tapegrad function with the case's options (camelCase, as
// recorded by scripts/fixtures/pool2d.py and poolnd.py). Shared by the tests and docs/pooling.md's
// generator (scripts/fixtures/pool_doc.ts).
import { Tensor, tensor } from '@tapegrad/tensor';
import type { Input } from '@tapegrad/autograd';
import { F } from '../../src/index.js';
import { toTensor, type EncodedTensor } from '../../../../test-utils/fixtures.js';
import type { Args, RunResult } from './poolFixture.js';

/** The case itself, for ops that read more than options (samples, unpool indices, a bad index). */
export type CaseExtras = Record<string, unknown>;
export type Runner = (x: Input, a: Args, c: CaseExtras) => RunResult;

function split(a: Args): [unknown, Args] {
  const { kernelSize, ...rest } = a;
  return [kernelSize, rest];
}

/** Indices for an unpool case: the recorded ones, or zeros with the error case's bad index first. */
function unpoolIndices(c: CaseExtras, shape: readonly number[]): Tensor {
  if (c.unpoolIndices) return toTensor(c.unpoolIndices as EncodedTensor);
  const idx = new Float32Array(shape.reduce((p, q) => p * q, 1));
  idx[0] = c.badIndex as number;
  return tensor(idx, shape);
}

export const runners: Record<string, Runner> = {
  maxPool1d: (x, a) => { const [k, o] = split(a); return F.maxPool1d(x, k as F.Size1, { ...o, returnIndices: true }); },
  maxPool2d: (x, a) => { const [k, o] = split(a); return F.maxPool2d(x, k as F.Size2, { ...o, returnIndices: true }); },
  maxPool3d: (x, a) => { const [k, o] = split(a); return F.maxPool3d(x, k as F.Size3, { ...o, returnIndices: true }); },
  avgPool1d: (x, a) => { const [k, o] = split(a); return F.avgPool1d(x, k as F.Size1, o); },
  avgPool2d: (x, a) => { const [k, o] = split(a); return F.avgPool2d(x, k as F.Size2, o); },
  avgPool3d: (x, a) => { const [k, o] = split(a); return F.avgPool3d(x, k as F.Size3, o); },
  lpPool1d: (x, a) => { const { normType, kernelSize, ...o } = a; return F.lpPool1d(x, normType as number, kernelSize as F.Size1, o); },
  lpPool2d: (x, a) => { const { normType, kernelSize, ...o } = a; return F.lpPool2d(x, normType as number, kernelSize as F.Size2, o); },
  adaptiveAvgPool1d: (x, a) => F.adaptiveAvgPool1d(x, a.outputSize as number),
  adaptiveAvgPool2d: (x, a) => F.adaptiveAvgPool2d(x, a.outputSize as F.AdaptiveSize2),
  adaptiveAvgPool3d: (x, a) => F.adaptiveAvgPool3d(x, a.outputSize as F.AdaptiveSize3),
  adaptiveMaxPool1d: (x, a) => F.adaptiveMaxPool1d(x, a.outputSize as number, { returnIndices: true }),
  adaptiveMaxPool2d: (x, a) => F.adaptiveMaxPool2d(x, a.outputSize as F.AdaptiveSize2, { returnIndices: true }),
  globalAvgPool2d: (x, a) => F.globalAvgPool2d(x, a),
  globalMaxPool2d: (x, a) => F.globalMaxPool2d(x, a),
  channelwisePool: (x, a) => F.channelwisePool(x, a.mode as F.ChannelwiseMode),
  crossChannelPool: (x, a) => { const [k, o] = split(a); return F.crossChannelPool(x, k as number, o); },
  maxout: (x, a) => F.maxout(x, a.groupSize as number),
  fractionalMaxPool2d: (x, a, c) => {
    const [k, o] = split(a);
    const randomSamples = c.samples ? toTensor(c.samples as EncodedTensor) : null;
    return F.fractionalMaxPool2d(x, k as F.Size2, { ...o, randomSamples, returnIndices: true });
  },
  maxUnpool1d: (x, a, c) => { const [k, o] = split(a); return F.maxUnpool1d(x, unpoolIndices(c, x.shape), k as F.Size1, o); },
  maxUnpool2d: (x, a, c) => { const [k, o] = split(a); return F.maxUnpool2d(x, unpoolIndices(c, x.shape), k as F.Size2, o); },
};
