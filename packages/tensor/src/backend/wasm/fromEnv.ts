// Backend selection by environment: TAPEGRAD_BACKEND=cpu (the default) or wasm, read once when
// @tapegrad/tensor is first imported, so a whole process (tests, benchmarks, the CLI) can switch
// backend without code changes.
import { useWasmBackend } from './index.js';

const choice = typeof process === 'undefined' ? undefined : process.env['TAPEGRAD_BACKEND'];
if (choice === 'wasm') {
  useWasmBackend();
} else if (choice !== undefined && choice !== '' && choice !== 'cpu') {
  throw new Error(`@tapegrad/tensor: TAPEGRAD_BACKEND ${JSON.stringify(choice)} is not a backend; expected cpu or wasm`);
}
