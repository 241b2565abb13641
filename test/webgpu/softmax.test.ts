import { describe, it } from 'vitest';
import { cpuBackend, Generator } from '@tapegrad/tensor';
import { expectClose, uniform, useGpu } from './helpers.js';

// softmax / log-softmax and their backward against the CPU backend over (outer, dim, inner) with
// dims off the workgroup size, inner > 1 (channels of (N, C, H, W)), and special rows.
const gpu = useGpu();

const shapes: [number, number, number][] = [[1, 1, 1], [3, 10, 1], [2, 5, 7], [4, 130, 1], [2, 64, 3], [1, 1000, 2], [7, 3, 9], [0, 4, 2], [2, 0, 3]];

function input(g: Generator, outer: number, dim: number, inner: number, specials: boolean): Float32Array {
  const x = uniform(g, outer * dim * inner, -4, 4);
  if (specials && dim > 2 && inner > 0 && outer > 0) {
    // row (0, 0): one NaN; row (last, 0): all -inf; a -inf and a large value elsewhere
    x[0 + inner] = NaN;
    const last = (outer - 1) * dim * inner;
    if (outer > 1) for (let k = 0; k < dim; k++) x[last + k * inner] = -Infinity;
    if (inner > 1) { x[1] = -Infinity; x[1 + inner] = 80; }
  }
  return x;
}

describe('webgpu softmax', () => {
  for (const log of [false, true]) {
    const name = log ? 'log-softmax' : 'softmax';
    it(`${name} matches the CPU backend`, async () => {
      const k = gpu();
      const g = new Generator(log ? 2 : 1);
      for (const [outer, dim, inner] of shapes) {
        for (const specials of [false, true]) {
          const x = input(g, outer, dim, inner, specials);
          const n = x.length;
          const want = new Float32Array(n);
          cpuBackend.softmax(x, outer, dim, inner, log, want);
          const out = k.alloc(n);
          k.softmax(k.upload(x), outer, dim, inner, log, out);
          expectClose(await k.read(out, n), want, { rtol: 1e-5, atol: log ? 2e-6 : 1e-7 }, `${name} (${outer}, ${dim}, ${inner})${specials ? ' with NaN / -inf rows' : ''}`);
        }
      }
    });

    it(`${name} backward matches the CPU backend`, async () => {
      const k = gpu();
      const g = new Generator(log ? 4 : 3);
      for (const [outer, dim, inner] of shapes) {
        const x = input(g, outer, dim, inner, false);
        const n = x.length;
        const y = new Float32Array(n);
        cpuBackend.softmax(x, outer, dim, inner, log, y);
        const dy = uniform(g, n);
        const want = new Float32Array(n);
        cpuBackend.softmaxBackward(y, dy, outer, dim, inner, log, want);
        const out = k.alloc(n);
        k.softmaxBackward(k.upload(y), k.upload(dy), outer, dim, inner, log, out);
        // sums of dim terms of magnitude <= |g|: an absolute bound scaled by the row length
        expectClose(await k.read(out, n), want, { rtol: 1e-5, atol: 1e-6 * Math.max(1, dim / 16) }, `${name} backward (${outer}, ${dim}, ${inner})`);
      }
    });
  }
});
