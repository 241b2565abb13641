import { rand, defaultGenerator, type Generator, type Tensor } from '@tapegrad/tensor';

/** A tensor of `shape` with U(low, high) entries drawn from `generator` (default: the global one). */
export function uniformTensor(shape: readonly number[], low: number, high: number, generator: Generator = defaultGenerator): Tensor {
  return rand(shape, { low, high, generator });
}
