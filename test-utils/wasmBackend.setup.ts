// Setup file of the wasm test projects: every test file runs on the WebAssembly backend with the
// thread count of TAPEGRAD_THREADS and no size thresholds, so even tiny fixture inputs go through
// the wasm kernels and the thread split.
import { afterAll } from 'vitest';
import { resetBackend } from '@tapegrad/tensor';
import { useWasmBackend } from '@tapegrad/backend-wasm';

const backend = useWasmBackend({ thresholds: 'none' });

afterAll(() => {
  resetBackend();
  backend.close();
});
