import { describe, it } from 'vitest';
import { cpuBackend, Generator, type ReduceOp } from '@tapegrad/tensor';
import { contiguous, expectClose, useGpu, values } from './helpers.js';

// reduce (sum / max / min over any dims) against the CPU backend: kept and reduced dims in every
// arrangement, permuted (strided) inputs, reductions longer than the workgroup, empty dims.
const gpu = useGpu();

interface Case { shape: number[]; reduce: boolean[]; strides?: number[]; offset?: number; specials?: boolean }
const cases: Case[] = [
  { shape: [2, 3, 4, 5], reduce: [false, true, false, true] },
  { shape: [2, 3, 4, 5], reduce: [true, false, true, false] },
  { shape: [2, 3, 4, 5], reduce: [true, true, true, true] },
  { shape: [2, 3, 4, 5], reduce: [false, false, false, false] },
  { shape: [2, 3, 4, 5], reduce: [false, false, false, true], specials: true },
  { shape: [3, 1000], reduce: [false, true] },
  { shape: [1000, 3], reduce: [true, false] },
  { shape: [4999], reduce: [true] },
  { shape: [67, 129], reduce: [false, true], specials: true },
  // a permuted view: (4, 5, 6) with strides of a (6, 4, 5) array
  { shape: [4, 5, 6], reduce: [false, true, false], strides: [5, 1, 20], offset: 7 },
  { shape: [4, 5, 6], reduce: [true, false, true], strides: [5, 1, 20], offset: 7 },
  // a broadcast (stride 0) dim reduced
  { shape: [3, 8, 2], reduce: [false, true, false], strides: [2, 0, 1] },
  { shape: [1, 7, 1], reduce: [true, true, false] },
  { shape: [], reduce: [] },
  { shape: [3, 0, 2], reduce: [false, true, false] },
  { shape: [3, 0, 2], reduce: [true, false, false] },
];

function extent(shape: readonly number[], strides: readonly number[], offset: number): number {
  let last = offset;
  for (let d = 0; d < shape.length; d++) { if (shape[d] === 0) return offset + 1; last += (shape[d]! - 1) * strides[d]!; }
  return last + 1;
}

describe('webgpu reduce', () => {
  for (const op of ['sum', 'max', 'min'] as ReduceOp[]) {
    it(`${op} matches the CPU backend`, async () => {
      const k = gpu();
      const g = new Generator(13);
      for (const c of cases) {
        const strides = c.strides ?? contiguous(c.shape), offset = c.offset ?? 0;
        const len = extent(c.shape, strides, offset);
        const x = c.specials === true ? values(g, len, -3, 3, [NaN, Infinity, -Infinity, 0, -0, 1e30]) : values(g, len, -3, 3, []);
        if (c.specials === true) for (let i = 0; i < len; i++) if (g.random() < 0.9 && !Number.isNaN(x[i]!) && i % 5 === 0) x[i] = 1; // keep some rows NaN-free
        const outShape = c.shape.map((s, d) => (c.reduce[d] ? 1 : s));
        const outLen = outShape.reduce((a, b) => a * b, 1);
        const want = new Float32Array(outLen);
        cpuBackend.reduce(op, c.shape, { data: x, strides, offset }, c.reduce, want);
        const out = k.alloc(outLen);
        k.reduce(op, c.shape, { buffer: k.upload(x), strides, offset }, c.reduce, out);
        const got = await k.read(out, outLen);
        const what = `${op} over [${c.reduce.join(',')}] of [${c.shape.join(',')}]`;
        if (op === 'sum') {
          // float32 tree sums against the CPU's float64: a bound scaled by the sum of |x|
          const scale = new Float32Array(outLen);
          cpuBackend.reduce('sum', c.shape, { data: x.map(Math.abs), strides, offset }, c.reduce, scale);
          expectClose(got, want, { rtol: 1e-6, atol: 1e-6, scale }, what);
        } else {
          expectClose(got, want, { rtol: 0 }, what);
        }
      }
    });
  }
});
