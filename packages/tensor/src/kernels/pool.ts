import { Tensor } from '../Tensor.js';
import { numel, shapesEqual } from '../shape.js';
import { fail, formatShape } from '../validate.js';
import { getBackend } from '../backend/registry.js';
import type { Pool2dGeometry, Pool3dGeometry } from '../backend/PoolKernels.js';

/** A 2-d window geometry without the input extents (taken from the tensor). */
export type Pool2dParams = Omit<Pool2dGeometry, 'planes' | 'inH' | 'inW'>;
/** A 3-d window geometry without the input extents. */
export type Pool3dParams = Omit<Pool3dGeometry, 'planes' | 'inD' | 'inH' | 'inW'>;

/** A pooled result with its argmax indices (float32 integers, flat within each plane). */
export interface PoolWithIndices {
  output: Tensor;
  indices: Tensor;
}

function lead(shape: readonly number[], spatial: number): number[] {
  return shape.slice(0, shape.length - spatial);
}

function spatialRank(fn: string, x: Tensor, spatial: number): void {
  if (x.ndim < spatial) fail(fn, `input shape ${formatShape(x.shape)} has rank ${x.ndim}; expected at least ${spatial} spatial dims`);
}

function geometry2d(fn: string, x: Tensor, p: Pool2dParams): Pool2dGeometry {
  spatialRank(fn, x, 2);
  return { ...p, planes: numel(lead(x.shape, 2)), inH: x.shape[x.ndim - 2]!, inW: x.shape[x.ndim - 1]! };
}

function geometry3d(fn: string, x: Tensor, p: Pool3dParams): Pool3dGeometry {
  spatialRank(fn, x, 3);
  const r = x.ndim;
  return { ...p, planes: numel(lead(x.shape, 3)), inD: x.shape[r - 3]!, inH: x.shape[r - 2]!, inW: x.shape[r - 1]! };
}

/** (*, H, W) -> (*, outH, outW) max pooling with argmax. */
function maxPool2d(x: Tensor, p: Pool2dParams): PoolWithIndices {
  const be = getBackend();
  const g = geometry2d('maxPool2d', x, p);
  const shape = [...lead(x.shape, 2), p.outH, p.outW];
  const out = be.empty(numel(shape)), argmax = be.empty(numel(shape));
  be.maxPool2d(x.contiguousStorage(), g, out, argmax);
  return { output: new Tensor(out, shape), indices: new Tensor(argmax, shape) };
}

/** (*, D, H, W) -> (*, outD, outH, outW) max pooling with argmax (flat within D*H*W). */
function maxPool3d(x: Tensor, p: Pool3dParams): PoolWithIndices {
  const be = getBackend();
  const g = geometry3d('maxPool3d', x, p);
  const shape = [...lead(x.shape, 3), p.outD, p.outH, p.outW];
  const out = be.empty(numel(shape)), argmax = be.empty(numel(shape));
  be.maxPool3d(x.contiguousStorage(), g, out, argmax);
  return { output: new Tensor(out, shape), indices: new Tensor(argmax, shape) };
}

/**
 * Backward of any max-type pooling over the last `spatial` dims: scatters `gOut` into a zero
 * tensor of `inputShape` at `indices` (same shape as gOut), summing repeats.
 */
function maxPoolBackward(gOut: Tensor, indices: Tensor, inputShape: readonly number[], spatial: number): Tensor {
  const be = getBackend();
  if (!shapesEqual(gOut.shape, indices.shape)) {
    fail('maxPoolBackward', `gradient shape ${formatShape(gOut.shape)} differs from indices shape ${formatShape(indices.shape)}; expected equal shapes`);
  }
  const planes = numel(lead(inputShape, spatial));
  // the kernel overwrites all of it (0 where no index points)
  const out = be.empty(numel(inputShape));
  const outPlane = numel(indices.shape.slice(indices.ndim - spatial));
  be.maxPoolBackward(gOut.contiguousStorage(), indices.contiguousStorage(), planes, numel(inputShape.slice(inputShape.length - spatial)), outPlane, out);
  return new Tensor(out, inputShape);
}

/** (*, H, W) -> (*, outH, outW) average pooling; `divisorOverride` 0 means none. */
function avgPool2d(x: Tensor, p: Pool2dParams, countIncludePad: boolean, divisorOverride: number): Tensor {
  const be = getBackend();
  const g = geometry2d('avgPool2d', x, p);
  const shape = [...lead(x.shape, 2), p.outH, p.outW];
  const out = be.empty(numel(shape));
  be.avgPool2d(x.contiguousStorage(), g, countIncludePad, divisorOverride, out);
  return new Tensor(out, shape);
}

