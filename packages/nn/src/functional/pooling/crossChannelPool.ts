import { fail, formatShape, isInt } from '@tapegrad/tensor';
import { reshape, type Variable, type Input } from '@tapegrad/autograd';
import { poolOutputSize, toTuple } from './poolArgs.js';
import { maxPool2dOp } from './maxPool2d.js';
import { avgPool2dOp } from './avgPool2d.js';

export interface CrossChannelPoolOptions {
  /** 'max' or 'avg' over each channel window. @default 'max' */
  mode?: 'max' | 'avg';
  /** Step between channel windows. @default kernelSize */
  stride?: number;
}

/**
 * (N, C, *) -> (N, Co, *), Co = floor((C - k) / s) + 1: pools along the channel axis, at every
 * spatial position (a max or mean over windows of k adjacent channels). Input of rank >= 2.
 */
export function crossChannelPool(x: Input, kernelSize: number, opts: CrossChannelPoolOptions = {}): Variable {
  const fn = 'crossChannelPool';
  if (x.shape.length < 2) fail(fn, `input shape ${formatShape(x.shape)} has rank ${x.shape.length}; expected (N, C, *)`);
  const [k] = toTuple(fn, 'kernelSize', kernelSize, 1, 1) as [number];
  const s = opts.stride === undefined ? k : opts.stride;
  if (!isInt(s) || s < 1) fail(fn, `stride ${String(s)} is not a positive integer; expected an integer >= 1`);
  const mode = opts.mode ?? 'max';
  if (mode !== 'max' && mode !== 'avg') fail(fn, `mode ${String(mode)} is not a pooling mode; expected 'max' or 'avg'`);
  const [n, c] = x.shape as [number, number];
  const rest = x.shape.slice(2);
  const size = rest.reduce((a, b) => a * b, 1);
  const co = poolOutputSize(c, k, s, 0, 1, false);
  if (co < 1) fail(fn, `kernelSize ${k} exceeds the ${c} channels of input shape ${formatShape(x.shape)}; expected at most ${c}`);
  // (N, C, *) viewed as N planes of (C, S): a (k, 1) window with stride (s, 1) pools channels.
  const planes = reshape(x, [n, c, size]);
  const p = { kH: k, kW: 1, sH: s, sW: 1, pH: 0, pW: 0, dH: 1, dW: 1, outH: co, outW: size };
  const y = mode === 'max' ? maxPool2dOp(planes, p, false)[0] : avgPool2dOp(planes, { p, countIncludePad: true, divisorOverride: 0 });
  return reshape(y, [n, co, ...rest]);
}
