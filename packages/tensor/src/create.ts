import { Tensor } from './Tensor.js';
import { numel } from './shape.js';
import { fail, formatShape, expectShape, expectFinite } from './validate.js';
import { getBackend } from './backend/registry.js';
import { defaultGenerator, type Generator } from './random/Generator.js';

/** Nested arrays of numbers, as `tensor([[1, 2], [3, 4]])` takes them. */
export type NestedArray = number | readonly NestedArray[];

function inferShape(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedArray;
  }
  return shape;
}

function flattenInto(v: NestedArray, shape: readonly number[], depth: number, out: Float32Array, pos: { i: number }): void {
  if (depth === shape.length) {
    if (typeof v !== 'number') fail('tensor', `values are ragged at depth ${depth}; expected shape ${formatShape(shape)}`);
    out[pos.i++] = v;
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[depth]) {
    fail('tensor', `values are ragged at depth ${depth}: found ${Array.isArray(v) ? `length ${v.length}` : 'a number'}; expected length ${shape[depth]}`);
  }
  for (const item of v as readonly NestedArray[]) flattenInto(item, shape, depth + 1, out, pos);
}

/**
 * A tensor from a typed array / flat list (with `shape`, default 1-D) or nested arrays (shape inferred).
 * The values are copied.
 */
export function tensor(values: ArrayLike<number> | NestedArray, shape?: readonly number[]): Tensor {
  if (typeof values === 'number') {
    const t = scalar(values);
    return shape ? t.reshape(expectShape('tensor', 'shape', shape)) : t;
  }
  const isNested = Array.isArray(values) && values.length > 0 && Array.isArray(values[0]);
  if (isNested) {
    const inferred = inferShape(values as NestedArray);
    const out = getBackend().alloc(numel(inferred));
    flattenInto(values as NestedArray, inferred, 0, out, { i: 0 });
    const t = new Tensor(out, inferred);
    return shape ? t.reshape(expectShape('tensor', 'shape', shape)) : t;
  }
  const flat = values as ArrayLike<number>;
  const s = shape ? expectShape('tensor', 'shape', shape) : [flat.length];
  if (numel(s) !== flat.length) fail('tensor', `${flat.length} values do not fill shape ${formatShape(s)} (${numel(s)} elements); expected ${numel(s)} values`);
  const out = getBackend().alloc(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number') fail('tensor', `value ${String(v)} at index ${i} is not a number`);
    out[i] = v;
  }
  return new Tensor(out, s);
}

function filled(fn: string, shape: readonly number[], value: number): Tensor {
  const s = expectShape(fn, 'shape', shape);
  const out = getBackend().alloc(numel(s));
  if (value !== 0) out.fill(value);
  return new Tensor(out, s);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number): Tensor {
  return filled('full', shape, value);
}

export function zeros(shape: readonly number[]): Tensor {
  return filled('zeros', shape, 0);
}

export function ones(shape: readonly number[]): Tensor {
  return filled('ones', shape, 1);
}

/** A 0-d tensor. */
export function scalar(value: number): Tensor {
  const out = getBackend().alloc(1);
  out[0] = value;
  return new Tensor(out, []);
}

/** [start, end) in steps of `step`, as torch.arange. */
export function arange(start: number, end?: number, step = 1): Tensor {
  if (end === undefined) { end = start; start = 0; }
  if (!Number.isFinite(start)) fail('arange', `start ${start} is not a finite number; expected a finite number`);
  if (!Number.isFinite(end)) fail('arange', `end ${end} is not a finite number; expected a finite number`);
  if (step === 0 || !Number.isFinite(step)) fail('arange', `step ${step} must be a non-zero finite number`);
  if ((end - start) * step < 0) fail('arange', `step ${step} points away from end ${end} (start ${start}); expected a step with the sign of end - start`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const out = getBackend().alloc(n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return new Tensor(out, [n]);
}

export interface RandomOptions {
  /** @default the global generator */
  generator?: Generator;
}

/** Uniform samples in [low, high). */
export function rand(shape: readonly number[], opts: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const s = expectShape('rand', 'shape', shape);
  const g = opts.generator ?? defaultGenerator;
  const low = expectFinite('rand', 'low', opts.low ?? 0), high = expectFinite('rand', 'high', opts.high ?? 1);
  if (high < low) fail('rand', `high ${high} is below low ${low}; expected low <= high`);
  const span = high - low;
  const out = getBackend().alloc(numel(s));
  for (let i = 0; i < out.length; i++) out[i] = low + span * g.random();
  return new Tensor(out, s);
}

/** Normal samples with `mean` and `std`. */
export function randn(shape: readonly number[], opts: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const s = expectShape('randn', 'shape', shape);
  const g = opts.generator ?? defaultGenerator;
  const mean = expectFinite('randn', 'mean', opts.mean ?? 0), std = expectFinite('randn', 'std', opts.std ?? 1);
  if (std < 0) fail('randn', `std ${std} is negative; expected std >= 0`);
  const out = getBackend().alloc(numel(s));
  for (let i = 0; i < out.length; i++) out[i] = mean + std * g.normal();
  return new Tensor(out, s);
}
