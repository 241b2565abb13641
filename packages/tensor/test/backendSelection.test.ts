import { afterEach, describe, expect, it, vi } from 'vitest';
import { cpuBackend, getBackend, kernels, resetBackend, tensor, useWasmBackend } from '../src/index.js';

const saved = { backend: process.env['TAPEGRAD_BACKEND'], threads: process.env['TAPEGRAD_THREADS'] };

function restoreEnv(name: 'TAPEGRAD_BACKEND' | 'TAPEGRAD_THREADS', value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

afterEach(() => {
  restoreEnv('TAPEGRAD_BACKEND', saved.backend);
  restoreEnv('TAPEGRAD_THREADS', saved.threads);
  resetBackend();
  vi.resetModules();
});

describe('backend selection', () => {
  it('useWasmBackend installs the wasm gemm and keeps CPU kernels for the rest', () => {
    const backend = useWasmBackend({ threads: 1 });
    expect(getBackend().name).toBe('wasm');
    expect(getBackend().gemm).toBe(backend.gemm);
    expect(getBackend().softmax).toBe(cpuBackend.softmax);
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

  it('TAPEGRAD_BACKEND=wasm selects the wasm backend when the package loads', async () => {
    process.env['TAPEGRAD_BACKEND'] = 'wasm';
    process.env['TAPEGRAD_THREADS'] = '1';
    const fresh = await import('../src/index.js');
    expect(fresh.getBackend().name).toBe('wasm');
    fresh.resetBackend();
  });

  it('TAPEGRAD_BACKEND=cpu keeps the CPU backend', async () => {
    process.env['TAPEGRAD_BACKEND'] = 'cpu';
    const fresh = await import('../src/index.js');
    expect(fresh.getBackend().name).toBe('cpu');
  });

  it('TAPEGRAD_BACKEND=gpu is refused', async () => {
    process.env['TAPEGRAD_BACKEND'] = 'gpu';
    await expect(import('../src/index.js')).rejects.toThrow('@tapegrad/tensor: TAPEGRAD_BACKEND "gpu" is not a backend; expected cpu or wasm');
  });

  it('TAPEGRAD_THREADS=two is refused', async () => {
    process.env['TAPEGRAD_BACKEND'] = 'cpu';
    process.env['TAPEGRAD_THREADS'] = 'two';
    const fresh = await import('../src/index.js');
    expect(() => fresh.createWasmBackend()).toThrow('useWasmBackend: TAPEGRAD_THREADS "two" is not a positive integer; expected e.g. 1 or 2');
  });

  it('TAPEGRAD_THREADS=1 sets the default thread count', async () => {
    process.env['TAPEGRAD_BACKEND'] = 'cpu';
    process.env['TAPEGRAD_THREADS'] = '1';
    const fresh = await import('../src/index.js');
    const backend = fresh.createWasmBackend();
    expect(backend.threads).toBe(1);
    backend.close();
  });
});
