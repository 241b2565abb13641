import { defineProject } from 'vitest/config';
import { conformanceTests, wasmProject } from './areas.js';

/**
 * The conformance tests (every PyTorch fixture test) on the WebAssembly backend with two threads,
 * and the backend's own tests (its kernels bit for bit against the CPU ones).
 */
export default defineProject(wasmProject('wasm', 2, [...conformanceTests(), 'packages/backend-wasm/test/**/*.test.ts']));
