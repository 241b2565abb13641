export { linear } from './linear.js';
export { relu, sigmoid, tanh, softmax, logSoftmax } from './activations.js';
export { crossEntropy } from './crossEntropy.js';
export type { CrossEntropyOptions, Reduction } from './crossEntropy.js';
export * from './pooling/index.js';
