export * from './data/index.js';
export * from './optim/index.js';
export * from './schedule/index.js';
export * from './checkpoint/index.js';
export * from './models/index.js';
export * from './loop/index.js';
export * from './cli/index.js';
