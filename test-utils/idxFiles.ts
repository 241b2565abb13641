// MNIST-style IDX datasets for tests: the four gzip'd files of a tiny dataset, written to a folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One IDX array of uint8 (type 0x08), gzip'd: big-endian header, sizes, then the bytes. */
function idxGz(shape: readonly number[], body: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[2] = 8;
  head[3] = shape.length;
  shape.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([head, body]));
}

export interface IdxFolderOptions {
  /** Images in the training split. */
  train: number;
  /** Images in the test split. */
  test: number;
  /** Pixel value (0..255) of flat pixel index i of a split's images. */
  pixel: (i: number) => number;
  /** File names to leave out (`t10k-labels-idx1-ubyte.gz`, ...). */
  skip?: readonly string[];
}

/** Writes `{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz` (28 x 28 images, labels 0..9 in turn) into `dir`; returns `dir`. */
export function writeIdxFolder(dir: string, opts: IdxFolderOptions): string {
  for (const [stem, n] of [['train', opts.train], ['t10k', opts.test]] as const) {
    const files: [string, Buffer][] = [
      [`${stem}-images-idx3-ubyte.gz`, idxGz([n, 28, 28], new Uint8Array(n * 784).map((_, i) => opts.pixel(i)))],
      [`${stem}-labels-idx1-ubyte.gz`, idxGz([n], Uint8Array.from({ length: n }, (_, i) => i % 10))],
    ];
    for (const [name, bytes] of files) if (!opts.skip?.includes(name)) writeFileSync(join(dir, name), bytes);
  }
  return dir;
}
