import { formatShape, fail } from '@tapegrad/tensor';

/** fan_in and fan_out as PyTorch computes them: (out, in, *kernel). */
export function fans(shape: readonly number[], fn = 'init'): { fanIn: number; fanOut: number } {
  if (shape.length < 2) fail(fn, `tensor shape ${formatShape(shape)} has fewer than 2 dims; expected (out, in, ...) to compute fan in and fan out`);
  const receptive = shape.slice(2).reduce((p, v) => p * v, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}
