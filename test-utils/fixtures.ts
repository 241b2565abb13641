// Reading PyTorch fixtures (written by scripts/fixtures/*.py through common.py) in tests.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Tensor, tensor } from '@tapegrad/tensor';

export interface EncodedTensor {
  shape: number[];
  data: (number | string)[];
}

export interface FixtureFile<C> {
  torch_version: string;
  script: string;
  cases: C[];
}

function decode(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`fixture: unknown value ${v}`);
}

/** Loads a fixture JSON file (path relative to the calling test's URL or absolute). */
export function loadFixture<C>(url: URL): FixtureFile<C> {
  const doc = JSON.parse(readFileSync(url, 'utf8')) as FixtureFile<C>;
  if (!doc.torch_version || !Array.isArray(doc.cases)) throw new Error(`fixture ${url.pathname} is malformed`);
  return doc;
}

/** An encoded tensor as a Tensor. */
export function toTensor(e: EncodedTensor): Tensor {
  return tensor(Float32Array.from(e.data, decode), e.shape);
}

/**
 * Asserts `actual` matches the fixture value: same shape, |a - e| <= atol + rtol * |e| elementwise,
 * NaN where the fixture has NaN, the same infinity where it has one.
 */
export function expectClose(actual: Tensor, expected: EncodedTensor, opts: { atol?: number; rtol?: number; label?: string } = {}): void {
  const atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-4;
  const label = opts.label ?? 'value';
  expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  const a = actual.toArray();
  for (let i = 0; i < a.length; i++) {
    const e = decode(expected.data[i]!), v = a[i]!;
    if (Number.isNaN(e)) {
      if (!Number.isNaN(v)) expect.fail(`${label}[${i}]: got ${v}, expected NaN`);
    } else if (!Number.isFinite(e)) {
      if (v !== e) expect.fail(`${label}[${i}]: got ${v}, expected ${e}`);
    } else if (!(Math.abs(v - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(`${label}[${i}]: got ${v}, expected ${e} (atol ${atol}, rtol ${rtol})`);
    }
  }
}
