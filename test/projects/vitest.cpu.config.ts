import { defineProject } from 'vitest/config';
import { exclude, root } from './areas.js';

/** Every unit and conformance test of the packages and the examples on the CPU reference backend (the wasm backend's own tests are in the wasm area). */
export default defineProject({
  root,
  test: {
    root,
    name: 'cpu',
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: [...exclude, 'packages/backend-wasm/**', 'packages/onnx/**'],
    pool: 'threads',
    testTimeout: 60_000,
    // Code that imports `tapegrad` would otherwise install the wasm backend.
    env: { TAPEGRAD_BACKEND: 'cpu' },
  },
});
