import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend, Generator } from '@tapegrad/tensor';
import { createWasmBackend } from '../src/index.js';
import type { BinaryOp, StridedArray } from '@tapegrad/tensor';

// The wasm backend's elementwise kernels against the CPU ones, bit for bit: contiguous operands,
// broadcasts that coalesce to rows, views that stay above rank 2 (the CPU fallback), and special values.
// 'auto' keeps these small shapes on the TypeScript rows; 'none' sends every row through the f32x4 kernels.
const backends = [
  { label: 'TypeScript rows', backend: createWasmBackend({ threads: 1 }) },
  { label: 'f32x4 rows on 2 threads', backend: createWasmBackend({ threads: 2, thresholds: 'none' }) },
];
afterAll(() => { for (const b of backends) b.backend.close(); });

const SPECIAL = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -2.5];

function values(g: Generator, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = i % 5 === 0 ? SPECIAL[(i / 5) % SPECIAL.length]! : g.random() * 4 - 2;
  return a;
}

function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]!; }
  return s;
}

interface Layout { name: string; shape: number[]; strides: number[][] }

const layouts: Layout[] = [
  { name: 'same shape contiguous', shape: [2, 3, 4, 5], strides: [contiguous([2, 3, 4, 5]), contiguous([2, 3, 4, 5]), contiguous([2, 3, 4, 5])] },
  { name: 'scalar broadcast', shape: [3, 4, 6], strides: [contiguous([3, 4, 6]), [0, 0, 0], contiguous([3, 4, 6])] },
  { name: 'per-channel broadcast (N, C, H, W) with (C, 1, 1)', shape: [2, 3, 4, 4], strides: [contiguous([2, 3, 4, 4]), [0, 1, 0, 0], [0, 16, 4, 1]] },
  { name: 'transposed view (rank stays 2)', shape: [5, 7], strides: [[1, 5], [7, 1], [1, 5]] },
  { name: 'permuted rank-3 view (CPU fallback)', shape: [3, 4, 5], strides: [[1, 3, 12], [20, 5, 1], [5, 1, 20]] },
  { name: 'size-1 dims and a rank-0 shape', shape: [1, 6, 1], strides: [[6, 1, 1], [0, 1, 0], [6, 1, 6]] },
];

function views(g: Generator, l: Layout): StridedArray[] {
  return l.strides.map((st) => {
    let span = 1;
    for (let d = 0; d < l.shape.length; d++) span += (l.shape[d]! - 1) * st[d]!;
    return { data: values(g, span + 3), strides: st, offset: 3 };
  });
}

function same(got: Float32Array, want: Float32Array): void {
  expect(Array.from(new Int32Array(got.buffer))).toEqual(Array.from(new Int32Array(want.buffer)));
}

const OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'gt', 'ge', 'lt', 'le', 'pow', 'maximum', 'eq'];

for (const { label, backend } of backends) describe(`wasm backend elementwise kernels (${label}) match the CPU kernels bit for bit`, () => {
  for (const l of layouts) {
    const n = l.shape.reduce((a, b) => a * b, 1);
    for (const op of OPS) {
      it(`binary ${op} ${l.name}`, () => {
        const [a, b] = views(new Generator(5), l);
        const got = new Float32Array(n), want = new Float32Array(n);
        backend.binary!(op, l.shape, a!, b!, got);
        cpuBackend.binary(op, l.shape, a!, b!, want);
        same(got, want);
      });
    }
    it(`where ${l.name}`, () => {
      const [c, a, b] = views(new Generator(6), l);
      for (let i = 0; i < c!.data.length; i += 2) c!.data[i] = 0;
      const got = new Float32Array(n), want = new Float32Array(n);
      backend.where!(l.shape, c!, a!, b!, got);
      cpuBackend.where(l.shape, c!, a!, b!, want);
      same(got, want);
    });
  }
  for (const l of layouts) {
    it(`copy ${l.name}`, () => {
      const [x, o] = views(new Generator(9), l);
      const want = { ...o!, data: o!.data.slice() };
      backend.copy!(l.shape, x!, o!);
      cpuBackend.copy(l.shape, x!, want);
      same(o!.data, want.data);
    });
  }
  it('copy of an expanded (stride-0) source, as a mean gradient', () => {
    const x = { data: Float32Array.from([1, NaN, -0, 4]), strides: [1, 0, 0], offset: 1 };
    const got = { data: new Float32Array(3 * 4 * 5), strides: [20, 5, 1], offset: 0 };
    const want = { ...got, data: got.data.slice() };
    backend.copy!([3, 4, 5], x, got);
    cpuBackend.copy([3, 4, 5], x, want);
    same(got.data, want.data);
  });
  it('where over a rank-0 shape', () => {
    const c = { data: Float32Array.from([1]), strides: [], offset: 0 };
    const a = { data: Float32Array.from([NaN]), strides: [], offset: 0 }, b = { data: Float32Array.from([2]), strides: [], offset: 0 };
    const got = new Float32Array(1);
    backend.where!([], c, a, b, got);
    expect(Number.isNaN(got[0])).toBe(true);
  });
  it('unary relu keeps NaN, zeroes negatives and -0, with an offset', () => {
    const x = values(new Generator(7), 203);
    const got = new Float32Array(200), want = new Float32Array(200);
    backend.unary!('relu', x, 3, 200, got, 0, 0);
    cpuBackend.unary('relu', x, 3, 200, want, 0, 0);
    for (let i = 0; i < 200; i++) expect(Object.is(got[i], want[i]) || (got[i] === 0 && want[i] === 0), `relu[${i}] ${got[i]} vs ${want[i]}`).toBe(true);
  });
  it('unary exp falls back to the CPU kernel', () => {
    const x = values(new Generator(8), 50);
    const got = new Float32Array(50), want = new Float32Array(50);
    backend.unary!('exp', x, 0, 50, got, 0, 0);
    cpuBackend.unary('exp', x, 0, 50, want, 0, 0);
    same(got, want);
  });
});
