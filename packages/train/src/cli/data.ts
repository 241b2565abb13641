import { existsSync, statSync } from 'node:fs';
import { embeddedMnist } from '../data/embeddedMnist.js';
import { mnistIdx } from '../data/idx.js';
import { Subset, type Dataset } from '../data/Dataset.js';
import { UsageError } from './args.js';

/** `embedded` (the mnist package's 10,000 digits, BENCHMARK.md's split) or a directory of MNIST IDX files. */
export function loadData(command: string, data: string, subset: number | undefined): { train: Dataset; test: Dataset } {
  let sets: { train: Dataset; test: Dataset };
  if (data === 'embedded') sets = embeddedMnist();
  else {
    if (!existsSync(data) || !statSync(data).isDirectory()) throw new UsageError(`tapegrad ${command}: --data ${data} is neither 'embedded' nor a directory; expected 'embedded' or a directory of MNIST IDX files`);
    sets = mnistIdx(data);
  }
  if (subset === undefined) return sets;
  // an evenly spread subset keeps every class (the embedded set is ordered by digit)
  const pick = (ds: Dataset): Dataset => {
    const n = Math.min(subset, ds.length);
    return new Subset(ds, Array.from({ length: n }, (_, i) => Math.floor((i * ds.length) / n)));
  };
  return { train: pick(sets.train), test: pick(sets.test) };
}
