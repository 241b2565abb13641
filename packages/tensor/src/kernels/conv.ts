/** Tensor-level entry points of the conv kernels (merged into `kernels`). */
export const convEntries = {};
