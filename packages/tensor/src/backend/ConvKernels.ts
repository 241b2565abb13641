/** Convolution kernels (forward and both backward passes). Filled in by the convolution work. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ConvKernels {}
