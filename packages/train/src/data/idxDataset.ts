import { MnistIdx } from './idx.js';
import { IDX_DATASETS, type IdxDatasetName } from './idxDatasets.js';
import { locateIdxDataset, type LocateIdxDatasetOptions } from './locateIdxDataset.js';

export interface IdxDatasetOptions extends LocateIdxDatasetOptions {
  /**
   * Scale to [0, 1], then `(x - mean) / std` with the dataset's own mean and std (true), other
   * values, or keep [0, 1] (false). @default true
   */
  normalize?: boolean | { mean: number; std: number };
}

/**
 * The train and test sets of an IDX dataset by name (`mnist`, `fashion-mnist`), (1, 28, 28) images
 * with integer labels and the dataset's class names, read from the folder `locateIdxDataset` finds
 * (`dir`, else `$TAPEGRAD_DATA/<name>`, else `/usr/share/datasets/<name>`); `dir` is that folder.
 * Missing files throw a `DatasetFilesMissingError` that says how to get them.
 */
export function idxDataset(name: IdxDatasetName, opts: IdxDatasetOptions = {}, fn = 'idxDataset'): { train: MnistIdx; test: MnistIdx; dir: string } {
  const dir = locateIdxDataset(name, opts, fn);
  const info = IDX_DATASETS[name];
  const n = opts.normalize ?? true;
  const normalize = n === true ? { mean: info.mean, std: info.std } : n;
  const common = { normalize, numClasses: info.classNames.length, classNames: info.classNames };
  return { train: new MnistIdx(dir, { ...common, split: 'train' }), test: new MnistIdx(dir, { ...common, split: 'test' }), dir };
}
