/** Tensor-level entry points of the pool kernels (merged into `kernels`). */
export const poolEntries = {};