function avgPool2dBackward(gOut: Tensor, inputShape: readonly number[], p: Pool2dParams, countIncludePad: boolean, divisorOverride: number): Tensor {
  const be = getBackend();
  const r = inputShape.length;
  const g: Pool2dGeometry = { ...p, planes: numel(lead(inputShape, 2)), inH: inputShape[r - 2]!, inW: inputShape[r - 1]! };
  const out = be.empty(numel(inputShape)); // overwritten by the kernel
  be.avgPool2dBackward(gOut.contiguousStorage(), g, countIncludePad, divisorOverride, out);
  return new Tensor(out, inputShape);
}

/** (*, D, H, W) -> (*, outD, outH, outW) average pooling. */
function avgPool3d(x: Tensor, p: Pool3dParams, countIncludePad: boolean, divisorOverride: number): Tensor {
  const be = getBackend();
  const g = geometry3d('avgPool3d', x, p);
  const shape = [...lead(x.shape, 3), p.outD, p.outH, p.outW];
  const out = be.empty(numel(shape));
  be.avgPool3d(x.contiguousStorage(), g, countIncludePad, divisorOverride, out);
  return new Tensor(out, shape);
}

function avgPool3dBackward(gOut: Tensor, inputShape: readonly number[], p: Pool3dParams, countIncludePad: boolean, divisorOverride: number): Tensor {
  const be = getBackend();
  const r = inputShape.length;
  const g: Pool3dGeometry = {
    ...p, planes: numel(lead(inputShape, 3)), inD: inputShape[r - 3]!, inH: inputShape[r - 2]!, inW: inputShape[r - 1]!,
  };
  const out = be.alloc(numel(inputShape));
  be.avgPool3dBackward(gOut.contiguousStorage(), g, countIncludePad, divisorOverride, out);
  return new Tensor(out, inputShape);
}

/** (*, H, W) -> (*, outH, outW) adaptive average pooling. */
function adaptiveAvgPool2d(x: Tensor, outH: number, outW: number): Tensor {
  const be = getBackend();
  spatialRank('adaptiveAvgPool2d', x, 2);
  const shape = [...lead(x.shape, 2), outH, outW];
  const out = be.empty(numel(shape));
  be.adaptiveAvgPool2d(x.contiguousStorage(), numel(lead(x.shape, 2)), x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!, outH, outW, out);
  return new Tensor(out, shape);
}

function adaptiveAvgPool2dBackward(gOut: Tensor, inputShape: readonly number[]): Tensor {
  const be = getBackend();
  const r = inputShape.length, k = gOut.ndim;
  const out = be.alloc(numel(inputShape));
  be.adaptiveAvgPool2dBackward(gOut.contiguousStorage(), numel(lead(inputShape, 2)), inputShape[r - 2]!, inputShape[r - 1]!,
    gOut.shape[k - 2]!, gOut.shape[k - 1]!, out);
  return new Tensor(out, inputShape);
}

/** (*, D, H, W) -> (*, outD, outH, outW) adaptive average pooling. */
function adaptiveAvgPool3d(x: Tensor, outD: number, outH: number, outW: number): Tensor {
  const be = getBackend();
  spatialRank('adaptiveAvgPool3d', x, 3);
  const r = x.ndim;
  const shape = [...lead(x.shape, 3), outD, outH, outW];
  const out = be.empty(numel(shape));
  be.adaptiveAvgPool3d(x.contiguousStorage(), numel(lead(x.shape, 3)), x.shape[r - 3]!, x.shape[r - 2]!, x.shape[r - 1]!, outD, outH, outW, out);
  return new Tensor(out, shape);
}

function adaptiveAvgPool3dBackward(gOut: Tensor, inputShape: readonly number[]): Tensor {
  const be = getBackend();
  const r = inputShape.length, k = gOut.ndim;
  const out = be.alloc(numel(inputShape));
  be.adaptiveAvgPool3dBackward(gOut.contiguousStorage(), numel(lead(inputShape, 3)), inputShape[r - 3]!, inputShape[r - 2]!, inputShape[r - 1]!,
    gOut.shape[k - 3]!, gOut.shape[k - 2]!, gOut.shape[k - 1]!, out);
  return new Tensor(out, inputShape);
}

/** (*, H, W) -> (*, outH, outW) adaptive max pooling with argmax. */
function adaptiveMaxPool2d(x: Tensor, outH: number, outW: number): PoolWithIndices {
  const be = getBackend();
  spatialRank('adaptiveMaxPool2d', x, 2);
  const shape = [...lead(x.shape, 2), outH, outW];
  const out = be.empty(numel(shape)), argmax = be.empty(numel(shape));
  be.adaptiveMaxPool2d(x.contiguousStorage(), numel(lead(x.shape, 2)), x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!, outH, outW, out, argmax);
  return { output: new Tensor(out, shape), indices: new Tensor(argmax, shape) };
}

