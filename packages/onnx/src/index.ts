export { exportOnnx } from './exportOnnx.js';
export type { ExportOnnxOptions, OnnxExportContext, OnnxExportable, OnnxAttribute, OnnxAttributes } from './OnnxExportContext.js';
