// tapegrad: the package users install. Every public name of @tapegrad/tensor, @tapegrad/autograd,
// @tapegrad/nn and @tapegrad/train under the same name, the backends, ONNX export, `ready()` and the
// CLI's `runCli`. Importing it installs the fastest backend that loads here (see backend.ts);
// TAPEGRAD_BACKEND=cpu|wasm|webgpu and TAPEGRAD_THREADS override the choice, `setBackend` /
// `useWasmBackend` change it later. This is the Node entry (package.json `exports`, condition
// `node`); browsers and browser bundles get browser.ts, the same names without the CLI's code.
export * from './publicApi.js';
export { runCli } from './cli/index.js';
export type { CliIO, TrainSettings } from './cli/index.js';

import { installDefaultBackend } from './backend.js';
import { setWebGpuLoader } from './webgpu.js';
import { loadWebGpuNode } from './webgpuNode.js';

setWebGpuLoader(loadWebGpuNode);
installDefaultBackend();
