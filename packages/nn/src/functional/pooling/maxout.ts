import { fail, formatShape } from '@tapegrad/tensor';
import { max, reshape, type Variable, type Input } from '@tapegrad/autograd';
import { toTuple } from './poolArgs.js';

/**
 * (N, C, *) -> (N, C / groupSize, *): the maximum over each group of `groupSize` contiguous
 * channels (channel j of the output takes channels j*g .. j*g + g - 1). Ties: the first channel
 * takes the gradient.
 */
export function maxout(x: Input, groupSize: number): Variable {
  const [g] = toTuple('maxout', 'groupSize', groupSize, 1, 1) as [number];
  if (x.shape.length < 2) fail('maxout', `input shape ${formatShape(x.shape)} has rank ${x.shape.length}; expected (N, C, *)`);
  const [n, c] = x.shape as [number, number];
  if (c % g !== 0) fail('maxout', `groupSize ${g} does not divide the ${c} channels of input shape ${formatShape(x.shape)}; expected a divisor of ${c}`);
  const rest = x.shape.slice(2);
  return max(reshape(x, [n, c / g, g, ...rest]), 2)[0];
}
