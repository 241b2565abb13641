import { fail, formatShape } from '@tapegrad/tensor';
import { requireNode, type NodeHost } from '../platform/index.js';

/** Node's modules for reading IDX files by path (browsers: one line naming the bytes alternative). */
function node(fn: string): NodeHost {
  return requireNode(fn, 'reading files', 'decode the file\'s bytes with decodeIdx(bytes)');
}
import { checkClassNames, type Dataset } from './Dataset.js';
import { MNIST_MEAN, MNIST_STD } from './embeddedMnist.js';

/** Element types of the IDX format, by their type byte. */
const IDX_TYPES = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
} as const;

export type IdxType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];

export interface IdxArray {
  type: IdxType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

function readBytes(path: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = node('loadIdx').fs.readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    return fail('loadIdx', `file ${path} cannot be read (${code}); expected an existing IDX file (plain or .gz)`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return node('loadIdx').zlib.gunzipSync(bytes);
    } catch (e) {
      return fail('loadIdx', `file ${path} is a damaged gzip stream (${(e as Error).message}); expected a complete .gz of an IDX file`);
    }
  }
  return bytes;
}

/**
 * Reads an IDX file (the format of the original MNIST / Fashion-MNIST files), plain or gzip'd
 * (detected by content): big-endian header `0x00 0x00 <type> <rank>`, `rank` uint32 sizes, then
 * the elements row-major.
 */
export function loadIdx(path: string): IdxArray {
  return parseIdx(readBytes(path), `file ${path}`, 'loadIdx');
}

/**
 * The IDX array in `bytes` (an uncompressed IDX file: gunzip a `.gz` first), for bytes from
 * anywhere (a fetch in a browser); `source` names them in errors.
 */
export function decodeIdx(bytes: Uint8Array, source = 'bytes'): IdxArray {
  return parseIdx(bytes, source, 'decodeIdx');
}

