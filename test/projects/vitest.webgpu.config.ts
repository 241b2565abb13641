import { defineProject } from 'vitest/config';
import { exclude, root } from './areas.js';

/**
 * The WebGPU backend's kernels (packages/backend-webgpu) against the CPU backend's, on the first
 * adapter found: a real GPU, else Dawn's OpenGL ES backend on Mesa's llvmpipe (scripts/ci/webgpu.sh
 * installs Mesa). Without an adapter every test fails with the one-line reason.
 */
export default defineProject({
  root,
  test: {
    root,
    name: 'webgpu',
    include: ['test/webgpu/**/*.test.ts'],
    exclude,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
