import { describe, expect, it } from 'vitest';
import { cpuBackend, Generator, type BinaryOp, type StridedArray } from '@tapegrad/tensor';
import type { GpuStrided, WebGpuKernels } from '@tapegrad/backend-webgpu';
import { contiguous, expectClose, powTolerance, useGpu, values } from './helpers.js';

// binary (every BinaryOp), where and copy against the CPU backend over strided, broadcast,
// transposed and permuted layouts, size-1, rank-0 and empty shapes, offsets, special values.
const gpu = useGpu();

interface Layout { name: string; shape: number[]; strides: number[][]; offsets?: number[] }

const layouts: Layout[] = [
  { name: 'same shape contiguous', shape: [2, 3, 4, 5], strides: [contiguous([2, 3, 4, 5]), contiguous([2, 3, 4, 5]), contiguous([2, 3, 4, 5])] },
  { name: 'scalar broadcast', shape: [3, 4, 6], strides: [contiguous([3, 4, 6]), [0, 0, 0], contiguous([3, 4, 6])] },
  { name: 'per-channel broadcast (N, C, H, W) with (C, 1, 1)', shape: [2, 3, 4, 4], strides: [contiguous([2, 3, 4, 4]), [0, 1, 0, 0], [0, 16, 4, 1]] },
  { name: 'transposed view', shape: [5, 7], strides: [[1, 5], [7, 1], [1, 5]] },
  { name: 'permuted rank-3 view', shape: [3, 4, 5], strides: [[1, 3, 12], [20, 5, 1], [5, 1, 20]] },
  { name: 'size-1 dims', shape: [1, 6, 1], strides: [[6, 1, 1], [0, 1, 0], [6, 1, 6]] },
  { name: 'rank 0', shape: [], strides: [[], [], []], offsets: [2, 1, 3] },
  { name: 'odd sizes past the workgroup (67 x 131), row broadcast, offsets', shape: [67, 131], strides: [[131, 1], [0, 1], [1, 67]], offsets: [5, 3, 1] },
  { name: 'rank 6 with a broadcast middle dim', shape: [2, 1, 3, 2, 3, 2], strides: [contiguous([2, 1, 3, 2, 3, 2]), [36, 0, 12, 0, 2, 1], [1, 0, 2, 6, 12, 36]] },
  { name: 'empty', shape: [3, 0, 4], strides: [[0, 4, 1], [0, 4, 1], [0, 4, 1]] },
];

/** Extent of a strided view: the buffer length that holds it. */
function extent(shape: readonly number[], strides: readonly number[], offset: number): number {
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 0) return offset + 1;
    last += (shape[d]! - 1) * strides[d]!;
  }
  return last + 1;
}

function operand(k: WebGpuKernels, g: Generator, l: Layout, j: number, fill?: (n: number) => Float32Array): { cpu: StridedArray; gpu: GpuStrided } {
  const offset = l.offsets?.[j] ?? 0;
  const strides = l.strides[j]!;
  const data = fill ? fill(extent(l.shape, strides, offset)) : values(g, extent(l.shape, strides, offset));
  return { cpu: { data, strides, offset }, gpu: { buffer: k.upload(data), strides, offset } };
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'gt', 'ge', 'lt', 'le', 'eq', 'ne'];

describe('webgpu binary', () => {
  for (const op of OPS) {
    it(`${op} matches the CPU backend on every layout`, async () => {
      const k = gpu();
      const g = new Generator(3);
      for (const l of layouts) {
        const a = operand(k, g, l, 0);
        // b: special values every fifth slot too, and equal to a in places (eq / ne / ties)
        const b = operand(k, g, l, 1, (n) => {
          const v = values(g, n);
          for (let i = 0; i < Math.min(n, a.cpu.data.length); i += 3) v[i] = a.cpu.data[i]!;
          return v;
        });
        const n = numel(l.shape);
        const want = new Float32Array(n);
        cpuBackend.binary(op, l.shape, a.cpu, b.cpu, want);
        const out = k.alloc(n);
        k.binary(op, l.shape, a.gpu, b.gpu, out);
        // add / sub / mul / eq ... are exact in float32; div within 1 ulp; pow is exp2(y log2 x)
        const tol = op === 'pow' ? powTolerance(want) : op === 'div' ? { rtol: 1.2e-7 } : { rtol: 0 };
        expectClose(await k.read(out, n), want, tol, `${op} ${l.name}`);
      }
    });
  }
});

