export { createModel, MODEL_NAMES } from './createModel.js';
export type { ModelName, CreateModelOptions } from './createModel.js';
export { Fire } from './Fire.js';
export { summarize } from './summary.js';
export type { LayerSummary } from './summary.js';
