import { afterEach, describe, expect, it, vi } from 'vitest';
import { cpuBackend, getBackend, kernels, resetBackend, tensor } from '@tapegrad/tensor';
import { useWasmBackend } from '../src/index.js';

const saved = process.env['TAPEGRAD_THREADS'];


afterEach(() => {
  if (saved === undefined) delete process.env['TAPEGRAD_THREADS'];
  else process.env['TAPEGRAD_THREADS'] = saved;
  resetBackend();
  vi.resetModules();
});

describe('backend selection', () => {
  it('useWasmBackend installs the wasm gemm and keeps CPU kernels for the rest', () => {
    const backend = useWasmBackend({ threads: 1 });
    expect(getBackend().name).toBe('wasm');
    expect(getBackend().gemm).toBe(backend.gemm);
    // the CPU kernel, behind the step that brings its arrays back from WebAssembly memory first
    expect(getBackend().softmax).toBe(backend.softmax);
    expect(useWasmBackend({ threads: 1, resident: false }).softmax).toBeUndefined();
    expect(getBackend().softmax).toBe(cpuBackend.softmax);
    useWasmBackend({ threads: 1, resident: true });
    // 40 x 40 @ 40 x 40 is above the size where the wasm gemm hands over to the CPU one.
    const a = tensor(Float32Array.from({ length: 1600 }, (_, i) => (i % 7) - 3), [40, 40]);
    const eye = tensor(Float32Array.from({ length: 1600 }, (_, i) => (i % 41 === 0 ? 1 : 0)), [40, 40]);
    expect(Array.from(kernels.matmul(a, eye).toArray())).toEqual(Array.from(a.toArray()));
    expect(Array.from(kernels.matmul(a.transpose(0, 1), eye).toArray())).toEqual(Array.from(a.transpose(0, 1).contiguous().toArray()));
  });

  it('useWasmBackend reuses the backend for the same thread count', () => {
    expect(useWasmBackend({ threads: 1 })).toBe(useWasmBackend({ threads: 1 }));
  });

  it('resetBackend restores the CPU backend', () => {
    useWasmBackend({ threads: 1 });
    resetBackend();
    expect(getBackend().name).toBe('cpu');
  });

  it('TAPEGRAD_THREADS=two is refused when a backend is created', async () => {
    process.env['TAPEGRAD_THREADS'] = 'two';
    const fresh = await import('../src/index.js');
    expect(() => fresh.createWasmBackend()).toThrow('useWasmBackend: TAPEGRAD_THREADS "two" is not a positive integer; expected e.g. 1 or 2');
  });

  it('TAPEGRAD_THREADS=1 sets the default thread count', async () => {
    process.env['TAPEGRAD_THREADS'] = '1';
    const fresh = await import('../src/index.js');
    const backend = fresh.createWasmBackend();
    expect(backend.threads).toBe(1);
    backend.close();
  });
});