/** (*, H, W) -> (*): the mean of each H*W plane. */
function globalAvgPool2d(x: Tensor): Tensor {
  const be = getBackend();
  spatialRank('globalAvgPool2d', x, 2);
  const shape = lead(x.shape, 2);
  const out = be.empty(numel(shape));
  be.globalAvgPool2d(x.contiguousStorage(), numel(shape), x.shape[x.ndim - 2]! * x.shape[x.ndim - 1]!, out);
  return new Tensor(out, shape);
}

/** Backward of globalAvgPool2d: `gOut` holds one entry per plane of `inputShape`. */
function globalAvgPool2dBackward(gOut: Tensor, inputShape: readonly number[]): Tensor {
  const be = getBackend();
  const r = inputShape.length;
  const out = be.empty(numel(inputShape));
  be.globalAvgPool2dBackward(gOut.contiguousStorage(), numel(lead(inputShape, 2)), inputShape[r - 2]! * inputShape[r - 1]!, out);
  return new Tensor(out, inputShape);
}

/**
 * (*, H, W) -> (*, outH, outW) fractional max pooling; `startsH` (planes * outH) and `startsW`
 * (planes * outW) are each window's first row and column, already checked to fit.
 */
function fractionalMaxPool2d(x: Tensor, kH: number, kW: number, outH: number, outW: number, startsH: Int32Array, startsW: Int32Array): PoolWithIndices {
  const be = getBackend();
  spatialRank('fractionalMaxPool2d', x, 2);
  const shape = [...lead(x.shape, 2), outH, outW];
  const out = be.empty(numel(shape)), argmax = be.empty(numel(shape));
  be.fractionalMaxPool2d(x.contiguousStorage(), numel(lead(x.shape, 2)), x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!, outH, outW, kH, kW, startsH, startsW, out, argmax);
  return { output: new Tensor(out, shape), indices: new Tensor(argmax, shape) };
}

/**
 * (*, *in) -> (*, *outSpatial): places x[p, i] at flat position indices[p, i] of output plane p.
 * Refuses indices outside the output plane (`fn` names the calling op).
 */
function maxUnpool(x: Tensor, indices: Tensor, outSpatial: readonly number[], fn = 'maxUnpool'): Tensor {
  const be = getBackend();
  const spatial = outSpatial.length;
  if (!shapesEqual(x.shape, indices.shape)) {
    fail(fn, `indices shape ${formatShape(indices.shape)} differs from input shape ${formatShape(x.shape)}; expected equal shapes`);
  }
  const outPlane = numel(outSpatial);
  const idx = indices.values(); // read here, on the host
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (!(v >= 0 && v < outPlane && Number.isInteger(v))) {
      fail(fn, `index ${v} at position ${i} is out of range for an output plane of ${outSpatial.join('x')} = ${outPlane} elements; expected integers in [0, ${outPlane - 1}]`);
    }
  }
  const shape = [...lead(x.shape, spatial), ...outSpatial];
  const out = be.alloc(numel(shape));
  be.maxUnpool(x.contiguousStorage(), idx, numel(lead(x.shape, spatial)), numel(x.shape.slice(x.ndim - spatial)), outPlane, out);
  return new Tensor(out, shape);
}

/** Backward of maxUnpool: gathers gOut at `indices`. */
function maxUnpoolBackward(gOut: Tensor, indices: Tensor, spatial: number): Tensor {
  const be = getBackend();
  const out = be.empty(indices.size);
  const planes = numel(lead(indices.shape, spatial));
  be.maxUnpoolBackward(gOut.contiguousStorage(), indices.contiguousStorage(), planes, numel(indices.shape.slice(indices.ndim - spatial)),
    numel(gOut.shape.slice(gOut.ndim - spatial)), out);
  return new Tensor(out, indices.shape);
}

/** Tensor-level entry points of the pool kernels (merged into `kernels`). */
export const poolEntries = {
  maxPool2d, maxPool3d, maxPoolBackward,
  avgPool2d, avgPool2dBackward, avgPool3d, avgPool3dBackward,
  adaptiveAvgPool2d, adaptiveAvgPool2dBackward, adaptiveAvgPool3d, adaptiveAvgPool3dBackward, adaptiveMaxPool2d,
  globalAvgPool2d, globalAvgPool2dBackward,
  fractionalMaxPool2d, maxUnpool, maxUnpoolBackward,
};
