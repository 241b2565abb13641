import { formatShape } from '@tapegrad/tensor';
import type { LayerContext } from './LayerExporter.js';

const LAYOUT: Record<number, string> = { 1: '(N, C, L)', 2: '(N, C, H, W)', 3: '(N, C, D, H, W)' };

/** The spatial extents of a batched input with `spatial` spatial dims; ONNX's conv and pool ops have no unbatched form. */
export function batchedSpatial(ctx: LayerContext, shape: readonly number[], spatial: number, onnxOp: string): number[] {
  if (shape.length !== spatial + 2) {
    ctx.fail(`input shape ${formatShape(shape)} is not batched; ONNX ${onnxOp} needs ${LAYOUT[spatial] ?? `rank ${spatial + 2}`}, so export with a batch dim in inputShape`);
  }
  return shape.slice(2);
}

/** A size option (a number, or one entry per spatial dim) as `n` numbers. */
export function perDim(v: number | readonly number[] | null | undefined, n: number, fallback: readonly number[]): number[] {
  if (v === null || v === undefined) return fallback.slice();
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  return v.length === n ? v.slice() : new Array<number>(n).fill(v[0]!);
}

/** A Reshape target for `shape` that keeps the batch dim symbolic: 0 (copy dim 0) there. */
export function batchKeepingTarget(shape: readonly number[]): number[] {
  return [0, ...shape.slice(1)];
}

export function product(v: readonly number[]): number {
  return v.reduce((a, b) => a * b, 1);
}
