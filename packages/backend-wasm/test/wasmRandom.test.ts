// The dropout mask drawn in WebAssembly memory: the CPU kernel's mask bit for bit, and the generator
// left in the same state, whatever the size (under the threshold the host draws it, from 2^18
// elements two threads draw a stretch each) and wherever the output lies (a host array, or one the
// backend keeps in its memory); and the jump ahead that gives each thread its stretch's first state.
import { afterAll, describe, expect, it } from 'vitest';
import { Generator, cpuBackend, hostArray } from '@tapegrad/tensor';
import { createWasmBackend } from '../src/index.js';
import { jumpState } from '../src/jump.js';

describe('wasm fillMask against the CPU kernel', () => {
  const backend = createWasmBackend({ threads: 2 });
  afterAll(() => backend.close());
  const bits = (a: Float32Array): number[] => Array.from(new Int32Array(a.buffer, a.byteOffset, a.length));

  for (const n of [100, 1 << 14, 100_003, 300_007]) for (const [p, value] of [[0.5, 2], [0.3, 1 / 0.7], [0, 1], [1, 0], [0.9999, -3]] as const) {
    for (const where of ['a host array', 'an array kept in wasm memory'] as const) {
      it(`${n} elements, p ${p}, into ${where}`, () => {
        const want = new Float32Array(n), a = new Generator(n + 7), b = new Generator(n + 7);
        cpuBackend.fillMask(a.stateWords(), p, value, want);
        const got = where === 'a host array' ? new Float32Array(n) : backend.empty!(n);
        backend.fillMask!(b.stateWords(), p, value, got);
        if (where !== 'a host array' && n >= 1 << 14) expect(backend.residentStats().arrays).toBe(1);
        expect(bits(hostArray(got))).toEqual(bits(want));
        expect(b.getState()).toEqual(a.getState());
        expect(b.random()).toBe(a.random());
      });
    }
  }

  it('the mask is what random() draws: 0 where random() < p, else value', () => {
    const n = 50_000, g = new Generator(3), ref = new Generator(3);
    const got = new Float32Array(n);
    backend.fillMask!(g.stateWords(), 0.25, 4, got);
    for (let i = 0; i < n; i++) expect(got[i]).toBe(ref.random() < 0.25 ? 0 : 4);
  });

  it('every part of a split over the threads, down to one element a part (thresholds none)', () => {
    const everywhere = createWasmBackend({ threads: 2, thresholds: 'none' });
    try {
      for (const n of [1, 2, 3, 101]) {
        const want = new Float32Array(n), a = new Generator(n), b = new Generator(n);
        cpuBackend.fillMask(a.stateWords(), 0.5, 2, want);
        const got = new Float32Array(n);
        everywhere.fillMask!(b.stateWords(), 0.5, 2, got);
        expect(bits(got)).toEqual(bits(want));
        expect(b.getState()).toEqual(a.getState());
      }
    } finally {
      everywhere.close();
    }
  });
});

describe('jumpState', () => {
  it('gives the state after k draws, as k calls of random() leave it', () => {
    for (const k of [0, 1, 2, 31, 32, 33, 1000, 123_457, 1 << 20]) {
      const g = new Generator(k + 11), jumped = new Int32Array(4);
      jumpState(g.stateWords(), k, jumped);
      for (let i = 0; i < k; i++) g.random();
      expect(Array.from(jumped), `k ${k}`).toEqual(Array.from(g.stateWords()));
    }
  });
});
