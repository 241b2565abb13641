import { Tensor } from '../Tensor.js';
import { scalar } from '../create.js';
import { fail } from '../validate.js';
import { binary } from '../kernels/core.js';

/** The comparison methods: `eq ne lt le gt ge`. */
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/**
 * The other operand of a Tensor method: a Tensor, a number (a 0-d constant) or anything that
 * holds its values in a Tensor `data` (an autograd Variable, read without its gradient).
 */
export type TensorOperand = Tensor | number | { readonly data: Tensor };

/** The Tensor behind an operand; `fn` and `name` go into the error for anything else. */
export function operandTensor(fn: string, name: string, o: TensorOperand): Tensor {
  if (o instanceof Tensor) return o;
  if (typeof o === 'number') return scalar(o);
  if (typeof o === 'object' && o !== null && o.data instanceof Tensor) return o.data;
  return fail(fn, `${name} ${String(o)} is not a Tensor, Variable or number; expected one of them`);
}

/**
 * (*a), (*b) -> broadcast(*a, *b): 1 where `a op b` holds, else 0 (float32; NaN compares unequal
 * to everything, itself included, as IEEE and PyTorch). No gradient flows through a comparison.
 */
export function compare(op: CompareOp, a: Tensor, b: TensorOperand): Tensor {
  return binary(op, a, operandTensor(op, 'other', b), op);
}
