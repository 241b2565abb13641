export * from './data/index.js';
export * from './optim/index.js';
