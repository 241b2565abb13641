// The WebGPU backend as `tapegrad` reaches it: the package @tapegrad/backend-webgpu (with Dawn's
// bindings, the npm `webgpu` package, 132 MB) is not a dependency of `tapegrad`; a project that
// wants the GPU installs it beside `tapegrad`, and it is loaded when asked for (TAPEGRAD_BACKEND=
// webgpu, the CLI's --backend webgpu, or `useWebGpu()` after `await loadWebGpu()`). Loading is
// asynchronous (an ES module found at run time); installing it afterwards is not.
import { fail, type Backend } from '@tapegrad/tensor';

/** What @tapegrad/backend-webgpu's useWebGpuBackend returns (the bridge on Node). */
export interface WebGpuHandle {
  /** The adapter in one line. */
  readonly adapter: string;
  /** The kernels that run on the GPU; any other throws, naming itself. */
  readonly kernels: readonly string[];
  readonly backend: Backend;
  close(): void;
}

/** The part of @tapegrad/backend-webgpu that `tapegrad` calls. */
export interface WebGpuModule {
  useWebGpuBackend(opts?: { adapter?: 'any' | 'hardware' | 'software' }): WebGpuHandle;
}

/** Finds and imports @tapegrad/backend-webgpu; set by the Node entry (webgpuNode.ts). */
let loader: (() => Promise<WebGpuModule>) | null = null;
let loaded: WebGpuModule | null = null;
let active: WebGpuHandle | null = null;

export function setWebGpuLoader(load: () => Promise<WebGpuModule>): void {
  loader = load;
}

/** Loads @tapegrad/backend-webgpu once (a one-line error when it is not installed or not on Node). */
export async function loadWebGpu(): Promise<void> {
  if (loaded !== null) return;
  if (loader === null) fail('loadWebGpu', 'in a browser import @tapegrad/backend-webgpu and await its useWebGpuBackendAsync() in a Web Worker of a cross-origin-isolated page (a bundler finds the package; tapegrad cannot look for it there)');
  loaded = await loader();
}

/**
 * Installs the WebGPU backend (after `await loadWebGpu()`): every kernel it has runs on the GPU,
 * any other throws naming itself. Replaces an earlier WebGPU install. Returns its handle.
 */
export function useWebGpu(fn = 'useWebGpu'): WebGpuHandle {
  if (loaded === null) fail(fn, 'the WebGPU backend is not loaded; expected await loadWebGpu() first (it finds @tapegrad/backend-webgpu)');
  active?.close();
  active = loaded.useWebGpuBackend();
  return active;
}

/** The installed WebGPU backend's handle (its adapter, its kernels), or null when none is installed. */
export function webGpuHandle(): WebGpuHandle | null {
  return active;
}

/** Stops the GPU worker of the installed WebGPU backend, if any. */
export function closeWebGpu(): void {
  active?.close();
  active = null;
}
