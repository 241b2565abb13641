/** Pooling kernels (forward and backward). Filled in by the pooling work. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PoolKernels {}
