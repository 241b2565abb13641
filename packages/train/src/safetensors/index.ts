export { decodeSafetensors, encodeSafetensors, safetensorsBytes, layoutTensors, readSafetensorsLayout } from './codec.js';
export type { DecodedSafetensors, SafetensorsEntry } from './codec.js';
export { DTYPE_SIZE, type Dtype } from './dtypes.js';
export { loadSafetensors, saveSafetensors, save, load, isCheckpoint } from './files.js';
