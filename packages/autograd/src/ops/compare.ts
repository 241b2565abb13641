import { compare as compareTensors, operandTensor, type CompareOp, type Tensor } from '@tapegrad/tensor';
import type { Operand } from './operand.js';

/** The relation on the operands' values (a Variable is read without its gradient). */
function compare(op: CompareOp, a: Operand, b: Operand): Tensor {
  return compareTensors(op, operandTensor(op, 'input', a), b);
}

// (*a), (*b) -> broadcast(*a, *b): 1 where the relation holds, else 0, as a Tensor. Comparisons
// are not differentiable, so they record nothing and return no Variable (PyTorch: a bool tensor
// with requires_grad False).
/** `a == b` as 0/1. */
export function eq(a: Operand, b: Operand): Tensor { return compare('eq', a, b); }
/** `a != b` as 0/1. */
export function ne(a: Operand, b: Operand): Tensor { return compare('ne', a, b); }
/** `a < b` as 0/1. */
export function lt(a: Operand, b: Operand): Tensor { return compare('lt', a, b); }
/** `a <= b` as 0/1. */
export function le(a: Operand, b: Operand): Tensor { return compare('le', a, b); }
/** `a > b` as 0/1. */
export function gt(a: Operand, b: Operand): Tensor { return compare('gt', a, b); }
/** `a >= b` as 0/1. */
export function ge(a: Operand, b: Operand): Tensor { return compare('ge', a, b); }
