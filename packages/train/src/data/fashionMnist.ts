import type { MnistIdx } from './idx.js';
import { idxDataset, type IdxDatasetOptions } from './idxDataset.js';

/**
 * Fashion-MNIST (Zalando): 60,000 training and 10,000 test images of clothes, (1, 28, 28), in 10
 * classes (`FASHION_MNIST_CLASSES`), normalised with the training set's own mean 0.2860 and std
 * 0.3530 (`FASHION_MNIST_MEAN`, `FASHION_MNIST_STD`). Read from `dir`, else `$TAPEGRAD_DATA/fashion-mnist`,
 * else `/usr/share/datasets/fashion-mnist` (`sudo apt-get install dataset-fashion-mnist`); without
 * the files it throws a `DatasetFilesMissingError` saying how to get them.
 */
export function fashionMnist(opts: IdxDatasetOptions = {}): { train: MnistIdx; test: MnistIdx; dir: string } {
  return idxDataset('fashion-mnist', opts, 'fashionMnist');
}
