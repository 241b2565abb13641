export { decodeSafetensors, encodeSafetensors, layoutTensors } from './codec.js';
export type { DecodedSafetensors, SafetensorsEntry } from './codec.js';
export { DTYPE_SIZE, type Dtype } from './dtypes.js';
export { loadSafetensors, saveSafetensors, save, load } from './files.js';
