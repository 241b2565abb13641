import { useWasmBackend, resetBackend } from '@tapegrad/tensor';

export type BackendName = 'cpu' | 'wasm';

let close: (() => void) | null = null;

/** Installs the chosen backend ('wasm': WebAssembly SIMD kernels on `threads` worker threads). */
export function selectBackend(name: BackendName, threads: number | undefined): string {
  if (name === 'cpu') {
    resetBackend();
    return 'cpu';
  }
  const be = useWasmBackend(threads === undefined ? {} : { threads });
  close = () => be.close();
  return `wasm (${be.threads} threads)`;
}

/** Stops the backend's worker threads so the process can exit. */
export function releaseBackend(): void {
  if (!close) return;
  resetBackend();
  close();
  close = null;
}
