import { normalizeDims } from '@tapegrad/tensor';

/** The `dims` argument of reductions: one dim, a list, or nothing (every dim). */
export type Dims = number | readonly number[] | null | undefined;

/**
 * Resolves the dims of a reduction op. As PyTorch 1.13, an empty list reduces every dim, like
 * omitting `dims` (the kernels take `[]` literally, as "reduce nothing").
 */
export function reductionDims(fn: string, dims: Dims, rank: number): number[] {
  const empty = Array.isArray(dims) && dims.length === 0;
  return normalizeDims(fn, empty ? undefined : dims, rank);
}
