import type { Tensor } from '@tapegrad/tensor';
import { reshape, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveWindow, toPool2dParams, type Size1 } from './poolArgs.js';
import { maxPool2dOp } from './maxPool2d.js';

export interface MaxPool1dOptions {
  /** @default kernelSize */
  stride?: Size1 | null;
  /** Implicit -inf padding on both sides, at most half the kernel. @default 0 */
  padding?: Size1;
  /** @default 1 */
  dilation?: Size1;
  /** @default false */
  ceilMode?: boolean;
  /** Also return the argmax indices along L. @default false */
  returnIndices?: boolean;
}

/**
 * (N, C, L) -> (N, C, Lo) (or (C, L) -> (C, Lo)): the maximum of each (dilated) window, with the
 * output size, tie and NaN rules of maxPool2d. Runs the 2-d kernel on a (1, L) plane.
 */
export function maxPool1d(x: Input, kernelSize: Size1, opts?: MaxPool1dOptions & { returnIndices?: false }): Variable;
export function maxPool1d(x: Input, kernelSize: Size1, opts: MaxPool1dOptions & { returnIndices: true }): [Variable, Tensor];
export function maxPool1d(x: Input, kernelSize: Size1, opts?: MaxPool1dOptions): Variable | [Variable, Tensor];
export function maxPool1d(x: Input, kernelSize: Size1, opts: MaxPool1dOptions = {}): Variable | [Variable, Tensor] {
  const w = resolveWindow('maxPool1d', expectPoolInput('maxPool1d', x.shape, 1), kernelSize, opts);
  const lead = x.shape.slice(0, -1);
  const [out, indices] = maxPool2dOp(reshape(x, [...lead, 1, x.shape[x.shape.length - 1]!]), toPool2dParams(w), opts.returnIndices === true);
  const y = reshape(out, [...lead, w.out[0]!]);
  return opts.returnIndices ? [y, indices!.reshape([...lead, w.out[0]!])] : y;
}
