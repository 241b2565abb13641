import { Tensor, fail, formatShape, numel, shapesEqual } from '@tapegrad/tensor';

/**
 * A finite, indexable collection of (input, target) samples of fixed shapes. A loader gathers a
 * batch by asking each sample to copy itself into the batch's buffers, so no per-sample object
 * is ever allocated.
 */
export interface Dataset {
  /** Number of samples. */
  readonly length: number;
  /** Shape of one input sample, e.g. `[1, 28, 28]`. */
  readonly sampleShape: readonly number[];
  /** Shape of one target: `[]` for a class index. */
  readonly targetShape: readonly number[];
  /** Number of classes when the targets are class indices (used by metrics). */
  readonly numClasses?: number;
  /** A name per class index (`classNames[3]` is class 3's), for tables and figures. */
  readonly classNames?: readonly string[];
  /**
   * Copies sample `index`: its input into `x` at element `xOffset` and its target into `y` at
   * element `yOffset`.
   */
  copySample(index: number, x: Float32Array, xOffset: number, y: Float32Array, yOffset: number): void;
}

/** One sample as tensors (allocates; for inspection, not for loading batches). */
export function getSample(ds: Dataset, index: number): { x: Tensor; y: Tensor } {
  if (!Number.isInteger(index) || index < 0 || index >= ds.length) {
    fail('getSample', `index ${index} is out of range; expected an integer in [0, ${ds.length - 1}]`);
  }
  const x = new Float32Array(numel(ds.sampleShape));
  const y = new Float32Array(numel(ds.targetShape));
  ds.copySample(index, x, 0, y, 0);
  return { x: new Tensor(x, ds.sampleShape), y: new Tensor(y, ds.targetShape) };
}

export interface TensorDatasetOptions {
  /** Number of classes, when `y` holds class indices. */
  numClasses?: number;
  /** A name per class (needs `numClasses`, one name each). */
  classNames?: readonly string[];
}

/** `names` checked against `numClasses`: one non-empty string per class. */
export function checkClassNames(fn: string, names: readonly string[], numClasses: number | undefined): readonly string[] {
  if (numClasses === undefined) fail(fn, `classNames given without numClasses; expected numClasses ${names.length} with them`);
  if (names.length !== numClasses) fail(fn, `classNames has ${names.length} names for ${numClasses} classes; expected one name per class`);
  for (let i = 0; i < names.length; i++) {
    if (typeof names[i] !== 'string' || names[i] === '') fail(fn, `classNames[${i}] ${JSON.stringify(names[i])} is not a name; expected a non-empty string`);
  }
  return names.slice();
}

/** `(N, *sample)` inputs and `(N, *target)` targets -> a Dataset of N samples (slices along dim 0). */
export class TensorDataset implements Dataset {
  readonly length: number;
  readonly sampleShape: readonly number[];
  readonly targetShape: readonly number[];
  readonly numClasses?: number;
  readonly classNames?: readonly string[];
  private readonly xs: Float32Array;
  private readonly ys: Float32Array;
  private readonly xSize: number;
  private readonly ySize: number;

  constructor(x: Tensor, y: Tensor, opts: TensorDatasetOptions = {}) {
    if (x.ndim < 1) fail('TensorDataset', `x shape ${formatShape(x.shape)} has rank 0; expected (N, *sample)`);
    if (y.ndim < 1 || y.shape[0] !== x.shape[0]) {
      fail('TensorDataset', `y shape ${formatShape(y.shape)} does not match x shape ${formatShape(x.shape)}; expected (${x.shape[0]}, *target)`);
    }
    this.length = x.shape[0]!;
    this.sampleShape = x.shape.slice(1);
    this.targetShape = y.shape.slice(1);
    this.xs = x.values();
    this.ys = y.values();
    this.xSize = numel(this.sampleShape);
    this.ySize = numel(this.targetShape);
    if (opts.numClasses !== undefined) {
      if (!shapesEqual(this.targetShape, [])) fail('TensorDataset', `numClasses ${opts.numClasses} given but targets have shape ${formatShape(this.targetShape)}; expected class indices of shape (N)`);
      this.numClasses = opts.numClasses;
    }
    if (opts.classNames !== undefined) this.classNames = checkClassNames('TensorDataset', opts.classNames, opts.numClasses);
  }

  copySample(index: number, x: Float32Array, xOffset: number, y: Float32Array, yOffset: number): void {
    const xs = this.xSize, ys = this.ySize;
    x.set(this.xs.subarray(index * xs, index * xs + xs), xOffset);
    if (ys === 1) y[yOffset] = this.ys[index]!;
    else y.set(this.ys.subarray(index * ys, index * ys + ys), yOffset);
  }
}

/** The samples of `ds` at `indices`, in that order (a view; nothing is copied). */
export class Subset implements Dataset {
  readonly length: number;
  readonly sampleShape: readonly number[];
  readonly targetShape: readonly number[];
  readonly numClasses?: number;
  readonly classNames?: readonly string[];
  private readonly indices: Int32Array;

  constructor(private readonly ds: Dataset, indices: ArrayLike<number>) {
    this.indices = Int32Array.from(indices);
    for (let i = 0; i < this.indices.length; i++) {
      const v = indices[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= ds.length) fail('Subset', `index ${v} at position ${i} is out of range; expected an integer in [0, ${ds.length - 1}]`);
    }
    this.length = this.indices.length;
    this.sampleShape = ds.sampleShape;
    this.targetShape = ds.targetShape;
    if (ds.numClasses !== undefined) this.numClasses = ds.numClasses;
    if (ds.classNames !== undefined) this.classNames = ds.classNames;
  }

  copySample(index: number, x: Float32Array, xOffset: number, y: Float32Array, yOffset: number): void {
    this.ds.copySample(this.indices[index]!, x, xOffset, y, yOffset);
  }
}

/**
 * `n` samples spread evenly over `ds` (every ⌊i·length/n⌋-th), so an ordered set (the embedded
 * MNIST digits come sorted by class) keeps every class in a quick run.
 */
export function evenSubset(ds: Dataset, n: number): Subset {
  const k = Math.min(n, ds.length);
  return new Subset(ds, Array.from({ length: k }, (_, i) => Math.floor((i * ds.length) / k)));
}
