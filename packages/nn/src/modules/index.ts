export { Sequential } from './Sequential.js';
export { Linear } from './Linear.js';
export type { LinearOptions } from './Linear.js';
export { ReLU } from './ReLU.js';
export { Flatten } from './Flatten.js';
export type { FlattenOptions } from './Flatten.js';
export * from './pooling/index.js';
