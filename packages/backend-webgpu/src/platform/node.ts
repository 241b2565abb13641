// `#platform` on Node (the `node` condition of package.json `imports`): Dawn through the npm
// package `webgpu` (dawn.node). The only file of the package that touches Node or `webgpu`.
import type { GpuCandidate } from './types.js';

/**
 * Dawn's default backends first (Vulkan, Metal, D3D12: a real GPU), then Dawn's OpenGL ES backend
 * in WebGPU compatibility mode, which on a machine without a GPU runs on Mesa's software llvmpipe.
 * EGL_PLATFORM=surfaceless (when unset) lets Mesa's EGL start without a display server.
 */
export async function gpuCandidates(): Promise<GpuCandidate[]> {
  if (process.env['EGL_PLATFORM'] === undefined) process.env['EGL_PLATFORM'] = 'surfaceless';
  let create: (flags: string[]) => GPU;
  try {
    ({ create } = await import('webgpu'));
  } catch {
    // an optional peer dependency: browsers have navigator.gpu and need none of its 132 MB
    throw new Error("Dawn's bindings for Node are not installed; expected the npm package webgpu beside @tapegrad/backend-webgpu: npm install webgpu@0.6.2");
  }
  return [
    { name: 'dawn', backend: 'native', gpu: () => create([]), options: { powerPreference: 'high-performance' } },
    { name: 'dawn opengles', backend: 'opengles', gpu: () => create(['backend=opengles']), options: { featureLevel: 'compatibility' } },
  ];
}

/** How to get a software adapter here, for the no-adapter error. */
export const noAdapterHint = 'on Linux without a GPU install Mesa (libegl-mesa0 libgl1-mesa-dri libgles2: bash scripts/ci/webgpu.sh)';
