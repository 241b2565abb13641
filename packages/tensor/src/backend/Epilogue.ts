/**
 * What a producing kernel (a convolution, a batch norm) applies to each output element after the
 * bias, before it stores it: the activation that follows the layer, run in the same pass instead of
 * a pass of its own. 'none' stores the value as is; 'relu' stores max(v, 0) (NaN kept, as PyTorch).
 * A clamp (ReLU6, hardtanh) would be one more kind here, handled by each kernel's epilogue.
 */
export type Epilogue = 'none' | 'relu';

/**
 * What a backward kernel needs to undo an epilogue first: its kind and the forward kernel's output
 * (the activation's output). gradOut is then the gradient of that output, and the kernel applies
 * the activation's backward (for 'relu': zero where out <= 0) before its own.
 */
export interface EpilogueOutput {
  readonly kind: Exclude<Epilogue, 'none'>;
  readonly out: Float32Array;
}
