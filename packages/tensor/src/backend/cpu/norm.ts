import type { NormKernels } from '../NormKernels.js';

export const normKernels: NormKernels = {};
