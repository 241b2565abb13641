import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend, Generator } from '@tapegrad/tensor';
import { createWasmBackend } from '../src/index.js';

// gx = out <= 0 ? 0 : g, checked bit for bit: the wasm kernel (every size through wasm, two
// threads, an odd length so the split and the scalar tail both run) against the CPU kernel, and
// the CPU kernel against the rule written out per element.
const SPECIAL = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.5];

function inputs(n: number, seed: number): { out: Float32Array; g: Float32Array } {
  const gen = new Generator(seed);
  const out = new Float32Array(n), g = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = i < 100 ? SPECIAL[i % SPECIAL.length]! : gen.normal();
    g[i] = i < 100 ? SPECIAL[Math.floor(i / SPECIAL.length) % SPECIAL.length]! : gen.normal();
  }
  return { out, g };
}

const bits = (a: Float32Array): Int32Array => new Int32Array(a.buffer, a.byteOffset, a.length);

describe('reluBackward kernel', () => {
  const wasm = createWasmBackend({ threads: 2, thresholds: 'none' });
  afterAll(() => wasm.close());
  const n = 1027;
  const { out, g } = inputs(n, 5);

  it('reluBackward on the CPU keeps g where out > 0 or NaN and gives +0 elsewhere', () => {
    const gx = new Float32Array(n);
    cpuBackend.reluBackward(out, 0, g, 0, n, gx);
    const want = new Float32Array(n);
    for (let i = 0; i < n; i++) want[i] = out[i]! <= 0 ? 0 : g[i]!;
    expect(Array.from(bits(gx))).toEqual(Array.from(bits(want)));
  });

  it('reluBackward on wasm equals the CPU kernel bit for bit, with offsets', () => {
    const want = new Float32Array(n - 3), got = new Float32Array(n - 3);
    cpuBackend.reluBackward(out, 1, g, 2, n - 3, want);
    wasm.reluBackward!(out, 1, g, 2, n - 3, got);
    expect(Array.from(bits(got))).toEqual(Array.from(bits(want)));
  });
});
