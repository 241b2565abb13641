// `#bridge` outside Node: the synchronous bridge needs Node's worker_threads (receiveMessageOnPort).
import { fail } from '@tapegrad/tensor';
import type { WebGpuBackendHandle, WebGpuBackendOptions } from './node.js';

export type { WebGpuBackendHandle, WebGpuBackendOptions } from './node.js';

export function useWebGpuBackend(_opts: WebGpuBackendOptions = {}): WebGpuBackendHandle {
  return fail('useWebGpuBackend', 'the synchronous WebGPU bridge needs Node (worker_threads); in a browser use the WGSL kernels directly (createWebGpuKernels) until tensors live on the GPU');
}

export const bridgedKernels: readonly string[] = [];
