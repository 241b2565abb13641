import type { PoolKernels } from '../PoolKernels.js';

export const poolKernels: PoolKernels = {};
