import { convEntries } from './conv.js';
import { poolEntries } from './pool.js';
import { normEntries } from './norm.js';
import { indexingEntries } from './indexing.js';
import { unary, reluBackward, binary, where, copyInto, reduce, sumToShape, argReduce, softmax, softmaxBackward, matmul, cat, catTarget, pad, broadcastStrides, fillMask } from './core.js';

/**
 * Tensor-level kernel entry points: each checks layout, allocates its output through the active
 * backend and calls it. Ops above this line (autograd, nn) reach numbers only through here.
 */
export const kernels = {
  unary, reluBackward, binary, where, copyInto, reduce, sumToShape, argReduce, softmax, softmaxBackward, matmul, cat, catTarget, pad, broadcastStrides, fillMask,
  ...convEntries,
  ...poolEntries,
  ...normEntries,
  ...indexingEntries,
};