function parseIdx(bytes: Uint8Array, source: string, fn: string): IdxArray {
  const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || !(bytes[2]! in IDX_TYPES) || bytes[3] === 0) {
    const head = Array.from(bytes.subarray(0, 4), hex).join(' ');
    fail(fn, `${source} has magic bytes [${head}], not an IDX header; expected 0x00 0x00 <type 0x08|0x09|0x0b|0x0c|0x0d|0x0e> <rank >= 1>`);
  }
  const t = IDX_TYPES[bytes[2] as keyof typeof IDX_TYPES];
  const rank = bytes[3]!;
  const headerLen = 4 + 4 * rank;
  if (bytes.length < headerLen) fail(fn, `${source} is truncated: ${bytes.length} bytes cannot hold the header of a rank-${rank} array; expected at least ${headerLen}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const want = headerLen + count * t.bytes;
  if (bytes.length !== want) {
    const problem = bytes.length < want ? 'is truncated' : 'has trailing bytes';
    fail(fn, `${source} ${problem}: ${bytes.length - headerLen} data bytes for shape ${formatShape(shape)} of ${t.name}; expected ${want - headerLen}`);
  }
  const body = bytes.subarray(headerLen);
  let data: IdxArray['data'];
  switch (t.name) {
    case 'uint8': data = Uint8Array.from(body); break;
    case 'int8': data = new Int8Array(body.slice().buffer); break;
    default: {
      const out = t.name === 'int16' ? new Int16Array(count) : t.name === 'int32' ? new Int32Array(count) : t.name === 'float32' ? new Float32Array(count) : new Float64Array(count);
      const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
      for (let i = 0; i < count; i++) {
        out[i] = t.name === 'int16' ? bv.getInt16(2 * i) : t.name === 'int32' ? bv.getInt32(4 * i) : t.name === 'float32' ? bv.getFloat32(4 * i) : bv.getFloat64(8 * i);
      }
      data = out;
    }
  }
  return { type: t.name, shape, data };
}

export interface MnistIdxOptions {
  /** Which files: `train-*` or `t10k-*`. @default 'train' */
  split?: 'train' | 'test';
  /** Scale to [0, 1], then `(x - mean) / std`; false keeps [0, 1]. @default { mean: 0.1307, std: 0.3081 } */
  normalize?: false | { mean: number; std: number };
  /** Number of classes of the labels. @default 10 */
  numClasses?: number;
  /** A name per class. @default the class indices as text ('0', '1', ...) */
  classNames?: readonly string[];
}

/** The four files of an MNIST-style IDX dataset, as `findIdxFile` names them (stem, kind). */
export const IDX_DATASET_FILES: readonly (readonly [string, string])[] = [
  ['train-images', 'idx3-ubyte'], ['train-labels', 'idx1-ubyte'], ['t10k-images', 'idx3-ubyte'], ['t10k-labels', 'idx1-ubyte'],
];

/**
 * The path of `<stem>-<kind>` in `dir`, or null: the usual name or the `train-images.idx3-ubyte`
 * spelling some archives use, each plain or `.gz`.
 */
export function findIdxFile(dir: string, stem: string, kind: string): string | null {
  const host = node('findIdxFile');
  for (const n of [`${stem}-${kind}`, `${stem}.${kind}`]) {
    for (const name of [n, `${n}.gz`]) if (host.fs.existsSync(host.path.join(dir, name))) return host.path.join(dir, name);
  }
  return null;
}

function findFile(dir: string, stem: string, kind: string): string {
  const found = findIdxFile(dir, stem, kind);
  if (found !== null) return found;
  const base = `${stem}-${kind}`;
  return fail('mnistIdx', `directory ${dir} has no ${base} (or ${base}.gz); expected the MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte)`);
}

/**
 * (1, 28, 28) images with integer labels from the original MNIST IDX files in `dir` (plain or .gz;
 * Fashion-MNIST uses the same names). Images stay one byte per pixel in memory and are scaled
 * while a batch is gathered.
 */
export class MnistIdx implements Dataset {
  readonly length: number;
  readonly sampleShape: readonly number[];
  readonly targetShape: readonly number[] = [];
  readonly numClasses: number;
  readonly classNames: readonly string[];
  private readonly images: Uint8Array;
  private readonly labels: Uint8Array;
  private readonly lut = new Float32Array(256);
  private readonly pixels: number;

  constructor(dir: string, opts: MnistIdxOptions = {}) {
    const split = opts.split ?? 'train';
    if (split !== 'train' && split !== 'test') fail('MnistIdx', `split '${String(split)}' is not supported; expected 'train' or 'test'`);
    const stem = split === 'train' ? 'train' : 't10k';
    const imgPath = findFile(dir, `${stem}-images`, 'idx3-ubyte');
    const lblPath = findFile(dir, `${stem}-labels`, 'idx1-ubyte');
    const img = loadIdx(imgPath), lbl = loadIdx(lblPath);
    if (img.type !== 'uint8' || img.shape.length !== 3) fail('MnistIdx', `file ${imgPath} holds ${img.type} of shape ${formatShape(img.shape)}; expected uint8 images (N, H, W)`);
    if (lbl.type !== 'uint8' || lbl.shape.length !== 1) fail('MnistIdx', `file ${lblPath} holds ${lbl.type} of shape ${formatShape(lbl.shape)}; expected uint8 labels (N)`);
    if (lbl.shape[0] !== img.shape[0]) fail('MnistIdx', `file ${lblPath} has ${lbl.shape[0]} labels for ${img.shape[0]} images in ${imgPath}; expected one label per image`);
    this.numClasses = opts.numClasses ?? 10;
    this.classNames = opts.classNames === undefined
      ? Array.from({ length: this.numClasses }, (_, c) => String(c))
      : checkClassNames('MnistIdx', opts.classNames, this.numClasses);
    const labels = lbl.data as Uint8Array;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i]! >= this.numClasses) fail('MnistIdx', `label ${labels[i]} at index ${i} of ${lblPath} is out of range; expected a class in [0, ${this.numClasses - 1}]`);
    }
    this.images = img.data as Uint8Array;
    this.labels = labels;
    this.length = img.shape[0]!;
    this.sampleShape = [1, img.shape[1]!, img.shape[2]!];
    this.pixels = img.shape[1]! * img.shape[2]!;
    const norm = opts.normalize === undefined ? { mean: MNIST_MEAN, std: MNIST_STD } : opts.normalize;
    for (let v = 0; v < 256; v++) this.lut[v] = norm ? (v / 255 - norm.mean) / norm.std : v / 255;
  }

  copySample(index: number, x: Float32Array, xOffset: number, y: Float32Array, yOffset: number): void {
    const P = this.pixels, src = index * P, lut = this.lut, img = this.images;
    for (let p = 0; p < P; p++) x[xOffset + p] = lut[img[src + p]!]!;
    y[yOffset] = this.labels[index]!;
  }
}

/** `{ train, test }` MnistIdx datasets from the IDX files in `dir`. */
export function mnistIdx(dir: string, opts: Omit<MnistIdxOptions, 'split'> = {}): { train: MnistIdx; test: MnistIdx } {
  return { train: new MnistIdx(dir, { ...opts, split: 'train' }), test: new MnistIdx(dir, { ...opts, split: 'test' }) };
}
