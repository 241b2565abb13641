import { Tensor, scalar, type CompareOp } from '@tapegrad/tensor';
import type { Operand } from './operand.js';

/** The values of an operand, without gradient: a Variable's data, a Tensor, or a number as a 0-d tensor. */
function values(x: Operand): Tensor {
  if (typeof x === 'number') return scalar(x);
  return x instanceof Tensor ? x : x.data;
}

function compare(op: CompareOp, a: Operand, b: Operand): Tensor {
  const t = values(a);
  switch (op) {
    case 'eq': return t.eq(b);
    case 'ne': return t.ne(b);
    case 'lt': return t.lt(b);
    case 'le': return t.le(b);
    case 'gt': return t.gt(b);
    case 'ge': return t.ge(b);
  }
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
