// The embedded MNIST split of docs/benchmark.md, optionally an evenly spread subset, and loaders.
import {
  Generator, embeddedMnist, evenSubset, DataLoader, padCrop, type Dataset, type Transform,
} from 'tapegrad';

export function loadMnist(subset: number | null): { train: Dataset; test: Dataset } {
  const sets = embeddedMnist();
  return subset === null ? sets : { train: evenSubset(sets.train, subset), test: evenSubset(sets.test, subset) };
}

/** Shifts every image `dx` pixels right and `dy` down, filling with the normalised background. */
export function shift(dx: number, dy: number): Transform {
  const size = 28;
  const background = (0 - 0.1307) / 0.3081;
  return {
    name: 'shift',
    outputShape: (s) => s.slice(),
    apply(batch, count) {
      const out = new Float32Array(batch.length).fill(background);
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

/** Test images centred in a larger frame (background-filled), e.g. 36 x 36. */
export function padded(size: number): Transform {
  return padCrop(size, { fill: (0 - 0.1307) / 0.3081 });
}
