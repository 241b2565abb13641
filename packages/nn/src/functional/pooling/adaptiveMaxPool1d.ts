import type { Tensor } from '@tapegrad/tensor';
import { reshape, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveOutputSize } from './poolArgs.js';
import { adaptiveMaxPool2dOp, type AdaptiveMaxPool2dOptions } from './adaptiveMaxPool2d.js';

/**
 * (N, C, L) -> (N, C, Lo) (or (C, L) -> (C, Lo)): the maximum of each adaptive bin
 * [floor(i*L/Lo), ceil((i+1)*L/Lo)); ties and NaN as maxPool2d.
 */
export function adaptiveMaxPool1d(x: Input, outputSize: number | readonly [number], opts?: AdaptiveMaxPool2dOptions & { returnIndices?: false }): Variable;
export function adaptiveMaxPool1d(x: Input, outputSize: number | readonly [number], opts: AdaptiveMaxPool2dOptions & { returnIndices: true }): [Variable, Tensor];
export function adaptiveMaxPool1d(x: Input, outputSize: number | readonly [number], opts?: AdaptiveMaxPool2dOptions): Variable | [Variable, Tensor];
export function adaptiveMaxPool1d(x: Input, outputSize: number | readonly [number], opts: AdaptiveMaxPool2dOptions = {}): Variable | [Variable, Tensor] {
  const [L] = expectPoolInput('adaptiveMaxPool1d', x.shape, 1) as [number];
  const [lo] = resolveOutputSize('adaptiveMaxPool1d', outputSize, [L]) as [number];
  const lead = x.shape.slice(0, -1);
  const [out, indices] = adaptiveMaxPool2dOp(reshape(x, [...lead, 1, L]), [1, lo]);
  const y = reshape(out, [...lead, lo]);
  return opts.returnIndices ? [y, indices!.reshape([...lead, lo])] : y;
}
