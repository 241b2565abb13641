// The worker's data: the MNIST asset fetched, inflated, decoded and normalised as the main job's
// embeddedMnist does, as two TensorDatasets.
import { MNIST_MEAN, MNIST_STD, Tensor, TensorDataset, type Dataset } from 'tapegrad';
import { decodeDigits, normalizePixels, type DigitsPart } from './digitsFile.js';

export interface MnistSplit {
  train: Dataset;
  test: Dataset;
}

/** The response's bytes, inflated when gzipped (a server that sent Content-Encoding: gzip has inflated them already). */
async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetching ${url} answered ${res.status} ${res.statusText}; expected the MNIST asset (run scripts/make-digits.ts)`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

function dataset(part: DigitsPart, palette: Float32Array, rows: number, cols: number): TensorDataset {
  const x = normalizePixels(part.pixels, palette, MNIST_MEAN, MNIST_STD);
  return new TensorDataset(new Tensor(x, [part.count, 1, rows, cols]), new Tensor(Float32Array.from(part.labels), [part.count]), { numClasses: 10 });
}

export async function loadMnistSplit(url: string): Promise<MnistSplit> {
  const d = decodeDigits(await fetchBytes(url));
  return { train: dataset(d.train, d.palette, d.rows, d.cols), test: dataset(d.test, d.palette, d.rows, d.cols) };
}
