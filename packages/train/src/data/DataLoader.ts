import { Tensor, Generator, defaultGenerator, getBackend, expectPositiveInt, fail, numel } from '@tapegrad/tensor';
import type { Dataset } from './Dataset.js';
import type { Transform } from './transforms.js';

/** One batch: inputs `(B, *sample)` and targets `(B, *target)`, both contiguous. */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

export interface DataLoaderOptions {
  /** Samples per batch. @default 1 */
  batchSize?: number;
  /** Draw a new order of the samples at the start of every pass. @default false */
  shuffle?: boolean;
  /** Source of the shuffling and of random transforms. @default the global generator */
  generator?: Generator;
  /** Skip the last batch when it is smaller than `batchSize`. @default false */
  dropLast?: boolean;
  /** Batch transforms applied in order after gathering (normalize, randomTranslate, padCrop). @default [] */
  transforms?: readonly Transform[];
}

/**
 * Iterates a Dataset in batches, synchronously: `for (const { x, y } of loader)`. Each pass
 * (each `for ... of`) visits every sample exactly once (in a fresh random order when `shuffle`),
 * the last batch possibly smaller unless `dropLast`. A batch is gathered straight into one
 * contiguous buffer per tensor; nothing is allocated per sample.
 */
export class DataLoader implements Iterable<Batch> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;
  readonly transforms: readonly Transform[];
  /** Shape of one input sample after the transforms. */
  readonly sampleShape: readonly number[];

  constructor(dataset: Dataset, opts: DataLoaderOptions = {}) {
    if (!dataset || typeof dataset.copySample !== 'function' || !Number.isInteger(dataset.length)) {
      fail('DataLoader', `dataset ${String(dataset)} is not a Dataset; expected { length, sampleShape, targetShape, copySample }`);
    }
    this.dataset = dataset;
    this.batchSize = expectPositiveInt('DataLoader', 'batchSize', opts.batchSize ?? 1);
    this.shuffle = opts.shuffle ?? false;
    this.dropLast = opts.dropLast ?? false;
    this.generator = opts.generator ?? defaultGenerator;
    this.transforms = opts.transforms ?? [];
    let shape = dataset.sampleShape.slice();
    for (const t of this.transforms) shape = t.outputShape(shape);
    this.sampleShape = shape;
  }

  /** Batches per pass. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Samples per pass (fewer than the dataset's with `dropLast`). */
  get numSamples(): number {
    return this.dropLast ? this.length * this.batchSize : this.dataset.length;
  }

  *[Symbol.iterator](): Iterator<Batch> {
    const ds = this.dataset;
    const n = ds.length;
    const order = this.shuffle ? this.generator.permutation(n) : null;
    const xSize = numel(ds.sampleShape), ySize = numel(ds.targetShape);
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      const count = Math.min(this.batchSize, n - start);
      const be = getBackend();
      let x = be.alloc(count * xSize);
      const y = be.alloc(count * ySize);
      for (let i = 0; i < count; i++) {
        const idx = order ? order[start + i]! : start + i;
        ds.copySample(idx, x, i * xSize, y, i * ySize);
      }
      let shape: readonly number[] = ds.sampleShape;
      for (const t of this.transforms) {
        x = t.apply(x, count, shape, this.generator);
        shape = t.outputShape(shape);
      }
      yield { x: new Tensor(x, [count, ...shape]), y: new Tensor(y, [count, ...ds.targetShape]) };
    }
  }
}
