import { describe, expect, it } from 'vitest';
import { cpuBackend, Generator, type UnaryOp } from '@tapegrad/tensor';
import { expectClose, powTolerance, useGpu, values, type Tolerance } from './helpers.js';

// Every UnaryOp and reluBackward against the CPU backend, on sizes around the workgroup size (64)
// with an element offset, special values (NaN, ±0, ±inf, round's ties) in every fifth slot.
const gpu = useGpu();

const EXACT: Tolerance = { rtol: 0 };
// float32 transcendental functions against the CPU's float64 ones rounded once
const MATHS: Tolerance = { rtol: 1e-5, atol: 1e-7 };

interface Case { op: UnaryOp; params: [number, number][]; tol: Tolerance | 'pow' }
const cases: Case[] = [
  { op: 'neg', params: [[0, 0]], tol: EXACT },
  { op: 'exp', params: [[0, 0]], tol: MATHS },
  { op: 'log', params: [[0, 0]], tol: MATHS },
  { op: 'sqrt', params: [[0, 0]], tol: MATHS },
  { op: 'rsqrt', params: [[0, 0]], tol: MATHS },
  { op: 'abs', params: [[0, 0]], tol: EXACT },
  { op: 'sign', params: [[0, 0]], tol: EXACT },
  { op: 'relu', params: [[0, 0]], tol: EXACT },
  { op: 'sigmoid', params: [[0, 0]], tol: MATHS },
  { op: 'tanh', params: [[0, 0]], tol: MATHS },
  { op: 'square', params: [[0, 0]], tol: EXACT },
  { op: 'reciprocal', params: [[0, 0]], tol: { rtol: 2.4e-7 } },
  { op: 'powScalar', params: [[2, 0], [3, 0], [0.5, 0], [-1.5, 0], [0, 0], [-2, 0], [Infinity, 0]], tol: 'pow' },
  { op: 'rpowScalar', params: [[2, 0], [0.5, 0], [-2, 0], [0, 0], [1, 0]], tol: 'pow' },
  { op: 'clamp', params: [[-0.5, 0.75], [-Infinity, 0.25], [0, Infinity]], tol: EXACT },
  // a parameter that is not a float32 (0.01) is rounded to one before the multiply: 1 ulp
  { op: 'leakyRelu', params: [[0.01, 0], [0.25, 0]], tol: { rtol: 1.2e-7 } },
  { op: 'elu', params: [[1, 0], [0.5, 0]], tol: MATHS },
  { op: 'gelu', params: [[0, 0]], tol: MATHS },
  { op: 'floor', params: [[0, 0]], tol: EXACT },
  { op: 'ceil', params: [[0, 0]], tol: EXACT },
  { op: 'round', params: [[0, 0]], tol: EXACT },
  { op: 'isnan', params: [[0, 0]], tol: EXACT },
  { op: 'addScalar', params: [[1.5, 0], [-0.25, 0]], tol: EXACT },
  { op: 'mulScalar', params: [[-2.5, 0], [0, 0]], tol: EXACT },
];

const SIZES = [1, 63, 64, 65, 1000];
const OFFSET = 3;

describe('webgpu unary', () => {
  for (const c of cases) {
    it(`${c.op} matches the CPU backend`, async () => {
      const k = gpu();
      const g = new Generator(7);
      const x = values(g, OFFSET + Math.max(...SIZES));
      // small values too, where tanh / elu / gelu / sigmoid would cancel in a naive formula
      for (let i = 1; i < x.length; i += 7) x[i] = x[i]! * 1e-4;
      // and values near 1, where log and pow need relative (not absolute) accuracy
      for (let i = 2; i < x.length; i += 11) x[i] = 1 + x[i]! * 1e-3;
      const xb = k.upload(x);
      const checks: Promise<void>[] = [];
      for (const [a, b] of c.params) {
        for (const n of SIZES) {
          const out = k.alloc(n);
          k.unary(c.op, xb, OFFSET, n, out, a, b);
          const want = new Float32Array(n);
          cpuBackend.unary(c.op, x, OFFSET, n, want, a, b);
          checks.push(k.read(out).then((got) => expectClose(got, want, c.tol === 'pow' ? powTolerance(want) : c.tol, `${c.op}(a=${a}, b=${b}) n=${n}`)));
        }
      }
      await Promise.all(checks);
    });
  }

  it('does nothing for n = 0', async () => {
    const k = gpu();
    const out = k.upload(new Float32Array([5]));
    k.unary('neg', k.upload(new Float32Array([1])), 0, 0, out, 0, 0);
    expect(Array.from(await k.read(out))).toEqual([5]);
  });

  it('reluBackward matches the CPU backend (NaN outputs pass the gradient)', async () => {
    const k = gpu();
    const g = new Generator(11);
    for (const n of [1, 64, 129, 777]) {
      const y = values(g, n + 2), dy = values(g, n + 5);
      const want = new Float32Array(n);
      cpuBackend.reluBackward(y, 2, dy, 5, n, want);
      const out = k.alloc(n);
      k.reluBackward(k.upload(y), 2, k.upload(dy), 5, n, out);
      expectClose(await k.read(out), want, EXACT, `reluBackward n=${n}`);
    }
  });
});
