import type { Variable, Input } from '@tapegrad/autograd';
import { resolveConv, runConv2d } from './conv2d.js';

export interface Conv1dOptions {
  /** @default 1 */
  stride?: number | readonly [number];
  /** Zero padding per side, `'valid'` or `'same'` (stride 1 only; extra padding on the right). @default 0 */
  padding?: number | readonly [number] | 'same' | 'valid';
  /** @default 1 */
  dilation?: number | readonly [number];
  /** @default 1 */
  groups?: number;
}

/**
 * (N, C, L) or (C, L), weight (O, C / groups, kL), bias (O) -> (N, O, Lo) or (O, Lo),
 * Lo = floor((L + padLeft + padRight - dilation * (kL - 1) - 1) / stride) + 1.
 * Runs as a 2-d convolution with H = 1.
 */
export function conv1d(x: Input, weight: Input, bias?: Input | null, opts: Conv1dOptions = {}): Variable {
  const { geometry, batched } = resolveConv('conv1d', 1, x.shape, weight.shape, bias ? bias.shape : null, opts);
  const x4 = batched ? x.unsqueeze(2) : x.unsqueeze(0).unsqueeze(2);
  const y = runConv2d(geometry, x4, weight.unsqueeze(2), bias).squeeze(2);
  return batched ? y : y.squeeze(0);
}
