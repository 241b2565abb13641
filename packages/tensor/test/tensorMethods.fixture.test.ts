// The Tensor methods against PyTorch 1.13 (scripts/fixtures/tensor_methods.py): comparisons,
// sum/mean/argmax/argmin, select/index and toString. Imports the built package, as the fixture
// helpers do, so the wasm test areas run these on the WebAssembly backend too.
import { describe, it, expect } from 'vitest';
import { Tensor, type CompareOp } from '@tapegrad/tensor';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';

type Dims = number | number[] | null;
type Case =
  | { kind: 'compare'; name: string; op: CompareOp; a: EncodedTensor; b: EncodedTensor | number | string; out: EncodedTensor }
  | { kind: 'reduce'; name: string; op: 'sum' | 'mean' | 'argmax' | 'argmin'; x: EncodedTensor; dims?: Dims; dim?: number | null; keepDim: boolean; out: EncodedTensor }
  | { kind: 'accuracy'; name: string; logits: EncodedTensor; labels: EncodedTensor; accuracy: number }
  | { kind: 'select'; name: string; x: EncodedTensor; dim: number; index: number; out: EncodedTensor }
  | { kind: 'index'; name: string; x: EncodedTensor; dim: number; indices: EncodedTensor; out: EncodedTensor }
  | { kind: 'repr'; name: string; x: EncodedTensor; repr: string; expected: string };

/** Equal as float32 (the fixture keeps 9 significant digits, finer than float32's spacing). */
const EXACT = { atol: 0, rtol: 1e-8 };

const fixture = loadFixture<Case>(new URL('./fixtures/tensor_methods.json', import.meta.url));

function operand(b: EncodedTensor | number | string): Tensor | number {
  if (typeof b === 'number') return b;
  if (typeof b === 'string') return b === 'NaN' ? NaN : b === 'Infinity' ? Infinity : -Infinity;
  return toTensor(b);
}

function run(c: Case): void {
  switch (c.kind) {
    case 'compare': {
      const out = toTensor(c.a)[c.op](operand(c.b));
      expectClose(out, c.out, EXACT);
      return;
    }
    case 'reduce': {
      const x = toTensor(c.x);
      if (c.op === 'sum' || c.op === 'mean') expectClose(x[c.op](c.dims ?? undefined, c.keepDim), c.out);
      else expectClose(x[c.op](c.dim ?? undefined, c.keepDim), c.out, EXACT);
      return;
    }
    case 'accuracy': {
      const logits = toTensor(c.logits), y = toTensor(c.labels);
      expect(logits.argmax(1).eq(y).float().mean().item()).toBeCloseTo(c.accuracy, 6);
      return;
    }
    case 'select':
      expectClose(toTensor(c.x).select(c.dim, c.index), c.out, EXACT);
      return;
    case 'index':
      expectClose(toTensor(c.x).index(c.dim, toTensor(c.indices)), c.out, EXACT);
      return;
    case 'repr':
      expect(toTensor(c.x).toString()).toBe(c.expected);
      return;
  }
}

describe('Tensor methods against PyTorch 1.13 fixtures', () => {
  for (const c of fixture.cases) it(c.name, () => run(c));

  it('toString differs from torch repr only by the shape suffix on a small case', () => {
    const c = fixture.cases.find((k) => k.name === 'toString 2x3 decimals');
    if (c?.kind !== 'repr') throw new Error('fixture case missing');
    expect(c.expected.replace(', shape [2, 3]', '')).toBe(c.repr);
  });
});
