import { Tensor, scalar } from '@tapegrad/tensor';
import { Variable } from '../Variable.js';

/** What ops accept as a tensor input: a Variable, or a Tensor taken as a constant. */
export type Input = Variable | Tensor;

/** What a method accepts as its other operand. */
export type Operand = Variable | Tensor | number;

/** Numbers become 0-d constant tensors; Variables and Tensors pass through. */
export function lift(x: Operand): Variable | Tensor {
  return typeof x === 'number' ? scalar(x) : x;
}

/** Wraps a Tensor as a constant Variable (a Variable passes through). */
export function asVariable(x: Variable | Tensor): Variable {
  return x instanceof Variable ? x : new Variable(x);
}
