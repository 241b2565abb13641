import { MNIST_MEAN, MNIST_STD } from './embeddedMnist.js';
import { MNIST_CLASSES, FASHION_MNIST_CLASSES } from './classNames.js';

/**
 * Mean and standard deviation of the 47,040,000 pixels (scaled to [0, 1]) of Fashion-MNIST's 60,000
 * training images, rounded to 4 digits as MNIST's 0.1307 / 0.3081 are; computed by
 * scripts/fashion/normalisation.ts (docs/datasets.md): 0.28604 and 0.35302.
 */
export const FASHION_MNIST_MEAN = 0.2860;
export const FASHION_MNIST_STD = 0.3530;

/** The datasets stored as the four MNIST-style IDX files, found by name. */
export const IDX_DATASET_NAMES = ['mnist', 'fashion-mnist'] as const;
export type IdxDatasetName = (typeof IDX_DATASET_NAMES)[number];

/** What tapegrad knows of an IDX dataset: its name as written, normalisation, class names, where to get it. */
export interface IdxDatasetInfo {
  readonly name: IdxDatasetName;
  /** The name as its authors write it: `MNIST`, `Fashion-MNIST`. */
  readonly title: string;
  readonly mean: number;
  readonly std: number;
  readonly classNames: readonly string[];
  /** The Debian package that installs the files into /usr/share/datasets/<name>, if there is one. */
  readonly debianPackage: string | null;
  /** Where to download the four .gz files. */
  readonly source: string;
}

export const IDX_DATASETS: Readonly<Record<IdxDatasetName, IdxDatasetInfo>> = Object.freeze({
  mnist: {
    name: 'mnist', title: 'MNIST', mean: MNIST_MEAN, std: MNIST_STD, classNames: MNIST_CLASSES, debianPackage: null,
    source: 'the MNIST page (http://yann.lecun.com/exdb/mnist/) or one of its mirrors',
  },
  'fashion-mnist': {
    name: 'fashion-mnist', title: 'Fashion-MNIST', mean: FASHION_MNIST_MEAN, std: FASHION_MNIST_STD, classNames: FASHION_MNIST_CLASSES,
    debianPackage: 'dataset-fashion-mnist', source: 'the zalandoresearch/fashion-mnist repository (https://github.com/zalandoresearch/fashion-mnist, folder data/fashion)',
  },
});
