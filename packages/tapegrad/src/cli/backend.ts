import { getBackend, setBackend, resetBackend, type Backend } from '@tapegrad/tensor';
import { useWasmBackend } from '@tapegrad/backend-wasm';
import { closeWebGpu, useWebGpu } from '../webgpu.js';

export type BackendName = 'cpu' | 'wasm' | 'webgpu';

let before: Backend | null = null;
let usedWebGpu = false;

/**
 * Installs the backend a command's --backend / --threads ask for ('wasm': WebAssembly SIMD kernels
 * on `threads` worker threads; 'webgpu': the GPU kernels, once the bin has loaded their package); with neither flag keeps the one `tapegrad` installed when it was
 * imported (the fastest that loads, or TAPEGRAD_BACKEND's). Returns a label for the log.
 */
export function selectBackend(name: BackendName | undefined, threads: number | undefined): string {
  before ??= getBackend();
  if (name === 'cpu') resetBackend();
  else if (name === 'webgpu') {
    if (threads !== undefined) throw new Error('tapegrad: --threads applies to the wasm backend; expected no --threads with --backend webgpu');
    usedWebGpu = true;
    const h = useWebGpu('--backend webgpu');
    return `webgpu (${h.adapter})`;
  } else if (name === 'wasm' || threads !== undefined) useWasmBackend(threads === undefined ? {} : { threads });
  const active = getBackend();
  return active.threads !== undefined ? `${active.name} (${active.threads} thread${active.threads === 1 ? '' : 's'})` : active.name;
}

/** Puts back the backend that was active before the command (the CLI may run inside a program or a test). */
export function releaseBackend(): void {
  if (usedWebGpu) closeWebGpu();
  usedWebGpu = false;
  if (before === null) return;
  setBackend(before);
  before = null;
}
