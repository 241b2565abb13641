import { existsSync, statSync } from 'node:fs';
import { embeddedMnist, mnistIdx, evenSubset, type Dataset } from '@tapegrad/train';
import { UsageError } from './args.js';

/** `embedded` (the mnist package's 10,000 digits, docs/benchmark.md's split) or a directory of MNIST IDX files. */
export function loadData(command: string, data: string, subset: number | undefined): { train: Dataset; test: Dataset } {
  let sets: { train: Dataset; test: Dataset };
  if (data === 'embedded') sets = embeddedMnist();
  else {
    if (!existsSync(data) || !statSync(data).isDirectory()) throw new UsageError(`tapegrad ${command}: --data ${data} is neither 'embedded' nor a directory; expected 'embedded' or a directory of MNIST IDX files`);
    sets = mnistIdx(data);
  }
  if (subset === undefined) return sets;
  return { train: evenSubset(sets.train, subset), test: evenSubset(sets.test, subset) };
}
