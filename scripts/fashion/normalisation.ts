// Fashion-MNIST's normalisation constants: the mean and the standard deviation (population, over
// every pixel) of the 60,000 training images scaled to [0, 1], as torchvision's `Normalize((m,), (s,))`
// for MNIST uses 0.1307 / 0.3081. docs/datasets.md records the output; FASHION_MNIST_MEAN and
// FASHION_MNIST_STD hold it rounded to 4 digits, and packages/train/test/fashionMnist.test.ts
// recomputes it when the files are present.
//
//   pnpm exec tsx scripts/fashion/normalisation.ts [--data DIR]     (default: where fashionMnist() looks)
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findIdxFile, loadIdx, locateIdxDataset } from '@tapegrad/train';

/** Mean and population standard deviation of bytes / 255, summed in float64 (exact for the sums of bytes). */
export function pixelStats(bytes: Uint8Array): { mean: number; std: number; count: number } {
  // a histogram first: 256 counts give exact sums, so the result does not depend on summation order
  const hist = new Float64Array(256);
  for (let i = 0; i < bytes.length; i++) hist[bytes[i]!]!++;
  let sum = 0, sumSq = 0;
  for (let v = 0; v < 256; v++) { sum += hist[v]! * v; sumSq += hist[v]! * v * v; }
  const n = bytes.length;
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  return { mean: mean / 255, std: Math.sqrt(variance) / 255, count: n };
}

function main(argv: readonly string[]): void {
  const at = argv.indexOf('--data');
  const dir = locateIdxDataset('fashion-mnist', at >= 0 && argv[at + 1] !== undefined ? { dir: argv[at + 1]! } : {}, 'normalisation');
  const path = findIdxFile(dir, 'train-images', 'idx3-ubyte')!;
  const images = loadIdx(path);
  const s = pixelStats(images.data as Uint8Array);
  console.log(`${path}: ${images.shape[0]} images, ${s.count} pixels`);
  console.log(`mean ${s.mean}  std ${s.std}`);
  console.log(`rounded: mean ${s.mean.toFixed(4)}  std ${s.std.toFixed(4)}`);
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) main(process.argv.slice(2));
