import type { Backend } from '../Backend.js';
import { unary, reluBackward } from './unary.js';
import { binary, copy, where } from './strided.js';
import { reduce, argReduce } from './reduce.js';
import { gemm } from './gemm.js';
import { indexSelect, indexAdd } from './indexing.js';
import { softmax, softmaxBackward } from './softmax.js';
import { convKernels } from './conv.js';
import { poolKernels } from './pool.js';
import { normKernels } from './norm.js';
import { optimKernels } from './optim.js';
import { takeRecycled } from '../recycle.js';
import { fillMask } from '../../random/mask.js';

/** The reference backend: plain TypeScript over Float32Array. Every other backend falls back to it. */
export const cpuBackend: Backend = {
  name: 'cpu',
  placesConvOutput: true,
  alloc: (length: number) => takeRecycled(length)?.fill(0) ?? new Float32Array(length),
  empty: (length: number) => takeRecycled(length) ?? new Float32Array(length),
  unary,
  reluBackward,
  binary,
  where,
  copy,
  fillMask,
  reduce,
  argReduce,
  gemm,
  indexSelect,
  indexAdd,
  softmax,
  softmaxBackward,
  ...convKernels,
  ...poolKernels,
  ...normKernels,
  ...optimKernels,
};
