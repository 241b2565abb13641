/** Argument checks shared by every package. Each throws `<fn>: <message>`; the message is built only on failure. */

export function fail(fn: string, message: string): never {
  throw new Error(`${fn}: ${message}`);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** An integer >= 1. */
export function expectPositiveInt(fn: string, name: string, v: unknown): number {
  if (!isInt(v) || v < 1) fail(fn, `${name} ${String(v)} must be a positive integer; expected an integer >= 1`);
  return v;
}

/** An integer >= 0. */
export function expectNonNegativeInt(fn: string, name: string, v: unknown): number {
  if (!isInt(v) || v < 0) fail(fn, `${name} ${String(v)} must be a non-negative integer; expected an integer >= 0`);
  return v;
}

/** A finite number. */
export function expectFinite(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(fn, `${name} ${String(v)} must be a finite number; expected a finite number`);
  return v;
}

/** Checks a shape: a list of non-negative integers. */
export function expectShape(fn: string, name: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) fail(fn, `${name} ${String(shape)} is not a shape; expected an array of non-negative integers`);
  for (const d of shape) {
    if (!isInt(d) || d < 0) fail(fn, `${name} ${formatShape(shape as number[])} has entry ${String(d)}; expected non-negative integers`);
  }
  return shape as number[];
}

/** Resolves a possibly negative dimension index against a rank. */
export function normalizeDim(fn: string, dim: unknown, rank: number, name = 'dim'): number {
  const r = Math.max(rank, 1);
  if (!isInt(dim) || dim < -r || dim >= r) {
    fail(fn, `${name} ${String(dim)} is out of range for a tensor of rank ${rank}; expected an integer in [${-r}, ${r - 1}]`);
  }
  return dim < 0 ? dim + r : dim;
}

/** Resolves a list of dims (undefined: all dims), rejecting repeats. */
export function normalizeDims(fn: string, dims: number | readonly number[] | undefined | null, rank: number): number[] {
  if (dims === undefined || dims === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out: number[] = [];
  for (const d of list) {
    const nd = normalizeDim(fn, d, rank);
    if (out.includes(nd)) fail(fn, `dims [${list.join(', ')}] name dim ${nd} twice; expected distinct dims`);
    out.push(nd);
  }
  return out;
}
