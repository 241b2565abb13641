// Shared by the pooling tests: fixture case types, and the check of one forward/backward case.
import { expect } from 'vitest';
import { Tensor, tensor } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { toTensor, expectClose, type EncodedTensor } from '../../../../test-utils/fixtures.js';

export type Args = Record<string, unknown>;

export interface ValueCase {
  name: string;
  op: string;
  args: Args;
  x: EncodedTensor;
  out: EncodedTensor;
  g: EncodedTensor;
  dx: EncodedTensor;
  indices?: EncodedTensor;
  [extra: string]: unknown;
}

export interface ErrorCase {
  name: string;
  op: string;
  shape: number[];
  args: Args;
  torchError: string | null;
  [extra: string]: unknown;
}

export type PoolCase = ValueCase | ErrorCase;

export function isErrorCase(c: PoolCase): c is ErrorCase {
  return 'torchError' in c;
}

/** What a runner returns: the output and, for ops with indices, the indices. */
export type RunResult = Variable | [Variable, Tensor];

/**
 * Runs `run` on the case's input, compares output (and indices) with PyTorch's, back-propagates the
 * recorded upstream gradient and compares the input gradient.
 */
export function checkValueCase(c: ValueCase, run: (x: Variable, c: ValueCase) => RunResult, tol: { atol?: number; rtol?: number } = {}): void {
  const x = new Variable(toTensor(c.x), { requiresGrad: true });
  const res = run(x, c);
  const [out, indices] = res instanceof Variable ? [res, null] : res;
  expectClose(out.data, c.out, { ...tol, label: `${c.name} output` });
  if (c.indices) {
    expect(indices, `${c.name}: op returned no indices`).not.toBeNull();
    expectClose(indices!, c.indices, { atol: 0, rtol: 0, label: `${c.name} indices` });
  }
  if (out.data.size === 0) return;
  out.backward(toTensor(c.g));
  expectClose(x.grad ?? tensor(new Float32Array(x.data.size), x.shape), c.dx, { ...tol, label: `${c.name} input gradient` });
}

/** A zero input of the error case's shape. */
export function zerosOf(c: ErrorCase): Tensor {
  return tensor(new Float32Array(c.shape.reduce((a, b) => a * b, 1)), c.shape);
}

/**
 * Distinct values spaced 0.1 apart in a seeded shuffled order, so max-pool gradchecks never
 * straddle a tie (the finite-difference step is 1e-2).
 */
export function distinct(shape: number[], seed = 1): Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Float32Array.from({ length: n }, (_, i) => (i - n / 2) * 0.1);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    const t = v[i]!; v[i] = v[j]!; v[j] = t;
  }
  return new Variable(tensor(v, shape), { requiresGrad: true });
}
