import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getBackend, resetBackend } from '@tapegrad/tensor';
import { detectFeatures, installBackend, type PlatformFeatures } from '../src/backend.js';

const all: PlatformFeatures = { simd: true, sharedMemory: true, workers: true };
const saved = { backend: process.env['TAPEGRAD_BACKEND'], threads: process.env['TAPEGRAD_THREADS'] };

function restore(name: 'TAPEGRAD_BACKEND' | 'TAPEGRAD_THREADS', v: string | undefined): void {
  if (v === undefined) delete process.env[name];
  else process.env[name] = v;
}

afterEach(() => {
  restore('TAPEGRAD_BACKEND', saved.backend);
  restore('TAPEGRAD_THREADS', saved.threads);
  resetBackend();
  vi.resetModules();
});

describe('the default backend', () => {
  it('Node has every feature the wasm backend needs', () => {
    expect(detectFeatures()).toEqual(all);
  });

  it('is wasm on as many threads as cores when nothing is set', () => {
    const warn = vi.fn();
    const got = installBackend({ env: {}, features: all, warn });
    expect(got).toEqual({ name: 'wasm', threads: Math.min(availableParallelism(), 64), fallback: null });
    expect(getBackend().name).toBe('wasm');
    expect(getBackend().threads).toBe(got.threads);
    expect(warn).not.toHaveBeenCalled();
  });

  it('takes its thread count from TAPEGRAD_THREADS', () => {
    expect(installBackend({ env: { TAPEGRAD_THREADS: '2' }, features: all, warn: vi.fn() })).toMatchObject({ name: 'wasm', threads: 2 });
    expect(getBackend().threads).toBe(2);
  });

  it('falls back to one thread without worker threads, and says so once', () => {
    const warn = vi.fn();
    const got = installBackend({ env: { TAPEGRAD_THREADS: '2' }, features: { ...all, workers: false }, warn });
    expect(got).toMatchObject({ name: 'wasm', threads: 1 });
    expect(getBackend().threads).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('tapegrad: worker threads are not available here; the wasm backend runs on one thread');
  });

  it('falls back to the CPU backend without WebAssembly SIMD', () => {
    const warn = vi.fn();
    expect(installBackend({ env: {}, features: { ...all, simd: false }, warn })).toMatchObject({ name: 'cpu', threads: 1 });
    expect(getBackend().name).toBe('cpu');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('tapegrad: WebAssembly SIMD is not available here; using the CPU backend (plain TypeScript, about 10x slower)');
  });

  it('falls back to the CPU backend without shared memory', () => {
    const warn = vi.fn();
    expect(installBackend({ env: {}, features: { simd: true, sharedMemory: false, workers: false }, warn }).name).toBe('cpu');
    expect(getBackend().name).toBe('cpu');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('shared WebAssembly memory is not available here; using the CPU backend');
  });

  it('TAPEGRAD_BACKEND=cpu chooses the CPU backend without a warning', () => {
    const warn = vi.fn();
    expect(installBackend({ env: { TAPEGRAD_BACKEND: 'cpu' }, features: all, warn }).name).toBe('cpu');
    expect(getBackend().name).toBe('cpu');
    expect(warn).not.toHaveBeenCalled();
  });

  it('TAPEGRAD_BACKEND=wasm where wasm cannot run is an error, not a fallback', () => {
    expect(() => installBackend({ env: { TAPEGRAD_BACKEND: 'wasm' }, features: { ...all, simd: false }, warn: vi.fn() }))
      .toThrow('tapegrad: TAPEGRAD_BACKEND=wasm, but WebAssembly SIMD is not available here; expected a runtime with both (Node >= 20, or a cross-origin-isolated page)');
  });

  it('TAPEGRAD_BACKEND=webgpu installs synchronously only once its package is loaded (the test/webgpu area loads it)', () => {
    expect(() => installBackend({ env: { TAPEGRAD_BACKEND: 'webgpu' }, features: all }))
      .toThrow('installBackend: the WebGPU backend is not loaded; expected await loadWebGpu() first (it finds @tapegrad/backend-webgpu)');
  });

  it('refuses an unknown TAPEGRAD_BACKEND and bad TAPEGRAD_THREADS / TAPEGRAD_WASM_* values', () => {
    expect(() => installBackend({ env: { TAPEGRAD_BACKEND: 'gpu' }, features: all }))
      .toThrow('tapegrad: TAPEGRAD_BACKEND "gpu" is not a backend; expected cpu, wasm or webgpu');
    expect(() => installBackend({ env: { TAPEGRAD_THREADS: 'two' }, features: all }))
      .toThrow('tapegrad: TAPEGRAD_THREADS "two" is not a positive integer; expected e.g. 1 or 2');
    expect(() => installBackend({ env: { TAPEGRAD_WASM_RELAXED: 'yes' }, features: all }))
      .toThrow('tapegrad: TAPEGRAD_WASM_RELAXED "yes" is not a setting; expected 0 or 1');
    expect(() => installBackend({ env: { TAPEGRAD_WASM_THRESHOLDS: 'some' }, features: all }))
      .toThrow('tapegrad: TAPEGRAD_WASM_THRESHOLDS "some" is not a setting; expected auto or none');
  });
});

describe('importing tapegrad', () => {
  it('installs the wasm backend with no setting, and ready() resolves', async () => {
    delete process.env['TAPEGRAD_BACKEND'];
    delete process.env['TAPEGRAD_THREADS'];
    const tg = await import('../src/index.js');
    await expect(tg.ready()).resolves.toBeUndefined();
    expect(tg.getBackend().name).toBe('wasm');
    expect(tg.getBackend().threads).toBe(Math.min(availableParallelism(), 64));
  });

  it('honours TAPEGRAD_BACKEND=cpu', async () => {
    process.env['TAPEGRAD_BACKEND'] = 'cpu';
    const tg = await import('../src/index.js');
    await tg.ready();
    expect(tg.getBackend().name).toBe('cpu');
  });

  it('fails to import with a clear message for TAPEGRAD_BACKEND=gpu', async () => {
    process.env['TAPEGRAD_BACKEND'] = 'gpu';
    await expect(import('../src/index.js')).rejects.toThrow('tapegrad: TAPEGRAD_BACKEND "gpu" is not a backend; expected cpu, wasm or webgpu');
  });
});
