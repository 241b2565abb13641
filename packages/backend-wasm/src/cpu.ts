import { cpuBackend, hostArgs, type Backend } from '@tapegrad/tensor';

/**
 * The CPU kernels with every array argument current on the host first (the wasm backend may keep
 * it in WebAssembly memory, src/resident.ts): what the wasm backend falls back to, for kernels it
 * lacks and for calls too small to pay for WebAssembly.
 */
export const hostCpu: Backend = onHost(cpuBackend);

function onHost(backend: Backend): Backend {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(backend)) {
    if (typeof v !== 'function' || key === 'alloc' || key === 'empty') out[key] = v;
    else {
      const kernel = v as (...args: unknown[]) => unknown;
      out[key] = (...args: unknown[]): unknown => {
        hostArgs(args);
        return kernel(...args);
      };
    }
  }
  return out as unknown as Backend;
}
