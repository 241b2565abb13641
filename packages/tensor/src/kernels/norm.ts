/** Tensor-level entry points of the norm kernels (merged into `kernels`). */
export const normEntries = {};