describe('webgpu where', () => {
  it('matches the CPU backend on every layout (NaN and -0 conditions)', async () => {
    const k = gpu();
    const g = new Generator(5);
    const condLayouts = layouts.map((l) => ({ ...l, strides: [l.strides[2]!, l.strides[0]!, l.strides[1]!], offsets: l.offsets ? [l.offsets[2]!, l.offsets[0]!, l.offsets[1]!] : undefined } as Layout));
    for (const l of [...layouts, ...condLayouts]) {
      const cond = operand(k, g, l, 0, (n) => {
        const c = new Float32Array(n);
        for (let i = 0; i < n; i++) c[i] = [0, 1, -0, NaN, 0.5, 0, -2][Math.floor(g.random() * 7)]!;
        return c;
      });
      const a = operand(k, g, l, 1), b = operand(k, g, l, 2);
      const n = numel(l.shape);
      const want = new Float32Array(n);
      cpuBackend.where(l.shape, cond.cpu, a.cpu, b.cpu, want);
      const out = k.alloc(n);
      k.where(l.shape, cond.gpu, a.gpu, b.gpu, out);
      expectClose(await k.read(out, n), want, { rtol: 0 }, `where ${l.name}`);
    }
  });
});

describe('webgpu copy', () => {
  it('copies strided views into strided views', async () => {
    const k = gpu();
    const g = new Generator(9);
    const cases: { name: string; shape: number[]; x: number[]; xo: number; out: number[]; oo: number; outLen: number }[] = [
      { name: 'contiguous', shape: [4, 70], x: [70, 1], xo: 0, out: [70, 1], oo: 0, outLen: 280 },
      { name: 'transpose', shape: [5, 7], x: [1, 5], xo: 2, out: [7, 1], oo: 0, outLen: 35 },
      { name: 'into a padded region (N, C, H, W) -> (N, C, H + 2, W + 2)', shape: [2, 3, 4, 5], x: contiguous([2, 3, 4, 5]), xo: 0, out: [126, 42, 7, 1], oo: 8, outLen: 252 },
      { name: 'broadcast source', shape: [3, 66], x: [0, 1], xo: 1, out: [66, 1], oo: 0, outLen: 198 },
      { name: 'rank 0', shape: [], x: [], xo: 3, out: [], oo: 1, outLen: 2 },
      { name: 'empty', shape: [0, 5], x: [5, 1], xo: 0, out: [5, 1], oo: 0, outLen: 3 },
    ];
    for (const c of cases) {
      const x = values(g, extent(c.shape, c.x, c.xo));
      const init = values(g, c.outLen);
      const want = init.slice();
      cpuBackend.copy(c.shape, { data: x, strides: c.x, offset: c.xo }, { data: want, strides: c.out, offset: c.oo });
      const out = k.upload(init);
      k.copy(c.shape, { buffer: k.upload(x), strides: c.x, offset: c.xo }, { buffer: out, strides: c.out, offset: c.oo });
      expectClose(await k.read(out), want, { rtol: 0 }, `copy ${c.name}`);
    }
  });

  it('compiles one pipeline per (op, coalesced rank)', () => {
    const k = gpu();
    const before = k.runner.pipelineCount;
    const x = k.upload(new Float32Array(24)), out = k.alloc(24);
    // contiguous (2, 3, 4) and (24) both coalesce to rank 1
    k.copy([2, 3, 4], { buffer: x, strides: [12, 4, 1], offset: 0 }, { buffer: out, strides: [12, 4, 1], offset: 0 });
    k.copy([24], { buffer: x, strides: [1], offset: 0 }, { buffer: out, strides: [1], offset: 0 });
    expect(k.runner.pipelineCount - before).toBeLessThanOrEqual(1);
  });
});
