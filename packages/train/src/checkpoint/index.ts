export { checkModelState, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint.js';
export type { Checkpoint } from './checkpoint.js';
export { encodeCheckpoint, decodeCheckpoint } from './codec.js';
export { saveCheckpoint, loadCheckpoint } from './files.js';
export { restoreCheckpoint } from './restore.js';
export type { RestoreTargets } from './restore.js';
export { crc32 } from './crc32.js';
