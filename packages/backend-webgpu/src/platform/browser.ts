// `#platform` outside Node (browsers, workers): the page's own `navigator.gpu`.
import type { GpuCandidate } from './types.js';

export async function gpuCandidates(): Promise<GpuCandidate[]> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  const gpu = nav?.gpu;
  if (gpu === undefined) return [];
  return [
    { name: 'navigator.gpu', backend: 'native', gpu: () => gpu, options: { powerPreference: 'high-performance' } },
    { name: 'navigator.gpu (compatibility)', backend: 'native', gpu: () => gpu, options: { featureLevel: 'compatibility' } },
  ];
}

export const noAdapterHint = 'this browser exposes no navigator.gpu adapter (WebGPU disabled or unsupported)';
