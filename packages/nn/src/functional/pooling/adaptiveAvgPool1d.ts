import { reshape, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveOutputSize } from './poolArgs.js';
import { adaptiveAvgPool2dOp } from './adaptiveAvgPool2d.js';

/** (N, C, L) -> (N, C, Lo) (or (C, L) -> (C, Lo)): bin i averages [floor(i*L/Lo), ceil((i+1)*L/Lo)). */
export function adaptiveAvgPool1d(x: Input, outputSize: number | readonly [number]): Variable {
  const [L] = expectPoolInput('adaptiveAvgPool1d', x.shape, 1) as [number];
  const [lo] = resolveOutputSize('adaptiveAvgPool1d', outputSize, [L]) as [number];
  const lead = x.shape.slice(0, -1);
  return reshape(adaptiveAvgPool2dOp(reshape(x, [...lead, 1, L]), [1, lo]), [...lead, lo]);
}
