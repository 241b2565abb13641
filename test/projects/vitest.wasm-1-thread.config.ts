import { defineProject } from 'vitest/config';
import { conformanceTests, wasmProject } from './areas.js';

/** The conformance tests once more on the WebAssembly backend with one thread. */
export default defineProject(wasmProject('wasm-1-thread', 1, conformanceTests()));
