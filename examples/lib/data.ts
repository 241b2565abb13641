// The examples' data: a named dataset (the embedded MNIST split of docs/benchmark.md by default),
// optionally an evenly spread subset, and loaders.
import {
  Generator, embeddedMnist, evenSubset, loadDataset, DataLoader, padCrop, DatasetFilesMissingError, MNIST_MEAN, MNIST_STD,
  type Dataset, type DatasetName, type NamedDataset, type Transform,
} from 'tapegrad';
import { UsageError } from './args.js';

/** The normalised value of a black pixel under MNIST's normalisation. */
const MNIST_BACKGROUND = (0 - MNIST_MEAN) / MNIST_STD;

export function loadMnist(subset: number | null): { train: Dataset; test: Dataset } {
  const sets = embeddedMnist();
  return subset === null ? sets : { train: evenSubset(sets.train, subset), test: evenSubset(sets.test, subset) };
}

/**
 * The dataset --dataset / --data select (the folder, when null, found as `loadDataset` finds it),
 * optionally `subset` train and test images spread over the set. Missing files are a UsageError
 * saying how to get them, prefixed with `script`.
 */
export function loadExampleData(script: string, dataset: DatasetName, data: string | null, subset: number | null): NamedDataset {
  let d: NamedDataset;
  try {
    d = loadDataset(dataset, data === null ? {} : { dir: data });
  } catch (e) {
    if (!(e instanceof DatasetFilesMissingError)) throw e;
    throw new UsageError(`${script}: --dataset ${dataset} ${e.problem()}; ${e.advice('pass --data DIR')}`);
  }
  return subset === null ? d : { ...d, train: evenSubset(d.train, subset), test: evenSubset(d.test, subset) };
}

/** The normalised value of a black pixel, what the examples pad and shift in. */
export function background(d: Pick<NamedDataset, 'mean' | 'std'>): number {
  return (0 - d.mean) / d.std;
}

/** Shifts every image `dx` pixels right and `dy` down, filling with `fill` (default: MNIST's normalised background). */
export function shift(dx: number, dy: number, fill = MNIST_BACKGROUND): Transform {
  const size = 28;
  return {
    name: 'shift',
    outputShape: (s) => s.slice(),
    apply(batch, count) {
      const out = new Float32Array(batch.length).fill(fill);
      for (let p = 0; p < count; p++) {
        const base = p * size * size;
        for (let h = 0; h + dy < size; h++) {
          for (let w = 0; w + dx < size; w++) out[base + (h + dy) * size + w + dx] = batch[base + h * size + w]!;
        }
      }
      return out;
    },
  };
}

export function trainLoader(ds: Dataset, seed: number, batchSize = 64): DataLoader {
  return new DataLoader(ds, { batchSize, shuffle: true, generator: new Generator(seed + 1) });
}

export function testLoader(ds: Dataset, transforms: Transform[] = [], batchSize = 256): DataLoader {
  return new DataLoader(ds, { batchSize, transforms });
}

/** Test images centred in a larger frame (filled with `fill`, default MNIST's normalised background), e.g. 36 x 36. */
export function padded(size: number, fill = MNIST_BACKGROUND): Transform {
  return padCrop(size, { fill });
}
