import type { CoreKernels } from './CoreKernels.js';
import type { ConvKernels } from './ConvKernels.js';
import type { PoolKernels } from './PoolKernels.js';
import type { NormKernels } from './NormKernels.js';
import type { OptimKernels } from './OptimKernels.js';

/**
 * The kernel boundary. A backend sees typed arrays, explicit shapes/strides and plain numbers only:
 * never a Tensor, a Variable, the tape or an options union. Kernels are synchronous; the backend
 * allocates buffers (`alloc`), so a WebAssembly backend can hand out views into its memory.
 */
export interface Backend extends CoreKernels, ConvKernels, PoolKernels, NormKernels, OptimKernels {
  /** 'cpu', 'wasm', ... */
  readonly name: string;
  /** Threads a threaded backend splits its kernels over; absent for single-threaded ones. */
  readonly threads?: number;
  /**
   * Whether conv2d and conv2dBackward take outputs whose samples lie `outSampleStride` apart
   * (Conv2dGeometry): a convolution then writes its channels of a concatenation in place. Without
   * it a backend only sees contiguous outputs.
   */
  readonly placesConvOutput?: boolean;
}

/** A backend that supplies only some kernels; the rest fall back to the CPU backend. */
export type PartialBackend = Partial<Backend> & { readonly name: string };
