import { describe, it } from 'vitest';
import { cpuBackend, Generator } from '@tapegrad/tensor';
import { expectClose, useGpu, values } from './helpers.js';

// argReduce, indexSelect and indexAdd against the CPU backend.
const gpu = useGpu();

const shapes: [number, number, number][] = [[1, 1, 1], [3, 10, 1], [2, 5, 7], [4, 130, 1], [2, 200, 3], [0, 3, 2]];

describe('webgpu argReduce', () => {
  for (const op of ['max', 'min'] as const) {
    it(`arg${op} matches the CPU backend (ties to the first index, the first NaN wins)`, async () => {
      const k = gpu();
      const g = new Generator(op === 'max' ? 21 : 22);
      for (const [outer, dim, inner] of shapes) {
        for (const kind of ['plain', 'ties', 'specials'] as const) {
          const n = outer * dim * inner;
          let x: Float32Array;
          if (kind === 'plain') x = values(g, n, -3, 3, []);
          // few distinct values: many ties, whose first index must win
          else if (kind === 'ties') x = values(g, n, -3, 3, []).map((v) => Math.round(v));
          else x = values(g, n, -3, 3, [NaN, Infinity, -Infinity, -0, 0, 2, 2, NaN]);
          const rows = outer * inner;
          const wantV = new Float32Array(rows), wantI = new Float32Array(rows);
          cpuBackend.argReduce(op, x, outer, dim, inner, wantV, wantI);
          const v = k.alloc(rows), ix = k.alloc(rows);
          k.argReduce(op, k.upload(x), outer, dim, inner, v, ix);
          const what = `arg${op} (${outer}, ${dim}, ${inner}) ${kind}`;
          expectClose(await k.read(v, rows), wantV, { rtol: 0 }, `${what} values`);
          expectClose(await k.read(ix, rows), wantI, { rtol: 0 }, `${what} indices`);
        }
      }
    });
  }
});

describe('webgpu indexSelect / indexAdd', () => {
  const cases: { outer: number; n: number; inner: number; indices: number[] }[] = [
    { outer: 1, n: 5, inner: 1, indices: [4, 0, 2] },
    { outer: 3, n: 7, inner: 5, indices: [6, 6, 1, 0, 6, 3] },
    { outer: 2, n: 10, inner: 70, indices: [9, 2, 2, 5] },
    { outer: 4, n: 3, inner: 2, indices: [] },
    { outer: 0, n: 3, inner: 2, indices: [1] },
    { outer: 1, n: 300, inner: 3, indices: Array.from({ length: 100 }, (_, i) => (i * 37) % 300) },
  ];
  for (const c of cases) {
    const name = `(outer ${c.outer}, n ${c.n}, inner ${c.inner}), ${c.indices.length} indices`;
    it(`indexSelect ${name}`, async () => {
      const k = gpu();
      const g = new Generator(31);
      const x = values(g, c.outer * c.n * c.inner);
      const idx = Int32Array.from(c.indices);
      const len = c.outer * idx.length * c.inner;
      const want = new Float32Array(len);
      cpuBackend.indexSelect(x, c.outer, c.n, c.inner, idx, want);
      const out = k.alloc(len);
      k.indexSelect(k.upload(x), c.outer, c.n, c.inner, k.upload(idx), out);
      expectClose(await k.read(out, len), want, { rtol: 0 }, `indexSelect ${name}`);
    });
    it(`indexAdd ${name} (repeated indices sum in order, bit for bit)`, async () => {
      const k = gpu();
      const g = new Generator(32);
      const gr = values(g, c.outer * c.indices.length * c.inner);
      const idx = Int32Array.from(c.indices);
      const len = c.outer * c.n * c.inner;
      const init = values(g, len); // indexAdd adds into what out holds
      const want = init.slice();
      cpuBackend.indexAdd(gr, c.outer, c.n, c.inner, idx, want);
      const out = k.upload(init);
      k.indexAdd(k.upload(gr), c.outer, c.n, c.inner, k.upload(idx), out);
      expectClose(await k.read(out, len), want, { rtol: 0 }, `indexAdd ${name}`);
    });
  }
});
