import { defineProject } from 'vitest/config';
import { conformanceTests, exclude, root } from './areas.js';

/**
 * The conformance tests (every PyTorch fixture test) on the WebGPU backend through the synchronous
 * bridge (packages/backend-webgpu/src/bridge), on the first adapter found (llvmpipe in CI); kernels
 * the GPU lacks run on the CPU ones. Without an adapter every file fails with the one-line reason.
 */
export default defineProject({
  root,
  test: {
    root,
    name: 'webgpu-fixtures',
    include: conformanceTests(),
    exclude,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    setupFiles: ['test/webgpu/fixtures.setup.ts'],
  },
});
