import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';

describe('wasm backend empty buffers', () => {
  const auto = createWasmBackend({ threads: 1 });
  const strict = createWasmBackend({ threads: 1, thresholds: 'none' });
  afterAll(() => { auto.close(); strict.close(); });

  it('empty gives a Float32Array of the length asked, each call its own buffer', () => {
    const a = auto.empty!(1000), b = auto.empty!(1000);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(1000);
    expect(a.buffer).not.toBe(b.buffer);
  });

  it('with thresholds none (the conformance mode) empty is filled with NaN, so unwritten outputs show', () => {
    const a = strict.empty!(37);
    expect(a.length).toBe(37);
    expect(a.every((v) => Number.isNaN(v))).toBe(true);
  });
});
