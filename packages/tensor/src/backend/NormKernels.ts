/** Normalisation kernels (batch norm forward and backward). Filled in by the normalisation work. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NormKernels {}
