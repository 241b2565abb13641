import { existsSync, statSync } from 'node:fs';
import { embeddedMnist, mnistIdx, evenSubset, type Dataset } from '@tapegrad/train';
import { UsageError } from './args.js';

const SETS = { train: ['training', 'train-images-idx3-ubyte'], test: ['test', 't10k-images-idx3-ubyte'] } as const;

/**
 * `embedded` (the mnist package's 10,000 digits, docs/benchmark.md's split) or a directory of MNIST
 * IDX files. The sets in `need` (default: the test set for eval, both for anything else) must hold
 * at least one image: an empty one would otherwise surface later as a schedule error or a NaN accuracy.
 */
export function loadData(command: string, data: string, subset: number | undefined, need: readonly ('train' | 'test')[] = command === 'eval' ? ['test'] : ['train', 'test']): { train: Dataset; test: Dataset } {
  let sets: { train: Dataset; test: Dataset };
  if (data === 'embedded') sets = embeddedMnist();
  else {
    if (!existsSync(data) || !statSync(data).isDirectory()) throw new UsageError(`tapegrad ${command}: --data ${data} is neither 'embedded' nor a directory; expected 'embedded' or a directory of MNIST IDX files`);
    sets = mnistIdx(data);
  }
  for (const which of need) {
    const [label, file] = SETS[which];
    if (sets[which].length === 0) throw new Error(`tapegrad ${command}: --data ${data} has 0 ${label} images (${file}); expected at least one`);
  }
  if (subset === undefined) return sets;
  return { train: evenSubset(sets.train, subset), test: evenSubset(sets.test, subset) };
}
