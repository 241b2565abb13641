// Every public name of `tapegrad` but the CLI's: shared by the Node entry (index.ts) and the
// browser entry (browser.ts). Importing this installs nothing.
export * from '@tapegrad/tensor';
export * from '@tapegrad/autograd';
export * from '@tapegrad/nn';
export * from '@tapegrad/train';
export { useWasmBackend, createWasmBackend } from '@tapegrad/backend-wasm';
export { useWasmBackendAsync } from '@tapegrad/backend-wasm';
export type { WasmBackend, WasmBackendOptions } from '@tapegrad/backend-wasm';
export { exportOnnx } from '@tapegrad/onnx';
export type { ExportOnnxOptions, OnnxExportContext, OnnxExportable, OnnxAttribute, OnnxAttributes } from '@tapegrad/onnx';
export { ready, installBackend, installBackendAsync, detectFeatures } from './backend.js';
export { loadWebGpu, useWebGpu, closeWebGpu, webGpuHandle } from './webgpu.js';
export type { WebGpuHandle } from './webgpu.js';
export type { PlatformFeatures, InstallOptions, InstalledBackend } from './backend.js';
