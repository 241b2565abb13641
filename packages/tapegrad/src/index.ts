// tapegrad: the package users install. Every public name of @tapegrad/tensor, @tapegrad/autograd,
// @tapegrad/nn and @tapegrad/train under the same name, the backends, ONNX export, and `ready()`. Importing it
// installs the fastest backend that loads here (see backend.ts); TAPEGRAD_BACKEND=cpu|wasm and
// TAPEGRAD_THREADS override the choice, `setBackend` / `useWasmBackend` change it later.
export * from '@tapegrad/tensor';
export * from '@tapegrad/autograd';
export * from '@tapegrad/nn';
export * from '@tapegrad/train';
export { useWasmBackend, createWasmBackend } from '@tapegrad/backend-wasm';
export type { WasmBackend, WasmBackendOptions } from '@tapegrad/backend-wasm';
export { exportOnnx } from '@tapegrad/onnx';
export type { ExportOnnxOptions, OnnxExportContext, OnnxExportable, OnnxAttribute, OnnxAttributes } from '@tapegrad/onnx';
export { ready, installBackend, detectFeatures } from './backend.js';
export type { PlatformFeatures, InstallOptions, InstalledBackend } from './backend.js';
export { runCli } from './cli/index.js';
export type { CliIO, TrainSettings } from './cli/index.js';

import { installDefaultBackend } from './backend.js';

installDefaultBackend();
