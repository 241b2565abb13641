import type { ConvKernels } from '../ConvKernels.js';

export const convKernels: ConvKernels = {};
