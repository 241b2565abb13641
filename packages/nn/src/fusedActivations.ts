import type { Epilogue } from '@tapegrad/tensor';

/** The activations the convolution and batch-norm kernels can run in their epilogue. */
export const FUSED_ACTIVATIONS: readonly Epilogue[] = ['relu'];
