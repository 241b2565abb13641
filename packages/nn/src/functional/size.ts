import { fail, isInt } from '@tapegrad/tensor';

/** A size per spatial dim: one number for all dims, or one per dim (`[h, w]`). */
export type Size2 = number | readonly [number, number];
export type Size = number | readonly number[];

function show(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

/**
 * Resolves a number or a list of `dims` numbers into `dims` integers >= `min`, or throws
 * `<fn>: <name> <value> must be ...`.
 */
export function toTuple(fn: string, name: string, v: unknown, dims: number, min: 0 | 1): number[] {
  const what = min === 1 ? 'positive integer' : 'non-negative integer';
  if (isInt(v)) {
    if (v < min) fail(fn, `${name} ${v} must be a ${what}; expected an integer >= ${min}`);
    return new Array<number>(dims).fill(v);
  }
  if (Array.isArray(v) && v.length === dims && v.every((e) => isInt(e) && e >= min)) return v.slice() as number[];
  if (Array.isArray(v) && v.length !== dims) fail(fn, `${name} ${show(v)} has ${v.length} entries; expected a ${what} or ${dims} of them`);
  return fail(fn, `${name} ${show(v)} must be ${dims === 1 ? `a ${what}` : `a ${what} or ${dims} of them`}; expected integers >= ${min}`);
}
